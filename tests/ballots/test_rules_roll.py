"""Pure rules of the voter roll (no database): the voluntary floor, the publication lead, the objection window,
the decision deadline, and the voting-stage gates' checks."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from ballots.rules import roll
from elections import rules as election_rules

D = dt.date
DAY = D(2030, 1, 10)


def rc(**overrides):
    values = election_rules.preset_parameters("rc-general")[0]
    values.update(overrides)
    return values


def facts(**kw):
    kw.setdefault("body", "residents_committee")
    kw.setdefault("election_day", DAY)
    kw.setdefault("today", D(2029, 12, 1))
    kw.setdefault("active", 100)
    kw.setdefault("published_on", D(2029, 12, 1))
    return roll.RollFacts(**kw)


def codes(blockers):
    return [b.code for b in blockers]


# ---------------------------------------------------------------- the voluntary floor (40%)


def test_exactly_forty_percent_passes_and_one_below_fails():
    assert roll.floor_met(400, 1000, "2/5") is True
    assert roll.floor_met(399, 1000, "2/5") is False


def test_the_floor_rounds_up_to_whole_people():
    assert roll.floor_minimum(1000, "2/5") == 400
    assert roll.floor_minimum(1001, "2/5") == 401  # 400.4 people: 401 needed
    assert roll.floor_met(401, 1001, "2/5") and not roll.floor_met(400, 1001, "2/5")


def test_the_floor_accepts_a_fraction_or_a_percentage():
    assert roll.floor_minimum(1000, Fraction(1, 2)) == 500
    assert roll.floor_minimum(1000, "45%") == 450
    assert roll.percent_text("2/5") == "40%" and roll.percent_text("2/7") == "2/7"


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=0, max_value=10**6),
       st.sampled_from(["2/5", "1/3", "1/2", "3/7"]))
def test_the_floor_is_met_exactly_from_its_minimum(residents, registered, share):
    assert roll.floor_met(registered, residents, share) == (registered >= roll.floor_minimum(residents, share))


# ---------------------------------------------------------------- publication lead (20 days)


def test_published_exactly_twenty_days_before_is_in_time_nineteen_is_late():
    assert roll.publish_deadline(DAY, 20) == D(2029, 12, 21)
    assert roll.published_late(D(2029, 12, 21), DAY, 20) is False
    assert roll.published_late(D(2029, 12, 22), DAY, 20) is True
    assert roll.published_late(D(2029, 11, 1), DAY, 20) is False


def test_nothing_is_late_without_a_publication_or_an_election_day():
    assert roll.published_late(None, DAY, 20) is False
    assert roll.published_late(D(2029, 12, 30), None, 20) is False
    assert roll.publish_deadline(None, 20) is None


# ---------------------------------------------------------------- objection window (5 days, 以内)


def test_the_last_day_to_object_is_the_fifth_day_after_publication():
    assert roll.objection_last_day(D(2029, 12, 1), 5) == D(2029, 12, 6)


def window(raised_on, today=D(2029, 12, 20)):
    return roll.objection_window_problem(raised_on=raised_on, published_on=D(2029, 12, 1), objection_days=5,
                                         today=today)


def test_an_objection_on_the_last_day_is_in_time_the_day_after_is_not():
    assert window(D(2029, 12, 6)) is None
    problem = window(D(2029, 12, 7))
    assert "5 日内" in problem and "2029-12-06" in problem and "2029-12-07" in problem


def test_an_objection_on_the_publication_day_itself_is_in_time():
    assert window(D(2029, 12, 1)) is None


def test_an_objection_before_publication_or_in_the_future_is_refused():
    assert "早于选民名单的公布日期" in window(D(2029, 11, 30))
    assert "晚于今天" in window(D(2029, 12, 5), today=D(2029, 12, 4))


# ---------------------------------------------------------------- decision deadline (3 days)


def test_a_decision_on_the_third_day_is_in_time_on_the_fourth_overdue():
    raised = D(2029, 12, 3)
    assert roll.decision_due(raised, 3) == D(2029, 12, 6)
    assert roll.decision_overdue(raised, D(2029, 12, 6), 3) is False
    assert roll.decision_overdue(raised, D(2029, 12, 7), 3) is True


def test_a_decision_date_before_the_objection_or_in_the_future_is_refused():
    assert "早于异议提出日期" in roll.decision_problem(decided_on=D(2029, 12, 2), raised_on=D(2029, 12, 3),
                                                   today=D(2029, 12, 10))
    assert "晚于今天" in roll.decision_problem(decided_on=D(2029, 12, 11), raised_on=D(2029, 12, 3),
                                           today=D(2029, 12, 10))
    assert roll.decision_problem(decided_on=D(2029, 12, 3), raised_on=D(2029, 12, 3), today=D(2029, 12, 3)) is None


# ---------------------------------------------------------------- the publication day's sanity


def test_publication_day_limits():
    today = D(2029, 12, 15)
    assert roll.publish_problem(published_on=today, election_day=DAY, today=today) is None
    assert "晚于今天" in roll.publish_problem(published_on=D(2029, 12, 16), election_day=DAY, today=today)
    assert "不早于选举日" in roll.publish_problem(published_on=D(2029, 12, 15), election_day=D(2029, 12, 15),
                                              today=today)
    assert "一年前" in roll.publish_problem(published_on=D(2028, 12, 1), election_day=DAY, today=today)
    assert "已有对选民名单的异议" in roll.publish_problem(published_on=D(2029, 12, 10), election_day=DAY, today=today,
                                                 first_objection=D(2029, 12, 8))


def test_groups_sort_naturally():
    groups = ["10组", "2组", "1组", "东区", "第3组"]
    assert sorted(groups, key=roll.group_sort_key) == ["1组", "2组", "10组", "东区", "第3组"]


# ---------------------------------------------------------------- gates


def test_an_empty_roll_blocks():
    blockers = roll.gate_voter_list_empty(facts(active=0), rc())
    assert codes(blockers) == ["voter_list_missing"]
    assert blockers[0].source == rc_source("voter_list_lead_days")
    assert roll.gate_voter_list_empty(facts(active=1), rc()) == []


def rc_source(key):
    return election_rules.preset_parameters("rc-general")[1][key]


def test_an_unpublished_list_names_the_deadline():
    [b] = roll.gate_voter_list_published(facts(published_on=None), rc())
    assert b.code == "voter_list_unpublished"
    assert "2030-01-10" in b.message and "2029-12-21" in b.message and "20 日前" in b.message
    assert "村民委员会组织法 第十四条" in b.source


def test_an_unpublished_list_past_its_deadline_says_to_move_the_election_day():
    [b] = roll.gate_voter_list_published(facts(published_on=None, today=D(2029, 12, 25)), rc())
    assert "推迟选举日至 2030-01-14" in b.fix


def test_published_twenty_days_before_passes_nineteen_blocks():
    assert roll.gate_voter_list_published(facts(published_on=D(2029, 12, 21)), rc()) == []
    [b] = roll.gate_voter_list_published(facts(published_on=D(2029, 12, 22)), rc())
    assert b.code == "voter_list_late"
    assert "仅 19 天" in b.message and "少于规定的 20 天" in b.message and "2029-12-21" in b.message
    assert "2030-01-11" in b.fix


def test_the_lead_follows_the_rulebook():
    assert codes(roll.gate_voter_list_published(facts(published_on=D(2029, 12, 21)), rc(voter_list_lead_days=30))) \
        == ["voter_list_late"]


def test_without_an_election_day_only_the_missing_publication_is_reported():
    assert codes(roll.gate_voter_list_published(facts(election_day=None, published_on=None), rc())) == [
        "voter_list_unpublished"]
    assert roll.gate_voter_list_published(facts(election_day=None, published_on=D(2029, 12, 30)), rc()) == []


def test_open_objections_block_with_their_deadlines_and_overdue_marks():
    open_ = (roll.OpenObjection("李四", "漏登", D(2029, 12, 2)), roll.OpenObjection("赵六", "错登", D(2029, 12, 5)))
    [b] = roll.gate_voter_objections_decided(facts(open_objections=open_, today=D(2029, 12, 6)), rc())
    assert b.code == "voter_objections_open"
    assert "2 件" in b.message
    assert "李四（漏登，2029-12-02 提出，应于 2029-12-05 前处理，已逾期）" in b.message
    assert "赵六（错登，2029-12-05 提出，应于 2029-12-08 前处理）" in b.message
    assert b.source == rc_source("voter_objection_decision_days")
    assert roll.gate_voter_objections_decided(facts(), rc()) == []


def test_the_voluntary_floor_applies_only_to_voluntary_registration():
    assert roll.gate_voluntary_floor(facts(mode="all", active=1, residents_total=1000), rc()) == []
    assert roll.gate_voluntary_floor(facts(mode="voluntary", active=400, residents_total=1000), rc()) == []
    [b] = roll.gate_voluntary_floor(facts(mode="voluntary", active=399, residents_total=1000), rc())
    assert b.code == "voluntary_floor"
    assert "399 人" in b.message and "1000 人的 40%" in b.message and "至少 400 人" in b.message and "还差 1 人" in b.message
    assert b.source == "seed 003"


def test_voluntary_registration_without_a_residents_total_blocks():
    [b] = roll.gate_voluntary_floor(facts(mode="voluntary", residents_total=None), rc())
    assert b.code == "residents_total_missing"


def test_the_floor_follows_the_rulebook_and_its_source():
    [b] = roll.gate_voluntary_floor(facts(mode="voluntary", active=400, residents_total=1000,
                                          sources={"voluntary_registration_floor": "本市实施办法"}),
                                    rc(voluntary_registration_floor="1/2"))
    assert "50%" in b.message and b.source == "本市实施办法"


def test_roll_blockers_gathers_every_gate():
    everything = facts(active=0, published_on=None, mode="voluntary", residents_total=None,
                       open_objections=(roll.OpenObjection("甲", "漏登", D(2029, 12, 1)),))
    assert codes(roll.roll_blockers(everything, rc())) == [
        "voter_list_missing", "voter_list_unpublished", "voter_objections_open", "residents_total_missing"]

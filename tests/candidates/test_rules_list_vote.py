"""Pure rules of the residents' representatives' meeting that votes a residents' committee's formal candidates
(seed 000): the figures, the meeting's validity, and the outcome per position (no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from candidates import rules
from elections import rules as election_rules


def rc(**overrides):
    values = election_rules.preset_parameters("rc-general")[0]
    values.update(overrides)
    return values


def counts(*votes, start=1):
    """ListVoteCount rows named 候选1, 候选2 … with the given votes (keys from ``start``)."""
    return [rules.ListVoteCount(start + i, f"候选{start + i}", v) for i, v in enumerate(votes)]


def names(rows):
    return [r.name for r in rows]


# ---------------------------------------------------------------- figures


def test_coherent_figures_have_no_problems():
    assert rules.list_vote_problems(40, 30, 30, [30, 0, 12]) == {}
    assert rules.list_vote_problems(40, 40, 0, []) == {}


def test_present_may_not_exceed_expected():
    assert rules.list_vote_problems(40, 41, 30, []) == {"present": ["实到人数（41）不能多于应到人数（40）。"]}


def test_ballots_may_not_exceed_present():
    assert rules.list_vote_problems(40, 30, 31, []) == {"ballots": ["收回选票（31）不能多于实到人数（30）。"]}


def test_a_count_may_not_exceed_the_ballots_and_names_the_nominee():
    assert rules.list_vote_problems(40, 30, 30, [("张三", 31)]) == {
        "results": ["张三的得票（31）不能多于收回选票（30）。"]}
    assert rules.list_vote_problems(40, 30, 30, [30]) == {}
    assert rules.list_vote_problems(40, 30, 30, [31]) == {"results": ["得票（31）不能多于收回选票（30）。"]}


@pytest.mark.parametrize("field, args", [
    ("expected", (-1, 0, 0)), ("present", (40, -1, 0)), ("ballots", (40, 30, -1)),
])
def test_negative_figures_are_refused_by_field(field, args):
    assert rules.list_vote_problems(*args, []) == {field: [{
        "expected": "应到人数不能为负数。", "present": "实到人数不能为负数。", "ballots": "收回选票不能为负数。"}[field]]}


def test_negative_and_non_integer_counts_are_refused():
    assert rules.list_vote_problems(40, 30, 30, [("李四", -1)]) == {"results": ["李四的得票须为非负整数。"]}
    assert rules.list_vote_problems(40, 30, 30, [("李四", 1.5)]) == {"results": ["李四的得票须为非负整数。"]}
    assert rules.list_vote_problems(40, 30, 30, [("李四", True)]) == {"results": ["李四的得票须为非负整数。"]}
    assert rules.list_vote_problems("40", 30, 30, []) == {"expected": ["应到人数须为整数。"]}


def test_a_meeting_of_nobody_expected_is_refused():
    assert rules.list_vote_problems(0, 0, 0, []) == {"expected": ["应到人数须大于 0。"]}


def test_every_bad_count_is_reported():
    problems = rules.list_vote_problems(40, 30, 30, [("甲", 31), ("乙", -2), ("丙", 3)])
    assert problems == {"results": ["甲的得票（31）不能多于收回选票（30）。", "乙的得票须为非负整数。"]}


# ---------------------------------------------------------------- validity (城市居民委员会组织法 第五条)


def test_exactly_half_present_is_not_valid():
    share = rc()["adoption_attendance_over"]
    assert share == "1/2"
    assert not rules.list_vote_valid(40, 20, share)
    assert not rules.list_vote_valid(41, 20, share)  # 20 of 41 is less than half


def test_half_plus_one_present_is_valid():
    share = rc()["adoption_attendance_over"]
    assert rules.list_vote_valid(40, 21, share)
    assert rules.list_vote_valid(41, 21, share)
    assert rules.list_vote_valid(1, 1, share)


def test_nobody_expected_is_never_valid():
    assert not rules.list_vote_valid(0, 0, "1/2")


def test_the_rulebook_share_is_used():
    assert not rules.list_vote_valid(30, 20, "2/3")
    assert rules.list_vote_valid(30, 21, "2/3")


@given(st.integers(min_value=1, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_valid_exactly_when_twice_present_exceeds_expected(expected, present):
    assert rules.list_vote_valid(expected, present, "1/2") is (2 * present > expected)


def test_the_invalid_message_names_the_figures():
    assert rules.list_vote_invalid_message(40, 20, "1/2") == (
        "居民代表会议应到 40 人、实到 20 人，未超过应到人数的一半，会议无效，不能以此确定正式候选人。")


# ---------------------------------------------------------------- which positions need the vote


def test_only_positions_beyond_the_upper_bound_need_the_vote():
    seats = {"chair": 1, "vice_chair": 1, "member": 5}
    # bounds (+1…+2): chair 3, vice_chair 3, member 7
    assert rules.list_vote_needed({"chair": 3, "vice_chair": 4, "member": 7}, seats, rc()) == ["vice_chair"]
    assert rules.list_vote_needed({"chair": 4, "member": 8}, seats, rc()) == ["chair", "member"]
    assert rules.list_vote_needed({"chair": 2}, seats, rc()) == []


def test_no_upper_bound_means_no_vote():
    assert rules.list_vote_needed({"member": 30}, {"member": 5}, rc(margin_mode="ratio", margin_ratio="6/5")) == []


def test_a_position_outside_the_seat_plan_needs_no_vote():
    assert rules.list_vote_needed({"secretary": 9}, {"member": 5}, rc()) == []


# ---------------------------------------------------------------- outcome


def test_the_top_seats_plus_margin_are_kept():
    outcome = rules.list_vote_outcome({"chair": counts(10, 30, 20, 25, 5)}, {"chair": 1}, rc())
    [chair] = outcome.positions
    assert (chair.needed, chair.decided, chair.bound) == (True, True, 3)
    assert names(chair.kept) == ["候选2", "候选4", "候选3"]
    assert names(chair.left) == ["候选1", "候选5"]
    assert chair.tied == () and chair.places == 0
    assert chair.message == ("主任（至多 3 名）：确定 候选2（30 票）、候选4（25 票）、候选3（20 票）；"
                             "未列入 候选1（10 票）、候选5（5 票）。")
    assert outcome.decided == (chair,) and outcome.undecided == ()


def test_the_margin_plus_max_of_the_rulebook_is_the_bound():
    outcome = rules.list_vote_outcome({"member": counts(9, 8, 7, 6, 5, 4, 3, 2, 1)}, {"member": 5},
                                      rc(margin_plus_max=3))
    member = outcome.position("member")
    assert member.bound == 8 and len(member.kept) == 8 and names(member.left) == ["候选9"]


def test_a_tie_at_the_cut_leaves_the_position_undecided_and_names_the_tied():
    rows = [rules.ListVoteCount(1, "王五", 20), rules.ListVoteCount(2, "赵六", 15),
            rules.ListVoteCount(3, "张三", 12), rules.ListVoteCount(4, "李四", 12), rules.ListVoteCount(5, "孙七", 3)]
    outcome = rules.list_vote_outcome({"chair": rows}, {"chair": 1}, rc())
    chair = outcome.position("chair")
    assert not chair.decided and chair.needed
    assert names(chair.kept) == ["王五", "赵六"]
    assert names(chair.tied) == ["张三", "李四"]
    assert names(chair.left) == ["孙七"]
    assert chair.places == 1
    assert "末位得票相等：张三、李四各 12 票，须就他们重新投票" in chair.message
    assert chair.message == ("主任（至多 3 名）：王五、赵六得票在前；末位得票相等：张三、李四各 12 票，"
                             "须就他们重新投票（产生 1 名）。")
    assert outcome.undecided == (chair,) and outcome.decided == ()


def test_a_tie_below_the_cut_does_not_matter():
    outcome = rules.list_vote_outcome({"chair": counts(30, 20, 10, 5, 5)}, {"chair": 1}, rc())
    chair = outcome.position("chair")
    assert chair.decided and names(chair.left) == ["候选4", "候选5"]


def test_a_tie_above_the_cut_does_not_matter():
    outcome = rules.list_vote_outcome({"chair": counts(30, 30, 10, 5)}, {"chair": 1}, rc())
    chair = outcome.position("chair")
    assert chair.decided and names(chair.kept) == ["候选1", "候选2", "候选3"] and names(chair.left) == ["候选4"]


def test_a_tie_of_everyone_leaves_no_one_certain():
    outcome = rules.list_vote_outcome({"chair": counts(7, 7, 7, 7)}, {"chair": 1}, rc())
    chair = outcome.position("chair")
    assert chair.kept == () and chair.left == () and len(chair.tied) == 4 and chair.places == 3
    assert chair.message == ("主任（至多 3 名）：末位得票相等：候选1、候选2、候选3、候选4各 7 票，须就他们重新投票"
                             "（产生 3 名）。")


def test_fewer_than_the_bound_keep_everyone_without_a_vote():
    outcome = rules.list_vote_outcome({"chair": counts(3, 9)}, {"chair": 1}, rc())
    chair = outcome.position("chair")
    assert (chair.needed, chair.decided) == (False, True)
    assert names(chair.kept) == ["候选2", "候选1"] and chair.left == ()
    assert chair.message == "主任：审查通过 2 名，未超过差额上限 3 名，无须投票。"
    assert outcome.decided == () and outcome.undecided == ()


def test_exactly_the_bound_keeps_everyone_without_a_vote_even_when_tied():
    outcome = rules.list_vote_outcome({"chair": counts(5, 5, 5)}, {"chair": 1}, rc())
    chair = outcome.position("chair")
    assert (chair.needed, chair.decided, len(chair.kept), chair.tied) == (False, True, 3, ())


def test_one_more_than_the_bound_needs_the_vote():
    outcome = rules.list_vote_outcome({"chair": counts(5, 4, 3, 2)}, {"chair": 1}, rc())
    chair = outcome.position("chair")
    assert chair.needed and chair.decided and names(chair.left) == ["候选4"]


def test_positions_are_decided_independently_in_the_given_order():
    outcome = rules.list_vote_outcome(
        {"chair": counts(9, 8, 7, 6), "vice_chair": counts(4, 4, 4, 4, start=10), "member": counts(1, 2, start=20)},
        {"chair": 1, "vice_chair": 1, "member": 5}, rc())
    assert [p.position for p in outcome.positions] == ["chair", "vice_chair", "member"]
    assert [p.position for p in outcome.decided] == ["chair"]
    assert [p.position for p in outcome.undecided] == ["vice_chair"]
    assert not outcome.position("member").needed
    assert len(outcome.messages) == 3
    assert outcome.position("secretary") is None


def test_no_upper_bound_keeps_everyone():
    outcome = rules.list_vote_outcome({"member": counts(*range(20))}, {"member": 5},
                                      rc(margin_mode="ratio", margin_ratio="6/5"))
    member = outcome.position("member")
    assert not member.needed and len(member.kept) == 20
    assert member.message == "委员：审查通过 20 名，没有差额上限，无须投票。"


@given(st.lists(st.integers(min_value=0, max_value=50), min_size=0, max_size=12),
       st.integers(min_value=1, max_value=3))
def test_outcome_properties(votes, seats):
    rows = counts(*votes)
    outcome = rules.list_vote_outcome({"member": rows}, {"member": seats}, rc())
    p = outcome.position("member")
    bound = seats + 2
    assert p.bound == bound
    # every nominee is in exactly one group
    assert sorted(r.key for r in p.kept + p.left + p.tied) == [r.key for r in rows]
    if len(rows) <= bound:
        assert not p.needed and len(p.kept) == len(rows)
        return
    assert p.needed
    if p.decided:
        assert len(p.kept) == bound
        assert min(r.votes for r in p.kept) > max(r.votes for r in p.left)
    else:
        assert len(p.kept) < bound < len(p.kept) + len(p.tied)
        assert len({r.votes for r in p.tied}) == 1
        assert all(r.votes > p.tied[0].votes for r in p.kept)
        assert all(r.votes < p.tied[0].votes for r in p.left)
        assert p.places == bound - len(p.kept)

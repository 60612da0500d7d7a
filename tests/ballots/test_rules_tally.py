"""The pure tally rules: one entry's checks, comparing two entries, a round's count from its stations (a void
station), where the election stands after its rounds, run-off and revote candidates, and the gate checks."""

from __future__ import annotations

import datetime as dt

import pytest

from ballots.rules import tally as t
from elections import rules as election_rules

SEATS = {"chair": 1, "member": 2}
BALLOT = t.Ballot(seats=SEATS, candidates=(
    t.BallotCandidate("1", "王主任", "chair"), t.BallotCandidate("2", "李主任", "chair"),
    t.BallotCandidate("3", "孙委员", "member"), t.BallotCandidate("4", "周委员", "member"),
    t.BallotCandidate("5", "吴委员", "member"),
), registered=100)
VOTES = {"1": 60, "2": 18, "3": 50, "4": 45, "5": 30}


def rc_rules(**overrides):
    values = election_rules.preset_parameters("rc-general")[0]
    values.update(overrides)
    return values


def party_rules(**overrides):
    values = election_rules.preset_parameters("party-general")[0]
    values.update(overrides)
    return values


def fig(issued=80, returned=None, invalid=0, votes=None, write_ins=(), present=None):
    votes = VOTES if votes is None else votes
    return t.Figures(issued, issued if returned is None else returned, invalid, present,
                     tuple(votes.items()), tuple(t.WriteIn(*w) for w in write_ins))


def problems(figures, ballot=BALLOT):
    return t.entry_problems(figures, ballot)


# ---------------------------------------------------------------- one entry


def test_a_sound_entry_has_no_problem():
    assert problems(fig()) == {}


@pytest.mark.parametrize("field_name", ["ballots_issued", "ballots_returned", "ballots_invalid"])
@pytest.mark.parametrize("value, words", [(-1, "不能为负数"), ("12", "须为整数"), (1.5, "须为整数"), (None, "请填写"),
                                          (True, "须为整数")])
def test_figures_are_whole_non_negative_numbers(field_name, value, words):
    values = {"ballots_issued": 80, "ballots_returned": 80, "ballots_invalid": 0, field_name: value}
    found = problems(t.Figures(**values, votes=tuple(VOTES.items())))
    assert words in "".join(found[field_name])


def test_invalid_ballots_may_not_exceed_those_returned():
    assert "ballots_invalid" in problems(fig(80, 80, 81))
    assert problems(fig(80, 80, 80, votes={k: 0 for k in VOTES})) == {}


def test_more_returned_than_issued_is_accepted_and_flagged():
    entry = fig(80, 82)
    assert problems(entry) == {}
    stored = t.normalized(entry, BALLOT)
    assert "无效" in t.entry_warnings(stored)[0]
    assert t.entry_warnings(t.normalized(fig(), BALLOT)) == []


def test_every_candidate_on_the_ballot_is_given_once_and_no_one_else():
    found = problems(fig(votes={"1": 60, "3": 50, "4": 45, "5": 30, "9": 3}))
    assert "votes.2" in found and "没有得票填 0" in found["votes.2"][0]
    assert "不在本轮选票上" in found["votes"][0]
    twice = t.Figures(80, 80, 0, None, (("1", 60), ("1", 61), ("2", 18), ("3", 50), ("4", 45), ("5", 30)))
    assert "重复" in problems(twice)["votes.1"][0]
    assert "不能为负数" in problems(fig(votes=dict(VOTES, **{"4": -2})))["votes.4"][0]


def test_a_candidate_gets_at_most_one_vote_per_valid_ballot():
    found = problems(fig(80, 80, 10, votes=dict(VOTES, **{"1": 71, "2": 0})))
    assert "多于有效选票 70 张" in found["votes.1"][0]


def test_a_positions_votes_with_write_ins_are_capped_by_valid_ballots_times_its_seats():
    at_cap = dict(VOTES, **{"3": 80, "4": 60, "5": 0})  # 140 + write-in 20 = 160 = 80 × 2
    assert problems(fig(votes=at_cap, write_ins=[("郑八", "member", 20)])) == {}
    found = problems(fig(votes=at_cap, write_ins=[("郑八", "member", 21)]))
    assert "委员各人得票（含另选他人）合计 161 票" in found["votes"][0]
    # the chair's one seat: 80 for both chair candidates together
    assert "主任各人得票" in problems(fig(votes=dict(VOTES, **{"1": 60, "2": 21})))["votes"][0]


def test_write_ins_are_named_once_per_position_and_not_a_ballot_name():
    assert problems(fig(write_ins=[("郑八", "member", 3), ("郑八", "chair", 2)])) == {}
    assert "未写姓名" in problems(fig(write_ins=[("  ", "member", 3)]))["write_ins"][0]
    assert "重复" in problems(fig(write_ins=[("郑八", "member", 3), ("郑 八", "member", 1)]))["write_ins"][0]
    assert "候选人一栏" in problems(fig(write_ins=[("孙 委员", "member", 3)]))["write_ins"][0]
    # a candidate for the chair written in as a member is a write-in of that position
    assert problems(fig(write_ins=[("王主任", "member", 3)])) == {}
    assert "不在本轮应选职位" in problems(fig(write_ins=[("郑八", "vice_chair", 3)]))["write_ins"][0]
    assert "不能为负数" in problems(fig(write_ins=[("郑八", "member", -3)]))["write_ins"][0]


def test_a_revote_counts_only_the_tied():
    revote = t.Ballot(seats={"member": 1}, candidates=(t.BallotCandidate("4", "周委员", "member"),),
                      write_ins={"member": ("郑八",)})
    assert problems(fig(votes={"4": 40}, write_ins=[("郑八", "member", 30)]), revote) == {}
    assert "不是委员的并列者" in problems(fig(votes={"4": 40}, write_ins=[("冯九", "member", 3)]), revote)["write_ins"][0]
    no_write_in = t.Ballot(seats={"member": 1}, candidates=(t.BallotCandidate("4", "周委员", "member"),),
                           write_ins={"member": ()})
    assert "不能另选他人" in problems(fig(votes={"4": 40}, write_ins=[("冯九", "member", 3)]), no_write_in)["write_ins"][0]


def test_a_party_entry_needs_the_members_present_within_those_expected():
    party = t.Ballot(seats={"member": 1}, candidates=(t.BallotCandidate("3", "孙委员", "member"),),
                     needs_present=True, registered=50)
    assert "党组织选举须填写实到人数" in problems(fig(40, votes={"3": 30}), party)["present"][0]
    assert "不能多于应到人数（50）" in problems(fig(40, votes={"3": 30}, present=51), party)["present"][0]
    assert problems(fig(40, votes={"3": 30}, present=50), party) == {}
    assert "不填写实到人数" in problems(fig(present=40))["present"][0]


def test_two_candidates_of_one_name_are_told_apart_by_ballot_number():
    ballot = t.Ballot(seats={"member": 1}, candidates=(t.BallotCandidate("7", "张伟", "member"),
                                                      t.BallotCandidate("8", "张伟", "member")))
    assert ballot.labels() == {"7": "张伟（1号）", "8": "张伟（2号）"}
    assert "候选人一栏" in problems(fig(votes={"7": 1, "8": 2}, write_ins=[("张伟", "member", 1)]), ballot)["write_ins"][0]


def test_the_stored_entry_drops_empty_write_ins_and_blanks_in_names():
    stored = t.normalized(fig(write_ins=[("郑 八", "member", 3), ("冯九", "member", 0), ("钱十", "chair", 1)]), BALLOT)
    assert stored["votes"] == VOTES and stored["present"] is None
    assert stored["write_ins"] == [{"name": "钱十", "position": "chair", "count": 1},
                                   {"name": "郑八", "position": "member", "count": 3}]


# ---------------------------------------------------------------- two entries


def test_two_entries_differ_field_by_field():
    a = t.normalized(fig(write_ins=[("郑八", "member", 3)]), BALLOT)
    b = t.normalized(fig(81, 80, 1, votes=dict(VOTES, **{"4": 44}), write_ins=[("冯九", "member", 3)]), BALLOT)
    found = [d.as_dict() for d in t.compare(a, b)]
    assert found == [
        {"field": "ballots_issued", "first": 80, "second": 81},
        {"field": "ballots_invalid", "first": 0, "second": 1},
        {"field": "votes.4", "first": 45, "second": 44},
        {"field": "write_ins.member.冯九", "first": None, "second": 3},
        {"field": "write_ins.member.郑八", "first": 3, "second": None},
    ]
    assert t.compare(a, dict(a)) == []
    assert t.field_label("votes.4", BALLOT) == "周委员（委员）得票"
    assert t.field_label("write_ins.member.郑八", BALLOT) == "另选他人 郑八（委员）得票"
    assert t.field_label("ballots_issued", BALLOT) == "发出选票"


def test_the_same_figures_typed_differently_are_equal():
    a = t.normalized(fig(write_ins=[("郑八", "member", 3), ("冯九", "member", 0)]), BALLOT)
    b = t.normalized(fig(write_ins=[("郑\u3000八", "member", 3)]), BALLOT)
    assert t.compare(a, b) == []


# ---------------------------------------------------------------- a round's count


def station(name, issued, returned, votes, invalid=0, write_ins=(), present=None):
    return t.StationCount(name, {"ballots_issued": issued, "ballots_returned": returned, "ballots_invalid": invalid,
                                 "present": present, "votes": votes,
                                 "write_ins": [{"name": n, "position": p, "count": c} for n, p, c in write_ins]})


def count(stations, ballot=BALLOT, rules=None, kind="first", registered=100):
    return t.count_round(kind=kind, revote_of="first", registered=registered, ballot=ballot, stations=stations,
                         rules=rules or rc_rules())


def test_stations_are_summed_write_ins_of_one_name_together():
    counted = count([station("中心会场", 50, 50, {"1": 40, "2": 10, "3": 30, "4": 20, "5": 10},
                             write_ins=[("郑八", "member", 15)]),
                     station("流动票箱", 30, 30, {"1": 20, "2": 8, "3": 20, "4": 5, "5": 5},
                             write_ins=[("郑八", "member", 12)])])
    assert counted.problems == {} and counted.result.valid
    data = t.result_data(counted, BALLOT)
    assert data["figures"] == {"registered": 100, "present": None, "ballots_issued": 80, "ballots_returned": 80,
                               "ballots_invalid": 0}
    member = next(p for p in data["positions"] if p["position"] == "member")
    assert [(e["name"], e["key"], e["votes"]) for e in member["elected"]] == [("孙委员", "3", 50)]
    assert {"key": None, "name": "郑八", "votes": 27, "write_in": True} in member["counts"]
    assert data["next_action"] == "runoff"


def test_one_station_returning_more_than_it_issued_voids_the_round_though_the_totals_hide_it():
    counted = count([station("中心会场", 60, 55, {"1": 50, "2": 5, "3": 50, "4": 45, "5": 5}),
                     station("流动票箱", 20, 21, {"1": 20, "2": 1, "3": 20, "4": 20, "5": 1})])
    result = counted.result
    assert counted.input.ballots_returned == 76 < counted.input.ballots_issued == 80
    assert result.valid is False and result.next_action == "repeat"
    assert "流动票箱发出选票 20 张、收回 21 张" in result.reason
    assert all(not p.elected for p in result.positions)
    assert result.explanation[0].startswith("选举：发出选票 80 张，收回 76 张")
    assert [s.station for s in counted.void] == ["流动票箱"]
    assert t.result_data(counted, BALLOT)["void_stations"] == [
        {"station": "流动票箱", "ballots_issued": 20, "ballots_returned": 21}]


def test_figures_that_do_not_add_up_are_problems_not_a_result():
    party = t.Ballot(seats={"member": 1}, candidates=(t.BallotCandidate("3", "孙委员", "member"),),
                     needs_present=True, registered=50)
    counted = count([station("会场", 30, 30, {"3": 20}, present=30), station("分会场", 30, 30, {"3": 20}, present=30)],
                    party, party_rules(), registered=50)
    assert counted.result is None and "present" in counted.problems


def test_a_party_count_sums_the_members_present():
    party = t.Ballot(seats={"member": 1}, candidates=(t.BallotCandidate("3", "孙委员", "member"),),
                     needs_present=True, registered=50)
    counted = count([station("会场", 30, 30, {"3": 25}, present=30), station("分会场", 10, 10, {"3": 5}, present=10)],
                    party, party_rules(), registered=50)
    assert counted.input.present == 40 and counted.result.valid
    assert [e.candidate for e in counted.result.positions[0].elected] == ["孙委员"]


# ---------------------------------------------------------------- standing


def counted_round(number, kind, seats, positions, valid=True, revote_of="first", **kw):
    """A finished round: positions as {position: (elected [(key, name, votes)], unfilled, tied [(key, name)],
    counts [(key, name, votes)])}."""
    data = {"valid": valid, "reason": "有效" if valid else "无效", "next_action": "none", "explanation": [],
            "positions": []}
    for position, (elected, unfilled, tied, counts) in positions.items():
        data["positions"].append({
            "position": position, "seats": seats[position], "unfilled": unfilled,
            "elected": [{"key": k, "name": n, "votes": v, "write_in": k is None} for k, n, v in elected],
            "tied": [{"key": k, "name": n, "votes": 0, "write_in": k is None} for k, n in tied],
            "counts": [{"key": k, "name": n, "votes": v, "write_in": k is None} for k, n, v in counts],
            "explanation": []})
    return t.RoundFacts(number=number, kind=kind, seats=seats, state="counted" if valid else "void", result=data,
                        revote_of=revote_of, **kw)


PLAN = {"chair": 1, "member": 2}
R1_SHORT = counted_round(1, "first", PLAN, {
    "chair": ([("1", "王主任", 60)], 0, [], [("1", "王主任", 60), ("2", "李主任", 18)]),
    "member": ([("3", "孙委员", 50)], 1, [], [("3", "孙委员", 50), ("4", "周委员", 35), ("5", "吴委员", 30),
                                            ("6", "郑委员", 30), (None, "冯九", 33)]),
})


def test_an_unfilled_seat_after_the_first_vote_is_for_a_runoff():
    state = t.standing(PLAN, [R1_SHORT])
    assert state.next_action == "runoff" and not state.settled
    member = state.pending("runoff")[0]
    assert (member.position, member.unfilled, [e.name for e in member.elected]) == ("member", 1, ["孙委员"])


def test_runoff_candidates_are_the_highest_non_elected_with_ties_at_the_cut_and_no_write_in():
    ranking = t.runoff_ranking("member", [R1_SHORT], {"1", "3"})
    assert [(r.key, r.votes, r.tier) for r in ranking] == [("4", 35, 0), ("5", 30, 0), ("6", 30, 0)]
    # 1 unfilled + margin_plus_min 1 = 2; 吴 and 郑 tie at the cut: both carried
    assert t.runoff_pick(ranking, 1, rc_rules()) == ["4", "5", "6"]
    assert t.runoff_pick(ranking, 1, rc_rules(margin_plus_min=0)) == ["4"]
    assert t.runoff_pick(ranking[:1], 1, rc_rules()) == ["4"]  # fewer left than the margin asks


@pytest.mark.parametrize("unfilled, ratio, size", [(1, "6/5", 2), (2, "6/5", 3), (5, "6/5", 6), (6, "6/5", 8),
                                                   (3, "13/10", 4), (1, "1", 2)])
def test_a_party_runoff_carries_ceil_of_the_ratio_but_at_least_one_more(unfilled, ratio, size):
    assert t.runoff_size(unfilled, party_rules(margin_ratio=ratio)) == size


def test_a_residents_committee_runoff_carries_the_margin_plus():
    assert t.runoff_size(2, rc_rules()) == 3
    assert t.runoff_size(2, rc_rules(margin_plus_min=2)) == 4


def test_a_tie_is_revoted_first_among_the_tied_only():
    r1 = counted_round(1, "first", PLAN, {
        "chair": ([("1", "王主任", 60)], 0, [], [("1", "王主任", 60)]),
        "member": ([("3", "孙委员", 50)], 1, [("4", "周委员"), (None, "冯九")],
                   [("3", "孙委员", 50), ("4", "周委员", 45), (None, "冯九", 45), ("5", "吴委员", 30)]),
    })
    state = t.standing(PLAN, [r1])
    assert state.next_action == "revote"
    keys, names = t.revote_candidates(state.pending("revote")[0])
    assert (keys, names) == (["4"], ["冯九"])
    assert t.revote_write_ins([r1], {"member": 1}) == {"member": ("冯九",)}


def test_a_revote_that_leaves_the_seat_unfilled_leads_to_a_runoff_ranked_by_the_revote_first():
    r1 = counted_round(1, "first", PLAN, {
        "chair": ([("1", "王主任", 60)], 0, [], [("1", "王主任", 60)]),
        "member": ([("3", "孙委员", 50)], 1, [("4", "周委员"), ("5", "吴委员")],
                   [("3", "孙委员", 50), ("4", "周委员", 45), ("5", "吴委员", 45), ("6", "郑委员", 44)]),
    })
    r2 = counted_round(2, "revote", {"member": 1}, {
        "member": ([], 1, [], [("5", "吴委员", 38), ("4", "周委员", 30)]),
    })
    state = t.standing(PLAN, [r1, r2])
    assert state.next_action == "runoff"
    ranking = t.runoff_ranking("member", [r1, r2], {"1", "3"})
    assert [(r.key, r.tier) for r in ranking] == [("5", 0), ("4", 0), ("6", 1)]
    assert t.runoff_pick(ranking, 1, rc_rules()) == ["5", "4"]
    assert t.runoff_pick(ranking, 1, rc_rules(margin_plus_min=2)) == ["5", "4", "6"]


def test_seats_unfilled_after_a_runoff_stay_vacant():
    r2 = counted_round(2, "runoff", {"member": 1}, {"member": ([], 1, [], [("4", "周委员", 20)])})
    state = t.standing(PLAN, [R1_SHORT, r2])
    assert state.next_action == "none" and state.settled
    assert [p.pending for p in state.positions] == ["none", "vacancy"]


def test_a_vacancy_accepted_instead_of_the_runoff_settles_the_count():
    state = t.standing(PLAN, [counted_round(1, "first", PLAN, {
        "chair": ([("1", "王主任", 60)], 0, [], []), "member": ([("3", "孙委员", 50)], 1, [], [])},
        vacancy_accepted=True)])
    assert state.next_action == "none" and state.vacancy_accepted and state.settled


def test_a_void_round_is_held_again_and_an_open_round_is_being_counted():
    void = counted_round(1, "first", PLAN, {}, valid=False)
    assert t.standing(PLAN, [void]).next_action == "repeat"
    again = t.RoundFacts(number=2, kind="first", seats=PLAN, state="open")
    state = t.standing(PLAN, [void, again])
    assert state.next_action == "none" and state.open_round == again and not state.settled
    assert {p.pending for p in state.positions} == {"counting"}


def test_before_any_round_nothing_is_pending_and_nothing_settled():
    state = t.standing(PLAN, [])
    assert (state.next_action, state.settled) == ("none", False)
    assert [p.unfilled for p in state.positions] == [0, 0]


# ---------------------------------------------------------------- gates


def lst(published, day=dt.date(2030, 1, 10)):
    return t.gate_candidate_list_published(t.CandidateListFacts(published, day), rc_rules())


def test_the_formal_list_published_on_the_third_day_before_is_in_time():
    assert lst(dt.date(2030, 1, 7)) == []
    assert lst(dt.date(2029, 12, 1)) == []
    late = lst(dt.date(2030, 1, 8))
    assert [b.code for b in late] == ["candidate_list_published_late"]
    assert "仅在选举日前 2 日" in late[0].message and "2030-01-07" in late[0].message
    assert [b.code for b in lst(None)] == ["candidate_list_not_published"]
    assert lst(dt.date(2030, 1, 8), day=None) == []  # no election day: its own gate says so
    assert t.gate_candidate_list_published(
        t.CandidateListFacts(dt.date(2030, 1, 5), dt.date(2030, 1, 10)), rc_rules(candidate_list_lead_days=7))


def gate(rounds, seats=PLAN):
    return [b.code for b in t.gate_counting(t.CountingFacts(seats, tuple(rounds)), rc_rules())]


def test_counting_gates_follow_the_rounds():
    assert gate([]) == ["no_round"]
    opened = t.RoundFacts(number=1, kind="first", seats=PLAN, state="open",
                          tallies=(("中心会场", "reconciled"), ("流动票箱", "differs"), ("东站", "open")))
    found = t.gate_counting(t.CountingFacts(PLAN, (opened,)), rc_rules())
    assert [b.code for b in found] == ["tallies_unreconciled", "results_not_announced"]
    assert "流动票箱（不一致）、东站（待录入）" in found[0].message and "中心会场" not in found[0].message
    stuck = t.RoundFacts(number=1, kind="first", seats=PLAN, state="open", result={"problems": {"present": ["多"]}},
                         tallies=(("中心会场", "reconciled"),))
    assert gate([stuck]) == ["round_figures_inconsistent", "results_not_announced"]
    assert gate([counted_round(1, "first", PLAN, {}, valid=False)]) == ["round_void", "results_not_announced"]
    assert gate([R1_SHORT]) == ["seats_unfilled", "results_not_announced"]
    done = counted_round(1, "first", PLAN, {"chair": ([("1", "王主任", 60)], 0, [], []),
                                            "member": ([("3", "孙", 50), ("4", "周", 45)], 0, [], [])})
    assert gate([done]) == ["results_not_announced"]
    announced = counted_round(1, "first", PLAN, {"chair": ([("1", "王主任", 60)], 0, [], []),
                                                 "member": ([("3", "孙", 50), ("4", "周", 45)], 0, [], [])},
                              announced_on=dt.date(2030, 1, 10))
    assert gate([announced]) == []
    vacant = counted_round(1, "first", PLAN, {"chair": ([("1", "王主任", 60)], 0, [], []),
                                              "member": ([("3", "孙", 50)], 1, [], [])},
                           vacancy_accepted=True, announced_on=dt.date(2030, 1, 10))
    assert gate([vacant]) == []


def test_seats_unfilled_names_the_tie():
    r1 = counted_round(1, "first", PLAN, {
        "chair": ([("1", "王主任", 60)], 0, [], []),
        "member": ([("3", "孙委员", 50)], 1, [("4", "周委员"), ("5", "吴委员")], [])})
    blocker = t.gate_counting(t.CountingFacts(PLAN, (r1,)), rc_rules())[0]
    assert blocker.code == "seats_unfilled"
    assert "委员：周委员、吴委员 得票相等，须就并列者重新投票选出 1 名" in blocker.message
    assert "重新投票" in blocker.fix


def test_a_write_in_without_a_position_belongs_to_the_rounds_only_one():
    single = t.Ballot(seats={"member": 1}, candidates=(t.BallotCandidate("4", "周委员", "member"),))
    entry = fig(votes={"4": 40}, write_ins=[("郑八", None, 3)])
    assert problems(entry, single) == {}
    assert t.normalized(entry, single)["write_ins"] == [{"name": "郑八", "position": "member", "count": 3}]
    assert "须注明职位" in problems(fig(write_ins=[("郑八", "", 3)]))["write_ins"][0]


def test_differences_follow_the_ballot_order_whatever_the_stored_order():
    a = t.normalized(fig(), BALLOT)
    b = t.normalized(fig(votes=dict(VOTES, **{"5": 31, "2": 19})), BALLOT)
    b["votes"] = dict(reversed(list(b["votes"].items())))  # as a database may give the keys back
    assert [d.field for d in t.compare(a, b, order=["1", "2", "3", "4", "5"])] == ["votes.2", "votes.5"]

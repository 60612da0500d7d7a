"""The pure results engine of the voting stage: validity, thresholds, ties, run-offs, revotes (no database)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ballots import rules
from ballots.rules import Count, Elected, RoundInput
from elections import rules as election_rules


def rc(**overrides):
    values = election_rules.preset_parameters("rc-general")[0]
    values.update(overrides)
    return values


def party(**overrides):
    values = election_rules.preset_parameters("party-general")[0]
    values.update(overrides)
    return values


def rnd(*counts, kind="first", registered=1000, present=None, seats=None, issued=None, returned=600, invalid=0,
        revote_of="first"):
    """A round: counts as (name, votes) for "member" or (name, position, votes[, write_in])."""
    rows = []
    for row in counts:
        if len(row) == 2:
            rows.append(Count(row[0], "member", row[1]))
        else:
            rows.append(Count(*row))
    return RoundInput(
        kind=kind, registered=registered, present=present, seats=seats or {"member": 1},
        ballots_issued=returned if issued is None else issued, ballots_returned=returned, ballots_invalid=invalid,
        counts=tuple(rows), revote_of=revote_of,
    )


def party_round(*counts, expected=100, present=80, returned=None, **kwargs):
    returned = present if returned is None else returned
    return rnd(*counts, registered=expected, present=present, returned=returned, **kwargs)


def elected(result, position="member"):
    return [e.candidate for e in position_of(result, position).elected]


def position_of(result, position="member"):
    return next(p for p in result.positions if p.position == position)


# ---------------------------------------------------------------- validity: returned vs issued


def test_more_ballots_returned_than_issued_voids_the_round():
    result = rules.calculate(rnd(("张三", 500), issued=600, returned=601), rc())
    assert result.valid is False
    assert result.next_action == "repeat"
    assert "收回选票 601 张，多于发出选票 600 张" in result.reason
    assert "第十九条" in result.reason
    assert elected(result) == []
    assert position_of(result).unfilled == 1
    assert position_of(result).explanation == ("张三 得 500 票；本轮投票无效，不产生当选人。",)
    assert "下一步：本轮投票无效，不产生当选人，应重新投票。" in result.explanation


def test_returned_equal_to_issued_is_fine():
    result = rules.calculate(rnd(("张三", 500), issued=600, returned=600), rc())
    assert result.valid is True
    assert elected(result) == ["张三"]


def test_more_returned_than_issued_voids_a_party_round_too():
    result = rules.calculate(party_round(("甲", "secretary", 60), seats={"secretary": 1}, issued=80, returned=81),
                             party())
    assert (result.valid, result.next_action) == (False, "repeat")


def test_more_returned_than_issued_voids_a_runoff_and_a_revote():
    for kind in ("runoff", "revote"):
        result = rules.calculate(rnd(("甲", 400), kind=kind, issued=599, returned=600), rc())
        assert (result.valid, result.next_action) == (False, "repeat")


# ---------------------------------------------------------------- validity: residents' committee turnout


@pytest.mark.parametrize(("registered", "voted", "valid"), [
    (1000, 500, False),  # exactly half of an even register
    (1000, 501, True),
    (999, 499, False),   # odd register: 499 × 2 = 998 < 999
    (999, 500, True),
    (7, 3, False),
    (7, 4, True),
    (2, 1, False),
    (2, 2, True),
])
def test_more_than_half_of_the_registered_must_vote(registered, voted, valid):
    result = rules.calculate(rnd(("张三", voted), registered=registered, returned=voted), rc())
    assert result.valid is valid
    assert result.next_action == ("none" if valid else "repeat")
    assert (elected(result) == ["张三"]) is valid


def test_turnout_reason_names_the_figures():
    void = rules.calculate(rnd(("张三", 400), registered=1000, returned=500), rc())
    assert void.reason == ("登记选民 1000 人，投票 500 人（收回选票 500 张），未超过登记选民的半数（须 501 人），"
                           "选举无效，应重新投票。")
    ok = rules.calculate(rnd(("张三", 400), registered=1000, returned=501), rc())
    assert ok.reason == ("登记选民 1000 人，投票 501 人（收回选票 501 张），超过登记选民的半数（须 501 人），"
                         "选举有效。")
    assert ok.explanation[1] == ok.reason


def test_blank_and_invalid_ballots_count_as_votes_cast():
    # 501 returned of 1000, 100 of them invalid: the election is valid all the same
    result = rules.calculate(rnd(("张三", 300), registered=1000, returned=501, invalid=100), rc())
    assert result.valid is True


# ---------------------------------------------------------------- winning threshold


@pytest.mark.parametrize(("returned", "votes", "wins"), [
    (600, 300, False),   # exactly half of those who voted
    (600, 301, True),
    (601, 300, False),
    (601, 301, True),
    (2, 1, False),
    (1, 1, True),
])
def test_more_than_half_of_those_who_voted_wins(returned, votes, wins):
    result = rules.calculate(rnd(("张三", votes), registered=returned, returned=returned), rc())
    assert result.valid is True
    assert (elected(result) == ["张三"]) is wins
    assert result.next_action == ("none" if wins else "runoff")


def test_the_candidate_lines_explain_the_threshold():
    result = rules.calculate(rnd(("张三", 412), ("李四", 150), returned=600), rc())
    assert position_of(result).explanation == (
        "张三 得 412 票，超过投票人数 600 的半数（301 票），当选。",
        "李四 得 150 票，未超过半数（须 301 票），未当选。",
    )
    assert "当选须得票超过投票人数 600 的半数，即至少 301 票；超过的人数多于应选名额时，以得票多的当选。" in \
        result.explanation


def test_invalid_ballots_count_in_the_base_when_it_is_those_who_voted():
    result = rules.calculate(rnd(("张三", 300), returned=600, invalid=20), rc())
    assert elected(result) == []
    assert "须 301 票" in position_of(result).explanation[0]


def test_win_base_valid_ballots_changes_the_outcome():
    round_ = rnd(("张三", 295), returned=600, invalid=20)  # 580 valid: more than half is 291
    assert elected(rules.calculate(round_, rc())) == []
    by_valid = rules.calculate(round_, rc(win_base="valid_ballots"))
    assert elected(by_valid) == ["张三"]
    assert position_of(by_valid).explanation == ("张三 得 295 票，超过有效票数 580 的半数（291 票），当选。",)


def test_win_base_valid_ballots_at_exactly_half_fails():
    assert elected(rules.calculate(rnd(("张三", 290), returned=600, invalid=20), rc(win_base="valid_ballots"))) == []
    assert elected(rules.calculate(rnd(("张三", 291), returned=600, invalid=20),
                                   rc(win_base="valid_ballots"))) == ["张三"]


def test_a_different_win_over_share_is_honoured():
    round_ = rnd(("张三", 400), returned=600)
    assert elected(rules.calculate(round_, rc(win_over="2/3"))) == []
    assert elected(rules.calculate(rnd(("张三", 401), returned=600), rc(win_over="2/3"))) == ["张三"]
    assert "三分之二" in position_of(rules.calculate(round_, rc(win_over="2/3"))).explanation[0]


# ---------------------------------------------------------------- more qualifiers than seats, ties


def test_more_qualifiers_than_seats_the_highest_win():
    result = rules.calculate(rnd(("甲", 500), ("乙", 420), ("丙", 380), ("丁", 350), ("戊", 100),
                                 seats={"member": 3}, returned=600), rc())
    assert elected(result) == ["甲", "乙", "丙"]
    assert position_of(result).unfilled == 0
    assert result.next_action == "none"
    assert "丁 得 350 票，虽超过半数，但得票排在应选 3 名之后，未当选。" in position_of(result).explanation


def test_a_tie_at_the_last_seat_goes_to_a_revote_and_the_seats_above_are_filled():
    result = rules.calculate(rnd(("甲", 450), ("乙", 420), ("王五", 400), ("赵六", 400), ("钱七", 100),
                                 seats={"member": 3}, returned=600), rc())
    member = position_of(result)
    assert [e.candidate for e in member.elected] == ["甲", "乙"]
    assert member.tied == ("王五", "赵六")
    assert member.unfilled == 1
    assert result.next_action == "revote"
    assert "王五、赵六 均得 400 票，并列最后一个名额，须就二人重新投票。" in member.explanation
    assert any("就并列者重新投票" in line and "王五、赵六" in line for line in result.explanation)


def test_two_cannot_both_have_a_majority_for_one_seat():
    # 300 + 300 of 600: neither has more than half, so the tie is no revote but a run-off
    result = rules.calculate(rnd(("王五", 300), ("赵六", 300), returned=600), rc())
    assert position_of(result).tied == ()
    assert result.next_action == "runoff"


def test_a_tie_for_the_single_seat_of_a_runoff():
    result = rules.calculate(rnd(("王五", 250), ("赵六", 250), ("钱七", 100), kind="runoff", returned=600), rc())
    member = position_of(result)
    assert member.elected == ()
    assert member.tied == ("王五", "赵六")
    assert member.unfilled == 1
    assert member.explanation[0] == "王五、赵六 均得 250 票，并列最后一个名额，须就二人重新投票。"
    assert result.next_action == "revote"


def test_a_three_way_tie_for_two_seats():
    result = rules.calculate(rnd(("甲", 500), ("乙", 400), ("丙", 400), ("丁", 400), seats={"member": 3},
                                 returned=600), rc())
    member = position_of(result)
    assert [e.candidate for e in member.elected] == ["甲"]
    assert member.tied == ("丁", "丙", "乙")  # same votes: ordered by name, whatever the order given
    assert member.unfilled == 2
    assert "丁、丙、乙 均得 400 票，并列最后 2 个名额，须就三人重新投票，选出 2 名。" in member.explanation


def test_a_tie_within_the_seats_is_no_tie():
    result = rules.calculate(rnd(("甲", 400), ("乙", 400), ("丙", 350), seats={"member": 2}, returned=600), rc())
    assert sorted(elected(result)) == ["乙", "甲"]
    assert position_of(result).tied == ()
    assert result.next_action == "none"


def test_a_tie_below_the_threshold_is_no_revote_but_a_runoff():
    result = rules.calculate(rnd(("甲", 250), ("乙", 250), returned=600), rc())
    assert position_of(result).tied == ()
    assert position_of(result).unfilled == 1
    assert result.next_action == "runoff"


def test_unfilled_first_round_seats_go_to_a_runoff():
    result = rules.calculate(rnd(("张三", "chair", 412), ("李四", "chair", 150), ("甲", 400), ("乙", 200),
                                 ("丙", 150), seats={"chair": 1, "member": 2}, returned=600), rc())
    assert elected(result, "chair") == ["张三"]
    assert elected(result, "member") == ["甲"]
    assert position_of(result).unfilled == 1
    assert result.next_action == "runoff"
    assert "下一步：另行选举 1 名委员。" in result.explanation
    assert "委员（应选 2 名）：当选 甲，尚缺 1 名，须另行选举。" in result.explanation


def test_positions_come_in_the_committees_order():
    result = rules.calculate(rnd(("甲", 400), ("张三", "chair", 400), ("李四", "vice_chair", 400),
                                 seats={"member": 1, "chair": 1, "vice_chair": 1}, returned=600), rc())
    assert [p.position for p in result.positions] == ["chair", "vice_chair", "member"]


def test_revote_beats_runoff_across_positions_and_both_are_said():
    result = rules.calculate(rnd(("张三", "chair", 200), ("甲", 400), ("王五", 350), ("赵六", 350),
                                 seats={"chair": 1, "member": 2}, returned=640), rc())
    assert result.next_action == "revote"
    assert any(line.startswith("下一步：就并列者重新投票") for line in result.explanation)
    assert "此外：另行选举 1 名主任。" in result.explanation


def test_a_position_without_candidates_is_all_unfilled():
    result = rules.calculate(rnd(("甲", 400), seats={"member": 1, "vice_chair": 2}, returned=600), rc())
    vice = position_of(result, "vice_chair")
    assert (vice.elected, vice.unfilled, vice.explanation) == ((), 2, ())
    assert result.next_action == "runoff"


def test_a_write_in_is_a_candidate_like_any_other():
    result = rules.calculate(rnd(("张三", 200), ("李四", "member", 350, True), returned=600), rc())
    assert position_of(result).elected == (Elected("李四", 350),)
    assert position_of(result).explanation[0] == "李四（另选他人） 得 350 票，超过投票人数 600 的半数（301 票），当选。"


# ---------------------------------------------------------------- run-off (另行选举)


@pytest.mark.parametrize(("returned", "votes", "wins"), [
    (600, 200, True),    # exactly a third
    (600, 199, False),
    (601, 201, True),    # 3 × 200 = 600 < 601
    (601, 200, False),
])
def test_a_runoff_needs_at_least_a_third_of_those_who_voted(returned, votes, wins):
    result = rules.calculate(rnd(("甲", votes), ("乙", 100), kind="runoff", returned=returned, registered=1000), rc())
    assert result.valid is True
    assert (elected(result) == ["甲"]) is wins
    assert result.next_action == "none"


def test_runoff_lines():
    result = rules.calculate(rnd(("甲", 200), ("乙", 199), kind="runoff", seats={"member": 2}, returned=600), rc())
    assert position_of(result).explanation == (
        "甲 得 200 票，不少于投票人数 600 的三分之一（200 票），得票居前，当选。",
        "乙 得 199 票，少于投票人数 600 的三分之一（须 200 票），未当选。",
    )
    assert "当选须得票不少于投票人数 600 的三分之一，即至少 200 票，以得票多的当选。" in result.explanation


def test_in_a_runoff_the_most_votes_win_even_without_a_majority():
    result = rules.calculate(rnd(("甲", 280), ("乙", 250), ("丙", 220), kind="runoff", seats={"member": 2},
                                 returned=600, registered=1000), rc())
    assert elected(result) == ["甲", "乙"]
    assert "丙 得 220 票，虽不少于三分之一，但得票排在应选 2 名之后，未当选。" in position_of(result).explanation


def test_a_runoff_counts_only_the_ballots_returned_not_the_valid_ones():
    result = rules.calculate(rnd(("甲", 195), kind="runoff", returned=600, invalid=30),
                             rc(win_base="valid_ballots"))
    assert elected(result) == []  # a third of 600, not of 570


@pytest.mark.parametrize(("voted", "valid"), [(500, False), (501, True)])
def test_a_runoff_needs_more_than_half_of_the_registered_when_the_rulebook_says_so(voted, valid):
    result = rules.calculate(rnd(("甲", 300), kind="runoff", registered=1000, returned=voted), rc())
    assert result.valid is valid
    assert result.next_action == ("none" if valid else "repeat")
    assert result.reason.startswith("另行选举：")


def test_a_runoff_without_the_turnout_rule_is_valid_with_few_voters():
    result = rules.calculate(rnd(("甲", 100), kind="runoff", registered=1000, returned=300),
                             rc(runoff_requires_turnout=False))
    assert result.valid is True
    assert elected(result) == ["甲"]
    assert "不要求另行选举须过半数选民投票" in result.reason


def test_seats_unfilled_after_a_runoff_are_a_vacancy():
    result = rules.calculate(rnd(("甲", 250), ("乙", 150), ("丙", 100), kind="runoff", seats={"member": 2},
                                 returned=600), rc())
    assert elected(result) == ["甲"]
    assert position_of(result).unfilled == 1
    assert result.next_action == "none"
    assert "委员（应选 2 名）：当选 甲，另行选举后仍缺 1 名，不再投票，按选举办法记录缺额。" in result.explanation
    assert "下一步：不再投票，1 名委员缺额，按选举办法记录。" in result.explanation


def test_a_tie_in_a_runoff_goes_to_a_revote():
    result = rules.calculate(rnd(("甲", 250), ("乙", 250), kind="runoff", returned=600), rc())
    assert position_of(result).tied == ("乙", "甲")
    assert result.next_action == "revote"


def test_nobody_wins_with_no_vote():
    result = rules.calculate(rnd(("甲", 0), kind="runoff", registered=10, returned=0),
                             rc(runoff_requires_turnout=False))
    assert elected(result) == []
    assert position_of(result).explanation == ("甲 得 0 票，少于投票人数 0 的三分之一（须 1 票），未当选。",)


# ---------------------------------------------------------------- revote among the tied


def test_a_revote_resolves_the_tie():
    result = rules.calculate(rnd(("王五", 330), ("赵六", 270), kind="revote", returned=600), rc())
    assert elected(result) == ["王五"]
    assert result.next_action == "none"
    assert result.reason.startswith("重新投票（并列者）：")


def test_a_revote_tying_again_needs_another_revote():
    result = rules.calculate(rnd(("乙", 400), ("丙", 400), ("丁", 400), kind="revote", seats={"member": 2},
                                 returned=600), rc())
    assert position_of(result).tied == ("丁", "丙", "乙")
    assert position_of(result).unfilled == 2
    assert result.next_action == "revote"


def test_a_revote_of_a_runoff_tying_again_needs_another_revote():
    result = rules.calculate(rnd(("王五", 250), ("赵六", 250), kind="revote", revote_of="runoff", returned=600), rc())
    assert position_of(result).tied == ("王五", "赵六")
    assert result.next_action == "revote"


def test_a_revote_of_the_first_round_keeps_its_majority_then_a_runoff():
    result = rules.calculate(rnd(("王五", 300), ("赵六", 290), kind="revote", returned=600), rc())
    assert elected(result) == []  # the most votes, but not more than half
    assert result.next_action == "runoff"


def test_a_revote_of_a_runoff_keeps_the_third_then_a_vacancy():
    won = rules.calculate(rnd(("王五", 200), ("赵六", 190), kind="revote", revote_of="runoff", returned=600), rc())
    assert elected(won) == ["王五"]
    lost = rules.calculate(rnd(("王五", 199), ("赵六", 190), kind="revote", revote_of="runoff", returned=600), rc())
    assert elected(lost) == []
    assert lost.next_action == "none"
    assert position_of(lost).unfilled == 1
    assert any("缺额" in line for line in lost.explanation)


def test_a_revote_of_a_runoff_follows_the_runoff_turnout_rule():
    round_ = rnd(("王五", 200), kind="revote", revote_of="runoff", registered=1000, returned=400)
    assert rules.calculate(round_, rc()).next_action == "repeat"
    assert rules.calculate(round_, rc(runoff_requires_turnout=False)).valid is True


def test_a_revote_for_two_seats():
    result = rules.calculate(rnd(("乙", 400), ("丙", 380), ("丁", 350), kind="revote", seats={"member": 2},
                                 returned=600), rc())
    assert elected(result) == ["乙", "丙"]


# ---------------------------------------------------------------- party committees


@pytest.mark.parametrize(("operator", "present", "valid"), [
    (">=", 80, True),   # exactly four fifths of 100
    (">=", 79, False),
    (">", 80, False),
    (">", 81, True),
])
def test_party_quorum_of_four_fifths(operator, present, valid):
    result = rules.calculate(party_round(("甲", "secretary", present), seats={"secretary": 1}, expected=100,
                                         present=present), party(quorum_operator=operator))
    assert result.valid is valid
    assert result.next_action == ("none" if valid else "repeat")


def test_party_quorum_reason():
    ok = rules.calculate(party_round(("甲", "secretary", 60), seats={"secretary": 1}), party())
    assert ok.reason == "应到 100 人，实到 80 人，达到应到人数的五分之四（须 80 人），选举有效。"
    void = rules.calculate(party_round(("甲", "secretary", 60), seats={"secretary": 1}), party(quorum_operator=">"))
    assert void.reason == "应到 100 人，实到 80 人，未超过应到人数的五分之四（须 81 人），选举无效，应重新召开党员大会选举。"


def test_party_quorum_with_an_odd_register():
    # 4/5 of 51 is 40.8: 41 reach it under >= and exceed it under >
    round_ = party_round(("甲", "secretary", 30), seats={"secretary": 1}, expected=51, present=41)
    assert rules.calculate(round_, party()).valid is True
    assert rules.calculate(round_, party(quorum_operator=">")).valid is True
    round_ = party_round(("甲", "secretary", 30), seats={"secretary": 1}, expected=51, present=40)
    assert rules.calculate(round_, party()).valid is False


@pytest.mark.parametrize(("present", "votes", "wins"), [(80, 40, False), (80, 41, True), (81, 40, False),
                                                         (81, 41, True)])
def test_party_win_needs_more_than_half_of_those_present(present, votes, wins):
    result = rules.calculate(party_round(("甲", "secretary", votes), seats={"secretary": 1}, present=present), party())
    assert (elected(result, "secretary") == ["甲"]) is wins


def test_party_base_is_those_present_not_the_ballots_returned():
    # 80 present, 70 ballots returned: 38 votes are more than half of 70 but not of 80
    result = rules.calculate(party_round(("甲", "secretary", 38), seats={"secretary": 1}, present=80, returned=70),
                             party())
    assert elected(result, "secretary") == []
    assert position_of(result, "secretary").explanation == ("甲 得 38 票，未超过半数（须 41 票），未当选。",)


def test_party_runoff_keeps_the_majority_of_those_present():
    result = rules.calculate(party_round(("甲", 30), ("乙", 25), kind="runoff"), party())
    assert result.valid is True
    assert elected(result) == []  # a third would do for a residents' committee, not here
    assert result.next_action == "none"
    assert "当选须得票超过实到人数 80 的半数，即至少 41 票" in result.explanation[2]


def test_party_first_round_shortfall_is_another_vote_for_the_remaining_seats():
    result = rules.calculate(party_round(("甲", 50), ("乙", 30), ("丙", 20), seats={"member": 2}), party())
    assert elected(result) == ["甲"]
    assert result.next_action == "runoff"
    assert "下一步：就未选足的名额另行选举 1 名委员。" in result.explanation


def test_party_runoff_quorum_applies():
    result = rules.calculate(party_round(("甲", 50), kind="runoff", expected=100, present=79), party())
    assert result.next_action == "repeat"


# ---------------------------------------------------------------- input problems


def test_a_sound_round_has_no_problems():
    assert rules.input_problems(rnd(("甲", 400), ("乙", 190), returned=600, invalid=10)) == {}
    assert rules.input_problems(party_round(("甲", 50)), party()) == {}


@pytest.mark.parametrize("field", ["registered", "present", "ballots_issued", "ballots_returned", "ballots_invalid"])
def test_negative_figures_are_refused(field):
    values = {"registered": 100, "present": 80, "ballots_issued": 80, "ballots_returned": 80, "ballots_invalid": 0}
    values[field] = -1
    round_ = RoundInput("first", values["registered"], values["present"], {"member": 1}, values["ballots_issued"],
                        values["ballots_returned"], values["ballots_invalid"], ())
    problems = rules.input_problems(round_)
    assert list(problems) == [field]
    assert "（-1）不能为负数" in problems[field][0]


def test_non_integer_figures_are_refused():
    round_ = RoundInput("first", "1000", None, {"member": 1}, 600, 600, True, ())
    assert rules.input_problems(round_) == {"registered": ["登记选民（应到）人数须为整数。"],
                                            "ballots_invalid": ["无效票须为整数。"]}


def test_nobody_registered_is_refused():
    assert rules.input_problems(rnd(registered=0, returned=0)) == {"registered": ["登记选民（应到）人数须大于 0。"]}


def test_more_invalid_than_returned_is_refused():
    assert rules.input_problems(rnd(returned=600, invalid=601)) == {
        "ballots_invalid": ["无效票（601）不能多于收回选票（600）。"]}
    assert rules.input_problems(rnd(returned=600, invalid=600)) == {}


def test_more_present_than_expected_is_refused():
    assert rules.input_problems(party_round(expected=100, present=101), party()) == {
        "present": ["实到人数（101）不能多于应到人数（100）。"]}


def test_present_is_required_by_a_present_quorum_rulebook():
    round_ = rnd(("甲", 50), present=None, returned=80, registered=100)
    assert list(rules.input_problems(round_, party())) == ["present"]
    assert rules.input_problems(round_, rc()) == {}
    assert list(rules.input_problems(round_, rc(win_base="present"))) == ["present"]
    with pytest.raises(rules.RoundInputError) as error:
        rules.calculate(round_, party())
    assert list(error.value.problems) == ["present"]


def test_a_count_for_a_position_not_in_the_seats_is_refused():
    problems = rules.input_problems(rnd(("甲", 400), ("乙", "chair", 300), seats={"member": 1}))
    assert problems == {"votes": ["乙的得票所列职位“主任”不在本轮应选职位之中。"]}


def test_votes_above_valid_ballots_times_seats_are_refused():
    # 590 valid ballots × 2 seats = 1180
    ok = rnd(("甲", 590), ("乙", 590), seats={"member": 2}, returned=600, invalid=10)
    assert rules.input_problems(ok) == {}
    too_many = rnd(("甲", 590), ("乙", 500), ("丙", 91), seats={"member": 2}, returned=600, invalid=10)
    assert rules.input_problems(too_many) == {
        "votes": ["委员各人得票合计 1181 票，多于有效选票 590 张 × 应选 2 名 = 1180 票。"]}


def test_one_candidate_above_the_valid_ballots_is_refused():
    problems = rules.input_problems(rnd(("甲", 591), seats={"member": 2}, returned=600, invalid=10))
    assert problems == {"votes": ["甲（委员）得 591 票，多于有效选票 590 张。"]}


def test_a_duplicate_candidate_in_a_position_is_refused():
    problems = rules.input_problems(rnd(("甲", 300), ("甲", "member", 5, True), seats={"member": 2}))
    assert problems == {"votes": ["委员的候选人“甲”重复出现（另选他人与候选人同名的，应合并计票）。"]}
    # the same name for two positions is no duplicate
    assert rules.input_problems(rnd(("甲", 300), ("甲", "chair", 300), seats={"member": 1, "chair": 1})) == {}


def test_negative_votes_and_blank_names_are_refused():
    problems = rules.input_problems(rnd(("甲", -3), ("  ", 10)))
    assert problems == {"votes": ["甲（委员）的得票（-3）不能为负数。", "委员有一项得票未写候选人姓名。"]}


@pytest.mark.parametrize("seats", [{"member": 0}, {"member": -1}])
def test_seats_must_be_positive(seats):
    problems = rules.input_problems(rnd(seats=seats))
    assert problems == {"seats": [f"委员的应选名额（{seats['member']}）须大于 0。"]}


def test_a_round_without_positions_is_refused():
    round_ = RoundInput("first", 1000, None, {}, 600, 600, 0, ())
    assert rules.input_problems(round_) == {"seats": ["至少须有一个应选职位。"]}


def test_unknown_round_kinds_are_refused():
    assert list(rules.input_problems(rnd(kind="second"))) == ["kind"]
    assert list(rules.input_problems(rnd(kind="revote", revote_of="revote"))) == ["revote_of"]


def test_calculate_refuses_what_input_problems_refuses():
    with pytest.raises(rules.RoundInputError, match="无效票"):
        rules.calculate(rnd(returned=600, invalid=700), rc())


def test_every_problem_is_reported_at_once():
    round_ = RoundInput("first", -1, None, {"member": 0}, 600, 600, 601, (Count("甲", "chair", 5),))
    assert set(rules.input_problems(round_)) == {"registered", "ballots_invalid", "seats", "votes"}


# ---------------------------------------------------------------- helpers


@pytest.mark.parametrize(("share", "text"), [("1/2", "半数"), ("1/3", "三分之一"), ("4/5", "五分之四"),
                                             ("2/3", "三分之二"), ("7/12", "7/12"), ("50%", "半数")])
def test_share_text(share, text):
    assert rules.share_text(share) == text


@pytest.mark.parametrize(("base", "share", "more", "least"), [
    (600, "1/2", 301, 300), (601, "1/2", 301, 301), (600, "1/3", 201, 200), (601, "1/3", 201, 201),
    (0, "1/2", 1, 0), (100, "4/5", 81, 80),
])
def test_needed_votes(base, share, more, least):
    assert rules.needed_more_than(base, share) == more
    assert rules.needed_at_least(base, share) == least


# ---------------------------------------------------------------- invariants


@st.composite
def rounds(draw):
    is_party = draw(st.booleans())
    kind = draw(st.sampled_from(rules.KINDS))
    revote_of = draw(st.sampled_from(["first", "runoff"]))
    registered = draw(st.integers(1, 60))
    present = draw(st.one_of(st.integers(registered * 4 // 5, registered), st.integers(0, registered))) \
        if is_party else None
    cap = present if is_party else registered
    returned = draw(st.one_of(st.integers(cap // 2, cap), st.integers(0, cap)))  # mostly valid turnouts
    issued = returned + draw(st.sampled_from([0, 0, 0, 0, 1, 3, -1])) if returned else returned
    invalid = draw(st.one_of(st.just(0), st.integers(0, returned // 10), st.integers(0, returned)))
    valid_ballots = returned - invalid
    positions = draw(st.lists(st.sampled_from(["chair", "vice_chair", "member"]), min_size=1, max_size=3,
                              unique=True))
    seats = {p: draw(st.integers(1, 3)) for p in positions}
    counts = []
    for position in positions:
        names = draw(st.lists(st.sampled_from("甲乙丙丁戊己庚辛"), min_size=1, max_size=6, unique=True))
        budget = valid_ballots * seats[position]
        # a few vote levels near the thresholds, shared by several candidates: ties and qualifiers are common
        bases = {valid_ballots, returned, present or 0}
        near = sorted({v for b in bases for v in (b // 3, b // 3 + 1, b // 2, b // 2 + 1) if v <= valid_ballots})
        levels = draw(st.lists(st.one_of(st.sampled_from(near), st.integers(0, valid_ballots)), min_size=1,
                               max_size=3))
        for name in names:
            votes = min(draw(st.sampled_from(levels)), valid_ballots, budget)
            budget -= votes
            counts.append(Count(name, position, votes, draw(st.booleans())))
    return RoundInput(kind, registered, present, seats, issued, returned, invalid, tuple(counts), revote_of), \
        party() if is_party else rc(win_base=draw(st.sampled_from(["voted", "valid_ballots"])),
                                    runoff_requires_turnout=draw(st.booleans()))


def meets_threshold(votes, inp, values):
    """The rule restated in integers, independently of the engine."""
    source = inp.revote_of if inp.kind == "revote" else inp.kind
    if source == "runoff" and values["validity_rule"] != "present_quorum":
        return votes > 0 and 3 * votes >= inp.ballots_returned
    base = {"voted": inp.ballots_returned, "valid_ballots": inp.ballots_returned - inp.ballots_invalid,
            "present": inp.present}[values["win_base"]]
    return 2 * votes > base


@settings(max_examples=200)
@given(rounds())
def test_generated_rounds_are_sound_input(case):
    inp, values = case
    assert rules.input_problems(inp, values) == {}


@settings(max_examples=200)
@given(rounds())
def test_never_more_winners_than_seats_and_every_seat_accounted(case):
    inp, values = case
    result = rules.calculate(inp, values)
    assert [p.position for p in result.positions] == sorted(inp.seats, key=["chair", "vice_chair", "member"].index)
    for position in result.positions:
        assert len(position.elected) <= position.seats == inp.seats[position.position]
        assert len(position.elected) + position.unfilled == position.seats
        assert len({e.candidate for e in position.elected}) == len(position.elected)
        if position.tied:
            assert len(position.tied) > position.unfilled > 0
            assert result.next_action in ("revote", "repeat")


@settings(max_examples=200)
@given(rounds())
def test_every_winner_meets_the_threshold(case):
    inp, values = case
    result = rules.calculate(inp, values)
    for position in result.positions:
        for winner in position.elected:
            assert meets_threshold(winner.votes, inp, values)


@settings(max_examples=200)
@given(rounds())
def test_winners_have_at_least_the_votes_of_every_non_winner(case):
    inp, values = case
    result = rules.calculate(inp, values)
    for position in result.positions:
        winners = {e.candidate for e in position.elected}
        others = [c.votes for c in inp.counts if c.position == position.position and c.candidate not in winners]
        for winner in position.elected:
            assert all(winner.votes >= votes for votes in others)
        tied = [c.votes for c in inp.counts if c.position == position.position and c.candidate in position.tied]
        assert len(set(tied)) <= 1
        if tied and position.elected:
            assert min(e.votes for e in position.elected) > tied[0]


@settings(max_examples=200)
@given(rounds(), st.randoms(use_true_random=False))
def test_the_order_of_the_counts_does_not_matter(case, random):
    inp, values = case
    shuffled = list(inp.counts)
    random.shuffle(shuffled)
    other = RoundInput(inp.kind, inp.registered, inp.present, inp.seats, inp.ballots_issued, inp.ballots_returned,
                       inp.ballots_invalid, tuple(shuffled), inp.revote_of)
    assert rules.calculate(other, values) == rules.calculate(inp, values)


@settings(max_examples=200)
@given(rounds())
def test_a_void_round_is_repeated_and_a_valid_one_is_not(case):
    inp, values = case
    result = rules.calculate(inp, values)
    assert (result.next_action == "repeat") is (not result.valid)
    if inp.ballots_returned > inp.ballots_issued:
        assert result.valid is False
    if not result.valid:
        assert all(p.elected == () and p.unfilled == p.seats for p in result.positions)


@settings(max_examples=200)
@given(rounds())
def test_next_action_follows_the_positions(case):
    inp, values = case
    result = rules.calculate(inp, values)
    assume(result.valid)
    source = inp.revote_of if inp.kind == "revote" else inp.kind
    if any(p.tied for p in result.positions):
        assert result.next_action == "revote"
    elif any(p.unfilled for p in result.positions) and source == "first":
        assert result.next_action == "runoff"
    else:
        assert result.next_action == "none"
    assert len(result.explanation) >= 3 + len(result.positions)

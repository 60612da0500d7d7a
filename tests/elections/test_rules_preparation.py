"""Pure preparation rules of the elections app: adoption, party request, rectification (no database)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from elections import rules

TODAY = dt.date(2026, 11, 22)


def rc(**overrides):
    values = rules.preset_parameters("rc-general")[0]
    values.update(overrides)
    return values


def codes(blockers):
    return [b.code for b in blockers]


# ---------------------------------------------------------------- integer shares


@pytest.mark.parametrize(("part", "whole", "share", "expected"), [
    (5, 10, "1/2", False),   # exactly half is not more than half
    (6, 10, "1/2", True),
    (4, 7, "1/2", True),
    (3, 7, "1/2", False),
    (0, 0, "1/2", False),
    (8, 10, "4/5", False),   # more than four fifths needs 9 of 10
    (9, 10, "4/5", True),
])
def test_more_than_is_strict(part, whole, share, expected):
    assert rules.more_than(part, whole, share) is expected


@pytest.mark.parametrize(("part", "whole", "share", "expected"), [
    (1, 3, "1/3", True),     # exactly a third is at least a third
    (333, 1000, "1/3", False),
    (334, 1000, "1/3", True),
    (8, 10, "4/5", True),
    (7, 10, "4/5", False),
])
def test_at_least_is_inclusive(part, whole, share, expected):
    assert rules.at_least(part, whole, share) is expected


@given(st.integers(0, 10_000), st.integers(1, 10_000), st.integers(1, 9), st.integers(1, 10))
def test_shares_match_exact_fractions(part, whole, num, den):
    share = Fraction(num, den)
    assert rules.more_than(part, whole, f"{num}/{den}") is (Fraction(part) > whole * share)
    assert rules.at_least(part, whole, f"{num}/{den}") is (Fraction(part) >= whole * share)


# ---------------------------------------------------------------- rulebook adoption


def adoption(**kw):
    base = dict(recorded=True, meeting="representatives_meeting", expected=40, present=30, votes_for=25,
                published_on=dt.date(2026, 11, 1))
    base.update(kw)
    return rules.AdoptionFacts(**base)


def test_no_meeting_recorded_is_one_blocker():
    assert codes(rules.gate_rulebook_adopted(rules.AdoptionFacts(recorded=False), rc())) == ["rulebook_not_adopted"]


def test_adoption_only_gates_when_the_rulebook_asks():
    assert rules.gate_rulebook_adopted(rules.AdoptionFacts(recorded=False), rc(rulebook_adoption_required=False)) == []
    party = rules.preset_parameters("party-general")[0]
    assert rules.gate_rulebook_adopted(rules.AdoptionFacts(recorded=False), party) == []


def test_a_valid_adoption_clears_the_gate():
    assert rules.gate_rulebook_adopted(adoption(), rc()) == []


def test_exactly_half_attending_is_not_a_valid_meeting():
    blockers = rules.gate_rulebook_adopted(adoption(expected=40, present=20, votes_for=20), rc())
    assert codes(blockers) == ["rulebook_meeting_not_quorate"]
    assert "应到 40 人、实到 20 人" in blockers[0].message
    assert "城市居民委员会组织法 第五条" in blockers[0].source


def test_one_more_than_half_attending_is_valid():
    assert rules.gate_rulebook_adopted(adoption(expected=40, present=21, votes_for=11), rc()) == []


def test_exactly_half_in_favour_does_not_adopt():
    blockers = rules.gate_rulebook_adopted(adoption(present=30, votes_for=15), rc())
    assert codes(blockers) == ["rulebook_votes_insufficient"]
    assert "赞成 15 票" in blockers[0].message


def test_a_district_may_require_two_thirds():
    two_thirds = rc(adoption_votes_over="2/3")
    assert codes(rules.gate_rulebook_adopted(adoption(present=30, votes_for=20), two_thirds)) == [
        "rulebook_votes_insufficient"]
    assert rules.gate_rulebook_adopted(adoption(present=30, votes_for=21), two_thirds) == []


def test_unpublished_and_changed_rules_are_separate_blockers():
    facts = adoption(published_on=None, rulebook_changed=True, adopted_rules={"proxy_limit": 3},
                     current_rules={"proxy_limit": 2})
    blockers = rules.gate_rulebook_adopted(facts, rc())
    assert codes(blockers) == ["rulebook_changed_since_adoption", "rulebook_not_published"]
    assert "proxy_limit" in blockers[0].message


def test_changed_rule_keys_lists_every_difference():
    assert rules.changed_rule_keys({"a": 1, "b": 2, "d": 5}, {"a": 1, "b": 3, "c": 4, "d": 6}) == ["b", "d"]
    # "c" is a parameter added by a later release: not a change the community made
    assert rules.changed_rule_keys(None, {"a": 1}) == []


@pytest.mark.parametrize(("kw", "field"), [
    ({"present": 41}, "present"),
    ({"votes_for": 20, "votes_against": 10, "abstentions": 1}, "votes_for"),
    ({"expected": 0, "present": 0, "votes_for": 0}, "expected"),
    ({"held_on": None}, "held_on"),
    ({"held_on": TODAY + dt.timedelta(days=1)}, "held_on"),
    ({"published_on": dt.date(2026, 10, 31)}, "published_on"),
    ({"published_on": TODAY + dt.timedelta(days=1)}, "published_on"),
    ({"votes_against": -1}, "votes_against"),
])
def test_incoherent_meeting_figures_name_their_field(kw, field):
    args = dict(expected=40, present=30, votes_for=20, votes_against=5, abstentions=5,
                held_on=dt.date(2026, 11, 1), published_on=dt.date(2026, 11, 2), today=TODAY)
    args.update(kw)
    errors = rules.adoption_input_problems(**args)
    assert field in errors, errors
    assert all(isinstance(m, str) and m for ms in errors.values() for m in ms)


def test_coherent_meeting_figures_have_no_problems():
    assert rules.adoption_input_problems(expected=40, present=40, votes_for=40, votes_against=0, abstentions=0,
                                         held_on=TODAY, published_on=TODAY, today=TODAY) == {}


# ---------------------------------------------------------------- party request


def party(**overrides):
    values = rules.preset_parameters("party-general")[0]
    values.update(overrides)
    return values


@pytest.mark.parametrize(("status", "expected"), [
    (None, ["party_request_missing"]),
    ("submitted", ["party_request_pending"]),
    ("returned", ["party_request_returned"]),
    ("approved", []),
])
def test_party_request_states(status, expected):
    assert codes(rules.gate_party_request(rules.PartyRequestFacts(status=status, reply="推荐办法不完整"), party())) == expected


def test_a_returned_request_shows_the_street_reasons():
    blockers = rules.gate_party_request(rules.PartyRequestFacts(status="returned", reply="推荐办法不完整"), party())
    assert "推荐办法不完整" in blockers[0].message


def test_rc_rulebooks_do_not_ask_for_a_party_request():
    assert rules.gate_party_request(rules.PartyRequestFacts(status=None), rc()) == []
    assert party()["party_request_required"] is True


# ---------------------------------------------------------------- rectification


def test_open_rectification_blocks_and_names_the_category():
    facts = rules.RectificationFacts((rules.OpenRectification("weak_lax", "班子不团结，议事规则不落实", dt.date(2026, 9, 1)),))
    blockers = rules.gate_rectification(facts, rc())
    assert codes(blockers) == ["rectification_open"]
    assert "软弱涣散" in blockers[0].message and "班子不团结" in blockers[0].message
    assert "整顿不到位不启动换届" in blockers[0].source


def test_no_open_rectification_or_rule_off_means_no_blocker():
    facts = rules.RectificationFacts((rules.OpenRectification("key_difficult", "信访矛盾", dt.date(2026, 9, 1)),))
    assert rules.gate_rectification(rules.RectificationFacts(), rc()) == []
    assert rules.gate_rectification(facts, rc(rectification_required=False)) == []


def test_long_problem_texts_are_clipped_in_the_message():
    facts = rules.RectificationFacts((rules.OpenRectification("weak_lax", "问" * 200, dt.date(2026, 9, 1)),))
    assert len(rules.gate_rectification(facts, rc())[0].message) < 120


# ---------------------------------------------------------------- presets


def test_presets_switch_the_preparation_gates_per_body():
    by = rules.preset_parameters("rc-by-election")[0]
    assert rc()["election_committee_required"] and rc()["rulebook_adoption_required"] and rc()["audit_required"]
    assert not by["election_committee_required"] and not by["audit_required"] and by["rulebook_adoption_required"]
    assert not party()["election_committee_required"] and not party()["rulebook_adoption_required"]
    branch = rules.preset_parameters("party-branch-general")[0]
    assert (branch["committee_size_min"], branch["committee_size_max"]) == (5, 7)


def test_a_party_branch_of_eight_is_out_of_limits():
    branch = rules.preset_parameters("party-branch-general")[0]
    seats = {"secretary": 1, "deputy_secretary": 1, "member": 6}
    assert rules.seat_plan_problems("party_committee", "general", seats, branch)
    assert not rules.seat_plan_problems("party_committee", "general", seats, party())


@pytest.mark.parametrize(("seats", "ok"), [
    ({"chair": 1, "vice_chair": 1, "member": 3}, True),    # 5
    ({"chair": 1, "vice_chair": 2, "member": 6}, True),    # 9
    ({"chair": 1, "vice_chair": 2, "member": 7}, False),   # 10
    ({"chair": 1, "vice_chair": 1, "member": 2}, False),   # 4
    ({"chair": 1, "vice_chair": 3, "member": 3}, False),   # 3 vice chairs
    ({"chair": 2, "vice_chair": 1, "member": 3}, False),   # 2 chairs
    ({"chair": 1, "vice_chair": 0, "member": 5}, False),   # no vice chair
])
def test_rc_seat_plan_limits(seats, ok):
    assert (rules.seat_plan_problems("residents_committee", "general", seats, rc()) == []) is ok


def test_a_seat_plan_of_ten_is_a_blocker_with_the_limits_named():
    facts = rules.SeatPlanFacts("residents_committee", "general", {"chair": 1, "vice_chair": 2, "member": 7}, True, True)
    blockers = rules.gate_seat_plan(facts, rc())
    assert codes(blockers) == ["seat_plan_out_of_limits"]
    assert "10 人" in blockers[0].message and "5–9" in blockers[0].message


def test_a_changed_rulebook_without_changed_values_still_says_what_changed():
    facts = adoption(rulebook_changed=True, adopted_rules={"a": 1}, current_rules={"a": 1})
    blockers = rules.gate_rulebook_adopted(facts, rc())
    assert codes(blockers) == ["rulebook_changed_since_adoption"]
    assert "更换了规则集" in blockers[0].message

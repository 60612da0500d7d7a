"""Pure preparation rules about people: audits, talks, the residents' election committee (no database)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from candidates import rules
from elections import rules as election_rules

TODAY = dt.date(2026, 11, 22)


def rc(**overrides):
    values = election_rules.preset_parameters("rc-general")[0]
    values.update(overrides)
    return values


def codes(blockers):
    return [b.code for b in blockers]


# ---------------------------------------------------------------- audits


def audited(name, published=dt.date(2026, 11, 1), findings="", handling=""):
    return rules.IncumbentAudit(name, True, published, findings, handling)


def test_no_incumbents_recorded_blocks():
    assert codes(rules.gate_audits(rules.AuditFacts((), TODAY), rc())) == ["incumbents_missing"]


def test_every_incumbent_audited_and_published_clears_the_gate():
    facts = rules.AuditFacts((audited("张三"), audited("李四", published=TODAY)), TODAY)
    assert rules.gate_audits(facts, rc()) == []


def test_each_audit_problem_is_its_own_blocker_naming_the_people():
    facts = rules.AuditFacts((
        rules.IncumbentAudit("张三", False),
        audited("李四", published=None),
        audited("王五", published=TODAY + dt.timedelta(days=1)),  # not yet published today
        audited("赵六", findings="账目不清"),
        audited("钱七", findings="账目不清", handling="已退还"),
    ), TODAY)
    blockers = rules.gate_audits(facts, rc())
    assert codes(blockers) == ["audit_missing", "audit_unpublished", "audit_findings_unhandled"]
    assert "张三" in blockers[0].message and "1 名" in blockers[0].message
    assert "李四" in blockers[1].message and "王五" in blockers[1].message
    assert "赵六" in blockers[2].message and "钱七" not in blockers[2].message
    assert "凡是没有开展经济责任审计的，一律不能进行换届选举" in blockers[0].source


def test_long_name_lists_are_shortened_with_a_count():
    facts = rules.AuditFacts(tuple(rules.IncumbentAudit(f"人{i}", False) for i in range(12)), TODAY)
    assert "等 12 人" in rules.gate_audits(facts, rc())[0].message


def test_audit_rule_off_means_no_blocker():
    assert rules.gate_audits(rules.AuditFacts((), TODAY), rc(audit_required=False)) == []


@pytest.mark.parametrize(("kw", "field"), [
    ({"auditor": " "}, "auditor"),
    ({"conclusion": ""}, "conclusion"),
    ({"audited_on": TODAY + dt.timedelta(days=1)}, "audited_on"),
    ({"published_on": TODAY + dt.timedelta(days=1)}, "published_on"),
    ({"audited_on": dt.date(2026, 11, 10), "published_on": dt.date(2026, 11, 9)}, "published_on"),
])
def test_audit_input_problems(kw, field):
    args = dict(auditor="区审计局", conclusion="未发现问题", audited_on=dt.date(2026, 11, 1),
                published_on=dt.date(2026, 11, 2), today=TODAY)
    args.update(kw)
    assert field in rules.audit_input_problems(**args)


def test_publishing_on_the_audit_day_is_fine():
    assert rules.audit_input_problems(auditor="区审计局", conclusion="良好", audited_on=TODAY, published_on=TODAY,
                                      today=TODAY) == {}


def test_talk_progress_counts_only_incumbents():
    assert rules.talk_progress({1, 2, 3, 4}, {2, 4, 9}) == (2, 4, 50)
    assert rules.talk_progress({1, 2, 3}, {1}) == (1, 3, 33)
    assert rules.talk_progress(set(), {1}) == (0, 0, 0)
    assert rules.talk_progress({1}, {1}) == (1, 1, 100)


# ---------------------------------------------------------------- the residents' election committee


def committee(size, alternates=0, chair=True):
    seats = [rules.CommitteeSeat(i + 1, 100 + i, f"成员{i}", "chair" if chair and i == 0 else "member", 90 - i)
             for i in range(size)]
    seats += [rules.CommitteeSeat(50 + i, 200 + i, f"候补{i}", "alternate", 40 - i) for i in range(alternates)]
    return tuple(seats)


@pytest.mark.parametrize(("size", "expected"), [
    (0, ["election_committee_missing"]),
    (5, ["election_committee_size"]),
    (6, ["election_committee_size", "election_committee_even"]),
    (7, []),
    (8, ["election_committee_even"]),
    (9, []),
    (11, []),
    (12, ["election_committee_size", "election_committee_even"]),
    (13, ["election_committee_size"]),
])
def test_committee_size_and_oddness(size, expected):
    assert codes(rules.gate_election_committee(rules.CommitteeFacts(committee(size, alternates=2)), rc())) == expected


def test_alternates_and_withdrawn_members_do_not_count():
    seats = committee(7, alternates=3) + (rules.CommitteeSeat(99, 999, "退出者", "member", 80, active=False),)
    facts = rules.CommitteeFacts(seats)
    assert rules.gate_election_committee(facts, rc()) == []
    assert len(rules.serving(seats)) == 7


def test_size_message_gives_the_count_and_the_range():
    blockers = rules.gate_election_committee(rules.CommitteeFacts(committee(6)), rc())
    assert "现有 6 人" in blockers[0].message and "7–11" in blockers[0].message


def test_elsewhere_seven_to_nine_even_allowed():
    values = rc(election_committee_size_max=9, election_committee_odd=False)
    assert codes(rules.gate_election_committee(rules.CommitteeFacts(committee(8)), values)) == []
    assert codes(rules.gate_election_committee(rules.CommitteeFacts(committee(11)), values)) == [
        "election_committee_size"]


def test_a_committee_needs_exactly_one_chair():
    assert codes(rules.gate_election_committee(rules.CommitteeFacts(committee(7, chair=False)), rc())) == [
        "election_committee_chair"]
    two = committee(7)[:-1] + (rules.CommitteeSeat(7, 106, "成员6", "chair", 10),)
    blockers = rules.gate_election_committee(rules.CommitteeFacts(two), rc())
    assert codes(blockers) == ["election_committee_chair"] and "2 名主任" in blockers[0].message


def test_near_relatives_serving_together_block_and_are_named():
    facts = rules.CommitteeFacts(committee(7), relative_pairs=(("成员1", "成员2"),))
    blockers = rules.gate_election_committee(facts, rc())
    assert codes(blockers) == ["election_committee_relatives"]
    assert "成员1 与 成员2" in blockers[0].message


def test_relatives_rule_can_be_switched_off():
    facts = rules.CommitteeFacts(committee(7), relative_pairs=(("成员1", "成员2"),))
    assert rules.gate_election_committee(facts, rc(election_committee_no_relatives=False)) == []


def test_committee_not_required_for_by_elections_and_party():
    by = election_rules.preset_parameters("rc-by-election")[0]
    party = election_rules.preset_parameters("party-general")[0]
    empty = rules.CommitteeFacts(())
    assert rules.gate_election_committee(empty, by) == []
    assert rules.gate_election_committee(empty, party) == []


# ---------------------------------------------------------------- who steps in


def alt(member_id, votes, active=True, role="alternate"):
    return rules.CommitteeSeat(member_id, member_id + 1000, f"候补{member_id}", role, votes, active)


def test_the_alternate_with_most_votes_steps_in():
    chosen, tie = rules.pick_alternate([alt(1, 30), alt(2, 45), alt(3, 12)])
    assert chosen.member_id == 2 and tie is False


def test_equal_votes_fall_back_to_the_recorded_order():
    chosen, tie = rules.pick_alternate([alt(5, 30), alt(3, 30), alt(4, 10)])
    assert chosen.member_id == 3 and tie is True


def test_no_alternate_left():
    assert rules.pick_alternate([]) == (None, False)
    assert rules.pick_alternate([alt(1, 30, active=False), alt(2, 50, role="member")]) == (None, False)


@given(st.lists(st.tuples(st.integers(1, 10_000), st.integers(0, 500)), min_size=1, max_size=15,
                unique_by=lambda t: t[0]))
def test_the_chosen_alternate_has_the_most_votes(entries):
    alternates = [alt(member_id, votes) for member_id, votes in entries]
    chosen, tie = rules.pick_alternate(alternates)
    best = max(v for _, v in entries)
    assert chosen.votes == best
    assert chosen.member_id == min(m for m, v in entries if v == best)
    assert tie is (sum(1 for _, v in entries if v == best) > 1)


def test_chair_warning_only_when_the_secretary_is_someone_else():
    assert rules.committee_chair_warning(1, (1, "王书记")) is None
    assert rules.committee_chair_warning(None, (1, "王书记")) is None
    assert rules.committee_chair_warning(2, None) is None
    warning = rules.committee_chair_warning(2, (1, "王书记"))
    assert "王书记" in warning and "党组织书记" in warning

"""Preparation through the services: incumbents, audits, talks and the residents' election committee.

Every test reads the gates back (``gates.blockers_for``) so that a rule that stopped holding fails here,
not only in the pure rule tests.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from candidates import services
from candidates.models import Audit, CommitteeMember, Incumbent, Talk
from elections import audit as trail
from elections import gates
from elections import services as election_services
from elections.errors import ApplicationError, Conflict, StageBlocked
from elections.models import Election, Event, Notification
from tests import factories

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 3, 2)
COMMITTEE_CODES = {"election_committee_missing", "election_committee_size", "election_committee_even",
                   "election_committee_chair", "election_committee_relatives"}
AUDIT_CODES = {"incumbents_missing", "audit_missing", "audit_unpublished", "audit_findings_unhandled"}


@pytest.fixture(autouse=True)
def _today(time_machine):
    # early morning in Shanghai is still the previous day in UTC: the app's "today" must be Shanghai's
    time_machine.move_to(dt.datetime(2026, 3, 2, 1, 30, tzinfo=SHANGHAI))


@pytest.fixture
def clerk(users):
    return users["community_clerk"]


def blockers(election):
    return gates.blockers_for(Election.objects.get(pk=election.pk))


def codes(election) -> list[str]:
    return [b.code for b in blockers(election)]


def blocker(election, code):
    found = [b for b in blockers(election) if b.code == code]
    assert len(found) == 1, codes(election)
    return found[0]


def committee_codes(election) -> Counter:
    return Counter(c for c in codes(election) if c in COMMITTEE_CODES)


def audit_codes(election) -> Counter:
    return Counter(c for c in codes(election) if c in AUDIT_CODES)


def seat_committee(election, actor, size, *, chair=True, prefix="选委"):
    """``size`` serving members through the service, the first one the chair (unless ``chair`` is False)."""
    members = []
    for i in range(size):
        person = factories.person(election.community, name=f"{prefix}{i}", birth=dt.date(1970, 1, 1 + i % 28))
        role = "chair" if chair and i == 0 else ("vice_chair" if i == 1 else "member")
        members.append(services.committee_member_add(actor=actor, election=election, person=person, role=role,
                                                      votes=200 - i))
    return members


def add_alternate(election, actor, name, votes):
    person = factories.person(election.community, name=name, birth=dt.date(1985, 6, 1))
    return services.committee_member_add(actor=actor, election=election, person=person, role="alternate",
                                         votes=votes)


def audited_incumbent(election, actor, *, name="现任甲", position="chair", person=None, **audit):
    person = person or factories.person(election.community, name=name, birth=dt.date(1968, 4, 2))
    incumbent = services.incumbent_add(actor=actor, election=election, person=person, position=position)
    fields = {"auditor": "区审计局", "conclusion": "未发现违规问题", "audited_on": dt.date(2026, 2, 1),
              "published_on": dt.date(2026, 2, 10), **audit}
    services.audit_record(actor=actor, incumbent=incumbent, **fields)
    return incumbent


# ---------------------------------------------------------------- the preparation gate lists


def test_an_unprepared_rc_election_lists_exactly_the_missing_preparation(org):
    election = factories.election(org["community"], prepared=False)
    assert Counter(codes(election)) == Counter(
        ["incumbents_missing", "election_committee_missing", "rulebook_not_adopted"])
    for b in blockers(election):
        assert b.message and b.source and b.fix


def test_each_preparation_blocker_disappears_when_its_record_exists(org, users, clerk):
    election = factories.election(org["community"], prepared=False)
    audited_incumbent(election, clerk)
    assert Counter(codes(election)) == Counter(["election_committee_missing", "rulebook_not_adopted"])
    seat_committee(election, clerk, 7)
    assert codes(election) == ["rulebook_not_adopted"]
    election_services.rulebook_adoption_record(
        actor=clerk, election=election, meeting="representatives_meeting", held_on=dt.date(2026, 2, 20),
        expected=40, present=33, votes_for=30, published_on=dt.date(2026, 2, 21))
    assert codes(election) == []
    moved = election_services.election_advance(actor=clerk, election=election)
    assert moved.stage == "nomination"


def test_a_party_election_asks_for_the_request_and_not_for_a_committee_or_adoption(org):
    election = factories.election(org["community"], body="party_committee", prepared=False)
    assert Counter(codes(election)) == Counter(["incumbents_missing", "party_request_missing"])


def test_a_by_election_needs_no_audit_and_no_election_committee(org):
    election = factories.election(org["community"], kind="by_election", seats={"member": 1}, prepared=False)
    assert election.rulebook.code == "rc-by-election"
    assert codes(election) == ["rulebook_not_adopted"]


def test_the_advance_refusal_carries_the_preparation_blockers(org, clerk):
    election = factories.election(org["community"], prepared=False)
    with pytest.raises(StageBlocked) as caught:
        election_services.election_advance(actor=clerk, election=election)
    assert Counter(b.code for b in caught.value.blockers) == Counter(
        ["incumbents_missing", "election_committee_missing", "rulebook_not_adopted"])
    assert Election.objects.get(pk=election.pk).stage == "preparation"


# ---------------------------------------------------------------- the residents' election committee


@pytest.mark.parametrize(("size", "expected"), [
    (6, {"election_committee_size", "election_committee_even"}),
    (7, set()),
    (8, {"election_committee_even"}),
    (9, set()),
    (11, set()),
    (12, {"election_committee_size", "election_committee_even"}),
])
def test_committee_size_must_be_seven_to_eleven_and_odd(org, clerk, size, expected):
    election = factories.election(org["community"], prepared=False)
    seat_committee(election, clerk, size)
    assert set(committee_codes(election)) == expected
    if "election_committee_size" in expected:
        assert f"现有 {size} 人" in blocker(election, "election_committee_size").message


def test_alternates_do_not_count_toward_the_size(org, clerk):
    election = factories.election(org["community"], prepared=False)
    seat_committee(election, clerk, 6)
    add_alternate(election, clerk, "候补甲", 50)
    assert set(committee_codes(election)) == {"election_committee_size", "election_committee_even"}


def test_a_committee_without_a_chair_is_blocked(org, clerk):
    election = factories.election(org["community"], prepared=False)
    seat_committee(election, clerk, 7, chair=False)
    assert set(committee_codes(election)) == {"election_committee_chair"}
    assert "没有主任" in blocker(election, "election_committee_chair").message


def test_a_second_chair_is_refused_by_the_service(org, clerk):
    election = factories.election(org["community"], prepared=False)
    seat_committee(election, clerk, 7)
    someone = factories.person(org["community"], "李另", dt.date(1977, 7, 7))
    with pytest.raises(ApplicationError) as caught:
        services.committee_member_add(actor=clerk, election=election, person=someone, role="chair", votes=10)
    assert "只能有一名主任" in caught.value.errors["role"][0]


def test_two_near_relatives_serving_are_named(org, clerk):
    election = factories.election(org["community"], prepared=False)
    members = seat_committee(election, clerk, 7)
    factories.relate(members[2].person, members[5].person, "spouse")
    assert set(committee_codes(election)) == {"election_committee_relatives"}
    message = blocker(election, "election_committee_relatives").message
    assert members[2].person.name in message and members[5].person.name in message
    assert members[0].person.name not in message


def test_a_relative_who_is_only_an_alternate_does_not_count_until_stepping_in(org, clerk):
    election = factories.election(org["community"], prepared=False)
    members = seat_committee(election, clerk, 7)
    alternate = add_alternate(election, clerk, "候补亲", 60)
    factories.relate(members[3].person, alternate.person, "sibling")
    assert committee_codes(election) == Counter()
    services.committee_member_withdraw(actor=clerk, member=members[6], reason="工作调动")
    message = blocker(election, "election_committee_relatives").message
    assert "候补亲" in message and members[3].person.name in message


def test_relatives_in_another_election_committee_are_not_mixed_in(org, clerk, users):
    """Two relatives on two different committees (this community and the sibling) do not block."""
    here = factories.election(org["community"], prepared=False)
    there = factories.election(org["sibling"], here.campaign, prepared=False)
    mine = seat_committee(here, clerk, 7)
    theirs = seat_committee(there, users["street_staff"], 7, prefix="邻委")
    factories.relate(mine[1].person, theirs[1].person, "spouse")
    assert committee_codes(here) == Counter() and committee_codes(there) == Counter()
    # and when both are evaluated together, as on the list pages
    together = gates.evaluate(list(Election.objects.filter(pk__in=[here.pk, there.pk])))
    assert not [b for found in together.values() for b in found if b.code == "election_committee_relatives"]
    factories.relate(mine[2].person, mine[4].person, "sibling")
    together = gates.evaluate(list(Election.objects.filter(pk__in=[here.pk, there.pk])))
    assert [b.code for b in together[here.pk] if b.code in COMMITTEE_CODES] == ["election_committee_relatives"]
    assert [b.code for b in together[there.pk] if b.code in COMMITTEE_CODES] == []


def test_the_committee_belongs_to_rc_elections_only(org, clerk):
    party = factories.election(org["community"], body="party_committee", prepared=False)
    person = factories.person(org["community"], "王党", dt.date(1970, 2, 2))
    with pytest.raises(ApplicationError, match="只有居民委员会选举"):
        services.committee_member_add(actor=clerk, election=party, person=person, role="member", votes=3)
    assert not CommitteeMember.objects.exists()


# ---------------------------------------------------------------- withdrawal and step-in


@pytest.fixture
def committee(org, clerk):
    """An RC election with a 7-member committee and three alternates (votes 50, 60, 40)."""
    election = factories.election(org["community"], prepared=False)
    members = seat_committee(election, clerk, 7)
    alternates = [add_alternate(election, clerk, name, votes)
                  for name, votes in [("候补一", 50), ("候补二", 60), ("候补三", 40)]]
    return election, members, alternates


def test_the_alternate_with_most_votes_steps_in_then_the_next(committee, clerk):
    election, members, (alt50, alt60, alt40) = committee
    first = services.committee_member_withdraw(actor=clerk, member=members[4], reason="迁出本社区")
    assert first.replacement.pk == alt60.pk and first.tie_broken_by_order is False
    alt60.refresh_from_db()
    assert (alt60.role, alt60.replaces_id, alt60.active) == ("member", members[4].pk, True)
    assert alt60.stepped_in_at is not None
    members[4].refresh_from_db()
    assert (members[4].active, members[4].withdrawn_reason) == (False, "迁出本社区")
    assert members[4].withdrawn_at is not None
    assert "候补二" in first.message and "依次递补" in first.message

    second = services.committee_member_withdraw(actor=clerk, member=members[5], reason="身体原因")
    assert second.replacement.pk == alt50.pk
    alt40.refresh_from_db()
    assert alt40.role == "alternate"
    assert committee_codes(election) == Counter()  # still seven serving, with a chair


def test_equal_votes_take_the_alternate_recorded_first(org, clerk):
    election = factories.election(org["community"], prepared=False)
    members = seat_committee(election, clerk, 7)
    # recorded first, though the later one would come first by name or by id descending
    earlier = add_alternate(election, clerk, "赵候补", 45)
    add_alternate(election, clerk, "艾候补", 45)
    add_alternate(election, clerk, "钱候补", 44)
    result = services.committee_member_withdraw(actor=clerk, member=members[3], reason="工作调动")
    assert result.replacement.pk == earlier.pk
    assert result.tie_broken_by_order is True
    assert "得票相同，按原推选名次" in result.message
    step_in = Event.objects.get(election=election, action="committee.step_in")
    assert "得票相同" in step_in.summary


def test_without_an_alternate_the_seat_must_be_filled_anew(org, clerk):
    election = factories.election(org["community"], prepared=False)
    members = seat_committee(election, clerk, 7)
    result = services.committee_member_withdraw(actor=clerk, member=members[6], reason="工作调动")
    assert result.replacement is None and result.tie_broken_by_order is False
    assert "须另行推选" in result.message
    assert set(committee_codes(election)) == {"election_committee_size", "election_committee_even"}
    assert not Event.objects.filter(election=election, action="committee.step_in").exists()


def test_the_chair_leaving_leaves_the_chair_vacant(committee, clerk):
    election, members, (_, alt60, _) = committee
    result = services.committee_member_withdraw(actor=clerk, member=members[0], reason="被提名为候选人")
    assert result.replacement.pk == alt60.pk
    alt60.refresh_from_db()
    assert alt60.role == "member"  # steps into a member's seat; the chair is chosen anew
    assert "主任出缺，须另行推选" in result.message
    assert set(committee_codes(election)) == {"election_committee_chair"}
    services.committee_member_update(actor=clerk, member=members[1], role="chair")  # the committee chooses anew
    assert committee_codes(election) == Counter()


def test_an_alternate_leaving_brings_nobody_in(committee, clerk):
    election, _, (alt50, alt60, alt40) = committee
    result = services.committee_member_withdraw(actor=clerk, member=alt60, reason="本人申请")
    assert result.replacement is None
    assert "须另行推选" not in result.message
    assert CommitteeMember.objects.filter(election=election, role="alternate", active=True).count() == 2
    assert not Event.objects.filter(election=election, action="committee.step_in").exists()


def test_a_withdrawal_needs_a_reason_and_happens_once(committee, clerk):
    _, members, _ = committee
    with pytest.raises(ApplicationError) as caught:
        services.committee_member_withdraw(actor=clerk, member=members[2], reason="  ")
    assert "reason" in caught.value.errors
    members[2].refresh_from_db()
    assert members[2].active
    services.committee_member_withdraw(actor=clerk, member=members[2], reason="工作调动")
    with pytest.raises(Conflict, match="已于"):
        services.committee_member_withdraw(actor=clerk, member=members[2], reason="工作调动")


def test_a_withdrawn_member_cannot_be_edited(committee, clerk):
    _, members, _ = committee
    services.committee_member_withdraw(actor=clerk, member=members[2], reason="工作调动")
    with pytest.raises(Conflict):
        services.committee_member_update(actor=clerk, member=members[2], votes=1)


def test_withdrawal_is_recorded_and_the_clerk_is_told(committee, users, clerk):
    election, members, (_, alt60, _) = committee
    services.committee_member_withdraw(actor=users["street_staff"], member=members[1], reason="工作调动")
    withdraw = Event.objects.get(election=election, action="committee.withdraw")
    assert withdraw.before["active"] is True and withdraw.after["active"] is False
    assert withdraw.actor == users["street_staff"]
    step_in = Event.objects.get(election=election, action="committee.step_in")
    assert step_in.object_id == str(alt60.pk)
    assert (step_in.before["role"], step_in.after["role"]) == ("alternate", "member")
    assert step_in.after["replaces_id"] == members[1].pk
    note = Notification.objects.get(user=clerk, key=f"committee:{members[1].pk}:withdrawn")
    assert note.election_id == election.pk and "候补二" in note.message
    assert Notification.objects.filter(user=users["street_staff"], key=note.key).exists()
    assert not Notification.objects.filter(user=users["other_clerk"]).exists()
    assert not Notification.objects.filter(user=users["other_street_staff"]).exists()


def test_a_nominated_member_withdraws_through_the_nomination_hook(committee, clerk):
    election, members, (_, alt60, _) = committee
    outsider = factories.person(election.community, "路人甲", dt.date(1980, 3, 3))
    assert services.committee_withdraw_nominee(actor=clerk, election=election, person=outsider) is None
    assert not Event.objects.filter(election=election, action="committee.withdraw").exists()

    result = services.committee_withdraw_nominee(actor=clerk, election=election, person=members[3].person)
    assert result is not None and result.replacement.pk == alt60.pk
    members[3].refresh_from_db()
    assert (members[3].active, members[3].withdrawn_reason) == (False, "被提名为居民委员会成员候选人")
    # once out, nominating them again changes nothing
    assert services.committee_withdraw_nominee(actor=clerk, election=election, person=members[3].person) is None


def test_the_nomination_hook_works_during_nomination(org, clerk):
    election = factories.election(org["community"], stage="nomination", prepared=False)
    members = seat_committee(election, clerk, 7)
    result = services.committee_withdraw_nominee(actor=clerk, election=election, person=members[2].person)
    assert result is not None and result.replacement is None
    # the committee is checked again before nomination ends
    assert set(committee_codes(election)) == {"election_committee_size", "election_committee_even"}


def test_the_nomination_hook_respects_the_rulebook(committee, users, clerk):
    election, members, _ = committee
    election_services.election_update(actor=users["street_staff"], election=election,
                                      rule_overrides={"election_committee_member_withdraws": False})
    election.refresh_from_db()
    assert services.committee_withdraw_nominee(actor=clerk, election=election, person=members[3].person) is None
    members[3].refresh_from_db()
    assert members[3].active
    assert not Event.objects.filter(election=election, action="committee.withdraw").exists()


def test_the_nomination_hook_ignores_party_elections(org, clerk):
    party = factories.election(org["community"], body="party_committee", prepared=False)
    person = factories.person(org["community"], "王党", dt.date(1970, 2, 2))
    assert services.committee_withdraw_nominee(actor=clerk, election=party, person=person) is None


# ---------------------------------------------------------------- incumbents and audits


def test_an_incumbent_without_an_audit_blocks(org, clerk):
    election = factories.election(org["community"], prepared=False)
    person = factories.person(org["community"], "李现任", dt.date(1966, 1, 1))
    services.incumbent_add(actor=clerk, election=election, person=person, position="chair")
    assert audit_codes(election) == Counter(["audit_missing"])
    assert "李现任" in blocker(election, "audit_missing").message


def test_a_recorded_but_unpublished_audit_blocks(org, clerk):
    election = factories.election(org["community"], prepared=False)
    incumbent = audited_incumbent(election, clerk, name="李未公布", published_on=None)
    assert audit_codes(election) == Counter(["audit_unpublished"])
    assert "李未公布" in blocker(election, "audit_unpublished").message
    services.audit_record(actor=clerk, incumbent=incumbent, auditor="区审计局", conclusion="未发现违规问题",
                          audited_on=dt.date(2026, 2, 1), published_on=TODAY)
    assert audit_codes(election) == Counter()  # published today counts
    assert Audit.objects.count() == 1  # corrected in place


def test_a_publication_dated_after_today_does_not_count(org, clerk):
    """The service refuses such a date, but one written otherwise (admin, import) must not pass the gate."""
    election = factories.election(org["community"], prepared=False)
    audited_incumbent(election, clerk, name="李改期")
    Audit.objects.update(published_on=TODAY + dt.timedelta(days=1))
    assert audit_codes(election) == Counter(["audit_unpublished"])


def test_an_audit_published_in_the_future_is_refused(org, clerk):
    election = factories.election(org["community"], prepared=False)
    person = factories.person(org["community"], "李将来", dt.date(1966, 1, 1))
    incumbent = services.incumbent_add(actor=clerk, election=election, person=person, position="chair")
    with pytest.raises(ApplicationError) as caught:
        services.audit_record(actor=clerk, incumbent=incumbent, auditor="区审计局", conclusion="无",
                              audited_on=dt.date(2026, 2, 1), published_on=TODAY + dt.timedelta(days=1))
    assert caught.value.status == 400
    assert set(caught.value.errors) == {"published_on"}
    assert not Audit.objects.exists()


def test_an_audit_published_before_it_was_made_is_refused(org, clerk):
    election = factories.election(org["community"], prepared=False)
    person = factories.person(org["community"], "李倒序", dt.date(1966, 1, 1))
    incumbent = services.incumbent_add(actor=clerk, election=election, person=person, position="chair")
    with pytest.raises(ApplicationError) as caught:
        services.audit_record(actor=clerk, incumbent=incumbent, auditor="", conclusion="",
                              audited_on=dt.date(2026, 2, 10), published_on=dt.date(2026, 2, 1))
    assert set(caught.value.errors) == {"auditor", "conclusion", "published_on"}


def test_findings_must_be_handled(org, clerk):
    election = factories.election(org["community"], prepared=False)
    incumbent = audited_incumbent(election, clerk, name="李问题", findings="2024 年度补贴发放手续不全")
    assert audit_codes(election) == Counter(["audit_findings_unhandled"])
    assert "李问题" in blocker(election, "audit_findings_unhandled").message
    services.audit_record(actor=clerk, incumbent=incumbent, auditor="区审计局", conclusion="基本规范",
                          findings="2024 年度补贴发放手续不全", handling="已补齐手续并退回多发款项",
                          audited_on=dt.date(2026, 2, 1), published_on=dt.date(2026, 2, 10))
    assert audit_codes(election) == Counter()


def test_one_audit_clears_a_person_on_both_committees(org, clerk):
    camp = factories.campaign(org["street"])
    party = factories.election(org["community"], camp, body="party_committee", prepared=False)
    rc = factories.election(org["community"], camp, prepared=False)
    both = factories.person(org["community"], "交叉任职", dt.date(1970, 5, 5))
    party_only = factories.person(org["community"], "只在党委", dt.date(1971, 5, 5))
    services.incumbent_add(actor=clerk, election=party, person=both, position="secretary")
    on_party = services.incumbent_add(actor=clerk, election=party, person=party_only, position="member")
    on_rc = services.incumbent_add(actor=clerk, election=rc, person=both, position="chair")
    assert audit_codes(party) == Counter(["audit_missing"]) and audit_codes(rc) == Counter(["audit_missing"])

    services.audit_record(actor=clerk, incumbent=on_rc, auditor="区审计局", conclusion="未发现问题",
                          audited_on=dt.date(2026, 2, 1), published_on=dt.date(2026, 2, 10))
    assert audit_codes(rc) == Counter()
    assert "只在党委" in blocker(party, "audit_missing").message
    assert "交叉任职" not in blocker(party, "audit_missing").message
    services.audit_record(actor=clerk, incumbent=on_party, auditor="区审计局", conclusion="未发现问题",
                          audited_on=dt.date(2026, 2, 1), published_on=dt.date(2026, 2, 10))
    assert audit_codes(party) == Counter()
    assert Audit.objects.count() == 2


def test_a_shared_audit_is_in_both_trails_and_frozen_once_one_election_moved_on(org, clerk):
    camp = factories.campaign(org["street"])
    party = factories.election(org["community"], camp, body="party_committee", prepared=False)
    rc = factories.election(org["community"], camp, prepared=False)
    both = factories.person(org["community"], "交叉任职", dt.date(1970, 5, 5))
    services.incumbent_add(actor=clerk, election=party, person=both, position="secretary")
    on_rc = services.incumbent_add(actor=clerk, election=rc, person=both, position="chair")
    services.audit_record(actor=clerk, incumbent=on_rc, auditor="区审计局", conclusion="未发现问题",
                          audited_on=dt.date(2026, 2, 1), published_on=dt.date(2026, 2, 10))
    assert Event.objects.filter(action="audit.record", election=party).count() == 1
    assert Event.objects.filter(action="audit.record", election=rc).count() == 1

    Election.objects.filter(pk=party.pk).update(stage="nomination")
    with pytest.raises(Conflict, match="社区党组织委员会选举的依据"):
        services.audit_record(actor=clerk, incumbent=Incumbent.objects.get(pk=on_rc.pk), auditor="区审计局",
                              conclusion="改了结论", audited_on=dt.date(2026, 2, 1), published_on=dt.date(2026, 2, 10))
    assert Audit.objects.get().conclusion == "未发现问题"


def test_the_nominee_hook_checks_permission_first(org, users):
    election = factories.election(org["community"], prepared=False)
    outsider = factories.person(org["community"], "局外人", dt.date(1970, 5, 5))
    with pytest.raises(PermissionDenied):
        services.committee_withdraw_nominee(actor=users["other_clerk"], election=election, person=outsider)


def test_an_audit_does_not_carry_over_to_another_campaign(org, clerk):
    """The audit is of one term: the same person in a later campaign must be audited again."""
    old = factories.election(org["community"], prepared=False)
    person = factories.person(org["community"], "两届", dt.date(1970, 5, 5))
    audited_incumbent(old, clerk, person=person)
    new = factories.election(org["community"], prepared=False)  # a campaign of its own
    services.incumbent_add(actor=clerk, election=new, person=person, position="chair")
    assert audit_codes(old) == Counter() and audit_codes(new) == Counter(["audit_missing"])


def test_audits_are_not_required_when_the_rulebook_says_so(org, users, clerk):
    election = factories.election(org["community"], prepared=False)
    election_services.election_update(actor=users["street_staff"], election=election,
                                      rule_overrides={"audit_required": False})
    assert audit_codes(election) == Counter()


def test_incumbents_are_checked_and_unique(org, clerk):
    election = factories.election(org["community"], prepared=False)
    person = factories.person(org["community"], "李重复", dt.date(1966, 1, 1))
    with pytest.raises(ApplicationError) as caught:
        services.incumbent_add(actor=clerk, election=election, person=person, position="secretary")
    assert "position" in caught.value.errors
    services.incumbent_add(actor=clerk, election=election, person=person, position="chair")
    with pytest.raises(ApplicationError) as caught:
        services.incumbent_add(actor=clerk, election=election, person=person, position="member")
    assert "person" in caught.value.errors
    assert Incumbent.objects.count() == 1


def test_a_clerk_cannot_enter_a_person_of_another_community(org, users, clerk):
    election = factories.election(org["community"], prepared=False)
    stranger = factories.person(org["sibling"], "外社区", dt.date(1966, 1, 1))
    with pytest.raises(ApplicationError) as caught:
        services.incumbent_add(actor=clerk, election=election, person=stranger, position="chair")
    assert "person" in caught.value.errors
    assert not Incumbent.objects.exists()


def test_removing_an_incumbent_needs_a_reason_and_lifts_their_blocker(org, clerk):
    election = factories.election(org["community"], prepared=False)
    audited_incumbent(election, clerk, name="李已审")
    wrong = services.incumbent_add(actor=clerk, election=election,
                                   person=factories.person(org["community"], "录错", dt.date(1990, 1, 1)),
                                   position="member")
    assert audit_codes(election) == Counter(["audit_missing"])
    with pytest.raises(ApplicationError):
        services.incumbent_remove(actor=clerk, incumbent=wrong, reason="")
    services.incumbent_remove(actor=clerk, incumbent=wrong, reason="录入错误")
    assert audit_codes(election) == Counter()
    event = Event.objects.get(election=election, action="incumbent.remove")
    assert event.before["name"] == "录错" and event.after == {"reason": "录入错误"}


@pytest.mark.parametrize("stage", ["nomination", "voting", "closed"])
def test_incumbents_and_audits_are_entered_only_in_preparation(org, clerk, stage):
    election = factories.election(org["community"], stage=stage)
    incumbent = Incumbent.objects.get(election=election)
    person = factories.person(org["community"], "迟到", dt.date(1966, 1, 1))
    with pytest.raises(Conflict, match="只能在准备阶段"):
        services.incumbent_add(actor=clerk, election=election, person=person, position="member")
    with pytest.raises(Conflict):
        services.incumbent_update(actor=clerk, incumbent=incumbent, note="改")
    with pytest.raises(Conflict):
        services.audit_record(actor=clerk, incumbent=incumbent, auditor="区审计局", conclusion="无")
    assert Incumbent.objects.filter(election=election).count() == 1


def test_talks_are_recorded_per_person_and_dated_no_later_than_today(org, clerk):
    election = factories.election(org["community"], prepared=False)
    incumbent = audited_incumbent(election, clerk)
    with pytest.raises(ApplicationError) as caught:
        services.talk_record(actor=clerk, incumbent=incumbent, held_on=TODAY + dt.timedelta(days=1),
                             interviewers="")
    assert set(caught.value.errors) == {"held_on", "interviewers"}
    talk = services.talk_record(actor=clerk, incumbent=incumbent, held_on=TODAY, interviewers="街道党工委书记 王某")
    assert (talk.person_id, talk.campaign_id, talk.community_id) == (
        incumbent.person_id, election.campaign_id, election.community_id)
    assert Talk.objects.count() == 1


# ---------------------------------------------------------------- the trail


def test_every_preparation_write_is_chained_in_the_elections_trail(org, users, clerk):
    election = factories.election(org["community"], prepared=False)
    incumbent = audited_incumbent(election, clerk)
    services.incumbent_update(actor=clerk, incumbent=incumbent, note="连任两届")
    services.talk_record(actor=clerk, incumbent=incumbent, held_on=TODAY, interviewers="街道党工委书记 王某")
    members = seat_committee(election, clerk, 7)
    alternate = add_alternate(election, clerk, "候补甲", 30)
    services.committee_member_update(actor=clerk, member=alternate, votes=31)
    wrong = add_alternate(election, clerk, "录错甲", 1)
    services.committee_member_remove(actor=clerk, member=wrong, reason="录入错误")
    services.committee_member_withdraw(actor=clerk, member=members[6], reason="工作调动")
    actions = Counter(Event.objects.filter(election=election).values_list("action", flat=True))
    # one event per change (the factory wrote the election through the ORM, so it has no creation event)
    assert actions == Counter({
        "incumbent.add": 1, "audit.record": 1, "incumbent.update": 1, "talk.record": 1, "committee.add": 9,
        "committee.update": 1, "committee.remove": 1, "committee.withdraw": 1, "committee.step_in": 1,
    })
    for event in Event.objects.filter(election=election):
        assert event.actor == clerk and event.summary
    assert trail.verify_chain(trail.chain_key(election.pk)) == []

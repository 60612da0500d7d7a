"""The permission matrix of the preparation services: role × (own / other jurisdiction) × service.

The community enters its preparation (incumbents, audits, talks, the election committee, the rulebook's
adoption, the party request); the street decides the party request and, with the district, flags and
closes rectification; the district approves seat plans. A district reviewer writes none of it, and nobody
writes outside their jurisdiction. A refused call leaves no row and no event behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from candidates import services as people
from candidates.models import CommitteeMember, Incumbent
from elections import services
from elections.models import Event, PartyRequest, Rectification
from tests import factories

pytestmark = pytest.mark.django_db

USERS = ["district_admin", "district_reviewer", "street_staff", "other_street_staff", "community_clerk",
         "other_clerk"]
PLACES = ["community", "other_community"]  # 西街道 东关社区 / 城南街道 南岭社区
HOME = {"street_staff": "community", "community_clerk": "community",
        "other_street_staff": "other_community", "other_clerk": "other_community"}

RECORDERS = {"district_admin", "street_staff", "community_clerk"}
STREET_ONLY = {"street_staff"}
ORGANISERS = {"district_admin", "street_staff"}
DISTRICT_ONLY = {"district_admin"}


class Place:
    """One community's preparation objects, made through the ORM so only the call under test is checked."""

    def __init__(self, community: Any) -> None:
        self.community = community
        self.campaign = factories.campaign(community.parent)
        self.rc = factories.election(community, self.campaign, prepared=False)
        self.party = factories.election(community, self.campaign, body="party_committee", prepared=False)
        self.unapproved = factories.election(community, body="party_committee", approved=False, prepared=False)
        who = factories.recorder()
        self.person = factories.person(community, "新人", dt.date(1982, 2, 2))
        self.incumbent = Incumbent.objects.create(election=self.rc, person=factories.person(
            community, "现任", dt.date(1970, 1, 1)), position="chair")
        self.member = CommitteeMember.objects.create(election=self.rc, person=factories.person(
            community, "选委", dt.date(1975, 1, 1)), role="member", votes=80)
        self.request = PartyRequest.objects.create(election=self.party, meeting_kind="members_meeting",
                                                   recommendation_method="两推一选",
                                                   submitted_on=timezone.localdate(), submitted_by=who)
        self.rectification = Rectification.objects.create(
            campaign=self.campaign, community=community, category="key_difficult", problems="信访矛盾集中",
            plan="包联化解", flagged_on=timezone.localdate(), flagged_by=who)


Call = Callable[[Any, Place], Any]
SERVICES: dict[str, tuple[Call, set[str]]] = {
    "incumbent_add": (lambda u, p: people.incumbent_add(actor=u, election=p.rc, person=p.person,
                                                        position="member"), RECORDERS),
    "incumbent_update": (lambda u, p: people.incumbent_update(actor=u, incumbent=p.incumbent, note="连任"),
                         RECORDERS),
    "incumbent_remove": (lambda u, p: people.incumbent_remove(actor=u, incumbent=p.incumbent, reason="录入错误"),
                         RECORDERS),
    "audit_record": (lambda u, p: people.audit_record(actor=u, incumbent=p.incumbent, auditor="区审计局",
                                                      conclusion="未发现问题"), RECORDERS),
    "talk_record": (lambda u, p: people.talk_record(actor=u, incumbent=p.incumbent, held_on=timezone.localdate(),
                                                    interviewers="街道党工委书记"), RECORDERS),
    "committee_member_add": (lambda u, p: people.committee_member_add(actor=u, election=p.rc, person=p.person,
                                                                      role="alternate", votes=9), RECORDERS),
    "committee_member_update": (lambda u, p: people.committee_member_update(actor=u, member=p.member, votes=81),
                                RECORDERS),
    "committee_member_remove": (lambda u, p: people.committee_member_remove(actor=u, member=p.member,
                                                                            reason="录入错误"), RECORDERS),
    "committee_member_withdraw": (lambda u, p: people.committee_member_withdraw(actor=u, member=p.member,
                                                                                reason="工作调动"), RECORDERS),
    "committee_withdraw_nominee": (lambda u, p: people.committee_withdraw_nominee(actor=u, election=p.rc,
                                                                                  person=p.member.person),
                                   RECORDERS),
    "rulebook_adoption_record": (lambda u, p: services.rulebook_adoption_record(
        actor=u, election=p.rc, meeting="residents_meeting", held_on=timezone.localdate(), expected=10, present=8,
        votes_for=7), RECORDERS),
    "party_request_submit": (lambda u, p: services.party_request_submit(
        actor=u, election=p.unapproved, meeting_kind="members_meeting", recommendation_method="两推一选"),
        RECORDERS),
    "party_request_decide": (lambda u, p: services.party_request_decide(actor=u, request=p.request,
                                                                        decision="approve"), STREET_ONLY),
    "rectification_flag": (lambda u, p: services.rectification_flag(
        actor=u, campaign=p.campaign, community=p.community, category="weak_lax", problems="班子软弱",
        plan="选派第一书记"), ORGANISERS),
    "rectification_complete": (lambda u, p: services.rectification_complete(
        actor=u, rectification=p.rectification, note="整顿到位"), ORGANISERS),
    "seat_plan_set": (lambda u, p: services.seat_plan_set(actor=u, election=p.unapproved, seats=[
        {"position": "secretary", "count": 1}, {"position": "member", "count": 4}]), ORGANISERS),
    "seat_plan_approve": (lambda u, p: services.seat_plan_approve(actor=u, election=p.unapproved), DISTRICT_ONLY),
}


def in_scope(who: str, place: str) -> bool:
    return who in {"district_admin", "district_reviewer"} or HOME[who] == place


def allowed(who: str, role: str, place: str, service: str) -> bool:
    return in_scope(who, place) and role in SERVICES[service][1]


@pytest.fixture
def places(org):
    return {"community": Place(org["community"]), "other_community": Place(org["other_community"])}


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("service", sorted(SERVICES))
def test_preparation_permission_matrix(users, places, service, who, place):
    actor = users[who]
    call = SERVICES[service][0]
    before = Event.objects.count()
    if allowed(who, actor.role, place, service):
        call(actor, places[place])
        assert Event.objects.filter(actor=actor).count() >= 1
    else:
        with pytest.raises(PermissionDenied):
            call(actor, places[place])
        assert Event.objects.count() == before


def test_the_matrix_means_what_the_brief_says():
    """Guard the table itself: a reviewer writes nothing; a clerk never decides or flags."""
    for service, (_, roles) in SERVICES.items():
        assert "district_reviewer" not in roles, service
    for service in ("party_request_decide", "rectification_flag", "rectification_complete", "seat_plan_approve"):
        assert "community_clerk" not in SERVICES[service][1]
    assert {s for s, (_, roles) in SERVICES.items() if "community_clerk" in roles} == {
        "incumbent_add", "incumbent_update", "incumbent_remove", "audit_record", "talk_record",
        "committee_member_add", "committee_member_update", "committee_member_remove", "committee_member_withdraw",
        "committee_withdraw_nominee", "rulebook_adoption_record", "party_request_submit"}


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_superuser_may_do_everything(places, service):
    SERVICES[service][0](factories.superuser(), places["other_community"])


def test_a_refused_write_changes_nothing(users, places):
    place = places["community"]
    with pytest.raises(PermissionDenied):
        people.incumbent_remove(actor=users["other_street_staff"], incumbent=place.incumbent, reason="越权")
    with pytest.raises(PermissionDenied):
        people.committee_member_withdraw(actor=users["district_reviewer"], member=place.member, reason="越权")
    with pytest.raises(PermissionDenied):
        services.party_request_decide(actor=users["community_clerk"], request=place.request, decision="approve")
    assert Incumbent.objects.filter(pk=place.incumbent.pk).exists()
    place.member.refresh_from_db()
    assert place.member.active
    place.request.refresh_from_db()
    assert place.request.status == "submitted"

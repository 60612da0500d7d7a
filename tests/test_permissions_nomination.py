"""The permission matrix of the nomination, vetting and publicity services: service × role × (own / other
jurisdiction).

The community and the street (and the district office) enter nominations, 两推, 民主测评, pledges, talks, the
formal list, publicity, objections and reports; the street alone approves the party's list, reviews at its
level and decides held rejections; the community clerk alone does the 初审; a district reviewer signs the 联审
only for a department that takes part in the district's joint review (and the 纪委监委 closes reports); the
district office alone configures grounds and departments. Nobody acts outside their jurisdiction — "other"
is the other street's community for a street or community user and another district's for a district user.
A refused call raises PermissionDenied (a refused batch skips every nomination) and leaves no row, no change
and no event behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cached_property
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from candidates import services as people
from candidates.models import (
    Appraisal,
    Candidate,
    CandidateList,
    Incumbent,
    Nomination,
    Pledge,
    RecommendationMeeting,
    RecommendationVote,
    Talk,
)
from elections.models import Event
from tests import factories
from vetting import services as vetting
from vetting.models import Ground, Objection, Publicity, Report, Review, ReviewDepartment

pytestmark = pytest.mark.django_db

# district_reviewer: 公安局 and discipline_reviewer: 纪委监委 take part in the joint review of the fixture
# district; other_reviewer: 法院 does not (the "other department").
JOINT_REVIEW = ["police", "discipline"]
USERS = ["superuser", "district_admin", "district_reviewer", "discipline_reviewer", "other_reviewer",
         "street_staff", "community_clerk"]
DISTRICT_LEVEL = {"district_admin", "district_reviewer", "discipline_reviewer", "other_reviewer"}

WORKERS = {"superuser", "district_admin", "street_staff", "community_clerk"}
STREET = {"superuser", "street_staff"}
CLERK = {"superuser", "community_clerk"}
DEPARTMENTS = {"district_reviewer", "discipline_reviewer"}  # a superuser has no department: it cannot sign
DISTRICT_OFFICE = {"superuser", "district_admin"}
REPORT_HANDLERS = {"superuser", "district_admin", "street_staff", "discipline_reviewer"}


def today() -> dt.date:
    return timezone.localdate()


class Place:
    """One community's objects, each made through the ORM on first use (so only the call under test is
    checked, and a test builds only what its service needs)."""

    def __init__(self, community: Any) -> None:
        self.community = community
        self.district = community.parent.parent
        self.who = factories.recorder()

    def election(self, stage: str, body: str = "residents_committee") -> Any:
        return factories.election(self.community, body=body, stage=stage, prepared=False)

    def nominee(self) -> Any:
        return factories.nominee(self.community)

    def nominate(self, election: Any, **kw: Any) -> Nomination:
        return factories.nominate(election, person=self.nominee(), **kw)

    # ---------------------------------------------------------------- nomination stage

    @cached_property
    def rc(self) -> Any:
        return self.election("nomination")

    @cached_property
    def live(self) -> Nomination:
        return self.nominate(self.rc)

    @cached_property
    def party(self) -> Any:
        """A party election in nomination: an incumbent, and both 两推 meetings (valid) where three qualified."""
        party = self.election("nomination", body="party_committee")
        Incumbent.objects.create(election=party, person=self.nominee(), position="secretary")
        meeting = RecommendationMeeting.objects.create(election=party, kind="party_members", held_on=today(),
                                                       expected=50, present=45, ballots=45, recorded_by=self.who)
        RecommendationMeeting.objects.create(election=party, kind="representatives", held_on=today(),
                                             expected=30, present=25, ballots=25, recorded_by=self.who)
        for _ in range(3):
            RecommendationVote.objects.create(meeting=meeting, person=self.nominee(), votes=40)
        return party

    @cached_property
    def rejected_party(self) -> Nomination:
        """A party election in vetting with a rejected nominee and a 两推 reserve to fill the gap."""
        party = self.election("vetting", body="party_committee")
        meeting = RecommendationMeeting.objects.create(election=party, kind="party_members", held_on=today(),
                                                       expected=50, present=45, ballots=45, recorded_by=self.who)
        representatives = RecommendationMeeting.objects.create(
            election=party, kind="representatives", held_on=today(), expected=30, present=25, ballots=25,
            recorded_by=self.who)
        first, reserve = self.nominee(), self.nominee()
        for person, votes in ((first, 40), (reserve, 30)):  # with the representatives' 20: over 35 of 70
            RecommendationVote.objects.create(meeting=meeting, person=person, votes=votes)
            RecommendationVote.objects.create(meeting=representatives, person=person, votes=20)
        return factories.nominate(party, person=first, status="rejected")

    # ---------------------------------------------------------------- vetting stage

    @cached_property
    def vet(self) -> Any:
        return self.election("vetting")

    def at(self, level: str) -> Nomination:
        return self.nominate(self.vet, level=level)

    @cached_property
    def held(self) -> Review:
        nomination = self.nominate(self.vet, status="held", level="community")
        return Review.objects.create(nomination=nomination, level="community", decision="reject",
                                     grounds=["unsuitable-05"], reviewer=self.who)

    @cached_property
    def report(self) -> Report:
        return Report.objects.create(election=self.vet, content="反映有人拉票", categories=["specific"],
                                     received_on=today(), due_on=today() + dt.timedelta(days=15),
                                     recorded_by=self.who)

    # ---------------------------------------------------------------- publicity stage

    @cached_property
    def pub(self) -> Any:
        return self.election("publicity")

    @cached_property
    def approved(self) -> Nomination:
        return self.nominate(self.pub, status="approved")

    @cached_property
    def slate(self) -> list[Nomination]:
        return factories.approved_slate(self.pub)

    @cached_property
    def objection(self) -> Objection:
        return Objection.objects.create(election=self.pub, objector="居民甲", content="反映其不在本社区居住",
                                        received_on=today(), recorded_by=self.who)

    @cached_property
    def listed(self) -> Any:
        """An RC election in publicity with its formal list complete."""
        election = self.election("publicity")
        factories.formal_list(election)
        return election

    def party_list(self, approval: str = "") -> Any:
        election = self.election("publicity", body="party_committee")
        factories.formal_list(election, approve=False)
        if approval:
            CandidateList.objects.create(election=election, approval=approval)
        return election


Prepare = Callable[[Place], dict[str, Any]]
# service: (the service, its keyword arguments built in the place, the roles allowed in their jurisdiction)
SERVICES: dict[str, tuple[Callable[..., Any], Prepare, set[str]]] = {
    # nominations
    "nomination_submit": (people.nomination_submit, lambda p: dict(
        election=p.rc, person=p.nominee(), position="member", channel="party_org"), WORKERS),
    "nomination_update": (people.nomination_update, lambda p: dict(nomination=p.live, basis="更正提名依据"), WORKERS),
    "nomination_withdraw": (people.nomination_withdraw, lambda p: dict(nomination=p.live, reason="本人申请退出"),
                            WORKERS),
    # 两推, 民主测评, 递补
    "recommendation_meeting_record": (people.recommendation_meeting_record, lambda p: dict(
        election=p.party, kind="representatives", expected=40, present=30, ballots=30, results=[(p.nominee(), 20)],
        held_on=today()), WORKERS),
    "preliminary_nominate": (people.preliminary_nominate, lambda p: dict(election=p.party), WORKERS),
    "appraisal_record": (people.appraisal_record, lambda p: dict(
        election=p.party, person=Incumbent.objects.get(election=p.party).person, ballots=40, excellent=20,
        competent=15, basic=3, incompetent=2), WORKERS),
    "nomination_fill_gap": (people.nomination_fill_gap, lambda p: dict(rejected_nomination=p.rejected_party),
                            WORKERS),
    # discipline and the formal list
    "pledge_record": (people.pledge_record, lambda p: dict(nomination=p.approved, signed_on=today()), WORKERS),
    "nominee_talk_record": (people.nominee_talk_record, lambda p: dict(
        nomination=p.approved, held_on=today(), interviewers="街道党工委书记"), WORKERS),
    "candidate_list_build": (people.candidate_list_build, lambda p: dict(election=p.slate[0].election), WORKERS),
    "candidate_add": (people.candidate_add, lambda p: dict(nomination=p.approved), WORKERS),
    "candidate_remove": (people.candidate_remove, lambda p: dict(
        candidate=Candidate.objects.filter(election=p.listed).first(), reason="按研究结果不列入"), WORKERS),
    "candidate_list_publish": (people.candidate_list_publish, lambda p: dict(election=p.listed, published_on=today()),
                               WORKERS),
    "candidate_list_submit": (people.candidate_list_submit, lambda p: dict(election=p.party_list()), WORKERS),
    "candidate_list_decide": (people.candidate_list_decide, lambda p: dict(
        election=p.party_list("submitted"), approve=True), STREET),
    # reviews, at each level, one by one and in a batch
    **{f"review_submit_{level}": (vetting.review_submit, lambda p, level=level: dict(
        nomination=p.at(level), level=level, decision="pass"), roles)
       for level, roles in (("community", CLERK), ("street", STREET), ("district", DEPARTMENTS))},
    **{f"review_batch_pass_{level}": (vetting.review_batch_pass, lambda p, level=level: dict(
        nominations=[p.at(level)], level=level), roles)
       for level, roles in (("community", CLERK), ("street", STREET), ("district", DEPARTMENTS))},
    "held_decide": (vetting.held_decide, lambda p: dict(review=p.held, decision="overrule",
                                                         reason="经核实，相关情况已整改到位"), STREET),
    # configuration of the district
    "departments_set": (vetting.departments_set, lambda p: dict(district=p.district, codes=["police", "court"]),
                        DISTRICT_OFFICE),
    "grounds_customise": (vetting.grounds_customise, lambda p: dict(district=p.district), DISTRICT_OFFICE),
    "ground_save": (vetting.ground_save, lambda p: dict(district=p.district, kind="unsuitable",
                                                         text="长期不在本社区居住的"), DISTRICT_OFFICE),
    # publicity, objections, reports
    "publicity_set": (vetting.publicity_set, lambda p: dict(
        election=p.pub, starts_on=today() - dt.timedelta(days=2), ends_on=today() + dt.timedelta(days=4)), WORKERS),
    "objection_register": (vetting.objection_register, lambda p: dict(
        election=p.pub, nomination=p.approved, objector="居民乙", content="反映其经营占道", received_on=today()),
        WORKERS),
    "objection_resolve": (vetting.objection_resolve, lambda p: dict(
        objection=p.objection, status="dismissed", finding="经核实不属实"), WORKERS),
    "report_register": (vetting.report_register, lambda p: dict(
        election=p.vet, content="反映有人送购物卡拉票", categories=["vote_buying"], received_on=today()), WORKERS),
    "report_close": (vetting.report_close, lambda p: dict(report=p.report, status="unsubstantiated",
                                                           finding="经核查不属实"), REPORT_HANDLERS),
}
BATCHES = {name for name in SERVICES if name.startswith("review_batch_pass")}

TABLES = [Nomination, RecommendationMeeting, RecommendationVote, Appraisal, Pledge, Talk, Candidate, CandidateList,
          Review, ReviewDepartment, Ground, Publicity, Objection, Report, Event]


def state() -> tuple:
    """Every row count of the tables the services write, and every field a refused call could change."""
    return (
        tuple(model.objects.count() for model in TABLES),
        tuple(Nomination.objects.order_by("pk").values_list("pk", "status", "level", "version", "basis")),
        tuple(Objection.objects.order_by("pk").values_list("pk", "status")),
        tuple(Report.objects.order_by("pk").values_list("pk", "status")),
        tuple(CandidateList.objects.order_by("pk").values_list("pk", "approval", "published_on")),
        tuple(Review.objects.order_by("pk").values_list("pk", "street_decision")),
        tuple(ReviewDepartment.objects.order_by("pk").values_list("pk", "active")),
        tuple(Appraisal.objects.order_by("pk").values_list("pk", "ballots")),
    )


@pytest.fixture
def actors(org, users):
    for code in ["organization", "civil_affairs", "discipline", "political_legal", "petition", "police",
                 "procuratorate", "court"]:
        ReviewDepartment.objects.create(district=org["district"], code=code, active=code in JOINT_REVIEW)
    return {
        "superuser": factories.superuser(),
        "district_admin": users["district_admin"],
        "district_reviewer": users["district_reviewer"],  # 公安局
        "discipline_reviewer": factories.user("district_reviewer", org["district"], "qu_jiwei", department="discipline"),
        "other_reviewer": factories.user("district_reviewer", org["district"], "qu_fayuan", department="court"),
        "street_staff": users["street_staff"],
        "community_clerk": users["community_clerk"],
    }


def place_for(org: dict, who: str, where: str) -> Place:
    if where == "own":
        return Place(org["community"])
    if who in DISTRICT_LEVEL:
        far = factories.jurisdiction("濉溪县", "district")
        return Place(factories.jurisdiction("南坪社区", "community", factories.jurisdiction("南坪镇", "street", far)))
    return Place(org["other_community"])


def allowed(who: str, where: str, service: str) -> bool:
    return who in SERVICES[service][2] and (where == "own" or who == "superuser")


@pytest.mark.parametrize("where", ["own", "other"])
@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("service", sorted(SERVICES))
def test_nomination_permission_matrix(org, actors, service, who, where):
    actor, (function, prepare, _) = actors[who], SERVICES[service]
    kwargs = prepare(place_for(org, who, where))
    before = state()
    if service in BATCHES:
        batch = function(actor=actor, **kwargs)  # a refused nomination is skipped with the reason, never raised
        assert bool(batch.passed) is allowed(who, where, service)
        assert bool(batch.skipped) is not allowed(who, where, service)
        if not allowed(who, where, service):
            assert state() == before
    elif allowed(who, where, service):
        function(actor=actor, **kwargs)
        assert Event.objects.filter(actor=actor).exists()
    else:
        with pytest.raises(PermissionDenied):
            function(actor=actor, **kwargs)
        assert state() == before


def test_the_matrix_means_what_the_brief_says():
    """Guard the table itself: a reviewer only signs for a department (and 纪委监委 closes reports); a clerk
    never approves a list, decides a held rejection, or configures the district."""
    for service, (_, _, roles) in SERVICES.items():
        assert "other_reviewer" not in roles, service
        if service not in {"review_submit_district", "review_batch_pass_district", "report_close"}:
            assert not roles & {"district_reviewer", "discipline_reviewer"}, service
    for service in ("candidate_list_decide", "held_decide", "departments_set", "grounds_customise", "ground_save",
                    "review_submit_street", "review_submit_district", "report_close"):
        assert "community_clerk" not in SERVICES[service][2], service
    assert {s for s, (_, _, roles) in SERVICES.items() if "superuser" not in roles} == {
        "review_submit_district", "review_batch_pass_district"}


def test_a_reviewer_signs_only_for_a_department_of_the_joint_review(org, actors):
    place = Place(org["community"])
    nomination = place.at("district")
    with pytest.raises(PermissionDenied, match="法院不是相山区的联审部门"):
        vetting.review_submit(actor=actors["other_reviewer"], nomination=nomination, level="district",
                              decision="pass")
    with pytest.raises(PermissionDenied, match="未设置联审部门"):
        vetting.review_submit(actor=actors["superuser"], nomination=nomination, level="district", decision="pass")
    assert not Review.objects.filter(nomination=nomination).exists()
    vetting.review_submit(actor=actors["district_reviewer"], nomination=nomination, level="district",
                          decision="pass")
    vetting.review_submit(actor=actors["discipline_reviewer"], nomination=nomination, level="district",
                          decision="pass")
    nomination.refresh_from_db()
    assert nomination.status == "approved"

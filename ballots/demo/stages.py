"""Nomination (提名), vetting (资格审查) and publicity (公示) of the 西街道 communities that have moved on,
entered through the services by whoever does each step (so every change has its event in the audit trail).

What each community shows (``SCENARIOS`` in load.py names the method):

* 东关 ``short_of_nominations`` — in nomination. RC: nominations by party organisation, residents' group
  meeting, 20+ voters, 10+ representatives and self-nomination (a member of the residents' election committee,
  who withdraws from it), but one 副主任 and three 委员 short of the margin. Party: both 两推 meetings
  recorded, the representatives' one not quorate (invalid), the preliminary list two short. 民主测评 of
  every incumbent.
* 人民路 ``ready_for_vetting`` — in nomination with every gate satisfied: RC nominations by every channel,
  the 两推 valid and its preliminary list complete (one reserve for 递补), 民主测评 recorded.
* 建设 ``in_vetting`` — in vetting: nominations waiting for the community's 初审, at the street, at the
  district with some departments signed, one held on a 不宜 ground (纪委监委) awaiting the street, one
  rejected on a 不得 ground (公安局) whose 递补 replacement waits for 初审, two approved per committee; a
  couple (spouses) nominated, one for each committee.
* 幸福 ``in_publicity`` — in publicity. RC: every gate satisfied (publicity dated in the past and over,
  formal list built, pledged, talked and published) — ready for voting. Party: publicity running, one
  objection open and one dismissed, a vote-buying report (举报) under investigation, the formal list in
  姓氏笔画 order with two pledges and one talk missing, submitted to the street for its 批复.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from candidates import services as people
from candidates.models import Candidate, CandidateList, CommitteeMember, Incumbent, Nomination, Person
from elections import services
from elections.models import Election
from vetting import services as vetting
from vetting.selectors import departments_for, district_of

from .common import GIVEN, SURNAMES, Cast, new_resident
from .preparation import TALKERS

# (position, channel, who): who is "incumbent" (the next outgoing member of that position, 连任), "new" (a
# resident entered for the purpose) or "committee" (a serving member of the residents' election committee).
RC_SLATE: list[tuple[str, str, str]] = [
    ("chair", "party_org", "incumbent"),
    ("chair", "joint_representatives", "new"),
    ("vice_chair", "group_meeting", "incumbent"),
    ("vice_chair", "joint_voters", "new"),
    ("member", "party_org", "incumbent"),
    ("member", "joint_voters", "incumbent"),
    ("member", "group_meeting", "incumbent"),
    ("member", "joint_representatives", "new"),
    ("member", "self", "new"),
    ("member", "joint_voters", "new"),
    ("member", "group_meeting", "new"),
]
# 东关: 2 主任, 1 副主任, 3 委员 — the margin wants 2, 2 and 6
RC_SHORT: list[tuple[str, str, str]] = [
    ("chair", "party_org", "incumbent"),
    ("chair", "joint_voters", "new"),
    ("vice_chair", "joint_representatives", "new"),
    ("member", "party_org", "incumbent"),
    ("member", "group_meeting", "incumbent"),
    ("member", "self", "committee"),
]
BASIS = {
    "party_org": "社区党组织研究推荐",
    "group_meeting": "第{n}居民小组会议推荐",
    "joint_voters": "本社区选民联名推荐",
    "joint_representatives": "居民代表联名推荐",
    "self": "本人自荐，有意愿为居民服务",
}
SUPPORTERS = {"joint_voters": (20, 26), "joint_representatives": (10, 13)}

# Where a nomination of 建设 stands (by the slate's order): "community" (waits for 初审), "street",
# ("district", departments signed), "approved", ("held" | "rejected", department, ground).
RC_REVIEWS: list[Any] = [
    "community", "street", ("district", ["police", "civil_affairs", "organization"]), "approved",
    ("district", ["court"]), "street", ("held", "discipline", "unsuitable-01"), "approved",
    ("rejected", "police", "ineligible-02c"), ("district", []), "community",
]
PARTY_REVIEWS: list[Any] = [
    "approved", "approved", ("district", ["organization", "discipline"]), ("district", ["police", "court"]),
    "street", "street", "community", "community", ("district", []),
]
REJECT_NOTES = {
    "unsuitable-01": "经核查，该同志 2024 年 6 月受到党内警告处分，处分影响期尚未届满。",
    "ineligible-02c": "经公安机关核查，该同志 2024 年因参与赌博受到治安管理处罚。",
}


class Stages:
    """One community's elections from nomination on (both already in ``nomination``)."""

    def __init__(self, rng: random.Random, today: dt.date, cast: Cast, elections: dict[str, Election]) -> None:
        self.rng, self.today, self.cast = rng, today, cast
        self.rc, self.party = elections["residents_committee"], elections["party_committee"]
        self.clerk, self.street = cast.clerk, cast.street
        self.departments = departments_for(district_of(cast.community))

    def ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def run(self, scenario: str) -> dict[str, Election]:
        getattr(self, scenario)()
        return {"residents_committee": self.rc, "party_committee": self.party}

    # ---------------------------------------------------------------- the scenarios

    def short_of_nominations(self) -> None:
        self.appraisals()
        self.rc_nominations(RC_SHORT)
        self.two_recommendations(qualifiers=7, representatives_valid=False)

    def ready_for_vetting(self) -> None:
        self.appraisals()
        self.rc_nominations(RC_SLATE)
        self.two_recommendations(qualifiers=10)

    def in_vetting(self) -> None:
        self.appraisals()
        rc = self.rc_nominations(RC_SLATE)
        party = self.two_recommendations(qualifiers=10)
        # a married couple, both new: one nominated for the residents' committee, the other by the 两推
        one = rc[3].person
        other = next(n.person for n in reversed(party) if not Incumbent.objects.filter(person=n.person).exists())
        people.relative_add(actor=self.clerk, person=one, relative=other, relation="spouse")
        self.advance("vetting")
        for nomination, where in zip(rc, RC_REVIEWS, strict=True):
            self.review_to(nomination, where)
        for nomination, where in zip(party, PARTY_REVIEWS, strict=True):
            self.review_to(nomination, where)
        rejected = next(n for n, where in zip(rc, RC_REVIEWS, strict=True) if where[0:1] == ("rejected",))
        people.nomination_submit(
            actor=self.clerk, election=self.rc, person=self.new_nominee(), position=rejected.position,
            channel="joint_voters", supporters=self.supporters(22), basis=f"递补 {rejected.person.name}",
            replaces=Nomination.objects.get(pk=rejected.pk),
        )

    def in_publicity(self) -> None:
        self.appraisals()
        rc = self.rc_nominations(RC_SLATE)
        party = self.two_recommendations(qualifiers=10)
        self.advance("vetting")
        for nomination in rc + party:
            self.review_to(nomination, "approved")
        # In this story the vetting ended two weeks ago, before either publicity began; the services stamp
        # approvals "now", so the demo dates them back (publicity must cover every approved nominee).
        Nomination.objects.filter(election__in=[self.rc, self.party], status="approved").update(
            decided_at=timezone.now() - dt.timedelta(days=14))
        self.advance("publicity")
        # RC: the publicity is over, the formal list complete and published: ready for voting
        vetting.publicity_set(actor=self.clerk, election=self.rc, starts_on=self.ago(12), ends_on=self.ago(6),
                              place="社区居务公开栏及各小区公告栏")
        people.candidate_list_build(actor=self.clerk, election=self.rc)
        self.discipline(self.rc, self.ago(5))
        people.candidate_list_publish(actor=self.clerk, election=self.rc, published_on=self.ago(3))
        # party: the publicity still runs, with objections and a report; pledges and a talk missing
        vetting.publicity_set(actor=self.clerk, election=self.party, starts_on=self.ago(2),
                              ends_on=self.today + dt.timedelta(days=4), place="社区党群服务中心公示栏")
        listed = sorted(party, key=lambda n: n.pk)
        vetting.objection_register(
            actor=self.clerk, election=self.party, nomination=listed[3], objector="居民 刘某", contact="13905571234",
            content="反映其经营的门店长期占用消防通道，邻里意见较大。", received_on=self.ago(1))
        dismissed = vetting.objection_register(
            actor=self.clerk, election=self.party, nomination=listed[5], objector="匿名", content="反映其未在本社区居住。",
            received_on=self.ago(2))
        vetting.objection_resolve(actor=self.street, objection=dismissed, status="dismissed", resolved_on=self.ago(1),
                                  finding="经入户核实，该同志在本社区实际居住满五年，反映的问题不属实。")
        vetting.report_register(
            actor=self.street, election=self.party, nomination=listed[6], channel="phone", categories=["vote_buying"],
            content="反映其在党员推荐会前向部分党员赠送购物卡，请求推荐时投其一票。", received_on=self.ago(1))
        people.candidate_list_build(actor=self.clerk, election=self.party)
        self.discipline(self.party, self.ago(1), skip_pledges=2, skip_talks=1)
        people.candidate_list_submit(actor=self.clerk, election=self.party)

    # ---------------------------------------------------------------- the steps

    def advance(self, stage: str) -> None:
        for attr in ("rc", "party"):
            election = getattr(self, attr)
            while election.stage != stage:
                election = services.election_advance(actor=self.clerk, election=election)
            setattr(self, attr, election)

    def appraisals(self) -> None:
        """民主测评 of every incumbent of both committees."""
        for election in (self.party, self.rc):
            for incumbent in Incumbent.objects.filter(election=election).select_related("person").order_by("id"):
                ballots = self.rng.randint(40, 56)
                excellent, basic, incompetent = self.rng.randint(ballots // 3, ballots // 2), self.rng.randint(1, 5), \
                    self.rng.randint(0, 2)
                competent = ballots - excellent - basic - incompetent - self.rng.randint(0, 2)
                people.appraisal_record(actor=self.clerk, election=election, person=incumbent.person, ballots=ballots,
                                        excellent=excellent, competent=competent, basic=basic,
                                        incompetent=incompetent, held_on=self.ago(10))

    def new_nominee(self, party_member: bool | None = None) -> Person:
        return new_resident(self.rng, self.clerk, (1970, 1996), party_member,
                            education=self.rng.choice(["college", "bachelor", "bachelor", "master"]), unique_name=True)

    def supporters(self, count: int) -> list[str]:
        names: list[str] = []
        while len(names) < count:
            name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
            if name not in names:
                names.append(name)
        return names

    def rc_nominations(self, plan: list[tuple[str, str, str]]) -> list[Nomination]:
        outgoing: dict[str, list[Person]] = {}
        for incumbent in Incumbent.objects.filter(election=self.rc).select_related("person").order_by("id"):
            outgoing.setdefault(incumbent.position, []).append(incumbent.person)
        made = []
        for group, (position, channel, who) in enumerate(plan, start=1):
            if who == "incumbent":
                person = outgoing[position].pop(0)
            elif who == "committee":
                person = CommitteeMember.objects.filter(election=self.rc, role="member", active=True).order_by(
                    "id")[2].person
            else:
                person = self.new_nominee()
            low, high = SUPPORTERS.get(channel, (0, 0))
            made.append(people.nomination_submit(
                actor=self.clerk, election=self.rc, person=person, position=position, channel=channel,
                supporters=self.supporters(self.rng.randint(low, high)) if high else [],
                basis=BASIS[channel].format(n=group % 6 + 1),
            ))
        return made

    def two_recommendations(self, qualifiers: int, representatives_valid: bool = True) -> list[Nomination]:
        """Both 两推 meetings, then the preliminary list (初步人选) by combined votes: the outgoing party members
        first, two more residents who do not reach half of the ballots. The first is nominated 书记, the second
        副书记, the rest 委员."""
        recommended = [i.person for i in Incumbent.objects.filter(election=self.party, person__party_member=True)
                       .select_related("person").order_by("id")][:qualifiers]
        while len(recommended) < qualifiers + 2:
            recommended.append(self.new_nominee(party_member=True))
        members = [(p, 46 - 2 * i if i < qualifiers else self.rng.randint(8, 15)) for i, p in enumerate(recommended)]
        people.recommendation_meeting_record(
            actor=self.clerk, election=self.party, kind="party_members", expected=52, present=47, ballots=46,
            results=members, held_on=self.ago(9))
        expected, present = (38, 33) if representatives_valid else (38, 17)
        representatives = [(p, min(present, 31 - i) if i < qualifiers else self.rng.randint(3, 8))
                           for i, p in enumerate(recommended)]
        people.recommendation_meeting_record(
            actor=self.clerk, election=self.party, kind="representatives", expected=expected, present=present,
            ballots=present, results=representatives, held_on=self.ago(8))
        if not representatives_valid:
            return []  # 两推 is void until the representatives meet again: no preliminary list yet
        outcome = people.preliminary_nominate(actor=self.clerk, election=self.party, positions={
            recommended[0].pk: "secretary", recommended[1].pk: "deputy_secretary"})
        return outcome.created

    def review_to(self, nomination: Nomination, where: Any) -> None:
        """Review a nomination (as the clerk, the street, the departments) until it stands ``where``."""
        kind, *rest = (where,) if isinstance(where, str) else where
        if kind == "community":
            return
        vetting.review_submit(actor=self.clerk, nomination=nomination, level="community", decision="pass")
        if kind == "street":
            return
        vetting.review_submit(actor=self.street, nomination=nomination, level="street", decision="pass")
        if kind == "district":
            for department in rest[0]:
                self.sign(nomination, department)
        elif kind == "approved":
            for department in self.departments:
                self.sign(nomination, department)
        else:
            department, ground = rest
            vetting.review_submit(actor=self.cast.reviewers[department], nomination=nomination, level="district",
                                  decision="reject", grounds=[ground], note=REJECT_NOTES[ground])

    def sign(self, nomination: Nomination, department: str) -> None:
        vetting.review_submit(actor=self.cast.reviewers[department], nomination=nomination, level="district",
                              decision="pass")

    def discipline(self, election: Election, day: dt.date, skip_pledges: int = 0, skip_talks: int = 0) -> None:
        """Pledges (纪律承诺书) of the formal candidates, and talks (谈心谈话) with those not talked with in
        preparation (the outgoing members); the last ``skip_pledges`` candidates in list order sign no pledge
        and the last ``skip_talks`` new ones have no talk yet."""
        candidates = list(Candidate.objects.filter(election=election).select_related("nomination", "person")
                          .order_by("position", "order"))
        outgoing = set(Incumbent.objects.filter(election__campaign=election.campaign,
                                                election__community=election.community)
                       .values_list("person_id", flat=True))
        for candidate in candidates[:len(candidates) - skip_pledges]:
            people.pledge_record(actor=self.clerk, nomination=candidate.nomination, signed_on=day)
        new = [c for c in candidates if c.person_id not in outgoing]
        for candidate in new[:len(new) - skip_talks]:
            people.nominee_talk_record(actor=self.street, nomination=candidate.nomination, held_on=day,
                                       interviewers=TALKERS, note="谈换届纪律、履职打算和廉洁要求。")

    def voted(self) -> None:
        """Both committees through publicity, dated so that the votes can be held before the demo's today (this
        Stages runs with ``today`` three weeks back): formal lists published, the party's approved by the street.
        ``voting.Counting`` takes it from there."""
        self.appraisals()
        rc = self.rc_nominations(RC_SLATE)
        party = self.two_recommendations(qualifiers=10)
        self.advance("vetting")
        for nomination in rc + party:
            self.review_to(nomination, "approved")
        decided = timezone.make_aware(dt.datetime.combine(self.ago(14), dt.time(10)))
        Nomination.objects.filter(election__in=[self.rc, self.party], status="approved").update(decided_at=decided)
        self.advance("publicity")
        for election in (self.rc, self.party):
            vetting.publicity_set(actor=self.clerk, election=election, starts_on=self.ago(12), ends_on=self.ago(6),
                                  place="社区居务公开栏及各小区公告栏")
            people.candidate_list_build(actor=self.clerk, election=election)
            self.discipline(election, self.ago(5))
        people.candidate_list_submit(actor=self.clerk, election=self.party)
        people.candidate_list_decide(actor=self.street, election=self.party, approve=True, reply="同意")
        CandidateList.objects.filter(election=self.party).update(approval_on=self.ago(4))
        for election in (self.rc, self.party):
            people.candidate_list_publish(actor=self.clerk, election=election, published_on=self.ago(3))
        self.advance("voting")

"""Preparation (准备) of one 西街道 community, entered through the services by the people who do it."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from candidates import services as people
from candidates.models import Incumbent, Person
from elections import services
from elections.models import Campaign, Election, Notification, User

from .common import new_resident

# What each 西街道 community shows in preparation (in the order of XI_COMMUNITIES). Every community has
# incumbents on both committees (most of them 一肩挑 and cross-serving), audits, a residents' election
# committee, the rulebook's adoption and the party request; the entries say what is not yet in order.
PREPARATION: list[dict[str, Any]] = [
    # 东关: all in order (moved on); a 重点难点 rectification done
    {"committee": (9, 2), "talks": "all", "rectification": "completed"},
    # 西关: all in order and ready to move on; a member moved away and an alternate stepped in
    {"committee": (7, 2), "talks": "all", "withdrawal": "迁出本社区，本人申请退出"},
    # 南山: two audit results not yet published; a committee of 8; the party request awaits the reply
    {"committee": (8, 1), "talks": "some", "unpublished": True, "request": "pending"},
    # 北苑: two incumbents not yet audited; two siblings on the committee; the meeting not quorate; the
    #       party request returned with reasons
    {"committee": (9, 1), "relatives": True, "unaudited": True, "adoption": "not_quorate", "request": "returned"},
    # 花园: 软弱涣散, rectification under way; one audit finding not yet handled
    {"committee": (11, 2), "talks": "some", "findings": True, "rectification": "open"},
    # 人民路: all in order (moved on)
    {"committee": (7, 1), "talks": "all"},
    # 和平: the rulebook adopted but not yet published
    {"committee": (7, 1), "adoption": "unpublished"},
    # 建设: all in order (moved on); a large party organisation meets as a delegates' meeting
    {"committee": (9, 2), "talks": "all", "meeting_kind": "delegates_meeting"},
    # 幸福: all in order (moved on)
    {"committee": (7, 2), "talks": "all"},
    # 光明: all in order (moved on, voted)
    {"committee": (7, 1), "talks": "all"},
]
AUDITOR = "相山区审计局"
AUDIT_CONCLUSION = "任期内较好地履行了经济责任，财务收支基本真实、合法，未发现违规违纪问题。"
TALKERS = "街道党工委书记 周强、组织委员 孙丽"
RECOMMENDATION_METHOD = (
    "采取“两推一选”方式：召开党员推荐会和群众推荐会，分别推荐委员、书记、副书记候选人初步人选；"
    "到会人数超过应到人数的一半方为有效，得票超过推荐票一半的方可列为初步人选；"
    "街道党工委综合推荐情况研究确定候选人预备人选。"
)
RETURN_REASON = (
    "请示未写明党员推荐票、群众推荐票的计票办法和有效条件，也未附推荐会议的时间安排，"
    "请补充完善后重新报送。"
)


class Preparation:
    """One 西街道 community's preparation, entered through the services by the people who do it: the clerk
    (incumbents, audits, election committee, the rulebook's adoption, the party request) and the street
    (talks, the reply to the request, rectification)."""

    def __init__(self, rng: random.Random, today: dt.date, clerk: User, street: User, campaign: Campaign,
                 elections: dict[str, Election]) -> None:
        self.rng, self.today, self.clerk, self.street = rng, today, clerk, street
        self.campaign, self.elections = campaign, elections
        self.community = clerk.jurisdiction

    def ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def run(self, prep: dict[str, Any]) -> None:
        incumbents = self.incumbents()
        self.audits(incumbents, prep)
        self.talks(incumbents, prep.get("talks"))
        self.committee(prep)
        self.adoption(prep.get("adoption", "published"))
        self.party_request(prep.get("request", "approved"), prep.get("meeting_kind", "members_meeting"))
        if prep.get("rectification"):
            self.rectification(prep["rectification"])

    # ---------------------------------------------------------------- people

    def new_person(self, born: tuple[int, int], party_member: bool | None = None) -> Person:
        return new_resident(self.rng, self.clerk, born, party_member)

    def outgoing_people(self, wanted: int) -> list[Person]:
        """Residents of working age (30–62) from the community's register, topped up when too few."""
        pool = [p for p in Person.objects.filter(community=self.community, relative_links__isnull=True).order_by("id")
                if 30 <= p.age_on(self.today) <= 62]
        self.rng.shuffle(pool)
        while len(pool) < wanted:
            pool.append(self.new_person((1966, 1994), party_member=True))
        return pool[:wanted]

    # ---------------------------------------------------------------- incumbents, audits, talks

    def incumbents(self) -> list[Incumbent]:
        """5–7 per committee. The secretary also chairs the residents' committee (一肩挑), and the deputy
        secretary and two members sit on both (交叉任职); the rest sit on one committee only."""
        party_size, rc_size = self.rng.randint(5, 7), self.rng.randint(5, 7)
        who = self.outgoing_people(6 + (party_size - 5) + (rc_size - 5))
        both, party_only, rc_only = who[:4], who[4:5] + who[6:6 + party_size - 5], who[5:6] + who[6 + party_size - 5:]
        # what is not in order concerns both committees: a person of each, or people on both
        self.not_audited = {party_only[-1].pk, rc_only[0].pk}
        self.not_published = {both[2].pk, both[3].pk}
        self.with_findings = both[1].pk
        rows = {
            "party_committee": [(both[0], "secretary"), (both[1], "deputy_secretary"), (both[2], "member"),
                                (both[3], "member")] + [(p, "member") for p in party_only],
            "residents_committee": [(both[0], "chair"), (rc_only[0], "vice_chair"), (both[1], "member"),
                                    (both[2], "member"), (both[3], "member")] + [(p, "member") for p in rc_only[1:]],
        }
        return [people.incumbent_add(actor=self.clerk, election=self.elections[body], person=person,
                                     position=position)
                for body, members in rows.items() for person, position in members]

    def audits(self, incumbents: list[Incumbent], prep: dict[str, Any]) -> None:
        """One audit per person (it counts on both committees)."""
        first: dict[int, Incumbent] = {}
        for incumbent in incumbents:
            first.setdefault(incumbent.person_id, incumbent)
        unaudited = self.not_audited if prep.get("unaudited") else set()
        unpublished = self.not_published if prep.get("unpublished") else set()
        with_findings = self.with_findings if prep.get("findings") else None
        for incumbent in first.values():
            if incumbent.person_id in unaudited:
                continue
            audited_on = self.ago(self.rng.randint(30, 45))
            findings = handling = ""
            if incumbent.person_id == with_findings:
                findings = "2024 年度部分公益性岗位补贴发放手续不全，涉及金额 1.2 万元；部分固定资产未及时登记入账。"
            people.audit_record(
                actor=self.clerk, incumbent=incumbent, auditor=AUDITOR,
                conclusion=AUDIT_CONCLUSION if not findings else "任期内基本履行了经济责任，存在以下问题须整改。",
                findings=findings, handling=handling, audited_on=audited_on,
                published_on=None if incumbent.person_id in unpublished
                else audited_on + dt.timedelta(days=self.rng.randint(5, 10)),
            )

    def talks(self, incumbents: list[Incumbent], extent: str | None) -> None:
        if not extent:
            return
        first: dict[int, Incumbent] = {}
        for incumbent in incumbents:
            first.setdefault(incumbent.person_id, incumbent)
        chosen = list(first.values())
        if extent == "some":
            chosen = chosen[: len(chosen) // 2]
        for incumbent in chosen:
            people.talk_record(actor=self.street, incumbent=incumbent, held_on=self.ago(self.rng.randint(15, 28)),
                               interviewers=TALKERS, note="谈工作、谈作风、谈廉洁，了解其换届去留意愿。")

    # ---------------------------------------------------------------- the residents' election committee

    def committee(self, prep: dict[str, Any]) -> None:
        election = self.elections["residents_committee"]
        serving, alternates = prep["committee"]
        representatives = [self.new_person((1958, 1990)) for _ in range(serving + alternates)]
        votes = sorted((self.rng.randint(28, 46) for _ in representatives), reverse=True)
        members = []
        for index, (person, count) in enumerate(zip(representatives, votes, strict=True)):
            role = ("chair" if index == 0 else "vice_chair" if index == 1 else "member" if index < serving
                    else "alternate")
            members.append(people.committee_member_add(actor=self.clerk, election=election, person=person,
                                                       role=role, votes=count))
        if prep.get("relatives"):
            people.relative_add(actor=self.clerk, person=members[3].person, relative=members[6].person,
                                relation="sibling")
        if prep.get("withdrawal"):
            people.committee_member_withdraw(actor=self.clerk, member=members[serving - 1],
                                             reason=prep["withdrawal"])

    # ---------------------------------------------------------------- rulebook, party request, rectification

    def adoption(self, state: str) -> None:
        expected = self.rng.randint(40, 60)
        present = expected // 2 if state == "not_quorate" else expected - self.rng.randint(3, 8)
        votes_against = self.rng.randint(0, 3)
        services.rulebook_adoption_record(
            actor=self.clerk, election=self.elections["residents_committee"], meeting="representatives_meeting",
            held_on=self.ago(12), expected=expected, present=present,
            votes_for=present - votes_against - 1, votes_against=votes_against, abstentions=1,
            published_on=self.ago(10) if state == "published" else None,
        )

    def party_request(self, state: str, meeting_kind: str) -> None:
        election = self.elections["party_committee"]
        submitted = 2 if state == "pending" else 16
        request = services.party_request_submit(actor=self.clerk, election=election, meeting_kind=meeting_kind,
                                                recommendation_method=RECOMMENDATION_METHOD,
                                                submitted_on=self.ago(submitted))
        if state == "pending":
            return
        # the street has dealt with it: its "awaiting reply" notice was read
        for notice in Notification.objects.filter(user=self.street, key=f"party_request:{request.pk}:submitted"):
            services.notification_mark_read(actor=self.street, notification=notice)
        if state == "returned":
            services.party_request_decide(actor=self.street, request=request, decision="return",
                                          reply=RETURN_REASON, decided_on=self.ago(11))
            return
        kind = "党员代表大会" if meeting_kind == "delegates_meeting" else "党员大会"
        services.party_request_decide(actor=self.street, request=request, decision="approve",
                                      reply=f"同意召开{kind}，选举产生新一届社区党组织委员会。",
                                      decided_on=self.ago(12))

    def rectification(self, state: str) -> None:
        if state == "open":
            services.rectification_flag(
                actor=self.street, campaign=self.campaign, community=self.community, category="weak_lax",
                problems="党组织班子不团结、战斗力不强；居务公开不及时，群众意见较多。",
                plan="街道党工委副书记包联，选派第一书记驻社区，12 月中旬前完成整顿并组织验收。",
                responsible="街道党工委副书记 李明", flagged_on=self.ago(40),
            )
            return
        item = services.rectification_flag(
            actor=self.street, campaign=self.campaign, community=self.community, category="key_difficult",
            problems="老旧小区改造遗留矛盾集中，信访量较大。",
            plan="街道主要负责同志包联，逐户化解改造遗留问题，整顿到位后再启动换届。",
            responsible="街道党工委书记 周强", flagged_on=self.ago(75),
        )
        services.rectification_complete(actor=self.street, rectification=item, completed_on=self.ago(20),
                                        note="改造遗留问题已全部化解，近两个月无新增信访，经街道党工委验收整顿到位。")

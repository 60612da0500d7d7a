"""Demo data: 相山区 with 西街道 (a general 换届 in eight communities) and 城南街道 (seed 001's by-elections).

The preparation of every election is entered through the services, dated before the demo's "today": a
few communities are blocked for different reasons (see PREPARATION), 西关 is ready to move on, and the
ones already in later stages have everything in order because they passed the preparation gates.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from pypinyin import lazy_pinyin

from candidates import services as people
from candidates.models import Incumbent, Person
from candidates.rules import check_char
from elections import services
from elections.models import Campaign, Election, Jurisdiction, Notification, Rulebook, User

DEMO_PASSWORD = "huanjie2026"

XI_COMMUNITIES = ["东关", "西关", "南山", "北苑", "花园", "人民路", "和平", "建设"]
# seed 001: 城南街道 by-elections and their seats
CHENGNAN = [("南岭", "member", 1), ("平台", "member", 1), ("文良", "member", 1), ("新苑", "member", 1),
            ("东苑", "chair", 1)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀兰", "霞", "平", "刚", "桂英", "建华", "晓东", "海燕", "志强", "红梅", "文博", "雪"]
REVIEWERS = [("qu_zuzhi", "组织部审查员", "organization"), ("qu_minzheng", "民政局审查员", "civil_affairs"),
             ("qu_jiwei", "纪委监委审查员", "discipline"), ("qu_gongan", "公安局审查员", "police"),
             ("qu_fayuan", "法院审查员", "court")]

# What each 西街道 community shows in preparation (in the order of XI_COMMUNITIES). Every community has
# incumbents on both committees (most of them 一肩挑 and cross-serving), audits, a residents' election
# committee, the rulebook's adoption and the party request; the entries say what is not yet in order.
PREPARATION: list[dict[str, Any]] = [
    # 东关: all in order (moved on); a 重点难点 rectification done; a committee member withdraws when nominated
    {"committee": (9, 2), "talks": "all", "rectification": "completed", "nominee_withdraws": True},
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
    # 建设: all in order (moved on to vetting); a large party organisation meets as a delegates' meeting
    {"committee": (9, 2), "talks": "all", "meeting_kind": "delegates_meeting"},
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


def make_id(area: str, birth: dt.date, seq: int) -> str:
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + check_char(body)


def slug(name: str) -> str:
    return "".join(lazy_pinyin(name))


class Command(BaseCommand):
    help = "Load the demo district (相山区) with users of every role, people and elections across the stages."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the demo logins")

    def handle(self, *args: Any, **options: Any) -> None:
        if Jurisdiction.objects.filter(code="340603").exists():
            self.stdout.write("演示数据已存在，未重复加载。")
        else:
            with transaction.atomic():
                self._load()
            self.stdout.write(self.style.SUCCESS("演示数据已加载。"))
        if not options["quiet_logins"]:
            self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        for user in User.objects.select_related("jurisdiction").order_by("jurisdiction__path", "role", "username"):
            where = user.jurisdiction.name if user.jurisdiction else "全部"
            role = user.get_role_display() or "系统管理员"
            dept = f" · {user.get_department_display()}" if user.department else ""
            self.stdout.write(f"  {user.username:<22} {role}{dept} · {where}")

    def _load(self) -> None:
        rng = random.Random(20261122)  # noqa: S311 - demo data
        today = timezone.localdate()
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            admin = User.objects.create_superuser("admin", "admin@localhost", DEMO_PASSWORD, full_name="系统管理员")

        district = services.jurisdiction_create(actor=admin, name="相山区", code="340603", level="district",
                                                parent=None)
        xi = services.jurisdiction_create(actor=admin, name="西街道", code="340603001", level="street", parent=district)
        cn = services.jurisdiction_create(actor=admin, name="城南街道", code="340603002", level="street",
                                          parent=district)
        xi_communities = [
            services.jurisdiction_create(actor=admin, name=f"{n}社区", code=f"340603001{i:03d}", level="community",
                                         parent=xi)
            for i, n in enumerate(XI_COMMUNITIES, start=1)
        ]
        cn_communities = [
            services.jurisdiction_create(actor=admin, name=f"{n}社区", code=f"340603002{i:03d}", level="community",
                                         parent=cn)
            for i, (n, _, _) in enumerate(CHENGNAN, start=1)
        ]

        def user(username: str, full_name: str, role: str, where: Jurisdiction, department: str = "") -> User:
            return services.user_create(actor=admin, username=username, password=DEMO_PASSWORD, full_name=full_name,
                                        role=role, jurisdiction=where, department=department)

        qu_admin = user("qu_admin", "区换届办 刘主任", "district_admin", district)
        for username, full_name, dept in REVIEWERS:
            user(username, full_name, "district_reviewer", district, dept)
        xi_staff = user("xi_staff", "西街道换届办 陈晓", "street_staff", xi)
        cn_staff = user("chengnan_staff", "城南街道社会事务办 王静", "street_staff", cn)
        for community in xi_communities + cn_communities:
            user(f"clerk_{slug(community.name.removesuffix('社区'))}", f"{community.name}工作人员",
                 "community_clerk", community)

        # People: a few dozen per community, valid ID numbers, some near-relative links.
        for community in xi_communities + cn_communities:
            clerk = User.objects.get(jurisdiction=community, role="community_clerk")
            made = []
            for k in range(24):
                name = rng.choice(SURNAMES) + rng.choice(GIVEN)
                if community is xi_communities[0] and k == 0:
                    name = "张三"
                birth = dt.date(rng.randint(1950, 2006), rng.randint(1, 12), rng.randint(1, 28))
                seq = rng.randint(0, 499) * 2 + (1 if rng.random() < 0.5 else 0)
                number = make_id("340603", birth, seq)
                edu = rng.choice(["senior_high", "vocational", "college", "college", "bachelor", "bachelor", "master"])
                try:
                    person = people.person_create(
                        actor=clerk, name=name, id_number=number, community=community, education=edu,
                        party_member=rng.random() < 0.45, phone=f"13{rng.randint(100000000, 999999999)}",
                    )
                except Exception:  # noqa: S112 - an ID collision in random demo data: skip it
                    continue
                made.append(person)
            older = sorted(made, key=lambda p: p.birth_date)
            if len(older) > 6:
                people.relative_add(actor=clerk, person=older[-1], relative=older[0], relation="parent")
                people.relative_add(actor=clerk, person=older[2], relative=older[3], relation="spouse")

        rc = Rulebook.objects.get(code="rc-general")
        party = Rulebook.objects.get(code="party-general")
        by = Rulebook.objects.get(code="rc-by-election")

        xi_campaign = services.campaign_create(
            actor=xi_staff, name=f"西街道 {today.year} 年社区“两委”换届", jurisdiction=xi,
            milestones=[
                {"name": "换届准备工作完成", "due": today + dt.timedelta(days=3)},
                {"name": "社区党组织换届完成", "due": today + dt.timedelta(days=30), "body": "party_committee"},
                {"name": "居委会换届完成", "due": today + dt.timedelta(days=55), "body": "residents_committee"},
            ],
        )
        cn_campaign = services.campaign_create(
            actor=cn_staff, name=f"城南街道 {today.year} 年社区居民委员会补选", jurisdiction=cn,
            milestones=[{"name": "补选工作结束", "due": today - dt.timedelta(days=2),
                         "body": "residents_committee"}],
        )

        rc_seats = [{"position": "chair", "count": 1}, {"position": "vice_chair", "count": 1},
                    {"position": "member", "count": 5}]
        party_seats = [{"position": "secretary", "count": 1}, {"position": "deputy_secretary", "count": 1},
                       {"position": "member", "count": 5}]
        # What each 西街道 community shows: (party plan, rc plan) as (seats, approved, day offset, advance to)
        scenarios: list[dict[str, Any]] = [
            {"seats": True, "approve": True, "day": 40, "advance": "nomination"},       # 东关: moved on
            {"seats": True, "approve": True, "day": 42, "advance": None},               # 西关: ready to move
            {"seats": True, "approve": False, "day": 45, "advance": None},              # 南山: awaiting approval
            {"seats": False, "approve": False, "day": 45, "advance": None},             # 北苑: no seat plan
            {"seats": "too_many", "approve": False, "day": None, "advance": None},      # 花园: 10 seats, no day
            {"seats": True, "approve": True, "day": 38, "advance": "nomination"},       # 人民路
            {"seats": True, "approve": True, "day": None, "advance": None},             # 和平: no election day
            {"seats": True, "approve": True, "day": 41, "advance": "vetting"},          # 建设
        ]
        prep_rng = random.Random(20211016)  # noqa: S311 - demo data (seed 003's date)
        for community, sc, prep in zip(xi_communities, scenarios, PREPARATION, strict=True):
            clerk = User.objects.get(jurisdiction=community, role="community_clerk")
            elections: dict[str, Election] = {}
            for body, rulebook, seats in (("party_committee", party, party_seats),
                                          ("residents_committee", rc, rc_seats)):
                plan = None
                if sc["seats"] is True:
                    plan = seats
                elif sc["seats"] == "too_many":
                    plan = [*seats[:2], {"position": "member", "count": 8}]
                day = today + dt.timedelta(days=sc["day"] + (0 if body == "party_committee" else 15)) \
                    if sc["day"] else None
                elections[body] = services.election_create(
                    actor=xi_staff, campaign=xi_campaign, community=community, body=body, kind="general",
                    rulebook=rulebook, election_day=day, seats=plan,
                )
                if sc["approve"]:
                    services.seat_plan_approve(actor=qu_admin, election=elections[body])
            # preparation goes first: a community that has moved on passed every preparation gate
            _Preparation(prep_rng, today, clerk, xi_staff, xi_campaign, elections).run(prep)
            if sc["advance"]:
                for body, election in elections.items():
                    while election.stage != sc["advance"]:
                        election = services.election_advance(actor=clerk, election=election)
                    elections[body] = election
            if prep.get("nominee_withdraws"):
                # nominated for the residents' committee, a member of its election committee withdraws
                member = elections["residents_committee"].committee_members.filter(role="member").order_by("id")[2]
                people.committee_withdraw_nominee(actor=clerk, election=elections["residents_committee"],
                                                  person=member.person)

        for index, (community, (_, position, count)) in enumerate(zip(cn_communities, CHENGNAN, strict=True)):
            election = services.election_create(
                actor=cn_staff, campaign=cn_campaign, community=community, body="residents_committee",
                kind="by_election", rulebook=by, election_day=today + dt.timedelta(days=12),
                seats=[{"position": position, "count": count}],
            )
            if community.name != "东苑社区":
                services.seat_plan_approve(actor=qu_admin, election=election)
            if community.name != "新苑社区":  # seed 001: the by-election rules adopted by the representatives
                clerk = User.objects.get(jurisdiction=community, role="community_clerk")
                expected = 30 + 3 * index
                services.rulebook_adoption_record(
                    actor=clerk, election=election, meeting="representatives_meeting",
                    held_on=today - dt.timedelta(days=20 - index), expected=expected, present=expected - 4,
                    votes_for=expected - 6, votes_against=1, abstentions=1,
                    published_on=today - dt.timedelta(days=18 - index),
                )

        services.deadline_scan(today=today)


class _Preparation:
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
        while True:
            birth = dt.date(self.rng.randint(*born), self.rng.randint(1, 12), self.rng.randint(1, 28))
            number = make_id("340603", birth, self.rng.randint(0, 999))
            if not Person.objects.filter(id_number=number).exists():
                break
        return people.person_create(
            actor=self.clerk, name=self.rng.choice(SURNAMES) + self.rng.choice(GIVEN), id_number=number,
            community=self.community, education=self.rng.choice(["senior_high", "college", "bachelor", "bachelor"]),
            party_member=self.rng.random() < 0.5 if party_member is None else party_member,
            phone=f"13{self.rng.randint(100000000, 999999999)}",
        )

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

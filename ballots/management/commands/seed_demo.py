"""Demo data: 相山区 with 西街道 (a general 换届 in eight communities) and 城南街道 (seed 001's by-elections)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from pypinyin import lazy_pinyin

from candidates import services as people
from candidates.rules import check_char
from elections import services
from elections.models import Jurisdiction, Rulebook, User

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
        for community, sc in zip(xi_communities, scenarios, strict=True):
            for body, rulebook, seats in (("party_committee", party, party_seats),
                                          ("residents_committee", rc, rc_seats)):
                plan = None
                if sc["seats"] is True:
                    plan = seats
                elif sc["seats"] == "too_many":
                    plan = [*seats[:2], {"position": "member", "count": 8}]
                day = today + dt.timedelta(days=sc["day"] + (0 if body == "party_committee" else 15)) \
                    if sc["day"] else None
                election = services.election_create(
                    actor=xi_staff, campaign=xi_campaign, community=community, body=body, kind="general",
                    rulebook=rulebook, election_day=day, seats=plan,
                )
                if sc["approve"]:
                    services.seat_plan_approve(actor=qu_admin, election=election)
                if sc["advance"]:
                    clerk = User.objects.get(jurisdiction=community, role="community_clerk")
                    while election.stage != sc["advance"]:
                        election = services.election_advance(actor=clerk, election=election)

        for community, (_, position, count) in zip(cn_communities, CHENGNAN, strict=True):
            election = services.election_create(
                actor=cn_staff, campaign=cn_campaign, community=community, body="residents_committee",
                kind="by_election", rulebook=by, election_day=today + dt.timedelta(days=12),
                seats=[{"position": position, "count": count}],
            )
            if community.name != "东苑社区":
                services.seat_plan_approve(actor=qu_admin, election=election)

        services.deadline_scan(today=today)

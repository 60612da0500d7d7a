"""Load the demo district: 相山区 with 西街道 (a general 换届 in nine communities) and 城南街道 (seed 001's
by-elections), everything entered through the services and dated before the demo's "today".

西街道 shows preparation blocked for different reasons (see preparation.PREPARATION), 西关 ready to move
on, and the communities that moved on in every later stage so far (see stages.py): 东关 and 人民路 in
nomination, 建设 in vetting, 幸福 in publicity.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from candidates import services as people
from elections import services
from elections.models import Election, Jurisdiction, Rulebook, User
from vetting import services as vetting

from .common import DEMO_PASSWORD, GIVEN, REVIEWERS, SURNAMES, Cast, make_id, slug
from .preparation import PREPARATION, Preparation
from .stages import Stages
from .voting import Counting, Voting

XI_COMMUNITIES = ["东关", "西关", "南山", "北苑", "花园", "人民路", "和平", "建设", "幸福", "光明"]
# seed 001: 城南街道 by-elections and their seats
CHENGNAN = [("南岭", "member", 1), ("平台", "member", 1), ("文良", "member", 1), ("新苑", "member", 1),
            ("东苑", "chair", 1)]
# What each 西街道 community's elections show besides preparation: (seats, approved, day offset, what follows
# preparation: a scenario of stages.Stages, run after both elections moved on to nomination)
SCENARIOS: list[dict[str, Any]] = [
    {"seats": True, "approve": True, "day": 40, "later": "short_of_nominations"},  # 东关: nomination
    {"seats": True, "approve": True, "day": 42, "later": None},                    # 西关: ready to move
    {"seats": True, "approve": False, "day": 45, "later": None},                   # 南山: awaiting approval
    {"seats": False, "approve": False, "day": 45, "later": None},                  # 北苑: no seat plan
    {"seats": "too_many", "approve": False, "day": None, "later": None},           # 花园: 10 seats, no day
    {"seats": True, "approve": True, "day": 38, "later": "ready_for_vetting"},     # 人民路: nomination
    {"seats": True, "approve": True, "day": None, "later": None},                  # 和平: no election day
    {"seats": True, "approve": True, "day": 41, "later": "in_vetting"},            # 建设: vetting
    {"seats": True, "approve": True, "day": 36, "later": "in_publicity"},          # 幸福: publicity
    {"seats": True, "approve": True, "day": -16, "later": "voted"},                # 光明: counted
]
RC_SEATS = [{"position": "chair", "count": 1}, {"position": "vice_chair", "count": 1},
            {"position": "member", "count": 5}]
PARTY_SEATS = [{"position": "secretary", "count": 1}, {"position": "deputy_secretary", "count": 1},
               {"position": "member", "count": 5}]


def print_logins(write: Any) -> None:
    write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
    for user in User.objects.select_related("jurisdiction").order_by("jurisdiction__path", "role", "username"):
        where = user.jurisdiction.name if user.jurisdiction else "全部"
        role = user.get_role_display() or "系统管理员"
        dept = f" · {user.get_department_display()}" if user.department else ""
        write(f"  {user.username:<22} {role}{dept} · {where}")


def load() -> None:
    """Everything, in one transaction opened by the caller."""
    rng = random.Random(20261122)  # noqa: S311 - demo data
    today = timezone.localdate()
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = User.objects.create_superuser("admin", "admin@localhost", DEMO_PASSWORD, full_name="系统管理员")

    district = services.jurisdiction_create(actor=admin, name="相山区", code="340603", level="district", parent=None)
    xi = services.jurisdiction_create(actor=admin, name="西街道", code="340603001", level="street", parent=district)
    cn = services.jurisdiction_create(actor=admin, name="城南街道", code="340603002", level="street", parent=district)
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
    reviewers = {dept: user(username, full_name, "district_reviewer", district, dept)
                 for username, full_name, dept in REVIEWERS}
    # the district's joint review: the departments that have a reviewer (of the default eight)
    vetting.departments_set(actor=qu_admin, district=district, codes=list(reviewers))
    xi_staff = user("xi_staff", "西街道换届办 陈晓", "street_staff", xi)
    cn_staff = user("chengnan_staff", "城南街道社会事务办 王静", "street_staff", cn)
    for community in xi_communities + cn_communities:
        user(f"clerk_{slug(community.name.removesuffix('社区'))}", f"{community.name}工作人员", "community_clerk",
             community)

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
        milestones=[{"name": "补选工作结束", "due": today - dt.timedelta(days=2), "body": "residents_committee"}],
    )

    prep_rng = random.Random(20211016)  # noqa: S311 - demo data (seed 003's date)
    later_rng = random.Random(20260405)  # noqa: S311 - demo data; its own, so preparation stays as it was
    voting_rng = random.Random(20261122)  # noqa: S311 - demo data; its own, so earlier stages stay as they were
    for community, sc, prep in zip(xi_communities, SCENARIOS, PREPARATION, strict=True):
        clerk = User.objects.get(jurisdiction=community, role="community_clerk")
        elections: dict[str, Election] = {}
        for body, rulebook, seats in (("party_committee", party, PARTY_SEATS),
                                      ("residents_committee", rc, RC_SEATS)):
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
        Preparation(prep_rng, today, clerk, xi_staff, xi_campaign, elections).run(prep)
        if sc["later"]:
            for body, election in elections.items():
                elections[body] = services.election_advance(actor=clerk, election=election)
            # 光明's story began three weeks earlier, so that it has voted by today
            story_day = today - dt.timedelta(days=21) if sc["later"] == "voted" else today
            elections = Stages(later_rng, story_day, Cast(clerk, xi_staff, reviewers), elections).run(sc["later"])
        if sc["later"] == "voted":
            elections = Counting(voting_rng, today, clerk, xi_staff, admin).run(elections)
        if sc["later"] == "in_publicity":  # 幸福 RC moves on to the vote
            rc_election = services.election_advance(actor=clerk, election=elections["residents_committee"])
            Voting(voting_rng, today, clerk, xi_staff).ready_to_vote(rc_election)

    for index, (community, (_, position, count)) in enumerate(zip(cn_communities, CHENGNAN, strict=True)):
        election = services.election_create(
            actor=cn_staff, campaign=cn_campaign, community=community, body="residents_committee",
            kind="by_election", rulebook=by, election_day=today + dt.timedelta(days=12),
            seats=[{"position": position, "count": count}],
        )
        if community.name != "东苑社区":
            services.seat_plan_approve(actor=qu_admin, election=election)
        if community.name != "新苑社区":  # seed 001: the by-elections' rules adopted by the representatives
            clerk = User.objects.get(jurisdiction=community, role="community_clerk")
            expected = 30 + 3 * index
            services.rulebook_adoption_record(
                actor=clerk, election=election, meeting="representatives_meeting",
                held_on=today - dt.timedelta(days=20 - index), expected=expected, present=expected - 4,
                votes_for=expected - 6, votes_against=1, abstentions=1,
                published_on=today - dt.timedelta(days=18 - index),
            )

    services.deadline_scan(today=today)

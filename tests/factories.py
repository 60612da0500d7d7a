"""Test data builders. They write through the ORM directly (fast); service tests call the services."""

from __future__ import annotations

import datetime as dt  # noqa: F401  (re-exported for tests)
import itertools
from typing import Any

from candidates.models import Person, Relative
from candidates.rules import check_char, inverse_relation
from elections.models import Campaign, Election, Jurisdiction, Milestone, Rulebook, Seat, User

_seq = itertools.count(1)
PASSWORD = "test-pass-123"


def jurisdiction(name: str | None = None, level: str = "community", parent: Jurisdiction | None = None,
                 **kw: Any) -> Jurisdiction:
    n = next(_seq)
    if level == "street" and parent is None:
        parent = jurisdiction(level="district")
    if level == "community" and parent is None:
        parent = jurisdiction(level="street")
    return Jurisdiction.objects.create(name=name or f"{level}{n}", code=f"J{n:06d}", level=level, parent=parent, **kw)


def tree() -> dict[str, Jurisdiction]:
    """A district with two streets of two communities each."""
    d = jurisdiction("相山区", "district")
    s1 = jurisdiction("西街道", "street", d)
    s2 = jurisdiction("城南街道", "street", d)
    return {
        "district": d, "street": s1, "other_street": s2,
        "community": jurisdiction("东关社区", "community", s1),
        "sibling": jurisdiction("西关社区", "community", s1),
        "other_community": jurisdiction("南岭社区", "community", s2),
    }


def user(role: str, where: Jurisdiction, username: str | None = None, department: str = "", **kw: Any) -> User:
    u = User(username=username or f"u{next(_seq)}", role=role, jurisdiction=where, department=department,
             full_name=kw.pop("full_name", f"用户{role}"), **kw)
    u.set_password(PASSWORD)
    u.save()
    return u


def superuser() -> User:
    return User.objects.create_superuser(f"root{next(_seq)}", "root@localhost", PASSWORD)


def campaign(where: Jurisdiction, name: str = "2026 换届", milestones: list[tuple[str, dt.date]] | None = None) -> Campaign:
    c = Campaign.objects.create(name=name, jurisdiction=where)
    for m_name, due in milestones or []:
        Milestone.objects.create(campaign=c, name=m_name, due=due)
    return c


RC_SEATS = {"chair": 1, "vice_chair": 1, "member": 5}
PARTY_SEATS = {"secretary": 1, "deputy_secretary": 1, "member": 5}


def election(community: Jurisdiction, camp: Campaign | None = None, body: str = "residents_committee",
             kind: str = "general", seats: dict[str, int] | None = None, approved: bool = True,
             election_day: dt.date | None = dt.date(2030, 1, 10), stage: str = "preparation",
             rulebook: str | None = None, prepared: bool = True, **kw: Any) -> Election:
    from django.utils import timezone

    camp = camp or campaign(community.parent)
    code = rulebook or {"residents_committee": "rc-general" if kind == "general" else "rc-by-election",
                        "party_committee": "party-general", "supervision_committee": "supervision-general"}[body]
    e = Election.objects.create(campaign=camp, community=community, body=body, kind=kind,
                                rulebook=Rulebook.objects.get(code=code), election_day=election_day, stage=stage, **kw)
    seats = (RC_SEATS if body == "residents_committee" else PARTY_SEATS) if seats is None else seats
    for position, count in seats.items():
        Seat.objects.create(election=e, position=position, count=count)
    if seats:
        e.seat_plan_proposed_at = timezone.now()
    if approved and seats:
        e.seat_plan_approved_at = timezone.now()
    e.save()
    if prepared:
        prepare(e)
    return e


def recorder() -> User:
    found = User.objects.filter(username="factory-recorder").first()
    # inactive, so it never receives reminders meant for the people under test
    return found or user("street_staff", Jurisdiction.objects.filter(level="street").first() or jurisdiction(
        level="street"), username="factory-recorder", is_active=False)


def prepare(e: Election, committee_size: int = 7) -> Election:
    """Everything the preparation gates ask for besides the seat plan and the election day: one incumbent
    audited with the result published, the RC election committee, the rulebook adopted and published, the
    party request approved."""
    from candidates.models import Audit, CommitteeMember, Incumbent
    from elections.models import PartyRequest, RulebookAdoption

    who = recorder()
    day = dt.date(2026, 1, 5)
    head = "secretary" if e.body == "party_committee" else "chair"
    outgoing = person(e.community, name="现任甲", birth=_birth())
    Incumbent.objects.create(election=e, person=outgoing, position=head)
    Audit.objects.get_or_create(campaign=e.campaign, community=e.community, person=outgoing, defaults=dict(
        auditor="区审计局", conclusion="未发现问题", audited_on=day, published_on=day, recorded_by=who))
    if e.body == "residents_committee":
        for i in range(committee_size):
            CommitteeMember.objects.create(election=e, person=person(e.community, name=f"选委{i}", birth=_birth()),
                                           role="chair" if i == 0 else "member", votes=100 - i)
    if e.body != "party_committee":
        RulebookAdoption.objects.create(election=e, meeting="representatives_meeting", held_on=day, expected=40,
                                        present=35, votes_for=30, published_on=day,
                                        adopted_rules=e.effective_rules(), rulebook_code=e.rulebook.code,
                                        recorded_by=who)
    else:
        PartyRequest.objects.create(election=e, meeting_kind="members_meeting", recommendation_method="两推一选",
                                    submitted_on=day, submitted_by=who, status="approved", decided_on=day,
                                    decided_by=who, reply="同意")
    return e


def _birth() -> dt.date:
    return dt.date(1960, 1, 1) + dt.timedelta(days=next(_seq) % 12000)


def id_number(birth: dt.date = dt.date(1980, 5, 17), seq: int | None = None, area: str = "340603") -> str:
    seq = next(_seq) % 1000 if seq is None else seq
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + check_char(body)


def person(community: Jurisdiction, name: str = "张三", birth: dt.date = dt.date(1980, 5, 17), **kw: Any) -> Person:
    number = kw.pop("id_number", None) or id_number(birth)
    from candidates.rules import parse_id_number

    info = parse_id_number(number)
    return Person.objects.create(name=name, id_number=info.number, sex=info.sex, birth_date=info.birth_date,
                                 community=community, **kw)


def relate(a: Person, b: Person, relation: str) -> None:
    """``b`` is ``a``'s <relation> (both directions)."""
    Relative.objects.create(person=a, relative=b, relation=relation)
    Relative.objects.create(person=b, relative=a, relation=inverse_relation(relation))

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


# --------------------------------------------------------------------------------------------
# Nomination, the formal list (issue 4)
# --------------------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
_DEFAULT_CHANNEL = {"residents_committee": "party_org", "supervision_committee": "party_org",
                    "party_committee": "party_members"}


def nominee(community: Jurisdiction, name: str | None = None, birth: dt.date = dt.date(1985, 3, 1),
            party_member: bool = True, education: str = "college", sex: str | None = None, **kw: Any) -> Person:
    """A person fit to be nominated (adult, party member, 大专) with a name of its own surname; ``sex``
    picks the ID number's sequence parity (odd: male)."""
    n = next(_seq)
    if sex is not None and "id_number" not in kw:
        seq = n % 500 * 2 + (1 if sex == "male" else 0)
        kw["id_number"] = id_number(birth, seq=seq)
    return person(community, name=name or f"{SURNAMES[n % len(SURNAMES)]}候{n}", birth=birth,
                  party_member=party_member, education=education, **kw)


def nominate(election: Election, person: Person | None = None, position: str = "member", channel: str | None = None,
             status: str = "reviewing", level: str = "community", **kw: Any):
    """A nomination written through the ORM (no checks, no event). ``level`` applies while reviewing or held;
    other statuses have no level."""
    from candidates.models import Nomination

    return Nomination.objects.create(
        election=election, person=person or nominee(election.community), position=position,
        channel=channel or _DEFAULT_CHANNEL[election.body], status=status,
        level=level if status in {"reviewing", "held"} else "", submitted_by=kw.pop("submitted_by", None) or recorder(),
        **kw)


def nominated(election: Election, n: int, position: str = "member", **kw: Any) -> list:
    return [nominate(election, position=position, **kw) for _ in range(n)]


def slate_counts(election: Election) -> dict[str, int]:
    """How many nominations per position the margin's lower bound asks for (and, for the party, the 两推
    preliminary list's size for the whole committee)."""
    from candidates import rules as candidate_rules

    effective = election.effective_rules()
    seats = {s.position: s.count for s in election.seats.all() if s.count > 0}
    counts = {p: candidate_rules.margin_bounds(p, n, effective)[0] for p, n in seats.items()}
    if effective.get("margin_whole_committee") and "member" in seats:
        total = sum(seats.values())
        needed = candidate_rules.margin_bounds("member", total, effective)[0]
        if election.body == "party_committee":
            needed = max(needed, candidate_rules.preliminary_size(total, effective["preliminary_margin"]))
        others = sum(c for p, c in counts.items() if p != "member")
        counts["member"] = max(needed - others, seats["member"])
    return counts


def approved_slate(election: Election, status: str = "approved") -> list:
    """Enough nominations (approved by default) for the margin's lower bound of every position."""
    made = []
    for position, count in slate_counts(election).items():
        made += nominated(election, count, position=position, status=status)
    return made


def formal_list(election: Election, pledged: bool = True, talked: bool = True, approve: bool = True) -> list:
    """Every approved nomination (an approved slate when there is none) on the formal list, ordered, with
    pledges and talks; a party list approved by the street."""
    from candidates.models import Candidate, CandidateList, Nomination, Pledge, Talk
    from candidates.services.nomination import _renumber

    who = recorder()
    approved = list(Nomination.objects.filter(election=election, status="approved", candidate__isnull=True))
    if not approved and not Candidate.objects.filter(election=election).exists():
        approved = approved_slate(election)
    for n in approved:
        Candidate.objects.create(election=election, nomination=n, person=n.person, position=n.position,
                                 added_by=who)
        if pledged:
            Pledge.objects.create(nomination=n, signed_on=dt.date(2026, 1, 6), recorded_by=who)
        if talked:
            Talk.objects.create(campaign=election.campaign, community=election.community, person=n.person,
                                held_on=dt.date(2026, 1, 6), interviewers="街道党工委书记", recorded_by=who)
    _renumber(election)
    if election.body == "party_committee" and approve:
        CandidateList.objects.update_or_create(election=election, defaults={
            "approval": "approved", "approval_reply": "同意", "approval_on": dt.date(2026, 1, 7),
            "approval_by": who})
    return list(Candidate.objects.filter(election=election).select_related("person").order_by(
        "position", "order", "id"))

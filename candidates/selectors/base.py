from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from elections.models import Election, Jurisdiction, User
from elections.selectors import place_filter

from .. import rules
from ..models import Audit, CommitteeMember, Incumbent, Person, Relative, Talk


def name_search(q: str, prefix: str = "") -> Q:
    """People by name: the characters typed, or the start of the full pinyin or of the initials (``zs`` finds
    张三). ``prefix`` reaches a person through a relation (``"person__"``, ``"nomination__person__"``)."""
    lowered = q.lower().replace(" ", "")
    condition = Q(**{f"{prefix}name__icontains": q})
    if lowered.isascii() and lowered.isalpha():
        condition |= Q(**{f"{prefix}name_initials__startswith": lowered}) | Q(
            **{f"{prefix}name_pinyin__startswith": lowered})
    return condition


def person_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Person]:
    qs = Person.objects.select_related("community", "community__parent")
    if not user.is_superuser:
        if not user.jurisdiction_id:
            return qs.none()
        qs = qs.filter(community__path__startswith=user.jurisdiction.path)
    filters = filters or {}
    q = (filters.get("q") or "").strip()
    if q:
        condition = name_search(q)
        if q.isdigit() and len(q) >= 4:
            condition |= Q(id_number__endswith=q.upper())
        qs = qs.filter(condition)
    if filters.get("community"):
        qs = qs.filter(community_id=filters["community"])
    if filters.get("street"):
        qs = qs.filter(community__parent_id=filters["street"])
    if filters.get("sex"):
        qs = qs.filter(sex=filters["sex"])
    if filters.get("education"):
        qs = qs.filter(education=filters["education"])
    if filters.get("party_member") in {"true", "1", True}:
        qs = qs.filter(party_member=True)
    elif filters.get("party_member") in {"false", "0", False}:
        qs = qs.filter(party_member=False)
    return qs


def person_get(*, user: User, pk: int) -> Person:
    return get_object_or_404(person_list(user=user), pk=pk)


def relatives_of(*, person: Person) -> QuerySet[Relative]:
    return Relative.objects.filter(person=person).select_related("relative", "relative__community")


def are_near_relatives(a: Person | int, b: Person | int) -> bool:
    """Whether two people are near relatives (近亲属) — one indexed lookup, links being symmetric."""
    a_id = a if isinstance(a, int) else a.pk
    b_id = b if isinstance(b, int) else b.pk
    return a_id != b_id and Relative.objects.filter(person_id=a_id, relative_id=b_id).exists()


def name_pairs(pairs: set[frozenset[int]], names: dict[int, str]) -> list[tuple[str, str]]:
    """The near-relative pairs among the named people, as sorted name pairs (for messages and pages)."""
    return sorted(
        tuple(sorted((names[a], names[b])))
        for a, b in (tuple(pair) for pair in pairs)
        if a in names and b in names
    )


def near_relative_pairs(person_ids: list[int]) -> set[frozenset[int]]:
    """Every near-relative pair among the given people, in one query (for gates over a whole list)."""
    links = Relative.objects.filter(person_id__in=person_ids, relative_id__in=person_ids).values_list(
        "person_id", "relative_id"
    )
    return {frozenset(pair) for pair in links}


# --------------------------------------------------------------------------------------------
# Preparation: incumbents, audits, talks, the residents' election committee
# --------------------------------------------------------------------------------------------


def _in_scope(qs: QuerySet[Any], user: User) -> QuerySet[Any]:
    """Rows of elections inside the user's jurisdiction (everything for a superuser)."""
    if user.is_superuser:
        return qs
    if not user.jurisdiction_id:
        return qs.none()
    return qs.filter(election__community__path__startswith=user.jurisdiction.path)


@dataclass
class IncumbentRow:
    incumbent: Incumbent
    audit: Audit | None
    talks: list[Talk] = field(default_factory=list)

    @property
    def audit_status(self) -> str:
        """missing | unpublished | unhandled | done"""
        if self.audit is None:
            return "missing"
        if self.audit.published_on is None or self.audit.published_on > timezone.localdate():
            return "unpublished"
        if self.audit.findings.strip() and not self.audit.handling.strip():
            return "unhandled"
        return "done"

    @property
    def audit_status_label(self) -> str:
        return AUDIT_STATUS_LABELS[self.audit_status]

    @property
    def talked(self) -> bool:
        return bool(self.talks)


AUDIT_STATUS_LABELS = {"missing": "未审计", "unpublished": "未公布", "unhandled": "问题未处理", "done": "已完成"}


def _rows(incumbents: list[Incumbent]) -> list[IncumbentRow]:
    """Attach audits and talks (keyed by campaign, community and person) in two queries."""
    if not incumbents:
        return []
    campaigns = {i.election.campaign_id for i in incumbents}
    communities = {i.election.community_id for i in incumbents}
    people = {i.person_id for i in incumbents}
    audits = {(a.campaign_id, a.community_id, a.person_id): a for a in Audit.objects.filter(
        campaign__in=campaigns, community__in=communities, person__in=people)}
    talks: dict[tuple[int, int, int], list[Talk]] = {}
    for talk in Talk.objects.filter(campaign__in=campaigns, community__in=communities, person__in=people):
        talks.setdefault((talk.campaign_id, talk.community_id, talk.person_id), []).append(talk)
    rows = []
    for i in incumbents:
        key = (i.election.campaign_id, i.election.community_id, i.person_id)
        rows.append(IncumbentRow(i, audits.get(key), talks.get(key, [])))
    return rows


_POSITION_ORDER = {"secretary": 0, "chair": 0, "deputy_secretary": 1, "vice_chair": 1, "member": 2}


def incumbent_rows(*, election: Election) -> list[IncumbentRow]:
    incumbents = sorted(
        Incumbent.objects.filter(election=election).select_related("person", "election"),
        key=lambda i: (_POSITION_ORDER.get(i.position, 9), i.pk),
    )
    return _rows(incumbents)


def incumbent_overview(*, user: User, filters: dict[str, Any] | None = None) -> list[IncumbentRow]:
    """Every incumbent in the user's jurisdiction with their audit and talk status (per street / community)."""
    filters = filters or {}
    qs = Incumbent.objects.select_related(
        "person", "election", "election__community", "election__community__parent", "election__campaign"
    ).order_by("election__community__path", "election__body", "id")
    qs = place_filter(_in_scope(qs, user), filters, "election__")
    if filters.get("body"):
        qs = qs.filter(election__body=filters["body"])
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(name_search(q, "person__"))
    rows = _rows(list(qs))
    status = filters.get("audit_status")
    if status == "pending":
        rows = [r for r in rows if r.audit_status != "done"]
    elif status in AUDIT_STATUS_LABELS:
        rows = [r for r in rows if r.audit_status == status]
    talked = filters.get("talked")
    if talked in {"yes", "no"}:
        rows = [r for r in rows if r.talked == (talked == "yes")]
    return rows


@dataclass
class CommunityProgress:
    community: Jurisdiction
    incumbents: int
    audited: int
    talked: int

    @property
    def audit_percent(self) -> int:
        return self.audited * 100 // self.incumbents if self.incumbents else 0

    @property
    def talk_percent(self) -> int:
        return self.talked * 100 // self.incumbents if self.incumbents else 0


def progress_by_community(rows: list[IncumbentRow]) -> list[CommunityProgress]:
    """Audit and talk progress per community; a person on both committees counts once."""
    seen: dict[int, dict[int, IncumbentRow]] = {}
    communities: dict[int, Jurisdiction] = {}
    for row in rows:
        community = row.incumbent.election.community
        communities[community.pk] = community
        current = seen.setdefault(community.pk, {}).get(row.incumbent.person_id)
        if current is None or (row.audit_status == "done" and current.audit_status != "done"):
            seen[community.pk][row.incumbent.person_id] = row
    result = []
    for pk, people in seen.items():
        result.append(CommunityProgress(
            communities[pk], len(people), sum(1 for r in people.values() if r.audit_status == "done"),
            sum(1 for r in people.values() if r.talked)))
    return sorted(result, key=lambda p: p.community.path)


def incumbent_get(*, user: User, pk: int) -> Incumbent:
    return get_object_or_404(_in_scope(Incumbent.objects.select_related("person", "election", "election__community", "election__campaign"), user), pk=pk)


_ROLE_ORDER = {"chair": 0, "vice_chair": 1, "member": 2, "alternate": 3}


def committee_members(*, election: Election) -> list[CommitteeMember]:
    """Serving members by role, then alternates by votes, then those who left."""
    members = list(CommitteeMember.objects.filter(election=election).select_related("person", "replaces__person"))
    return sorted(members, key=lambda m: (not m.active, _ROLE_ORDER.get(m.role, 9), -m.votes, m.pk))


def committee_member_get(*, user: User, pk: int) -> CommitteeMember:
    return get_object_or_404(_in_scope(CommitteeMember.objects.select_related("person", "election", "election__community"), user), pk=pk)


def party_secretary_for(*, election: Election) -> tuple[int, str] | None:
    """The outgoing party secretary of the same community and campaign (from the party election's incumbents)."""
    incumbent = (Incumbent.objects.filter(election__campaign_id=election.campaign_id,
                                          election__community_id=election.community_id,
                                          election__body="party_committee", position="secretary")
                 .select_related("person").first())
    return (incumbent.person_id, incumbent.person.name) if incumbent else None


@dataclass
class CommitteeView:
    members: list[CommitteeMember]
    serving: int
    alternates: int
    relative_pairs: list[tuple[str, str]]
    warnings: list[str]


def committee_view(*, election: Election) -> CommitteeView:
    members = committee_members(election=election)
    seated = [m for m in members if m.active and m.role in rules.SERVING_ROLES]
    pairs = near_relative_pairs([m.person_id for m in seated]) if seated else set()
    relative_pairs = name_pairs(pairs, {m.person_id: m.person.name for m in seated})
    warnings = []
    chair = next((m for m in seated if m.role == "chair"), None)
    warning = rules.committee_chair_warning(chair.person_id if chair else None, party_secretary_for(election=election))
    if warning:
        warnings.append(warning)
    alternates = [m for m in members if m.active and m.role == "alternate"]
    return CommitteeView(members, len(seated), len(alternates), relative_pairs, warnings)


def talk_list(*, election: Election) -> QuerySet[Talk]:
    return Talk.objects.filter(campaign_id=election.campaign_id, community_id=election.community_id).select_related(
        "person", "recorded_by")


def person_choices(*, user: User, community: Jurisdiction, exclude_ids: list[int] | None = None) -> QuerySet[Person]:
    """The people of one community the user may pick (for incumbents, the election committee), by pinyin."""
    qs = person_list(user=user, filters={"community": community.pk}).order_by("name_pinyin", "id")
    return qs.exclude(pk__in=exclude_ids) if exclude_ids else qs

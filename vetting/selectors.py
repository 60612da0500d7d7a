"""Reads of the vetting app, scoped to the caller's jurisdiction; list reads run a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from candidates.models import Nomination
from candidates.selectors import name_search
from elections.models import Election, Jurisdiction, User
from elections.selectors import place_filter

from . import rules
from .models import Ground, Objection, Publicity, Report, Review, ReviewDepartment

# --------------------------------------------------------------------------------------------
# Configuration: grounds and departments of a district
# --------------------------------------------------------------------------------------------


def grounds_for(district: Jurisdiction | None, *, active_only: bool = False) -> list[Ground]:
    """The district's own grounds if it customised them, else the defaults (rows without a district)."""
    own = list(Ground.objects.filter(district=district)) if district is not None else []
    grounds = own or list(Ground.objects.filter(district__isnull=True))
    return [g for g in grounds if g.active] if active_only else grounds


def ground_info(ground: Ground) -> rules.GroundInfo:
    return rules.GroundInfo(ground.code, ground.kind, ground.department, ground.text, ground.active)


def grounds_by_district(district_ids: set[int]) -> dict[int | None, dict[str, rules.GroundInfo]]:
    """Every listed district's grounds (own or the defaults, key ``None``), code → info, in one query."""
    own: dict[int | None, dict[str, rules.GroundInfo]] = {None: {}}
    for g in Ground.objects.filter(Q(district__isnull=True) | Q(district__in=district_ids)):
        own.setdefault(g.district_id, {})[g.code] = ground_info(g)
    return {**{pk: own.get(pk) or own[None] for pk in district_ids}, None: own[None]}


def departments_for(district: Jurisdiction | None) -> list[str]:
    """The departments of the district's joint review: its active rows, or all eight if it has no rows."""
    if district is None:
        return list(rules.DEPARTMENT_CODES)
    return departments_by_district({district.pk})[district.pk]


def departments_by_district(district_ids: set[int]) -> dict[int, list[str]]:
    """Each district's joint-review departments in the standard order, in one query."""
    rows: dict[int, set[str]] = {}
    active: dict[int, set[str]] = {}
    for d_id, code, is_active in ReviewDepartment.objects.filter(district__in=district_ids).values_list(
        "district_id", "code", "active"
    ):
        rows.setdefault(d_id, set()).add(code)
        if is_active:
            active.setdefault(d_id, set()).add(code)
    return {
        pk: [c for c in rules.DEPARTMENT_CODES if c in active.get(pk, set())] if pk in rows
        else list(rules.DEPARTMENT_CODES)
        for pk in district_ids
    }


def district_of(jurisdiction: Jurisdiction) -> Jurisdiction | None:
    """The district a jurisdiction lies in (itself for a district)."""
    node: Jurisdiction | None = jurisdiction
    while node is not None and node.level != "district":
        node = node.parent
    return node


def _district_id(nomination: Nomination) -> int | None:
    """The district of a nomination whose community and street were selected with it (no query)."""
    street = nomination.election.community.parent
    return street.parent_id if street is not None else None


# --------------------------------------------------------------------------------------------
# Queue and overview
# --------------------------------------------------------------------------------------------

PENDING = ("reviewing", "held")


def nominee_facts_for(nominations: list[Nomination]) -> dict[int, Any]:
    """The candidates app's facts about each nominee (age, sex, education, party member, incumbent, flags)."""
    if not nominations:
        return {}
    from candidates.selectors import nominee_facts

    return nominee_facts(nominations)


def flags_of(facts: Any) -> tuple[str, ...]:
    return tuple(getattr(facts, "flags", ()) or ()) if facts is not None else ()


def flag_labels_of(facts: Any) -> list[str]:
    """The flags in Chinese (the candidates app labels its flag codes)."""
    labels = getattr(facts, "flag_labels", None)
    return list(labels) if labels is not None else list(flags_of(facts))


@dataclass
class NominationRow:
    """One nomination with where it stands in vetting."""

    nomination: Nomination
    reviews: list[Review]
    departments_required: list[str]
    grounds: dict[str, rules.GroundInfo]
    facts: Any = None
    waiting_since: dt.datetime | None = None
    today: dt.date = field(default_factory=timezone.localdate)

    @property
    def election(self) -> Election:
        return self.nomination.election

    @property
    def community(self) -> Jurisdiction:
        return self.nomination.election.community

    @property
    def person(self) -> Any:
        return self.nomination.person

    @property
    def position(self) -> str:
        return self.nomination.position

    @property
    def channel(self) -> str:
        return self.nomination.channel

    @property
    def level(self) -> str:
        return self.nomination.level

    @property
    def status(self) -> str:
        return self.nomination.status

    @property
    def flags(self) -> tuple[str, ...]:
        return flags_of(self.facts)

    @property
    def flag_labels(self) -> list[str]:
        return flag_labels_of(self.facts)

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    @property
    def district_reviews(self) -> list[Review]:
        return [r for r in self.reviews if r.level == "district"]

    @property
    def departments_passed(self) -> list[str]:
        return [r.department for r in self.district_reviews if rules.counts_as_pass(r.decision, r.street_decision)]

    @property
    def departments_pending(self) -> list[str]:
        if self.nomination.level != "district" or self.nomination.status not in PENDING:
            return []
        return rules.pending_departments(self.departments_required, [r.department for r in self.district_reviews])

    @property
    def held_review(self) -> Review | None:
        """The rejection that awaits the street's decision."""
        if self.nomination.status != "held":
            return None
        held = [r for r in self.reviews if r.decision == "reject" and not r.street_decision
                and r.level == self.nomination.level]
        return held[-1] if held else None

    @property
    def where(self) -> str:
        return rules.where_it_stands(self.nomination.status, self.nomination.level, self.departments_pending)

    @property
    def waiting_days(self) -> int:
        if self.waiting_since is None:
            return 0
        return max(0, (self.today - timezone.localdate(self.waiting_since)).days)

    def ground_texts(self, review: Review) -> list[str]:
        """The cited grounds as they read when the review was made (the district's current text for old rows)."""
        if review.cited:
            return [g["text"] for g in review.cited]
        return [self.grounds[c].text if c in self.grounds else c for c in review.grounds]


def _waiting_since(nomination: Nomination, reviews: list[Review]) -> dt.datetime:
    """When the nomination reached where it waits: its last review or street decision, else its creation."""
    moments = [nomination.created_at]
    for r in reviews:
        moments.append(r.created_at)
        if r.street_decided_at is not None:
            moments.append(r.street_decided_at)
    return max(moments)


def _nomination_scope(user: User) -> QuerySet[Nomination]:
    qs = Nomination.objects.select_related(
        "election", "election__community", "election__community__parent", "person"
    )
    if user.is_superuser:
        return qs
    if not user.jurisdiction_id:
        return qs.none()
    return qs.filter(election__community__path__startswith=user.jurisdiction.path)


def _filter(qs: QuerySet[Nomination], filters: dict[str, Any]) -> QuerySet[Nomination]:
    if filters.get("election"):
        qs = qs.filter(election_id=filters["election"])
    qs = place_filter(qs, filters, "election__")
    if filters.get("position"):
        qs = qs.filter(position=filters["position"])
    if filters.get("body"):
        qs = qs.filter(election__body=filters["body"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("level"):
        qs = qs.filter(level=filters["level"])
    q = str(filters.get("q") or filters.get("search") or "").strip()
    if q:
        qs = qs.filter(name_search(q, "person__"))
    return qs


def _rows(nominations: list[Nomination]) -> list[NominationRow]:
    """Attach reviews, departments, grounds and nominee facts in a fixed number of queries."""
    if not nominations:
        return []
    districts = {d for d in (_district_id(n) for n in nominations) if d is not None}
    departments = departments_by_district(districts)
    grounds = grounds_by_district(districts)
    reviews: dict[int, list[Review]] = {n.pk: [] for n in nominations}
    for review in Review.objects.filter(nomination__in=[n.pk for n in nominations]).select_related(
        "reviewer", "street_decided_by"
    ).order_by("created_at", "id"):
        reviews[review.nomination_id].append(review)
    facts = nominee_facts_for(nominations)
    today = timezone.localdate()
    rows = []
    for n in nominations:
        d = _district_id(n)
        rows.append(NominationRow(
            nomination=n, reviews=reviews[n.pk],
            departments_required=departments.get(d, list(rules.DEPARTMENT_CODES)) if d else [],
            grounds=grounds.get(d, grounds[None]), facts=facts.get(n.pk),
            waiting_since=_waiting_since(n, reviews[n.pk]), today=today,
        ))
    return rows


def _queue_queryset(user: User) -> QuerySet[Nomination] | None:
    """The nominations waiting for the caller (``None``: the caller has no queue).

    Community clerk: 初审 of their community; street staff: 全面审查 in their street and the held
    rejections awaiting their decision; district reviewer: 联审 in their district not yet signed by their
    department (nothing if the department takes no part there); district admin and superuser: everything
    pending in scope."""
    qs = _nomination_scope(user).filter(status__in=PENDING, election__stage__in=rules.REVIEW_STAGES)
    role = "superuser" if user.is_superuser else user.role
    if role == "community_clerk":
        return qs.filter(status="reviewing", level="community")
    if role == "street_staff":
        return qs.filter(Q(status="reviewing", level="street") | Q(status="held"))
    if role == "district_reviewer":
        district = district_of(user.jurisdiction) if user.jurisdiction_id else None
        if district is None or user.department not in rules.DEPARTMENT_CODES:
            return qs.none()
        # the department takes part: the district lists it as active, or lists none (all eight by default)
        rows = ReviewDepartment.objects.filter(district=district)
        takes_part = Exists(rows.filter(code=user.department, active=True)) | ~Exists(rows)
        signed = Review.objects.filter(nomination=OuterRef("pk"), level="district", department=user.department)
        return qs.filter(takes_part, status="reviewing", level="district").exclude(Exists(signed))
    if role in {"district_admin", "superuser"}:
        return qs
    return None


def has_review_queue(user: User) -> bool:
    """Whether the caller's role reviews (or oversees reviews): the queue page and its menu entry."""
    return bool(user.is_superuser or getattr(user, "role", "") in {
        "community_clerk", "street_staff", "district_reviewer", "district_admin"})


def review_queue(*, user: User, filters: dict[str, Any] | None = None) -> list[NominationRow]:
    """The caller's pending reviews, oldest waiting first (see ``_queue_queryset`` for who sees what)."""
    filters = filters or {}
    qs = _queue_queryset(user)
    if qs is None:
        return []
    rows = _rows(list(_filter(qs, filters).order_by("created_at", "id")))
    if filters.get("flagged") in {True, "1", "true", "on"}:
        rows = [r for r in rows if r.flagged]
    rows.sort(key=lambda r: (r.waiting_since, r.nomination.pk))
    return rows


def review_queue_count(*, user: User) -> int:
    """How many nominations wait for the caller, in one query (the menu's badge)."""
    qs = _queue_queryset(user)
    return 0 if qs is None else qs.count()


def review_row(*, user: User, pk: int) -> NominationRow:
    """One nomination in the caller's jurisdiction with its vetting state; 404 outside it."""
    from django.shortcuts import get_object_or_404

    return _rows([get_object_or_404(_nomination_scope(user), pk=pk)])[0]


def vetting_overview(*, user: User, filters: dict[str, Any] | None = None) -> list[NominationRow]:
    """Every nomination in scope with where it stands: level, departments passed and pending, status."""
    filters = filters or {}
    qs = _filter(_nomination_scope(user), filters).order_by("election__community__path", "election_id", "id")
    rows = _rows(list(qs))
    if filters.get("flagged") in {True, "1", "true", "on"}:
        rows = [r for r in rows if r.flagged]
    return rows


def nomination_row(*, nomination: Nomination) -> NominationRow:
    """One nomination's vetting state (for its detail page and the services' messages)."""
    fresh = Nomination.objects.select_related(
        "election", "election__community", "election__community__parent", "person"
    ).get(pk=nomination.pk)
    return _rows([fresh])[0]


# --------------------------------------------------------------------------------------------
# Publicity, objections, reports
# --------------------------------------------------------------------------------------------


def publicity_for(*, election: Election) -> Publicity | None:
    return Publicity.objects.filter(election=election).first()


def objection_list(*, election: Election) -> QuerySet[Objection]:
    return Objection.objects.filter(election=election).select_related("nomination__person", "resolved_by")


def may_see_reporter(*, user: Any, report: Report) -> bool:
    """Whether ``user`` may see who made a report (its reporter and contact: 对举报人的信息严格保密) — the worker
    who registered it and those who handle reports (``vetting.handle_report``); the others see only that it
    is 实名 or 匿名. The one rule for the page, its Excel export and the API (ReportSerializer)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return report.recorded_by_id == user.pk or user.has_perm("vetting.handle_report", report.election)


def _reporter_visible(user: User) -> Q:
    """The reports of :func:`report_list` whose reporter ``user`` may see, as a filter (the search by reporter
    must not reveal what the page hides). Inside the user's jurisdiction ``vetting.handle_report`` depends on
    the role alone, so checking it on the user's own jurisdiction decides it for every listed report."""
    if user.is_superuser or (user.jurisdiction_id and user.has_perm("vetting.handle_report", user.jurisdiction)):
        return Q()
    return Q(recorded_by_id=user.pk)


def report_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Report]:
    """Reports in the caller's jurisdiction. Filters: election, nomination, status, open, overdue, must, and
    ``q`` (the nominee's name or pinyin, the content, and the reporter — only where the caller may see it,
    :func:`may_see_reporter`)."""
    filters = filters or {}
    qs = Report.objects.select_related("election", "election__community", "election__community__parent",
                                       "nomination__person", "closed_by")
    if not user.is_superuser:
        if not user.jurisdiction_id:
            return qs.none()
        qs = qs.filter(election__community__path__startswith=user.jurisdiction.path)
    if filters.get("election"):
        qs = qs.filter(election_id=filters["election"])
    if filters.get("nomination"):
        qs = qs.filter(nomination_id=filters["nomination"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("open") in {True, "1", "true", "on"}:
        qs = qs.filter(status="open")
    if filters.get("overdue") in {True, "1", "true", "on"}:
        qs = qs.filter(status="open", due_on__lt=timezone.localdate())
    if filters.get("must") in {True, "1", "true", "on"}:
        qs = qs.exclude(categories=[])
    q = str(filters.get("q") or "").strip()
    if q:
        qs = qs.filter(name_search(q, "nomination__person__") | (Q(reporter__icontains=q) & _reporter_visible(user))
                       | Q(content__icontains=q))
    return qs.order_by("due_on", "id")


def open_case_ids(*, nominations: list[Nomination]) -> set[int]:
    """The nominations with an open objection or report (two queries, whatever their number)."""
    ids = [n.pk for n in nominations]
    if not ids:
        return set()
    return set(
        Objection.objects.filter(nomination__in=ids, status="open").values_list("nomination_id", flat=True)
    ) | set(Report.objects.filter(nomination__in=ids, status="open").values_list("nomination_id", flat=True))


def report_get(*, user: User, pk: int) -> Report:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(report_list(user=user), pk=pk)


def _in_scope(qs: QuerySet[Any], user: User, path: str) -> QuerySet[Any]:
    if user.is_superuser:
        return qs
    if not user.jurisdiction_id:
        return qs.none()
    return qs.filter(**{f"{path}__startswith": user.jurisdiction.path})


def review_get(*, user: User, pk: int) -> Review:
    """One review; 404 outside the user's jurisdiction."""
    from django.shortcuts import get_object_or_404

    qs = Review.objects.select_related(
        "nomination", "nomination__person", "nomination__election", "nomination__election__community",
        "reviewer", "street_decided_by",
    )
    return get_object_or_404(_in_scope(qs, user, "nomination__election__community__path"), pk=pk)


def objection_get(*, user: User, pk: int) -> Objection:
    """One objection; 404 outside the user's jurisdiction."""
    from django.shortcuts import get_object_or_404

    qs = Objection.objects.select_related("election", "election__community", "nomination__person", "resolved_by")
    return get_object_or_404(_in_scope(qs, user, "election__community__path"), pk=pk)


def approved_after(*, election: Election, starts_on: dt.date) -> list[rules.ListedApproval]:
    """Approved nominations (on the formal list or about to be) approved after the publicity began: a 递补 that
    the publicity never showed, so it must be publicised anew."""
    rows = (Nomination.objects.filter(election=election, status="approved", decided_at__isnull=False)
            .select_related("person").order_by("decided_at", "id"))
    listed = [rules.ListedApproval(n.person.name, timezone.localtime(n.decided_at).date()) for n in rows]
    return rules.not_publicised(listed, starts_on)

"""Reads, scoped to the caller's jurisdiction. No view builds its own queryset."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from . import gates, rules
from .models import (
    Campaign,
    Election,
    Event,
    Jurisdiction,
    Milestone,
    Notification,
    Rulebook,
    Seat,
    StageTransition,
    User,
)


def place_filter(qs: QuerySet[Any], filters: dict[str, Any], prefix: str = "") -> QuerySet[Any]:
    """The campaign / street / community filters every list page offers, on rows that reach their election's
    place through ``prefix`` (``""`` for elections and rectifications, ``"election__"`` for their rows)."""
    if filters.get("campaign"):
        qs = qs.filter(**{f"{prefix}campaign_id": filters["campaign"]})
    if filters.get("street"):
        qs = qs.filter(**{f"{prefix}community__parent_id": filters["street"]})
    if filters.get("community"):
        qs = qs.filter(**{f"{prefix}community_id": filters["community"]})
    return qs


def _path(user: User) -> str | None:
    if user.is_superuser:
        return ""
    return user.jurisdiction.path if user.jurisdiction_id else None


def jurisdiction_list(*, user: User) -> QuerySet[Jurisdiction]:
    path = _path(user)
    qs = Jurisdiction.objects.select_related("parent")
    if path is None:
        return qs.none()
    return qs.filter(path__startswith=path) if path else qs


def jurisdiction_get(*, user: User, pk: int) -> Jurisdiction:
    return get_object_or_404(jurisdiction_list(user=user), pk=pk)


def user_list(*, user: User) -> QuerySet[User]:
    path = _path(user)
    qs = User.objects.select_related("jurisdiction").order_by("jurisdiction__path", "username")
    if path is None:
        return qs.none()
    return qs.filter(jurisdiction__path__startswith=path) if path else qs


def rulebook_list(*, user: User) -> QuerySet[Rulebook]:
    path = _path(user)
    qs = Rulebook.objects.all()
    if path is None or path == "":
        return qs
    # presets, and the variants of any jurisdiction on the user's line (above or below)
    return qs.filter(
        Q(jurisdiction__isnull=True)
        | Q(jurisdiction__path__startswith=path)
        | Q(jurisdiction__in=_ancestors(user.jurisdiction))
    )


def _ancestors(node: Jurisdiction) -> list[int]:
    ids = []
    current: Jurisdiction | None = node
    while current is not None:
        ids.append(current.pk)
        current = current.parent
    return ids


def rulebook_get(*, user: User, code: str) -> Rulebook:
    return get_object_or_404(rulebook_list(user=user), code=code)


def campaign_list(*, user: User) -> QuerySet[Campaign]:
    """Campaigns inside the user's jurisdiction, and the ones that cover it (a clerk sees the street's)."""
    path = _path(user)
    qs = Campaign.objects.select_related("jurisdiction").prefetch_related("milestones")
    if path is None:
        return qs.none()
    if path == "":
        return qs
    return qs.filter(
        Q(jurisdiction__path__startswith=path) | Q(jurisdiction__in=_ancestors(user.jurisdiction))
    ).distinct()


def campaign_get(*, user: User, pk: int) -> Campaign:
    return get_object_or_404(campaign_list(user=user), pk=pk)


def milestone_get(*, user: User, pk: int) -> Milestone:
    return get_object_or_404(Milestone.objects.select_related("campaign", "campaign__jurisdiction").filter(
        campaign__in=campaign_list(user=user)), pk=pk)


def election_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Election]:
    path = _path(user)
    qs = Election.objects.select_related(
        "community", "community__parent", "campaign", "campaign__jurisdiction", "rulebook"
    ).prefetch_related(Prefetch("seats", queryset=Seat.objects.order_by("id")))
    if path is None:
        return qs.none()
    if path:
        qs = qs.filter(community__path__startswith=path)
    filters = filters or {}
    qs = place_filter(qs, filters)
    if filters.get("body"):
        qs = qs.filter(body=filters["body"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("stage"):
        qs = qs.filter(stage=filters["stage"])
    if filters.get("q"):
        qs = qs.filter(Q(community__name__icontains=filters["q"]) | Q(campaign__name__icontains=filters["q"]))
    return qs


def election_get(*, user: User, pk: int) -> Election:
    return get_object_or_404(election_list(user=user), pk=pk)


@dataclass
class ElectionRow:
    election: Election
    blockers: list[rules.Blocker]
    next_deadline: tuple[str, dt.date] | None

    @property
    def blocker_count(self) -> int:
        return len(self.blockers)


def next_deadline(election: Election, today: dt.date) -> tuple[str, dt.date] | None:
    """The nearest open deadline: an undone campaign milestone for this body, or the election day."""
    candidates: list[tuple[dt.date, str]] = []
    for milestone in election.campaign.milestones.all():  # prefetched
        if not milestone.done and (not milestone.body or milestone.body == election.body):
            candidates.append((milestone.due, milestone.name))
    if election.election_day and election.stage in {"preparation", "nomination", "vetting", "publicity", "voting"}:
        candidates.append((election.election_day, "选举日"))
    if not candidates:
        return None
    upcoming = sorted(c for c in candidates if c[0] >= today)
    overdue = sorted(c for c in candidates if c[0] < today)
    due, name = overdue[0] if overdue else upcoming[0]
    return name, due


def election_rows(*, user: User, filters: dict[str, Any] | None = None, today: dt.date) -> list[ElectionRow]:
    elections = list(
        election_list(user=user, filters=filters).prefetch_related(
            Prefetch("campaign__milestones", queryset=Milestone.objects.order_by("due"))
        )
    )
    blockers = gates.evaluate(elections)
    return [ElectionRow(e, blockers[e.pk], next_deadline(e, today)) for e in elections]


def stage_counts(rows: list[ElectionRow]) -> list[tuple[str, str, int]]:
    counts = {code: 0 for code in rules.STAGE_CODES}
    for row in rows:
        counts[row.election.stage] += 1
    return [(code, rules.STAGE_LABELS[code], counts[code]) for code in rules.STAGE_CODES]


def transition_list(*, election: Election) -> QuerySet[StageTransition]:
    return StageTransition.objects.filter(election=election).select_related("actor").order_by("-at", "-id")


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def event_list(*, user: User, election: Election) -> QuerySet[Event]:
    # the election itself was fetched through election_get, so it is in scope
    return Event.objects.filter(election=election).select_related("actor").order_by("-seq")


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user).select_related("campaign", "election", "election__community")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


# --------------------------------------------------------------------------------------------
# Preparation
# --------------------------------------------------------------------------------------------


def adoption_for(*, election: Election) -> Any:
    from .models import RulebookAdoption

    return RulebookAdoption.objects.filter(election=election).select_related("recorded_by").first()


def party_request_list(*, election: Election) -> QuerySet[Any]:
    from .models import PartyRequest

    return PartyRequest.objects.filter(election=election).select_related("submitted_by", "decided_by")


def party_request_get(*, user: User, pk: int) -> Any:
    from .models import PartyRequest

    return get_object_or_404(
        PartyRequest.objects.select_related("election", "election__community").filter(
            election__in=election_list(user=user)), pk=pk)


def party_request_queue(*, user: User) -> QuerySet[Any]:
    """Requests waiting for the street's reply, within the user's jurisdiction."""
    from .models import PartyRequest

    return PartyRequest.objects.filter(election__in=election_list(user=user), status="submitted").select_related(
        "election", "election__community", "election__campaign", "submitted_by").order_by("submitted_on", "id")


def rectification_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Any]:
    from .models import Rectification

    path = _path(user)
    qs = Rectification.objects.select_related("campaign", "community", "community__parent", "flagged_by",
                                              "completed_by")
    if path is None:
        return qs.none()
    if path:
        qs = qs.filter(community__path__startswith=path)
    filters = filters or {}
    qs = place_filter(qs, filters)
    if filters.get("category"):
        qs = qs.filter(category=filters["category"])
    if filters.get("status") == "open":
        qs = qs.filter(completed_on__isnull=True)
    elif filters.get("status") == "done":
        qs = qs.filter(completed_on__isnull=False)
    return qs


def rectification_get(*, user: User, pk: int) -> Any:
    return get_object_or_404(rectification_list(user=user), pk=pk)


def rectifications_for(*, election: Election) -> QuerySet[Any]:
    from .models import Rectification

    return Rectification.objects.filter(campaign=election.campaign, community=election.community).select_related(
        "flagged_by", "completed_by")


# --------------------------------------------------------------------------------------------
# Handover (工作移交)
# --------------------------------------------------------------------------------------------


def handover_for(*, election: Election) -> Any:
    """The election's handover record (took office on, delay note), or None before one is recorded."""
    from .models import Handover

    return Handover.objects.filter(election=election).select_related("recorded_by", "delay_accepted_by").first()


def handover_summary(*, election: Election) -> dict[str, Any]:
    """The handover record (or None), the date the new committee took office, the period and the deadline
    that follows from them, and the street's note on a late handover."""
    record = handover_for(election=election)
    took_office_on = record.took_office_on if record else None
    days = rules.handover_days(election.effective_rules())
    return {"handover": record, "took_office_on": took_office_on, "handover_days": days,
            "deadline": rules.handover_deadline(took_office_on, days),
            "delay_note": record.delay_note if record else ""}


def handover_item_list(*, election: Election) -> QuerySet[Any]:
    """The election's items in the order of the handover list: seals, archives, 三资, premises, other."""
    from django.db.models import Case, IntegerField, Value, When

    from .models import HandoverItem

    order = Case(*[When(kind=code, then=Value(i)) for i, (code, _label) in enumerate(rules.HANDOVER_KINDS)],
                 default=Value(99), output_field=IntegerField())
    return HandoverItem.objects.filter(election=election).select_related("recorded_by").order_by(order, "id")


def handover_item_get(*, user: User, election: Election, pk: int) -> Any:
    """One item of an election the caller can see (the election was fetched in scope): 404 otherwise."""
    from .models import HandoverItem

    return get_object_or_404(HandoverItem.objects.filter(election=election).select_related("election"), pk=pk)


def notice_list(*, election: Election) -> QuerySet[Any]:
    """Every generated document of the election, newest version first within each kind."""
    from .models import Notice

    return Notice.objects.filter(election=election).select_related("created_by").order_by("kind", "-version")


def notice_get(*, user: User, pk: int) -> Any:
    """One document of an election the caller can see: 404 otherwise."""
    from .models import Notice

    notice = get_object_or_404(Notice.objects.select_related("election__community", "created_by"), pk=pk)
    election_get(user=user, pk=notice.election_id)
    return notice

"""Reads of long jobs (any kind: the voter import first) and of the rows an import held back, scoped to the
caller's jurisdiction: a job or held row of an election outside it is not found (404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from elections.models import Election, Job, User

from ..models import HeldRow
from .voters import _in_scope, _path

IMPORT_KIND = "voter_import"


def job_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Job]:
    """Jobs of the elections in the caller's jurisdiction, and the caller's own jobs of no election."""
    qs = Job.objects.select_related("election", "election__community", "created_by")
    path = _path(user)
    if path is None:
        qs = qs.filter(election__isnull=True, created_by=user)
    elif path:
        qs = qs.filter(Q(election__community__path__startswith=path) | Q(election__isnull=True, created_by=user))
    filters = filters or {}
    if filters.get("election"):
        qs = qs.filter(election_id=filters["election"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    return qs


def job_get(*, user: User, pk: int) -> Job:
    return get_object_or_404(job_list(user=user), pk=pk)


def import_jobs(*, election: Election) -> QuerySet[Job]:
    """The election's voter imports, newest first."""
    return Job.objects.filter(election=election, kind=IMPORT_KIND).select_related("created_by").order_by(
        "-created_at", "-id")


def held_rows(*, job: Job, pending_only: bool = False) -> QuerySet[HeldRow]:
    qs = HeldRow.objects.filter(job=job).select_related("decided_by").order_by("row", "id")
    return qs.filter(decision="") if pending_only else qs


def held_counts(*, job: Job) -> dict[str, int]:
    """How many held rows of the job are pending, registered, discarded."""
    counts = {"pending": 0, "registered": 0, "discarded": 0}
    for row in HeldRow.objects.filter(job=job).values("decision").annotate(n=Count("id")).order_by():
        counts[row["decision"] or "pending"] += row["n"]
    return counts


def held_row_get(*, user: User, pk: int) -> HeldRow:
    qs = HeldRow.objects.select_related("job", "election", "election__community", "election__campaign",
                                        "election__rulebook")
    return get_object_or_404(_in_scope(qs, user), pk=pk)

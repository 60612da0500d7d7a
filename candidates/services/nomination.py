"""Nomination-stage writes: nominations, 两推 meetings, 民主测评, 递补, pledges, the formal list."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from elections.audit import record_event, snapshot
from elections.models import User

from .. import rules
from ..models import Candidate, Nomination


def _nomination_state(nomination: Nomination) -> dict[str, Any]:
    return {
        **snapshot(nomination, ["election", "person", "position", "channel", "status", "level", "outcome"]),
        "name": nomination.person.name,
    }


def nomination_set_outcome(
    *, actor: User, nomination: Nomination, status: str, outcome: str = "", level: str | None = None,
    action: str = "nomination.outcome",
) -> Nomination:
    """Move a nomination to ``status`` (and ``level``), for the vetting app's reviews, objections and
    reports. Not permission-checked here: the caller (a service) has checked its own permission and holds
    the transaction. A nomination that leaves the live statuses also leaves the formal list."""
    if status not in rules.NOMINATION_STATUS_LABELS:
        raise ValueError(status)
    before = _nomination_state(nomination)
    nomination.status = status
    if level is not None:
        nomination.level = level
    if outcome:
        nomination.outcome = outcome[:500]
    if status in {"approved", "rejected", "withdrawn"}:
        nomination.decided_at = timezone.now()
    nomination.version += 1
    nomination.save(update_fields=["status", "level", "outcome", "decided_at", "version"])
    removed = ""
    if status not in rules.LIVE_STATUSES:
        deleted, _ = Candidate.objects.filter(nomination=nomination).delete()
        if deleted:
            removed = "，并从正式候选人名单中移除"
    record_event(
        actor=actor, action=action, obj=nomination, election=nomination.election,
        before=before, after=_nomination_state(nomination),
        summary=f"{nomination.person.name}（{nomination.get_position_display()}）："
        f"{rules.NOMINATION_STATUS_LABELS[status]}{removed}" + (f"。{outcome}" if outcome else ""),
    )
    return nomination

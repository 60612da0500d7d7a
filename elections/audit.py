"""The audit trail: append-only events, hash-chained per election (one more chain for the rest)."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import ChainHead, Election, Event, Jurisdiction, User

GLOBAL_CHAIN = "org"


def chain_key(election_id: int | None) -> str:
    return f"election:{election_id}" if election_id else GLOBAL_CHAIN


def to_jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe picture of a model instance's concrete fields (foreign keys as ids)."""
    data: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        if f.name in {"password"}:
            continue
        data[f.attname if f.is_relation else f.name] = to_jsonable(getattr(instance, f.attname))
    return data


def digest(payload: dict[str, Any]) -> str:
    """sha256 over a canonical JSON form; the same function serves the offline verifier."""
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def event_payload(event: Event) -> dict[str, Any]:
    return {
        "chain": event.chain,
        "seq": event.seq,
        "prev_hash": event.prev_hash,
        "at": event.at.astimezone(dt.UTC).isoformat(),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "election": event.election_id,
        "jurisdiction": event.jurisdiction_id,
        "action": event.action,
        "summary": event.summary,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
    }


@transaction.atomic
def record_event(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: Any = "",
    election: Election | None = None,
    jurisdiction: Jurisdiction | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    summary: str = "",
) -> Event:
    key = chain_key(election.pk if election else None)
    head, _ = ChainHead.objects.get_or_create(key=key)
    head = ChainHead.objects.select_for_update().get(pk=head.pk)
    if jurisdiction is None and election is not None:
        jurisdiction = election.community
    now = timezone.now()
    event = Event(
        chain=key,
        seq=head.seq + 1,
        election=election,
        jurisdiction=jurisdiction,
        actor=actor if actor is not None and actor.pk else None,
        actor_name=(actor.display_name if actor is not None and actor.pk else "系统"),
        at=now.replace(microsecond=now.microsecond // 1000 * 1000),  # ms: every database keeps it exactly
        action=action,
        summary=summary[:300],
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(obj.pk if obj is not None and object_id == "" else object_id),
        before=to_jsonable(before) if before is not None else None,
        after=to_jsonable(after) if after is not None else None,
        prev_hash=head.last_hash,
        hash="",
    )
    event.hash = digest(event_payload(event))
    event.save()
    head.seq = event.seq
    head.last_hash = event.hash
    head.save(update_fields=["seq", "last_hash"])
    return event


@dataclass(frozen=True)
class ChainProblem:
    chain: str
    seq: int | None
    message: str


def verify_chain(key: str) -> list[ChainProblem]:
    """Recompute one chain: altered rows, broken links, missing rows and a truncated tail."""
    problems: list[ChainProblem] = []
    prev = ""
    expected_seq = 1
    for event in Event.objects.filter(chain=key).order_by("seq").iterator():
        if event.seq != expected_seq:
            problems.append(ChainProblem(key, event.seq, f"缺少第 {expected_seq}–{event.seq - 1} 条记录（被删除）。"))
        if event.prev_hash != prev:
            problems.append(ChainProblem(key, event.seq, "与上一条记录的链接断裂。"))
        if digest(event_payload(event)) != event.hash:
            problems.append(ChainProblem(key, event.seq, "记录内容与其哈希不符（被篡改）。"))
        prev = event.hash
        expected_seq = event.seq + 1
    head = ChainHead.objects.filter(key=key).first()
    if head is not None and (head.seq != expected_seq - 1 or head.last_hash != prev):
        problems.append(ChainProblem(key, head.seq, "链尾记录缺失或链头被改动。"))
    return problems


def verify_all() -> tuple[int, list[ChainProblem]]:
    keys = set(ChainHead.objects.values_list("key", flat=True)) | set(
        Event.objects.values_list("chain", flat=True).distinct()
    )
    problems: list[ChainProblem] = []
    for key in sorted(keys):
        problems.extend(verify_chain(key))
    return len(keys), problems

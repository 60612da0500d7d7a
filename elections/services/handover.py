"""Writes of the handover (工作移交): the date the new committee took office, the items handed over, and the
street's explanation of a late handover.

Keyword-only, atomic, permission-checked (``elections.manage_handover``; the delay explanation
``elections.accept_handover_delay``), only in the ``handover`` stage, one event per change. The election row
is locked first, as every write of an election does. The rules live in ``elections.rules.handover``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from .. import rules
from ..audit import record_event, snapshot, to_jsonable
from ..errors import ApplicationError, Conflict
from ..models import Election, Handover, HandoverItem, User
from .core import _require
from .core import election_lock as _lock
from .preparation import require_stage

HANDOVER_STAGES = frozenset({"handover"})

HANDOVER_FIELD_LABELS = {"kind": "类别", "description": "移交内容", **rules.SIGNATURE_LABELS}

__all__ = ["HANDOVER_STAGES", "handover_delay_accept", "handover_item_add", "handover_item_delete",
           "handover_item_update", "took_office_set"]

_UNSET: Any = object()



def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _state(item: HandoverItem) -> dict[str, Any]:
    return snapshot(item, [*rules.HANDOVER_ITEM_FIELDS, "version"])


def _describe(item: HandoverItem) -> str:
    facts = rules.item_facts(item)
    return f"{rules.item_name(facts)}（{rules.item_status(facts)}）"


def _took_office_on(election: Election) -> dt.date | None:
    record = Handover.objects.filter(election=election).first()
    return record.took_office_on if record else None


def _check(election: Election, values: dict[str, Any]) -> None:
    errors = rules.handover_item_problems(**values, took_office_on=_took_office_on(election),
                                          today=timezone.localdate())
    if errors:
        raise ApplicationError("移交事项有误。", errors)


@transaction.atomic
def took_office_set(*, actor: User, election: Election, took_office_on: dt.date | None) -> Handover:
    """Record (or correct) the date the new committee took office; the handover period counts from it."""
    _require(actor, "elections.manage_handover", election)
    election = _lock(election)
    require_stage(election, HANDOVER_STAGES, "工作移交")
    earliest = HandoverItem.objects.filter(election=election, done_on__isnull=False).aggregate(
        m=Min("done_on"))["m"]
    errors = rules.took_office_problems(took_office_on, today=timezone.localdate(), earliest_done=earliest)
    if errors:
        raise ApplicationError("就职日期有误。", errors)
    assert took_office_on is not None
    record = Handover.objects.select_for_update().filter(election=election).first()
    before = snapshot(record, ["took_office_on"]) if record else None
    if record is not None and record.took_office_on == took_office_on:
        return record
    record = record or Handover(election=election, recorded_by=actor)
    record.took_office_on, record.recorded_by = took_office_on, actor
    record.save()
    deadline = rules.handover_deadline(took_office_on, rules.handover_days(election.effective_rules()))
    record_event(actor=actor, action="handover.took_office", obj=record, election=election, before=before,
                 after=snapshot(record, ["took_office_on"]),
                 summary=f"登记新一届委员会就职日期 {took_office_on:%Y-%m-%d}，工作移交须于 {deadline:%Y-%m-%d} 前完成")
    return record


@transaction.atomic
def handover_delay_accept(*, actor: User, election: Election, note: str) -> Handover:
    """The street records why the handover ran late; the gate then no longer holds the lateness against it."""
    _require(actor, "elections.accept_handover_delay", election)
    election = _lock(election)
    require_stage(election, HANDOVER_STAGES, "逾期情况说明")
    note = (note or "").strip()
    if not note:
        raise ApplicationError("请写明逾期的原因。", {"delay_note": ["请写明工作移交逾期的原因和处理情况。"]})
    record = Handover.objects.select_for_update().filter(election=election).first()
    if record is None or record.took_office_on is None:
        raise Conflict("尚未登记新一届委员会就职日期，无从判断是否逾期。")
    before = snapshot(record, ["delay_note", "delay_accepted_by"])
    record.delay_note, record.delay_accepted_by = note, actor
    record.save()
    record_event(actor=actor, action="handover.delay_accept", obj=record, election=election, before=before,
                 after=snapshot(record, ["delay_note", "delay_accepted_by"]),
                 summary=f"街道登记工作移交逾期情况说明：{rules.clip(note, 60)}")
    return record


@transaction.atomic
def handover_item_add(
    *, actor: User, election: Election, kind: str, description: str, handed_by: str = "", received_by: str = "",
    witness: str = "", done_on: dt.date | None = None,
) -> HandoverItem:
    """One item of the handover list; it may be entered before it is signed (the gate asks for the rest)."""
    _require(actor, "elections.manage_handover", election)
    election = _lock(election)
    require_stage(election, HANDOVER_STAGES, "登记移交事项")
    values = {"kind": kind, "description": _text(description), "handed_by": _text(handed_by),
              "received_by": _text(received_by), "witness": _text(witness), "done_on": done_on}
    _check(election, values)
    item = HandoverItem.objects.create(election=election, recorded_by=actor, **values)
    record_event(actor=actor, action="handover_item.create", obj=item, election=election, after=_state(item),
                 summary=f"登记移交事项：{_describe(item)}")
    return item


@transaction.atomic
def handover_item_update(
    *, actor: User, item: HandoverItem, version: int | None = None, kind: str = _UNSET, description: str = _UNSET,
    handed_by: str = _UNSET, received_by: str = _UNSET, witness: str = _UNSET, done_on: dt.date | None = _UNSET,
) -> HandoverItem:
    """Change any field of an item (those not given stay). ``version``, when given, must be the current one."""
    _require(actor, "elections.manage_handover", item.election)
    election = _lock(item.election)
    require_stage(election, HANDOVER_STAGES, "修改移交事项")
    item = HandoverItem.objects.select_for_update().get(pk=item.pk)
    if version is not None and version != item.version:
        raise Conflict(f"该移交事项已被他人修改（当前版本 {item.version}），请刷新后再改。")
    given = {"kind": kind, "description": description, "handed_by": handed_by, "received_by": received_by,
             "witness": witness, "done_on": done_on}
    values = {name: getattr(item, name) if value is _UNSET else value for name, value in given.items()}
    values.update({name: _text(values[name]) for name in ("description", "handed_by", "received_by", "witness")})
    _check(election, values)
    before = _state(item)
    if all(before[name] == value for name, value in to_jsonable(values).items()):
        return item
    for name, value in values.items():
        setattr(item, name, value)
    item.version += 1
    item.save()
    after = _state(item)
    changed = [HANDOVER_FIELD_LABELS[f] for f in rules.HANDOVER_ITEM_FIELDS if before[f] != after[f]]
    record_event(actor=actor, action="handover_item.update", obj=item, election=election, before=before,
                 after=after, summary=f"修改移交事项：{_describe(item)}（{'、'.join(changed)}）")
    return item


@transaction.atomic
def handover_item_delete(*, actor: User, item: HandoverItem, reason: str) -> None:
    """Remove an item entered by mistake; the reason is required and kept in the audit trail."""
    _require(actor, "elections.manage_handover", item.election)
    election = _lock(item.election)
    require_stage(election, HANDOVER_STAGES, "删除移交事项")
    reason = _text(reason)[:200]
    if not reason:
        raise ApplicationError("删除移交事项须说明理由。", {"reason": ["请写明删除的理由。"]})
    item = HandoverItem.objects.select_for_update().get(pk=item.pk)
    before, pk, text = _state(item), item.pk, _describe(item)
    item.delete()
    record_event(actor=actor, action="handover_item.delete", object_type="elections.handoveritem", object_id=pk,
                 election=election, before=before, after={"reason": reason},
                 summary=f"删除移交事项：{text}（理由：{reason}）")

"""Pure rules of the handover (工作移交) from the outgoing to the incoming committee.

* the deadline: the handover is done within ``handover_days`` (10) of taking office. "以内" includes the
  number (Civil Code art. 1259) and a period counted in days starts the day after the event (art. 201):
  taking office on 3-1, the 10th day is 3-11 and passes, 3-12 is late;
* an item is complete when the outgoing side handed it, the incoming side received it, the street witnessed
  it (监交) and it is dated;
* the gate to leave ``handover``: the date of taking office known; at least one item of each required kind
  (seals, archives, 三资 ledgers, premises); every item complete; nothing late unless the street accepted
  the delay with an explanation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .base import Blocker
from .preparation import clip

HANDOVER_SOURCE = "村民委员会组织法 第二十条"

HANDOVER_KINDS: list[tuple[str, str]] = [
    ("seal", "印章"),
    ("archive", "档案资料"),
    ("assets", "三资台账"),
    ("premises", "办公场所"),
    ("other", "其他"),
]
HANDOVER_KIND_LABELS = dict(HANDOVER_KINDS)
# what DOMAIN §3 names: seals, archives, 三资 (funds, assets, resources) ledgers, premises
REQUIRED_HANDOVER_KINDS: tuple[str, ...] = ("seal", "archive", "assets", "premises")
DEFAULT_HANDOVER_DAYS = 10

SIGNATURE_LABELS = {"handed_by": "移交人", "received_by": "接收人", "witness": "监交人", "done_on": "移交日期"}


def handover_days(rules: dict[str, Any]) -> int:
    return int(rules.get("handover_days") or DEFAULT_HANDOVER_DAYS)


def handover_deadline(took_office_on: dt.date | None, days: int) -> dt.date | None:
    """The last day the handover may be done on (inclusive); None while the date of taking office is unknown."""
    if took_office_on is None:
        return None
    return took_office_on + dt.timedelta(days=days)


def done_in_time(done_on: dt.date | None, deadline: dt.date | None) -> bool:
    """Done on or before the deadline. Undated items and an unknown deadline are not late (yet)."""
    return done_on is None or deadline is None or done_on <= deadline


@dataclass(frozen=True)
class HandoverItemFacts:
    kind: str
    description: str
    handed_by: str = ""
    received_by: str = ""
    witness: str = ""
    done_on: dt.date | None = None


HANDOVER_ITEM_FIELDS: tuple[str, ...] = ("kind", "description", "handed_by", "received_by", "witness", "done_on")


def item_facts(item: Any) -> HandoverItemFacts:
    """The facts of a stored item (anything with the item's fields, e.g. a ``HandoverItem``)."""
    return HandoverItemFacts(*(getattr(item, name) for name in HANDOVER_ITEM_FIELDS))


def item_missing(item: HandoverItemFacts) -> list[str]:
    """What an item still lacks, as field codes in the order of the form (empty when complete)."""
    missing = [name for name in ("handed_by", "received_by", "witness") if not (getattr(item, name) or "").strip()]
    if item.done_on is None:
        missing.append("done_on")
    return missing


def item_complete(item: HandoverItemFacts) -> bool:
    return not item_missing(item)


def item_status(item: HandoverItemFacts) -> str:
    """``已办结``, or what the item lacks (``缺监交人、移交日期``)."""
    missing = item_missing(item)
    return "缺" + "、".join(SIGNATURE_LABELS[m] for m in missing) if missing else "已办结"


def item_name(item: HandoverItemFacts) -> str:
    """``印章“居委会公章”`` — the kind and a short description, for messages."""
    return f"{HANDOVER_KIND_LABELS.get(item.kind, item.kind)}“{clip(item.description, 20)}”"


def missing_kinds(items: tuple[HandoverItemFacts, ...] | list[HandoverItemFacts]) -> list[str]:
    present = {item.kind for item in items}
    return [kind for kind in REQUIRED_HANDOVER_KINDS if kind not in present]


def handover_item_problems(
    *,
    kind: str,
    description: str,
    handed_by: str,
    received_by: str,
    witness: str,
    done_on: dt.date | None,
    took_office_on: dt.date | None,
    today: dt.date,
) -> dict[str, list[str]]:
    """Bad input of one item, by field, in Chinese; empty when it may be saved (an item may be saved before it
    is signed: what it lacks is the gate's business)."""
    errors: dict[str, list[str]] = {}
    if kind not in HANDOVER_KIND_LABELS:
        errors["kind"] = ["移交类别须为印章、档案资料、三资台账、办公场所或其他。"]
    if not description.strip():
        errors["description"] = ["请写明移交的内容（如印章名称、档案册数、台账名称、场所地址）。"]
    names = {"handed_by": handed_by.strip(), "received_by": received_by.strip(), "witness": witness.strip()}
    if names["handed_by"] and names["handed_by"] == names["received_by"]:
        errors.setdefault("received_by", []).append("移交人和接收人不能是同一人。")
    if names["witness"] and names["witness"] in {names["handed_by"], names["received_by"]}:
        errors.setdefault("witness", []).append("监交人须是移交双方以外的人（街道派员）。")
    if done_on is not None:
        if done_on > today:
            errors.setdefault("done_on", []).append("移交日期不能晚于今天：请在移交完成后登记。")
        if took_office_on is not None and done_on < took_office_on:
            errors.setdefault("done_on", []).append(
                f"移交日期不能早于新一届委员会就职日期（{took_office_on:%Y-%m-%d}）。")
    return errors


def took_office_problems(
    took_office_on: dt.date | None, *, today: dt.date, earliest_done: dt.date | None
) -> dict[str, list[str]]:
    errors: list[str] = []
    if took_office_on is None:
        errors.append("请填写新一届委员会就职日期。")
    else:
        if took_office_on > today:
            errors.append("就职日期不能晚于今天。")
        if earliest_done is not None and took_office_on > earliest_done:
            errors.append(f"已有移交事项于 {earliest_done:%Y-%m-%d} 完成，就职日期不能晚于该日。")
    return {"took_office_on": errors} if errors else {}


@dataclass(frozen=True)
class HandoverFacts:
    took_office_on: dt.date | None
    today: dt.date
    items: tuple[HandoverItemFacts, ...] = field(default_factory=tuple)
    delay_accepted: bool = False  # the street recorded why the handover ran late


def _names(items: list[HandoverItemFacts], limit: int = 8) -> str:
    text = "、".join(item_name(item) for item in items[:limit])
    return text + (f"等 {len(items)} 项" if len(items) > limit else "")


def gate_handover(facts: HandoverFacts, rules: dict[str, Any]) -> list[Blocker]:
    days = handover_days(rules)
    source = f"{HANDOVER_SOURCE}（规则：移交期限 {days} 天）"
    blockers: list[Blocker] = []
    deadline = handover_deadline(facts.took_office_on, days)
    if deadline is None:
        blockers.append(Blocker(
            "took_office_missing",
            "尚未登记新一届委员会的就职日期，无法计算工作移交期限。",
            source,
            "在“工作移交”页登记新一届委员会就职日期（一般为选举结果公布之日）。",
        ))
    absent = missing_kinds(facts.items)
    if absent:
        labels = "、".join(HANDOVER_KIND_LABELS[kind] for kind in absent)
        blockers.append(Blocker(
            "handover_items_missing",
            f"尚未登记以下移交事项：{labels}。印章、档案资料、三资台账和办公场所都须移交。",
            source,
            f"在“工作移交”页为{labels}各登记至少一项移交事项。",
        ))
    incomplete = [item for item in facts.items if not item_complete(item)]
    if incomplete:
        described = "；".join(
            f"{item_name(item)}{item_status(item)}" for item in incomplete[:8]
        ) + (f"；等 {len(incomplete)} 项" if len(incomplete) > 8 else "")
        blockers.append(Blocker(
            "handover_item_incomplete",
            f"{len(incomplete)} 项移交事项未办结：{described}。",
            source,
            "移交双方签字、街道监交人到场签字后，登记各方姓名和移交日期。",
        ))
    if deadline is not None and not facts.delay_accepted:
        late = [item for item in facts.items if not done_in_time(item.done_on, deadline)]
        parts = []
        if late:
            parts.append(f"{_names(late)}于期限后才完成（"
                         + "、".join(f"{item.done_on:%Y-%m-%d}" for item in late[:8] if item.done_on) + "）")
        if facts.today > deadline and (incomplete or absent):
            parts.append(f"已逾期 {(facts.today - deadline).days} 天，移交仍未完成")
        if parts:
            blockers.append(Blocker(
                "handover_late",
                f"新一届委员会 {facts.took_office_on:%Y-%m-%d} 就职，工作移交须于 {deadline:%Y-%m-%d}"
                f"（含当日）前完成：{'；'.join(parts)}。",
                source,
                "尽快完成移交；确因客观原因逾期的，由街道在“工作移交”页登记逾期情况说明。",
            ))
    return blockers

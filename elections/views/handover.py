"""The election's "工作移交" tab (the date the new committee took office, the handover items with their
signatures, the deadline, the street's note on a late handover, Excel export) and the printable 移交清单."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import extensions, rules, selectors, services
from ..exports import xlsx_response
from ..forms import HandoverDelayForm, HandoverDeleteForm, HandoverItemForm, TookOfficeForm
from ..services.handover import HANDOVER_STAGES
from .common import handle_form
from .core import form_outcome

HANDOVER_TAB = "handover"
HANDOVER_HEADERS = ["序号", "类别", "移交内容", "移交人", "接收人", "监交人", "移交日期", "状态"]


def handover_state(election: Any) -> dict[str, Any]:
    """What the tab and the printed list show: the record, the deadline and each item with what it lacks."""
    summary = selectors.handover_summary(election=election)
    deadline = summary["deadline"]
    today = timezone.localdate()
    past_deadline = deadline is not None and today > deadline
    rows, facts_list = [], []
    for item in selectors.handover_item_list(election=election):
        facts = rules.item_facts(item)
        facts_list.append(facts)
        missing = rules.item_missing(facts)
        rows.append({
            "item": item,
            "kind_label": rules.HANDOVER_KIND_LABELS.get(item.kind, item.kind),
            "missing": [rules.SIGNATURE_LABELS[m] for m in missing],
            "complete": not missing,
            "late": not rules.done_in_time(item.done_on, deadline),  # done, after the deadline
            "overdue": bool(missing) and past_deadline,  # not done, deadline passed
        })
    absent = rules.missing_kinds(facts_list)
    return {
        "handover": summary["handover"],
        "took_office_on": summary["took_office_on"],
        "deadline": deadline,
        "days_left": rules.days_before(today, deadline) if deadline else None,
        "past_deadline": past_deadline,
        "overdue_days": rules.days_before(deadline, today) if past_deadline else 0,
        "handover_rows": rows,
        "missing_kinds": [rules.HANDOVER_KIND_LABELS[k] for k in absent],
        "handover_done": bool(rows) and not absent and all(r["complete"] for r in rows),
        "handover_days": summary["handover_days"],
    }


def _cells(index: int, row: dict[str, Any]) -> list[Any]:
    item = row["item"]
    status = rules.item_status(rules.item_facts(item))
    if row["late"]:
        status += "（逾期完成）"
    return [index, row["kind_label"], item.description, item.handed_by, item.received_by, item.witness,
            item.done_on, status]


def _handover_tab(request: HttpRequest, election: Any, bound: dict[str, Any]) -> dict[str, Any] | HttpResponse:
    user = request.user
    state = handover_state(election)
    if request.method == "GET" and request.GET.get("export") == "xlsx":
        return xlsx_response(f"{election.community.name}{election.get_body_display()}-工作移交", HANDOVER_HEADERS,
                             (_cells(i, row) for i, row in enumerate(state["handover_rows"], start=1)))
    in_stage = election.stage in HANDOVER_STAGES
    can_manage = in_stage and user.has_perm("elections.manage_handover", election)
    for row in state["handover_rows"]:
        item = row["item"]
        keys = (f"handover-item-{item.pk}", f"handover-delete-{item.pk}")
        row["edit_form"] = bound.get(keys[0]) or HandoverItemForm(
            initial={**{f: getattr(item, f) for f in rules.HANDOVER_ITEM_FIELDS}, "version": item.version},
            auto_id=f"id_hitem{item.pk}_%s")
        row["delete_form"] = bound.get(keys[1]) or HandoverDeleteForm(auto_id=f"id_hdelete{item.pk}_%s")
        row["open"] = any(k in bound for k in keys)
    kinds_present = {row["item"].kind for row in state["handover_rows"]}
    next_kind = next((k for k in rules.REQUIRED_HANDOVER_KINDS if k not in kinds_present), "other")
    record = state["handover"]
    return {
        **state,
        "handover_stage": in_stage,
        "can_manage_handover": can_manage,
        "can_accept_delay": in_stage and state["took_office_on"] is not None
        and user.has_perm("elections.accept_handover_delay", election),
        "took_office_form": bound.get("took-office") or TookOfficeForm(
            initial={"took_office_on": state["took_office_on"]}, auto_id="id_took_%s"),
        "handover_item_form": bound.get("handover-add") or HandoverItemForm(
            initial={"kind": next_kind}, auto_id="id_hitem_%s"),
        "handover_item_form_open": "handover-add" in bound,
        "delay_form": bound.get("handover-delay") or HandoverDelayForm(
            initial={"delay_note": record.delay_note if record else ""}, auto_id="id_hdelay_%s"),
    }


@login_required
@require_POST
def took_office_set(request: HttpRequest, pk: int) -> HttpResponse:
    election = selectors.election_get(user=request.user, pk=pk)
    form = TookOfficeForm(request.POST, auto_id="id_took_%s")
    failed = handle_form(
        request, form,
        lambda d: services.took_office_set(actor=request.user, election=election, took_office_on=d["took_office_on"]),
        lambda h: gettext("已登记就职日期 %(day)s。") % {"day": f"{h.took_office_on:%Y-%m-%d}"},
    )
    return form_outcome(request, election, HANDOVER_TAB, "took-office", form, failed, "handover")


def _item_fields(d: dict[str, Any]) -> dict[str, Any]:
    return {f: d.get(f) or ("" if f != "done_on" else None) for f in rules.HANDOVER_ITEM_FIELDS}


@login_required
@require_POST
def handover_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    election = selectors.election_get(user=request.user, pk=pk)
    form = HandoverItemForm(request.POST, auto_id="id_hitem_%s")
    failed = handle_form(
        request, form,
        lambda d: services.handover_item_add(actor=request.user, election=election, **_item_fields(d)),
        lambda item: gettext("已登记移交事项：%(what)s。") % {"what": item.description},
    )
    return form_outcome(request, election, HANDOVER_TAB, "handover-add", form, failed, "handover-items")


def _item_action(request: HttpRequest, pk: int, item: int, key: str, form: Any, action: Any, success: Any,
                 anchor: str) -> HttpResponse:
    """One item's form (edit or delete) through its service; ``action`` and ``success`` take the item."""
    election = selectors.election_get(user=request.user, pk=pk)
    record = selectors.handover_item_get(user=request.user, election=election, pk=item)
    failed = handle_form(request, form, lambda d: action(record, d), success(record))
    return form_outcome(request, election, HANDOVER_TAB, key, form, failed, anchor)


@login_required
@require_POST
def handover_item_edit(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    return _item_action(
        request, pk, item, f"handover-item-{item}", HandoverItemForm(request.POST, auto_id=f"id_hitem{item}_%s"),
        lambda record, d: services.handover_item_update(actor=request.user, item=record, version=d.get("version"),
                                                        **_item_fields(d)),
        lambda _record: lambda saved: gettext("已保存移交事项：%(what)s。") % {"what": saved.description},
        f"handover-item-{item}",
    )


@login_required
@require_POST
def handover_item_delete(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    return _item_action(
        request, pk, item, f"handover-delete-{item}", HandoverDeleteForm(request.POST, auto_id=f"id_hdelete{item}_%s"),
        lambda record, d: services.handover_item_delete(actor=request.user, item=record, reason=d["reason"]),
        lambda record: gettext("已删除移交事项：%(what)s。") % {"what": record.description},
        "handover-items",
    )


@login_required
@require_POST
def handover_delay_accept(request: HttpRequest, pk: int) -> HttpResponse:
    election = selectors.election_get(user=request.user, pk=pk)
    form = HandoverDelayForm(request.POST, auto_id="id_hdelay_%s")
    failed = handle_form(
        request, form,
        lambda d: services.handover_delay_accept(actor=request.user, election=election, note=d["delay_note"]),
        gettext("已登记逾期情况说明。"),
    )
    return form_outcome(request, election, HANDOVER_TAB, "handover-delay", form, failed, "handover")


@login_required
def handover_print(request: HttpRequest, pk: int) -> HttpResponse:
    """移交清单 (A4): every item with the three signatures and its date, and signature lines for both
    committees and the street's witness."""
    election = selectors.election_get(user=request.user, pk=pk)
    state = handover_state(election)
    body = rules.BODY_LABELS[election.body]
    title = f"中共{election.community.name}委员会" if election.body == "party_committee" else (
        f"{election.community.name}{body}")
    return render(request, "elections/handover_print.html", {
        "election": election, **state, "title": title, "blank_rows": range(max(0, 4 - len(state["handover_rows"]))),
    })


def register_pages() -> None:
    """Called from ElectionsConfig.ready(): the tab after the later apps' ones (counting is 80)."""
    extensions.register_tab(HANDOVER_TAB, _("工作移交"), "elections/_tab_handover.html", _handover_tab, order=85)

"""Preparation pages: rulebook adoption and the printable rulebook, the party request and its reply,
difficult communities and their rectification."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from .. import rulebook_document, rules, selectors, services
from ..exports import xlsx_response
from ..forms import (
    AdoptionForm,
    PartyDecisionForm,
    PartyRequestForm,
    RectificationCompleteForm,
    RectificationFilterForm,
    RectificationFlagForm,
)
from .common import handle_form
from .core import form_outcome

# --------------------------------------------------------------------------------------------
# Preparation: rulebook adoption and the printable rulebook
# --------------------------------------------------------------------------------------------


def _adoption_context(request: HttpRequest, election: Any, effective: dict[str, Any],
                      bound: forms.Form | None) -> dict[str, Any]:
    adoption = selectors.adoption_for(election=election)
    state = None
    initial: dict[str, Any] = {"meeting": "representatives_meeting", "votes_against": 0, "abstentions": 0}
    if adoption is not None:
        quorate = rules.adoption_quorate(adoption.expected, adoption.present, effective)
        changed = rules.changed_rule_keys(adoption.adopted_rules, effective)
        state = {
            "quorate": quorate,
            "passed": quorate and rules.adoption_passed(adoption.present, adoption.votes_for, effective),
            "published": adoption.published_on is not None,
            "changed": [rules.PARAM_BY_KEY[k].label if k in rules.PARAM_BY_KEY else k for k in changed],
            "rulebook_changed": adoption.rulebook_code != election.rulebook.code,
        }
        initial = {f: getattr(adoption, f) for f in AdoptionForm.base_fields}
    return {
        "adoption": adoption,
        "adoption_state": state,
        "adoption_form": bound or AdoptionForm(initial=initial),
        "can_record_adoption": election.stage == "preparation"
        and request.user.has_perm("elections.record_preparation", election),
    }


def _verdict(adoption: Any) -> str:
    effective = adoption.adopted_rules
    if not rules.adoption_quorate(adoption.expected, adoption.present, effective):
        return gettext("会议到会人数不足，会议无效。")
    if not rules.adoption_passed(adoption.present, adoption.votes_for, effective):
        return gettext("选举办法未获通过。")
    return gettext("选举办法获得通过。")


@login_required
@require_POST
def adoption_record(request: HttpRequest, pk: int) -> HttpResponse:
    election = selectors.election_get(user=request.user, pk=pk)
    form = AdoptionForm(request.POST)

    def record(data: dict[str, Any]) -> Any:
        return services.rulebook_adoption_record(
            actor=request.user, election=election, meeting=data["meeting"], held_on=data["held_on"],
            expected=data["expected"], present=data["present"], votes_for=data["votes_for"],
            votes_against=data["votes_against"] or 0, abstentions=data["abstentions"] or 0,
            published_on=data["published_on"],
        )

    failed = handle_form(request, form, record, lambda a: gettext("审议结果已登记：") + _verdict(a))
    return form_outcome(request, election, "rules", "adoption", form, failed, "adoption")


@login_required
def rulebook_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The election's rulebook as an A4 document, generated from the effective rules."""
    election = selectors.election_get(user=request.user, pk=pk)
    adoption = selectors.adoption_for(election=election)
    record = None
    if adoption is not None:
        record = {f: getattr(adoption, f) for f in ("meeting", "held_on", "expected", "present", "votes_for",
                                                    "votes_against", "abstentions", "published_on")}
    document = rulebook_document.build(
        community=election.community.name, body=election.body, kind=election.kind,
        values=election.effective_rules(), seats={s.position: s.count for s in election.seats.all()},
        election_day=election.election_day, adoption=record,
        adopted_values=adoption.adopted_rules if adoption else None,
        adopted_rulebook_changed=bool(adoption and adoption.rulebook_code != election.rulebook.code),
    )
    return render(request, "elections/rulebook_print.html", {"election": election, "doc": document,
                                                             "today": timezone.localdate()})


# --------------------------------------------------------------------------------------------
# Preparation: the party organisation's request (请示) and the street's reply (批复)
# --------------------------------------------------------------------------------------------


def _party_request_context(request: HttpRequest, election: Any, bound: dict[str, forms.Form]) -> dict[str, Any]:
    user = request.user
    items = list(selectors.party_request_list(election=election))  # newest first
    pending = next((r for r in items if r.status == "submitted"), None)
    is_open = any(r.status in {"submitted", "approved"} for r in items)
    in_preparation = election.stage == "preparation"
    last = items[0] if items else None
    return {
        "party_requests": items,
        "pending_request": pending,
        "can_submit_request": in_preparation and not is_open
        and user.has_perm("elections.submit_party_request", election),
        "can_decide_request": in_preparation and pending is not None
        and user.has_perm("elections.decide_party_request", election),
        "request_form": bound.get("request") or PartyRequestForm(initial={
            "meeting_kind": last.meeting_kind if last else "members_meeting",
            "recommendation_method": last.recommendation_method if last else "",
        }),
        "decide_form": bound.get("decide") or PartyDecisionForm(initial={"decision": "approve"}),
    }


@login_required
@require_POST
def party_request_submit(request: HttpRequest, pk: int) -> HttpResponse:
    election = selectors.election_get(user=request.user, pk=pk)
    form = PartyRequestForm(request.POST)
    failed = handle_form(
        request, form,
        lambda d: services.party_request_submit(
            actor=request.user, election=election, meeting_kind=d["meeting_kind"],
            recommendation_method=d["recommendation_method"], submitted_on=d["submitted_on"], note=d["note"]),
        gettext("请示已报送，等待街道党工委批复。"),
    )
    return form_outcome(request, election, "request", "request", form, failed)


@login_required
@require_POST
def party_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.party_request_get(user=request.user, pk=pk)
    election = selectors.election_get(user=request.user, pk=item.election_id)
    form = PartyDecisionForm(request.POST)
    failed = handle_form(
        request, form,
        lambda d: services.party_request_decide(actor=request.user, request=item, decision=d["decision"],
                                                reply=d["reply"], decided_on=d["decided_on"]),
        lambda r: gettext("已批复同意。") if r.status == "approved" else gettext("已退回请示。"),
    )
    return form_outcome(request, election, "request", "decide", form, failed)


# --------------------------------------------------------------------------------------------
# Preparation: difficult communities and their rectification (整顿)
# --------------------------------------------------------------------------------------------

RECTIFICATION_HEADERS = ["街道", "社区", "换届工作", "类别", "主要问题", "整顿方案", "包联责任人", "列入日期", "列入人",
                         "状态", "完成日期", "整顿情况", "确认人"]


def _rectification_page(request: HttpRequest, bound: dict[str, forms.Form] | None = None,
                        status: int = 200) -> HttpResponse:
    user = request.user
    bound = bound or {}
    campaigns = selectors.campaign_list(user=user)
    places = selectors.jurisdiction_list(user=user)
    communities = places.filter(level="community")
    query = request.GET if request.method == "GET" else {}
    filter_form = RectificationFilterForm(query or None, campaigns=campaigns, streets=places.filter(level="street"),
                                          communities=communities)
    items = list(selectors.rectification_list(user=user, filters=filter_form.filters()))
    if request.method == "GET" and request.GET.get("export") == "xlsx":
        return xlsx_response("整顿社区", RECTIFICATION_HEADERS, (
            [r.community.parent.name if r.community.parent else "", r.community.name, r.campaign.name,
             r.get_category_display(), r.problems, r.plan, r.responsible, r.flagged_on, str(r.flagged_by),
             "整顿中" if r.is_open else "已完成", r.completed_on, r.completion_note,
             str(r.completed_by) if r.completed_by else ""]
            for r in items))
    can_manage = user.is_superuser or (
        user.jurisdiction is not None and user.has_perm("elections.manage_rectification", user.jurisdiction))
    rows = [{"item": r, "form": bound.get(f"complete-{r.pk}")
             or RectificationCompleteForm(auto_id=f"id_complete{r.pk}_%s")} for r in items]
    return render(request, "elections/rectification_list.html", {
        "filter_form": filter_form,
        "rows": rows,
        "open_count": sum(1 for r in items if r.is_open),
        "can_manage": can_manage,
        "flag_form": bound.get("flag") or RectificationFlagForm(
            campaigns=campaigns, communities=communities,
            initial={"campaign": campaigns.first() if campaigns.count() == 1 else None}),
        "flag_open": "flag" in bound,
    }, status=status)


@login_required
def rectification_list(request: HttpRequest) -> HttpResponse:
    return _rectification_page(request)


@login_required
@require_POST
def rectification_flag(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = RectificationFlagForm(request.POST, campaigns=selectors.campaign_list(user=user),
                                 communities=selectors.jurisdiction_list(user=user).filter(level="community"))
    failed = handle_form(
        request, form,
        lambda d: services.rectification_flag(
            actor=user, campaign=d["campaign"], community=d["community"], category=d["category"],
            problems=d["problems"], plan=d["plan"], responsible=d["responsible"], flagged_on=d["flagged_on"]),
        lambda r: gettext("已将 %(community)s 列为整顿对象；整顿完成前，其选举不能进入提名阶段。")
        % {"community": r.community.name},
    )
    if failed:
        return _rectification_page(request, {"flag": form}, status=failed)
    return redirect("rectification-list")


@login_required
@require_POST
def rectification_complete(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.rectification_get(user=request.user, pk=pk)
    form = RectificationCompleteForm(request.POST, auto_id=f"id_complete{item.pk}_%s")
    failed = handle_form(
        request, form,
        lambda d: services.rectification_complete(actor=request.user, rectification=item, note=d["note"],
                                                  completed_on=d["completed_on"]),
        lambda r: gettext("已确认 %(community)s 整顿完成。") % {"community": r.community.name},
    )
    if failed:
        return _rectification_page(request, {f"complete-{item.pk}": form}, status=failed)
    return redirect("rectification-list")

"""Thin page views: parse, call a service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import extensions, gates, rulebook_document, rules, selectors, services
from .errors import ApplicationError, StageBlocked
from .exports import xlsx_response
from .forms import (
    AdoptionForm,
    CampaignForm,
    ElectionCreateForm,
    ElectionEditForm,
    ElectionFilterForm,
    PartyDecisionForm,
    PartyRequestForm,
    RectificationCompleteForm,
    RectificationFilterForm,
    RectificationFlagForm,
    ReopenForm,
    SeatPlanForm,
)


def apply_errors(form: forms.Form, exc: ApplicationError) -> None:
    """Show a service's field errors on the form (unknown fields go to the top)."""
    if not exc.errors:
        form.add_error(None, exc.message)
    for field, messages_ in exc.errors.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


def handle_form(request: HttpRequest, form: forms.Form, action: Callable[[dict[str, Any]], Any],
                success: str | Callable[[Any], str]) -> int | None:
    """Run a service with a form's data. None when it succeeded (a success message is queued); otherwise the
    status to re-render the page with: the form then carries the service's field errors, and a message says
    what went wrong (the form may sit far down the page)."""
    if not form.is_valid():
        messages.error(request, gettext("未保存：请按提示修改后重新提交。"))
        return 200
    try:
        result = action(form.cleaned_data)
    except ApplicationError as exc:
        apply_errors(form, exc)
        messages.error(request, _describe(exc))
        return 200
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        messages.error(request, str(exc))
        return 403
    messages.success(request, success(result) if callable(success) else success)
    return None


def tab_url(election: Any, tab: str, anchor: str = "") -> str:
    return f"{reverse('election-detail', args=[election.pk])}?tab={tab}" + (f"#{anchor}" if anchor else "")


def root(request: HttpRequest) -> HttpResponse:
    return redirect("home" if request.user.is_authenticated else "login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    campaigns = selectors.campaign_list(user=user)
    streets = selectors.jurisdiction_list(user=user).filter(level="street")
    form = ElectionFilterForm(request.GET or None, campaigns=campaigns, streets=streets)
    rows = selectors.election_rows(user=user, filters=form.filters(), today=today)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "选举一览",
            ["街道", "社区", "选举对象", "类型", "阶段", "未满足条件数", "下一时限", "时限日期", "选举日", "换届工作"],
            (
                [
                    r.election.community.parent.name if r.election.community.parent else "",
                    r.election.community.name,
                    r.election.get_body_display(),
                    r.election.get_kind_display(),
                    r.election.stage_label,
                    r.blocker_count,
                    r.next_deadline[0] if r.next_deadline else "",
                    r.next_deadline[1] if r.next_deadline else None,
                    r.election.election_day,
                    r.election.campaign.name,
                ]
                for r in rows
            ),
        )
    context = {
        "form": form,
        "rows": rows,
        "campaigns": list(campaigns),
        "stage_counts": selectors.stage_counts(rows),
        "blocked_total": sum(1 for r in rows if r.blockers),
        "notifications": list(selectors.notification_list(user=user, unread_only=True)[:8]),
        "today": today,
        "can_create_election": user.is_superuser or user.role in {"street_staff", "district_admin"},
        "show_street": user.is_superuser or user.role in {"district_admin", "district_reviewer"},
        # the street replies to the party organisations' requests: what waits for it
        "request_queue": list(selectors.party_request_queue(user=user)[:50])
        if user.is_superuser or user.role == "street_staff" else [],
    }
    return render(request, "elections/home.html", context)


BUILTIN_TABS = {"overview": _("概况"), "request": _("请示批复"), "rules": _("选举规则"), "events": _("操作记录")}


def _tabs(election: Any) -> list[tuple[str, Any]]:
    """Overview, the tabs other apps registered (incumbents, committee …), the party request, rules, events."""
    tabs: list[tuple[str, Any]] = [("overview", BUILTIN_TABS["overview"])]
    tabs += [(t.code, t.label) for t in extensions.tabs_for(election)]
    if election.body == "party_committee":
        tabs.append(("request", BUILTIN_TABS["request"]))
    tabs += [("rules", BUILTIN_TABS["rules"]), ("events", BUILTIN_TABS["events"])]
    return tabs


@login_required
def election_detail(request: HttpRequest, pk: int) -> HttpResponse:
    election = selectors.election_get(user=request.user, pk=pk)
    return render_election(request, election, request.GET.get("tab", "overview"))


def render_election(request: HttpRequest, election: Any, tab: str, bound: dict[str, forms.Form] | None = None,
                    status: int = 200) -> HttpResponse:
    """The election page on one tab; ``bound`` holds forms that failed, to show their field errors."""
    user = request.user
    bound = bound or {}
    tabs = _tabs(election)
    if tab not in {code for code, _label in tabs}:
        tab = "overview"
    blockers = gates.blockers_for(election)
    can = {
        "change": user.has_perm("elections.change_election", election),
        "advance": user.has_perm("elections.advance_election", election),
        "reopen": user.has_perm("elections.reopen_election", election),
        "propose": user.has_perm("elections.propose_seat_plan", election),
        "approve": user.has_perm("elections.approve_seat_plan", election),
    }
    seats = {s.position: s.count for s in election.seats.all()}
    context: dict[str, Any] = {
        "election": election,
        "tab": tab,
        "tabs": tabs,
        "blockers": blockers,
        "timeline": _timeline(election),
        "next_stage_label": gettext(rules.STAGE_LABELS[election.next_stage]) if election.next_stage else "",
        "can": can,
        "seats": [(rules.POSITION_LABELS[p], c) for p, c in seats.items()],
        "seat_total": sum(seats.values()),
        "stage_gates": [g for g in gates.registered(election.stage) if g.applies(election)],
    }
    registered = {t.code: t for t in extensions.tabs_for(election)}
    if tab in registered:
        built = registered[tab].build(request, election, bound)
        if isinstance(built, HttpResponse):
            return built
        context.update(built)
        context["tab_template"] = registered[tab].template
    elif tab == "events":
        events = selectors.event_list(user=user, election=election)
        if request.GET.get("export") == "xlsx":
            return xlsx_response(
                f"{election.title}-操作记录",
                ["序号", "时间", "操作人", "操作", "说明", "哈希"],
                ([e.seq, timezone.localtime(e.at), e.actor_name, e.action, e.summary, e.hash] for e in events),
            )
        context["events"] = events[:500]
    elif tab == "rules":
        effective = election.effective_rules()
        overrides = election.rule_overrides or {}
        context["rule_rows"] = [
            {
                "spec": spec,
                "value": effective.get(spec.key),
                "text": rulebook_document.value_text(spec, effective.get(spec.key)),
                "raw": _json(effective.get(spec.key)),
                "overridden": spec.key in overrides,
                "source": "本社区调整" if spec.key in overrides else election.rulebook.sources.get(spec.key, ""),
            }
            for spec in rules.PARAM_SPECS
        ]
        if election.body != "party_committee":
            context.update(_adoption_context(request, election, effective, bound.get("adoption")))
    elif tab == "request":
        context.update(_party_request_context(request, election, bound))
    else:
        context["edit_form"] = ElectionEditForm(initial={
            "election_day": election.election_day,
            "rule_overrides": _json(election.rule_overrides) if election.rule_overrides else "",
        })
        context["seat_form"] = SeatPlanForm(body=election.body, current=seats)
        context["reopen_form"] = ReopenForm(current=election.stage)
        context["transitions"] = selectors.transition_list(election=election)[:20]
        context["open_rectifications"] = [r for r in selectors.rectifications_for(election=election) if r.is_open]
    return render(request, "elections/election_detail.html", context, status=status)


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _timeline(election: Any) -> list[dict[str, Any]]:
    current = rules.stage_index(election.stage)
    return [
        {"code": code, "label": label, "state": "done" if i < current else "current" if i == current else "todo"}
        for i, (code, label) in enumerate(rules.STAGES)
    ]


@login_required
@require_POST
def election_advance(request: HttpRequest, pk: int) -> HttpResponse:
    election = selectors.election_get(user=request.user, pk=pk)
    try:
        election = services.election_advance(actor=request.user, election=election,
                                             expected_stage=request.POST.get("expected_stage") or None)
        messages.success(request, f"已进入“{election.stage_label}”阶段。")
    except StageBlocked as exc:
        messages.error(request, exc.message)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("election-detail", pk=pk)


@login_required
@require_POST
def election_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    election = selectors.election_get(user=request.user, pk=pk)
    form = ReopenForm(request.POST, current=election.stage)
    if form.is_valid():
        try:
            services.election_reopen(actor=request.user, election=election, stage=form.cleaned_data["stage"],
                                     reason=form.cleaned_data["reason"])
            messages.success(request, "已退回。")
        except (ApplicationError, PermissionDenied) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
    else:
        messages.error(request, "退回失败：" + "；".join(m for ms in form.errors.values() for m in ms))
    return redirect("election-detail", pk=pk)


@login_required
@require_POST
def election_edit(request: HttpRequest, pk: int) -> HttpResponse:
    election = selectors.election_get(user=request.user, pk=pk)
    form = ElectionEditForm(request.POST)
    if form.is_valid():
        try:
            services.election_update(actor=request.user, election=election,
                                     election_day=form.cleaned_data["election_day"],
                                     rule_overrides=form.cleaned_data["rule_overrides"])
            messages.success(request, "选举信息已保存。")
        except (ApplicationError, PermissionDenied) as exc:
            messages.error(request, _describe(exc))
    else:
        messages.error(request, "保存失败：" + "；".join(m for ms in form.errors.values() for m in ms))
    return redirect("election-detail", pk=pk)


def _describe(exc: Exception) -> str:
    if isinstance(exc, ApplicationError):
        details = [m for ms in exc.errors.values() for m in ms]
        return exc.message.rstrip("。") + "：" + "；".join(details) if details else exc.message
    return str(exc)


@login_required
@require_POST
def seat_plan_propose(request: HttpRequest, pk: int) -> HttpResponse:
    election = selectors.election_get(user=request.user, pk=pk)
    form = SeatPlanForm(request.POST, body=election.body, current={})
    if form.is_valid():
        try:
            services.seat_plan_set(actor=request.user, election=election, seats=form.seats())
            messages.success(request, "职数方案已提交，待区审定。")
        except (ApplicationError, PermissionDenied) as exc:
            messages.error(request, _describe(exc))
    else:
        messages.error(request, "职数方案有误：" + "；".join(m for ms in form.errors.values() for m in ms))
    return redirect("election-detail", pk=pk)


@login_required
@require_POST
def seat_plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    election = selectors.election_get(user=request.user, pk=pk)
    try:
        services.seat_plan_approve(actor=request.user, election=election)
        messages.success(request, "职数方案已审定。")
    except (ApplicationError, PermissionDenied) as exc:
        messages.error(request, _describe(exc))
    return redirect("election-detail", pk=pk)


@login_required
def election_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    kwargs = {
        "campaigns": selectors.campaign_list(user=user).filter(
            jurisdiction__in=selectors.jurisdiction_list(user=user)),
        "communities": selectors.jurisdiction_list(user=user).filter(level="community"),
        "rulebooks": selectors.rulebook_list(user=user),
    }
    form = ElectionCreateForm(request.POST or None, initial={"campaign": request.GET.get("campaign")}, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            election = services.election_create(
                actor=user, campaign=data["campaign"], community=data["community"], body=data["body"],
                kind=data["kind"], rulebook=data["rulebook"], election_day=data["election_day"],
            )
            messages.success(request, "选举已创建。")
            return redirect("election-detail", pk=election.pk)
        except ApplicationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
    return render(request, "elections/form.html", {"form": form, "title": "新建选举",
                                                   "back": reverse("home")})


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    campaign = selectors.campaign_get(user=user, pk=pk)
    rows = selectors.election_rows(user=user, filters={"campaign": campaign.pk}, today=timezone.localdate())
    today = timezone.localdate()
    milestones = [
        {"m": m, "describe": rules.describe_due(m.due, today), "overdue": (not m.done and m.due < today)}
        for m in campaign.milestones.all()
    ]
    return render(request, "elections/campaign_detail.html", {
        "campaign": campaign, "rows": rows, "milestones": milestones,
        "stage_counts": selectors.stage_counts(rows),
        "rectifications": list(selectors.rectification_list(user=user, filters={"campaign": campaign.pk,
                                                                                 "status": "open"})),
        "can_add": user.has_perm("elections.add_election", campaign.jurisdiction),
        "can_change": user.has_perm("elections.change_campaign", campaign),
    })


@login_required
@require_POST
def milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = selectors.milestone_get(user=request.user, pk=pk)
    try:
        services.milestone_set_done(actor=request.user, milestone=milestone, done=request.POST.get("done") == "1")
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("campaign-detail", pk=milestone.campaign_id)


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    jurisdictions = selectors.jurisdiction_list(user=user).exclude(level="community")
    form = CampaignForm(request.POST or None, jurisdictions=jurisdictions)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=user, name=form.cleaned_data["name"],
                                                jurisdiction=form.cleaned_data["jurisdiction"],
                                                milestones=form.cleaned_data["milestones"])
            messages.success(request, "换届工作已创建。")
            return redirect("campaign-detail", pk=campaign.pk)
        except ApplicationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
    return render(request, "elections/form.html", {"form": form, "title": "新建换届工作",
                                                   "back": reverse("home")})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = selectors.notification_list(user=request.user)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("提醒", ["标题", "内容", "时限", "逾期", "提醒时间", "已读"],
                             ([n.title, n.message, n.due, "是" if n.overdue else "", timezone.localtime(n.created_at),
                               "是" if n.read_at else ""] for n in items))
    return render(request, "elections/notifications.html", {"items": items[:300]})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.notification_list(user=request.user).filter(pk=pk).first()
    if item is not None:
        services.notification_mark_read(actor=request.user, notification=item)
    return redirect(request.POST.get("next") or "notifications")


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
    if failed:
        return render_election(request, election, "rules", {"adoption": form}, status=failed)
    return redirect(tab_url(election, "rules", "adoption"))


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
    if failed:
        return render_election(request, election, "request", {"request": form}, status=failed)
    return redirect(tab_url(election, "request"))


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
    if failed:
        return render_election(request, election, "request", {"decide": form}, status=failed)
    return redirect(tab_url(election, "request"))


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

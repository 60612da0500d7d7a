"""The home page, the election page and its stage moves, seat plans, campaigns and notifications."""

from __future__ import annotations

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

from .. import extensions, gates, rulebook_document, rules, selectors, services
from ..errors import ApplicationError, StageBlocked
from ..exports import xlsx_response
from ..forms import (
    CampaignForm,
    ElectionCreateForm,
    ElectionEditForm,
    ElectionFilterForm,
    ReopenForm,
    SeatPlanForm,
)
from .common import _describe, apply_errors, tab_url


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


def form_outcome(request: HttpRequest, election: Any, tab: str, key: str, form: forms.Form, failed: int | None,
                 anchor: str = "") -> HttpResponse:
    """After ``handle_form``: back to the tab (at ``anchor``) when it worked, else the tab again with the
    failed form under ``key`` showing its errors."""
    if failed:
        return render_election(request, election, tab, {key: form}, status=failed)
    return redirect(tab_url(election, tab, anchor))


def render_election(request: HttpRequest, election: Any, tab: str, bound: dict[str, forms.Form] | None = None,
                    status: int = 200) -> HttpResponse:
    """The election page on one tab; ``bound`` holds forms that failed, to show their field errors."""
    # imported here: the preparation views import this renderer to re-show their failed forms
    from .preparation import _adoption_context, _party_request_context

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

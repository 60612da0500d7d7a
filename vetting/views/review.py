"""The review queue (/vetting/queue/), the review page of one nomination (/vetting/nominations/<pk>/) and the
overview of every nomination in scope (/vetting/overview/)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_POST

from candidates import rules as candidate_rules
from candidates import selectors as candidate_selectors
from elections import selectors as org_selectors
from elections.errors import ApplicationError
from elections.exports import xlsx_response

from .. import rules, selectors, services
from ..forms import HeldDecisionForm, OverviewFilterForm, QueueFilterForm, ReviewForm
from .common import level_label, require_queue, review_actions, run_form, safe_next, where_label

PAGE_SIZE = 200

# --------------------------------------------------------------------------------------------
# Cells shared by the exports
# --------------------------------------------------------------------------------------------


def _yes(value: bool) -> str:
    return gettext("是") if value else gettext("否")


def _fact_cells(row: selectors.NominationRow) -> list[Any]:
    f = row.facts
    if f is None:
        return [None, "", "", "", ""]
    return [f.age, gettext(dict(candidate_rules.SEXES).get(f.sex, f.sex or "")),
            gettext(candidate_rules.EDUCATION_LABELS.get(f.education, f.education or "")) if f.education else "",
            _yes(f.party_member), _yes(f.incumbent)]


def _review_text(row: selectors.NominationRow, review: Any) -> str:
    text = f"{level_label(review.level, review.department)}：{gettext(rules.DECISION_LABELS[review.decision])}"
    if review.grounds:
        text += "（" + "；".join(row.ground_texts(review)) + "）"
    if review.street_decision:
        text += "；" + gettext("街道%(decision)s：%(reason)s") % {
            "decision": gettext(rules.STREET_DECISION_LABELS[review.street_decision]), "reason": review.street_reason}
    return text


def _reviews_text(row: selectors.NominationRow) -> str:
    return "\n".join(_review_text(row, r) for r in row.reviews)


def _place_cells(row: selectors.NominationRow) -> list[Any]:
    community = row.community
    return [community.parent.name if community.parent else "", community.name,
            gettext(row.election.get_body_display())]


def _person_cells(row: selectors.NominationRow) -> list[Any]:
    n = row.nomination
    return [n.person.name, gettext(n.get_position_display()), gettext(n.get_channel_display())]


def _filter_places(user: Any) -> dict[str, Any]:
    places = org_selectors.jurisdiction_list(user=user)
    district_level = user.is_superuser or user.role in {"district_admin", "district_reviewer"}
    return {"communities": places.filter(level="community") if user.is_superuser or user.role != "community_clerk"
            else None,
            "streets": places.filter(level="street") if district_level else None}


def _page(request: HttpRequest, items: list[Any]) -> tuple[Any, str]:
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


# --------------------------------------------------------------------------------------------
# The queue and batch pass
# --------------------------------------------------------------------------------------------

QUEUE_HEADERS = [
    gettext_noop("街道"), gettext_noop("社区"), gettext_noop("选举对象"), gettext_noop("姓名"), gettext_noop("提名职位"),
    gettext_noop("提名方式"), gettext_noop("年龄（选举日）"), gettext_noop("性别"), gettext_noop("学历"),
    gettext_noop("党员"), gettext_noop("现任"), gettext_noop("提示事项"), gettext_noop("审查进度"), gettext_noop("等待天数"),
    gettext_noop("已有审查意见"),
]


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The caller's pending reviews, oldest waiting first."""
    user = request.user
    require_queue(user)
    form = QueueFilterForm(request.GET or None, **_filter_places(user))
    rows = selectors.review_queue(user=user, filters=form.filters())
    if request.GET.get("export") == "xlsx":
        return xlsx_response(gettext("资格审查待办"), [gettext(h) for h in QUEUE_HEADERS], (
            [*_place_cells(r), *_person_cells(r), *_fact_cells(r), "；".join(map(gettext, r.flag_labels)),
             where_label(r), r.waiting_days, _reviews_text(r)]
            for r in rows))
    page, query = _page(request, rows)
    open_cases = selectors.open_case_ids(nominations=[r.nomination for r in page.object_list])
    items = []
    for r in page.object_list:
        can = review_actions(user, r)
        case = r.nomination.pk in open_cases
        can["batch"] = can["batch"] and not case  # the batch pass would skip it: review it on its page
        items.append({"row": r, "can": can, "where": where_label(r), "open_case": case})
    return render(request, "vetting/queue.html", {
        "form": form, "page": page, "query": query, "items": items, "total": len(rows),
        "flagged_total": sum(1 for r in rows if r.flagged),
        "batchable": any(i["can"]["batch"] for i in items),
        "here": request.get_full_path(),
    })


@login_required
@require_POST
def batch_pass(request: HttpRequest) -> HttpResponse:
    """Pass the ticked nominations at their current level; flagged or unclean ones are skipped with a reason."""
    user = request.user
    require_queue(user)
    back = safe_next(request, request.POST.get("next"), reverse("vetting-queue"))
    chosen = set(request.POST.getlist("nominations"))
    if not chosen:
        messages.error(request, gettext("请先勾选要通过的被提名人。"))
        return redirect(back)
    rows = [r for r in selectors.review_queue(user=user) if str(r.nomination.pk) in chosen]
    gone = len(chosen) - len(rows)
    by_level: dict[str, list[Any]] = {}
    skipped: list[tuple[Any, str]] = []
    for r in rows:
        if r.nomination.status != "reviewing":
            skipped.append((r.nomination, gettext("不宜情形待街道决定，请在审查页逐一作出决定。")))
        else:
            by_level.setdefault(r.nomination.level, []).append(r.nomination)
    passed = 0
    for level, nominations in by_level.items():
        try:
            result = services.review_batch_pass(actor=user, nominations=nominations, level=level)
        except (ApplicationError, PermissionDenied) as exc:
            skipped += [(n, getattr(exc, "message", None) or str(exc)) for n in nominations]
            continue
        passed += len(result.passed)
        skipped += result.skipped
    if passed:
        messages.success(request, gettext("已批量通过 %(n)s 人。") % {"n": passed})
    for nomination, reason in skipped:
        messages.warning(request, gettext("未通过 %(name)s：%(reason)s") % {"name": nomination.person.name,
                                                                           "reason": reason})
    if gone:
        messages.warning(request, gettext("%(n)s 人已不在您的待审查列表中（可能已由他人处理），未作处理。") % {"n": gone})
    return redirect(back)


# --------------------------------------------------------------------------------------------
# The review page of one nomination
# --------------------------------------------------------------------------------------------


def _citable(user: Any, row: selectors.NominationRow) -> list[rules.GroundInfo]:
    """The active grounds the caller may cite at the nomination's current level."""
    nomination = row.nomination
    department = user.department if nomination.level == "district" else ""
    active = [g for g in row.grounds.values() if g.active]
    order = {code: i for i, code in enumerate(row.grounds)}
    return sorted(rules.citable(active, nomination.level, department),
                  key=lambda g: (g.kind != "ineligible", order[g.code]))


def _grouped(grounds: list[rules.GroundInfo]) -> list[dict[str, Any]]:
    return [{"kind": kind, "label": label, "grounds": [g for g in grounds if g.kind == kind]}
            for kind, label in rules.GROUND_KINDS if any(g.kind == kind for g in grounds)]


def _steps(row: selectors.NominationRow) -> list[dict[str, str]]:
    """The three levels as done / current / failed / todo, for the progress line."""
    nomination = row.nomination
    steps = []
    for level in rules.REVIEW_LEVEL_LABELS:
        reviews = [r for r in row.reviews if r.level == level]
        if nomination.status in selectors.PENDING and nomination.level == level:
            state = "held" if nomination.status == "held" else "current"
        elif (nomination.status == "approved" if level == "district"
              else any(rules.counts_as_pass(r.decision, r.street_decision) for r in reviews)):
            state = "done"
        elif nomination.status == "rejected" and any(r.decision == "reject" and r.street_decision != "overrule"
                                                     for r in reviews):
            state = "failed"
        else:
            state = "todo"
        steps.append({"level": level, "label": level_label(level), "state": state})
    return steps


def _department_states(row: selectors.NominationRow) -> list[dict[str, str]]:
    """Each joint-review department: passed, rejected, held (its 不宜 rejection awaits the street), pending
    (its turn now) or waiting (the nomination has not reached the district)."""
    done = {r.department: r for r in row.district_reviews}
    states = []
    for code in row.departments_required:
        review = done.get(code)
        if review is None:
            state = "pending" if code in row.departments_pending else "waiting"
        elif rules.counts_as_pass(review.decision, review.street_decision):
            state = "passed"
        elif review == row.held_review:
            state = "held"
        else:
            state = "rejected"
        states.append({"code": code, "state": state})
    return states


def _render_review(request: HttpRequest, row: selectors.NominationRow, bound: dict[str, forms.Form] | None = None,
                   status: int = 200) -> HttpResponse:
    user = request.user
    bound = bound or {}
    nomination = row.nomination
    can = review_actions(user, row)
    back = safe_next(request, request.GET.get("next") or request.POST.get("next"), "")
    grounds = _citable(user, row) if can["review"] else []
    review_form = bound.get("review") or ReviewForm(grounds=grounds, initial={
        "version": nomination.version, "level": nomination.level, "next": back})
    held_form = bound.get("held") or HeldDecisionForm(initial={"version": nomination.version, "next": back})
    reports = list(selectors.report_list(user=user, filters={"nomination": nomination.pk}))
    objections = [o for o in selectors.objection_list(election=nomination.election) if o.nomination_id == nomination.pk]
    return render(request, "vetting/review.html", {
        "row": row, "n": nomination, "facts": row.facts, "can": can, "where": where_label(row), "steps": _steps(row),
        "department_states": _department_states(row),
        "warnings": candidate_selectors.nominee_warnings(nomination=nomination),
        "review_form": review_form, "held_form": held_form, "ground_groups": _grouped(grounds),
        "checked": review_form.checked(),
        "acting_as": level_label(nomination.level, user.department if nomination.level == "district" else ""),
        "held": row.held_review, "reports": reports, "objections": objections, "back": back,
        "open_stage": nomination.election.stage in rules.REVIEW_STAGES,
    }, status=status)


@login_required
def review_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_review(request, selectors.review_row(user=request.user, pk=pk))


def _after(request: HttpRequest, pk: int, form: forms.Form) -> str:
    default = reverse("vetting-review", args=[pk])
    return safe_next(request, form.cleaned_data.get("next") if hasattr(form, "cleaned_data") else None, default)


@login_required
@require_POST
def review_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    row = selectors.review_row(user=user, pk=pk)
    nomination = row.nomination
    form = ReviewForm(request.POST, grounds=_citable(user, row))

    def submit(data: dict[str, Any]) -> Any:
        return services.review_submit(actor=user, nomination=nomination, level=data["level"] or nomination.level,
                                      decision=data["decision"], grounds=data["grounds"], note=data["note"],
                                      version=data["version"])

    def done(review: Any) -> str:
        fresh = selectors.review_row(user=user, pk=pk)
        return gettext("已提交%(level)s意见（%(decision)s）。%(name)s：%(where)s。") % {
            "level": level_label(review.level, review.department),
            "decision": gettext(rules.DECISION_LABELS[review.decision]), "name": nomination.person.name,
            "where": where_label(fresh)}

    failed = run_form(request, form, submit, done)
    if failed == 409:  # someone else acted first: show where it stands now
        return _render_review(request, selectors.review_row(user=user, pk=pk), status=409)
    if failed:
        return _render_review(request, row, {"review": form}, status=failed)
    return redirect(_after(request, pk, form))


@login_required
@require_POST
def held_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    row = selectors.review_row(user=user, pk=pk)
    form = HeldDecisionForm(request.POST)
    if row.held_review is None:
        messages.error(request, gettext("%(name)s没有待街道决定的不宜情形。") % {"name": row.person.name})
        return _render_review(request, row, status=409)

    def decide(data: dict[str, Any]) -> Any:
        return services.held_decide(actor=user, review=row.held_review, decision=data["decision"],
                                    reason=data["reason"], version=data["version"])

    def done(review: Any) -> str:
        fresh = selectors.review_row(user=user, pk=pk)
        return gettext("街道决定已登记（%(decision)s）。%(name)s：%(where)s。") % {
            "decision": gettext(rules.STREET_DECISION_LABELS[review.street_decision]), "name": row.person.name,
            "where": where_label(fresh)}

    failed = run_form(request, form, decide, done)
    if failed == 409:
        return _render_review(request, selectors.review_row(user=user, pk=pk), status=409)
    if failed:
        return _render_review(request, row, {"held": form}, status=failed)
    return redirect(_after(request, pk, form))


# --------------------------------------------------------------------------------------------
# Overview
# --------------------------------------------------------------------------------------------

OVERVIEW_HEADERS = [
    *QUEUE_HEADERS[:12], gettext_noop("状态"), gettext_noop("审查进度"), gettext_noop("已通过联审的部门"),
    gettext_noop("待联审的部门"), gettext_noop("结论说明"), gettext_noop("审查意见"),
]

# the buckets counted at the top of the overview, with the filter each links to
BUCKETS = [
    ("community", "待社区初审", {"status": "reviewing", "level": "community"}),
    ("street", "待街道全面审查", {"status": "reviewing", "level": "street"}),
    ("district", "待区级联审", {"status": "reviewing", "level": "district"}),
    ("held", "不宜情形待街道决定", {"status": "held"}),
    ("approved", "审查通过", {"status": "approved"}),
    ("rejected", "未通过", {"status": "rejected"}),
    ("withdrawn", "已撤回", {"status": "withdrawn"}),
]


def bucket_of(row: selectors.NominationRow) -> str:
    return row.level if row.status == "reviewing" else row.status


def bucket_counts(rows: list[selectors.NominationRow], query: Any = None) -> list[dict[str, Any]]:
    counted = Counter(bucket_of(r) for r in rows)
    found = []
    for code, label, params in BUCKETS:
        link = query.copy() if query is not None else None
        if link is not None:
            for key in ("status", "level", "page", "export"):
                link.pop(key, None)
            link.update(params)
        found.append({"code": code, "label": label, "count": counted.get(code, 0),
                      "query": link.urlencode() if link is not None else ""})
    return found


def _overview_cells(row: selectors.NominationRow) -> list[Any]:
    return [*_place_cells(row), *_person_cells(row), *_fact_cells(row), "；".join(map(gettext, row.flag_labels)),
            gettext(row.nomination.get_status_display()), where_label(row),
            "、".join(gettext(rules.department_label(d)) for d in row.departments_passed),
            "、".join(gettext(rules.department_label(d)) for d in row.departments_pending),
            row.nomination.outcome, _reviews_text(row)]


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Every nomination in scope and where it stands: for the district and the streets."""
    user = request.user
    if not (user.is_superuser or user.role in {"district_admin", "district_reviewer", "street_staff"}):
        raise PermissionDenied(gettext("资格审查总览供区、街道使用；社区请在选举页的“资格审查”标签查看。"))
    form = OverviewFilterForm(request.GET or None, **_filter_places(user))
    filters = form.filters()
    rows = selectors.vetting_overview(user=user, filters=filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(gettext("资格审查总览"), [gettext(h) for h in OVERVIEW_HEADERS],
                             (_overview_cells(r) for r in rows))
    narrowed = filters.get("status") or filters.get("level")
    everyone = selectors.vetting_overview(user=user, filters={**filters, "status": "", "level": ""}) if narrowed else rows
    page, query = _page(request, rows)
    items = [{"row": r, "where": where_label(r)} for r in page.object_list]
    return render(request, "vetting/overview.html", {
        "form": form, "page": page, "query": query, "items": items, "total": len(rows),
        "buckets": bucket_counts(everyone, request.GET), "everyone": len(everyone),
        "here": request.get_full_path(),
    })

"""/vetting/reports/: reports (举报) in the caller's jurisdiction — registered by the election workers, closed
by the organisers or the discipline commission (纪委监委), the must-investigate ones within their deadline."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_POST

from candidates import selectors as candidate_selectors
from elections import selectors as org_selectors
from elections.exports import xlsx_response

from .. import rules, selectors, services
from ..forms import ReportCloseForm, ReportFilterForm, ReportForm
from .common import run_form, safe_next

REPORT_HEADERS = [
    gettext_noop("街道"), gettext_noop("社区"), gettext_noop("选举对象"), gettext_noop("被举报人"), gettext_noop("提名职位"),
    gettext_noop("举报人"), gettext_noop("联系方式"), gettext_noop("举报渠道"), gettext_noop("必查情形"),
    gettext_noop("举报内容"), gettext_noop("受理日期"), gettext_noop("办结期限"), gettext_noop("逾期"), gettext_noop("状态"),
    gettext_noop("核查结果"), gettext_noop("取消资格"), gettext_noop("办结日期"), gettext_noop("办结人"),
]


def _elections(user: Any) -> Any:
    return org_selectors.election_list(user=user).order_by("community__path", "body", "id")


def _register_choices(user: Any) -> dict[str, Any]:
    return {
        "elections": _elections(user).filter(stage__in=rules.REPORT_STAGES),
        "nominations": candidate_selectors.nomination_list(user=user),
    }


def _may_register(user: Any) -> bool:
    return bool(user.is_superuser or (user.jurisdiction_id
                                      and user.has_perm("vetting.register_report", user.jurisdiction)))


def _reporter_cells(report: Any, visible: bool) -> list[str]:
    """举报人 and 联系方式 of the export: blank where the user may not see who reported (selectors.may_see_reporter)."""
    if not visible:
        return ["" if report.reporter else gettext("匿名"), ""]
    return [report.reporter or gettext("匿名"), report.contact]


def _cells(report: Any, today: Any, user: Any) -> list[Any]:
    e, n = report.election, report.nomination
    return [e.community.parent.name if e.community.parent else "", e.community.name, gettext(e.get_body_display()),
            n.person.name if n else "", gettext(n.get_position_display()) if n else "",
            *_reporter_cells(report, selectors.may_see_reporter(user=user, report=report)),
            gettext(report.get_channel_display()),
            "、".join(gettext(rules.REPORT_CATEGORY_LABELS.get(c, c)) for c in report.categories),
            report.content, report.received_on, report.due_on,
            gettext("是") if rules.report_overdue(report.due_on, today, report.status) else "",
            gettext(report.get_status_display()), report.finding, gettext("是") if report.rejects_nominee else "",
            report.closed_on, report.closed_by.display_name if report.closed_by else ""]


def _render(request: HttpRequest, bound: dict[str, forms.Form] | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    bound = bound or {}
    today = timezone.localdate()
    query = request.GET if request.method == "GET" else {}
    filter_form = ReportFilterForm(query or None, elections=_elections(user))
    reports = list(selectors.report_list(user=user, filters=filter_form.filters()))
    if request.method == "GET" and request.GET.get("export") == "xlsx":
        return xlsx_response(gettext("换届举报"), [gettext(h) for h in REPORT_HEADERS],
                             (_cells(r, today, user) for r in reports))
    may_register = _may_register(user)
    register_form = None
    if may_register:
        register_form = bound.get("register") or ReportForm(
            **_register_choices(user), auto_id="id_report_%s",
            initial={"received_on": today, "channel": "phone", "election": request.GET.get("election") or None})
    rows = []
    for r in reports:
        may_close = r.status == "open" and user.has_perm("vetting.handle_report", r.election)
        rows.append({
            "r": r, "overdue": rules.report_overdue(r.due_on, today, r.status),
            "days_left": (r.due_on - today).days, "days_over": (today - r.due_on).days,
            "may_close": may_close, "show_reporter": selectors.may_see_reporter(user=user, report=r),
            "form": (bound.get(f"close-{r.pk}") or ReportCloseForm(auto_id=f"id_close{r.pk}_%s")) if may_close else None,
        })
    return render(request, "vetting/reports.html", {
        "filter_form": filter_form, "rows": rows, "register_form": register_form,
        "register_open": "register" in bound or not reports,
        "open_count": sum(1 for r in reports if r.status == "open"),
        "overdue_count": sum(1 for row in rows if row["overdue"]),
        "here": request.get_full_path(),
    }, status=status)


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    return _render(request)


@login_required
@require_POST
def report_register(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ReportForm(request.POST, **_register_choices(user), auto_id="id_report_%s")
    failed = run_form(
        request, form,
        lambda d: services.report_register(
            actor=user, election=d["election"], nomination=d["nomination"], reporter=d["reporter"],
            contact=d["contact"], channel=d["channel"], content=d["content"], categories=d["categories"],
            received_on=d["received_on"], due_on=d["due_on"]),
        lambda r: gettext("举报已登记，办结期限 %(due)s。") % {"due": f"{r.due_on:%Y-%m-%d}"},
    )
    if failed:
        return _render(request, {"register": form}, status=failed)
    return redirect(safe_next(request, request.POST.get("next"), reverse("vetting-reports")))


@login_required
@require_POST
def report_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    report = selectors.report_get(user=user, pk=pk)
    form = ReportCloseForm(request.POST, auto_id=f"id_close{pk}_%s")
    failed = run_form(
        request, form,
        lambda d: services.report_close(actor=user, report=report, status=d["status"], finding=d["finding"],
                                        rejects_nominee=d["rejects_nominee"], closed_on=d["closed_on"]),
        lambda r: gettext("举报已办结：%(status)s。") % {"status": gettext(r.get_status_display())},
    )
    if failed:
        return _render(request, {f"close-{pk}": form}, status=failed)
    return redirect(safe_next(request, request.POST.get("next"), reverse("vetting-reports")))

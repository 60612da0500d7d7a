"""The election page's vetting tabs: 资格审查 (where each nomination stands, the grounds fed back) and 公示与异议
(the publicity period, objections, the election's reports), registered with elections' tab registry."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from candidates import selectors as candidate_selectors
from elections import extensions
from elections import selectors as org_selectors
from elections.exports import xlsx_response
from elections.views import form_outcome

from .. import rules, selectors, services
from ..forms import ObjectionForm, ObjectionResolveForm, PublicityForm
from .common import review_actions, run_form, where_label
from .review import OVERVIEW_HEADERS, _overview_cells, bucket_counts

# --------------------------------------------------------------------------------------------
# 资格审查 tab
# --------------------------------------------------------------------------------------------


def _latest_rejection(row: selectors.NominationRow) -> Any:
    rejections = [r for r in row.reviews if r.decision == "reject"]
    return rejections[-1] if rejections else None


def _vetting_tab(request: HttpRequest, election: Any, bound: dict[str, Any]) -> dict[str, Any] | HttpResponse:
    user = request.user
    rows = selectors.vetting_overview(user=user, filters={"election": election.pk})
    if request.method == "GET" and request.GET.get("export") == "xlsx":
        return xlsx_response(f"{election.community.name}{gettext(election.get_body_display())}-"
                             + gettext("资格审查"), [gettext(h) for h in OVERVIEW_HEADERS],
                             (_overview_cells(r) for r in rows))
    items = [{"row": r, "where": where_label(r), "can": review_actions(user, r), "rejection": _latest_rejection(r)}
             for r in rows]
    return {
        "vetting_items": items,
        "vetting_buckets": [b for b in bucket_counts(rows) if b["count"]],
        "vetting_open_stage": election.stage in rules.REVIEW_STAGES,
    }


# --------------------------------------------------------------------------------------------
# 公示与异议 tab
# --------------------------------------------------------------------------------------------

OBJECTION_HEADERS = [
    gettext_noop("受理日期"), gettext_noop("涉及人选"), gettext_noop("提名职位"), gettext_noop("反映人"),
    gettext_noop("联系方式"), gettext_noop("反映内容"), gettext_noop("状态"), gettext_noop("调查处理结果"),
    gettext_noop("办结日期"), gettext_noop("办结人"),
]


def _publicity_state(election: Any, publicity: Any, today: Any) -> dict[str, Any] | None:
    if publicity is None:
        return None
    days = rules.publicity_days(publicity.starts_on, publicity.ends_on)
    min_days = int(election.effective_rules().get("publicity_min_days", 5))
    return {
        "days": days, "min_days": min_days, "long_enough": days >= min_days,
        "over": rules.publicity_over(publicity.ends_on, today),
        "started": today >= publicity.starts_on,
        "days_left": rules.publicity_days_left(publicity.ends_on, today),
    }


def _publicity_tab(request: HttpRequest, election: Any, bound: dict[str, Any]) -> dict[str, Any] | HttpResponse:
    user = request.user
    today = timezone.localdate()
    objections = list(selectors.objection_list(election=election).select_related("recorded_by"))
    if request.method == "GET" and request.GET.get("export") == "xlsx":
        return xlsx_response(f"{election.community.name}{gettext(election.get_body_display())}-" + gettext("公示异议"),
                             [gettext(h) for h in OBJECTION_HEADERS], (
            [o.received_on, o.nomination.person.name if o.nomination else "",
             gettext(o.nomination.get_position_display()) if o.nomination else "", o.objector, o.contact, o.content,
             gettext(o.get_status_display()), o.finding, o.resolved_on,
             o.resolved_by.display_name if o.resolved_by else ""]
            for o in objections))
    publicity = selectors.publicity_for(election=election)
    state = _publicity_state(election, publicity, today)
    may_manage = election.stage == "publicity" and user.has_perm("vetting.manage_publicity", election)
    unpublicised = selectors.approved_after(election=election, starts_on=publicity.starts_on) if publicity else []
    initial = ({"starts_on": publicity.starts_on, "ends_on": publicity.ends_on, "place": publicity.place}
               if publicity else {})
    nominations = candidate_selectors.nomination_list(user=user, election=election, filters={"live": True})
    reports = list(selectors.report_list(user=user, filters={"election": election.pk}))
    return {
        "publicity": publicity,
        "publicity_state": state,
        "min_days": int(election.effective_rules().get("publicity_min_days", 5)),
        "may_manage_publicity": may_manage,
        "may_set_publicity": may_manage and not (state and state["over"] and not unpublicised),
        "unpublicised": unpublicised,
        "publicity_form": bound.get("publicity") or PublicityForm(initial=initial, auto_id="id_publicity_%s"),
        "publicity_form_open": "publicity" in bound or publicity is None,
        "objection_items": [{"o": o, "form": (bound.get(f"resolve-{o.pk}") or ObjectionResolveForm(
            auto_id=f"id_resolve{o.pk}_%s")) if may_manage and o.status == "open" else None} for o in objections],
        "objections_open": sum(1 for o in objections if o.status == "open"),
        "objection_form": bound.get("objection") or ObjectionForm(nominations=nominations, auto_id="id_objection_%s"),
        "objection_form_open": "objection" in bound,
        "election_reports": reports,
        "reports_open": sum(1 for r in reports if r.status == "open"),
        "reports_overdue": sum(1 for r in reports if rules.report_overdue(r.due_on, today, r.status)),
    }


def _election(request: HttpRequest, pk: int) -> Any:
    return org_selectors.election_get(user=request.user, pk=pk)


@login_required
@require_POST
def publicity_set(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election(request, pk)
    form = PublicityForm(request.POST, auto_id="id_publicity_%s")
    failed = run_form(
        request, form,
        lambda d: services.publicity_set(actor=request.user, election=election, starts_on=d["starts_on"],
                                         ends_on=d["ends_on"], place=d["place"]),
        lambda p: gettext("公示期已登记：%(start)s 至 %(end)s，共 %(days)s 天。") % {
            "start": f"{p.starts_on:%Y-%m-%d}", "end": f"{p.ends_on:%Y-%m-%d}",
            "days": rules.publicity_days(p.starts_on, p.ends_on)},
    )
    return form_outcome(request, election, "publicity", "publicity", form, failed, "publicity")


@login_required
@require_POST
def objection_register(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election(request, pk)
    nominations = candidate_selectors.nomination_list(user=request.user, election=election, filters={"live": True})
    form = ObjectionForm(request.POST, nominations=nominations, auto_id="id_objection_%s")
    failed = run_form(
        request, form,
        lambda d: services.objection_register(actor=request.user, election=election, nomination=d["nomination"],
                                              objector=d["objector"], contact=d["contact"], content=d["content"],
                                              received_on=d["received_on"]),
        gettext("公示异议已登记。"),
    )
    return form_outcome(request, election, "publicity", "objection", form, failed, "objections")


@login_required
@require_POST
def objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    objection = selectors.objection_get(user=request.user, pk=pk)
    election = _election(request, objection.election_id)
    form = ObjectionResolveForm(request.POST, auto_id=f"id_resolve{pk}_%s")

    def done(o: Any) -> str:
        text = gettext("异议已办结：%(status)s。") % {"status": gettext(o.get_status_display())}
        if o.status == "upheld" and o.nomination is not None:
            text += gettext("%(name)s的提名已取消。") % {"name": o.nomination.person.name}
        return text

    failed = run_form(
        request, form,
        lambda d: services.objection_resolve(actor=request.user, objection=objection, status=d["status"],
                                             finding=d["finding"], resolved_on=d["resolved_on"]),
        done,
    )
    return form_outcome(request, election, "publicity", f"resolve-{pk}", form, failed, "objections")


def register_election_pages() -> None:
    """Called from VettingConfig.ready(): the election page's 资格审查 and 公示与异议 tabs (every body)."""
    extensions.register_tab("vetting", _("资格审查"), "vetting/_tab_vetting.html", _vetting_tab, order=55)
    extensions.register_tab("publicity", _("公示与异议"), "vetting/_tab_publicity.html", _publicity_tab, order=60)


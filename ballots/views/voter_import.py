"""Pages of the voter-roll import: the upload page of an election (with the template to fill in and the earlier
imports), the job page (a progress bar that follows the job, then its counts, the rows with problems — also as
Excel — and the rows held back, each registered or discarded with a reason)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from candidates.rules import mask_id_number
from elections import extensions
from elections import selectors as election_selectors
from elections.exports import xlsx_response
from elections.views import handle_form, tab_url

from .. import importer
from ..forms.voter_import import HeldDecisionForm, VoterImportForm
from ..rules import voters as voter_rules
from ..selectors import voter_import as selectors
from ..services import voter_import as services

ERRORS_PER_PAGE = 100
HELD_PER_PAGE = 50
VOTERS_TAB = "voters"


def _import_page(request: HttpRequest, election: Any, form: VoterImportForm, status: int = 200) -> HttpResponse:
    may = request.user.has_perm("ballots.manage_voters", election)
    stage_open = election.stage in services.IMPORT_STAGES
    return render(request, "ballots/voter_import.html", {
        "election": election,
        "form": form,
        "can_import": may and stage_open,
        "may_manage": may,
        "stage_open": stage_open,
        "jobs": selectors.import_jobs(election=election)[:20],
        "voters_url": tab_url(election, VOTERS_TAB),
        "aliases": {field: "、".join(h for h in names if h != voter_rules.FIELD_LABELS[field] and not h.isascii())
                    for field, names in voter_rules.HEADER_SYNONYMS.items()},
        "min_age": election.effective_rules().get("min_voter_age", 18),
        "max_rows": services.max_rows(),
        "max_mb": services.max_bytes() // 1048576,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def voter_import(request: HttpRequest, pk: int) -> HttpResponse:
    election = election_selectors.election_get(user=request.user, pk=pk)
    if request.method == "GET":
        return _import_page(request, election, VoterImportForm())
    form = VoterImportForm(request.POST, request.FILES)
    created: list[Any] = []

    def start(data: dict[str, Any]) -> Any:
        upload = data["file"]
        services.check_upload_size(upload.name, upload.size)
        job = services.voter_import_start(actor=request.user, election=election, file_name=upload.name,
                                          content=upload.read())
        created.append(job)
        return job

    failed = handle_form(request, form, start,
                         lambda job: gettext("已上传“%(file)s”，正在导入。") % {"file": job.source_name})
    if failed:
        return _import_page(request, election, form, status=failed)
    return redirect("job-detail", pk=created[0].pk)


@login_required
def voter_import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(importer.template_bytes(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('选民名单导入模板')}.xlsx"
    return response


def _page(request: HttpRequest, items: Any, per_page: int, param: str) -> Any:
    return Paginator(items, per_page).get_page(request.GET.get(param))


def _query(request: HttpRequest, drop: str) -> str:
    query = request.GET.copy()
    query.pop(drop, None)
    return query.urlencode()


def _job_page(request: HttpRequest, job: Any, bound: dict[int, HeldDecisionForm] | None = None,
              status: int = 200) -> HttpResponse:
    bound = bound or {}
    election = job.election
    result = job.result or {}
    labels = {**voter_rules.FIELD_LABELS, **result.get("columns", {})}
    errors = _page(request, job.errors or [], ERRORS_PER_PAGE, "page")
    for error in errors.object_list:
        error["label"] = labels.get(error.get("field"), "")
    held = _page(request, selectors.held_rows(job=job), HELD_PER_PAGE, "held")
    may_manage = election is not None and request.user.has_perm("ballots.manage_voters", election)
    can_decide = may_manage and election.stage in services.IMPORT_STAGES
    page_rows = list(held.object_list)
    # one permission check for the page, not one per row
    may_transfer = any(h.kind == "other_community" and h.other_voter_id is not None for h in page_rows) \
        and services.may_transfer(request.user, election)
    rows = [{
        "h": h,
        "masked": mask_id_number(h.id_number),
        "form": bound.get(h.pk) or HeldDecisionForm(auto_id=f"id_held{h.pk}_%s"),
        "transfer": h.kind == "other_community" and h.other_voter_id is not None and may_transfer,
    } for h in page_rows]
    return render(request, "ballots/job_detail.html", {
        "job": job,
        "election": election,
        "result": result,
        "running": job.state in {"queued", "running"},
        "errors": errors,
        "errors_query": _query(request, "page"),
        "held": held,
        "held_rows": rows,
        "held_query": _query(request, "held"),
        "held_counts": selectors.held_counts(job=job),
        "can_decide": can_decide,
        "voters_url": tab_url(election, VOTERS_TAB) if election is not None else "",
        "api_url": reverse("api-job-detail", args=[job.pk]),
    }, status=status)


ERROR_HEADERS = ["行号", "列", "问题"]


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_get(user=request.user, pk=pk)
    if request.GET.get("export") == "errors":
        labels = {**voter_rules.FIELD_LABELS, **(job.result or {}).get("columns", {})}
        return xlsx_response(f"{job.source_name or '导入'}-错误行", ERROR_HEADERS, (
            [e.get("row"), labels.get(e.get("field"), e.get("field", "")), e.get("message", "")]
            for e in job.errors or []))
    return _job_page(request, job)


@login_required
@require_POST
def held_row_decide(request: HttpRequest, pk: int) -> HttpResponse:
    held = selectors.held_row_get(user=request.user, pk=pk)
    job = selectors.job_get(user=request.user, pk=held.job_id)
    form = HeldDecisionForm(request.POST, auto_id=f"id_held{pk}_%s")
    failed = handle_form(
        request, form,
        lambda d: services.held_row_decide(actor=request.user, held_row=held, decision=d["decision"],
                                           reason=d["reason"]),
        lambda h: (gettext("第 %(row)s 行 %(name)s 已登记为选民。") if h.decision == "registered"
                   else gettext("第 %(row)s 行 %(name)s 不予登记。")) % {"row": h.row, "name": h.name},
    )
    if failed:
        return _job_page(request, job, {held.pk: form}, status=failed)
    return redirect(f"{reverse('job-detail', args=[job.pk])}?{request.GET.urlencode()}#held-{held.pk}")


def register_pages() -> None:
    """Called from BallotsConfig.ready() through register_pages(): the import pages at the site root."""
    extensions.register_urls([
        path("elections/<int:pk>/voters/import/", voter_import, name="voter-import"),
        path("voters/import/template/", voter_import_template, name="voter-import-template"),
        path("jobs/<int:pk>/", job_detail, name="job-detail"),
        path("held-rows/<int:pk>/decide/", held_row_decide, name="held-row-decide"),
    ])


"""The election's "选民登记" tab (the roll's summary with its publication deadline and the voluntary floor, settings,
publication, the list with filters, pages and Excel export, one voter's registration, correction and removal,
objections and their decisions) and the printable voter list (选民榜)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from elections import extensions
from elections import selectors as org_selectors
from elections.errors import ApplicationError
from elections.exports import xlsx_response
from elections.views import form_outcome, handle_form

from ..forms.voters import (
    ObjectionDecideForm,
    ObjectionRaiseForm,
    RollSettingsForm,
    VoterAddForm,
    VoterEditForm,
    VoterFilterForm,
    VoterPublishForm,
    VoterRemoveForm,
)
from ..models import CATEGORY_LABELS
from ..rules.roll import ROLL_STAGES
from ..selectors import voters as selectors
from ..services import voters as services

VOTERS_TAB = "voters"
PAGE_SIZE = 100
FILTER_KEYS = ("q", "group", "category", "status")
PRINT_COLUMNS = 6
SOURCE_LABELS = {"import": "导入", "manual": "手工登记", "objection": "异议处理"}
EXPORT_HEADERS = ["居民小组", "姓名", "身份证号码", "性别", "出生日期", "户籍类别", "状态", "来源", "登记说明", "除名原因"]
SEX_LABELS = {"male": "男", "female": "女"}


def _export(request: HttpRequest, election: Any, voters: Any, may_manage: bool) -> HttpResponse:
    """The filtered roll as Excel; ID numbers masked unless ``ids=full`` by someone who manages the roll (that
    export is recorded in the audit trail)."""
    full = request.GET.get("ids") == "full"
    if full:
        if not may_manage:
            raise PermissionDenied(gettext("您没有权限导出完整身份证号码。"))
        services.voter_list_export_record(actor=request.user, election=election, rows=voters.count())
    headers = list(EXPORT_HEADERS)
    headers[2] = "身份证号码" if full else "身份证号码（脱敏）"
    return xlsx_response(
        f"{election.community.name}{election.get_body_display()}-选民名单", headers,
        ([v.group, v.name, v.id_number if full else v.masked_id, SEX_LABELS.get(v.sex, v.sex), v.birth_date,
          CATEGORY_LABELS.get(v.category, v.category), v.get_status_display(), SOURCE_LABELS.get(v.source, v.source),
          v.added_reason, v.removed_reason]
         for v in voters.iterator(chunk_size=2000)),
    )


def _decide_form(row: Any, data: Any = None) -> ObjectionDecideForm:
    o = row.objection
    initial = {"decided_on": timezone.localdate(), "version": o.version}
    if o.kind == "omitted":
        initial["name"] = o.subject_name
    return ObjectionDecideForm(data, kind=o.kind, named=o.voter_id is not None, initial=initial,
                               auto_id=f"id_rodecide{o.pk}_%s")


def _voters_tab(request: HttpRequest, election: Any, bound: dict[str, Any]) -> dict[str, Any] | HttpResponse:
    user = request.user
    groups = selectors.roll_groups(election=election)
    filtering = request.method == "GET" and any(k in request.GET for k in FILTER_KEYS)
    filter_form = VoterFilterForm(request.GET if filtering else None, groups=groups, auto_id="id_vfilter_%s")
    voters = selectors.voter_list(user=user, election=election, filters=filter_form.filters())
    may_manage = user.has_perm("ballots.manage_voters", election)
    if request.method == "GET" and request.GET.get("export") == "xlsx":
        return _export(request, election, voters, may_manage)
    open_stage = election.stage in ROLL_STAGES
    can = {
        "manage": may_manage and open_stage,
        "publish": open_stage and user.has_perm("ballots.publish_voter_list", election),
        "decide": open_stage and user.has_perm("ballots.decide_roll_objection", election),
        "full_export": may_manage,
        "open_stage": open_stage,
    }
    summary = selectors.roll_summary(election=election)
    page = Paginator(voters, PAGE_SIZE).get_page(request.GET.get("page"))
    items = []
    for v in page.object_list:
        keys = (f"voter-edit-{v.pk}", f"voter-remove-{v.pk}")
        items.append({
            "v": v,
            "edit_form": bound.get(keys[0]) or VoterEditForm(initial={"group": v.group, "category": v.category},
                                                             auto_id=f"id_vedit{v.pk}_%s"),
            "remove_form": bound.get(keys[1]) or VoterRemoveForm(auto_id=f"id_vremove{v.pk}_%s"),
            "open": any(k in bound for k in keys),
        })
    query = request.GET.copy() if request.method == "GET" else QueryDict(mutable=True)
    query.pop("page", None)
    query.pop("export", None)
    query["tab"] = VOTERS_TAB
    export_query = query.copy()
    export_query["export"] = "xlsx"
    objections = []
    for row in selectors.roll_objection_rows(election=election):
        key = f"objection-decide-{row.objection.pk}"
        objections.append({"row": row, "o": row.objection, "open": key in bound,
                           "form": (bound.get(key) or _decide_form(row)) if row.open and can["decide"] else None})
    roll = summary.roll
    return {
        "roll_summary": summary,
        "voter_items": items,
        "voter_page": page,
        "voter_query": query.urlencode(),
        "voter_export_query": export_query.urlencode(),
        "voter_export_fields": [(k, v) for k, values in export_query.lists() for v in values],
        "voter_filter_form": filter_form,
        "voter_filtered": filter_form.is_bound,
        "can_roll": can,
        "roll_objections": objections,
        "roll_settings_form": bound.get("roll-settings") or RollSettingsForm(
            initial={"mode": summary.mode, "residents_total": summary.residents_total}, body=election.body,
            auto_id="id_rsettings_%s"),
        "voter_publish_form": bound.get("voter-publish") or VoterPublishForm(
            initial={"published_on": summary.published_on or timezone.localdate()}, auto_id="id_vpublish_%s"),
        "voter_add_form": bound.get("voter-add") or VoterAddForm(auto_id="id_vadd_%s"),
        "objection_raise_form": bound.get("objection-raise") or ObjectionRaiseForm(
            initial={"raised_on": timezone.localdate()}, auto_id="id_roraise_%s"),
        "roll_bound": set(bound),
        "roll_published_by": roll.published_by if roll else None,
    }


def _election(request: HttpRequest, pk: int) -> Any:
    return org_selectors.election_get(user=request.user, pk=pk)


@login_required
@require_POST
def voter_roll_configure(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election(request, pk)
    form = RollSettingsForm(request.POST, body=election.body, auto_id="id_rsettings_%s")
    failed = handle_form(
        request, form,
        lambda d: services.voter_roll_configure(actor=request.user, election=election, mode=d["mode"],
                                                residents_total=d["residents_total"]),
        gettext("已保存选民登记方式。"),
    )
    return form_outcome(request, election, VOTERS_TAB, "roll-settings", form, failed, "roll-summary")


@login_required
@require_POST
def voter_list_publish(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election(request, pk)
    form = VoterPublishForm(request.POST, auto_id="id_vpublish_%s")
    failed = handle_form(
        request, form,
        lambda d: services.voter_list_publish(actor=request.user, election=election, published_on=d["published_on"]),
        lambda roll: gettext("已登记选民名单的公布日期：%(day)s。") % {"day": roll.published_on.isoformat()},
    )
    return form_outcome(request, election, VOTERS_TAB, "voter-publish", form, failed, "roll-summary")


@login_required
@require_POST
def voter_register(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election(request, pk)
    form = VoterAddForm(request.POST, auto_id="id_vadd_%s")
    failed = handle_form(
        request, form,
        lambda d: services.voter_register(actor=request.user, election=election, **d),
        lambda v: gettext("已登记选民 %(name)s（居民小组 %(group)s）。") % {"name": v.name, "group": v.group},
    )
    return form_outcome(request, election, VOTERS_TAB, "voter-add", form, failed, "voter-list")


@login_required
@require_POST
def voter_update(request: HttpRequest, pk: int) -> HttpResponse:
    voter = selectors.voter_get(user=request.user, pk=pk)
    election = _election(request, voter.election_id)
    form = VoterEditForm(request.POST, auto_id=f"id_vedit{pk}_%s")
    failed = handle_form(
        request, form,
        lambda d: services.voter_update(actor=request.user, voter=voter, **d),
        lambda v: gettext("已更正选民 %(name)s 的信息。") % {"name": v.name},
    )
    return form_outcome(request, election, VOTERS_TAB, f"voter-edit-{pk}", form, failed, "voter-list")


@login_required
@require_POST
def voter_remove(request: HttpRequest, pk: int) -> HttpResponse:
    voter = selectors.voter_get(user=request.user, pk=pk)
    election = _election(request, voter.election_id)
    form = VoterRemoveForm(request.POST, auto_id=f"id_vremove{pk}_%s")
    failed = handle_form(
        request, form,
        lambda d: services.voter_remove(actor=request.user, voter=voter, reason=d["reason"]),
        lambda v: gettext("已将 %(name)s 除名。") % {"name": v.name},
    )
    return form_outcome(request, election, VOTERS_TAB, f"voter-remove-{pk}", form, failed, "voter-list")


def _named_voter(election: Any, id_number: str, field: str) -> Any:
    if not (id_number or "").strip():
        return None
    voter = selectors.voter_by_id_number(election=election, id_number=id_number)
    if voter is None:
        message = gettext("名单中没有身份证号为 %(number)s 的已登记选民。") % {"number": id_number.strip()}
        raise ApplicationError(message, {field: [message]})
    return voter


@login_required
@require_POST
def roll_objection_raise(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election(request, pk)
    form = ObjectionRaiseForm(request.POST, auto_id="id_roraise_%s")

    def raise_(d: dict[str, Any]) -> Any:
        voter = _named_voter(election, d.pop("voter_id_number"), "voter_id_number")
        return services.roll_objection_raise(actor=request.user, election=election, voter=voter, **d)

    failed = handle_form(request, form, raise_,
                         lambda o: gettext("已受理对 %(name)s 的选民名单异议。") % {"name": o.subject_name})
    return form_outcome(request, election, VOTERS_TAB, "objection-raise", form, failed, "roll-objections")


@login_required
@require_POST
def roll_objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    objection = selectors.roll_objection_get(user=request.user, pk=pk)
    election = _election(request, objection.election_id)
    row = selectors.roll_objection_row(objection=objection)
    form = _decide_form(row, request.POST)

    def decide(d: dict[str, Any]) -> Any:
        voter = _named_voter(election, d.pop("voter_id_number", ""), "voter_id_number")
        return services.roll_objection_decide(actor=request.user, objection=objection, voter=voter, **d)

    failed = handle_form(request, form, decide,
                         lambda o: gettext("已处理对 %(name)s 的选民名单异议。") % {"name": o.subject_name})
    return form_outcome(request, election, VOTERS_TAB, f"objection-decide-{pk}", form, failed, "roll-objections")


# --------------------------------------------------------------------------------------------
# The printable voter list (选民榜): names only, by residents' group — no ID numbers, no phones
# --------------------------------------------------------------------------------------------


def _issuer(election: Any) -> str:
    community = election.community.name
    if election.body == "party_committee":
        return f"中共{community}委员会"
    return f"{community}居民选举委员会"


def _rows(names: list[str], columns: int) -> list[list[str]]:
    rows = [names[i:i + columns] for i in range(0, len(names), columns)]
    if rows and len(rows[-1]) < columns:
        rows[-1] = rows[-1] + [""] * (columns - len(rows[-1]))
    return rows


@login_required
def voter_list_print(request: HttpRequest, pk: int) -> HttpResponse:
    election = _election(request, pk)
    summary = selectors.roll_summary(election=election)
    groups = [{"name": g, "label": g if "组" in g else f"居民小组 {g}", "count": len(names),
               "rows": _rows(names, PRINT_COLUMNS)}
              for g, names in selectors.voters_by_group(election=election)]
    return render(request, "ballots/voter_list_print.html", {
        "election": election, "summary": summary, "groups": groups, "total": sum(g["count"] for g in groups),
        "issuer": _issuer(election), "draft": summary.published_on is None, "columns": PRINT_COLUMNS,
        "body_label": election.get_body_display(),
    })


def register_pages() -> None:
    """Called from BallotsConfig.ready(): the "选民登记" tab and its pages."""
    extensions.register_tab(VOTERS_TAB, _("选民登记"), "ballots/_tab_voters.html", _voters_tab, order=70)
    extensions.register_urls([
        path("elections/<int:pk>/voters/settings/", voter_roll_configure, name="voter-roll-configure"),
        path("elections/<int:pk>/voters/publish/", voter_list_publish, name="voter-list-publish"),
        path("elections/<int:pk>/voters/add/", voter_register, name="voter-register"),
        path("elections/<int:pk>/voters/print/", voter_list_print, name="voter-list-print"),
        path("elections/<int:pk>/roll-objections/add/", roll_objection_raise, name="roll-objection-raise"),
        path("voters/<int:pk>/edit/", voter_update, name="voter-update"),
        path("voters/<int:pk>/remove/", voter_remove, name="voter-remove"),
        path("roll-objections/<int:pk>/decide/", roll_objection_decide, name="roll-objection-decide"),
    ])

"""Preparation pages on the election page (incumbents, audits and talks; the residents' election committee)
and /incumbents/, registered with elections' tab and page registry."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from elections import extensions
from elections import selectors as org_selectors
from elections.exports import xlsx_response
from elections.views import form_outcome, handle_form

from .. import selectors, services
from ..forms import (
    AuditForm,
    CommitteeEditForm,
    CommitteeMemberForm,
    IncumbentFilterForm,
    IncumbentForm,
    ReasonForm,
    TalkForm,
)

# --------------------------------------------------------------------------------------------
# Preparation: incumbents, audits and talks (现任与审计)
# --------------------------------------------------------------------------------------------

INCUMBENT_HEADERS = ["姓名", "现任职务", "审计状态", "审计单位", "审计结论", "审计日期", "结果公布日期", "发现的问题",
                     "问题处理情况", "谈心谈话", "谈话日期", "谈话人"]


def _incumbent_cells(row: selectors.IncumbentRow) -> list[Any]:
    audit, talk = row.audit, (row.talks[0] if row.talks else None)
    return [row.incumbent.person.name, row.incumbent.get_position_display(),
            row.audit_status_label,
            audit.auditor if audit else "", audit.conclusion if audit else "", audit.audited_on if audit else None,
            audit.published_on if audit else None, audit.findings if audit else "", audit.handling if audit else "",
            "是" if row.talked else "否", talk.held_on if talk else None, talk.interviewers if talk else ""]


def _audit_initial(row: selectors.IncumbentRow) -> dict[str, Any]:
    if row.audit is None:
        return {}
    return {f: getattr(row.audit, f) for f in AuditForm.base_fields}


def _incumbents_tab(request: HttpRequest, election: Any, bound: dict[str, Any]) -> dict[str, Any] | HttpResponse:
    user = request.user
    rows = selectors.incumbent_rows(election=election)
    if request.method == "GET" and request.GET.get("export") == "xlsx":
        return xlsx_response(f"{election.community.name}{election.get_body_display()}-现任成员审计与谈话",
                             INCUMBENT_HEADERS, (_incumbent_cells(r) for r in rows))
    may_record = user.has_perm("elections.record_preparation", election)
    can = {"edit": may_record and election.stage == "preparation", "talk": may_record and election.stage != "closed"}
    items = []
    for row in rows:
        pk = row.incumbent.pk
        keys = (f"audit-{pk}", f"talk-{pk}", f"remove-{pk}")
        items.append({
            "row": row,
            "latest_talk": row.talks[0] if row.talks else None,
            "audit_form": bound.get(keys[0]) or AuditForm(initial=_audit_initial(row), auto_id=f"id_audit{pk}_%s"),
            "talk_form": bound.get(keys[1]) or TalkForm(auto_id=f"id_talk{pk}_%s",
                                                        initial={"held_on": timezone.localdate()}),
            "remove_form": bound.get(keys[2]) or ReasonForm(auto_id=f"id_remove{pk}_%s"),
            "open": any(k in bound for k in keys),
        })
    progress = selectors.progress_by_community(rows)
    people = selectors.person_choices(user=user, community=election.community,
                                      exclude_ids=[r.incumbent.person_id for r in rows])
    return {
        "incumbent_items": items,
        "progress": progress[0] if progress else None,
        "can_incumbents": can,
        "incumbent_form": bound.get("add") or IncumbentForm(body=election.body, people=people,
                                                             auto_id="id_incumbent_%s"),
        "incumbent_form_open": "add" in bound,
    }


def _election_of(request: HttpRequest, incumbent: Any) -> Any:
    return org_selectors.election_get(user=request.user, pk=incumbent.election_id)


@login_required
@require_POST
def incumbent_add(request: HttpRequest, pk: int) -> HttpResponse:
    election = org_selectors.election_get(user=request.user, pk=pk)
    people = selectors.person_choices(user=request.user, community=election.community)
    form = IncumbentForm(request.POST, body=election.body, people=people, auto_id="id_incumbent_%s")
    failed = handle_form(
        request, form,
        lambda d: services.incumbent_add(actor=request.user, election=election, person=d["person"],
                                         position=d["position"], note=d["note"]),
        lambda i: gettext("已录入现任成员 %(name)s。") % {"name": i.person.name},
    )
    return form_outcome(request, election, "incumbents", "add", form, failed)


@login_required
@require_POST
def audit_record(request: HttpRequest, pk: int) -> HttpResponse:
    incumbent = selectors.incumbent_get(user=request.user, pk=pk)
    form = AuditForm(request.POST, auto_id=f"id_audit{pk}_%s")
    failed = handle_form(
        request, form,
        lambda d: services.audit_record(actor=request.user, incumbent=incumbent, **d),
        lambda a: gettext("已登记 %(name)s 的经济责任审计。") % {"name": incumbent.person.name},
    )
    election = _election_of(request, incumbent)
    return form_outcome(request, election, "incumbents", f"audit-{pk}", form, failed, f"incumbent-{pk}")


@login_required
@require_POST
def talk_record(request: HttpRequest, pk: int) -> HttpResponse:
    incumbent = selectors.incumbent_get(user=request.user, pk=pk)
    form = TalkForm(request.POST, auto_id=f"id_talk{pk}_%s")
    failed = handle_form(
        request, form,
        lambda d: services.talk_record(actor=request.user, incumbent=incumbent, **d),
        lambda t: gettext("已登记与 %(name)s 的谈心谈话。") % {"name": incumbent.person.name},
    )
    election = _election_of(request, incumbent)
    return form_outcome(request, election, "incumbents", f"talk-{pk}", form, failed, f"incumbent-{pk}")


@login_required
@require_POST
def incumbent_remove(request: HttpRequest, pk: int) -> HttpResponse:
    incumbent = selectors.incumbent_get(user=request.user, pk=pk)
    election = _election_of(request, incumbent)
    name = incumbent.person.name
    form = ReasonForm(request.POST, auto_id=f"id_remove{pk}_%s")
    failed = handle_form(
        request, form,
        lambda d: services.incumbent_remove(actor=request.user, incumbent=incumbent, reason=d["reason"]),
        gettext("已删除现任成员 %(name)s。") % {"name": name},
    )
    return form_outcome(request, election, "incumbents", f"remove-{pk}", form, failed)


OVERVIEW_HEADERS = ["街道", "社区", "选举对象", *INCUMBENT_HEADERS, "换届工作"]


@login_required
def incumbent_overview(request: HttpRequest) -> HttpResponse:
    """现任成员审计与谈话: progress per community and every incumbent across the user's jurisdiction."""
    user = request.user
    places = org_selectors.jurisdiction_list(user=user)
    form = IncumbentFilterForm(request.GET or None, campaigns=org_selectors.campaign_list(user=user),
                               streets=places.filter(level="street"), communities=places.filter(level="community"))
    filters = form.filters()
    rows = selectors.incumbent_overview(user=user, filters=filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("现任成员审计与谈话", OVERVIEW_HEADERS, (
            [r.incumbent.election.community.parent.name if r.incumbent.election.community.parent else "",
             r.incumbent.election.community.name, r.incumbent.election.get_body_display(), *_incumbent_cells(r),
             r.incumbent.election.campaign.name]
            for r in rows))
    # progress over the places chosen, whatever the status filters: "3 of 7 audited", not "0 of 4 pending"
    narrowed = any(filters.get(k) for k in ("q", "audit_status", "talked"))
    scope = {k: v for k, v in filters.items() if k in {"campaign", "street", "community", "body"}}
    everyone = selectors.incumbent_overview(user=user, filters=scope) if narrowed else rows
    progress = selectors.progress_by_community(everyone)
    page = Paginator(rows, 200).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "candidates/incumbent_overview.html", {
        "form": form, "page": page, "total": len(rows), "progress": progress, "query": query.urlencode(),
        "totals": {"incumbents": sum(p.incumbents for p in progress), "audited": sum(p.audited for p in progress),
                   "talked": sum(p.talked for p in progress)},
    })


# --------------------------------------------------------------------------------------------
# Preparation: the residents' election committee (居民选举委员会)
# --------------------------------------------------------------------------------------------

COMMITTEE_HEADERS = ["状态", "姓名", "职务", "推选得票", "退出时间", "退出原因", "递补情况"]


def _committee_tab(request: HttpRequest, election: Any, bound: dict[str, Any]) -> dict[str, Any] | HttpResponse:
    user = request.user
    view = selectors.committee_view(election=election)
    successor = {m.replaces_id: m for m in view.members if m.replaces_id}
    if request.method == "GET" and request.GET.get("export") == "xlsx":
        return xlsx_response(f"{election.community.name}-居民选举委员会", COMMITTEE_HEADERS, (
            [_member_state(m), m.person.name, m.get_role_display(), m.votes,
             timezone.localtime(m.withdrawn_at) if m.withdrawn_at else None, m.withdrawn_reason,
             _stepped_in_text(m, successor)]
            for m in view.members))
    may_record = user.has_perm("elections.record_preparation", election)
    can = {"edit": may_record and election.stage not in {"handover", "closed"},
           "remove": may_record and election.stage == "preparation"}
    effective = election.effective_rules()
    size = {"serving": view.serving, "min": effective["election_committee_size_min"],
            "max": effective["election_committee_size_max"], "odd_required": effective["election_committee_odd"]}
    size["in_range"] = size["min"] <= view.serving <= size["max"]
    size["odd"] = view.serving % 2 == 1
    items = []
    for m in view.members:
        keys = (f"edit-{m.pk}", f"withdraw-{m.pk}", f"remove-{m.pk}")
        items.append({
            "m": m,
            "successor": successor.get(m.pk),
            "edit_form": bound.get(keys[0]) or CommitteeEditForm(initial={"role": m.role, "votes": m.votes},
                                                                 auto_id=f"id_edit{m.pk}_%s"),
            "withdraw_form": bound.get(keys[1]) or ReasonForm(auto_id=f"id_withdraw{m.pk}_%s"),
            "remove_form": bound.get(keys[2]) or ReasonForm(auto_id=f"id_cremove{m.pk}_%s"),
            "open": any(k in bound for k in keys),
        })
    people = selectors.person_choices(user=user, community=election.community,
                                      exclude_ids=[m.person_id for m in view.members])
    return {
        "committee": view,
        "serving_items": [i for i in items if i["m"].active and i["m"].role != "alternate"],
        "alternate_items": [i for i in items if i["m"].active and i["m"].role == "alternate"],
        "withdrawn_items": [i for i in items if not i["m"].active],
        "committee_size": size,
        "can_committee": can,
        "member_form": bound.get("add") or CommitteeMemberForm(people=people, auto_id="id_member_%s"),
        "member_form_open": "add" in bound,
    }


def _member_state(member: Any) -> str:
    if not member.active:
        return "已退出"
    return "候补" if member.role == "alternate" else "在任"


def _stepped_in_text(member: Any, successor: dict[int, Any]) -> str:
    parts = []
    if member.replaces_id and member.replaces:
        parts.append(f"递补 {member.replaces.person.name}")
    if member.pk in successor:
        parts.append(f"由 {successor[member.pk].person.name} 递补")
    return "；".join(parts)


@login_required
@require_POST
def committee_add(request: HttpRequest, pk: int) -> HttpResponse:
    election = org_selectors.election_get(user=request.user, pk=pk)
    people = selectors.person_choices(user=request.user, community=election.community)
    form = CommitteeMemberForm(request.POST, people=people, auto_id="id_member_%s")
    failed = handle_form(
        request, form,
        lambda d: services.committee_member_add(actor=request.user, election=election, person=d["person"],
                                                role=d["role"], votes=d["votes"]),
        lambda m: gettext("已登记选举委员会成员 %(name)s。") % {"name": m.person.name},
    )
    return form_outcome(request, election, "committee", "add", form, failed)


def _member_action(request: HttpRequest, pk: int, key: str, form_class: type, action: Any,
                   success: Any) -> HttpResponse:
    member = selectors.committee_member_get(user=request.user, pk=pk)
    election = org_selectors.election_get(user=request.user, pk=member.election_id)
    prefix = {"edit": "edit", "withdraw": "withdraw", "remove": "cremove"}[key]
    form = form_class(request.POST, auto_id=f"id_{prefix}{pk}_%s")
    failed = handle_form(request, form, lambda d: action(member, d), success)
    return form_outcome(request, election, "committee", f"{key}-{pk}", form, failed)


@login_required
@require_POST
def committee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_action(
        request, pk, "edit", CommitteeEditForm,
        lambda m, d: services.committee_member_update(actor=request.user, member=m, role=d["role"], votes=d["votes"]),
        lambda m: gettext("已修改选举委员会成员 %(name)s。") % {"name": m.person.name},
    )


@login_required
@require_POST
def committee_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    # the service's message says who stepped in (or that nobody was left to): the clerk learns it here
    return _member_action(
        request, pk, "withdraw", ReasonForm,
        lambda m, d: services.committee_member_withdraw(actor=request.user, member=m, reason=d["reason"]),
        lambda w: w.message,
    )


@login_required
@require_POST
def committee_remove(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_action(
        request, pk, "remove", ReasonForm,
        lambda m, d: services.committee_member_remove(actor=request.user, member=m, reason=d["reason"]),
        lambda _result: gettext("已删除录入错误的选举委员会成员。"),
    )


def register_election_pages() -> None:
    """Called from CandidatesConfig.ready(): the election page's tabs and the pages at the site root."""
    extensions.register_tab("incumbents", _("现任与审计"), "candidates/_tab_incumbents.html", _incumbents_tab,
                            order=10)
    extensions.register_tab("committee", _("选举委员会"), "candidates/_tab_committee.html", _committee_tab,
                            bodies=["residents_committee"], order=20)
    extensions.register_urls([
        path("incumbents/", incumbent_overview, name="incumbent-overview"),
        path("incumbents/<int:pk>/audit/", audit_record, name="audit-record"),
        path("incumbents/<int:pk>/talk/", talk_record, name="talk-record"),
        path("incumbents/<int:pk>/remove/", incumbent_remove, name="incumbent-remove"),
        path("elections/<int:pk>/incumbents/add/", incumbent_add, name="incumbent-add"),
        path("elections/<int:pk>/committee/add/", committee_add, name="committee-add"),
        path("committee/<int:pk>/edit/", committee_edit, name="committee-edit"),
        path("committee/<int:pk>/withdraw/", committee_withdraw, name="committee-withdraw"),
        path("committee/<int:pk>/remove/", committee_remove, name="committee-remove"),
    ])

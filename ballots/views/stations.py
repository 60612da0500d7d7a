"""The election's "投票站与委托" tab (polling stations, proxies with their filters, pages and Excel export, the
grant and revoke forms) and the printable proxy certificate (委托投票证) and ballots (选票)."""

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

from candidates.rules import mask_id_number
from elections import extensions
from elections import rules as election_rules
from elections import selectors as org_selectors
from elections.errors import ApplicationError
from elections.exports import xlsx_response
from elections.views import form_outcome, handle_form

from ..forms.stations import (
    OptionalReasonForm,
    ProxyFilterForm,
    ProxyForm,
    RevokeForm,
    StationForm,
    station_initial,
)
from ..notices import issuer as notice_issuer
from ..rules import stations as rules
from ..selectors import stations as selectors
from ..services import stations as services
from ..services.stations import PROXY_STAGES, STATION_STAGES

STATIONS_TAB = "stations"
PROXY_PAGE_SIZE = 50
PROXY_HEADERS = ["委托人", "委托人身份证号", "委托人居民小组", "受托人", "受托人身份证号", "受托人居民小组",
                 "书面委托日期", "委托原因", "状态", "撤销原因", "登记人", "登记时间"]


def _proxy_cells(p: Any) -> list[Any]:
    return [p.voter.name, p.voter.masked_id, p.voter.group, p.holder.name, p.holder.masked_id, p.holder.group,
            p.written_on, p.reason, rules.PROXY_STATUS_LABELS.get(p.status, p.status), p.revoked_reason,
            p.created_by.display_name, timezone.localtime(p.created_at)]


def _stations_tab(request: HttpRequest, election: Any, bound: dict[str, Any]) -> dict[str, Any] | HttpResponse:
    user = request.user
    effective = election.effective_rules()
    query = request.GET if request.method == "GET" else {}
    filter_form = ProxyFilterForm(query or None)
    filters = filter_form.filters()
    proxies = selectors.proxy_list(user=user, election=election, filters=filters)
    if request.method == "GET" and request.GET.get("export") == "xlsx":
        return xlsx_response(f"{election.community.name}{election.get_body_display()}-委托投票", PROXY_HEADERS,
                             (_proxy_cells(p) for p in proxies))
    page = Paginator(proxies, PROXY_PAGE_SIZE).get_page(request.GET.get("page"))
    query_string = query.copy() if query else None
    if query_string is not None:
        query_string.pop("page", None)
        query_string.pop("export", None)
        query_string["tab"] = STATIONS_TAB
    can_stations = user.has_perm("ballots.manage_stations", election) and election.stage in STATION_STAGES
    allowed = rules.proxies_allowed(election.body, effective)
    can_proxies = user.has_perm("ballots.manage_proxies", election) and election.stage in PROXY_STAGES
    station_items = []
    for row in selectors.station_rows(election=election):
        pk = row.station.pk
        keys = (f"station-{pk}", f"station-delete-{pk}")
        station_items.append({
            "row": row, "s": row.station,
            "edit_form": bound.get(keys[0]) or StationForm(initial=station_initial(row.station),
                                                           auto_id=f"id_station{pk}_%s"),
            "delete_form": bound.get(keys[1]) or OptionalReasonForm(auto_id=f"id_sdelete{pk}_%s"),
            "open": any(k in bound for k in keys),
        })
    proxy_items = [{
        "p": p,
        "revoke_form": bound.get(f"revoke-{p.pk}") or RevokeForm(auto_id=f"id_revoke{p.pk}_%s"),
        "open": f"revoke-{p.pk}" in bound,
    } for p in page.object_list]
    holders = selectors.holder_counts(election=election)
    limit = rules.proxy_limit(effective)
    rounds = selectors.round_list(election=election)
    return {
        "station_items": station_items,
        "stations_short": sum(1 for item in station_items if item["row"].short),
        "ballots_planned_total": sum(item["s"].ballots_planned or 0 for item in station_items),
        "central_venue_only": bool(effective.get("central_venue_only")),
        "mobile_min": int(effective.get("mobile_box_min_supervisors") or rules.DEFAULT_MOBILE_SUPERVISORS),
        "can_stations": can_stations,
        "station_form": bound.get("station-add") or StationForm(
            initial={"kind": "central" if not station_items else "station"}, auto_id="id_station_%s"),
        "station_form_open": "station-add" in bound,
        "proxies_allowed": allowed,
        "party": election.body == "party_committee",
        "proxy_limit": limit,
        "holder_not_candidate": bool(effective.get("proxy_holder_not_candidate")),
        "can_proxies": can_proxies and allowed,
        "can_revoke": can_proxies,  # also where proxies are not allowed: clearing them is how the gate is met
        "proxy_form": bound.get("proxy-add") or ProxyForm(initial={"written_on": timezone.localdate()},
                                                          auto_id="id_proxy_%s"),
        "proxy_form_open": "proxy-add" in bound,
        "proxy_filter": filter_form,
        "proxy_filtered": bool(filters),
        "proxy_items": proxy_items,
        "proxy_page": page,
        "proxy_query": query_string.urlencode() if query_string is not None else f"tab={STATIONS_TAB}",
        "proxy_counts": selectors.proxy_counts(election=election),
        "holders": holders,
        "holders_full": [h for h in holders if h.count >= limit],
        "holders_over": [h for h in holders if h.count > limit],
        "rounds": rounds,
    }


# --------------------------------------------------------------------------------------------
# Stations
# --------------------------------------------------------------------------------------------


def _station_fields(d: dict[str, Any]) -> dict[str, Any]:
    return {k: d.get(k) for k in services.STATION_FIELDS}


@login_required
@require_POST
def station_add(request: HttpRequest, pk: int) -> HttpResponse:
    election = org_selectors.election_get(user=request.user, pk=pk)
    form = StationForm(request.POST, auto_id="id_station_%s")
    failed = handle_form(
        request, form,
        lambda d: services.station_create(actor=request.user, election=election, **_station_fields(d)),
        lambda s: gettext("已设立 %(name)s。") % {"name": s.name},
    )
    return form_outcome(request, election, STATIONS_TAB, "station-add", form, failed, "stations")


@login_required
@require_POST
def station_edit(request: HttpRequest, pk: int) -> HttpResponse:
    station = selectors.station_get(user=request.user, pk=pk)
    election = org_selectors.election_get(user=request.user, pk=station.election_id)
    form = StationForm(request.POST, auto_id=f"id_station{pk}_%s")
    failed = handle_form(
        request, form,
        lambda d: services.station_update(actor=request.user, station=station, **_station_fields(d)),
        lambda s: gettext("已保存 %(name)s。") % {"name": s.name},
    )
    return form_outcome(request, election, STATIONS_TAB, f"station-{pk}", form, failed, f"station-{pk}")


@login_required
@require_POST
def station_delete(request: HttpRequest, pk: int) -> HttpResponse:
    station = selectors.station_get(user=request.user, pk=pk)
    election = org_selectors.election_get(user=request.user, pk=station.election_id)
    name = station.name
    form = OptionalReasonForm(request.POST, auto_id=f"id_sdelete{pk}_%s")
    failed = handle_form(
        request, form,
        lambda d: services.station_delete(actor=request.user, station=station, reason=d["reason"]),
        gettext("已删除 %(name)s。") % {"name": name},
    )
    return form_outcome(request, election, STATIONS_TAB, f"station-delete-{pk}", form, failed, "stations")


# --------------------------------------------------------------------------------------------
# Proxies
# --------------------------------------------------------------------------------------------

_SIDE_LABELS = {"voter": "委托人", "holder": "受托人"}


def _find(election: Any, form: ProxyForm, side: str) -> Any:
    """The voter one side of the form names; ApplicationError on the form's field when none or several match."""
    lookup = form.lookup(side)
    match = selectors.voter_find(election=election, **lookup)
    if match.voter is not None:
        return match.voter
    who = gettext(_SIDE_LABELS[side])
    if lookup["id_number"]:
        field_name = f"{side}_id_number"
        typed = gettext("身份证号为 %(number)s ") % {"number": mask_id_number(lookup["id_number"].strip().upper())}
    else:
        field_name = f"{side}_name"
        typed = gettext("姓名为“%(name)s”、身份证后四位为 %(last4)s ") % {"name": lookup["name"].strip(),
                                                                          "last4": lookup["id_last4"].strip().upper()}
    if not match.voters:
        message = gettext("本次选举的选民名单中没有%(typed)s的选民，%(who)s须是本次选举的登记选民。") % {
            "typed": typed, "who": who}
    else:
        found = "、".join(f"{v.name}（{v.group}，{v.masked_id}）" for v in match.voters)
        message = gettext("%(typed)s的选民有 %(n)s 名：%(found)s；请填写%(who)s的完整身份证号。") % {
            "typed": typed, "n": len(match.voters), "found": found, "who": who}
    raise ApplicationError(gettext("%(who)s查找有误。") % {"who": who}, {field_name: [message]})


def _grant(request: HttpRequest, election: Any, form: ProxyForm, d: dict[str, Any]) -> Any:
    voter, holder = _find(election, form, "voter"), _find(election, form, "holder")
    try:
        return services.proxy_create(actor=request.user, election=election, voter=voter, holder=holder,
                                     written_on=d["written_on"], reason=d["reason"])
    except ApplicationError as exc:
        # the service names the sides "voter" / "holder": show them on the field the clerk filled
        fields = {side: f"{side}_id_number" if form.cleaned_data.get(f"{side}_id_number") else f"{side}_name"
                  for side in _SIDE_LABELS}
        exc.errors = {fields.get(k, k): v for k, v in exc.errors.items()}
        raise


@login_required
@require_POST
def proxy_add(request: HttpRequest, pk: int) -> HttpResponse:
    election = org_selectors.election_get(user=request.user, pk=pk)
    form = ProxyForm(request.POST, auto_id="id_proxy_%s")
    failed = handle_form(
        request, form, lambda d: _grant(request, election, form, d),
        lambda p: gettext("已登记 %(voter)s 委托 %(holder)s 投票。") % {"voter": p.voter.name, "holder": p.holder.name},
    )
    return form_outcome(request, election, STATIONS_TAB, "proxy-add", form, failed, "proxies")


@login_required
@require_POST
def proxy_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    proxy = selectors.proxy_get(user=request.user, pk=pk)
    election = org_selectors.election_get(user=request.user, pk=proxy.election_id)
    form = RevokeForm(request.POST, auto_id=f"id_revoke{pk}_%s")
    failed = handle_form(
        request, form,
        lambda d: services.proxy_revoke(actor=request.user, proxy=proxy, reason=d["reason"]),
        lambda p: gettext("已撤销 %(voter)s 委托 %(holder)s 的委托投票。") % {"voter": p.voter.name,
                                                                          "holder": p.holder.name},
    )
    return form_outcome(request, election, STATIONS_TAB, f"revoke-{pk}", form, failed, "proxies")


# --------------------------------------------------------------------------------------------
# Printable documents
# --------------------------------------------------------------------------------------------


def _issuer(election: Any) -> str:
    return f"{election.community.name}居民选举委员会"


def _term(request: HttpRequest) -> str:
    return "".join(c for c in (request.GET.get("term") or "").strip() if c.isalnum())[:6]


def _election_name(election: Any, term: str) -> str:
    """东关社区第十二届居民委员会换届选举 / …居民委员会成员补选 / 中共东关社区委员会换届选举."""
    nth = f"第{term}届" if term else ""
    community = election.community.name
    if election.body == "party_committee":
        return f"中共{community}{nth}委员会{'补选' if election.kind == 'by_election' else '换届选举'}"
    body = election_rules.BODY_LABELS[election.body]
    return f"{community}{nth}{body}{'成员补选' if election.kind == 'by_election' else '换届选举'}"


@login_required
def proxy_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """委托投票证 (A4): both sides by name with masked ID numbers, the written date, election day, signature
    lines, and the residents' election committee that issues it (with room for its seal)."""
    proxy = selectors.proxy_get(user=request.user, pk=pk)
    election = org_selectors.election_get(user=request.user, pk=proxy.election_id)
    term = _term(request)
    return render(request, "ballots/proxy_certificate.html", {
        "election": election, "proxy": proxy, "term": term, "election_name": _election_name(election, term),
        "issuer": _issuer(election), "revoked": proxy.status != "active",
        "voter_id": proxy.voter.masked_id, "holder_id": proxy.holder.masked_id,
    })


_ROUND_TITLES = {"first": "选票", "runoff": "另行选举选票", "revote": "重新投票选票"}


@login_required
def ballot_print(request: HttpRequest, pk: int) -> HttpResponse:
    """One ballot per position: the formal list, or a round's ballot (``?round=<id>``). Names in 姓氏笔画 order,
    one 另选他人 line per seat, the marking instructions and the seats."""
    election = org_selectors.election_get(user=request.user, pk=pk)
    raw_round = (request.GET.get("round") or "").strip()
    current = selectors.round_get(election=election, pk=int(raw_round)) if raw_round.isdigit() else None
    sheets = selectors.ballot_sheets(election=election, round=current)
    term = _term(request)
    effective = election.effective_rules()
    kind = current.kind if current is not None else "first"
    name = _election_name(election, term)
    return render(request, "ballots/ballot_print.html", {
        "election": election, "round": current, "rounds": selectors.round_list(election=election), "term": term,
        "ballots": [{"sheet": s, "title": f"{name}{s.label}{_ROUND_TITLES[kind]}", "name_rows": s.name_rows(),
                     "write_in_rows": s.write_in_rows()} for s in sheets if s.seats > 0],
        "empty": [s.label for s in sheets if s.seats > 0 and not s.names],
        "unseated": [s.label for s in sheets if s.seats <= 0 and s.names],
        "draft": current is None and not selectors.formal_list_published(election=election),
        "overvote_invalid": bool(effective.get("overvote_invalid", True)),
        "issuer": notice_issuer(election),
        "ballots_planned": selectors.ballots_planned_total(election=election),
    })


def register_pages() -> None:
    """Called from BallotsConfig.ready() through ballots.views.register_pages()."""
    extensions.register_tab(STATIONS_TAB, _("投票站与委托"), "ballots/_tab_stations.html", _stations_tab, order=75)
    extensions.register_urls([
        path("elections/<int:pk>/stations/add/", station_add, name="station-add"),
        path("stations/<int:pk>/edit/", station_edit, name="station-edit"),
        path("stations/<int:pk>/delete/", station_delete, name="station-delete"),
        path("elections/<int:pk>/proxies/add/", proxy_add, name="proxy-add"),
        path("proxies/<int:pk>/revoke/", proxy_revoke, name="proxy-revoke"),
        path("proxies/<int:pk>/certificate/", proxy_certificate, name="proxy-certificate"),
        path("elections/<int:pk>/ballots/print/", ballot_print, name="ballot-print"),
    ])

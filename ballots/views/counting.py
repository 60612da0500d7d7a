"""The election's "计票与结果" tab (rounds; each station's tally entered by two users, compared and reconciled; the
street's reopen; each round's result with the engine's explanation; the next round; the vacancy; the
announcement; Excel export) and the printable results (计票结果)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from elections import extensions
from elections import rules as election_rules
from elections import selectors as election_selectors
from elections.errors import ApplicationError
from elections.exports import xlsx_response
from elections.views import form_outcome, handle_form, render_election, tab_url

from ..forms.counting import AnnounceForm, CountingReasonForm, TallyEntryForm
from ..notices import issuer
from ..rules import tally as tally_rules
from ..selectors import counting as selectors
from ..services import counting as services

COUNTING_TAB = "counting"
KIND_LABELS = {"first": _("选举"), "runoff": _("另行选举"), "revote": _("重新投票")}
ROUND_STATE_LABELS = {"open": _("计票中"), "counted": _("已计票"), "void": _("无效")}
OUTCOME_LABELS = {"elected": _("当选"), "tied": _("得票相等，须重新投票"), "not_elected": _("未当选")}
NEXT_LABELS = {
    "first": _("开始计票（第一轮）"),
    "runoff": _("开始另行选举"),
    "revote": _("开始重新投票（并列者）"),
    "repeat": _("重新投票（上一轮无效）"),
}
PENDING_LABELS = {"none": _("已选足"), "revote": _("须就并列者重新投票"), "runoff": _("须另行选举"),
                  "vacancy": _("空缺"), "repeat": _("须重新投票"), "counting": _("计票中")}


# --------------------------------------------------------------------------------------------
# The tab
# --------------------------------------------------------------------------------------------


def _entry_form(tally: Any, ballot: Any, user: Any, bound: dict[str, Any]) -> TallyEntryForm | None:
    """The form this user may fill for this tally: a first or second entry, or a correction of their own."""
    key = f"tally-{tally.tally.pk}"
    if key in bound:
        return bound[key]
    mine = tally.entry_of(user)
    auto_id = f"id_t{tally.tally.pk}_%s"
    if mine is not None:
        return TallyEntryForm(ballot=ballot, auto_id=auto_id, initial=TallyEntryForm.initial_from(
            selectors.stored_figures(mine), ballot, mine.version))
    if len(tally.entries) >= 2:
        return None
    return TallyEntryForm(ballot=ballot, auto_id=auto_id)


def _result_positions(r: selectors.RoundView) -> list[dict[str, Any]]:
    """A counted round's positions, each with its candidates' rows (votes, per station, outcome)."""
    if not r.result:
        return []
    return [{"position": p["position"], "label": tally_rules.position_label(p["position"]), "seats": p["seats"],
             "unfilled": p["unfilled"], "explanation": p["explanation"],
             "rows": [{**row, "outcome_label": OUTCOME_LABELS[row["outcome"]]} for row in r.rows
                      if row["position"] == p["position"]]}
            for p in r.result["positions"]]


def _next_round(view: selectors.CountingView) -> str | None:
    """Which round the start button starts, if any."""
    if not view.rounds:
        return "first"
    state = view.standing
    if state.open_round is not None or state.next_action == "none":
        return None
    return state.next_action


def _export(election: Any, view: selectors.CountingView) -> HttpResponse:
    stations: dict[int, str] = {}
    for r in view.rounds:
        for s in r.stations:
            stations.setdefault(s["station"].pk, s["station"].name)
    order = list(stations)
    headers = ["轮次", "类型", "职位", "候选人 / 项目", "另选他人", "得票 / 合计", "结果", *stations.values()]
    rows: list[list[Any]] = []
    for r in view.rounds:
        result = r.result
        if not result:
            continue
        kind = tally_rules.engine.KIND_LABELS.get(r.round.kind, r.round.kind)
        by_station = {s["station"].pk: s["figures"] or {} for s in r.stations}
        figures = [("ballots_issued", "发出选票"), ("ballots_returned", "收回选票"), ("ballots_invalid", "无效选票")]
        if r.ballot.needs_present:
            figures.append(("present", "实到人数"))
        verdict = "有效" if result["valid"] else "无效"
        for key, label in figures:
            rows.append([r.round.number, kind, "", label, "", result["figures"].get(key), verdict,
                         *[by_station.get(pk, {}).get(key) for pk in order]])
        for row in r.rows:
            per = dict(zip([s["station"].pk for s in r.stations], row["stations"], strict=True))
            rows.append([r.round.number, kind, tally_rules.position_label(row["position"]), row["name"],
                         "是" if row["write_in"] else "", row["votes"],
                         {"elected": "当选", "tied": "得票相等", "not_elected": "未当选"}[row["outcome"]],
                         *[per.get(pk) for pk in order]])
    return xlsx_response(f"{election.community.name}{election.get_body_display()}-计票结果", headers, rows)


def _counting_tab(request: HttpRequest, election: Any, bound: dict[str, Any]) -> dict[str, Any] | HttpResponse:
    view = selectors.counting_view(election=election)
    if request.method == "GET" and request.GET.get("export") == "xlsx":
        return _export(election, view)
    user = request.user
    counting = election.stage == "counting"
    state = view.standing
    may = {perm: counting and user.has_perm(f"ballots.{perm}", election)
           for perm in ("start_round", "enter_tally", "reopen_tally", "accept_vacancy", "announce_results")}
    next_round = _next_round(view)
    last = view.last
    rounds = []
    for r in view.rounds:
        is_last = last is not None and r.round.pk == last.round.pk
        tallies = []
        for t in r.tallies:
            open_for_entry = r.round.state == "open" and t.state != "reconciled"
            mine = t.entry_of(user)
            form = _entry_form(t, r.ballot, user, bound) if may["enter_tally"] and open_for_entry else None
            reopen_key = f"reopen-{t.tally.pk}"
            tallies.append({
                "t": t, "mine": mine, "form": form, "open": f"tally-{t.tally.pk}" in bound or reopen_key in bound,
                "others": [e for e in t.entries if e.entered_by_id != user.pk],
                "comparison": selectors.comparison(tally=t, ballot=r.ballot),
                "reopen_form": (bound.get(reopen_key) or CountingReasonForm(auto_id=f"id_reopen{t.tally.pk}_%s"))
                if may["reopen_tally"] and is_last and t.state == "reconciled" else None,
            })
        rounds.append({"r": r, "tallies": tallies, "is_last": is_last, "result_positions": _result_positions(r),
                       "positions": [(p, tally_rules.position_label(p), n, cs) for p, n, cs in r.positions],
                       "kind_label": KIND_LABELS.get(r.round.kind, r.round.kind),
                       "state_label": ROUND_STATE_LABELS.get(r.round.state, r.round.state),
                       "next_label": tally_rules.NEXT_ACTION_TEXT.get((r.result or {}).get("next_action", ""), "")})
    open_positions = state.pending("runoff") + state.pending("vacancy")
    can = {
        "start": may["start_round"] and next_round is not None,
        "vacancy": may["accept_vacancy"] and state.open_round is None and not state.vacancy_accepted
        and state.next_action in ("none", "runoff") and bool(open_positions),
        "announce": may["announce_results"] and state.settled,
    }
    announced = state.last.announced_on if state.last else None
    return {
        "counting": view,
        "before_counting": election_rules.stage_index(election.stage) < election_rules.stage_index("counting"),
        "rounds": list(reversed(rounds)),  # the newest round first: that is where the work is
        "standing": state,
        "positions": [{"p": p, "label": PENDING_LABELS.get(p.pending, p.pending),
                       "position_label": tally_rules.position_label(p.position),
                       "unfilled": p.seats - len(p.elected)} for p in state.positions],
        "next_round": next_round,
        "next_round_label": NEXT_LABELS.get(next_round or "", ""),
        "can_count": can,
        "may_enter": may["enter_tally"],
        "announced_on": announced,
        "vacancy_reason": next((r.round.vacancy_reason for r in view.rounds if r.round.vacancy_accepted), ""),
        "vacancy_form": bound.get("vacancy") or CountingReasonForm(auto_id="id_vacancy_%s"),
        "announce_form": bound.get("announce") or AnnounceForm(
            initial={"announced_on": announced or timezone.localdate()}, auto_id="id_announce_%s"),
        "outcome_labels": OUTCOME_LABELS,
    }


# --------------------------------------------------------------------------------------------
# Actions
# --------------------------------------------------------------------------------------------


@login_required
@require_POST
def round_start(request: HttpRequest, pk: int) -> HttpResponse:
    election = election_selectors.election_get(user=request.user, pk=pk)
    form = CountingReasonForm({"reason": "-"})
    failed = handle_form(request, form, lambda _d: services.round_start(actor=request.user, election=election),
                         lambda r: gettext("已开始第 %(n)s 轮（%(kind)s），请录入各投票站的计票。") % {
                             "n": r.number, "kind": KIND_LABELS.get(r.kind, r.kind)})
    if failed == 403:
        return render_election(request, election, COUNTING_TAB, {}, status=403)
    return redirect(tab_url(election, COUNTING_TAB, "rounds"))


def _entry_flash(outcome: Any) -> str:
    tally = outcome.tally
    parts = [{
        "entered": gettext("已保存第一次录入；须由另一名工作人员再录入一次。"),
        "differs": gettext("已保存。两次录入不一致（%(n)s 处），请录入人核对原始记录后更正。") % {"n": len(tally.differences)},
        "reconciled": gettext("已保存。两次录入一致，已核对。"),
    }[tally.state]]
    parts += outcome.warnings
    if outcome.counted is not None:
        parts.append(gettext("本轮各投票站均已核对一致，计票结果已计算。"))
    return " ".join(parts)


@login_required
@require_POST
def tally_enter(request: HttpRequest, pk: int) -> HttpResponse:
    tally = selectors.tally_get(user=request.user, pk=pk)
    election = election_selectors.election_get(user=request.user, pk=tally.round.election_id)
    ballot = selectors.ballot_of(tally.round, election.effective_rules())
    form = TallyEntryForm(request.POST, ballot=ballot, auto_id=f"id_t{pk}_%s")

    def enter(d: dict[str, Any]) -> Any:
        try:
            return services.tally_enter(actor=request.user, station=tally.station, round=tally.round,
                                        figures=form.figures(), version=d.get("version"))
        except ApplicationError as exc:
            raise form.service_error(exc) from exc

    failed = handle_form(request, form, enter, _entry_flash)
    return form_outcome(request, election, COUNTING_TAB, f"tally-{pk}", form, failed, f"tally-{pk}")


@login_required
@require_POST
def tally_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    tally = selectors.tally_get(user=request.user, pk=pk)
    election = election_selectors.election_get(user=request.user, pk=tally.round.election_id)
    form = CountingReasonForm(request.POST, auto_id=f"id_reopen{pk}_%s")
    failed = handle_form(request, form,
                         lambda d: services.tally_reopen(actor=request.user, tally=tally, reason=d["reason"]),
                         gettext("已重新开放%(station)s的计票，请录入人核对后更正。") % {"station": tally.station.name})
    return form_outcome(request, election, COUNTING_TAB, f"reopen-{pk}", form, failed, f"tally-{pk}")


@login_required
@require_POST
def vacancy_accept(request: HttpRequest, pk: int) -> HttpResponse:
    election = election_selectors.election_get(user=request.user, pk=pk)
    form = CountingReasonForm(request.POST, auto_id="id_vacancy_%s")
    failed = handle_form(request, form,
                         lambda d: services.vacancy_accept(actor=request.user, election=election, reason=d["reason"]),
                         gettext("已确认职位空缺，不再另行选举。"))
    return form_outcome(request, election, COUNTING_TAB, "vacancy", form, failed, "results")


@login_required
@require_POST
def results_announce(request: HttpRequest, pk: int) -> HttpResponse:
    election = election_selectors.election_get(user=request.user, pk=pk)
    form = AnnounceForm(request.POST, auto_id="id_announce_%s")
    failed = handle_form(request, form,
                         lambda d: services.results_announce(actor=request.user, election=election,
                                                             announced_on=d["announced_on"]),
                         lambda r: gettext("已登记选举结果的公布日期：%(day)s。") % {"day": r.announced_on.isoformat()})
    return form_outcome(request, election, COUNTING_TAB, "announce", form, failed, "results")


# --------------------------------------------------------------------------------------------
# The printable results (计票结果)
# --------------------------------------------------------------------------------------------


@login_required
def results_print(request: HttpRequest, pk: int) -> HttpResponse:
    election = election_selectors.election_get(user=request.user, pk=pk)
    view = selectors.counting_view(election=election)
    state = view.standing
    what = {"party_committee": "委员会", "residents_committee": "居民委员会",
            "supervision_committee": "居务监督委员会"}[election.body]
    title = (f"中共{election.community.name}{what}选举计票结果" if election.body == "party_committee"
             else f"{election.community.name}{what}{election.get_kind_display()}选举计票结果")
    return render(request, "ballots/results_print.html", {
        "election": election, "title": title, "issuer": issuer(election), "counting": view, "standing": state,
        "rounds": [{"r": r, "kind_label": tally_rules.engine.KIND_LABELS.get(r.round.kind, r.round.kind),
                    "result_positions": _result_positions(r)} for r in view.rounds if r.result],
        "positions": [{"p": p, "label": tally_rules.position_label(p.position),
                       "unfilled": p.seats - len(p.elected)} for p in state.positions],
        "announced_on": state.last.announced_on if state.last else None,
        "draft": not (state.settled and state.last is not None and state.last.announced_on),
    })


def register_pages() -> None:
    """Called from BallotsConfig.ready() through ballots.views.register_pages()."""
    extensions.register_tab(COUNTING_TAB, _("计票与结果"), "ballots/_tab_counting.html", _counting_tab, order=80)
    extensions.register_urls([
        path("elections/<int:pk>/rounds/start/", round_start, name="round-start"),
        path("elections/<int:pk>/vacancy/", vacancy_accept, name="vacancy-accept"),
        path("elections/<int:pk>/results/announce/", results_announce, name="results-announce"),
        path("elections/<int:pk>/results/print/", results_print, name="results-print"),
        path("tallies/<int:pk>/enter/", tally_enter, name="tally-enter"),
        path("tallies/<int:pk>/reopen/", tally_reopen, name="tally-reopen"),
    ])

"""Nomination pages: the election's "提名" tab (nominations, 两推一选, 民主测评), the printable nomination form and
/nominations/ across the user's jurisdiction; the "正式候选人" tab lives in ``candidate_list``. Both are registered
with elections' tab and page registry here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from elections import extensions
from elections import rules as election_rules
from elections import selectors as org_selectors
from elections.exports import xlsx_response
from elections.views import form_outcome, handle_form, render_election, tab_url

from .. import rules, selectors, services
from ..forms import (
    AppraisalForm,
    NominationEditForm,
    NominationFilterForm,
    NominationForm,
    NominationListFilterForm,
    PreliminaryForm,
    ReasonForm,
    RecommendationMeetingForm,
    channel_choice_label,
)
from ..models import Nomination
from ..services.nomination import NOMINATION_STAGES, REPLACEMENT_STAGES

NOMINATION_TAB = "nomination"
CANDIDATES_TAB = "candidates"

# --------------------------------------------------------------------------------------------
# Shared bits
# --------------------------------------------------------------------------------------------


def _positions(election: Any) -> list[tuple[str, Any]]:
    """The seat plan's positions (with seats), translated, in the plan's order."""
    return [(s.position, _(election_rules.POSITION_LABELS[s.position])) for s in election.seats.all() if s.count > 0]


def _where(n: Any) -> str:
    """Where a nomination stands, in words: the review level while under review, else its status."""
    if n.status == "reviewing":
        return gettext("%(level)s中") % {"level": gettext(rules.REVIEW_LEVEL_LABELS.get(n.level, n.level))}
    if n.status == "held":
        level = rules.REVIEW_LEVEL_LABELS.get(n.level, "")
        return gettext("%(level)s提出不宜人选，待街道决定") % {"level": gettext(level)} if level else \
            gettext("待街道决定")
    return gettext(rules.NOMINATION_STATUS_LABELS[n.status])


def _percent(value: Any) -> str:
    share = election_rules.parse_fraction(value) * 100
    return f"{share.numerator}%" if share.denominator == 1 else f"{float(share):.1f}%"


def _day(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value else None


NOMINATION_HEADERS = ["被提名人", "性别", "年龄", "学历", "党员", "提名职位", "提名方式", "联名人数", "联名人", "提名依据",
                      "状态", "审查环节", "结论说明", "提示", "递补", "推荐得票", "提名日期"]


def _nomination_cells(n: Any, facts: Any) -> list[Any]:
    return [
        n.person.name, dict(rules.SEXES).get(n.person.sex, ""),
        facts.age if facts else None, dict(rules.EDUCATION).get(n.person.education, ""),
        "是" if n.person.party_member else "否", n.get_position_display(), n.get_channel_display(),
        len(n.supporters), "、".join(n.supporters), n.basis, n.get_status_display(),
        rules.REVIEW_LEVEL_LABELS.get(n.level, "") if n.status in {"reviewing", "held"} else "", n.outcome,
        "、".join(facts.flag_labels) if facts else "", n.replaces.person.name if n.replaces_id else "",
        n.recommendation_votes, _day(n.created_at),
    ]


# --------------------------------------------------------------------------------------------
# The "提名" tab
# --------------------------------------------------------------------------------------------


def _channels_for(user: Any, election: Any) -> list[tuple[str, int]]:
    """The rulebook's channels with their thresholds, less those the user may not use (街道党工委推荐)."""
    channels = election.effective_rules().get("nomination_channels") or {}
    return [(c, int(n)) for c, n in channels.items()
            if user.has_perm("candidates.submit_nomination", Nomination(election=election, channel=c))]


def _replaceable(nominations: list[Any]) -> list[Any]:
    """Rejected or withdrawn nominations whose gap no live nomination fills yet."""
    filled = {n.replaces_id for n in nominations if n.replaces_id and n.live}
    return [n for n in nominations if n.status in {"rejected", "withdrawn"} and n.pk not in filled]


def _nomination_form(request: HttpRequest, election: Any, nominations: list[Any], data: Any = None) -> NominationForm:
    live = [n.person_id for n in nominations if n.live]
    people = selectors.person_choices(user=request.user, community=election.community,
                                      exclude_ids=live if data is None else None)
    return NominationForm(data, people=people, positions=_positions(election),
                          channels=_channels_for(request.user, election), replaceable=_replaceable(nominations),
                          replacement_only=election.stage != "nomination", auto_id="id_nomination_%s")


def _summary(election: Any) -> dict[str, Any]:
    effective = election.effective_rules()
    rows = selectors.nomination_summary(election=election)
    whole = None
    if effective.get("margin_whole_committee") and any(r.position == "member" for r in rows):
        total = sum(r.seats for r in rows)
        live = sum(r.live for r in rows)
        # as the nomination gate counts: the 两推 preliminary list's size for the party
        if election.body == "party_committee":
            needed = rules.preliminary_size(total, effective["preliminary_margin"])
        else:
            needed = rules.margin_bounds("member", total, effective)[0]
        whole = {"seats": total, "needed": needed, "live": live, "approved": sum(r.approved for r in rows),
                 "listed": sum(r.candidates for r in rows), "short": live < needed}
    # with a whole-committee margin the members are counted in the committee's total, not on their own
    return {"rows": [{"row": r, "short": r.live < r.low and not (whole and r.position == "member")} for r in rows],
            "whole": whole}


def _party_context(request: HttpRequest, election: Any, bound: dict[str, Any]) -> dict[str, Any]:
    user = request.user
    effective = election.effective_rules()
    view = selectors.preliminary_view(election=election)
    may = user.has_perm("candidates.record_recommendation", election)
    can_record = may and election.stage in NOMINATION_STAGES
    recorded = {m.meeting.kind: m for m in view.meetings}
    meetings = []
    for kind, label in rules.RECOMMENDATION_KINDS:
        current = recorded.get(kind)
        initial: dict[str, Any] = {}
        if current is not None:
            m = current.meeting
            initial.update(held_on=m.held_on, expected=m.expected, present=m.present, ballots=m.ballots,
                           results="\n".join(f"{r.person.name} {r.votes}" for r in current.rows))
        key = f"meeting-{kind}"
        meetings.append({
            "kind": kind, "label": label, "view": current,
            "form": bound.get(key) or RecommendationMeetingForm(initial=initial, auto_id=f"id_{kind}_%s"),
            "open": key in bound or (current is None and can_record),
        })
    seats_total = sum(s.count for s in election.seats.all())
    pending = [r.person for r in view.rows if r.selected and r.nomination is None]
    preliminary_form = bound.get("preliminary") or PreliminaryForm(people=pending, positions=_positions(election),
                                                                   auto_id="id_pre_%s")
    fields = {name: preliminary_form[name] for name in preliminary_form.fields}
    appraisals = selectors.appraisal_list(election=election)
    incumbents = [r.incumbent.person for r in selectors.incumbent_rows(election=election)]
    return {
        "party": {
            "meetings": meetings,
            "preliminary": view,
            "seats_total": seats_total,
            "margin_percent": _percent(effective["preliminary_margin"]),
            "pending": pending,
            "preliminary_form": preliminary_form,
            "preliminary_rows": [{"r": r, "field": fields.get(f"position-{r.person.pk}")} for r in view.rows],
            "appraisals": appraisals,
            "appraisal_form": bound.get("appraisal") or AppraisalForm(people=incumbents, auto_id="id_appraisal_%s"),
            "appraisal_open": "appraisal" in bound,
            "has_incumbents": bool(incumbents),
        },
        "can_recommend": can_record,
    }


def _nomination_tab(request: HttpRequest, election: Any, bound: dict[str, Any]) -> dict[str, Any] | HttpResponse:
    user = request.user
    everything = list(selectors.nomination_list(user=user, election=election))
    query = request.GET if request.method == "GET" else {}
    filter_form = NominationFilterForm(query or None, positions=_positions(election),
                                       channels=list(election.effective_rules().get("nomination_channels") or {}))
    filters = filter_form.filters()
    shown = list(selectors.nomination_list(user=user, election=election, filters=filters)) if filters else everything
    facts = selectors.nominee_facts(shown)
    if request.method == "GET" and request.GET.get("export") == "xlsx":
        return xlsx_response(f"{election.community.name}{election.get_body_display()}-提名", NOMINATION_HEADERS,
                             (_nomination_cells(n, facts.get(n.pk)) for n in shown))
    replaced_by = {n.replaces_id: n for n in everything if n.replaces_id and n.live}
    party = election.body == "party_committee"
    may_submit = user.has_perm("candidates.submit_nomination", election)
    in_time = election.stage in REPLACEMENT_STAGES
    can_fill_gap = party and in_time and user.has_perm("candidates.record_recommendation", election)
    items = []
    positions = _positions(election)
    for n in shown:
        key, edit_key = f"withdraw-{n.pk}", f"edit-{n.pk}"
        may_change = in_time and user.has_perm("candidates.submit_nomination", n)
        items.append({
            "n": n, "facts": facts.get(n.pk), "where": _where(n), "successor": replaced_by.get(n.pk),
            "withdraw": n.live and may_change,
            "withdraw_form": bound.get(key) or ReasonForm(auto_id=f"id_withdraw_n{n.pk}_%s"),
            "edit": may_change and n.status == "reviewing" and n.level == "community",
            "edit_form": bound.get(edit_key) or NominationEditForm(
                positions=positions, auto_id=f"id_edit_n{n.pk}_%s",
                initial={"position": n.position, "supporters": "\n".join(n.supporters), "basis": n.basis,
                         "version": n.version}),
            "fill_gap": can_fill_gap and n.status in {"rejected", "withdrawn"} and n.pk not in replaced_by,
            "open": key in bound or edit_key in bound,
        })
    query_string = query.copy() if query else None
    if query_string is not None:
        query_string.pop("export", None)
    context = {
        "summary": _summary(election),
        "relative_pairs": selectors.nominee_relative_pairs(election=election),
        "nomination_items": items,
        "nomination_total": len(everything),
        "nomination_filter": filter_form,
        "nomination_query": query_string.urlencode() if query_string is not None else f"tab={NOMINATION_TAB}",
        "can_nominate": may_submit and in_time,
        "replacement_only": election.stage != "nomination",
        "nomination_form": bound.get("add") or _nomination_form(request, election, everything),
        "nomination_form_open": "add" in bound,
        "channel_rules": [channel_choice_label(c, n) for c, n in _channels_for(user, election)],
        "party": None,
    }
    if party:
        context.update(_party_context(request, election, bound))
    return context


def _flash_nomination(request: HttpRequest, nomination: Any) -> None:
    withdrawal = getattr(nomination, "committee_withdrawal", None)
    if withdrawal is not None:
        messages.warning(request, gettext("%(name)s是居民选举委员会成员，被提名后退出选举委员会：%(message)s")
                         % {"name": nomination.person.name, "message": withdrawal.message})
    for warning in getattr(nomination, "warnings", None) or []:
        messages.warning(request, warning)


@login_required
@require_POST
def nomination_add(request: HttpRequest, pk: int) -> HttpResponse:
    election = org_selectors.election_get(user=request.user, pk=pk)
    everything = list(selectors.nomination_list(user=request.user, election=election))
    form = _nomination_form(request, election, everything, request.POST)
    done: list[Any] = []

    def submit(d: dict[str, Any]) -> Any:
        nomination = services.nomination_submit(
            actor=request.user, election=election, person=d["person"], position=d["position"],
            channel=d["channel"], supporters=d["supporters"], basis=d["basis"], replaces=d["replaces"])
        done.append(nomination)
        return nomination

    failed = handle_form(
        request, form, submit,
        lambda n: gettext("已受理提名：%(name)s（%(position)s，%(channel)s）。") % {
            "name": n.person.name, "position": gettext(n.get_position_display()),
            "channel": gettext(n.get_channel_display())},
    )
    if failed:
        return render_election(request, election, NOMINATION_TAB, {"add": form}, status=failed)
    _flash_nomination(request, done[0])
    return redirect(tab_url(election, NOMINATION_TAB, f"nomination-{done[0].pk}"))


@login_required
@require_POST
def nomination_edit(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = selectors.nomination_get(user=request.user, pk=pk)
    election = org_selectors.election_get(user=request.user, pk=nomination.election_id)
    form = NominationEditForm(request.POST, positions=_positions(election), auto_id=f"id_edit_n{pk}_%s")
    failed = handle_form(
        request, form,
        lambda d: services.nomination_update(actor=request.user, nomination=nomination, supporters=d["supporters"],
                                             basis=d["basis"], position=d["position"], version=d["version"]),
        gettext("已更正 %(name)s 的提名。") % {"name": nomination.person.name},
    )
    return form_outcome(request, election, NOMINATION_TAB, f"edit-{pk}", form, failed, f"nomination-{pk}")


@login_required
@require_POST
def nomination_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = selectors.nomination_get(user=request.user, pk=pk)
    election = org_selectors.election_get(user=request.user, pk=nomination.election_id)
    form = ReasonForm(request.POST, auto_id=f"id_withdraw_n{pk}_%s")
    failed = handle_form(
        request, form,
        lambda d: services.nomination_withdraw(actor=request.user, nomination=nomination, reason=d["reason"]),
        gettext("已撤回 %(name)s 的提名。") % {"name": nomination.person.name},
    )
    return form_outcome(request, election, NOMINATION_TAB, f"withdraw-{pk}", form, failed, f"nomination-{pk}")


def _simple_action(request: HttpRequest, election: Any, tab: str, action: Any, success: Any,
                   anchor: str = "") -> HttpResponse:
    """A button without fields: run the service, flash what happened or why not."""
    form = ReasonForm({})
    failed = handle_form(request, form, lambda _d: action(), success)
    if failed == 403:
        return render_election(request, election, tab, {}, status=403)
    return redirect(tab_url(election, tab, anchor))


@login_required
@require_POST
def nomination_fill_gap(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = selectors.nomination_get(user=request.user, pk=pk)
    election = org_selectors.election_get(user=request.user, pk=nomination.election_id)
    return _simple_action(
        request, election, NOMINATION_TAB,
        lambda: services.nomination_fill_gap(actor=request.user, rejected_nomination=nomination),
        lambda n: gettext("%(name)s（“两推”得票 %(votes)s）递补 %(old)s。") % {
            "name": n.person.name, "votes": n.recommendation_votes, "old": nomination.person.name},
        "nominations",
    )


@login_required
@require_POST
def recommendation_record(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    election = org_selectors.election_get(user=request.user, pk=pk)
    if kind not in rules.RECOMMENDATION_KIND_LABELS:
        raise Http404
    people = selectors.person_choices(user=request.user, community=election.community)
    form = RecommendationMeetingForm(request.POST, people=people, auto_id=f"id_{kind}_%s")

    def success(result: Any) -> str:
        m = result.meeting
        return gettext("已登记%(meeting)s：到会 %(present)s/应到 %(expected)s，%(verdict)s；得票过半 %(n)s 人。") % {
            "meeting": gettext(m.get_kind_display()), "present": m.present, "expected": m.expected,
            "verdict": gettext("推荐有效") if result.valid else gettext("到会人数未超过半数，推荐无效"),
            "n": len(result.qualifying)}

    failed = handle_form(
        request, form,
        lambda d: services.recommendation_meeting_record(
            actor=request.user, election=election, kind=kind, expected=d["expected"], present=d["present"],
            ballots=d["ballots"], results=d["results"], held_on=d["held_on"]),
        success,
    )
    return form_outcome(request, election, NOMINATION_TAB, f"meeting-{kind}", form, failed, "two-recommendations")


@login_required
@require_POST
def preliminary_nominate(request: HttpRequest, pk: int) -> HttpResponse:
    election = org_selectors.election_get(user=request.user, pk=pk)
    view = selectors.preliminary_view(election=election)
    pending = [r.person for r in view.rows if r.selected and r.nomination is None]
    form = PreliminaryForm(request.POST, people=pending, positions=_positions(election), auto_id="id_pre_%s")
    outcome: list[Any] = []

    def nominate(_d: dict[str, Any]) -> Any:
        result = services.preliminary_nominate(actor=request.user, election=election, positions=form.positions())
        outcome.append(result)
        return result

    failed = handle_form(
        request, form, nominate,
        lambda o: gettext("已按“两推”结果提名初步人选 %(n)s 名：%(names)s。") % {
            "n": len(o.created), "names": "、".join(n.person.name for n in o.created)},
    )
    if failed:
        return render_election(request, election, NOMINATION_TAB, {"preliminary": form}, status=failed)
    if outcome[0].skipped:
        messages.warning(request, gettext("未提名：%(names)s。") % {"names": "；".join(outcome[0].skipped)})
    for message in outcome[0].messages:
        messages.warning(request, message)
    return redirect(tab_url(election, NOMINATION_TAB, "preliminary"))


@login_required
@require_POST
def appraisal_record(request: HttpRequest, pk: int) -> HttpResponse:
    election = org_selectors.election_get(user=request.user, pk=pk)
    people = [r.incumbent.person for r in selectors.incumbent_rows(election=election)]
    form = AppraisalForm(request.POST, people=people, auto_id="id_appraisal_%s")
    failed = handle_form(
        request, form,
        lambda d: services.appraisal_record(actor=request.user, election=election, **d),
        lambda a: gettext("已登记 %(name)s 的民主测评。") % {"name": a.person.name},
    )
    return form_outcome(request, election, NOMINATION_TAB, "appraisal", form, failed, "appraisals")


# --------------------------------------------------------------------------------------------
# The printable nomination form (提名表)
# --------------------------------------------------------------------------------------------

FORM_TITLES = {
    "residents_committee": "居民委员会成员候选人提名表",
    "supervision_committee": "居务监督委员会成员候选人提名表",
    "party_committee": "社区党组织委员会委员候选人初步人选提名表",
}


@login_required
def nomination_print(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = selectors.nomination_get(user=request.user, pk=pk)
    election = nomination.election
    facts = selectors.nominee_facts([nomination])[nomination.pk]
    supporters = list(enumerate(nomination.supporters, start=1))
    half = (len(supporters) + 1) // 2
    pairs = [(supporters[i], supporters[half + i] if half + i < len(supporters) else None) for i in range(half)]
    return render(request, "candidates/nomination_print.html", {
        "n": nomination, "election": election, "person": nomination.person, "facts": facts,
        "title": FORM_TITLES.get(election.body, FORM_TITLES["residents_committee"]),
        "supporter_pairs": pairs,
        "education": dict(rules.EDUCATION).get(nomination.person.education, ""),
        "sex": dict(rules.SEXES).get(nomination.person.sex, ""),
        "submitted_on": _day(nomination.created_at),
        "self_nomination": nomination.channel == "self",
    })


# --------------------------------------------------------------------------------------------
# /nominations/: every nomination in the user's jurisdiction
# --------------------------------------------------------------------------------------------

LIST_HEADERS = ["街道", "社区", "选举对象", *NOMINATION_HEADERS, "换届工作"]


@login_required
def nomination_overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    places = org_selectors.jurisdiction_list(user=user)
    form = NominationListFilterForm(request.GET or None, streets=places.filter(level="street"),
                                    communities=places.filter(level="community"))
    rows = list(selectors.nomination_list(user=user, filters=form.filters()))
    if request.GET.get("export") == "xlsx":
        facts = selectors.nominee_facts(rows)
        return xlsx_response("提名", LIST_HEADERS, (
            [n.election.community.parent.name if n.election.community.parent else "", n.election.community.name,
             n.election.get_body_display(), *_nomination_cells(n, facts.get(n.pk)), n.election.campaign.name]
            for n in rows))
    page = Paginator(rows, 200).get_page(request.GET.get("page"))
    facts = selectors.nominee_facts(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    counts: dict[str, int] = {}
    for n in rows:
        counts[n.status] = counts.get(n.status, 0) + 1
    return render(request, "candidates/nomination_list.html", {
        "form": form, "page": page, "total": len(rows), "query": query.urlencode(),
        "items": [{"n": n, "facts": facts.get(n.pk), "where": _where(n)} for n in page.object_list],
        "status_counts": [(code, label, counts.get(code, 0)) for code, label in rules.NOMINATION_STATUSES],
    })


def register_nomination_pages() -> None:
    """Called from CandidatesConfig.ready() through register_election_pages()."""
    extensions.register_tab(NOMINATION_TAB, _("提名"), "candidates/_tab_nomination.html", _nomination_tab, order=40)
    extensions.register_urls([
        path("nominations/", nomination_overview, name="nomination-list"),
        path("nominations/<int:pk>/withdraw/", nomination_withdraw, name="nomination-withdraw"),
        path("nominations/<int:pk>/edit/", nomination_edit, name="nomination-edit"),
        path("nominations/<int:pk>/fill-gap/", nomination_fill_gap, name="nomination-fill-gap"),
        path("nominations/<int:pk>/print/", nomination_print, name="nomination-print"),
        path("elections/<int:pk>/nominations/add/", nomination_add, name="nomination-add"),
        path("elections/<int:pk>/recommendations/<str:kind>/", recommendation_record, name="recommendation-record"),
        path("elections/<int:pk>/preliminary/", preliminary_nominate, name="preliminary-nominate"),
        path("elections/<int:pk>/appraisals/", appraisal_record, name="appraisal-record"),
    ])

"""The election's "正式候选人" tab (the formal list in 姓氏笔画 order, the residents' representatives' meeting that
votes a residents' committee's formal candidates when more were approved than the margin allows, pledges, talks,
publication, the street's 批复 of a party list) and the printable formal list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
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
from elections import selectors as org_selectors
from elections.exports import xlsx_response
from elections.views import form_outcome, handle_form, render_election, tab_url

from .. import rules, selectors, services
from ..forms import (
    CandidateAddForm,
    ListDecisionForm,
    ListVoteForm,
    PledgeForm,
    PublishForm,
    ReasonForm,
    TalkForm,
)
from ..services.nomination import LIST_STAGES, PUBLISH_STAGES, REPLACEMENT_STAGES
from ..strokes import sort_names
from .nomination import CANDIDATES_TAB, _simple_action

# --------------------------------------------------------------------------------------------
# The "正式候选人" tab
# --------------------------------------------------------------------------------------------


def _margin_state(election: Any, positions: list[Any]) -> dict[str, Any]:
    """Per position: ok / short / too_many, by the rulebook's margin (the whole committee's for the party)."""
    counts = {p.position: len(p.rows) for p in positions}
    seats = {p.position: p.seats for p in positions}
    issues = rules.margin_issues(counts, seats, election.effective_rules())
    state: dict[str, Any] = {p.position: "ok" for p in positions}
    whole = None
    for issue in issues:
        code = "too_many" if issue.too_many else "short"
        if issue.position:
            state[issue.position] = code
        else:
            whole = {"code": code, "message": issue.message}
            state["member"] = code
    return {"by_position": state, "whole": whole, "messages": [i.message for i in issues]}


def _structure_counts(election: Any, people: list[Any]) -> dict[str, Any]:
    effective = election.effective_rules()
    day = election.election_day or timezone.localdate()
    young_age = int(effective.get("structure_young_age", 35))
    minimum = effective.get("education_min", "")
    return {
        "total": len(people),
        "women": sum(1 for p in people if p.sex == "female"),
        "young": sum(1 for p in people if rules.age_on(p.birth_date, day) <= young_age),
        "young_age": young_age,
        "party": sum(1 for p in people if p.party_member),
        "educated": sum(1 for p in people if p.education and not rules.education_below(p.education, minimum)),
        "education_min": dict(rules.EDUCATION).get(minimum, ""),
    }


def _vote_positions(election: Any, positions: list[Any], approved: list[Any]) -> list[tuple[Any, int | None, list[Any]]]:
    """(label, the most candidates, approved nominations in 姓氏笔画 order) of each position of a residents'
    committee election with more approved nominees than the margin allows: the meeting votes on them."""
    seats = {p.position: p.seats for p in positions}
    needed = selectors.list_vote_needed_positions(election=election, approved=approved, seats=seats)
    return [(p.label, p.high, sort_names([n for n in approved if n.position == p.position], key=lambda n: n.person.name))
            for p in positions if p.position in needed]


def _vote_initial(vote: Any) -> dict[str, Any]:
    if vote is None:
        return {"held_on": timezone.localdate()}
    v = vote.vote
    initial: dict[str, Any] = {"held_on": v.held_on, "expected": v.expected, "present": v.present,
                               "ballots": v.ballots}
    initial.update({f"votes-{r.nomination.pk}": r.votes for p in vote.positions for r in p.rows})
    return initial


CANDIDATE_HEADERS = ["职位", "序号", "姓名", "性别", "年龄", "学历", "党员", "提名方式", "纪律承诺书", "谈心谈话"]


def _candidates_tab(request: HttpRequest, election: Any, bound: dict[str, Any]) -> dict[str, Any] | HttpResponse:
    user = request.user
    positions = selectors.formal_list(election=election)
    day = election.election_day or timezone.localdate()
    if request.method == "GET" and request.GET.get("export") == "xlsx":
        return xlsx_response(f"{election.community.name}{election.get_body_display()}-正式候选人", CANDIDATE_HEADERS, (
            [p.label, r.candidate.order, r.candidate.person.name, dict(rules.SEXES).get(r.candidate.person.sex, ""),
             rules.age_on(r.candidate.person.birth_date, day),
             dict(rules.EDUCATION).get(r.candidate.person.education, ""),
             "是" if r.candidate.person.party_member else "否", r.candidate.nomination.get_channel_display(),
             r.pledged_on, r.talked_on]
            for p in positions for r in p.rows))
    status = selectors.candidate_list_status(election=election)
    published = status is not None and status.published_on is not None
    party = election.body == "party_committee"
    may_manage = user.has_perm("candidates.manage_candidates", election)
    can = {
        "edit": may_manage and election.stage in LIST_STAGES and not published,
        "discipline": may_manage and election.stage in REPLACEMENT_STAGES,
        "publish": may_manage and election.stage in PUBLISH_STAGES,
        "submit": party and may_manage and election.stage in LIST_STAGES and not published
        and (status is None or status.approval != "submitted"),
        "decide": party and election.stage in LIST_STAGES and status is not None and status.approval == "submitted"
        and user.has_perm("candidates.approve_candidate_list", election),
    }
    listed = {r.candidate.nomination_id for p in positions for r in p.rows}
    all_approved = list(selectors.nomination_list(user=user, election=election, filters={"status": "approved"}))
    vote = selectors.list_vote_view(election=election, seats={p.position: p.seats for p in positions})
    left_off = vote.left_off if vote is not None else {}
    # those the residents' representatives' meeting voted off are not offered for the list again
    approved = [n for n in all_approved if n.pk not in listed and n.pk not in left_off]
    vote_positions = _vote_positions(election, positions, all_approved)
    can["vote"] = can["edit"] and bool(vote_positions)
    margin = _margin_state(election, positions)
    groups = []
    for p in positions:
        items = []
        for r in p.rows:
            pk = r.candidate.nomination_id
            keys = (f"pledge-{pk}", f"talk-{pk}", f"remove-{r.candidate.pk}")
            items.append({
                "r": r, "c": r.candidate, "age": rules.age_on(r.candidate.person.birth_date, day),
                "pledge_form": bound.get(keys[0]) or PledgeForm(initial={"signed_on": timezone.localdate()},
                                                                auto_id=f"id_pledge{pk}_%s"),
                "talk_form": bound.get(keys[1]) or TalkForm(initial={"held_on": timezone.localdate()},
                                                            auto_id=f"id_ntalk{pk}_%s"),
                "remove_form": bound.get(keys[2]) or ReasonForm(auto_id=f"id_cremove{r.candidate.pk}_%s"),
                "open": any(k in bound for k in keys),
            })
        groups.append({"p": p, "items": items, "state": margin["by_position"].get(p.position, "ok")})
    # the discipline work of live nominees not (yet) on the list: pledges and talks may come before the list
    others = []
    for n, pledged_on, talked_on in selectors.pledge_targets(election=election):
        if n.pk in listed:
            continue
        keys = (f"pledge-{n.pk}", f"talk-{n.pk}")
        others.append({
            "n": n, "pledged_on": pledged_on, "talked_on": talked_on,
            "pledge_form": bound.get(keys[0]) or PledgeForm(initial={"signed_on": timezone.localdate()},
                                                            auto_id=f"id_pledge{n.pk}_%s"),
            "talk_form": bound.get(keys[1]) or TalkForm(initial={"held_on": timezone.localdate()},
                                                        auto_id=f"id_ntalk{n.pk}_%s"),
            "open": any(k in bound for k in keys),
        })
    slate = [r.candidate.person for p in positions for r in p.rows]
    if not slate:
        slate = [n.person for n in selectors.nomination_list(user=user, election=election, filters={"live": True})]
    warnings = selectors.structure_preview(election=election)
    warnings += [w for w in selectors.community_structure_preview(election=election) if w not in warnings]
    lead = int(election.effective_rules().get("candidate_list_lead_days", 3))
    deadline = election.election_day - dt.timedelta(days=lead) if election.election_day else None
    return {
        "groups": groups,
        "listed_total": len(listed),
        "margin": margin,
        "candidate_list": status,
        "published": published,
        "published_in_time": bool(published and deadline and status.published_on <= deadline),
        "lead_days": lead,
        "publish_deadline": deadline,
        "can_list": can,
        "approved_unlisted": approved,
        "candidate_add_form": bound.get("candidate-add") or CandidateAddForm(nominations=approved,
                                                                              auto_id="id_cadd_%s"),
        "publish_form": bound.get("publish") or PublishForm(
            initial={"published_on": status.published_on if published else timezone.localdate()},
            auto_id="id_publish_%s"),
        "decide_form": bound.get("decide") or ListDecisionForm(initial={"decision": "approve"},
                                                               auto_id="id_decide_%s"),
        "list_vote": vote,
        "list_vote_needed": bool(vote_positions),
        "list_vote_form": (bound.get("list-vote") or ListVoteForm(positions=vote_positions, initial=_vote_initial(vote),
                                                                   auto_id="id_lvote_%s")) if can["vote"] else None,
        "others": others,
        "structure_warnings": warnings,
        "structure": _structure_counts(election, slate),
        "structure_of_list": bool(listed),
        "issuer": _issuer(election),
    }


def _candidate_action(request: HttpRequest, nomination_pk: int, key: str, form: Any, action: Any,
                      success: Any) -> HttpResponse:
    nomination = selectors.nomination_get(user=request.user, pk=nomination_pk)
    election = org_selectors.election_get(user=request.user, pk=nomination.election_id)
    failed = handle_form(request, form, lambda d: action(nomination, d), success(nomination))
    return form_outcome(request, election, CANDIDATES_TAB, key, form, failed, f"cand-{nomination_pk}")


@login_required
@require_POST
def pledge_record(request: HttpRequest, pk: int) -> HttpResponse:
    return _candidate_action(
        request, pk, f"pledge-{pk}", PledgeForm(request.POST, auto_id=f"id_pledge{pk}_%s"),
        lambda n, d: services.pledge_record(actor=request.user, nomination=n, signed_on=d["signed_on"]),
        lambda n: gettext("已登记 %(name)s 签订纪律承诺书。") % {"name": n.person.name},
    )


@login_required
@require_POST
def nominee_talk_record(request: HttpRequest, pk: int) -> HttpResponse:
    return _candidate_action(
        request, pk, f"talk-{pk}", TalkForm(request.POST, auto_id=f"id_ntalk{pk}_%s"),
        lambda n, d: services.nominee_talk_record(actor=request.user, nomination=n, **d),
        lambda n: gettext("已登记与 %(name)s 的谈心谈话。") % {"name": n.person.name},
    )


@login_required
@require_POST
def candidate_remove(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.candidate_get(user=request.user, pk=pk)
    election = org_selectors.election_get(user=request.user, pk=candidate.election_id)
    name = candidate.person.name
    form = ReasonForm(request.POST, auto_id=f"id_cremove{pk}_%s")
    failed = handle_form(
        request, form,
        lambda d: services.candidate_remove(actor=request.user, candidate=candidate, reason=d["reason"]),
        gettext("已将 %(name)s 移出正式候选人名单。") % {"name": name},
    )
    return form_outcome(request, election, CANDIDATES_TAB, f"remove-{pk}", form, failed, "formal-list")


@login_required
@require_POST
def candidate_list_build(request: HttpRequest, pk: int) -> HttpResponse:
    election = org_selectors.election_get(user=request.user, pk=pk)
    return _simple_action(
        request, election, CANDIDATES_TAB,
        lambda: services.candidate_list_build(actor=request.user, election=election),
        lambda rows: gettext("已列入正式候选人 %(n)s 名（按姓氏笔画排序）。") % {"n": len(rows)} if rows
        else gettext("审查通过的人选都已在名单中。"),
        "formal-list",
    )


@login_required
@require_POST
def candidate_add(request: HttpRequest, pk: int) -> HttpResponse:
    election = org_selectors.election_get(user=request.user, pk=pk)
    listed = {r.candidate.nomination_id for p in selectors.formal_list(election=election) for r in p.rows}
    approved = [n for n in selectors.nomination_list(user=request.user, election=election,
                                                     filters={"status": "approved"}) if n.pk not in listed]
    form = CandidateAddForm(request.POST, nominations=approved, auto_id="id_cadd_%s")
    failed = handle_form(
        request, form,
        lambda d: services.candidate_add(actor=request.user, nomination=d["nomination"]),
        lambda c: gettext("已将 %(name)s 列为正式候选人。") % {"name": c.person.name},
    )
    return form_outcome(request, election, CANDIDATES_TAB, "candidate-add", form, failed, "formal-list")


def _vote_flash(view: Any) -> str:
    parts = [gettext("已登记居民代表会议投票结果。")] + [p.message for p in view.decided]
    if view.added:
        parts.append(gettext("列入正式候选人：%(names)s。") % {"names": "、".join(view.added)})
    if view.removed:
        parts.append(gettext("移出正式候选人名单：%(names)s。") % {"names": "、".join(view.removed)})
    return " ".join(parts)


@login_required
@require_POST
def candidate_list_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """The residents' representatives' meeting's vote on the approved nominees of the over-full positions."""
    election = org_selectors.election_get(user=request.user, pk=pk)
    positions = selectors.formal_list(election=election)
    approved = list(selectors.nomination_list(user=request.user, election=election, filters={"status": "approved"}))
    form = ListVoteForm(request.POST, positions=_vote_positions(election, positions, approved), auto_id="id_lvote_%s")
    recorded: list[Any] = []

    def record(d: dict[str, Any]) -> Any:
        view = services.candidate_list_vote(actor=request.user, election=election, held_on=d["held_on"],
                                            expected=d["expected"], present=d["present"], ballots=d["ballots"],
                                            results=form.results())
        recorded.append(view)
        return view

    failed = handle_form(request, form, record, _vote_flash)
    if failed:
        return render_election(request, election, CANDIDATES_TAB, {"list-vote": form}, status=failed)
    for position in recorded[0].undecided:
        messages.warning(request, position.message)
    return redirect(tab_url(election, CANDIDATES_TAB, "list-vote"))


@login_required
@require_POST
def candidate_list_publish(request: HttpRequest, pk: int) -> HttpResponse:
    election = org_selectors.election_get(user=request.user, pk=pk)
    form = PublishForm(request.POST, auto_id="id_publish_%s")
    failed = handle_form(
        request, form,
        lambda d: services.candidate_list_publish(actor=request.user, election=election,
                                                  published_on=d["published_on"]),
        lambda cl: gettext("已登记正式候选人名单的公布日期：%(day)s。") % {"day": cl.published_on.isoformat()},
    )
    return form_outcome(request, election, CANDIDATES_TAB, "publish", form, failed, "publication")


@login_required
@require_POST
def candidate_list_submit(request: HttpRequest, pk: int) -> HttpResponse:
    election = org_selectors.election_get(user=request.user, pk=pk)
    return _simple_action(
        request, election, CANDIDATES_TAB,
        lambda: services.candidate_list_submit(actor=request.user, election=election),
        gettext("候选人预备人选名单已报街道党工委，等待批复。"),
        "publication",
    )


@login_required
@require_POST
def candidate_list_decide(request: HttpRequest, pk: int) -> HttpResponse:
    election = org_selectors.election_get(user=request.user, pk=pk)
    form = ListDecisionForm(request.POST, auto_id="id_decide_%s")
    failed = handle_form(
        request, form,
        lambda d: services.candidate_list_decide(actor=request.user, election=election,
                                                 approve=d["decision"] == "approve", reply=d["reply"]),
        lambda cl: gettext("已批复同意候选人预备人选名单。") if cl.approval == "approved"
        else gettext("已退回候选人预备人选名单。"),
    )
    return form_outcome(request, election, CANDIDATES_TAB, "decide", form, failed, "publication")


# --------------------------------------------------------------------------------------------
# The printable formal list (正式候选人名单)
# --------------------------------------------------------------------------------------------


def _issuer(election: Any) -> str:
    community = election.community.name
    if election.body == "party_committee":
        return f"中共{community}委员会"
    return f"{community}居民选举委员会"


def _list_title(election: Any, term: str) -> str:
    community = election.community.name
    nth = f"第{term}届" if term else ""
    if election.body == "party_committee":
        return f"中共{community}{nth}委员会委员候选人预备人选名单"
    what = "居务监督委员会" if election.body == "supervision_committee" else "居民委员会"
    if election.kind == "by_election":
        return f"{community}{nth}{what}成员补选正式候选人名单"
    return f"{community}{nth}{what}成员正式候选人名单"


@login_required
def candidate_list_print(request: HttpRequest, pk: int) -> HttpResponse:
    election = org_selectors.election_get(user=request.user, pk=pk)
    positions = [p for p in selectors.formal_list(election=election) if p.rows]
    status = selectors.candidate_list_status(election=election)
    term = "".join(c for c in (request.GET.get("term") or "").strip() if c.isalnum())[:6]
    problems = selectors.margin_problems_for(election=election)
    return render(request, "candidates/candidate_list_print.html", {
        "election": election, "positions": positions, "status": status, "term": term,
        "title": _list_title(election, term), "issuer": _issuer(election), "problems": problems,
        "draft": status is None or status.published_on is None,
        "unapproved": election.body == "party_committee" and (status is None or status.approval != "approved"),
        "body_label": election_rules.BODY_LABELS[election.body],
    })


def register_candidate_list_pages() -> None:
    """Called from CandidatesConfig.ready() through register_election_pages(): the "正式候选人" tab and its pages."""
    extensions.register_tab(CANDIDATES_TAB, _("正式候选人"), "candidates/_tab_candidates.html", _candidates_tab,
                            order=65)
    extensions.register_urls([
        path("nominations/<int:pk>/pledge/", pledge_record, name="pledge-record"),
        path("nominations/<int:pk>/talk/", nominee_talk_record, name="nominee-talk-record"),
        path("elections/<int:pk>/candidates/build/", candidate_list_build, name="candidate-list-build"),
        path("elections/<int:pk>/candidates/add/", candidate_add, name="candidate-add"),
        path("elections/<int:pk>/candidates/vote/", candidate_list_vote, name="candidate-list-vote"),
        path("elections/<int:pk>/candidates/publish/", candidate_list_publish, name="candidate-list-publish"),
        path("elections/<int:pk>/candidates/submit/", candidate_list_submit, name="candidate-list-submit"),
        path("elections/<int:pk>/candidates/decide/", candidate_list_decide, name="candidate-list-decide"),
        path("elections/<int:pk>/candidates/print/", candidate_list_print, name="candidate-list-print"),
        path("candidates/<int:pk>/remove/", candidate_remove, name="candidate-remove"),
    ])

"""Formal-list writes: pledges (纪律承诺书) and talks of nominees, the formal candidate list (正式候选人) in 姓氏笔画
order, its publication and, for party elections, the street's 批复.

Every service is keyword-only, atomic, permission- and stage-checked, and records one event per change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from elections.audit import record_event, snapshot
from elections.errors import ApplicationError, Conflict
from elections.models import Election, User
from elections.services import _require, notify_election
from elections.services.preparation import require_stage

from .. import rules, selectors
from ..models import (
    Candidate,
    CandidateList,
    Nomination,
    Pledge,
    Talk,
)
from .nomination import (
    LIST_STAGES,
    PUBLISH_STAGES,
    REPLACEMENT_STAGES,
    _lock,
    _lock_nomination,
    _renumber,
    _require_party,
    _seats,
    _today,
    _void_approval,
)


def _check_day(day: dt.date | None, field_name: str, label: str) -> None:
    if day is None:
        raise ApplicationError(f"请填写{label}。", {field_name: [f"请填写{label}。"]})
    if day > _today():
        raise ApplicationError(f"{label}不能晚于今天。", {field_name: [f"{label}不能晚于今天。"]})
    if day < _today() - dt.timedelta(days=366):
        message = f"{label} {day:%Y-%m-%d} 早于一年前，请核对年份。"
        raise ApplicationError(message, {field_name: [message]})


@transaction.atomic
def pledge_record(*, actor: User, nomination: Nomination, signed_on: dt.date | None) -> Pledge:
    """The nominee signed the discipline pledge (recorded again: the date corrected)."""
    _require(actor, "candidates.manage_candidates", nomination)
    election = _lock(nomination.election)
    require_stage(election, REPLACEMENT_STAGES, "登记纪律承诺书")
    nomination = _lock_nomination(nomination)
    if nomination.status not in rules.LIVE_STATUSES:
        raise Conflict(f"{nomination.person.name}的提名已{rules.NOMINATION_STATUS_LABELS[nomination.status]}。")
    _check_day(signed_on, "signed_on", "签订日期")
    pledge = Pledge.objects.filter(nomination=nomination).first()
    before = snapshot(pledge, ["signed_on"]) if pledge else None
    if pledge is None:
        pledge = Pledge(nomination=nomination)
    pledge.signed_on, pledge.recorded_by = signed_on, actor
    pledge.save()
    record_event(actor=actor, action="pledge.record", obj=pledge, election=election, before=before,
                 after={**snapshot(pledge, ["signed_on"]), "name": nomination.person.name},
                 summary=f"{nomination.person.name}签订纪律承诺书（{signed_on:%Y-%m-%d}）")
    return pledge


@transaction.atomic
def nominee_talk_record(
    *, actor: User, nomination: Nomination, held_on: dt.date | None, interviewers: str, note: str = ""
) -> Talk:
    """A talk (谈心谈话) with a nominee; kept with the campaign and community like the incumbents' talks."""
    _require(actor, "candidates.manage_candidates", nomination)
    election = _lock(nomination.election)
    require_stage(election, REPLACEMENT_STAGES, "登记谈心谈话")
    person = nomination.person
    errors: dict[str, list[str]] = {}
    if held_on is None:
        errors["held_on"] = ["请填写谈话日期。"]
    elif held_on > _today():
        errors["held_on"] = ["谈话日期不能晚于今天。"]
    if not (interviewers or "").strip():
        errors["interviewers"] = ["请填写谈话人（如：街道党工委书记 王某、组织委员 李某）。"]
    if errors:
        raise ApplicationError("谈话记录有误。", errors)
    talk = Talk.objects.create(campaign_id=election.campaign_id, community_id=election.community_id,
                               person=person, held_on=held_on, interviewers=interviewers.strip()[:200],
                               note=(note or "").strip(), recorded_by=actor)
    record_event(actor=actor, action="talk.record", obj=talk, election=election,
                 after={**snapshot(talk), "name": person.name},
                 summary=f"登记与被提名人 {person.name} 的谈心谈话（{held_on:%Y-%m-%d}，{talk.interviewers}）")
    return talk


def _list_for(election: Election) -> CandidateList:
    return CandidateList.objects.select_for_update().get_or_create(election=election)[0]


def _editable_list(election: Election, what: str) -> CandidateList:
    require_stage(election, LIST_STAGES, what)
    cl = _list_for(election)
    if cl.published_on is not None:
        raise Conflict(f"正式候选人名单已于 {cl.published_on:%Y-%m-%d} 公布，不能再调整。")
    return cl


def _candidate_state(c: Candidate) -> dict[str, Any]:
    return {**snapshot(c, ["nomination", "person", "position", "order"]), "name": c.person.name}


def _left_off(election: Election) -> dict[int, Any]:
    """Nomination id → vote row of the nominees the recorded residents' representatives' vote left off."""
    view = selectors.list_vote_view(election=election)
    return view.left_off if view is not None else {}


@transaction.atomic
def candidate_list_build(*, actor: User, election: Election) -> list[Candidate]:
    """Place every approved nomination not yet on the formal list (the clerk then removes any extra), except
    those the residents' representatives' meeting voted off (candidate_list_vote)."""
    _require(actor, "candidates.manage_candidates", election)
    election = _lock(election)
    cl = _editable_list(election, "确定正式候选人")
    left_off = _left_off(election)
    approved = [n for n in Nomination.objects.filter(election=election, status="approved", candidate__isnull=True)
                .select_related("person").order_by("id") if n.pk not in left_off]
    if not approved:
        if not Nomination.objects.filter(election=election, status="approved").exists():
            raise ApplicationError("没有审查通过的人选，不能确定正式候选人。", {})
        return []
    created = Candidate.objects.bulk_create([
        Candidate(election=election, nomination=n, person=n.person, position=n.position, added_by=actor)
        for n in approved])
    _renumber(election)
    note = _void_approval(cl)
    rows = list(Candidate.objects.filter(pk__in=[c.pk for c in created]).select_related("person"))
    record_event(actor=actor, action="candidate_list.build", object_type="candidates.candidate",
                 object_id=",".join(str(c.pk) for c in rows), election=election,
                 after={"added": [_candidate_state(c) for c in rows]},
                 summary=f"列入正式候选人 {len(rows)} 名：{'、'.join(n.person.name for n in approved)}{note}")
    return rows


@transaction.atomic
def candidate_add(*, actor: User, nomination: Nomination) -> Candidate:
    _require(actor, "candidates.manage_candidates", nomination)
    election = _lock(nomination.election)
    cl = _editable_list(election, "调整正式候选人")
    nomination = _lock_nomination(nomination)
    if nomination.status != "approved":
        raise ApplicationError("只有审查通过的人选才能列为正式候选人。", {"nomination": [
            f"{nomination.person.name}的提名{rules.NOMINATION_STATUS_LABELS[nomination.status]}，不能列为正式候选人。"]})
    if Candidate.objects.filter(nomination=nomination).exists():
        raise ApplicationError("已在名单中。", {"nomination": [f"{nomination.person.name}已是正式候选人。"]})
    vote = selectors.list_vote_view(election=election)
    row = vote.left_off.get(nomination.pk) if vote is not None else None
    if vote is not None and row is not None:
        message = (f"居民代表会议 {vote.vote.held_on:%Y-%m-%d} 投票未将{nomination.person.name}确定为正式候选人（得票 "
                   f"{row.votes} 票）；如须调整，请重新登记居民代表会议的投票结果。")
        raise ApplicationError("居民代表会议投票未确定此人为正式候选人。", {"nomination": [message]})
    candidate = Candidate.objects.create(election=election, nomination=nomination, person=nomination.person,
                                         position=nomination.position, added_by=actor)
    _renumber(election)
    candidate.refresh_from_db()
    note = _void_approval(cl)
    record_event(actor=actor, action="candidate.add", obj=candidate, election=election,
                 after=_candidate_state(candidate),
                 summary=f"列入正式候选人：{nomination.person.name}（{candidate.get_position_display()}）{note}")
    return candidate


@transaction.atomic
def candidate_remove(*, actor: User, candidate: Candidate, reason: str) -> None:
    _require(actor, "candidates.manage_candidates", candidate.election)
    election = _lock(candidate.election)
    cl = _editable_list(election, "调整正式候选人")
    if not (reason or "").strip():
        raise ApplicationError("移出须说明原因。", {"reason": ["请说明移出原因（如：超出差额上限，按研究结果不列入）。"]})
    before = _candidate_state(candidate)
    name, pk = candidate.person.name, candidate.pk
    candidate.delete()
    _renumber(election)
    note = _void_approval(cl)
    record_event(actor=actor, action="candidate.remove", object_type="candidates.candidate", object_id=pk,
                 election=election, before=before, after={"reason": reason.strip()},
                 summary=f"移出正式候选人：{name}（{reason.strip()}）{note}")


def _list_counts(election: Election) -> dict[str, int]:
    counts: dict[str, int] = {}
    for position in Candidate.objects.filter(election=election).values_list("position", flat=True):
        counts[position] = counts.get(position, 0) + 1
    return counts


@transaction.atomic
def candidate_list_publish(*, actor: User, election: Election, published_on: dt.date | None) -> CandidateList:
    """Record the publication (张榜公布) of the formal list."""
    _require(actor, "candidates.manage_candidates", election)
    election = _lock(election)
    require_stage(election, PUBLISH_STAGES, "公布正式候选人名单")
    _check_day(published_on, "published_on", "公布日期")
    cl = _list_for(election)
    counts = _list_counts(election)
    if not counts:
        raise ApplicationError("正式候选人名单为空，不能公布。", {})
    problems = rules.margin_problems(counts, _seats(election), election.effective_rules())
    if problems:
        raise ApplicationError("正式候选人人数不符合差额要求：" + "".join(problems), {"published_on": problems})
    if election.body == "party_committee" and cl.approval != "approved":
        raise Conflict("候选人预备人选名单尚未经街道党工委批复同意，不能公布。")
    before = snapshot(cl, ["published_on"])
    cl.published_on, cl.published_by = published_on, actor
    cl.save()
    record_event(actor=actor, action="candidate_list.publish", obj=cl, election=election, before=before,
                 after=snapshot(cl, ["published_on"]),
                 summary=f"{'更正' if before['published_on'] else ''}公布正式候选人名单（{published_on:%Y-%m-%d}）")
    return cl


@transaction.atomic
def candidate_list_submit(*, actor: User, election: Election) -> CandidateList:
    """Party: the community party organisation submits the 候选人预备人选 to the street for its 批复.

    An approved list may be submitted again: the 批复 comes after the publicity (公示 → 请示批复), so one
    given before the publicity was over is asked for again (the publicity gate says so)."""
    _require(actor, "candidates.manage_candidates", election)
    election = _lock(election)
    require_stage(election, LIST_STAGES, "报送候选人预备人选")
    _require_party(election, "报街道批复候选人预备人选")
    cl = _list_for(election)
    if not _list_counts(election):
        raise ApplicationError("候选人名单为空，不能报送。", {})
    if cl.approval == "submitted":
        raise Conflict("名单已报送，等待批复。")
    before = snapshot(cl, ["approval", "approval_reply", "approval_on"])
    again = (f"重新报送候选人预备人选名单（{cl.approval_on:%Y-%m-%d} 的批复作废），请街道党工委批复"
             if cl.approval == "approved" and cl.approval_on else "报送候选人预备人选名单，请街道党工委批复")
    cl.approval, cl.approval_reply, cl.approval_on, cl.approval_by = "submitted", "", None, None
    cl.save()
    record_event(actor=actor, action="candidate_list.submit", obj=cl, election=election, before=before,
                 after=snapshot(cl, ["approval", "approval_reply", "approval_on"]), summary=again)
    notify_election(election, roles=["street_staff"], key=f"candidate_list:{cl.pk}:submitted:{cl.updated_at:%Y%m%d%H%M%S%f}",
                    title=f"候选人预备人选待批复：{election.community.name}",
                    message=f"{election.title}：社区党组织报送了候选人预备人选名单。")
    return cl


@transaction.atomic
def candidate_list_decide(*, actor: User, election: Election, approve: bool, reply: str = "") -> CandidateList:
    """The street party committee's 批复 of the party's 候选人预备人选: approve, or return with a reply."""
    _require(actor, "candidates.approve_candidate_list", election)
    election = _lock(election)
    require_stage(election, LIST_STAGES, "批复候选人预备人选")
    _require_party(election, "批复候选人预备人选")
    cl = _list_for(election)
    if cl.approval != "submitted":
        raise Conflict("名单尚未报送，或已作出批复。")
    reply = (reply or "").strip()
    if not approve and not reply:
        raise ApplicationError("退回须说明理由。", {"reply": ["请填写批复意见（退回的理由和调整要求）。"]})
    before = snapshot(cl, ["approval", "approval_reply", "approval_on"])
    cl.approval = "approved" if approve else "returned"
    cl.approval_reply, cl.approval_on, cl.approval_by = reply or "同意", _today(), actor
    cl.save()
    verdict = "批复同意" if approve else f"退回（{reply}）"
    record_event(actor=actor, action="candidate_list.decide", obj=cl, election=election, before=before,
                 after=snapshot(cl, ["approval", "approval_reply", "approval_on"]),
                 summary=f"街道党工委对候选人预备人选名单：{verdict}")
    notify_election(election, roles=["community_clerk"], key=f"candidate_list:{cl.pk}:{cl.approval}:{cl.updated_at:%Y%m%d%H%M%S%f}",
                    title=f"候选人预备人选批复：{election.community.name}", message=f"{election.title}：{verdict}")
    return cl

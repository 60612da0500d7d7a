"""Preparation-stage writes owned by the elections app: rulebook adoption, party request, rectification."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from .. import rules
from ..audit import record_event, snapshot
from ..errors import ApplicationError, Conflict
from ..models import (
    Campaign,
    Election,
    Jurisdiction,
    Notification,
    PartyRequest,
    Rectification,
    RulebookAdoption,
    User,
)
from .core import _require


def require_stage(election: Election, stages: set[str] | frozenset[str], what: str) -> None:
    """Refuse a write outside the stages it belongs to, naming the stages and the current one."""
    if election.stage not in stages:
        allowed = "、".join(f"“{rules.STAGE_LABELS[s]}”" for s in rules.STAGE_CODES if s in stages)
        raise Conflict(f"{what}只能在{allowed}阶段办理；选举已处于“{election.stage_label}”阶段。")


def in_preparation(election: Election, what: str) -> None:
    """Refuse a preparation record once the election has moved on (a reopen brings it back)."""
    if election.stage != "preparation":
        raise Conflict(f"{what}只能在准备阶段办理；选举已处于“{election.stage_label}”阶段（如需更正，请街道退回）。")


# --------------------------------------------------------------------------------------------
# Rulebook adoption (选举办法审议通过并公布)
# --------------------------------------------------------------------------------------------


@transaction.atomic
def rulebook_adoption_record(
    *,
    actor: User,
    election: Election,
    meeting: str,
    held_on: dt.date | None,
    expected: int,
    present: int,
    votes_for: int,
    votes_against: int = 0,
    abstentions: int = 0,
    published_on: dt.date | None = None,
) -> RulebookAdoption:
    """Record (or correct) the meeting that adopted the rulebook; the rules it adopted are kept with it."""
    _require(actor, "elections.record_preparation", election)
    election = Election.objects.select_for_update().select_related("rulebook", "community").get(pk=election.pk)
    in_preparation(election, "选举办法的审议")
    if election.body == "party_committee":
        raise ApplicationError("党组织选举的大会选举办法在党员大会上通过，不在此登记。", {})
    errors = rules.adoption_input_problems(
        expected=expected, present=present, votes_for=votes_for, votes_against=votes_against,
        abstentions=abstentions, held_on=held_on, published_on=published_on, today=timezone.localdate(),
    )
    if meeting not in rules.ADOPTION_MEETING_LABELS:
        errors.setdefault("meeting", []).append("会议形式须为居民会议或居民代表会议。")
    if election.rule_errors():
        errors.setdefault("rule_overrides", []).append("选举规则调整有误，请先修正规则再登记审议结果。")
    if errors:
        raise ApplicationError("选举办法审议结果有误。", errors)
    existing = RulebookAdoption.objects.filter(election=election).first()
    before = snapshot(existing) if existing else None
    adoption = existing or RulebookAdoption(election=election)
    adoption.meeting, adoption.held_on = meeting, held_on
    adoption.expected, adoption.present, adoption.votes_for = expected, present, votes_for
    adoption.votes_against, adoption.abstentions = votes_against, abstentions
    adoption.published_on = published_on
    adoption.adopted_rules = election.effective_rules()
    adoption.rulebook_code = election.rulebook.code
    adoption.recorded_by = actor
    adoption.save()
    effective = adoption.adopted_rules
    verdict = (
        "会议无效（到会人数不足）" if not rules.adoption_quorate(expected, present, effective)
        else "获得通过" if rules.adoption_passed(present, votes_for, effective) else "未获通过"
    )
    record_event(
        actor=actor, action="rulebook.adopt", obj=adoption, election=election, before=before,
        after=snapshot(adoption),
        summary=(f"登记{rules.ADOPTION_MEETING_LABELS[meeting]}审议选举办法（{held_on:%Y-%m-%d}，应到 {expected}、"
                 f"实到 {present}、赞成 {votes_for}）：{verdict}"
                 + (f"；{published_on:%Y-%m-%d} 公布" if published_on else "")),
    )
    return adoption


# --------------------------------------------------------------------------------------------
# Party request to convene the members' meeting (请示) and the street's reply (批复)
# --------------------------------------------------------------------------------------------


@transaction.atomic
def party_request_submit(
    *,
    actor: User,
    election: Election,
    meeting_kind: str,
    recommendation_method: str,
    submitted_on: dt.date | None = None,
    note: str = "",
) -> PartyRequest:
    _require(actor, "elections.submit_party_request", election)
    election = Election.objects.select_for_update().get(pk=election.pk)
    if election.body != "party_committee":
        raise ApplicationError("只有社区党组织换届才需报送召开党员大会的请示。", {})
    in_preparation(election, "请示")
    errors: dict[str, list[str]] = {}
    if meeting_kind not in dict(rules.PARTY_MEETING_KINDS):
        errors["meeting_kind"] = ["会议形式须为党员大会或党员代表大会。"]
    if not (recommendation_method or "").strip():
        errors["recommendation_method"] = ["请写明委员、书记、副书记候选人预备人选的推荐产生办法。"]
    submitted_on = submitted_on or timezone.localdate()
    if submitted_on > timezone.localdate():
        errors["submitted_on"] = ["报送日期不能晚于今天。"]
    if errors:
        raise ApplicationError("请示内容有误。", errors)
    open_request = election.party_requests.filter(status__in=["submitted", "approved"]).first()
    if open_request is not None:
        state = "已批复同意" if open_request.status == "approved" else "正在等待批复"
        raise Conflict(f"已有一份请示{state}（{open_request.submitted_on:%Y-%m-%d} 报送），不能重复报送。")
    request = PartyRequest.objects.create(
        election=election, meeting_kind=meeting_kind, recommendation_method=recommendation_method.strip(),
        note=(note or "").strip(), submitted_on=submitted_on, submitted_by=actor,
    )
    record_event(actor=actor, action="party_request.submit", obj=request, election=election,
                 after=snapshot(request),
                 summary=f"报送召开{request.get_meeting_kind_display()}的请示（{submitted_on:%Y-%m-%d}）")
    notify_election(election, roles=["street_staff"], key=f"party_request:{request.pk}:submitted",
            title=f"待批复：{election.community.name}召开{request.get_meeting_kind_display()}的请示",
            message=f"{election.title}：社区党组织于 {submitted_on:%Y-%m-%d} 报送请示，请及时研究批复。")
    return request


@transaction.atomic
def party_request_decide(
    *, actor: User, request: PartyRequest, decision: str, reply: str = "", decided_on: dt.date | None = None
) -> PartyRequest:
    """The street approves (批复同意) or returns the request; a return must give its reasons."""
    _require(actor, "elections.decide_party_request", request.election)
    request = PartyRequest.objects.select_for_update().select_related("election", "election__community").get(
        pk=request.pk
    )
    errors: dict[str, list[str]] = {}
    if decision not in rules.PARTY_REQUEST_DECISIONS:
        errors["decision"] = ["批复须为同意（approve）或退回（return）。"]
    if decision == "return" and not (reply or "").strip():
        errors["reply"] = ["退回请示须写明理由。"]
    decided_on = decided_on or timezone.localdate()
    if decided_on < request.submitted_on:
        errors["decided_on"] = ["批复日期不能早于报送日期。"]
    elif decided_on > timezone.localdate():
        errors["decided_on"] = ["批复日期不能晚于今天。"]
    if errors:
        raise ApplicationError("批复有误。", errors)
    if request.status != "submitted":
        raise Conflict(f"这份请示已{request.get_status_display()}，不能再次批复。")
    in_preparation(request.election, "请示批复")
    before = snapshot(request)
    request.status = rules.PARTY_REQUEST_DECISIONS[decision]
    request.reply, request.decided_on, request.decided_by = (reply or "").strip(), decided_on, actor
    request.save()
    verdict = "批复同意" if request.status == "approved" else f"退回（{request.reply}）"
    record_event(actor=actor, action=f"party_request.{decision}", obj=request, election=request.election,
                 before=before, after=snapshot(request), summary=f"街道党工委对召开党员大会的请示：{verdict}")
    # the street's "waiting for a reply" notice is settled for everyone who received it
    Notification.objects.filter(key=f"party_request:{request.pk}:submitted", read_at__isnull=True).update(
        read_at=timezone.now())
    notify_election(request.election, roles=["community_clerk"], key=f"party_request:{request.pk}:{request.status}",
            title=f"请示{request.get_status_display()}：{request.election.community.name}",
            message=f"{request.election.title}：街道党工委{verdict}。")
    return request


# --------------------------------------------------------------------------------------------
# Difficult communities and their rectification (软弱涣散 / 重点难点 整顿)
# --------------------------------------------------------------------------------------------


def _affected_elections(campaign: Campaign, community: Jurisdiction) -> list[Election]:
    return list(Election.objects.filter(campaign=campaign, community=community).select_related("community"))


@transaction.atomic
def rectification_flag(
    *,
    actor: User,
    campaign: Campaign,
    community: Jurisdiction,
    category: str,
    problems: str,
    plan: str,
    responsible: str = "",
    flagged_on: dt.date | None = None,
) -> Rectification:
    _require(actor, "elections.manage_rectification", community)
    errors: dict[str, list[str]] = {}
    if community.level != "community":
        errors["community"] = ["只能把社区列为整顿对象。"]
    elif not campaign.jurisdiction.contains(community):
        errors["community"] = [f"“{community.name}”不在“{campaign.name}”的组织范围内。"]
    if category not in rules.RECTIFICATION_CATEGORY_LABELS:
        errors["category"] = ["类别须为软弱涣散或重点难点。"]
    if not (problems or "").strip():
        errors["problems"] = ["请写明存在的主要问题。"]
    if not (plan or "").strip():
        errors["plan"] = ["请写明整顿方案（措施、责任人、时限）。"]
    flagged_on = flagged_on or timezone.localdate()
    if flagged_on > timezone.localdate():
        errors["flagged_on"] = ["列入日期不能晚于今天。"]
    if errors:
        raise ApplicationError("整顿信息有误。", errors)
    item = Rectification.objects.create(
        campaign=campaign, community=community, category=category, problems=problems.strip(), plan=plan.strip(),
        responsible=(responsible or "").strip(), flagged_on=flagged_on, flagged_by=actor,
    )
    summary = f"将{community.name}列为{item.get_category_display()}社区整顿：{rules.clip(item.problems, 60)}"
    _record_for_community(actor, "rectification.flag", item, campaign, community, None, snapshot(item), summary)
    return item


@transaction.atomic
def rectification_complete(
    *, actor: User, rectification: Rectification, note: str, completed_on: dt.date | None = None
) -> Rectification:
    """The street confirms the rectification is done ("整顿到位"), which lifts the gate."""
    _require(actor, "elections.manage_rectification", rectification.community)
    item = Rectification.objects.select_for_update().select_related("campaign", "community").get(pk=rectification.pk)
    if item.completed_on is not None:
        raise Conflict(f"整顿已于 {item.completed_on:%Y-%m-%d} 确认完成。")
    errors: dict[str, list[str]] = {}
    if not (note or "").strip():
        errors["note"] = ["请写明整顿情况（解决了哪些问题）。"]
    completed_on = completed_on or timezone.localdate()
    if completed_on < item.flagged_on:
        errors["completed_on"] = ["完成日期不能早于列入日期。"]
    elif completed_on > timezone.localdate():
        errors["completed_on"] = ["完成日期不能晚于今天。"]
    if errors:
        raise ApplicationError("整顿完成信息有误。", errors)
    before = snapshot(item)
    item.completed_on, item.completed_by, item.completion_note = completed_on, actor, note.strip()
    item.save()
    summary = f"确认{item.community.name}{item.get_category_display()}整顿完成：{rules.clip(item.completion_note, 60)}"
    _record_for_community(actor, "rectification.complete", item, item.campaign, item.community, before,
                          snapshot(item), summary)
    return item


def _record_for_community(actor: User, action: str, item: Rectification, campaign: Campaign, community: Jurisdiction,
                          before: dict | None, after: dict, summary: str) -> None:
    """One event in the trail of every election it affects (or the organisation's trail when none exists yet)."""
    affected = _affected_elections(campaign, community)
    for election in affected:
        record_event(actor=actor, action=action, obj=item, election=election, before=before, after=after,
                     summary=summary)
    if not affected:
        record_event(actor=actor, action=action, obj=item, jurisdiction=community, before=before, after=after,
                     summary=summary)


# --------------------------------------------------------------------------------------------
# Notifications to the people who must act next
# --------------------------------------------------------------------------------------------


def notify_election(election: Election, *, roles: list[str], key: str, title: str, message: str) -> int:
    """An in-app notice to the users of the given roles responsible for the election's community."""
    community = election.community
    paths = [community.path]
    node = community.parent
    while node is not None:
        paths.append(node.path)
        node = node.parent
    users = User.objects.filter(is_active=True, role__in=roles, jurisdiction__path__in=paths)
    created = 0
    for user in users:
        _, made = Notification.objects.get_or_create(
            user=user, key=key, defaults={"title": title[:200], "message": message, "election": election,
                                          "campaign": election.campaign},
        )
        created += int(made)
    return created

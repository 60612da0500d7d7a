"""Every write of the elections app: keyword-only, atomic, permission-checked, one event per change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import gates, rules
from ..audit import record_event, snapshot
from ..errors import ApplicationError, Conflict, StageBlocked
from ..models import (
    Campaign,
    Election,
    Jurisdiction,
    Milestone,
    Notification,
    Rulebook,
    Seat,
    StageTransition,
    User,
)


def _require(user: User, perm: str, obj: Any = None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied("您没有权限执行此操作。")


# --------------------------------------------------------------------------------------------
# Organisation
# --------------------------------------------------------------------------------------------


@transaction.atomic
def jurisdiction_create(*, actor: User, name: str, code: str, level: str, parent: Jurisdiction | None) -> Jurisdiction:
    if parent is None:
        if not actor.is_superuser:
            raise PermissionDenied("只有系统管理员可以新建区。")
    else:
        _require(actor, "elections.add_jurisdiction", parent)
    expected = {"district": None, "street": "district", "community": "street"}.get(level, "invalid")
    errors: dict[str, list[str]] = {}
    if expected == "invalid":
        errors["level"] = ["层级须为 district、street 或 community。"]
    elif expected is None and parent is not None:
        errors["parent"] = ["区不能有上级。"]
    elif expected is not None and (parent is None or parent.level != expected):
        errors["parent"] = [f"{dict(rules.LEVELS)[level]}的上级必须是{dict(rules.LEVELS)[expected]}。"]
    if not name.strip():
        errors["name"] = ["请填写名称。"]
    if not code.strip():
        errors["code"] = ["请填写代码。"]
    elif Jurisdiction.objects.filter(code=code).exists():
        errors["code"] = [f"代码“{code}”已被使用。"]
    if errors:
        raise ApplicationError("区划信息有误。", errors)
    node = Jurisdiction.objects.create(name=name.strip(), code=code.strip(), level=level, parent=parent)
    record_event(actor=actor, action="jurisdiction.create", obj=node, jurisdiction=node, after=snapshot(node),
                 summary=f"新建{node.get_level_display()}“{node.name}”")
    return node


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    password: str,
    full_name: str,
    role: str,
    jurisdiction: Jurisdiction,
    department: str = "",
) -> User:
    # permission first: a refused caller learns nothing (not even whether a username exists)
    if role in {"district_admin", "district_reviewer"} and jurisdiction.level == "district":
        _require(actor, "elections.add_district_user", jurisdiction)
    else:
        _require(actor, "elections.add_user", jurisdiction)
    errors: dict[str, list[str]] = {}
    if role not in rules.ROLE_LABELS:
        errors["role"] = ["未知的角色。"]
    elif not rules.role_fits_level(role, jurisdiction.level):
        errors["jurisdiction"] = [
            f"{rules.ROLE_LABELS[role]}须属于{dict(rules.LEVELS)[rules.ROLE_LEVEL[role]]}一级的区划。"
        ]
    if role == "district_reviewer" and department not in rules.DEPARTMENT_LABELS:
        errors["department"] = ["区联审部门人员须指定所属部门。"]
    if role != "district_reviewer" and department:
        errors["department"] = ["只有区联审部门人员才有所属部门。"]
    if User.objects.filter(username=username).exists():
        errors["username"] = [f"用户名“{username}”已存在。"]
    if len(password or "") < 8:
        errors["password"] = ["密码至少 8 位。"]
    if errors:
        raise ApplicationError("用户信息有误。", errors)
    user = User(username=username, full_name=full_name, role=role, jurisdiction=jurisdiction, department=department)
    user.set_password(password)
    user.save()
    record_event(actor=actor, action="user.create", obj=user, jurisdiction=jurisdiction, after=snapshot(user),
                 summary=f"新建用户 {username}（{rules.ROLE_LABELS[role]}）")
    return user


def api_token_for(*, user: User) -> str:
    """The user's API token (created on first use)."""
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=user)
    return token.key


# --------------------------------------------------------------------------------------------
# Campaigns
# --------------------------------------------------------------------------------------------


def _check_milestones(milestones: list[dict[str, Any]]) -> list[str]:
    problems = []
    for index, item in enumerate(milestones, start=1):
        if not str(item.get("name", "")).strip():
            problems.append(f"第 {index} 个节点缺少名称。")
        if not isinstance(item.get("due"), dt.date):
            problems.append(f"第 {index} 个节点缺少完成时限。")
        if item.get("body") and item["body"] not in rules.BODY_LABELS:
            problems.append(f"第 {index} 个节点的适用选举无效。")
    return problems


@transaction.atomic
def campaign_create(
    *, actor: User, name: str, jurisdiction: Jurisdiction, milestones: list[dict[str, Any]] | None = None
) -> Campaign:
    _require(actor, "elections.add_campaign", jurisdiction)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = ["请填写换届工作名称。"]
    if jurisdiction.level == "community":
        errors["jurisdiction"] = ["换届工作由区或街道组织，不能设在社区。"]
    problems = _check_milestones(milestones or [])
    if problems:
        errors["milestones"] = problems
    if errors:
        raise ApplicationError("换届工作信息有误。", errors)
    campaign = Campaign.objects.create(name=name.strip(), jurisdiction=jurisdiction)
    for item in milestones or []:
        Milestone.objects.create(campaign=campaign, name=item["name"].strip(), due=item["due"], body=item.get("body", ""))
    record_event(actor=actor, action="campaign.create", obj=campaign, jurisdiction=jurisdiction,
                 after={**snapshot(campaign), "milestones": _milestone_data(campaign)},
                 summary=f"新建换届工作“{campaign.name}”")
    return campaign


def _milestone_data(campaign: Campaign) -> list[dict[str, Any]]:
    return [
        {"name": m.name, "due": m.due.isoformat(), "body": m.body, "done": m.done}
        for m in campaign.milestones.order_by("due", "id")
    ]


@transaction.atomic
def campaign_update(
    *, actor: User, campaign: Campaign, name: str | None = None, milestones: list[dict[str, Any]] | None = None
) -> Campaign:
    _require(actor, "elections.change_campaign", campaign)
    before = {**snapshot(campaign), "milestones": _milestone_data(campaign)}
    if name is not None:
        if not name.strip():
            raise ApplicationError("换届工作信息有误。", {"name": ["请填写换届工作名称。"]})
        campaign.name = name.strip()
        campaign.save(update_fields=["name"])
    if milestones is not None:
        problems = _check_milestones(milestones)
        if problems:
            raise ApplicationError("换届工作信息有误。", {"milestones": problems})
        # update in place by name, so unchanged milestones keep their reminders
        existing = {m.name: m for m in campaign.milestones.all()}
        kept = set()
        for item in milestones:
            name = item["name"].strip()
            kept.add(name)
            milestone = existing.get(name) or Milestone(campaign=campaign, name=name)
            milestone.due, milestone.body = item["due"], item.get("body", "")
            milestone.done = bool(item.get("done", False))
            milestone.save()
        campaign.milestones.exclude(name__in=kept).delete()
    record_event(actor=actor, action="campaign.update", obj=campaign, jurisdiction=campaign.jurisdiction,
                 before=before, after={**snapshot(campaign), "milestones": _milestone_data(campaign)},
                 summary=f"修改换届工作“{campaign.name}”")
    return campaign


@transaction.atomic
def milestone_set_done(*, actor: User, milestone: Milestone, done: bool) -> Milestone:
    _require(actor, "elections.change_campaign", milestone.campaign)
    before = {"name": milestone.name, "done": milestone.done}
    milestone.done = done
    milestone.save(update_fields=["done"])
    record_event(actor=actor, action="milestone.done" if done else "milestone.undone", obj=milestone,
                 jurisdiction=milestone.campaign.jurisdiction, before=before,
                 after={"name": milestone.name, "done": done},
                 summary=f"{'完成' if done else '撤销完成'}工作节点“{milestone.name}”（{milestone.campaign.name}）")
    return milestone


# --------------------------------------------------------------------------------------------
# Elections
# --------------------------------------------------------------------------------------------


def _seats_data(election: Election) -> list[dict[str, Any]]:
    return [{"position": s.position, "count": s.count} for s in election.seats.order_by("id")]


def _election_state(election: Election) -> dict[str, Any]:
    return {**snapshot(election, ["campaign", "community", "body", "kind", "rulebook", "rule_overrides",
                                  "election_day", "stage"]), "seats": _seats_data(election)}


def _validate_seats(body: str, seats: list[dict[str, Any]]) -> list[str]:
    allowed = dict(rules.POSITIONS_BY_BODY[body])
    problems, seen = [], set()
    for item in seats:
        position, count = item.get("position"), item.get("count")
        if position not in allowed:
            problems.append(f"{rules.BODY_LABELS[body]}没有职位“{position}”。")
        elif position in seen:
            problems.append(f"职位“{allowed[position]}”重复。")
        seen.add(position)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            problems.append(f"职位“{allowed.get(position, position)}”的职数须为非负整数。")
    return problems


@transaction.atomic
def election_create(
    *,
    actor: User,
    campaign: Campaign,
    community: Jurisdiction,
    body: str,
    kind: str,
    rulebook: Rulebook,
    rule_overrides: dict[str, Any] | None = None,
    election_day: dt.date | None = None,
    seats: list[dict[str, Any]] | None = None,
) -> Election:
    _require(actor, "elections.add_election", community)
    errors: dict[str, list[str]] = {}
    if community.level != "community":
        errors["community"] = ["选举须设在社区。"]
    elif not campaign.jurisdiction.contains(community):
        errors["community"] = [f"“{community.name}”不在“{campaign.name}”的组织范围内。"]
    if body not in rules.BODY_LABELS:
        errors["body"] = ["未知的选举对象。"]
    if kind not in rules.KIND_LABELS:
        errors["kind"] = ["未知的选举类型。"]
    if body in rules.BODY_LABELS and rulebook.body != body:
        errors["rulebook"] = [f"“{rulebook.name}”适用于{rulebook.get_body_display()}，与选举对象不符。"]
    _, rule_errors = rules.validate_overrides(rulebook.parameters, rule_overrides or {})
    if rule_errors:
        errors["rule_overrides"] = [m for ms in rule_errors.values() for m in ms]
    if seats and body in rules.BODY_LABELS:
        problems = _validate_seats(body, seats)
        if problems:
            errors["seats"] = problems
    if not errors and Election.objects.filter(campaign=campaign, community=community, body=body).exists():
        errors["body"] = [f"“{community.name}”在本次换届工作中已有{rules.BODY_LABELS[body]}选举。"]
    if errors:
        raise ApplicationError("选举信息有误。", errors)
    election = Election.objects.create(
        campaign=campaign, community=community, body=body, kind=kind, rulebook=rulebook,
        rule_overrides=rule_overrides or {}, election_day=election_day,
    )
    if seats:
        Seat.objects.bulk_create(Seat(election=election, position=s["position"], count=s["count"]) for s in seats)
        election.seat_plan_proposed_at = timezone.now()
        election.save(update_fields=["seat_plan_proposed_at"])
    record_event(actor=actor, action="election.create", obj=election, election=election,
                 after=_election_state(election), summary=f"新建选举：{election.title}")
    return election


@transaction.atomic
def election_update(
    *,
    actor: User,
    election: Election,
    election_day: dt.date | None | type[Ellipsis] = ...,
    rule_overrides: dict[str, Any] | None = None,
    rulebook: Rulebook | None = None,
) -> Election:
    _require(actor, "elections.change_election", election)
    election = Election.objects.select_for_update().get(pk=election.pk)
    if election.stage == "closed":
        raise Conflict("选举已归档，不能修改。")
    before = _election_state(election)
    errors: dict[str, list[str]] = {}
    if rulebook is not None and rulebook.body != election.body:
        errors["rulebook"] = [f"“{rulebook.name}”适用于{rulebook.get_body_display()}，与选举对象不符。"]
    new_rulebook = rulebook or election.rulebook
    if rule_overrides is not None:
        _, rule_errors = rules.validate_overrides(new_rulebook.parameters, rule_overrides)
        if rule_errors:
            errors["rule_overrides"] = [m for ms in rule_errors.values() for m in ms]
    if errors:
        raise ApplicationError("选举信息有误。", errors)
    if election_day is not ...:
        election.election_day = election_day
    if rule_overrides is not None:
        election.rule_overrides = rule_overrides
    election.rulebook = new_rulebook
    election.save()
    record_event(actor=actor, action="election.update", obj=election, election=election, before=before,
                 after=_election_state(election), summary="修改选举信息")
    return election


@transaction.atomic
def seat_plan_set(*, actor: User, election: Election, seats: list[dict[str, Any]]) -> Election:
    """The street proposes (or revises) the seat plan; any revision voids an earlier approval."""
    _require(actor, "elections.propose_seat_plan", election)
    election = Election.objects.select_for_update().get(pk=election.pk)
    if election.stage != "preparation":
        raise Conflict("职数方案只能在准备阶段修改。")
    problems = _validate_seats(election.body, seats)
    if problems:
        raise ApplicationError("职数方案有误。", {"seats": problems})
    before = _election_state(election)
    election.seats.all().delete()
    Seat.objects.bulk_create(Seat(election=election, position=s["position"], count=s["count"]) for s in seats)
    election.seat_plan_proposed_at = timezone.now()
    election.seat_plan_approved_at = None
    election.seat_plan_approved_by = None
    election.save()
    record_event(actor=actor, action="seat_plan.propose", obj=election, election=election, before=before,
                 after=_election_state(election), summary="提出职数方案")
    return election


@transaction.atomic
def seat_plan_approve(*, actor: User, election: Election) -> Election:
    """District approval (审定); refused while the plan breaks the rulebook's limits."""
    _require(actor, "elections.approve_seat_plan", election)
    election = Election.objects.select_for_update().get(pk=election.pk)
    seats = {s.position: s.count for s in election.seats.all()}
    if not seats:
        raise ApplicationError("尚无职数方案，无法审定。", {"seats": ["请先由街道提出职数方案。"]})
    problems = rules.seat_plan_problems(election.body, election.kind, seats, election.effective_rules())
    if problems:
        raise ApplicationError("职数方案不符合规定，不能审定。", {"seats": problems})
    if election.seat_plan_approved_at:
        raise Conflict("职数方案已审定。")
    election.seat_plan_approved_at = timezone.now()
    election.seat_plan_approved_by = actor
    election.save(update_fields=["seat_plan_approved_at", "seat_plan_approved_by"])
    record_event(actor=actor, action="seat_plan.approve", obj=election, election=election,
                 after={"seats": _seats_data(election), "approved_at": election.seat_plan_approved_at},
                 summary="区审定职数方案")
    return election


def election_lock(election: Election) -> Election:
    """The election row locked for the rest of the transaction (with what services read of it): every write that
    checks the election's stage or counts its rows serialises on it."""
    return Election.objects.select_for_update().select_related("community", "campaign", "rulebook").get(
        pk=election.pk)


@transaction.atomic
def election_advance(*, actor: User, election: Election, expected_stage: str | None = None) -> Election:
    _require(actor, "elections.advance_election", election)
    election = Election.objects.select_for_update().select_related("rulebook", "community").get(pk=election.pk)
    if expected_stage and election.stage != expected_stage:
        raise Conflict(f"选举已处于“{election.stage_label}”阶段，请刷新后再试。")
    target = rules.next_stage(election.stage)
    if target is None:
        raise Conflict("选举已归档，没有下一阶段。")
    blockers = gates.blockers_for(election)
    if blockers:
        raise StageBlocked(blockers, f"不能进入“{rules.STAGE_LABELS[target]}”阶段：尚有 {len(blockers)} 项条件未满足。")
    source = election.stage
    election.stage = target
    election.stage_entered_at = timezone.now()
    election.save(update_fields=["stage", "stage_entered_at", "updated_at"])
    StageTransition.objects.create(election=election, from_stage=source, to_stage=target, kind="advance", actor=actor)
    record_event(actor=actor, action="stage.advance", obj=election, election=election, before={"stage": source},
                 after={"stage": target},
                 summary=f"由“{rules.STAGE_LABELS[source]}”进入“{rules.STAGE_LABELS[target]}”")
    return election


@transaction.atomic
def election_reopen(*, actor: User, election: Election, stage: str, reason: str) -> Election:
    """Move an election back to an earlier stage: only a higher level, only with a reason."""
    _require(actor, "elections.reopen_election", election)
    election = Election.objects.select_for_update().get(pk=election.pk)
    errors: dict[str, list[str]] = {}
    if not (reason or "").strip():
        errors["reason"] = ["退回须说明理由。"]
    if not rules.can_reopen_to(election.stage, stage):
        errors["stage"] = [f"只能退回到“{election.stage_label}”之前的阶段。"]
    if errors:
        raise ApplicationError("不能退回。", errors)
    source = election.stage
    election.stage = stage
    election.stage_entered_at = timezone.now()
    election.save(update_fields=["stage", "stage_entered_at", "updated_at"])
    StageTransition.objects.create(
        election=election, from_stage=source, to_stage=stage, kind="reopen", reason=reason.strip(), actor=actor
    )
    record_event(actor=actor, action="stage.reopen", obj=election, election=election, before={"stage": source},
                 after={"stage": stage, "reason": reason.strip()},
                 summary=f"退回：由“{rules.STAGE_LABELS[source]}”退回“{rules.STAGE_LABELS[stage]}”（{reason.strip()}）")
    return election


# --------------------------------------------------------------------------------------------
# Deadline reminders
# --------------------------------------------------------------------------------------------


def _responsible_users(milestone: Milestone) -> list[User]:
    """Street (or district) staff of the campaign, plus the clerks of communities still at work on it."""
    campaign = milestone.campaign
    organisers = User.objects.filter(
        is_active=True,
        role__in=["street_staff", "district_admin"],
        jurisdiction__path__startswith=campaign.jurisdiction.path,
    )
    open_elections = campaign.elections.exclude(stage__in=["handover", "closed"])
    if milestone.body:
        open_elections = open_elections.filter(body=milestone.body)
    clerks = User.objects.filter(
        is_active=True, role="community_clerk", jurisdiction__in=open_elections.values("community")
    )
    return list(organisers) + list(clerks)


def deadline_scan(*, today: dt.date | None = None, offsets: list[int] | None = None) -> int:
    """Record reminders for campaign milestones that are near or past; idempotent (unique per user+key)."""
    from django.conf import settings

    today = today or timezone.localdate()
    offsets = offsets if offsets is not None else settings.REMINDER_OFFSETS_DAYS
    created = 0
    horizon = today + dt.timedelta(days=max(offsets or [0]))
    milestones = Milestone.objects.filter(done=False, due__lte=horizon).select_related(
        "campaign", "campaign__jurisdiction"
    )
    for milestone in milestones:
        which = rules.reminder_due(milestone.due, today, offsets)
        if which is None:
            continue
        key = f"milestone:{milestone.pk}:{which}"
        overdue = which.startswith("overdue")
        title = f"{'已逾期' if overdue else '即将到期'}：{milestone.name}"
        message = (
            f"{milestone.campaign.name} — “{milestone.name}”完成时限 {milestone.due:%Y-%m-%d}，"
            f"{rules.describe_due(milestone.due, today)}。"
        )
        for user in _responsible_users(milestone):
            try:
                with transaction.atomic():
                    _, was_created = Notification.objects.get_or_create(
                        user=user, key=key,
                        defaults={"title": title, "message": message, "due": milestone.due, "overdue": overdue,
                                  "campaign": milestone.campaign},
                    )
            except IntegrityError:  # a concurrent scan recorded it first
                was_created = False
            created += int(was_created)
    return created


@transaction.atomic
def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    if notification.user_id != actor.pk:
        raise PermissionDenied("只能处理自己的提醒。")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification

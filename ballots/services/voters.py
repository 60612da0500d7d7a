"""Writes of the voter roll: its settings (全面/自愿登记, residents total), one voter's registration, removal and
correction, the list's publication (张榜公布), objections to it and their decisions.

Every service is keyword-only, atomic, permission- and stage-checked (``preparation`` … ``voting``), locks the
election row so that changes of one roll are serialised, and records one event per change with before/after
pictures (ID numbers masked in events: the audit trail is shown and exported). The file import is
``ballots.services.voter_import``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.utils import timezone

from elections.audit import record_event, snapshot
from elections.errors import ApplicationError, Conflict
from elections.models import Election, User
from elections.services import _require
from elections.services import election_lock as _lock
from elections.services.preparation import require_stage

from ..models import (
    CATEGORY_LABELS,
    REGISTRATION_MODES,
    ROLL_OBJECTION_KINDS,
    Proxy,
    RollObjection,
    Voter,
    VoterRoll,
)
from ..rules import roll as roll_rules
from ..rules import voters as voter_rules

ROLL_STAGES = roll_rules.ROLL_STAGES
MODE_LABELS = dict(REGISTRATION_MODES)
OBJECTION_KIND_LABELS = dict(ROLL_OBJECTION_KINDS)
DECISION_LABELS = {"upheld": "异议成立", "dismissed": "异议不成立"}
MAX_RESIDENTS = 10_000_000
REASON_MAX = 200


def _today() -> dt.date:
    return timezone.localdate()



def _roll(election: Election) -> VoterRoll:
    return VoterRoll.objects.select_for_update().get_or_create(election=election)[0]


def _rules(election: Election) -> roll_rules.RollRules:
    return roll_rules.roll_rules(election.effective_rules())


def voter_state(voter: Voter) -> dict[str, Any]:
    """A voter as the audit trail keeps it: the ID number masked."""
    return {**snapshot(voter, ["election", "name", "group", "category", "status", "source", "added_reason",
                               "removed_reason"]), "id_number": voter.masked_id}


def _roll_state(roll: VoterRoll) -> dict[str, Any]:
    return snapshot(roll, ["mode", "residents_total", "published_on", "version"])


def _objection_state(o: RollObjection) -> dict[str, Any]:
    return snapshot(o, ["raised_on", "raised_by", "kind", "subject_name", "voter", "decision", "decision_text",
                        "decided_on", "version"])


def _clean_reason(reason: str | None) -> str:
    return voter_rules.clean_text(reason)[:REASON_MAX]


def min_voter_age(election: Election) -> int:
    """The minimum voter age of the election's rules (18 unless the rulebook says otherwise)."""
    return int(election.effective_rules().get("min_voter_age", 18))


def add_problems(errors: dict[str, list[str]], problems: list[tuple[str, str]]) -> dict[str, list[str]]:
    """``check_voter``'s (field, message) problems added to a form's field errors."""
    for field_name, message in problems:
        errors.setdefault(field_name, []).append(message)
    return errors


def _who(voter: Voter) -> str:
    return f"{voter.name}（{voter.masked_id}，居民小组 {voter.group}）"


# --------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------


@transaction.atomic
def voter_roll_configure(*, actor: User, election: Election, mode: str, residents_total: int | None,
                         version: int | None = None) -> VoterRoll:
    """How voters are registered (全面登记 or 自愿登记) and the residents total the voluntary floor is counted on."""
    _require(actor, "ballots.manage_voters", election)
    election = _lock(election)
    require_stage(election, ROLL_STAGES, "设置选民登记方式")
    roll = _roll(election)
    if version is not None and version != roll.version:
        raise Conflict("选民登记设置已被他人修改，请刷新后重试。")
    errors: dict[str, list[str]] = {}
    if mode not in MODE_LABELS:
        errors["mode"] = ["登记方式须为全面登记或自愿登记。"]
    elif mode == "voluntary" and election.body == "party_committee":
        errors["mode"] = ["党组织选举以全体党员为选举人，不采用自愿登记。"]
    if residents_total is not None and not 0 < residents_total <= MAX_RESIDENTS:
        errors["residents_total"] = [f"居民总数须为 1 至 {MAX_RESIDENTS} 之间的整数。"]
    elif mode == "voluntary" and residents_total is None:
        floor = roll_rules.percent_text(_rules(election).floor)
        errors["residents_total"] = [f"自愿登记须填写居民总数：登记人数不得少于居民总数的 {floor}。"]
    if errors:
        raise ApplicationError("选民登记设置有误。", errors)
    if roll.mode == mode and roll.residents_total == residents_total:
        return roll
    before = _roll_state(roll)
    roll.mode, roll.residents_total = mode, residents_total
    roll.version += 1
    roll.save()
    total = f"，居民总数 {residents_total} 人" if residents_total else ""
    record_event(actor=actor, action="voter_roll.configure", obj=roll, election=election, before=before,
                 after=_roll_state(roll), summary=f"选民登记方式：{MODE_LABELS[mode]}{total}")
    return roll


# --------------------------------------------------------------------------------------------
# One voter
# --------------------------------------------------------------------------------------------


def _registered_elsewhere(election: Election, id_number: str) -> Voter | None:
    """The person's active registration in this campaign and body (this community's or another's)."""
    return (Voter.objects.filter(campaign_id=election.campaign_id, body=election.body, id_number=id_number,
                                 status="active")
            .select_related("election__community").first())


def _duplicate_message(election: Election, name: str, existing: Voter) -> str:
    masked = existing.masked_id
    if existing.election_id == election.pk:
        return f"{name}（身份证号 {masked}）已登记为本社区选民（居民小组 {existing.group}），不能重复登记。"
    community = existing.election.community.name
    return (f"{name}（身份证号 {masked}）已在本次换届的{community}登记为选民（居民小组 {existing.group}），"
            f"不能重复登记；如须改在本社区登记，请先由{community}将其除名。")


def _register(actor: User, election: Election, *, name: Any, id_number: Any, group: Any, category: Any,
              source: str, reason: str, errors: dict[str, list[str]] | None = None) -> Voter:
    """Check and store one registration (the caller holds the election's lock and records the event)."""
    errors = dict(errors or {})
    data, problems = voter_rules.check_voter(name=name, id_number=id_number, group=group, category=category,
                                             election_day=election.election_day, min_age=min_voter_age(election))
    add_problems(errors, problems)
    if data is not None:
        existing = _registered_elsewhere(election, data.id_number)
        if existing is not None:
            errors.setdefault("id_number", []).append(_duplicate_message(election, data.name, existing))
    if errors or data is None:
        raise ApplicationError("选民登记有误。", errors)
    try:
        with transaction.atomic():
            return Voter.objects.create(
                election=election, campaign_id=election.campaign_id, body=election.body, name=data.name,
                id_number=data.id_number, sex=data.sex, birth_date=data.birth_date, group=data.group,
                category=data.category, source=source, added_reason=reason, added_by=actor)
    except IntegrityError:
        # registered by someone else between the check and the insert: the one-active-registration constraint
        existing = _registered_elsewhere(election, data.id_number)
        message = (_duplicate_message(election, data.name, existing) if existing is not None
                   else f"{data.name}的选民登记未能保存：该身份证号刚刚已被登记，请刷新后核对。")
        raise ApplicationError("选民登记有误。", {"id_number": [message]}) from None


@transaction.atomic
def voter_register(*, actor: User, election: Election, name: Any, id_number: Any, group: Any,
                   category: Any = "", reason: str = "") -> Voter:
    """Register one voter by hand (补登, a newcomer …): checked like an imported row (age on election day, a
    valid ID number, a group, a category) and refused when the person is already actively registered anywhere
    in this campaign for this body (错登、重登)."""
    _require(actor, "ballots.manage_voters", election)
    election = _lock(election)
    require_stage(election, ROLL_STAGES, "登记选民")
    reason = _clean_reason(reason)
    errors = {} if reason else {"reason": ["请说明登记情况（如：补登、新迁入、户籍类别变化）。"]}
    voter = _register(actor, election, name=name, id_number=id_number, group=group, category=category,
                      source="manual", reason=reason, errors=errors)
    record_event(actor=actor, action="voter.register", obj=voter, election=election, after=voter_state(voter),
                 summary=f"登记选民：{_who(voter)}（{reason}）")
    return voter


def _lock_voter(voter: Voter) -> Voter:
    return Voter.objects.select_for_update().get(pk=voter.pk)


def _remove(actor: User, election: Election, voter: Voter, reason: str, action: str, summary: str) -> Voter:
    if voter.election_id != election.pk:
        raise ApplicationError("不是本次选举的选民。", {"voter": ["所选人员不是本次选举的选民。"]})
    voter = _lock_voter(voter)
    if voter.status != "active":
        when = f"于 {timezone.localtime(voter.removed_at):%Y-%m-%d} " if voter.removed_at else ""
        raise Conflict(f"{voter.name}已{when}除名（{voter.removed_reason or '未说明原因'}）。")
    proxies = list(Proxy.objects.filter(Q(voter=voter) | Q(holder=voter), status="active")
                   .select_related("voter", "holder"))
    if proxies:
        names = "、".join(f"{p.voter.name}委托{p.holder.name}" for p in proxies)
        raise Conflict(f"{voter.name}有有效的委托投票（{names}），请先撤销委托再除名。")
    before = voter_state(voter)
    voter.status, voter.removed_reason, voter.removed_by, voter.removed_at = "removed", reason, actor, timezone.now()
    voter.save(update_fields=["status", "removed_reason", "removed_by", "removed_at"])
    record_event(actor=actor, action=action, obj=voter, election=election, before=before, after=voter_state(voter),
                 summary=summary)
    return voter


@transaction.atomic
def voter_remove(*, actor: User, voter: Voter, reason: str) -> Voter:
    """Take a voter off the roll (错登, 重登, died, moved away …): status ``removed``, the row and its reason kept."""
    _require(actor, "ballots.manage_voters", voter.election)
    election = _lock(voter.election)
    require_stage(election, ROLL_STAGES, "选民除名")
    reason = _clean_reason(reason)
    if not reason:
        raise ApplicationError("除名须说明原因。", {"reason": ["请说明除名原因（如：重复登记、已迁出、已去世）。"]})
    return _remove(actor, election, voter, reason, "voter.remove", f"选民除名：{_who(voter)}（{reason}）")


@transaction.atomic
def voter_update(*, actor: User, voter: Voter, group: Any = None, category: Any = None, reason: str = "") -> Voter:
    """Correct an active voter's residents' group or registration category (name and ID number are not corrected
    here: remove the wrong registration and register the right one)."""
    _require(actor, "ballots.manage_voters", voter.election)
    election = _lock(voter.election)
    require_stage(election, ROLL_STAGES, "更正选民信息")
    voter = _lock_voter(voter)
    if voter.status != "active":
        raise Conflict(f"{voter.name}已除名，不能更正。")
    errors: dict[str, list[str]] = {}
    new_group, new_category = voter.group, voter.category
    if group is not None:
        new_group = voter_rules.clean_text(group)
        if not new_group:
            errors["group"] = ["居民小组为空。"]
        elif len(new_group) > voter_rules.GROUP_MAX:
            errors["group"] = [f"居民小组名称过长（至多 {voter_rules.GROUP_MAX} 个字符）。"]
    if category is not None:
        code = voter_rules.category_code(category)
        if code is None:
            errors["category"] = [f"户籍类别“{voter_rules.clean_text(category)}”无法识别。"]
        else:
            new_category = code
    reason = _clean_reason(reason)
    if not reason:
        errors["reason"] = ["请说明更正原因（如：居民小组登记错误）。"]
    if errors:
        raise ApplicationError("选民信息更正有误。", errors)
    if (new_group, new_category) == (voter.group, voter.category):
        raise ApplicationError("没有需要更正的内容。", {"group": ["居民小组和户籍类别均未改变。"]})
    before = voter_state(voter)
    changes = []
    if new_group != voter.group:
        changes.append(f"居民小组 {voter.group} → {new_group}")
    if new_category != voter.category:
        changes.append(f"户籍类别 {CATEGORY_LABELS[voter.category]} → {CATEGORY_LABELS[new_category]}")
    voter.group, voter.category = new_group, new_category
    voter.save(update_fields=["group", "category"])
    record_event(actor=actor, action="voter.update", obj=voter, election=election, before=before,
                 after={**voter_state(voter), "reason": reason},
                 summary=f"更正选民 {voter.name}：{'；'.join(changes)}（{reason}）")
    return voter


# --------------------------------------------------------------------------------------------
# Publication
# --------------------------------------------------------------------------------------------


@transaction.atomic
def voter_list_publish(*, actor: User, election: Election, published_on: dt.date | None) -> VoterRoll:
    """Record the day the voter list was posted (张榜公布), or correct it. A day fewer than ``voter_list_lead_days``
    before election day is recorded (it is a fact) but the voting gate then blocks the election."""
    _require(actor, "ballots.publish_voter_list", election)
    election = _lock(election)
    require_stage(election, ROLL_STAGES, "公布选民名单")
    if published_on is None:
        raise ApplicationError("请填写公布日期。", {"published_on": ["请填写公布日期。"]})
    if not Voter.objects.filter(election=election, status="active").exists():
        raise ApplicationError("选民名单为空，不能公布。", {"published_on": ["尚未登记选民，不能公布选民名单。"]})
    first = RollObjection.objects.filter(election=election).aggregate(first=Min("raised_on"))["first"]
    problem = roll_rules.publish_problem(published_on=published_on, election_day=election.election_day,
                                         today=_today(), first_objection=first)
    if problem:
        raise ApplicationError("公布日期有误。", {"published_on": [problem]})
    roll = _roll(election)
    before = _roll_state(roll)
    roll.published_on, roll.published_by = published_on, actor
    roll.version += 1
    roll.save()
    lead = _rules(election).lead_days
    note = ""
    if roll_rules.published_late(published_on, election.election_day, lead):
        gap = roll_rules.days_before(published_on, election.election_day)  # type: ignore[arg-type]
        note = f"；距选举日仅 {gap} 天，少于规定的 {lead} 天"
    record_event(actor=actor, action="voter_list.publish", obj=roll, election=election, before=before,
                 after=_roll_state(roll),
                 summary=f"{'更正' if before['published_on'] else ''}公布选民名单（{published_on:%Y-%m-%d}）{note}")
    return roll


@transaction.atomic
def voter_list_export_record(*, actor: User, election: Election, rows: int) -> None:
    """An export with full ID numbers is personal data leaving the system: only those who manage the roll may
    make one, and it is recorded (masked exports are not)."""
    _require(actor, "ballots.manage_voters", election)
    record_event(actor=actor, action="voter_list.export_full", object_type="ballots.voterroll",
                 object_id=election.pk, election=election, after={"rows": rows},
                 summary=f"导出含完整身份证号的选民名单（{rows} 人）")


# --------------------------------------------------------------------------------------------
# Objections to the published list (选民名单异议)
# --------------------------------------------------------------------------------------------


def _voter_of(election: Election, voter: Voter | None, errors: dict[str, list[str]]) -> Voter | None:
    if voter is not None and voter.election_id != election.pk:
        errors.setdefault("voter", []).append("所选人员不是本次选举的选民。")
        return None
    return voter


@transaction.atomic
def roll_objection_raise(*, actor: User, election: Election, raised_on: dt.date | None, raised_by: str,
                         kind: str, content: str, subject_name: str = "", contact: str = "",
                         voter: Voter | None = None) -> RollObjection:
    """Register an objection to the published list (漏登、错登、重登 …), raised within ``voter_objection_days`` of
    publication (the publication day itself and the N days after it)."""
    _require(actor, "ballots.manage_voters", election)
    election = _lock(election)
    require_stage(election, ROLL_STAGES, "受理选民名单异议")
    roll = VoterRoll.objects.filter(election=election).first()
    if roll is None or roll.published_on is None:
        raise Conflict("选民名单尚未公布，不能提出异议（异议期自名单公布之日起计算）。")
    errors: dict[str, list[str]] = {}
    raised_on = raised_on or _today()
    problem = roll_rules.objection_window_problem(raised_on=raised_on, published_on=roll.published_on,
                                                  objection_days=_rules(election).objection_days, today=_today())
    if problem:
        errors["raised_on"] = [problem]
    raised_by = voter_rules.clean_text(raised_by)[:50]
    if not raised_by:
        errors["raised_by"] = ["请填写提出人。"]
    if kind not in OBJECTION_KIND_LABELS:
        errors["kind"] = ["请选择异议类型（漏登、错登、重登、信息有误、其他）。"]
    voter = _voter_of(election, voter, errors)
    if kind == "omitted" and voter is not None:
        errors.setdefault("voter", []).append("漏登异议涉及的是名单以外的人员，不能选择名单中的选民。")
    subject_name = voter_rules.clean_text(subject_name)[:50] or (voter.name if voter is not None else "")
    if not subject_name:
        errors["subject_name"] = ["请填写异议涉及的人员。"]
    content = (content or "").strip()
    if not content:
        errors["content"] = ["请填写异议内容（事实和理由）。"]
    if errors:
        raise ApplicationError("选民名单异议有误。", errors)
    objection = RollObjection.objects.create(
        election=election, raised_on=raised_on, raised_by=raised_by, contact=voter_rules.clean_text(contact)[:50],
        kind=kind, subject_name=subject_name, voter=voter, content=content, created_by=actor)
    due = roll_rules.decision_due(raised_on, _rules(election).decision_days)
    record_event(actor=actor, action="roll_objection.raise", obj=objection, election=election,
                 after=_objection_state(objection),
                 summary=f"受理选民名单异议：{subject_name}（{OBJECTION_KIND_LABELS[kind]}，{raised_by} "
                         f"{raised_on:%Y-%m-%d} 提出，应于 {due:%Y-%m-%d} 前处理）")
    return objection


@transaction.atomic
def roll_objection_decide(
    *, actor: User, objection: RollObjection, decision: str, decision_text: str, decided_on: dt.date | None = None,
    version: int | None = None, name: Any = "", id_number: Any = "", group: Any = "", category: Any = "",
    voter: Voter | None = None,
) -> RollObjection:
    """Decide an objection. Upheld 漏登 registers the person (name, ID number, group, category given with the
    decision); upheld 错登 or 重登 removes the voter it names; upheld 信息有误/其他 and dismissed ones are recorded
    only (a correction is then made on the voter). A decision after ``voter_objection_decision_days`` is recorded
    and marked overdue."""
    _require(actor, "ballots.decide_roll_objection", objection.election)
    election = _lock(objection.election)
    require_stage(election, ROLL_STAGES, "处理选民名单异议")
    objection = RollObjection.objects.select_for_update().get(pk=objection.pk)
    if objection.decision:
        raise Conflict(f"该异议已于 {objection.decided_on:%Y-%m-%d} 处理（{DECISION_LABELS[objection.decision]}）。")
    if version is not None and version != objection.version:
        raise Conflict("该异议已被他人修改，请刷新后重试。")
    errors: dict[str, list[str]] = {}
    if decision not in DECISION_LABELS:
        errors["decision"] = ["请选择处理结果：异议成立或异议不成立。"]
    decision_text = (decision_text or "").strip()
    if not decision_text:
        errors["decision_text"] = ["请填写处理意见（调查核实的情况和处理结论）。"]
    decided_on = decided_on or _today()
    problem = roll_rules.decision_problem(decided_on=decided_on, raised_on=objection.raised_on, today=_today())
    if problem:
        errors["decided_on"] = [problem]
    kind_label = OBJECTION_KIND_LABELS[objection.kind]
    target = None
    if decision == "upheld" and objection.kind in {"wrong", "duplicate"}:
        target = _voter_of(election, voter or objection.voter, errors)
        if target is None and "voter" not in errors:
            errors["voter"] = [f"{kind_label}异议成立，须选择应除名的选民。"]
    before = _objection_state(objection)
    if decision == "upheld" and objection.kind == "omitted":
        # the registration's own checks add their field errors to the decision's
        objection.voter = _register(actor, election, name=name or objection.subject_name, id_number=id_number,
                                    group=group, category=category, source="objection",
                                    reason=f"选民名单异议成立（漏登）：{decision_text}"[:REASON_MAX], errors=errors)
        record_event(actor=actor, action="voter.register", obj=objection.voter, election=election,
                     after=voter_state(objection.voter),
                     summary=f"因选民名单异议成立（漏登）补登选民：{_who(objection.voter)}")
    elif errors:
        raise ApplicationError("异议处理有误。", errors)
    elif target is not None:
        reason = f"选民名单异议成立（{kind_label}）：{decision_text}"[:REASON_MAX]
        objection.voter = _remove(actor, election, target, reason, "voter.remove",
                                  f"因选民名单异议成立（{kind_label}）除名：{_who(target)}")
    days = _rules(election).decision_days
    overdue = roll_rules.decision_overdue(objection.raised_on, decided_on, days)
    objection.decision, objection.decision_text, objection.decided_on = decision, decision_text, decided_on
    objection.decided_by = actor
    objection.version += 1
    objection.save()
    late = (f"（逾期：应于 {roll_rules.decision_due(objection.raised_on, days):%Y-%m-%d} 前处理）"
            if overdue else "")
    record_event(actor=actor, action="roll_objection.decide", obj=objection, election=election, before=before,
                 after={**_objection_state(objection), "overdue": overdue},
                 summary=f"选民名单异议处理：{objection.subject_name}（{kind_label}）{DECISION_LABELS[decision]}{late}")
    return objection

"""Preparation-stage writes about people: incumbents, audits, talks, the residents' election committee."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from elections import rules as election_rules
from elections.audit import record_event, snapshot
from elections.errors import ApplicationError, Conflict
from elections.models import Election, User
from elections.services import _require, notify_election
from elections.services import election_lock as _lock
from elections.services.preparation import in_preparation as _in_preparation

from .. import rules
from ..models import Audit, CommitteeMember, Incumbent, Person, Talk

_EDITABLE_COMMITTEE_STAGES = {"preparation", "nomination", "vetting", "publicity", "voting", "counting"}


def _person_visible(actor: User, person: Person, field: str = "person") -> None:
    if not actor.has_perm("candidates.view_person", person):
        raise ApplicationError("人员有误。", {field: ["该人员不存在或不在您的管辖范围内。"]})


# --------------------------------------------------------------------------------------------
# Incumbents (现任班子成员)
# --------------------------------------------------------------------------------------------


def _incumbent_state(incumbent: Incumbent) -> dict[str, Any]:
    return {**snapshot(incumbent, ["election", "person", "position", "note"]), "name": incumbent.person.name}


def _check_position(election: Election, position: str) -> None:
    allowed = dict(election_rules.POSITIONS_BY_BODY[election.body])
    if position not in allowed:
        raise ApplicationError("现任职务有误。", {"position": [
            f"{election.get_body_display()}的职务只能是{'、'.join(allowed.values())}。"]})


@transaction.atomic
def incumbent_add(*, actor: User, election: Election, person: Person, position: str, note: str = "") -> Incumbent:
    _require(actor, "elections.record_preparation", election)
    election = _lock(election)
    _in_preparation(election, "录入现任成员")
    _person_visible(actor, person)
    _check_position(election, position)
    if Incumbent.objects.filter(election=election, person=person).exists():
        raise ApplicationError("现任成员重复。", {"person": [f"{person.name}已在现任成员名单中。"]})
    incumbent = Incumbent.objects.create(election=election, person=person, position=position,
                                         note=(note or "").strip()[:200])
    record_event(actor=actor, action="incumbent.add", obj=incumbent, election=election,
                 after=_incumbent_state(incumbent),
                 summary=f"录入现任成员 {person.name}（{incumbent.get_position_display()}）")
    return incumbent


@transaction.atomic
def incumbent_update(
    *, actor: User, incumbent: Incumbent, position: str | None = None, note: str | None = None
) -> Incumbent:
    election = _lock(incumbent.election)
    _require(actor, "elections.record_preparation", election)
    _in_preparation(election, "修改现任成员")
    before = _incumbent_state(incumbent)
    if position is not None:
        _check_position(election, position)
        incumbent.position = position
    if note is not None:
        incumbent.note = note.strip()[:200]
    incumbent.save()
    record_event(actor=actor, action="incumbent.update", obj=incumbent, election=election, before=before,
                 after=_incumbent_state(incumbent), summary=f"修改现任成员 {incumbent.person.name}")
    return incumbent


@transaction.atomic
def incumbent_remove(*, actor: User, incumbent: Incumbent, reason: str) -> None:
    election = _lock(incumbent.election)
    _require(actor, "elections.record_preparation", election)
    _in_preparation(election, "删除现任成员")
    if not (reason or "").strip():
        raise ApplicationError("删除须说明理由。", {"reason": ["请说明删除理由（如：录入错误、已不在任）。"]})
    before = _incumbent_state(incumbent)
    name = incumbent.person.name
    incumbent_id = incumbent.pk
    incumbent.delete()
    record_event(actor=actor, action="incumbent.remove", object_type="candidates.incumbent", object_id=incumbent_id,
                 election=election, before=before, after={"reason": reason.strip()},
                 summary=f"删除现任成员 {name}（{reason.strip()}）")


# --------------------------------------------------------------------------------------------
# Economic-responsibility audits (经济责任审计)
# --------------------------------------------------------------------------------------------


def audit_for(incumbent: Incumbent) -> Audit | None:
    election = incumbent.election
    return Audit.objects.filter(campaign_id=election.campaign_id, community_id=election.community_id,
                                person_id=incumbent.person_id).first()


@transaction.atomic
def audit_record(
    *,
    actor: User,
    incumbent: Incumbent,
    auditor: str,
    conclusion: str,
    findings: str = "",
    handling: str = "",
    audited_on: dt.date | None = None,
    published_on: dt.date | None = None,
) -> Audit:
    """Record (or correct) the audit of an incumbent's term; it counts for every committee they sat on."""
    election = _lock(incumbent.election)
    _require(actor, "elections.record_preparation", election)
    _in_preparation(election, "登记审计")
    # the audit is the person's: it stands behind every committee of this term they sat on
    sharing = list(Election.objects.filter(
        campaign_id=election.campaign_id, community_id=election.community_id,
        incumbents__person_id=incumbent.person_id).exclude(pk=election.pk).select_related("community"))
    moved_on = [e for e in sharing if e.stage != "preparation"]
    if moved_on:
        raise Conflict(
            f"{incumbent.person.name}的审计同时是{moved_on[0].get_body_display()}选举的依据，该选举已进入"
            f"“{moved_on[0].stage_label}”阶段，不能再修改；如需更正，请街道先退回该选举。"
        )
    errors = rules.audit_input_problems(auditor=auditor or "", conclusion=conclusion or "", audited_on=audited_on,
                                        published_on=published_on, today=timezone.localdate())
    if errors:
        raise ApplicationError("审计信息有误。", errors)
    audit = audit_for(incumbent)
    before = snapshot(audit) if audit else None
    if audit is None:
        audit = Audit(campaign_id=election.campaign_id, community_id=election.community_id,
                      person_id=incumbent.person_id)
    audit.auditor, audit.conclusion = auditor.strip(), conclusion.strip()
    audit.findings, audit.handling = (findings or "").strip(), (handling or "").strip()
    audit.audited_on, audit.published_on = audited_on, published_on
    audit.recorded_by = actor
    audit.save()
    state = "，结果已公布" if published_on else "，结果未公布"
    for affected in [election, *sharing]:
        record_event(actor=actor, action="audit.record", obj=audit, election=affected, before=before,
                     after={**snapshot(audit), "name": incumbent.person.name},
                     summary=f"登记 {incumbent.person.name} 的经济责任审计（{audit.auditor}）{state}")
    return audit


# --------------------------------------------------------------------------------------------
# Talks (谈心谈话)
# --------------------------------------------------------------------------------------------


@transaction.atomic
def talk_record(
    *, actor: User, incumbent: Incumbent, held_on: dt.date | None, interviewers: str, note: str = ""
) -> Talk:
    election = _lock(incumbent.election)
    _require(actor, "elections.record_preparation", election)
    if election.stage == "closed":
        raise Conflict("选举已归档。")
    errors: dict[str, list[str]] = {}
    if held_on is None:
        errors["held_on"] = ["请填写谈话日期。"]
    elif held_on > timezone.localdate():
        errors["held_on"] = ["谈话日期不能晚于今天。"]
    if not (interviewers or "").strip():
        errors["interviewers"] = ["请填写谈话人（如：街道党工委书记 王某、组织委员 李某）。"]
    if errors:
        raise ApplicationError("谈话记录有误。", errors)
    talk = Talk.objects.create(campaign_id=election.campaign_id, community_id=election.community_id,
                               person_id=incumbent.person_id, held_on=held_on, interviewers=interviewers.strip(),
                               note=(note or "").strip(), recorded_by=actor)
    record_event(actor=actor, action="talk.record", obj=talk, election=election,
                 after={**snapshot(talk), "name": incumbent.person.name},
                 summary=f"登记与 {incumbent.person.name} 的谈心谈话（{held_on:%Y-%m-%d}，{talk.interviewers}）")
    return talk


# --------------------------------------------------------------------------------------------
# The residents' election committee (居民选举委员会)
# --------------------------------------------------------------------------------------------


def _member_state(member: CommitteeMember) -> dict[str, Any]:
    return {**snapshot(member, ["election", "person", "role", "votes", "active", "withdrawn_reason", "replaces"]),
            "name": member.person.name}


def _check_committee_election(election: Election) -> None:
    if election.body != "residents_committee":
        raise ApplicationError("只有居民委员会选举才推选居民选举委员会。", {})
    if election.stage not in _EDITABLE_COMMITTEE_STAGES:
        raise Conflict(f"选举已处于“{election.stage_label}”阶段，选举委员会不能再调整。")


def _check_member_fields(election: Election, role: str, votes: Any, exclude_pk: int | None = None) -> None:
    errors: dict[str, list[str]] = {}
    if role not in rules.COMMITTEE_ROLE_LABELS:
        errors["role"] = ["职务须为主任、副主任、委员或候补委员。"]
    elif role == "chair":
        other = CommitteeMember.objects.filter(election=election, role="chair", active=True).exclude(pk=exclude_pk)
        chair = other.select_related("person").first()
        if chair is not None:
            errors["role"] = [f"选举委员会已有主任（{chair.person.name}），只能有一名主任。"]
    if isinstance(votes, bool) or not isinstance(votes, int) or votes < 0:
        errors["votes"] = ["推选得票须为非负整数。"]
    if errors:
        raise ApplicationError("选举委员会成员信息有误。", errors)


@transaction.atomic
def committee_member_add(
    *, actor: User, election: Election, person: Person, role: str, votes: int = 0
) -> CommitteeMember:
    _require(actor, "elections.record_preparation", election)
    election = _lock(election)
    _check_committee_election(election)
    _person_visible(actor, person)
    _check_member_fields(election, role, votes)
    if CommitteeMember.objects.filter(election=election, person=person).exists():
        raise ApplicationError("选举委员会成员重复。", {"person": [f"{person.name}已在选举委员会名单中。"]})
    member = CommitteeMember.objects.create(election=election, person=person, role=role, votes=votes)
    record_event(actor=actor, action="committee.add", obj=member, election=election, after=_member_state(member),
                 summary=f"登记选举委员会{member.get_role_display()} {person.name}（推选得票 {votes}）")
    return member


@transaction.atomic
def committee_member_update(
    *, actor: User, member: CommitteeMember, role: str | None = None, votes: int | None = None
) -> CommitteeMember:
    election = _lock(member.election)
    _require(actor, "elections.record_preparation", election)
    _check_committee_election(election)
    member = CommitteeMember.objects.select_for_update().select_related("person").get(pk=member.pk)
    if not member.active:
        raise Conflict(f"{member.person.name}已退出选举委员会，不能修改。")
    new_role = role if role is not None else member.role
    new_votes = votes if votes is not None else member.votes
    _check_member_fields(election, new_role, new_votes, exclude_pk=member.pk)
    before = _member_state(member)
    member.role, member.votes = new_role, new_votes
    member.save()
    record_event(actor=actor, action="committee.update", obj=member, election=election, before=before,
                 after=_member_state(member), summary=f"修改选举委员会成员 {member.person.name}")
    return member


@transaction.atomic
def committee_member_remove(*, actor: User, member: CommitteeMember, reason: str) -> None:
    """Delete a wrongly entered member (preparation only); a real departure is a withdrawal."""
    election = _lock(member.election)
    _require(actor, "elections.record_preparation", election)
    _in_preparation(election, "删除选举委员会成员（成员退出请用“退出”）")
    if not (reason or "").strip():
        raise ApplicationError("删除须说明理由。", {"reason": ["请说明删除理由（如：录入错误）。"]})
    if member.replaced_by.exists():
        raise Conflict("已有候补委员递补此人，不能删除；如需更正，请先删除递补记录。")
    before = _member_state(member)
    name, member_id = member.person.name, member.pk
    member.delete()
    record_event(actor=actor, action="committee.remove", object_type="candidates.committeemember",
                 object_id=member_id, election=election, before=before, after={"reason": reason.strip()},
                 summary=f"删除选举委员会成员 {name}（{reason.strip()}）")


@dataclass(frozen=True)
class Withdrawal:
    """What happened when a member left: who stepped in (or that nobody was left to)."""

    member: CommitteeMember
    replacement: CommitteeMember | None
    tie_broken_by_order: bool
    message: str


@transaction.atomic
def committee_member_withdraw(*, actor: User, member: CommitteeMember, reason: str) -> Withdrawal:
    """A serving member leaves; the alternate with most 推选 votes steps in (按原推选结果依次递补)."""
    election = _lock(member.election)
    _require(actor, "elections.record_preparation", election)
    _check_committee_election(election)
    member = CommitteeMember.objects.select_for_update().select_related("person").get(pk=member.pk)
    if not (reason or "").strip():
        raise ApplicationError("退出须说明原因。", {"reason": ["请说明退出原因。"]})
    if not member.active:
        raise Conflict(f"{member.person.name}已于 {timezone.localtime(member.withdrawn_at):%Y-%m-%d} 退出选举委员会。")
    now = timezone.now()
    before = _member_state(member)
    was_serving = member.role in rules.SERVING_ROLES
    member.active, member.withdrawn_at, member.withdrawn_reason = False, now, reason.strip()[:200]
    member.save()
    record_event(actor=actor, action="committee.withdraw", obj=member, election=election, before=before,
                 after=_member_state(member),
                 summary=f"{member.get_role_display()} {member.person.name} 退出选举委员会（{member.withdrawn_reason}）")
    replacement, tie = None, False
    if was_serving:
        alternates = [
            rules.CommitteeSeat(m.pk, m.person_id, m.person.name, m.role, m.votes, m.active)
            for m in CommitteeMember.objects.filter(election=election, role="alternate", active=True)
            .select_related("person")
        ]
        chosen, tie = rules.pick_alternate(alternates)
        if chosen is not None:
            replacement = CommitteeMember.objects.select_for_update().select_related("person").get(pk=chosen.member_id)
            alt_before = _member_state(replacement)
            # the alternate takes a member's seat; a chair or vice chair who left is chosen anew
            replacement.role, replacement.replaces, replacement.stepped_in_at = "member", member, now
            replacement.save()
            record_event(actor=actor, action="committee.step_in", obj=replacement, election=election,
                         before=alt_before, after=_member_state(replacement),
                         summary=(f"候补委员 {replacement.person.name}（推选得票 {replacement.votes}）递补为委员，"
                                  f"接替 {member.person.name}" + ("；得票相同，按原推选名次" if tie else "")))
    message = _withdrawal_message(member, replacement, tie, was_serving)
    notify_election(election, roles=["community_clerk", "street_staff"],
                    key=f"committee:{member.pk}:withdrawn", title=f"选举委员会成员变动：{election.community.name}",
                    message=f"{election.title}：{message}")
    return Withdrawal(member, replacement, tie, message)


def _withdrawal_message(member: CommitteeMember, replacement: CommitteeMember | None, tie: bool,
                        was_serving: bool) -> str:
    text = f"{member.get_role_display()} {member.person.name} 已退出选举委员会（{member.withdrawn_reason}）。"
    if not was_serving:
        return text
    if replacement is not None:
        text += f"候补委员 {replacement.person.name}（{replacement.votes} 票）依次递补为委员"
        text += "（得票相同，按原推选名次）。" if tie else "。"
    else:
        text += "已无候补委员可递补，须另行推选。"
    if member.role in {"chair", "vice_chair"}:
        text += f"{member.get_role_display()}出缺，须另行推选。"
    return text


@transaction.atomic
def committee_withdraw_nominee(*, actor: User, election: Election, person: Person) -> Withdrawal | None:
    """Called by the nomination work: a serving member nominated for the residents' committee withdraws.

    Returns None when the person holds no seat, or the rulebook does not ask for the withdrawal."""
    _require(actor, "elections.record_preparation", election)
    if election.body != "residents_committee":
        return None
    if not election.effective_rules().get("election_committee_member_withdraws"):
        return None
    member = (CommitteeMember.objects.filter(election=election, person=person, active=True)
              .select_related("person", "election").first())
    if member is None:
        return None
    return committee_member_withdraw(actor=actor, member=member, reason="被提名为居民委员会成员候选人")

"""Nomination-stage writes: nominations, 两推 meetings, 民主测评, 递补, pledges, talks, the formal list.

Every service is keyword-only, atomic, permission- and stage-checked, and records one event per change.
``nomination_set_outcome`` is the vetting app's entry point for status changes (not permission-checked:
its caller checked its own permission); a nomination that leaves the formal list that way voids the list's
批复 and publication (``_void_approval``, shared with the formal-list services).

A nomination by the 两推 channels (党员推荐, 群众推荐) rests on both recommendation meetings, valid: the person
is a qualifier of the combined ranking, or, for a 递补, at least recommended (另行推荐).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from elections.audit import record_event, snapshot
from elections.errors import ApplicationError, Conflict
from elections.models import Election, Seat, User
from elections.services import _require
from elections.services import election_lock as _lock
from elections.services.preparation import require_stage

from .. import rules
from ..models import (
    Appraisal,
    Candidate,
    CandidateList,
    Incumbent,
    Nomination,
    Person,
    RecommendationMeeting,
    RecommendationVote,
)
from ..selectors import nominee_warnings
from .preparation import Withdrawal, _person_visible, committee_withdraw_nominee

NOMINATION_STAGES = frozenset({"nomination"})
# 递补 (a replacement for a rejected or withdrawn nominee), pledges, talks and withdrawals continue later
REPLACEMENT_STAGES = frozenset({"nomination", "vetting", "publicity"})
LIST_STAGES = frozenset({"publicity"})
PUBLISH_STAGES = frozenset({"publicity", "voting"})


def _nomination_state(nomination: Nomination) -> dict[str, Any]:
    return {
        **snapshot(nomination, ["election", "person", "position", "channel", "status", "level", "outcome"]),
        "name": nomination.person.name,
    }


def _full_state(nomination: Nomination) -> dict[str, Any]:
    return {
        **snapshot(nomination, ["election", "person", "position", "channel", "supporters", "basis", "status",
                                "level", "recommendation_votes", "replaces", "version"]),
        "name": nomination.person.name,
    }


def nomination_set_outcome(
    *, actor: User, nomination: Nomination, status: str, outcome: str = "", level: str | None = None,
    action: str = "nomination.outcome",
) -> Nomination:
    """Move a nomination to ``status`` (and ``level``), for the vetting app's reviews, objections and
    reports. Not permission-checked here: the caller (a service) has checked its own permission and holds
    the transaction. A nomination that leaves the live statuses also leaves the formal list."""
    if status not in rules.NOMINATION_STATUS_LABELS:
        raise ValueError(status)
    before = _nomination_state(nomination)
    nomination.status = status
    if level is not None:
        nomination.level = level
    if outcome:
        nomination.outcome = outcome[:500]
    if status in {"approved", "rejected", "withdrawn"}:
        nomination.decided_at = timezone.now()
    nomination.version += 1
    nomination.save(update_fields=["status", "level", "outcome", "decided_at", "version"])
    removed = ""
    after = _nomination_state(nomination)
    if status not in rules.LIVE_STATUSES:
        deleted, _ = Candidate.objects.filter(nomination=nomination).delete()
        if deleted:
            removed = "，并从正式候选人名单中移除"
            _renumber(nomination.election)
            # the list the street approved or the community published is no longer the list: this path
            # cannot be refused (an upheld objection, a report, a withdrawal), so it voids both
            cl = CandidateList.objects.select_for_update().filter(election_id=nomination.election_id).first()
            if cl is not None:
                list_before = snapshot(cl, ["approval", "approval_on", "published_on"])
                note = _void_approval(cl)
                if note:
                    removed += note
                    before["candidate_list"] = list_before
                    after["candidate_list"] = snapshot(cl, ["approval", "approval_on", "published_on"])
    record_event(
        actor=actor, action=action, obj=nomination, election=nomination.election,
        before=before, after=after,
        summary=f"{nomination.person.name}（{nomination.get_position_display()}）："
        f"{rules.NOMINATION_STATUS_LABELS[status]}{removed}" + (f"。{outcome}" if outcome else ""),
    )
    return nomination


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _void_approval(cl: CandidateList) -> str:
    """A changed formal list: the street's 批复 (party) no longer covers it, and a recorded publication
    (张榜公布) showed another list. Both are cleared; the returned note (for the event summary) says what must
    be done again, "" when nothing was voided. Used by every path that changes the list."""
    notes = []
    if cl.approval in {"submitted", "approved"}:
        cl.approval, cl.approval_on, cl.approval_by = "", None, None
        notes.append("名单已变动，须重新报街道批复")
    if cl.published_on is not None:
        notes.append(f"已于 {cl.published_on:%Y-%m-%d} 公布的正式候选人名单已变动，须重新公布")
        cl.published_on, cl.published_by = None, None
    if notes:
        cl.save()
    return "".join(f"；{n}" for n in notes)



def _lock_nomination(nomination: Nomination) -> Nomination:
    return Nomination.objects.select_for_update().select_related("person", "election").get(pk=nomination.pk)


def _seats(election: Election) -> dict[str, int]:
    return {s.position: s.count for s in Seat.objects.filter(election=election)}


def _require_party(election: Election, what: str) -> None:
    if election.body != "party_committee":
        raise ApplicationError(f"{what}只适用于社区党组织换届（两推一选）。", {})


def _today() -> dt.date:
    return timezone.localdate()


def _other_live(election: Election, person: Person) -> list[rules.OtherNomination]:
    """The person's live nominations in the other elections of the same campaign and community."""
    rows = (Nomination.objects.filter(person=person, status__in=rules.LIVE_STATUSES,
                                      election__campaign_id=election.campaign_id,
                                      election__community_id=election.community_id)
            .exclude(election=election).values_list("election__body", "position"))
    return [rules.OtherNomination(body, position) for body, position in rows]


def _nominee_errors(election: Election, person: Person, position: str, effective: dict[str, Any],
                    exclude_pk: int | None = None) -> dict[str, list[str]]:
    mine = Nomination.objects.filter(election=election, person=person)
    if exclude_pk is not None:
        mine = mine.exclude(pk=exclude_pk)
    statuses = dict(mine.values_list("status", "outcome").order_by("pk"))  # the latest of a status wins
    live = any(status in rules.LIVE_STATUSES for status in statuses)
    return rules.nominee_problems(
        name=person.name, birth_date=person.birth_date, election_day=election.election_day, body=election.body,
        position=position, seats=_seats(election), rules=effective, already_live=live,
        party_member=person.party_member, other_nominations=_other_live(election, person),
        rejected_outcome=statuses.get("rejected"),
    )


def _merge(errors: dict[str, list[str]], more: dict[str, list[str]]) -> dict[str, list[str]]:
    for key, messages in more.items():
        errors.setdefault(key, []).extend(messages)
    return errors


def _check_replaces(election: Election, replaces: Nomination, position: str,
                    person: Person | None = None) -> dict[str, list[str]]:
    if replaces.election_id != election.pk:
        return {"replaces": ["被递补的提名不属于本次选举。"]}
    if person is not None and replaces.person_id == person.pk:
        return {"person": [f"递补人选须是被递补者以外的人：{person.name}不能递补自己的提名。"]}
    if replaces.status not in {"rejected", "withdrawn"}:
        return {"replaces": [f"{replaces.person.name}的提名仍在{rules.NOMINATION_STATUS_LABELS[replaces.status]}，"
                             "只有未通过或已撤回的提名才能递补。"]}
    taken = replaces.replaced_by.filter(status__in=rules.LIVE_STATUSES).select_related("person").first()
    if taken is not None:
        return {"replaces": [f"{replaces.person.name}的缺额已由 {taken.person.name} 递补。"]}
    if replaces.position != position:
        return {"position": [f"递补人选的职位应与被递补的提名相同（{replaces.get_position_display()}）。"]}
    return {}


# --------------------------------------------------------------------------------------------
# Nominations (提名)
# --------------------------------------------------------------------------------------------


@transaction.atomic
def nomination_submit(
    *,
    actor: User,
    election: Election,
    person: Person,
    position: str,
    channel: str,
    supporters: Sequence[str] | None = None,
    basis: str = "",
    replaces: Nomination | None = None,
) -> Nomination:
    """Register a nomination (status reviewing, at the community's 初审).

    A serving member of the residents' election committee who is nominated withdraws from it; what that
    did (who stepped in) is on the returned nomination's ``committee_withdrawal`` (None when nothing; its
    ``message`` is for the page). ``warnings`` lists the targets the nominee misses (age, education, near
    relatives also nominated): not bars."""
    _require(actor, "candidates.submit_nomination", Nomination(election=election, channel=channel))
    election = _lock(election)
    require_stage(election, REPLACEMENT_STAGES if replaces is not None else NOMINATION_STAGES,
                  "递补提名" if replaces is not None else "受理提名")
    _person_visible(actor, person)
    effective = election.effective_rules()
    names, errors_supporters = rules.clean_supporters(supporters or [])
    errors: dict[str, list[str]] = {}
    if errors_supporters:
        errors["supporters"] = errors_supporters
    channels = effective.get("nomination_channels") or {}
    for problem in rules.channel_problems(channel, len(names), channels):
        errors.setdefault("channel" if channel not in channels else "supporters", []).append(problem)
    _merge(errors, _nominee_errors(election, person, position, effective))
    if replaces is not None:
        _merge(errors, _check_replaces(election, replaces, position, person))
    votes: int | None = None
    basis = (basis or "").strip()
    if election.body == "party_committee" and channel in rules.TWO_RECOMMENDATION_CHANNELS:
        votes, problem = _two_recommendations(election, effective, person, replacement=replaces is not None)
        if problem:
            errors.setdefault("person", []).append(problem)
        elif not basis:
            basis = f"“两推”合计得票 {votes} 票"
    if errors:
        raise ApplicationError("提名不符合规定。", errors)
    nomination = Nomination.objects.create(
        election=election, person=person, position=position, channel=channel, supporters=names,
        basis=basis[:200], status="reviewing", level="community", replaces=replaces,
        recommendation_votes=votes, submitted_by=actor,
    )
    support = f"，{len(names)} 人联名" if names else ""
    record_event(actor=actor, action="nomination.submit", obj=nomination, election=election,
                 after=_full_state(nomination),
                 summary=f"受理提名：{person.name}（{nomination.get_position_display()}，"
                         f"{rules.channel_label(channel)}{support}）"
                         + (f"，递补 {replaces.person.name}" if replaces is not None else ""))
    withdrawal: Withdrawal | None = committee_withdraw_nominee(actor=actor, election=election, person=person)
    nomination.committee_withdrawal = withdrawal  # type: ignore[attr-defined]
    nomination.warnings = nominee_warnings(nomination=nomination)  # type: ignore[attr-defined]
    return nomination


@transaction.atomic
def nomination_update(
    *,
    actor: User,
    nomination: Nomination,
    supporters: Sequence[str] | None = None,
    basis: str | None = None,
    position: str | None = None,
    version: int | None = None,
) -> Nomination:
    """Correct supporters, basis or position while the nomination is still at the community's 初审."""
    _require(actor, "candidates.submit_nomination", nomination)
    election = _lock(nomination.election)
    require_stage(election, REPLACEMENT_STAGES, "修改提名")
    nomination = _lock_nomination(nomination)
    if version is not None and version != nomination.version:
        raise Conflict("该提名已被他人修改，请刷新后重试。")
    if nomination.status != "reviewing" or nomination.level != "community":
        raise Conflict(f"{nomination.person.name}的提名已进入"
                       f"{rules.REVIEW_LEVEL_LABELS.get(nomination.level, rules.NOMINATION_STATUS_LABELS[nomination.status])}"
                       "，不能再修改。")
    effective = election.effective_rules()
    errors: dict[str, list[str]] = {}
    names = list(nomination.supporters)
    if supporters is not None:
        names, problems = rules.clean_supporters(supporters)
        if problems:
            errors["supporters"] = problems
    channels = effective.get("nomination_channels") or {}
    for problem in rules.channel_problems(nomination.channel, len(names), channels):
        errors.setdefault("supporters" if nomination.channel in channels else "channel", []).append(problem)
    if position is not None and position != nomination.position:
        _merge(errors, _nominee_errors(election, nomination.person, position, effective, exclude_pk=nomination.pk))
    if errors:
        raise ApplicationError("提名不符合规定。", errors)
    before = _full_state(nomination)
    nomination.supporters = names
    if basis is not None:
        nomination.basis = basis.strip()[:200]
    if position is not None:
        nomination.position = position
    nomination.version += 1
    nomination.save()
    record_event(actor=actor, action="nomination.update", obj=nomination, election=election, before=before,
                 after=_full_state(nomination), summary=f"修改提名：{nomination.person.name}")
    return nomination


@transaction.atomic
def nomination_withdraw(*, actor: User, nomination: Nomination, reason: str) -> Nomination:
    """The nominee (or the nominating body) withdraws; a formal candidate leaves the list."""
    _require(actor, "candidates.submit_nomination", nomination)
    election = _lock(nomination.election)
    require_stage(election, REPLACEMENT_STAGES, "撤回提名")
    nomination = _lock_nomination(nomination)
    if not (reason or "").strip():
        raise ApplicationError("撤回须说明原因。", {"reason": ["请说明撤回原因（如：本人申请退出）。"]})
    if nomination.status not in rules.LIVE_STATUSES:
        raise Conflict(f"{nomination.person.name}的提名已{rules.NOMINATION_STATUS_LABELS[nomination.status]}。")
    nomination.election = election
    return nomination_set_outcome(actor=actor, nomination=nomination, status="withdrawn",
                                  outcome=f"撤回：{reason.strip()}", level="", action="nomination.withdraw")


# --------------------------------------------------------------------------------------------
# 两推: recommendation meetings, the preliminary list, 递补
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecommendationResult:
    meeting: RecommendationMeeting
    valid: bool
    qualifying: list[int]  # person ids with more than half of the ballots (valid meeting only)

    def as_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "qualifying": self.qualifying}


def _meeting_state(meeting: RecommendationMeeting) -> dict[str, Any]:
    return {
        **snapshot(meeting, ["kind", "held_on", "expected", "present", "ballots"]),
        "results": [[v.person_id, v.person.name, v.votes] for v in meeting.votes.select_related("person")],
    }


@transaction.atomic
def recommendation_meeting_record(
    *,
    actor: User,
    election: Election,
    kind: str,
    expected: int,
    present: int,
    ballots: int,
    results: Iterable[tuple[Person, int]],
    held_on: dt.date | None = None,
) -> RecommendationResult:
    """Record (or re-record: it replaces the previous one of that kind) a 两推 meeting and its votes."""
    _require(actor, "candidates.record_recommendation", election)
    election = _lock(election)
    require_stage(election, NOMINATION_STAGES, "登记“两推”会议")
    _require_party(election, "“两推”推荐会议")
    results = list(results)
    errors: dict[str, list[str]] = {}
    if kind not in rules.RECOMMENDATION_KIND_LABELS:
        errors["kind"] = ["会议须为党员推荐会议或居民代表推荐会议。"]
    _merge(errors, rules.meeting_input_problems(expected, present, ballots, [v for _, v in results]))
    seen: set[int] = set()
    for person, _votes in results:
        if not actor.has_perm("candidates.view_person", person):
            errors.setdefault("results", []).append("被推荐人不存在或不在您的管辖范围内。")
        elif person.pk in seen:
            errors.setdefault("results", []).append(f"{person.name}重复登记。")
        seen.add(person.pk)
    if held_on is not None and held_on > _today():
        errors["held_on"] = ["会议日期不能晚于今天：请在会议开过后再登记。"]
    if errors:
        raise ApplicationError("推荐会议结果有误。", errors)
    meeting = RecommendationMeeting.objects.select_for_update().filter(election=election, kind=kind).first()
    before = _meeting_state(meeting) if meeting else None
    if meeting is None:
        meeting = RecommendationMeeting(election=election, kind=kind)
    meeting.expected, meeting.present, meeting.ballots, meeting.held_on = expected, present, ballots, held_on
    meeting.recorded_by = actor
    meeting.save()
    meeting.votes.all().delete()
    RecommendationVote.objects.bulk_create(
        [RecommendationVote(meeting=meeting, person=person, votes=votes) for person, votes in results])
    effective = election.effective_rules()
    valid = rules.meeting_valid(present, expected, effective["recommendation_attendance_over"])
    winners = [person.pk for person, votes in sorted(results, key=lambda r: (-r[1], r[0].pk))
               if valid and rules.qualifying(votes, ballots, effective["recommendation_votes_over"])]
    label = rules.RECOMMENDATION_KIND_LABELS[kind]
    record_event(actor=actor, action="recommendation.record", obj=meeting, election=election, before=before,
                 after=_meeting_state(meeting),
                 summary=f"{'更正' if before else '登记'}{label}：应到 {expected} 人，实到 {present} 人，"
                         f"{'推荐有效' if valid else '到会人数未过半，推荐无效'}，得票过半 {len(winners)} 人")
    return RecommendationResult(meeting, valid, winners)


def _ranking(election: Election, effective: dict[str, Any]) -> rules.PreliminaryList:
    meetings = list(RecommendationMeeting.objects.filter(election=election).prefetch_related("votes__person"))
    excluded = {v.person_id for m in meetings for v in m.votes.all() if not v.person.party_member}
    results = [rules.MeetingResult(m.kind, m.expected, m.present, m.ballots,
                                   tuple((v.person_id, v.votes) for v in m.votes.all())) for m in meetings]
    total = sum(_seats(election).values())
    return rules.preliminary_list(results, total, effective["preliminary_margin"],
                                  attendance_over=effective["recommendation_attendance_over"],
                                  votes_over=effective["recommendation_votes_over"], excluded=excluded)


def _require_election_day(election: Election, effective: dict[str, Any]) -> None:
    if election.election_day is None:
        raise Conflict(f"尚未确定选举日，无法核对被提名人在选举日是否年满 {int(effective.get('min_voter_age', 18))} 周岁。")


def _meeting_problems(election: Election, effective: dict[str, Any]) -> list[str]:
    """Both 两推 meetings recorded and each attended by more than half of those expected, else why not."""
    return rules.meeting_problems(list(RecommendationMeeting.objects.filter(election=election)),
                                  effective["recommendation_attendance_over"])


def _two_recommendations(election: Election, effective: dict[str, Any], person: Person,
                         replacement: bool) -> tuple[int | None, str]:
    """(combined votes, problem) of a 党员推荐 / 群众推荐 nomination: it rests on a valid 两推."""
    problems = _meeting_problems(election, effective)
    if problems:
        return None, ("党员推荐、群众推荐的提名以有效的“两推”结果为依据：" + "".join(problems)
                      + f"（{rules.TWO_RECOMMENDATION_SOURCE}）")
    votes, problem = rules.recommendation_standing(
        name=person.name, person_id=person.pk, ranking=_ranking(election, effective), replacement=replacement,
        votes_over=effective["recommendation_votes_over"])
    return votes, problem


@dataclass
class PreliminaryOutcome:
    created: list[Nomination]
    skipped: list[str]  # names already nominated, or barred (with the reason)
    ranking: rules.PreliminaryList
    messages: list[str] = field(default_factory=list)


@transaction.atomic
def preliminary_nominate(
    *, actor: User, election: Election, positions: dict[int, str] | None = None
) -> PreliminaryOutcome:
    """Nominate the 两推 preliminary list (初步人选): the top ceil(seats × (1 + preliminary_margin)) party
    members with more than half of the combined ballots of the valid meetings, by votes. ``positions``
    maps person id → position (default 委员). People already nominated in this election are skipped.
    Refused unless both meetings are recorded and each valid (分别超过应到会人数一半以上，推荐有效), and
    unless the election day is set (the nominees' age is checked on it)."""
    _require(actor, "candidates.record_recommendation", election)
    election = _lock(election)
    require_stage(election, NOMINATION_STAGES, "确定初步人选")
    _require_party(election, "按“两推”结果确定初步人选")
    effective = election.effective_rules()
    _require_election_day(election, effective)
    problems = _meeting_problems(election, effective)
    if problems:
        share = rules.share_text(effective["recommendation_attendance_over"])
        raise ApplicationError("“两推”推荐无效或未完成，不能确定初步人选：" + "".join(problems)
                               + f"党员推荐会议和居民代表推荐会议须分别超过应到会人数的{share}，推荐方为有效。", {})
    ranking = _ranking(election, effective)
    positions = positions or {}
    taken = set(Nomination.objects.filter(election=election).values_list("person_id", flat=True))
    people = Person.objects.in_bulk([r.person_id for r in ranking.selected])
    created: list[Nomination] = []
    skipped: list[str] = []
    for row in ranking.selected:
        person = people[row.person_id]
        if row.person_id in taken:
            skipped.append(f"{person.name}（已提名）")
            continue
        position = positions.get(row.person_id, "member")
        errors = _nominee_errors(election, person, position, effective)
        if errors:
            skipped.append(f"{person.name}（{''.join(m for ms in errors.values() for m in ms)}）")
            continue
        created.append(Nomination.objects.create(
            election=election, person=person, position=position, channel="party_members", supporters=[],
            basis=f"“两推”合计得票 {row.votes} 票（推荐票 {ranking.ballots} 张）", status="reviewing",
            level="community", recommendation_votes=row.votes, submitted_by=actor))
    messages = []
    if ranking.short:
        messages.append(f"得票过半的党员不足，初步人选还差 {ranking.short} 名：缺额在得票多的被推荐人中另行推荐产生。")
    if ranking.tie_at_cut:
        messages.append("末位得票相同：已按登记顺序取舍，请核对后确定。")
    if not created:
        raise ApplicationError("没有新的初步人选可提名。" + "".join(messages), {"skipped": skipped} if skipped else {})
    record_event(actor=actor, action="nomination.preliminary", object_type="candidates.nomination",
                 object_id=",".join(str(n.pk) for n in created), election=election,
                 after={"created": [_full_state(n) for n in created], "skipped": skipped, "size": ranking.size},
                 summary=f"按“两推”结果确定初步人选 {len(created)} 名：{'、'.join(n.person.name for n in created)}"
                         + (f"；跳过 {'、'.join(skipped)}" if skipped else ""))
    return PreliminaryOutcome(created, skipped, ranking, messages)


@transaction.atomic
def nomination_fill_gap(*, actor: User, rejected_nomination: Nomination) -> Nomination:
    """递补 (party): the next qualifier of the 两推 by combined votes, not yet nominated in this election,
    is nominated in place of a rejected or withdrawn nominee. (RC: submit a nomination with ``replaces``; a
    party 缺额 beyond the qualifiers: submit a 两推 nomination with ``replaces`` of a recommended person.)"""
    _require(actor, "candidates.record_recommendation", rejected_nomination.election)
    election = _lock(rejected_nomination.election)
    require_stage(election, REPLACEMENT_STAGES, "递补")
    if election.body != "party_committee":
        raise ApplicationError("居民委员会的递补：请受理新的提名并注明递补对象。", {})
    rejected = _lock_nomination(rejected_nomination)
    errors = _check_replaces(election, rejected, rejected.position)
    if errors:
        raise Conflict(next(iter(errors.values()))[0])
    effective = election.effective_rules()
    _require_election_day(election, effective)
    problems = _meeting_problems(election, effective)
    if problems:
        raise Conflict("“两推”推荐无效或未完成，不能按得票递补：" + "".join(problems))
    ranking = _ranking(election, effective)
    taken = set(Nomination.objects.filter(election=election).values_list("person_id", flat=True))
    barred: set[int] = set()
    while True:
        row = rules.next_by_votes(ranking.selected + ranking.reserves, taken | barred)
        if row is None:
            raise ApplicationError(
                "没有可递补的人选：“两推”中得票过半的党员均已提名。缺额须另行推荐产生。", {"replaces": [
                    "没有可递补的人选。"]})
        person = Person.objects.get(pk=row.person_id)
        if not _nominee_errors(election, person, rejected.position, effective):
            break
        barred.add(row.person_id)
    nomination = Nomination.objects.create(
        election=election, person=person, position=rejected.position, channel="party_members", supporters=[],
        basis=f"递补 {rejected.person.name}：“两推”合计得票 {row.votes} 票", status="reviewing", level="community",
        recommendation_votes=row.votes, replaces=rejected, submitted_by=actor)
    record_event(actor=actor, action="nomination.fill_gap", obj=nomination, election=election,
                 after=_full_state(nomination),
                 summary=f"{person.name}（“两推”得票 {row.votes}）递补 {rejected.person.name}"
                         f"（{rejected.get_position_display()}）" + ("；得票相同，按登记顺序" if row.tied else ""))
    return nomination


@transaction.atomic
def appraisal_record(
    *,
    actor: User,
    election: Election,
    person: Person,
    ballots: int,
    excellent: int = 0,
    competent: int = 0,
    basic: int = 0,
    incompetent: int = 0,
    held_on: dt.date | None = None,
) -> Appraisal:
    """民主测评 of an incumbent (recorded again: corrected)."""
    _require(actor, "candidates.record_recommendation", election)
    election = _lock(election)
    require_stage(election, NOMINATION_STAGES, "登记民主测评")
    errors = rules.appraisal_problems(ballots, excellent, competent, basic, incompetent)
    if not Incumbent.objects.filter(election=election, person=person).exists():
        errors.setdefault("person", []).append(f"{person.name}不是本届委员会成员：民主测评只针对现任班子成员。")
    if held_on is not None and held_on > _today():
        errors["held_on"] = ["测评日期不能晚于今天。"]
    if errors:
        raise ApplicationError("民主测评结果有误。", errors)
    appraisal = Appraisal.objects.select_for_update().filter(election=election, person=person).first()
    fields = ["ballots", "excellent", "competent", "basic", "incompetent", "held_on"]
    before = snapshot(appraisal, fields) if appraisal else None
    if appraisal is None:
        appraisal = Appraisal(election=election, person=person)
    appraisal.ballots, appraisal.excellent, appraisal.competent = ballots, excellent, competent
    appraisal.basic, appraisal.incompetent, appraisal.held_on = basic, incompetent, held_on
    appraisal.recorded_by = actor
    appraisal.save()
    shares = rules.appraisal_shares(ballots, excellent, competent, basic, incompetent)
    record_event(actor=actor, action="appraisal.record", obj=appraisal, election=election, before=before,
                 after={**snapshot(appraisal, fields), "name": person.name},
                 summary=f"{'更正' if before else '登记'} {person.name} 的民主测评：{ballots} 票，优秀和称职 "
                         f"{shares['good']}%，不称职 {incompetent} 票")
    return appraisal


def _name_key(name: str) -> Any:
    try:
        from candidates.strokes import name_key
    except ImportError:  # pragma: no cover - the strokes module is written alongside
        from pypinyin import lazy_pinyin

        return ("".join(lazy_pinyin(name, errors="ignore")), name)
    return name_key(name)


def _renumber(election: Election) -> None:
    """``order`` 1..n per position, by 姓氏笔画 (candidates.strokes.name_key), then id."""
    rows = list(Candidate.objects.filter(election=election).select_related("person"))
    by_position: dict[str, list[Candidate]] = {}
    for c in rows:
        by_position.setdefault(c.position, []).append(c)
    changed = []
    for group in by_position.values():
        group.sort(key=lambda c: (_name_key(c.person.name), c.pk))
        for i, c in enumerate(group, start=1):
            if c.order != i:
                c.order = i
                changed.append(c)
    if changed:
        Candidate.objects.bulk_update(changed, ["order"])

"""The residents' representatives' meeting (居民代表会议) that votes a residents' committee's formal candidates
(正式候选人) from the approved nominees, when more were approved than the margin allows (seed 000: 经初审、联审后，
由社区居民代表会议充分讨论，依据少数服从多数的原则，采取投票方式民主产生居民委员会成员正式候选人).

Keyword-only, atomic, permission- and stage-checked; one event per recording.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from elections.audit import record_event, snapshot
from elections.errors import ApplicationError
from elections.models import Election, User
from elections.services import _require

from .. import rules
from ..models import Candidate, ListVote, ListVoteResult, Nomination
from ..selectors import ListVoteView, build_list_vote_view, list_vote_needed_positions
from .candidate_list import _candidate_state, _editable_list
from .nomination import _lock, _renumber, _seats, _today, _void_approval


def _vote_state(vote: ListVote) -> dict[str, Any]:
    return {
        **snapshot(vote, ["held_on", "expected", "present", "ballots"]),
        "results": [[r.nomination_id, r.nomination.person.name, r.votes]
                    for r in vote.results.select_related("nomination__person").order_by("-votes", "id")],
    }


def _held_on_problems(held_on: dt.date | None) -> list[str]:
    if held_on is None:
        return ["请填写会议日期。"]
    if held_on > _today():
        return ["会议日期不能晚于今天：请在会议开过后再登记投票结果。"]
    if held_on < _today() - dt.timedelta(days=366):
        return [f"会议日期 {held_on:%Y-%m-%d} 早于一年前，请核对年份。"]
    return []


def _results_problems(election: Election, results: list[tuple[Nomination, Any]]) -> list[str]:
    problems: list[str] = []
    seen: set[int] = set()
    for nomination, _votes in results:
        name = nomination.person.name
        if nomination.election_id != election.pk:
            problems.append(f"{name}的提名不属于本次选举。")
        elif nomination.status != "approved":
            problems.append(f"{name}的提名{rules.NOMINATION_STATUS_LABELS[nomination.status]}，只有审查通过的人选"
                            "才能参加居民代表会议投票。")
        elif nomination.pk in seen:
            problems.append(f"{name}重复登记。")
        seen.add(nomination.pk)
    return problems


def _missing(needed: list[str], approved: list[Nomination], results: list[tuple[Nomination, Any]]) -> list[str]:
    """Per position to vote on: the approved nominees without a count (every one of them is voted on)."""
    given = {n.pk for n, _ in results}
    problems = []
    for position in needed:
        names = [n.person.name for n in approved if n.position == position and n.pk not in given]
        if names:
            problems.append(f"{rules.position_label(position)}：未登记 {'、'.join(names)} 的得票"
                            "（审查通过的人选都参加投票）。")
    return problems


@transaction.atomic
def candidate_list_vote(
    *,
    actor: User,
    election: Election,
    held_on: dt.date | None,
    expected: int,
    present: int,
    ballots: int,
    results: Iterable[tuple[Nomination, int]],
) -> ListVoteView:
    """Record the meeting's vote (again: the earlier one is replaced) and rebuild the formal list from it.

    Per position with more approved nominees than the margin's upper bound (seats + margin_plus_max), every
    approved nominee of it is voted on; the ``bound`` with the most votes are the formal candidates and the
    others are left off the list (the vote is the reason, in the event). A tie at the cut leaves that position
    as it was: the meeting votes again among the tied, and the vote is recorded again. Refused unless more than
    the rulebook's share (half) of the representatives expected attended (``present``)."""
    _require(actor, "candidates.manage_candidates", election)
    election = _lock(election)
    if election.body not in rules.LIST_VOTE_BODIES:
        raise ApplicationError("由居民代表会议投票确定正式候选人只适用于居民委员会选举。", {})
    cl = _editable_list(election, "登记居民代表会议投票结果")
    given = list(results)
    # read again under the election's lock: the status the caller saw may have changed since
    fresh = Nomination.objects.select_related("person").in_bulk([n.pk for n, _ in given])
    results = [(fresh.get(n.pk, n), votes) for n, votes in given]
    effective = election.effective_rules()
    seats = _seats(election)
    approved = list(Nomination.objects.filter(election=election, status="approved").select_related("person")
                    .order_by("id"))
    needed = list_vote_needed_positions(election=election, approved=approved, seats=seats)
    if not needed:
        raise ApplicationError("各职位审查通过的人选都未超过差额上限，无须居民代表会议投票，可直接生成正式候选人名单。", {})
    errors: dict[str, list[str]] = {}
    held = _held_on_problems(held_on)
    if held:
        errors["held_on"] = held
    for key, messages in rules.list_vote_problems(
            expected, present, ballots, [(n.person.name, votes) for n, votes in results]).items():
        errors.setdefault(key, []).extend(messages)
    problems = _results_problems(election, results) + _missing(needed, approved, results)
    if problems:
        errors.setdefault("results", []).extend(problems)
    share = effective[rules.LIST_VOTE_ATTENDANCE_KEY]
    if "present" not in errors and "expected" not in errors and not rules.list_vote_valid(expected, present, share):
        errors["present"] = [rules.list_vote_invalid_message(expected, present, share)
                             + f"（{rules.rule_source(election.rulebook.sources, election.body, rules.LIST_VOTE_ATTENDANCE_KEY)}）"]
    if errors:
        raise ApplicationError("居民代表会议投票结果有误。", errors)
    assert held_on is not None  # checked above

    vote = ListVote.objects.select_for_update().filter(election=election).first()
    before = _vote_state(vote) if vote else None
    if vote is None:
        vote = ListVote(election=election)
    vote.held_on, vote.expected, vote.present, vote.ballots = held_on, expected, present, ballots
    vote.recorded_by, vote.created_at = actor, timezone.now()
    vote.save()
    vote.results.all().delete()
    ListVoteResult.objects.bulk_create([ListVoteResult(vote=vote, nomination=n, votes=v) for n, v in results])
    view = build_list_vote_view(vote, results, seats, effective)

    # decided positions get exactly their top names; undecided ones stay as they were
    listed = {c.nomination_id: c for c in Candidate.objects.filter(election=election).select_related("person")}
    added: list[Candidate] = []
    removed: list[dict[str, Any]] = []
    for position in view.decided:
        last = min(r.votes for r in position.kept)
        for row in position.left:
            candidate = listed.get(row.nomination.pk)
            reason = (f"居民代表会议 {held_on:%Y-%m-%d} 投票：得票 {row.votes} 票，未进入{position.label}前 "
                      f"{position.bound} 名（末位入选 {last} 票）")
            removed.append({"nomination": row.nomination.pk, "name": row.name, "votes": row.votes,
                            "listed": candidate is not None, "reason": reason,
                            **({"candidate": _candidate_state(candidate)} if candidate else {})})
            if candidate is not None:
                candidate.delete()
        for row in position.kept:
            if row.nomination.pk not in listed:
                added.append(Candidate(election=election, nomination=row.nomination, person=row.nomination.person,
                                       position=row.nomination.position, added_by=actor))
    Candidate.objects.bulk_create(added)
    changed = bool(added) or any(r["listed"] for r in removed)
    note = ""
    if changed:
        _renumber(election)
        note = _void_approval(cl)
    view.added = [c.person.name for c in added]
    view.removed = [r["name"] for r in removed if r["listed"]]

    after = {
        **_vote_state(vote),
        "valid": view.valid,
        "kept": {p.position: [r.name for r in p.kept] for p in view.decided},
        "left_off": removed,
        "added": [_candidate_state(c) for c in Candidate.objects.filter(pk__in=[c.pk for c in added])
                  .select_related("person")],
        "undecided": [p.message for p in view.undecided],
    }
    head = (f"{'更正' if before else '登记'}居民代表会议投票确定正式候选人（{held_on:%Y-%m-%d}，应到 {expected} 人，"
            f"实到 {present} 人，收回选票 {ballots} 张）：")
    parts = [p.message.rstrip("。") for p in view.positions if p.needed]
    if view.added:
        parts.append(f"列入正式候选人 {'、'.join(view.added)}")
    if view.removed:
        parts.append(f"移出正式候选人名单 {'、'.join(view.removed)}")
    record_event(actor=actor, action="candidate_list.vote", obj=vote, election=election, before=before,
                 after=after, summary=head + "；".join(parts) + note)
    return view


__all__ = ["candidate_list_vote"]

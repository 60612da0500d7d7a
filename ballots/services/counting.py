"""Counting (计票): rounds, tallies entered twice and reconciled, each round's result, the street's acceptance of a
vacancy, and the announcement. Stage ``counting`` only.

Every service is keyword-only, atomic, permission- and stage-checked, and records one event per change. Writes
lock the election row first, then the round, then the tally (``select_for_update``), always in that order, so two
entries of one tally (or the last two tallies of a round) never both miss each other: the second waits for the
first and sees it.

A tally is entered by two different users (双人录入). The first entry leaves it ``entered``; the second, by
another user, is compared with it: equal → ``reconciled`` (its figures kept on the tally, locked), different →
``differs`` with the differing fields. Either author corrects their own entry with its ``version`` (a stale one is
a conflict); equal after a correction → reconciled. The same user entering again without a version is refused:
that would be one person's count passing for two. A reconciled tally takes no entry until the street reopens it.
When every tally of a round is reconciled the round is counted by the results engine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from candidates.models import Candidate
from elections.audit import digest, record_event, snapshot
from elections.errors import ApplicationError, Conflict
from elections.models import Election, User
from elections.services import _require
from elections.services import election_lock as _lock
from elections.services.preparation import require_stage

from ..models import Round, RoundCandidate, Station, Tally, TallyEntry, Voter
from ..rules import tally as tally_rules
from ..selectors import counting as selectors

COUNTING_STAGES = frozenset({"counting"})
REASON_MAX = 300


def _round_name(r: Round) -> str:
    return f"第{r.number}轮（{tally_rules.engine.KIND_LABELS.get(r.kind, r.kind)}）"


def _reason(reason: str | None, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise ApplicationError(f"请说明{what}。", {"reason": [f"请说明{what}。"]})
    if len(text) > REASON_MAX:
        raise ApplicationError("说明过长。", {"reason": [f"说明至多 {REASON_MAX} 字（现 {len(text)} 字）。"]})
    return text


# --------------------------------------------------------------------------------------------
# Rounds
# --------------------------------------------------------------------------------------------


def _next_round_plan(election: Election, rounds: list[Round]) -> tuple[str, str, dict[str, int], list[Candidate]]:
    """(kind, revote_of, seats, candidates) of the round to start now; refuses when none is due."""
    if not rounds:
        plan = selectors.seat_plan(election)
        if not plan:
            raise ApplicationError("没有职数方案，不能开始计票。", {"seats": ["职数方案中没有应选名额。"]})
        candidates = list(Candidate.objects.filter(election=election).select_related("person")
                          .order_by("position", "order", "id"))
        if not candidates:
            raise ApplicationError("没有正式候选人，不能开始计票。",
                                   {"candidates": ["正式候选人名单为空：请先确定并公布正式候选人名单。"]})
        errors = [f"{c.person.name}是{tally_rules.position_label(c.position)}候选人，但职数方案中没有该职位的名额。"
                  for c in candidates if c.position not in plan]
        errors += [f"{tally_rules.position_label(p)}应选 {n} 名，但没有正式候选人。"
                   for p, n in plan.items() if not any(c.position == p for c in candidates)]
        if errors:
            raise ApplicationError("正式候选人与职数方案不符，不能开始计票。", {"candidates": errors})
        return "first", "first", plan, candidates

    last = rounds[-1]
    if last.state == "open":
        raise Conflict(f"{_round_name(last)}尚未计票完毕，不能开始下一轮。")
    facts = selectors.round_facts(election)
    state = tally_rules.standing(rounds[0].seats, facts)
    action = state.next_action
    if action == "none":
        if state.vacancy_accepted:
            raise Conflict("街道已确认职位空缺，不再投票。")
        if state.pending("vacancy"):
            raise Conflict("另行选举后仍未选足的名额按选举办法空缺，不再投票。")
        raise Conflict("各职位名额均已选足，无须再投票。")
    if action == "repeat":
        carried = [rc.candidate for rc in RoundCandidate.objects.filter(round=last).select_related(
            "candidate__person").order_by("position", "order", "id")]
        return last.kind, last.revote_of, dict(last.seats), carried

    if action == "revote":
        positions = state.pending("revote")
        seats = {p.position: p.unfilled for p in positions}
        keys = [key for p in positions for key in tally_rules.revote_candidates(p)[0]]
        found = {str(c.pk): c for c in Candidate.objects.filter(election=election, pk__in=[int(k) for k in keys])
                 .select_related("person")}
        source = state.last
        assert source is not None
        return "revote", source.threshold_kind, seats, [found[k] for k in keys if k in found]

    rules = election.effective_rules()
    elected = {e.key for p in state.positions for e in p.elected if e.key}
    seats, keys, empty = {}, [], []
    for p in state.pending("runoff"):
        picked = tally_rules.runoff_pick(tally_rules.runoff_ranking(p.position, facts, elected), p.unfilled, rules)
        if not picked:
            empty.append(tally_rules.position_label(p.position))
        seats[p.position] = p.unfilled
        keys += picked
    if empty:
        raise Conflict(f"{'、'.join(empty)}没有未当选的正式候选人可列入另行选举；如依选举办法不再另行选举，"
                       "请由街道确认职位空缺。")
    found = {str(c.pk): c for c in Candidate.objects.filter(election=election, pk__in=[int(k) for k in keys])
             .select_related("person")}
    return "runoff", "first", seats, [found[k] for k in keys if k in found]


def _round_state(r: Round, candidates: list[Candidate], stations: list[Station]) -> dict[str, Any]:
    return {
        **snapshot(r, ["number", "kind", "revote_of", "seats", "registered", "state"]),
        "candidates": [{"id": c.pk, "name": c.person.name, "position": c.position} for c in candidates],
        "stations": [s.name for s in stations],
    }


@transaction.atomic
def round_start(*, actor: User, election: Election) -> Round:
    """Start the first round, or the one the last counted round calls for: a run-off (另行选举) for unfilled seats
    with the carried candidates, a revote among the tied for the seats they tie for, or the void round again.
    Registered (应到) = the election's active voters now; one tally per polling station."""
    _require(actor, "ballots.start_round", election)
    election = _lock(election)
    require_stage(election, COUNTING_STAGES, "开始计票")
    rounds = list(Round.objects.filter(election=election).order_by("number"))
    kind, revote_of, seats, candidates = _next_round_plan(election, rounds)
    registered = Voter.objects.filter(election=election, status="active").count()
    if registered == 0:
        message = ("选民名单中没有已登记的选民（应到人数为 0），不能开始计票：请先在“选民登记”中登记选民。"
                   if election.body != "party_committee" else
                   "党员名单中没有已登记的党员（应到人数为 0），不能开始计票：请先在“选民登记”中登记有选举权的党员。")
        raise ApplicationError("应到人数为 0，不能开始计票。", {"registered": [message]})
    stations = list(Station.objects.filter(election=election).order_by("order", "id"))
    if not stations:
        raise ApplicationError("没有投票站，不能开始计票。",
                               {"stations": ["请先在“投票站与委托”中设立中心会场或投票站（计票按投票站录入）。"]})
    number = rounds[-1].number + 1 if rounds else 1
    r = Round.objects.create(election=election, number=number, kind=kind, revote_of=revote_of, seats=seats,
                             registered=registered, started_by=actor)
    RoundCandidate.objects.bulk_create([
        RoundCandidate(round=r, candidate=c, position=c.position, order=c.order) for c in candidates])
    Tally.objects.bulk_create([Tally(round=r, station=s) for s in stations])
    repeat = bool(rounds) and rounds[-1].state == "void"
    seat_text = "、".join(f"{tally_rules.position_label(p)} {n} 名" for p, n in seats.items())
    names = "、".join(c.person.name for c in candidates)
    record_event(actor=actor, action="round.start", obj=r, election=election,
                 after=_round_state(r, candidates, stations),
                 summary=f"开始{_round_name(r)}{'（上一轮无效，重新投票）' if repeat else ''}：应选 {seat_text}；"
                         f"应到 {registered} 人；候选人 {names or '（另选他人）'}")
    return r


# --------------------------------------------------------------------------------------------
# Tallies
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TallyOutcome:
    tally: Tally
    entry: TallyEntry
    warnings: list[str]  # accepted facts that void the round (more ballots returned than issued)
    counted: Round | None  # the round, when this entry completed its count


def _tally_state(tally: Tally) -> dict[str, Any]:
    return snapshot(tally, ["state", "differences", "reconciled_at", "version"])


def _entry_record(entry: TallyEntry, *, full: bool) -> dict[str, Any]:
    """An entry as the audit trail keeps it: its figures, or only their sha256 while no second entry exists."""
    figures = selectors.stored_figures(entry)
    record: dict[str, Any] = {"by": entry.entered_by_id, "version": entry.version}
    if full:
        record["figures"] = figures
    else:
        record["sha256"] = digest(figures)
    return record


def _who(user: User) -> str:
    return user.display_name


@transaction.atomic
def tally_enter(*, actor: User, station: Station, round: Round, figures: tally_rules.Figures,
                version: int | None = None) -> TallyOutcome:
    """One user's entry of a station's tally in a round (first, second, or a correction of their own)."""
    election = Election.objects.get(pk=station.election_id)
    _require(actor, "ballots.enter_tally", election)
    if round.election_id != station.election_id:
        raise ApplicationError("投票站与轮次不属于同一次选举。", {"round": ["该轮次不属于此投票站所在的选举。"]})
    election = _lock(election)
    require_stage(election, COUNTING_STAGES, "录入计票")
    locked = Round.objects.select_for_update().get(pk=round.pk)
    tally = Tally.objects.select_for_update().filter(round=locked, station=station).first()
    if tally is None:
        raise Conflict(f"{station.name}没有{_round_name(locked)}的计票表（投票站在本轮开始后才设立）。")
    where = f"{station.name}{_round_name(locked)}的计票"
    if tally.state == "reconciled" or locked.state != "open":
        raise Conflict(f"{where}已核对一致，不能再录入；如须更正，请由街道重新开放。")
    ballot = selectors.ballot_of(locked, election.effective_rules())
    problems = tally_rules.entry_problems(figures, ballot)
    if problems:
        raise ApplicationError("计票数字有误，未保存。", problems)
    stored = tally_rules.normalized(figures, ballot)
    entries = list(TallyEntry.objects.filter(tally=tally).select_related("entered_by").order_by("created_at", "id"))
    own = next((e for e in entries if e.entered_by_id == actor.pk), None)
    if own is not None:
        if version is None:
            raise Conflict(f"您已录入过{where}（第 {own.version} 版）。双人录入的另一次须由另一名工作人员录入；"
                           "如需更正自己的录入，请带上版本号（version 或 If-Match）重新提交。")
        if version != own.version:
            raise Conflict(f"您的录入已是第 {own.version} 版（您提交的是第 {version} 版），可能已在别处更正；"
                           "请刷新后再更正。")
    else:
        if version is not None:
            raise Conflict(f"您尚未录入{where}，没有可更正的版本（第 {version} 版）；请刷新后重新录入。")
        if len(entries) >= 2:
            names = "、".join(_who(e.entered_by) for e in entries)
            raise Conflict(f"{where}已由{names}两人录入；如须更正，由录入人更正自己的录入。")
    # while one entry stands alone its figures stay out of the audit trail (the events API would show them to
    # the second enterer): a digest there; both entries in full from the moment both exist
    shown_before = len(entries) >= 2
    before = {"entry": (_entry_record(own, full=shown_before) if own else None), "tally": _tally_state(tally)}
    corrected = own is not None
    if own is None:
        own = TallyEntry(tally=tally, entered_by=actor)
    else:
        own.version += 1
    own.ballots_issued, own.ballots_returned = stored["ballots_issued"], stored["ballots_returned"]
    own.ballots_invalid, own.present = stored["ballots_invalid"], stored["present"]
    own.votes, own.write_ins = stored["votes"], stored["write_ins"]
    own.save()
    entries = list(TallyEntry.objects.filter(tally=tally).order_by("created_at", "id"))
    differences: list[dict[str, Any]] = []
    if len(entries) == 1:
        tally.state, tally.figures, tally.reconciled_at = "entered", None, None
    else:
        found = tally_rules.compare(selectors.stored_figures(entries[0]), selectors.stored_figures(entries[1]),
                                   order=[c.key for c in ballot.candidates])
        differences = [d.as_dict() for d in found]
        if found:
            tally.state, tally.figures, tally.reconciled_at = "differs", None, None
        else:
            tally.state, tally.reconciled_at = "reconciled", timezone.now()
            tally.figures = selectors.stored_figures(entries[0])
    tally.differences = differences
    tally.version += 1
    tally.save()
    nth = "更正录入" if corrected else ("第一次录入" if len(entries) == 1 else "第二次录入")
    outcome = {"entered": "", "differs": f"，两次录入有 {len(differences)} 处不一致",
               "reconciled": "，两次录入一致，已核对"}[tally.state]
    warnings = tally_rules.entry_warnings(stored)
    both = len(entries) >= 2
    after = {"entry": _entry_record(own, full=both), "tally": _tally_state(tally)}
    if both:
        after["entries"] = [_entry_record(e, full=True) for e in entries]
    record_event(actor=actor, action="tally.enter", obj=own, election=election, before=before, after=after,
                 summary=f"{where}：{_who(actor)}{nth}{outcome}"
                         + ("（收回选票多于发出选票）" if warnings and both else ""))
    counted = _count_if_complete(actor, election, locked) if tally.state == "reconciled" else None
    return TallyOutcome(tally=tally, entry=own, warnings=warnings, counted=counted)


def _count_if_complete(actor: User, election: Election, r: Round) -> Round | None:
    """Count the round with the results engine once every station's tally is reconciled (the round is locked)."""
    tallies = list(Tally.objects.filter(round=r).select_related("station").order_by("station__order", "station_id"))
    if any(t.state != "reconciled" for t in tallies):
        return None
    rules = election.effective_rules()
    ballot = selectors.ballot_of(r, rules)
    counted = tally_rules.count_round(
        kind=r.kind, revote_of=r.revote_of, registered=r.registered, ballot=ballot, rules=rules,
        stations=[tally_rules.StationCount(t.station.name, t.figures) for t in tallies])
    before = snapshot(r, ["state", "counted_at", "version"])
    if counted.result is None:
        r.result = {"problems": counted.problems}
        r.version += 1
        r.save(update_fields=["result", "version"])
        detail = "；".join(m for ms in counted.problems.values() for m in ms)
        record_event(actor=actor, action="round.count", obj=r, election=election, before=before,
                     after={"state": r.state, "problems": counted.problems},
                     summary=f"{_round_name(r)}各站计票汇总后数字不一致，无法计算结果：{detail}")
        return None
    data = tally_rules.result_data(counted, ballot)
    r.result = data
    r.state = "counted" if data["valid"] else "void"
    r.counted_at = timezone.now()
    r.version += 1
    r.save(update_fields=["result", "state", "counted_at", "version"])
    elected = "、".join(f"{e['name']}（{tally_rules.position_label(p['position'])}）"
                        for p in data["positions"] for e in p["elected"])
    verdict = (f"选举有效，当选 {elected or '无'}" if data["valid"] else "投票无效") + "；" + \
        tally_rules.NEXT_ACTION_TEXT[data["next_action"]]
    record_event(actor=actor, action="round.count", obj=r, election=election, before=before,
                 after={"state": r.state, "counted_at": r.counted_at, "valid": data["valid"],
                        "next_action": data["next_action"],
                        "elected": [{"position": p["position"], "name": e["name"], "candidate": e["key"],
                                     "votes": e["votes"]} for p in data["positions"] for e in p["elected"]]},
                 summary=f"{_round_name(r)}计票完成：{verdict}")
    return r


@transaction.atomic
def tally_reopen(*, actor: User, tally: Tally, reason: str) -> Tally:
    """The street reopens a reconciled tally of the last round: the reconciliation is cleared (both entries are
    kept, their authors correct them), and so is the round's result with anything decided on it (the vacancy,
    the announcement)."""
    election = tally.round.election
    _require(actor, "ballots.reopen_tally", election)
    election = _lock(election)
    require_stage(election, COUNTING_STAGES, "重新开放计票")
    text = _reason(reason, "重新开放的原因")
    r = Round.objects.select_for_update().get(pk=tally.round_id)
    tally = Tally.objects.select_for_update().select_related("station").get(pk=tally.pk)
    where = f"{tally.station.name}{_round_name(r)}的计票"
    if tally.state != "reconciled":
        raise Conflict(f"{where}尚未核对一致，无须重新开放：由录入人直接更正。")
    later = Round.objects.filter(election=election, number__gt=r.number).order_by("number").first()
    if later is not None:
        raise Conflict(f"已开始{_round_name(later)}，不能再重新开放{_round_name(r)}的计票。")
    round_fields = ["state", "counted_at", "vacancy_accepted", "vacancy_reason", "announced_on", "version"]
    before = {"tally": _tally_state(tally), "round": snapshot(r, round_fields)}
    tally.state, tally.figures, tally.differences, tally.reconciled_at = "entered", None, [], None
    tally.reopened_reason, tally.reopened_by, tally.reopened_at = text, actor, timezone.now()
    tally.version += 1
    tally.save()
    cleared = r.state != "open" or r.result is not None
    if cleared:
        r.state, r.result, r.counted_at = "open", None, None
        r.vacancy_accepted, r.vacancy_reason, r.vacancy_by = False, "", None
        r.announced_on, r.announced_by = None, None
        r.version += 1
        r.save()
    record_event(actor=actor, action="tally.reopen", obj=tally, election=election, before=before,
                 after={"tally": _tally_state(tally), "round": snapshot(r, round_fields), "reason": text},
                 summary=f"重新开放{where}（{text}）" + ("；本轮计票结果作废，待重新核对后重新计算" if cleared else ""))
    return tally


# --------------------------------------------------------------------------------------------
# Vacancy and announcement
# --------------------------------------------------------------------------------------------


def _last_round(election: Election) -> Round:
    r = Round.objects.select_for_update().filter(election=election).order_by("-number").first()
    if r is None:
        raise Conflict("尚未开始计票。")
    return r


@transaction.atomic
def vacancy_accept(*, actor: User, election: Election, reason: str) -> Round:
    """The street decides the seats a run-off would fill stay vacant (no further vote), or records that those
    still unfilled after a run-off stay vacant. Not while a revote or a repeat of a void round is due."""
    _require(actor, "ballots.accept_vacancy", election)
    election = _lock(election)
    require_stage(election, COUNTING_STAGES, "确认职位空缺")
    text = _reason(reason, "不再另行选举、职位空缺的理由")
    last = _last_round(election)
    if last.state == "open":
        raise Conflict(f"{_round_name(last)}尚未计票完毕。")
    if last.vacancy_accepted:
        raise Conflict(f"已于{_round_name(last)}后确认职位空缺。")
    state = selectors.standing(election)
    if state.next_action == "repeat":
        raise Conflict("本轮投票无效，须重新投票，不能确认空缺。")
    if state.next_action == "revote":
        raise Conflict("有得票相等的候选人须重新投票，不能确认空缺；重新投票后仍未选足的，再依选举办法处理。")
    open_positions = state.pending("runoff") + state.pending("vacancy")
    if not open_positions:
        raise Conflict("各职位名额均已选足，没有空缺。")
    before = snapshot(last, ["vacancy_accepted", "vacancy_reason", "version"])
    last.vacancy_accepted, last.vacancy_reason, last.vacancy_by = True, text, actor
    last.version += 1
    last.save(update_fields=["vacancy_accepted", "vacancy_reason", "vacancy_by", "version"])
    listing = "、".join(f"{tally_rules.position_label(p.position)} {p.unfilled} 名" for p in open_positions)
    record_event(actor=actor, action="round.vacancy", obj=last, election=election, before=before,
                 after={**snapshot(last, ["vacancy_accepted", "vacancy_reason", "version"]),
                        "vacant": {p.position: p.unfilled for p in open_positions}},
                 summary=f"确认职位空缺：{listing}，不再另行选举（{text}）")
    return last


@transaction.atomic
def results_announce(*, actor: User, election: Election, announced_on: dt.date | None) -> Round:
    """Record the day the results were announced (当场公布): once counting is complete (every seat filled, or the
    shortfall decided); on or after election day, not in the future. Recorded again: the day corrected."""
    _require(actor, "ballots.announce_results", election)
    election = _lock(election)
    require_stage(election, COUNTING_STAGES, "公布选举结果")
    if announced_on is None:
        raise ApplicationError("请填写公布日期。", {"announced_on": ["请填写选举结果的公布日期。"]})
    last = _last_round(election)
    state = selectors.standing(election)
    if state.open_round is not None:
        raise Conflict(f"{_round_name(last)}尚未计票完毕，不能公布选举结果。")
    if state.next_action == "repeat":
        raise Conflict(f"{_round_name(last)}投票无效，须重新投票，不能公布选举结果。")
    if state.next_action in ("revote", "runoff"):
        what = "就并列者重新投票" if state.next_action == "revote" else "另行选举（或由街道确认职位空缺）"
        raise Conflict(f"应选名额尚未选足，须先{what}，再公布选举结果。")
    # the results are announced on site, on the day of the vote; they are often entered here later, so the
    # bounds are the election day and today, not the moment the figures were typed in
    if announced_on > timezone.localdate():
        raise ApplicationError("公布日期不能晚于今天。", {"announced_on": [f"公布日期 {announced_on:%Y-%m-%d} 晚于今天。"]})
    if election.election_day and announced_on < election.election_day:
        raise ApplicationError("公布日期不能早于选举日。", {"announced_on": [
            f"选举日为 {election.election_day:%Y-%m-%d}，公布日期不能早于这一天。"]})
    before = snapshot(last, ["announced_on", "version"])
    last.announced_on, last.announced_by = announced_on, actor
    last.version += 1
    last.save(update_fields=["announced_on", "announced_by", "version"])
    elected = "、".join(f"{e.name}（{tally_rules.position_label(p.position)}）" for p in state.positions
                        for e in p.elected)
    record_event(actor=actor, action="results.announce", obj=last, election=election, before=before,
                 after={**snapshot(last, ["announced_on", "version"]),
                        "elected": [{"position": p.position, "name": e.name, "candidate": e.key, "votes": e.votes,
                                     "round": e.round} for p in state.positions for e in p.elected]},
                 summary=f"{'更正' if before['announced_on'] else ''}公布选举结果（{announced_on:%Y-%m-%d}）："
                         f"当选 {elected or '无'}")
    return last

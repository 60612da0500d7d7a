"""Tallies entered twice (双人录入), the count of a round from its stations, what the next round is, and the checks
of the ``voting`` (formal list published in time) and ``counting`` gates. Pure: no Django.

* One entry (``entry_problems``): whole non-negative numbers; invalid ballots ≤ ballots returned; each candidate's
  votes ≤ valid ballots; per position, the votes of its candidates and write-ins together ≤ (returned − invalid) ×
  the position's seats in this round; write-ins (另选他人) named, not a name on the ballot for that position, once
  per position (in a revote only the tied write-ins of the tie it breaks); party: the members present (实到)
  required and ≤ those expected. More ballots returned than issued is a fact, accepted and flagged
  (``entry_warnings``): it voids the round.
* Two entries are compared field by field (``compare``): ``ballots_issued``, ``ballots_returned``,
  ``ballots_invalid``, ``present``, ``votes.<candidate key>``, ``write_ins.<position>.<name>``.
* A round's count (``count_round``): the reconciled tallies of every station summed into the engine's
  ``RoundInput``; when any station returned more ballots than it issued, the whole round is void and the result
  names that station (a sum would hide it: one station's surplus can be offset by another's unreturned ballots).
* Where the election stands after its rounds (``standing``): elected so far, per position what is pending (a revote
  among the tied, a run-off, a vacancy, a repeat of a void round), and the next round to hold.
* Run-off candidates (``runoff_pick``, 另行选举): per position with unfilled seats, the highest non-elected formal
  candidates. How many: the rulebook's margin rule applied to the unfilled seats — ``margin_mode`` "plus" (the
  residents' committee default): unfilled + ``margin_plus_min``; "ratio" (the party default): ceil(unfilled ×
  ``margin_ratio``) but at least unfilled + 1, so that the run-off stays contested (差额) whatever the ratio.
  Candidates tied at the cut are all carried. Write-ins are not carried: they are not on the formal list, and
  voters may write them in again. After a revote that left seats unfilled, the revote's ranking comes first,
  then the earlier round's.
* Revote candidates: the names tied at the last seat, for the seats they tie for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from elections.rules import Blocker, days_before, parse_fraction, published_in_time

from . import results as engine
from .results import POSITION_ORDER, is_int, ordered_positions, position_label

TALLY_STATE_LABELS = {"open": "待录入", "entered": "已录入一次", "differs": "不一致", "reconciled": "已核对一致"}
FIGURE_LABELS = {
    "ballots_issued": "发出选票",
    "ballots_returned": "收回选票",
    "ballots_invalid": "无效选票",
    "present": "实到人数",
}
NAME_MAX = 50
# the API's next_action: the engine's "repeat" (a void round held again) is "revote_all" there
API_NEXT_ACTIONS = {"none": "none", "runoff": "runoff", "revote": "revote", "repeat": "revote_all"}
NEXT_ACTION_TEXT = {
    "none": "无须再投票。",
    "runoff": "应选名额未选足，须另行选举。",
    "revote": "末位得票相等，须就并列者重新投票。",
    "repeat": "本轮投票无效，须重新投票。",
}
VOID_SOURCE = "1990 年党组织选举工作条例第十九条；省级实施办法（收回选票多于发出选票的，选举无效）"


def clean_name(name: Any) -> str:
    """A written name without any blank (also the full-width one): "王 五" and "王五" are one person."""
    return "".join(name.split()) if isinstance(name, str) else ""


# --------------------------------------------------------------------------------------------
# The ballot of a round and one entry's figures
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BallotCandidate:
    key: str  # how entries name the candidate: the formal candidate's id, as text
    name: str
    position: str


@dataclass(frozen=True)
class Ballot:
    """What a round's entries are checked against: its seats, the names on its ballot (in ballot order), the
    write-ins a revote allows (``None``: any), whether the members present are counted, and how many are
    expected (registered)."""

    seats: Mapping[str, int]
    candidates: tuple[BallotCandidate, ...]
    write_ins: Mapping[str, tuple[str, ...]] | None = None
    needs_present: bool = False
    registered: int | None = None
    elected: Mapping[str, tuple[str, ...]] | None = None  # per position, names elected in earlier rounds

    def labels(self) -> dict[str, str]:
        """key → the name the results engine knows the candidate by: the name, or, when two candidates of one
        position share it, the name with the ballot number (“张伟（2号）”)."""
        seen: dict[tuple[str, str], int] = {}
        for c in self.candidates:
            seen[(c.position, c.name)] = seen.get((c.position, c.name), 0) + 1
        labels: dict[str, str] = {}
        numbers: dict[str, int] = {}
        for c in self.candidates:
            numbers[c.position] = numbers.get(c.position, 0) + 1
            labels[c.key] = f"{c.name}（{numbers[c.position]}号）" if seen[(c.position, c.name)] > 1 else c.name
        return labels

    def by_key(self) -> dict[str, BallotCandidate]:
        return {c.key: c for c in self.candidates}


@dataclass(frozen=True)
class WriteIn:
    name: Any
    position: Any
    count: Any


@dataclass(frozen=True)
class Figures:
    """One entry as typed: the figures, the votes of the ballot's candidates as (key, count) pairs in the order
    given, and the write-ins. Values are checked by ``entry_problems``, so anything may arrive here."""

    ballots_issued: Any
    ballots_returned: Any
    ballots_invalid: Any
    present: Any = None
    votes: tuple[tuple[Any, Any], ...] = ()
    write_ins: tuple[WriteIn, ...] = ()


def write_in_position(w: WriteIn, ballot: Ballot) -> Any:
    """The write-in's position; left out, the round's only position (None when it has several)."""
    if w.position not in (None, ""):
        return w.position
    return next(iter(ballot.seats)) if len(ballot.seats) == 1 else None


def _count_problem(value: Any, label: str) -> str | None:
    if value is None or value == "":
        return f"请填写{label}。"
    if not is_int(value):
        return f"{label}须为整数。"
    if value < 0:
        return f"{label}（{value}）不能为负数。"
    return None


def entry_problems(figures: Figures, ballot: Ballot) -> dict[str, list[str]]:
    """Every problem of one entry, by field, in Chinese; {} when it may be saved. Fields: ``ballots_issued``,
    ``ballots_returned``, ``ballots_invalid``, ``present``, ``votes.<key>`` (one candidate), ``votes`` (the
    ballot as a whole: unknown candidates, a position's total), ``write_ins``."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    sound: dict[str, int] = {}
    for key in ("ballots_issued", "ballots_returned", "ballots_invalid"):
        problem = _count_problem(getattr(figures, key), FIGURE_LABELS[key])
        if problem:
            add(key, problem)
        else:
            sound[key] = getattr(figures, key)
    if "ballots_invalid" in sound and "ballots_returned" in sound and sound["ballots_invalid"] > sound["ballots_returned"]:
        add("ballots_invalid", f"无效选票（{sound['ballots_invalid']}）不能多于收回选票（{sound['ballots_returned']}）。")
    valid = (sound["ballots_returned"] - sound["ballots_invalid"]
             if "ballots_returned" in sound and "ballots_invalid" in sound
             and sound["ballots_invalid"] <= sound["ballots_returned"] else None)

    present = figures.present
    if ballot.needs_present:
        problem = _count_problem(present, "实到人数")
        if problem:
            add("present", problem if present not in (None, "") else "党组织选举须填写实到人数（有选举权的到会党员）。")
        elif ballot.registered is not None and present > ballot.registered:
            add("present", f"实到人数（{present}）不能多于应到人数（{ballot.registered}）。")
    elif present not in (None, ""):
        add("present", "本选举不按到会人数计算，不填写实到人数。")

    by_key = ballot.by_key()
    labels = ballot.labels()
    totals: dict[str, int] = {}
    given: set[str] = set()
    for index, (raw_key, count) in enumerate(figures.votes, start=1):
        key = str(raw_key)
        candidate = by_key.get(key)
        if candidate is None:
            add("votes", f"第 {index} 项得票的候选人“{raw_key}”不在本轮选票上。")
            continue
        what = f"{labels[key]}（{position_label(candidate.position)}）的得票"
        if key in given:
            add(f"votes.{key}", f"{what}重复填写。")
            continue
        given.add(key)
        problem = _count_problem(count, what)
        if problem:
            add(f"votes.{key}", problem)
            continue
        if valid is not None and count > valid:
            add(f"votes.{key}", f"{labels[key]}（{position_label(candidate.position)}）得 {count} 票，多于有效选票 {valid} 张。")
        totals[candidate.position] = totals.get(candidate.position, 0) + count
    for candidate in ballot.candidates:
        if candidate.key not in given:
            add(f"votes.{candidate.key}",
                f"请填写{labels[candidate.key]}（{position_label(candidate.position)}）的得票（没有得票填 0）。")

    names_on_ballot: dict[str, set[str]] = {}
    for c in ballot.candidates:
        names_on_ballot.setdefault(c.position, set()).update({c.name, labels[c.key]})
    written: set[tuple[str, str]] = set()
    for index, w in enumerate(figures.write_ins, start=1):
        name = clean_name(w.name)
        position = write_in_position(w, ballot)
        if position is None:
            add("write_ins", f"另选他人第 {index} 项（{name or '未写姓名'}）须注明职位：本轮应选"
                             f"{'、'.join(position_label(p) for p in ordered_positions(ballot.seats))}。")
            continue
        if position not in ballot.seats:
            add("write_ins", f"另选他人第 {index} 项（{name or '未写姓名'}）的职位“{position_label(str(position))}”"
                             "不在本轮应选职位之中。")
            continue
        label = position_label(position)
        if not name:
            add("write_ins", f"{label}的另选他人第 {index} 项未写姓名。")
            continue
        if len(name) > NAME_MAX:
            add("write_ins", f"另选他人的姓名“{name[:10]}…”过长（至多 {NAME_MAX} 字）。")
            continue
        if name in names_on_ballot.get(position, set()):
            add("write_ins", f"“{name}”是本轮{label}候选人，其得票应填入候选人一栏，不能作为另选他人。")
            continue
        if (position, name) in written:
            add("write_ins", f"{label}的另选他人“{name}”重复填写，请合并为一行。")
            continue
        if name in (ballot.elected or {}).get(position, ()):
            add("write_ins", f"“{name}”已在前一轮当选{label}，不能再作为另选他人计票（同一人不能占两个名额）。")
            continue
        written.add((position, name))
        if ballot.write_ins is not None and name not in ballot.write_ins.get(position, ()):
            allowed = ballot.write_ins.get(position, ())
            add("write_ins", f"重新投票只在并列者中进行：“{name}”不是{label}的并列者，其得票不能计入。"
                if allowed else f"重新投票只在并列者中进行，{label}不能另选他人（“{name}”）。")
            continue
        problem = _count_problem(w.count, f"{label}的另选他人“{name}”的得票")
        if problem:
            add("write_ins", problem)
            continue
        if valid is not None and w.count > valid:
            add("write_ins", f"另选他人“{name}”（{label}）得 {w.count} 票，多于有效选票 {valid} 张。")
        totals[position] = totals.get(position, 0) + w.count

    if valid is not None:
        for position in ordered_positions(ballot.seats):
            total, seats = totals.get(position, 0), ballot.seats[position]
            if total > valid * seats:
                add("votes", f"{position_label(position)}各人得票（含另选他人）合计 {total} 票，多于有效选票 {valid} 张 × "
                             f"应选 {seats} 名 = {valid * seats} 票。")
    return errors


def normalized(figures: Figures, ballot: Ballot) -> dict[str, Any]:
    """The entry as stored and compared (call after ``entry_problems`` found nothing): votes in ballot order,
    write-ins with blank-free names, without the ones with no vote, by position then name."""
    votes = {str(k): v for k, v in figures.votes}
    write_ins = [{"name": clean_name(w.name), "position": write_in_position(w, ballot), "count": w.count}
                 for w in figures.write_ins if w.count]
    write_ins.sort(key=lambda w: (POSITION_ORDER.get(w["position"], 99), w["position"], w["name"]))
    return {
        "ballots_issued": figures.ballots_issued,
        "ballots_returned": figures.ballots_returned,
        "ballots_invalid": figures.ballots_invalid,
        "present": figures.present if ballot.needs_present else None,
        "votes": {c.key: votes[c.key] for c in ballot.candidates},
        "write_ins": write_ins,
    }


def entry_warnings(stored: Mapping[str, Any]) -> list[str]:
    """What an accepted entry says about the round: more ballots returned than issued voids it."""
    issued, returned = stored["ballots_issued"], stored["ballots_returned"]
    if returned > issued:
        return [f"收回选票（{returned} 张）多于发出选票（{issued} 张）：按规定本轮投票无效，核对一致后须重新投票。"]
    return []


# --------------------------------------------------------------------------------------------
# Comparing the two entries
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    field: str
    first: Any  # the first entry's value (None: that entry has no such write-in)
    second: Any

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "first": self.first, "second": self.second}


def _write_in_map(stored: Mapping[str, Any]) -> dict[tuple[str, str], int]:
    return {(w["position"], w["name"]): w["count"] for w in stored.get("write_ins") or []}


def compare(first: Mapping[str, Any], second: Mapping[str, Any], order: Sequence[str] = ()) -> list[Difference]:
    """Every field where two stored entries differ, in the order of the tally sheet: the figures, the votes in
    ballot ``order`` (a stored object's keys may come back in any order), the write-ins by position and name."""
    found = [Difference(key, first.get(key), second.get(key))
             for key in ("ballots_issued", "ballots_returned", "ballots_invalid", "present")
             if first.get(key) != second.get(key)]
    a, b = first.get("votes") or {}, second.get("votes") or {}
    given = [k for k in order if k in a or k in b]
    for key in [*given, *sorted((set(a) | set(b)) - set(given))]:
        if a.get(key) != b.get(key):
            found.append(Difference(f"votes.{key}", a.get(key), b.get(key)))
    wa, wb = _write_in_map(first), _write_in_map(second)
    for position, name in sorted(set(wa) | set(wb), key=lambda pn: (POSITION_ORDER.get(pn[0], 99), pn[0], pn[1])):
        if wa.get((position, name)) != wb.get((position, name)):
            found.append(Difference(f"write_ins.{position}.{name}", wa.get((position, name)), wb.get((position, name))))
    return found


def field_label(field_name: str, ballot: Ballot) -> str:
    """The Chinese label of a compared field: 发出选票, 张三（委员）得票, 另选他人 王五（委员）得票."""
    if field_name in FIGURE_LABELS:
        return FIGURE_LABELS[field_name]
    kind, _, rest = field_name.partition(".")
    if kind == "votes":
        candidate = ballot.by_key().get(rest)
        if candidate is None:
            return field_name
        return f"{ballot.labels()[rest]}（{position_label(candidate.position)}）得票"
    if kind == "write_ins":
        position, _, name = rest.partition(".")
        return f"另选他人 {name}（{position_label(position)}）得票"
    return field_name


# --------------------------------------------------------------------------------------------
# A round's count from its stations
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StationCount:
    station: str  # its name, for the explanation
    figures: Mapping[str, Any]  # the reconciled (stored) figures


@dataclass(frozen=True)
class Counted:
    """A round's count: the summed input, and either the engine's result or the problems that stop it."""

    input: engine.RoundInput
    result: engine.RoundResult | None
    problems: dict[str, list[str]]
    void: tuple[StationCount, ...]
    labels: dict[str, str]  # formal candidate key → engine name


def round_input(*, kind: str, revote_of: str, registered: int, ballot: Ballot,
                stations: Sequence[StationCount]) -> tuple[engine.RoundInput, dict[str, str]]:
    """The stations' reconciled figures summed into the engine's input; write-ins of one name and position
    across stations are one count. Also returns the key → engine name map of the formal candidates."""
    labels = ballot.labels()
    total = {key: sum(s.figures[key] for s in stations) for key in ("ballots_issued", "ballots_returned",
                                                                     "ballots_invalid")}
    present = sum(s.figures.get("present") or 0 for s in stations) if ballot.needs_present else None
    votes = {c.key: 0 for c in ballot.candidates}
    written: dict[tuple[str, str], int] = {}
    for s in stations:
        for key, count in (s.figures.get("votes") or {}).items():
            votes[key] = votes.get(key, 0) + count
        for w in s.figures.get("write_ins") or []:
            written[(w["position"], w["name"])] = written.get((w["position"], w["name"]), 0) + w["count"]
    by_key = ballot.by_key()
    counts = [engine.Count(candidate=labels[key], position=by_key[key].position, votes=votes[key])
              for key in votes if key in by_key]
    counts += [engine.Count(candidate=name, position=position, votes=n, write_in=True)
               for (position, name), n in written.items()]
    inp = engine.RoundInput(kind=kind, registered=registered, present=present, seats=dict(ballot.seats),
                            ballots_issued=total["ballots_issued"], ballots_returned=total["ballots_returned"],
                            ballots_invalid=total["ballots_invalid"], counts=tuple(counts), revote_of=revote_of)
    return inp, labels


def void_stations(stations: Sequence[StationCount]) -> tuple[StationCount, ...]:
    return tuple(s for s in stations if s.figures["ballots_returned"] > s.figures["ballots_issued"])


def count_round(*, kind: str, revote_of: str, registered: int, ballot: Ballot, stations: Sequence[StationCount],
                rules: Mapping[str, Any]) -> Counted:
    """Sum the stations and run the engine. A station that returned more ballots than it issued voids the whole
    round: the engine is shown a round with more returned than issued (so it answers "repeat" and names no one),
    and its reason then names the station and its own figures instead of the totals."""
    inp, labels = round_input(kind=kind, revote_of=revote_of, registered=registered, ballot=ballot,
                              stations=stations)
    problems = engine.input_problems(inp, rules)
    if problems:
        return Counted(inp, None, problems, (), labels)
    void = void_stations(stations)
    if not void:
        return Counted(inp, engine.calculate(inp, rules), {}, (), labels)
    shown = replace(inp, ballots_issued=min(inp.ballots_issued, inp.ballots_returned - 1))
    result = engine.calculate(shown, rules)
    prefix = {"first": "", "runoff": "另行选举：", "revote": "重新投票（并列者）："}.get(kind, "")
    stations_text = "；".join(f"{s.station}发出选票 {s.figures['ballots_issued']} 张、收回 {s.figures['ballots_returned']} 张"
                             for s in void)
    reason = (f"{prefix}{stations_text}，收回选票多于发出选票，本次投票无效，应重新投票"
              "（1990 年党组织选举工作条例第十九条；省级实施办法）。")
    figures = (f"{engine.KIND_LABELS[kind]}：发出选票 {inp.ballots_issued} 张，收回 {inp.ballots_returned} 张，"
               f"其中无效票 {inp.ballots_invalid} 张、有效票 {inp.ballots_returned - inp.ballots_invalid} 张。")
    result = replace(result, reason=reason, explanation=(figures, reason, *result.explanation[2:]))
    return Counted(inp, result, {}, void, labels)


def _row(count: Any, labels_back: Mapping[tuple[str, str], str]) -> dict[str, Any]:
    return {"key": labels_back.get((count.position, count.candidate)), "name": count.candidate,
            "votes": count.votes, "write_in": count.write_in}


def result_data(counted: Counted, ballot: Ballot) -> dict[str, Any]:
    """The round's result as stored (``Round.result``): the engine's outcome with every name mapped back to the
    formal candidate's key (``None`` for a write-in), each position's full ranking, and the summed figures."""
    result = counted.result
    assert result is not None
    by_key = ballot.by_key()
    back = {(by_key[key].position, label): key for key, label in counted.labels.items()}
    inp = counted.input
    counts_by_position: dict[str, list[Any]] = {}
    for c in inp.counts:
        counts_by_position.setdefault(c.position, []).append(c)
    positions = []
    for p in result.positions:
        ranked = sorted(counts_by_position.get(p.position, []), key=lambda c: (-c.votes, c.candidate, c.write_in))
        rows = {c.candidate: _row(c, back) for c in ranked}
        positions.append({
            "position": p.position,
            "seats": p.seats,
            "unfilled": p.unfilled,
            "elected": [{**rows[e.candidate], "votes": e.votes} for e in p.elected],
            "tied": [rows[name] for name in p.tied],
            "counts": [rows[c.candidate] for c in ranked],
            "explanation": list(p.explanation),
        })
    return {
        "valid": result.valid,
        "reason": result.reason,
        "next_action": result.next_action,
        "explanation": list(result.explanation),
        "figures": {"registered": inp.registered, "present": inp.present, "ballots_issued": inp.ballots_issued,
                    "ballots_returned": inp.ballots_returned, "ballots_invalid": inp.ballots_invalid},
        "void_stations": [{"station": s.station, "ballots_issued": s.figures["ballots_issued"],
                           "ballots_returned": s.figures["ballots_returned"]} for s in counted.void],
        "positions": positions,
    }


# --------------------------------------------------------------------------------------------
# Where the election stands after its rounds
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundFacts:
    """One round as the standing and the gates see it; ``result`` is ``Round.result`` (None while open)."""

    number: int
    kind: str
    seats: Mapping[str, int]
    state: str  # open | counted | void
    result: Mapping[str, Any] | None = None
    revote_of: str = "first"
    vacancy_accepted: bool = False
    announced_on: dt.date | None = None
    tallies: tuple[tuple[str, str], ...] = ()  # (station name, tally state)

    @property
    def finished(self) -> bool:
        return self.state in ("counted", "void")

    @property
    def threshold_kind(self) -> str:
        """The round whose rules apply: a revote follows the round whose tie it breaks."""
        return self.revote_of if self.kind == "revote" else self.kind

    def position(self, position: str) -> Mapping[str, Any] | None:
        for p in (self.result or {}).get("positions") or []:
            if p["position"] == position:
                return p
        return None


@dataclass(frozen=True)
class ElectedRecord:
    key: str | None  # the formal candidate's key; None for a write-in
    name: str
    votes: int
    round: int
    write_in: bool = False


@dataclass(frozen=True)
class PositionStanding:
    position: str
    seats: int
    elected: tuple[ElectedRecord, ...]
    pending: str  # none | revote | runoff | vacancy | repeat | counting
    unfilled: int
    tied: tuple[Mapping[str, Any], ...] = ()  # revote: the tied rows of the round that set it
    since: int | None = None  # the round that set ``pending``


@dataclass(frozen=True)
class Standing:
    positions: tuple[PositionStanding, ...]
    next_action: str  # none | runoff | revote | repeat (what the next round must be; none: nothing to hold)
    last: RoundFacts | None  # the last finished round
    open_round: RoundFacts | None
    vacancy_accepted: bool

    def pending(self, action: str) -> list[PositionStanding]:
        return [p for p in self.positions if p.pending == action]

    @property
    def settled(self) -> bool:
        """Counted, nothing left to vote on: the results may be announced."""
        return self.open_round is None and self.last is not None and self.next_action == "none"


_PRIORITY = ("repeat", "revote", "runoff")


def standing(seat_plan: Mapping[str, int], rounds: Sequence[RoundFacts]) -> Standing:
    """Elected so far and, per position, what is pending, from the rounds in order. A void round leaves its
    positions to be voted again (repeat); a counted one adds its elected and leaves a tie to a revote and a
    shortfall to a run-off (after a first vote) or to a vacancy (after a run-off). A vacancy accepted by the
    street on the last round turns its pending run-offs into vacancies. Positions of an open round are being
    counted. The next round is the most urgent pending action: repeat, then revote, then run-off."""
    ordered = sorted(rounds, key=lambda r: r.number)
    elected: dict[str, list[ElectedRecord]] = {p: [] for p in seat_plan}
    pending: dict[str, tuple[str, int, tuple[Mapping[str, Any], ...], int | None]] = {
        p: ("none", n, (), None) for p, n in seat_plan.items()}
    last: RoundFacts | None = None
    open_round: RoundFacts | None = None
    for r in ordered:
        if not r.finished:
            open_round = r
            for position in r.seats:
                _, unfilled, tied, since = pending.get(position, ("none", 0, (), None))
                pending[position] = ("counting", unfilled, tied, r.number)
            continue
        last = r
        if r.state == "void" or not (r.result or {}).get("valid"):
            for position, seats in r.seats.items():
                pending[position] = ("repeat", seats, (), r.number)
            continue
        for position in r.seats:
            p = r.position(position)
            if p is None:
                continue
            for e in p["elected"]:
                elected.setdefault(position, []).append(
                    ElectedRecord(e["key"], e["name"], e["votes"], r.number, bool(e.get("write_in"))))
            if p["tied"]:
                action = "revote"
            elif p["unfilled"]:
                action = "runoff" if r.threshold_kind == "first" else "vacancy"
            else:
                action = "none"
            pending[position] = (action, p["unfilled"], tuple(p["tied"]) if action == "revote" else (), r.number)
    vacancy = bool(last and last.vacancy_accepted and open_round is None)
    positions = []
    for position in ordered_positions(seat_plan):
        action, unfilled, tied, since = pending[position]
        if vacancy and action == "runoff":
            action = "vacancy"
        positions.append(PositionStanding(position, seat_plan[position], tuple(elected.get(position, [])), action,
                                          unfilled if action != "none" else 0, tied, since))
    next_action = "none"
    for action in _PRIORITY:
        if any(p.pending == action for p in positions):
            next_action = action
            break
    return Standing(tuple(positions), next_action, last, open_round, vacancy)


# --------------------------------------------------------------------------------------------
# The next round's candidates
# --------------------------------------------------------------------------------------------


def _ceil(value: Fraction) -> int:
    return -(-value.numerator // value.denominator)


def runoff_size(unfilled: int, rules: Mapping[str, Any]) -> int:
    """How many candidates a run-off for ``unfilled`` seats carries (see the module docstring)."""
    if rules.get("margin_mode", "plus") == "ratio":
        return max(_ceil(unfilled * parse_fraction(rules["margin_ratio"])), unfilled + 1)
    return unfilled + int(rules.get("margin_plus_min", 1))


@dataclass(frozen=True)
class Ranked:
    key: str  # a formal candidate
    votes: int
    tier: int = 0  # 0: the round just counted; 1: the round before it (after a revote) …


def runoff_pick(ranked: Sequence[Ranked], unfilled: int, rules: Mapping[str, Any]) -> list[str]:
    """The keys carried into the run-off: the first ``runoff_size`` by (tier, most votes); any tied with the
    last one carried are carried too. Fewer when fewer are left."""
    size = runoff_size(unfilled, rules)
    order = sorted(ranked, key=lambda r: (r.tier, -r.votes))
    if len(order) <= size:
        return [r.key for r in order]
    cut = order[size - 1]
    return [r.key for r in order if (r.tier, -r.votes) <= (cut.tier, -cut.votes)]


def runoff_ranking(position: str, rounds: Sequence[RoundFacts], elected_keys: set[str]) -> list[Ranked]:
    """The non-elected formal candidates of ``position``, newest valid round first, back to (and including) the
    first vote of the position; each candidate once, in the newest round that ranked them."""
    ranked: list[Ranked] = []
    seen: set[str] = set(elected_keys)
    tier = 0
    for r in sorted(rounds, key=lambda r: -r.number):
        if not r.finished or r.state == "void" or not (r.result or {}).get("valid"):
            continue
        p = r.position(position)
        if p is None:
            continue
        added = False
        for row in p["counts"]:
            key = row.get("key")
            if key is None or row.get("write_in") or key in seen:
                continue
            seen.add(key)
            ranked.append(Ranked(key, row["votes"], tier))
            added = True
        if added:
            tier += 1
        if r.kind == "first":
            break
    return ranked


def revote_candidates(position: PositionStanding) -> tuple[list[str], list[str]]:
    """(formal keys, write-in names) tied at the last seat of ``position``: the revote's ballot."""
    keys = [t["key"] for t in position.tied if t.get("key") and not t.get("write_in")]
    names = [t["name"] for t in position.tied if t.get("write_in") or not t.get("key")]
    return keys, names


def elected_names(rounds_before: Sequence[RoundFacts], seats: Mapping[str, int]) -> dict[str, tuple[str, ...]]:
    """Per position of ``seats``, the names elected in the valid counted rounds before: a run-off's write-in may
    not name one of them again (one person, two seats)."""
    names: dict[str, list[str]] = {position: [] for position in seats}
    for r in rounds_before:
        if r.state != "counted" or not (r.result or {}).get("valid"):
            continue
        for position in seats:
            p = r.position(position)
            names[position] += [e["name"] for e in (p or {}).get("elected", [])]
    return {position: tuple(found) for position, found in names.items()}


def revote_write_ins(rounds_before: Sequence[RoundFacts], seats: Mapping[str, int]) -> dict[str, tuple[str, ...]]:
    """The write-ins a revote allows, per position: those tied in the last valid counted round before it."""
    source = None
    for r in sorted(rounds_before, key=lambda r: -r.number):
        if r.state == "counted" and (r.result or {}).get("valid"):
            source = r
            break
    allowed: dict[str, tuple[str, ...]] = {}
    for position in seats:
        p = source.position(position) if source else None
        allowed[position] = tuple(t["name"] for t in (p or {}).get("tied", []) if t.get("write_in"))
    return allowed


# --------------------------------------------------------------------------------------------
# Gates
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateListFacts:
    published_on: dt.date | None
    election_day: dt.date | None
    sources: Mapping[str, str] = field(default_factory=dict)


def gate_candidate_list_published(facts: CandidateListFacts, rules: Mapping[str, Any]) -> list[Blocker]:
    """Voting: the formal list published (张榜公布) at least ``candidate_list_lead_days`` before election day;
    published exactly that many days before is in time (N 日前 includes the Nth day)."""
    lead = int(rules.get("candidate_list_lead_days", 3))
    source = facts.sources.get("candidate_list_lead_days") or "seeds 001, 003（其他地方 5 或 7 天）"
    source = f"选举办法：正式候选人名单于选举日前 {lead} 日公布；{source}"
    if facts.published_on is None:
        return [Blocker("candidate_list_not_published", "正式候选人名单尚未张榜公布（未登记公布日期）。", source,
                        f"在“正式候选人”页登记名单的公布日期；须不晚于选举日前 {lead} 日。")]
    if facts.election_day is None or published_in_time(facts.published_on, facts.election_day, lead):
        return []  # no election day: the election_day gate says so
    days = days_before(facts.published_on, facts.election_day)
    deadline = facts.election_day - dt.timedelta(days=lead)
    when = f"晚于选举日 {-days} 天" if days < 0 else ("与选举日同日" if days == 0 else f"仅在选举日前 {days} 日")
    return [Blocker(
        "candidate_list_published_late",
        f"正式候选人名单于 {facts.published_on:%Y-%m-%d} 公布，{when}，不足选举日（{facts.election_day:%Y-%m-%d}）前 "
        f"{lead} 日的要求（最晚应于 {deadline:%Y-%m-%d} 公布）。",
        source,
        "推迟选举日，使名单公布日期满足规定的提前天数；或经批准后依程序重新公布名单并相应确定选举日。",
    )]


@dataclass(frozen=True)
class CountingFacts:
    seats: Mapping[str, int]
    rounds: tuple[RoundFacts, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)


_TALLY_SOURCE = "选举办法：各投票站计票结果由两名工作人员分别录入，核对一致后汇总"
_ANNOUNCE_SOURCE = "选举办法：选举结果当场公布；seeds 001, 003"


def _round_name(r: RoundFacts) -> str:
    return f"第{r.number}轮（{engine.KIND_LABELS.get(r.kind, r.kind)}）"


def gate_counting(facts: CountingFacts, rules: Mapping[str, Any]) -> list[Blocker]:
    """Counting: a round was held; every station's tally of it reconciled and the round counted; the last round
    valid; no revote or run-off pending (unless the street accepted the vacancy); the results announced."""
    if not facts.rounds:
        return [Blocker("no_round", "尚未开始计票：还没有投票轮次。", _TALLY_SOURCE,
                        "投票结束后，在“计票与结果”页开始计票（第一轮），再录入各投票站的计票。")]
    blockers: list[Blocker] = []
    rounds = sorted(facts.rounds, key=lambda r: r.number)
    current = rounds[-1]
    state = standing(facts.seats, rounds)
    if not current.finished:
        waiting = [(name, s) for name, s in current.tallies if s != "reconciled"]
        if waiting:
            listing = "、".join(f"{name}（{TALLY_STATE_LABELS.get(s, s)}）" for name, s in waiting)
            blockers.append(Blocker(
                "tallies_unreconciled",
                f"{_round_name(current)}尚有 {len(waiting)} 个投票站的计票未核对一致：{listing}。",
                _TALLY_SOURCE,
                "由两名不同的工作人员分别录入各投票站的计票；两次录入一致即核对完成，不一致的由录入人核对原始记录后更正。",
            ))
        else:
            problems = (current.result or {}).get("problems") or {}
            detail = "；".join(m for messages in problems.values() for m in messages)
            blockers.append(Blocker(
                "round_figures_inconsistent",
                f"{_round_name(current)}各投票站的计票汇总后数字不一致，无法计算结果" + (f"：{detail}" if detail else "。"),
                _TALLY_SOURCE,
                "由街道重新开放有关投票站的计票，录入人核对原始记录后更正。",
            ))
    elif state.next_action == "repeat":
        reason = (current.result or {}).get("reason") or "本轮投票无效。"
        void = bool((current.result or {}).get("void_stations"))
        blockers.append(Blocker(
            "round_void",
            f"{_round_name(current)}投票无效：{reason}",
            VOID_SOURCE if void else (facts.sources.get("validity_rule") or "选举办法：选举有效的条件"),
            "在“计票与结果”页开始重新投票（同一轮次的候选人和名额），重新录入各投票站的计票。",
        ))
    elif state.next_action in ("revote", "runoff"):
        lines = []
        for p in state.pending("revote"):
            names = "、".join(t["name"] for t in p.tied)
            lines.append(f"{position_label(p.position)}：{names} 得票相等，须就并列者重新投票选出 {p.unfilled} 名")
        for p in state.pending("runoff"):
            lines.append(f"{position_label(p.position)}：尚缺 {p.unfilled} 名，须另行选举")
        revote = state.next_action == "revote"
        blockers.append(Blocker(
            "seats_unfilled",
            "应选名额尚未选足：" + "；".join(lines) + "。",
            (facts.sources.get("tie_rule") or "省级实施办法：末位得票相等的，就并列者重新投票") if revote
            else (facts.sources.get("runoff_min_share") or "村民委员会组织法 第十五条：另行选举"),
            "在“计票与结果”页开始重新投票（只在并列者中进行）。" if revote
            else "在“计票与结果”页开始另行选举；依选举办法不再另行选举的，由街道确认职位空缺并说明理由。",
        ))
    if current.announced_on is None:
        blockers.append(Blocker(
            "results_not_announced",
            "选举结果尚未公布（未登记公布日期）。",
            _ANNOUNCE_SOURCE,
            "计票完成、名额选足或确认空缺后，当场公布选举结果，并在“计票与结果”页登记公布日期。",
        ))
    return blockers

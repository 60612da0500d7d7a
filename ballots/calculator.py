"""The results calculator (计票试算): the results engine (``ballots.rules``) run on numbers typed in, without
an election.

Shared by the API (``POST /api/v1/results/calculate/``) and the page (``/results/calculator/``), so both check
the input the same way and describe the result the same way. It reads nothing from the database and writes
nothing: the rules come from the preset rulebooks in ``elections.rules``, adjusted by the caller's overrides.
A separate module rather than a service or selector because it is neither a write nor a read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop

from elections import rules as election_rules
from elections.errors import ApplicationError

from . import rules as engine

# Labels in Chinese, marked for makemessages; pages translate them when shown.
ROUNDS: list[tuple[str, str]] = [
    ("first", gettext_noop("正式选举（第一次投票）")),
    ("runoff", gettext_noop("另行选举")),
    ("revote", gettext_noop("重新投票（末位得票相等）")),
]
ROUND_LABELS = dict(ROUNDS)
REVOTE_OF: list[tuple[str, str]] = [("first", gettext_noop("正式选举")), ("runoff", gettext_noop("另行选举"))]

NEXT_ACTIONS: list[tuple[str, str]] = [
    ("none", gettext_noop("无需再投票：可以宣布选举结果。")),
    ("runoff", gettext_noop("应选名额未选足：对不足的名额另行选举。")),
    ("revote", gettext_noop("末位得票相等：对得票相等的候选人重新投票。")),
    ("repeat", gettext_noop("本次选举无效：须重新组织选举。")),
]
NEXT_ACTION_LABELS = dict(NEXT_ACTIONS)

Line = tuple[str, str, int]  # (name, position, count)
_FIELD_NAMES = {"kind": "round"}


@dataclass(frozen=True)
class CandidateRow:
    candidate: str
    votes: int
    write_in: bool
    elected: bool
    tied: bool


@dataclass(frozen=True)
class PositionView:
    position: str
    label: str
    seats: int
    unfilled: int
    rows: tuple[CandidateRow, ...]  # every candidate and write-in of the position, most votes first
    result: engine.PositionResult


@dataclass(frozen=True)
class Calculation:
    rulebook: str
    rulebook_name: str
    body: str
    result: engine.RoundResult
    positions: tuple[PositionView, ...]

    @property
    def explanation(self) -> list[str]:
        """The round's lines, then each position's."""
        lines = list(self.result.explanation)
        for position in self.result.positions:
            lines.extend(position.explanation)
        return lines

    @property
    def next_action_label(self) -> str:
        return NEXT_ACTION_LABELS.get(self.result.next_action, self.result.next_action)

    def as_dict(self) -> dict[str, Any]:
        """The API's response body."""
        result = self.result
        return {
            "valid": result.valid,
            "reason": result.reason,
            "positions": [
                {
                    "position": p.position,
                    "seats": p.seats,
                    "elected": [{"candidate": e.candidate, "votes": e.votes} for e in p.elected],
                    "unfilled": p.unfilled,
                    "tied": list(p.tied),
                }
                for p in result.positions
            ],
            "next_action": result.next_action,
            "explanation": self.explanation,
        }


def positions_of(rulebook: str) -> list[tuple[str, str]]:
    """The positions (code, Chinese label) of a preset rulebook's body."""
    return election_rules.POSITIONS_BY_BODY[election_rules.PRESETS[rulebook]["body"]]


def effective_rules(rulebook: str, overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """A preset's parameters with the caller's overrides applied; 400 on ``rulebook`` or ``rule_overrides``."""
    if rulebook not in election_rules.PRESETS:
        raise ApplicationError("选举办法有误。", {"rulebook": [f"未知的选举办法“{rulebook}”。"]})
    base, _sources = election_rules.preset_parameters(rulebook)
    raw: Any = {} if overrides is None else dict(overrides) if isinstance(overrides, Mapping) else overrides
    effective, errors = election_rules.validate_overrides(base, raw)  # a non-object is reported, not raised
    if errors:
        messages = [m for ms in errors.values() for m in ms]
        raise ApplicationError("规则调整有误。", {"rule_overrides": messages})
    return effective


def calculate(*, rulebook: str, rule_overrides: Mapping[str, Any] | None = None, kind: str, registered: int,
              present: int | None, seats: Sequence[tuple[str, int]], ballots_issued: int, ballots_returned: int,
              ballots_invalid: int, votes: Sequence[Line], write_ins: Sequence[Line] = (),
              revote_of: str = "first") -> Calculation:
    """Check the input, run the engine and describe its result. Records nothing.

    Raises ApplicationError (400) with errors keyed by the API's field names when the input is inconsistent.
    """
    rules = effective_rules(rulebook, rule_overrides)
    body = election_rules.PRESETS[rulebook]["body"]
    allowed = dict(election_rules.POSITIONS_BY_BODY[body])
    errors = _shape_problems(body, allowed, seats, votes, write_ins)
    if kind not in ROUND_LABELS:
        errors.setdefault("round", []).append(f"未知的投票轮次“{kind}”。")
    if errors:
        raise ApplicationError("输入有误。", errors)

    inp = engine.RoundInput(
        kind=kind,
        registered=registered,
        present=present,
        seats=dict(seats),
        ballots_issued=ballots_issued,
        ballots_returned=ballots_returned,
        ballots_invalid=ballots_invalid,
        counts=tuple(
            [engine.Count(candidate=name, position=position, votes=count) for name, position, count in votes]
            + [engine.Count(candidate=name, position=position, votes=count, write_in=True)
               for name, position, count in write_ins]
        ),
        revote_of=revote_of,
    )
    problems = engine.input_problems(inp, rules)
    if problems:
        # the engine names the round "kind"; the API and the page call it "round"
        raise ApplicationError("输入的数字不一致，无法计算。",
                               {_FIELD_NAMES.get(key, key): list(ms) for key, ms in problems.items()})
    result = engine.calculate(inp, rules)
    return Calculation(rulebook=rulebook, rulebook_name=election_rules.PRESETS[rulebook]["name"], body=body,
                       result=result, positions=tuple(_position_view(p, inp, allowed) for p in result.positions))


def _shape_problems(body: str, allowed: dict[str, str], seats: Sequence[tuple[str, int]], votes: Sequence[Line],
                    write_ins: Sequence[Line]) -> dict[str, list[str]]:
    """What the engine cannot see: positions the rulebook's body does not have, a position's seats given twice.
    (A position without seats this round, a name given twice, bad figures: ``engine.input_problems``.)"""
    errors: dict[str, list[str]] = {}
    body_label = election_rules.BODY_LABELS[body]
    choices = "、".join(f"{code}（{label}）" for code, label in allowed.items())
    seen_positions: set[str] = set()
    for position, _count in seats:
        if position not in allowed:
            errors.setdefault("seats", []).append(f"“{position}”不是{body_label}的职位；可选：{choices}。")
        elif position in seen_positions:
            errors.setdefault("seats", []).append(f"职位“{allowed[position]}”的名额重复填写。")
        seen_positions.add(position)
    for field, lines in (("votes", votes), ("write_ins", write_ins)):
        for name, position, _count in lines:
            if position not in allowed:
                errors.setdefault(field, []).append(
                    f"{name}：“{position}”不是{body_label}的职位；可选：{choices}。")
    return errors


def _position_view(p: engine.PositionResult, inp: engine.RoundInput, labels: dict[str, str]) -> PositionView:
    elected = {e.candidate for e in p.elected}
    tied = set(p.tied)
    counts = sorted((c for c in inp.counts if c.position == p.position),
                    key=lambda c: (-c.votes, c.candidate, c.write_in))  # the engine's order
    rows = tuple(CandidateRow(candidate=c.candidate, votes=c.votes, write_in=c.write_in,
                              elected=c.candidate in elected, tied=c.candidate in tied) for c in counts)
    return PositionView(position=p.position, label=labels.get(p.position, p.position), seats=p.seats,
                        unfilled=p.unfilled, rows=rows, result=p)

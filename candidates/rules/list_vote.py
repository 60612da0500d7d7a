"""The residents' representatives' meeting (居民代表会议) that votes the residents' committee's formal candidates
(正式候选人) from the approved nominees when more were approved than the margin allows. Pure: plain data.

Seed 000: 经社区选举委员会初审、区中心联审后，由社区居民代表会议充分讨论，依据少数服从多数的原则，采取投票方式民主
产生居民委员会成员正式候选人. Per position the meeting keeps the ``seats + margin_plus_max`` nominees with the most
votes (the margin's upper bound); a tie at the cut leaves the position undecided until the meeting votes again
among the tied. The meeting counts when more than the rulebook's ``adoption_attendance_over`` share (half) of
the representatives expected attended (城市居民委员会组织法 第五条: exactly half is not enough).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .nomination import _more_than, meeting_figure_problems, position_label, share_text
from .slate import margin_bounds

LIST_VOTE_BODIES = frozenset({"residents_committee"})
LIST_VOTE_ATTENDANCE_KEY = "adoption_attendance_over"


def list_vote_problems(
    expected: int, present: int, ballots: int, counts: Iterable[int | tuple[str, int]]
) -> dict[str, list[str]]:
    """Inconsistent figures of the meeting, by field, in Chinese; empty when coherent.

    ``counts``: each nominee's votes, or (name, votes) to name the nominee in the message. Present at most
    expected (and expected above 0), ballots at most present, every count a non-negative whole number at most
    the ballots."""
    return meeting_figure_problems(expected, present, ballots, counts, ballots_label="收回选票", every_count=True)


def list_vote_valid(expected: int, present: int, share: Fraction | str) -> bool:
    """The meeting counts: more than ``share`` (half) of the representatives expected attended."""
    return expected > 0 and _more_than(present, expected, share)


def list_vote_invalid_message(expected: int, present: int, share: Fraction | str) -> str:
    return (f"居民代表会议应到 {expected} 人、实到 {present} 人，未超过应到人数的{share_text(share)}，会议无效，"
            "不能以此确定正式候选人。")


def list_vote_bound(position: str, seats: int, rules: Mapping[str, Any]) -> int | None:
    """The most candidates ``position`` may have (seats + margin_plus_max); None: no upper bound (ratio mode)."""
    return margin_bounds(position, seats, rules)[1]


def list_vote_needed(
    approved_by_position: Mapping[str, int], seats_by_position: Mapping[str, int], rules: Mapping[str, Any]
) -> list[str]:
    """The positions with more approved nominees than the margin's upper bound: the meeting must vote."""
    needed = []
    for position, count in approved_by_position.items():
        seats = seats_by_position.get(position, 0)
        if seats <= 0:
            continue
        bound = list_vote_bound(position, seats, rules)
        if bound is not None and count > bound:
            needed.append(position)
    return needed


@dataclass(frozen=True)
class ListVoteCount:
    key: int  # the nomination
    name: str
    votes: int


def _votes_names(rows: Sequence[ListVoteCount]) -> str:
    return "、".join(r.name for r in rows)


@dataclass(frozen=True)
class PositionVoteOutcome:
    """One position's result. ``needed``: more nominees than ``bound``, so the vote decides; otherwise every
    nominee stays (``kept``). ``tied``: the nominees with the same votes at the cut (the position is then
    undecided: ``kept`` holds those certainly in, ``left`` those certainly out, ``places`` the places the tied
    compete for)."""

    position: str
    seats: int
    bound: int | None
    needed: bool
    kept: tuple[ListVoteCount, ...]
    left: tuple[ListVoteCount, ...] = ()
    tied: tuple[ListVoteCount, ...] = ()

    @property
    def decided(self) -> bool:
        return not self.tied

    @property
    def places(self) -> int:
        """Places still open for the tied nominees."""
        return (self.bound or 0) - len(self.kept) if self.tied else 0

    @property
    def message(self) -> str:
        label = position_label(self.position)
        if not self.needed:
            bound = f"未超过差额上限 {self.bound} 名" if self.bound is not None else "没有差额上限"
            return f"{label}：审查通过 {len(self.kept)} 名，{bound}，无须投票。"
        if self.tied:
            sure = f"{_votes_names(self.kept)}得票在前；" if self.kept else ""
            return (f"{label}（至多 {self.bound} 名）：{sure}末位得票相等：{_votes_names(self.tied)}各 "
                    f"{self.tied[0].votes} 票，须就他们重新投票（产生 {self.places} 名）。")
        kept = "、".join(f"{r.name}（{r.votes} 票）" for r in self.kept)
        left = "、".join(f"{r.name}（{r.votes} 票）" for r in self.left)
        return f"{label}（至多 {self.bound} 名）：确定 {kept}；未列入 {left}。"


@dataclass(frozen=True)
class ListVoteOutcome:
    positions: tuple[PositionVoteOutcome, ...]

    @property
    def decided(self) -> tuple[PositionVoteOutcome, ...]:
        return tuple(p for p in self.positions if p.needed and p.decided)

    @property
    def undecided(self) -> tuple[PositionVoteOutcome, ...]:
        return tuple(p for p in self.positions if not p.decided)

    @property
    def messages(self) -> list[str]:
        return [p.message for p in self.positions]

    def position(self, code: str) -> PositionVoteOutcome | None:
        return next((p for p in self.positions if p.position == code), None)


def _position_outcome(position: str, seats: int, rows: Sequence[ListVoteCount], bound: int | None) -> PositionVoteOutcome:
    ranked = tuple(sorted(rows, key=lambda r: (-r.votes, r.key)))
    if bound is None or len(ranked) <= bound:
        return PositionVoteOutcome(position, seats, bound, needed=False, kept=ranked)
    cut = ranked[bound - 1].votes
    if ranked[bound].votes != cut:
        return PositionVoteOutcome(position, seats, bound, needed=True, kept=ranked[:bound], left=ranked[bound:])
    return PositionVoteOutcome(
        position, seats, bound, needed=True,
        kept=tuple(r for r in ranked if r.votes > cut),
        left=tuple(r for r in ranked if r.votes < cut),
        tied=tuple(r for r in ranked if r.votes == cut),
    )


def list_vote_outcome(
    results_by_position: Mapping[str, Sequence[ListVoteCount]],
    seats_by_position: Mapping[str, int],
    rules: Mapping[str, Any],
) -> ListVoteOutcome:
    """Per position (in the order of ``results_by_position``): the ``seats + margin_plus_max`` nominees with
    the most votes are kept and the rest left off; with no more nominees than that, everyone stays and the
    position needs no vote. Equal votes at the cut (the last place kept and the first left off) leave the
    position undecided, naming the tied nominees, who are voted on again."""
    outcomes = []
    for position, rows in results_by_position.items():
        seats = seats_by_position.get(position, 0)
        bound = list_vote_bound(position, seats, rules) if seats > 0 else None
        outcomes.append(_position_outcome(position, seats, rows, bound))
    return ListVoteOutcome(tuple(outcomes))

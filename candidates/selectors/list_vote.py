"""Reads of the residents' representatives' meeting that votes a residents' committee's formal candidates: the
recorded vote with each nominee's votes and its outcome per position (kept, left off, tied), and which positions
need the vote (more approved nominees than the margin's upper bound)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from elections.models import Election, Seat

from .. import rules
from ..models import ListVote, ListVoteResult, Nomination


@dataclass
class ListVoteRow:
    nomination: Nomination
    votes: int
    state: str  # kept | left | tied | stays (the position needed no vote)

    @property
    def name(self) -> str:
        return self.nomination.person.name


@dataclass
class ListVotePosition:
    position: str
    label: str
    seats: int
    bound: int | None
    needed: bool
    decided: bool
    places: int  # places the tied compete for (undecided positions)
    message: str
    rows: list[ListVoteRow]  # by votes, most first

    def _state(self, state: str) -> list[ListVoteRow]:
        return [r for r in self.rows if r.state == state]

    @property
    def kept(self) -> list[ListVoteRow]:
        return self._state("kept") + self._state("stays")

    @property
    def left(self) -> list[ListVoteRow]:
        return self._state("left")

    @property
    def tied(self) -> list[ListVoteRow]:
        return self._state("tied")


@dataclass
class ListVoteView:
    """A recorded vote and its outcome. ``valid``: the meeting was attended by more than the rulebook's share
    (half) of those expected (under the rules in force now). ``added`` / ``removed``: names the recording put on
    or took off the formal list (filled by the service only)."""

    vote: ListVote
    valid: bool
    attendance_over: str
    positions: list[ListVotePosition]
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def decided(self) -> list[ListVotePosition]:
        return [p for p in self.positions if p.needed and p.decided]

    @property
    def undecided(self) -> list[ListVotePosition]:
        return [p for p in self.positions if not p.decided]

    @property
    def invalid_message(self) -> str:
        if self.valid:
            return ""
        return rules.list_vote_invalid_message(self.vote.expected, self.vote.present, self.attendance_over)

    @property
    def left_off(self) -> dict[int, ListVoteRow]:
        """Nomination id → row, for every nominee the (valid) vote certainly left off."""
        if not self.valid:
            return {}
        return {r.nomination.pk: r for p in self.positions for r in p.left}


def seat_map(election: Election) -> dict[str, int]:
    return {s.position: s.count for s in Seat.objects.filter(election=election).order_by("id")}


def vote_outcome(
    results: Iterable[tuple[Nomination, int]], seats: Mapping[str, int], effective: Mapping[str, Any]
) -> tuple[rules.ListVoteOutcome, dict[int, tuple[Nomination, int]]]:
    """The pure outcome of ``results`` per position (seat-plan order), and nomination id → (nomination, votes)."""
    by_id = {n.pk: (n, votes) for n, votes in results}
    order = [p for p, n in seats.items() if n > 0]
    grouped: dict[str, list[rules.ListVoteCount]] = {}
    for n, votes in by_id.values():
        grouped.setdefault(n.position, []).append(rules.ListVoteCount(n.pk, n.person.name, votes))
    positions = [p for p in order if p in grouped] + sorted(set(grouped) - set(order))
    return rules.list_vote_outcome({p: grouped[p] for p in positions}, seats, effective), by_id


def build_list_vote_view(
    vote: ListVote, results: Sequence[tuple[Nomination, int]], seats: Mapping[str, int],
    effective: Mapping[str, Any],
) -> ListVoteView:
    """The view of ``vote`` with its ``results`` (no query: the nominations carry their person)."""
    outcome, by_id = vote_outcome(results, seats, effective)
    positions = []
    for p in outcome.positions:
        states = [(p.kept, "kept" if p.needed else "stays"), (p.tied, "tied"), (p.left, "left")]
        rows = [ListVoteRow(by_id[c.key][0], c.votes, state) for group, state in states for c in group]
        rows.sort(key=lambda r: (-r.votes, r.nomination.pk))
        positions.append(ListVotePosition(p.position, rules.position_label(p.position), p.seats, p.bound, p.needed,
                                          p.decided, p.places, p.message, rows))
    share = str(effective.get(rules.LIST_VOTE_ATTENDANCE_KEY, "1/2"))
    return ListVoteView(vote, rules.list_vote_valid(vote.expected, vote.present, share), share, positions)


def list_vote_view(*, election: Election, seats: Mapping[str, int] | None = None) -> ListVoteView | None:
    """The recorded vote of ``election`` with its outcome, or None; two queries (three without ``seats``)."""
    vote = ListVote.objects.filter(election=election).select_related("recorded_by").first()
    if vote is None:
        return None
    results = [(r.nomination, r.votes) for r in ListVoteResult.objects.filter(vote=vote)
               .select_related("nomination__person").order_by("-votes", "id")]
    return build_list_vote_view(vote, results, seat_map(election) if seats is None else seats,
                                election.effective_rules())


def list_vote_needed_positions(
    *, election: Election, approved: Iterable[Nomination], seats: Mapping[str, int]
) -> list[str]:
    """The positions of a residents' committee election with more approved nominees than the margin allows."""
    if election.body not in rules.LIST_VOTE_BODIES:
        return []
    counts: dict[str, int] = {}
    for n in approved:
        counts[n.position] = counts.get(n.position, 0) + 1
    return rules.list_vote_needed(counts, seats, election.effective_rules())


def list_vote_needs(*, election: Election) -> list[str]:
    """The positions that need the meeting's vote now (two queries besides the rulebook)."""
    approved = Nomination.objects.filter(election=election, status="approved").only("id", "position")
    return list_vote_needed_positions(election=election, approved=approved, seats=seat_map(election))


__all__ = [
    "ListVotePosition", "ListVoteRow", "ListVoteView", "build_list_vote_view", "list_vote_needed_positions",
    "list_vote_needs", "list_vote_view", "vote_outcome",
]

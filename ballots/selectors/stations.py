"""Reads of polling stations, proxies (委托投票) and the printable ballots, scoped to the caller's jurisdiction
(anything outside it is a 404). Views and the API hold an election already looked up in scope
(``elections.selectors.election_get``); the rest is read in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from candidates.models import Candidate, CandidateList
from candidates.strokes import sort_names
from elections import rules as election_rules
from elections.models import Election, User

from ..models import Proxy, Round, RoundCandidate, Station, Tally, Voter
from ..rules import stations as rules
from ..rules.voters import clean_text


def _in_scope(qs: QuerySet[Any], user: User, prefix: str = "election__") -> QuerySet[Any]:
    if user.is_superuser:
        return qs
    if not user.jurisdiction_id:
        return qs.none()
    return qs.filter(**{f"{prefix}community__path__startswith": user.jurisdiction.path})


# --------------------------------------------------------------------------------------------
# Stations
# --------------------------------------------------------------------------------------------


def station_list(*, election: Election) -> QuerySet[Station]:
    return Station.objects.filter(election=election).order_by("order", "id")


def station_get(*, user: User, pk: int, election: Election | None = None) -> Station:
    """One station in the caller's scope (and of ``election`` when given); 404 otherwise."""
    qs = _in_scope(Station.objects.select_related("election", "election__community", "election__rulebook"), user)
    if election is not None:
        qs = qs.filter(election=election)
    return get_object_or_404(qs, pk=pk)


@dataclass
class StationRow:
    station: Station
    short: int  # supervisors a mobile box still lacks
    warnings: list[str]
    tallied: bool  # a tally exists: the station cannot be deleted

    @property
    def kind_label(self) -> str:
        return rules.STATION_KIND_LABELS.get(self.station.kind, self.station.kind)


def station_rows(*, election: Election) -> list[StationRow]:
    """The election's stations with their flags; two queries."""
    effective = election.effective_rules()
    stations = list(station_list(election=election))
    tallied = set(Tally.objects.filter(station__in=stations).values_list("station_id", flat=True))
    rows = []
    for s in stations:
        facts = rules.StationFacts(s.name, s.kind, tuple(s.supervisors or []), s.pk)
        rows.append(StationRow(s, rules.supervisors_short(s.kind, s.supervisors or [], effective),
                               rules.station_warnings(facts, s.ballots_planned, effective), s.pk in tallied))
    return rows


def ballots_planned_total(*, election: Election) -> int:
    return Station.objects.filter(election=election).aggregate(n=Sum("ballots_planned"))["n"] or 0


# --------------------------------------------------------------------------------------------
# Proxies
# --------------------------------------------------------------------------------------------


def proxy_list(*, user: User, election: Election, filters: dict[str, Any] | None = None) -> QuerySet[Proxy]:
    """The election's proxies with voter and holder; filters ``status`` (active | revoked), ``holder`` (a voter
    id), ``q`` (a name of either side, or the last digits of either's ID number)."""
    qs = _in_scope(Proxy.objects.filter(election=election).select_related("voter", "holder", "created_by"), user)
    filters = filters or {}
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("holder"):
        qs = qs.filter(holder_id=filters["holder"])
    q = clean_text(filters.get("q") or "")
    if q:
        condition = Q(voter__name__icontains=q) | Q(holder__name__icontains=q)
        digits = q.upper().replace(" ", "")
        if len(digits) >= 4 and digits[:-1].isdigit() and (digits[-1].isdigit() or digits[-1] == "X"):
            condition |= Q(voter__id_number__endswith=digits) | Q(holder__id_number__endswith=digits)
        qs = qs.filter(condition)
    return qs.order_by("status", "holder__name", "holder_id", "id")  # active before revoked


def proxy_get(*, user: User, pk: int) -> Proxy:
    return get_object_or_404(_in_scope(Proxy.objects.select_related(
        "voter", "holder", "election", "election__community", "election__rulebook", "election__campaign"), user), pk=pk)


@dataclass(frozen=True)
class HolderCount:
    holder: Voter
    count: int


def holder_counts(*, election: Election) -> list[HolderCount]:
    """Holders of active proxies with how many they hold, most first; two queries."""
    counts = dict(Proxy.objects.filter(election=election, status="active").values("holder_id")
                  .annotate(n=Count("id")).values_list("holder_id", "n"))
    holders = Voter.objects.filter(pk__in=list(counts))
    return sorted((HolderCount(v, counts[v.pk]) for v in holders), key=lambda h: (-h.count, h.holder.name, h.holder.pk))


def proxy_counts(*, election: Election) -> dict[str, int]:
    rows = dict(Proxy.objects.filter(election=election).values("status").annotate(n=Count("id"))
                .values_list("status", "n"))
    return {"active": rows.get("active", 0), "revoked": rows.get("revoked", 0)}


@dataclass
class VoterMatch:
    """The voters a lookup found: one (found), none, or several (ambiguous)."""

    voters: list[Voter] = field(default_factory=list)

    @property
    def voter(self) -> Voter | None:
        return self.voters[0] if len(self.voters) == 1 else None


def voter_find(*, election: Election, id_number: str = "", name: str = "", id_last4: str = "") -> VoterMatch:
    """A voter of the election by the full ID number, or by name and the ID number's last four characters.
    Active registrations come first: a removed one is returned only when no active one matches (so that the
    refusal can say the person was removed)."""
    number = clean_text(id_number).replace(" ", "").upper()
    qs = Voter.objects.filter(election=election)
    if number:
        qs = qs.filter(id_number=number)
    else:
        name, last4 = clean_text(name), clean_text(id_last4).replace(" ", "").upper()
        if not name or not last4:
            return VoterMatch()
        qs = qs.filter(name=name, id_number__endswith=last4)
    found = list(qs.order_by("id")[:20])
    active = [v for v in found if v.status == "active"]
    return VoterMatch(active or found[-1:])


def voter_in_election(*, election: Election, pk: int | None) -> Voter | None:
    """A voter of this election by id (any status), or None — the proxy rules say why that is refused."""
    if pk is None:
        return None
    return Voter.objects.filter(election=election, pk=pk).first()


# --------------------------------------------------------------------------------------------
# Ballots
# --------------------------------------------------------------------------------------------


BALLOT_COLUMNS = 8


@dataclass
class BallotSheet:
    """One ballot: a position, its seats, the names in 姓氏笔画 order, and one write-in line per seat."""

    position: str
    label: str
    seats: int
    names: list[str]

    @property
    def write_ins(self) -> range:
        return range(self.seats)

    def name_rows(self, size: int = BALLOT_COLUMNS) -> list[list[str]]:
        """The names in rows of at most ``size`` columns (a ballot is A4 portrait)."""
        return [self.names[i:i + size] for i in range(0, len(self.names), size)] or [[]]

    def write_in_rows(self, size: int = BALLOT_COLUMNS) -> list[range]:
        return [range(i, min(i + size, self.seats)) for i in range(0, self.seats, size)]


def formal_list_published(*, election: Election) -> bool:
    return CandidateList.objects.filter(election=election, published_on__isnull=False).exists()


def round_list(*, election: Election) -> list[Round]:
    return list(Round.objects.filter(election=election).order_by("number"))


def round_get(*, election: Election, pk: int) -> Round:
    return get_object_or_404(Round.objects.filter(election=election), pk=pk)


def _position_order(election: Election, positions: list[str]) -> list[str]:
    known = [p for p, _label in election_rules.POSITIONS_BY_BODY.get(election.body, [])]
    return sorted(positions, key=lambda p: (known.index(p) if p in known else len(known), p))


def ballot_sheets(*, election: Election, round: Round | None = None) -> list[BallotSheet]:  # noqa: A002
    """The ballots to print: the round's ballot when a round is given (its seats and RoundCandidates), else
    the formal list against the seat plan. Names in 姓氏笔画 order; two queries."""
    if round is not None:
        seats = {p: int(n) for p, n in (round.seats or {}).items() if int(n) > 0}
        rows = [(rc.position, rc.candidate.person.name) for rc in RoundCandidate.objects.filter(round=round)
                .select_related("candidate__person").order_by("position", "order", "id")]
    else:
        seats = {s.position: s.count for s in election.seats.all() if s.count > 0}
        rows = [(c.position, c.person.name) for c in Candidate.objects.filter(election=election)
                .select_related("person").order_by("position", "order", "id")]
    positions = _position_order(election, list(set(seats) | {p for p, _name in rows}))
    return [
        BallotSheet(p, election_rules.POSITION_LABELS.get(p, p), seats.get(p, 0),
                    sort_names([name for position, name in rows if position == p]))
        for p in positions
    ]

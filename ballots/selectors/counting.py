"""Reads of counting: rounds with their ballots, tallies, entries and differences for the page; the election's
results (cumulative across rounds, per candidate and per station) for the API, the printout and later documents;
the round facts the services and the gates work from. Lookups by id are scoped to the caller's jurisdiction
(404 outside it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from candidates.models import Candidate
from elections import selectors as election_selectors
from elections.models import Election, Seat, User

from ..models import Round, RoundCandidate, Station, Tally, TallyEntry, Voter
from ..rules import results as results_rules
from ..rules import tally as tally_rules

# --------------------------------------------------------------------------------------------
# Scoped lookups
# --------------------------------------------------------------------------------------------


def station_get(*, user: User, pk: int) -> Station:
    return get_object_or_404(Station.objects.select_related("election").filter(
        election__in=election_selectors.election_list(user=user)), pk=pk)


def station_round(*, station: Station, pk: int) -> Round:
    """A round of the station's own election (404 otherwise)."""
    return get_object_or_404(Round.objects.filter(election_id=station.election_id), pk=pk)


def tally_get(*, user: User, pk: int) -> Tally:
    return get_object_or_404(Tally.objects.select_related("round", "station", "round__election").filter(
        round__election__in=election_selectors.election_list(user=user)), pk=pk)


def tally_for(*, station: Station, round: Round) -> Tally | None:
    return Tally.objects.filter(station=station, round=round).select_related("round", "station").first()


# --------------------------------------------------------------------------------------------
# Seats, ballots and the facts of the rounds
# --------------------------------------------------------------------------------------------


def seat_plan(election: Election) -> dict[str, int]:
    """The election's seats per position (positions with seats only), in the positions' order."""
    seats = {s.position: s.count for s in Seat.objects.filter(election=election).order_by("id") if s.count > 0}
    return {p: seats[p] for p in tally_rules.ordered_positions(seats)}


def stored_figures(entry: TallyEntry) -> dict[str, Any]:
    """An entry's figures as the tally rules store and compare them."""
    return {"ballots_issued": entry.ballots_issued, "ballots_returned": entry.ballots_returned,
            "ballots_invalid": entry.ballots_invalid, "present": entry.present, "votes": dict(entry.votes or {}),
            "write_ins": list(entry.write_ins or [])}


def _tally_state(tally: Tally) -> str:
    """The state shown: a reopened tally waiting for its authors' corrections is told apart from a first entry."""
    return "reopened" if tally.state == "entered" and tally.reopened_at is not None else tally.state


def tally_state_label(state: str) -> str:
    return {**tally_rules.TALLY_STATE_LABELS, "reopened": "已重新开放，待更正"}.get(state, state)


def _facts(r: Round, tallies: list[Tally]) -> tally_rules.RoundFacts:
    return tally_rules.RoundFacts(
        number=r.number, kind=r.kind, revote_of=r.revote_of, seats=dict(r.seats or {}), state=r.state,
        result=r.result, vacancy_accepted=r.vacancy_accepted, announced_on=r.announced_on,
        tallies=tuple((t.station.name, _tally_state(t)) for t in tallies))


def round_facts_for(elections: Iterable[Any]) -> dict[int, list[tally_rules.RoundFacts]]:
    """Every round of many elections as plain facts, in two queries (rounds; tallies with their stations)."""
    ids = [e.pk for e in elections]
    rounds = list(Round.objects.filter(election__in=ids).order_by("election", "number"))
    tallies: dict[int, list[Tally]] = {r.pk: [] for r in rounds}
    for t in (Tally.objects.filter(round__in=[r.pk for r in rounds]).select_related("station")
              .order_by("station__order", "station_id")):
        tallies[t.round_id].append(t)
    facts: dict[int, list[tally_rules.RoundFacts]] = {pk: [] for pk in ids}
    for r in rounds:
        facts[r.election_id].append(_facts(r, tallies[r.pk]))
    return facts


def round_facts(election: Election) -> list[tally_rules.RoundFacts]:
    return round_facts_for([election])[election.pk]


def standing(election: Election) -> tally_rules.Standing:
    """Where counting stands: the seats of the first round (else the seat plan) against the rounds so far."""
    facts = round_facts(election)
    seats = dict(facts[0].seats) if facts and facts[0].seats else seat_plan(election)
    return tally_rules.standing(seats, facts)


def _ballot(r: Round, candidates: list[RoundCandidate], before: list[tally_rules.RoundFacts],
            rules: dict[str, Any]) -> tally_rules.Ballot:
    return tally_rules.Ballot(
        seats=dict(r.seats or {}),
        candidates=tuple(tally_rules.BallotCandidate(str(rc.candidate_id), rc.candidate.person.name, rc.position)
                         for rc in candidates),
        write_ins=tally_rules.revote_write_ins(before, r.seats) if r.kind == "revote" else None,
        needs_present=results_rules.needs_present(rules),
        registered=r.registered,
        elected=tally_rules.elected_names(before, r.seats or {}),
    )


def _ballot_order(rows: Iterable[RoundCandidate]) -> list[RoundCandidate]:
    return sorted(rows, key=lambda rc: (results_rules.POSITION_ORDER.get(rc.position, 99), rc.order, rc.pk))


def ballot_of(r: Round, rules: dict[str, Any]) -> tally_rules.Ballot:
    """The round's ballot: its seats, its candidates in ballot order (position, then 姓氏笔画), for a revote the
    write-ins tied in the round it breaks, the names already elected in earlier rounds."""
    candidates = _ballot_order(RoundCandidate.objects.filter(round=r).select_related("candidate__person"))
    before = [f for f in round_facts(r.election) if f.number < r.number] if r.number > 1 else []
    return _ballot(r, candidates, before, rules)


# --------------------------------------------------------------------------------------------
# The counting page: rounds, tallies, entries, differences
# --------------------------------------------------------------------------------------------


@dataclass
class DifferenceView:
    field: str
    label: str
    first: Any
    second: Any


@dataclass
class TallyView:
    tally: Tally
    entries: list[TallyEntry]  # in the order entered
    state: str  # open | entered | differs | reconciled | reopened
    differences: list[DifferenceView]

    @property
    def label(self) -> str:
        return tally_state_label(self.state)

    @property
    def station(self) -> Station:
        return self.tally.station

    def entry_of(self, user: User) -> TallyEntry | None:
        return next((e for e in self.entries if e.entered_by_id == user.pk), None)

    @property
    def both_entered(self) -> bool:
        """Both entries exist: each may be shown to anyone (before that, only to its author: 背对背录入)."""
        return len(self.entries) >= 2

    def differing_fields(self) -> set[str]:
        return {d.field for d in self.differences}


@dataclass
class RoundView:
    round: Round
    candidates: list[RoundCandidate]  # ballot order
    tallies: list[TallyView]
    ballot: tally_rules.Ballot
    facts: tally_rules.RoundFacts
    repeat_of: int | None = None  # the void round this one holds again
    stations: list[dict[str, Any]] = field(default_factory=list)  # per-station figures (reconciled tallies)
    rows: list[dict[str, Any]] = field(default_factory=list)  # per candidate: votes, per station, outcome

    @property
    def result(self) -> dict[str, Any] | None:
        data = self.round.result
        return data if data and "valid" in data else None

    @property
    def problems(self) -> dict[str, list[str]]:
        return (self.round.result or {}).get("problems") or {}

    @property
    def positions(self) -> list[tuple[str, int, list[RoundCandidate]]]:
        return [(p, n, [c for c in self.candidates if c.position == p])
                for p, n in ((p, self.round.seats[p]) for p in tally_rules.ordered_positions(self.round.seats))]

    @property
    def reconciled(self) -> int:
        return sum(1 for t in self.tallies if t.state == "reconciled")


def _rounds_loaded(election: Election) -> list[Round]:
    return list(Round.objects.filter(election=election).order_by("number").select_related(
        "started_by", "announced_by", "vacancy_by").prefetch_related(
        Prefetch("candidates", queryset=RoundCandidate.objects.select_related("candidate__person")),
        Prefetch("tallies", queryset=Tally.objects.select_related("station", "reopened_by").order_by(
            "station__order", "station_id")),
        Prefetch("tallies__entries", queryset=TallyEntry.objects.select_related("entered_by").order_by(
            "created_at", "id")),
    ))


def _station_rows(tallies: list[Tally]) -> list[dict[str, Any]]:
    return [{"station": t.station, "state": _tally_state(t),
             "figures": t.figures if t.state == "reconciled" and t.figures else None} for t in tallies]


def _candidate_rows(view_result: dict[str, Any] | None, stations: list[dict[str, Any]],
                    candidates: list[RoundCandidate]) -> list[dict[str, Any]]:
    """Per candidate (and write-in) of a counted round: position, total, per-station votes, outcome; in the
    engine's order (most votes first) within each position."""
    if not view_result:
        return []
    by_key = {str(rc.candidate_id): rc for rc in candidates}
    rows = []
    for p in view_result["positions"]:
        elected = {(e["key"], e["name"]) for e in p["elected"]}
        tied = {(t["key"], t["name"]) for t in p["tied"]}
        for c in p["counts"]:
            per_station = []
            for s in stations:
                figures = s["figures"] or {}
                if c["key"] and not c["write_in"]:
                    per_station.append((figures.get("votes") or {}).get(c["key"], 0))
                else:
                    per_station.append(sum(w["count"] for w in figures.get("write_ins") or []
                                           if w["position"] == p["position"] and w["name"] == c["name"]))
            outcome = ("elected" if (c["key"], c["name"]) in elected else
                       "tied" if (c["key"], c["name"]) in tied else "not_elected")
            rc = by_key.get(c["key"]) if c["key"] else None
            rows.append({"position": p["position"], "key": c["key"], "name": c["name"], "write_in": c["write_in"],
                         "candidate": rc.candidate if rc else None, "votes": c["votes"], "stations": per_station,
                         "outcome": outcome})
    return rows


@dataclass
class CountingView:
    election: Election
    rounds: list[RoundView]
    standing: tally_rules.Standing
    seats: dict[str, int]
    active_voters: int | None = None  # before the first round: who a round would count as registered
    station_count: int | None = None

    @property
    def last(self) -> RoundView | None:
        return self.rounds[-1] if self.rounds else None


def counting_view(*, election: Election) -> CountingView:
    """Everything the counting tab shows, in a fixed number of queries."""
    rules = election.effective_rules()
    rounds = _rounds_loaded(election)
    facts: list[tally_rules.RoundFacts] = []
    views: list[RoundView] = []
    for r in rounds:
        tallies = list(r.tallies.all())
        candidates = _ballot_order(r.candidates.all())
        ballot = _ballot(r, candidates, list(facts), rules)
        f = _facts(r, tallies)
        tally_views = []
        for t in tallies:
            differences = [DifferenceView(d["field"], tally_rules.field_label(d["field"], ballot), d.get("first"),
                                          d.get("second")) for d in (t.differences or [])]
            tally_views.append(TallyView(t, list(t.entries.all()), _tally_state(t), differences))
        repeat_of = views[-1].round.number if views and views[-1].round.state == "void" else None
        stations = _station_rows(tallies)
        view = RoundView(r, candidates, tally_views, ballot, f, repeat_of, stations)
        view.rows = _candidate_rows(view.result, stations, candidates)
        views.append(view)
        facts.append(f)
    seats = dict(rounds[0].seats) if rounds else seat_plan(election)
    view = CountingView(election, views, tally_rules.standing(seats, facts), seats)
    if not rounds:
        view.active_voters = Voter.objects.filter(election=election, status="active").count()
        view.station_count = Station.objects.filter(election=election).count()
    return view


# --------------------------------------------------------------------------------------------
# One tally, for the API
# --------------------------------------------------------------------------------------------


def tally_view(*, tally: Tally) -> TallyView:
    entries = list(TallyEntry.objects.filter(tally=tally).select_related("entered_by").order_by("created_at", "id"))
    return TallyView(tally, entries, _tally_state(tally),
                     [DifferenceView(d["field"], d["field"], d.get("first"), d.get("second"))
                      for d in (tally.differences or [])])


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


def _stored_api(figures: dict[str, Any]) -> dict[str, Any]:
    """Stored figures in the API's shape: votes as [{"candidate", "count"}]."""
    return {
        "ballots_issued": figures["ballots_issued"], "ballots_returned": figures["ballots_returned"],
        "ballots_invalid": figures["ballots_invalid"], "present": figures.get("present"),
        "votes": [{"candidate": int(k), "count": v} for k, v in (figures.get("votes") or {}).items()],
        "write_ins": [dict(w) for w in figures.get("write_ins") or []],
    }


def _api_person(row: dict[str, Any]) -> dict[str, Any]:
    return {"candidate": int(row["key"]) if row.get("key") and not row.get("write_in") else None,
            "name": row["name"], "write_in": bool(row.get("write_in"))}


def _round_result_api(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if not data or "valid" not in data:
        return None
    return {
        "valid": data["valid"],
        "reason": data["reason"],
        "next_action": tally_rules.API_NEXT_ACTIONS[data["next_action"]],
        "positions": [{
            "position": p["position"], "seats": p["seats"], "unfilled": p["unfilled"],
            "elected": [{**_api_person(e), "votes": e["votes"]} for e in p["elected"]],
            "tied": [_api_person(t)["name"] for t in p["tied"]],
            "explanation": list(p["explanation"]),
        } for p in data["positions"]],
        "explanation": list(data["explanation"]),
        "void_stations": list(data.get("void_stations") or []),
    }


def results(election: Election) -> dict[str, Any]:
    """The election's results, cumulative across its rounds (elected in the first round plus the winners of
    run-offs and revotes), with every round's figures, per candidate and per station. ``valid``, ``reason``,
    ``registered`` and ``voted`` are those of the last counted round; ``next_action``: what the next round must
    be (``revote_all``: the last round was void and is held again)."""
    view = counting_view(election=election)
    state = view.standing
    last = state.last
    last_round = next((v.round for v in view.rounds if last is not None and v.round.number == last.number), None)
    last_data = (last_round.result if last_round is not None else None) or {}
    figures = last_data.get("figures") or {}
    people = {c.pk: c for c in Candidate.objects.filter(election=election).only("id", "person_id")}
    rounds = []
    for v in view.rounds:
        r = v.round
        result = v.result
        rounds.append({
            "id": r.pk, "number": r.number, "kind": r.kind, "revote_of": r.revote_of, "state": r.state,
            "registered": r.registered, "counted_at": r.counted_at,
            "figures": (result or {}).get("figures"),
            "result": _round_result_api(result),
            "problems": v.problems,
            "stations": [{"station": s["station"].pk, "name": s["station"].name, "state": s["state"],
                          "figures": _stored_api(s["figures"]) if s["figures"] else None} for s in v.stations],
            "candidates": [{"candidate": int(row["key"]) if row["key"] and not row["write_in"] else None,
                            "name": row["name"], "position": row["position"], "write_in": row["write_in"],
                            "votes": row["votes"], "outcome": row["outcome"],
                            "stations": [{"station": s["station"].pk, "votes": n}
                                         for s, n in zip(v.stations, row["stations"], strict=True)]}
                           for row in v.rows],
        })
    positions = []
    for p in state.positions:
        positions.append({
            "position": p.position, "seats": p.seats,
            "elected": [{"candidate": int(e.key) if e.key else None,
                         "person": people[int(e.key)].person_id if e.key and int(e.key) in people else None,
                         "name": e.name, "votes": e.votes, "round": e.round, "write_in": e.write_in}
                        for e in p.elected],
            "unfilled": p.seats - len(p.elected),
            "pending": p.pending,
        })
    if last is None:
        valid, reason = False, ("第1轮正在计票。" if state.open_round else "尚未开始计票。")
    else:
        valid, reason = bool(last_data.get("valid")), last_data.get("reason", "")
    return {
        "valid": valid,
        "reason": reason,
        "registered": figures.get("registered"),
        "voted": figures.get("ballots_returned"),
        "rounds": rounds,
        "positions": positions,
        "next_action": tally_rules.API_NEXT_ACTIONS[state.next_action],
        "open_round": ({"id": next(v.round.pk for v in view.rounds if v.round.number == state.open_round.number),
                        "number": state.open_round.number, "kind": state.open_round.kind}
                       if state.open_round else None),
        "vacancy_accepted": state.vacancy_accepted,
        "vacancy_reason": last_round.vacancy_reason if last_round is not None and state.vacancy_accepted else "",
        "announced_on": last.announced_on if last else None,
    }


def elected(election: Election) -> list[dict[str, Any]]:
    """Everyone elected so far, position by position in the order they were elected:
    ``{candidate (Candidate or None for a write-in), person (Person or None), name, position, votes, round (Round),
    write_in}``. For the results announcement, certificates and the handover."""
    state = standing(election)
    keys = [int(e.key) for p in state.positions for e in p.elected if e.key]
    candidates = {c.pk: c for c in Candidate.objects.filter(election=election, pk__in=keys).select_related("person")}
    rounds = {r.number: r for r in Round.objects.filter(election=election)}
    rows = []
    for p in state.positions:
        for e in p.elected:
            candidate = candidates.get(int(e.key)) if e.key else None
            rows.append({"candidate": candidate, "person": candidate.person if candidate else None, "name": e.name,
                         "position": p.position, "votes": e.votes, "round": rounds[e.round],
                         "write_in": e.write_in})
    return rows


def rounds_api(election: Election) -> list[dict[str, Any]]:
    """``GET /elections/{id}/rounds/``: each round with its positions (seats), its candidates and its tallies."""
    rows = []
    for v in counting_view(election=election).rounds:
        r = v.round
        rows.append({
            "id": r.pk, "number": r.number, "kind": r.kind, "revote_of": r.revote_of, "state": r.state,
            "registered": r.registered,
            "positions": [{"position": p, "seats": n} for p, n, _c in v.positions],
            "candidates": [{"id": rc.candidate_id, "name": rc.candidate.person.name, "position": rc.position}
                           for rc in v.candidates],
            "write_ins_allowed": ({p: list(names) for p, names in v.ballot.write_ins.items()}
                                  if v.ballot.write_ins is not None else None),
            "tallies": [{"station": t.station.pk, "name": t.station.name, "state": t.state} for t in v.tallies],
            "started_at": r.started_at, "counted_at": r.counted_at,
        })
    return rows


def comparison(*, tally: TallyView, ballot: tally_rules.Ballot) -> list[dict[str, Any]]:
    """The two entries side by side, row by row of the tally sheet, the differing ones flagged; empty until both
    have entered (before that, each author sees only their own)."""
    if not tally.both_entered:
        return []
    first, second = (stored_figures(e) for e in tally.entries[:2])
    differing = tally.differing_fields()
    fields = ["ballots_issued", "ballots_returned", "ballots_invalid"]
    if ballot.needs_present:
        fields.append("present")
    fields += [f"votes.{c.key}" for c in ballot.candidates]
    order = tally_rules.ordered_positions(ballot.seats)
    written = sorted({(w["position"], w["name"]) for entry in (first, second) for w in entry["write_ins"]},
                     key=lambda pn: (order.index(pn[0]) if pn[0] in ballot.seats else 99, pn[1]))
    fields += [f"write_ins.{p}.{n}" for p, n in written]

    def value(entry: dict[str, Any], name: str) -> Any:
        kind, _, rest = name.partition(".")
        if kind == "votes":
            return entry["votes"].get(rest)
        if kind == "write_ins":
            position, _, who = rest.partition(".")
            return next((w["count"] for w in entry["write_ins"] if w["position"] == position and w["name"] == who),
                        None)
        return entry.get(name)

    return [{"field": name, "label": tally_rules.field_label(name, ballot), "first": value(first, name),
             "second": value(second, name), "differs": name in differing} for name in fields]

"""Test data of counting: an election in the counting stage with its formal list, voters and stations, written
through the ORM; figures for tally entries."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from ballots.models import Station, Voter
from ballots.rules import tally as tally_rules
from candidates.models import Candidate
from elections.models import Election, Jurisdiction
from tests import factories

_seq = itertools.count(1)


def voters(election: Election, n: int) -> None:
    """``n`` active voters (a party election's members) with ID numbers unique across every test."""
    rows = []
    for _ in range(n):
        k = next(_seq)
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=k)
        rows.append(Voter(election=election, campaign=election.campaign, body=election.body, name=f"选民{k}",
                          id_number=factories.id_number(birth, seq=k % 1000), sex="male", birth_date=birth,
                          group="第一居民小组"))
    Voter.objects.bulk_create(rows)


def station(election: Election, name: str = "中心会场", kind: str = "central", order: int = 0) -> Station:
    return Station.objects.create(election=election, name=name, kind=kind, order=order)


RC_CANDIDATES = {"chair": ["王主任", "李主任"], "vice_chair": ["赵副主任", "钱副主任"],
                 "member": ["孙委员", "周委员", "吴委员"]}
RC_SEATS = {"chair": 1, "vice_chair": 1, "member": 2}


def counting_election(community: Jurisdiction, *, body: str = "residents_committee",
                      seats: dict[str, int] | None = None, candidates: dict[str, list[str]] | None = None,
                      registered: int = 100, stations: tuple[str, ...] = ("中心会场",), stage: str = "counting",
                      **kw: Any) -> Election:
    """An election in ``stage`` with a formal list (names per position), ``registered`` active voters and the
    named stations (the first is the central venue, the others polling stations)."""
    seats = dict(RC_SEATS if seats is None else seats)
    candidates = RC_CANDIDATES if candidates is None else candidates
    election = factories.election(community, body=body, seats=seats, stage=stage, **kw)
    for position, names in candidates.items():
        for name in names:
            factories.nominate(election, person=factories.nominee(community, name=name), position=position,
                               status="approved")
    factories.formal_list(election)
    voters(election, registered)
    for i, name in enumerate(stations):
        station(election, name, "central" if i == 0 else "station", order=i)
    return election


def by_name(election: Election) -> dict[str, Candidate]:
    return {c.person.name: c for c in Candidate.objects.filter(election=election).select_related("person")}


def figures(issued: int, returned: int | None = None, invalid: int = 0, *, votes: dict[Any, Any] | None = None,
            write_ins: list[tuple[str, str, int]] | tuple = (), present: Any = None,
            election: Election | None = None) -> tally_rules.Figures:
    """An entry: ``votes`` by Candidate, candidate id or (with ``election``) the candidate's name."""
    names = by_name(election) if election is not None else {}
    pairs = []
    for who, count in (votes or {}).items():
        if isinstance(who, Candidate):
            key = str(who.pk)
        elif isinstance(who, str) and who in names:
            key = str(names[who].pk)
        else:
            key = str(who)
        pairs.append((key, count))
    return tally_rules.Figures(
        ballots_issued=issued, ballots_returned=issued if returned is None else returned, ballots_invalid=invalid,
        present=present, votes=tuple(pairs),
        write_ins=tuple(tally_rules.WriteIn(name, position, count) for name, position, count in write_ins))

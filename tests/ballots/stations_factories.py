"""Builders for the stations and proxies tests: voters, stations and proxies written through the ORM (no checks,
no event); the tests of the services call the services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from ballots.models import Proxy, Round, RoundCandidate, Station, Tally, Voter
from candidates.rules import parse_id_number
from elections.models import Election
from tests import factories

_seq = itertools.count(1)


def voter(election: Election, name: str | None = None, id_number: str | None = None, group: str = "第一居民小组",
          status: str = "active", birth: dt.date = dt.date(1970, 3, 8)) -> Voter:
    n = next(_seq)
    number = id_number or factories.id_number(birth, seq=n % 1000, area=f"{340600 + n // 1000:06d}")
    info = parse_id_number(number)
    return Voter.objects.create(
        election=election, campaign=election.campaign, body=election.body, name=name or f"选民{n}",
        id_number=info.number, sex=info.sex, birth_date=info.birth_date, group=group, status=status)


def voters(election: Election, n: int, **kw: Any) -> list[Voter]:
    return [voter(election, **kw) for _ in range(n)]


def station(election: Election, name: str | None = None, kind: str = "station", supervisors: list[str] | None = None,
            **kw: Any) -> Station:
    return Station.objects.create(election=election, name=name or f"第{next(_seq)}投票站", kind=kind,
                                  supervisors=supervisors or [], **kw)


def proxy(giver: Voter, holder: Voter, written_on: dt.date = dt.date(2026, 1, 5), status: str = "active",
          **kw: Any) -> Proxy:
    return Proxy.objects.create(election=giver.election, voter=giver, holder=holder, written_on=written_on,
                                status=status, created_by=kw.pop("created_by", None) or factories.recorder(), **kw)


def tally(station_: Station, kind: str = "first") -> Tally:
    """A round (the first, or the next number) and an open tally of ``station_`` in it."""
    election = station_.election
    number = Round.objects.filter(election=election).count() + 1
    r = Round.objects.create(election=election, number=number, kind=kind, registered=100,
                             seats={s.position: s.count for s in election.seats.all()}, started_by=factories.recorder())
    return Tally.objects.create(round=r, station=station_)


def round_with(election: Election, candidates: list[Any], seats: dict[str, int], kind: str = "runoff") -> Round:
    number = Round.objects.filter(election=election).count() + 1
    r = Round.objects.create(election=election, number=number, kind=kind, registered=100, seats=seats,
                             started_by=factories.recorder())
    for i, c in enumerate(candidates, 1):
        RoundCandidate.objects.create(round=r, candidate=c, position=c.position, order=i)
    return r

"""Builders of the voter roll for tests, written through the ORM (no checks, no events)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from ballots.models import RollObjection, Voter, VoterRoll
from candidates.rules import parse_id_number
from tests import factories

_seq = itertools.count(1)
ELECTION_DAY = dt.date(2030, 1, 10)
LAST_DAY_TO_PUBLISH = dt.date(2029, 12, 21)  # election day − 20 days


def voter(election: Any, name: str | None = None, group: str = "1组", birth: dt.date = dt.date(1980, 5, 17),
          category: str = "resident", status: str = "active", id_number: str | None = None,
          source: str = "import") -> Voter:
    n = next(_seq)
    number = id_number or factories.id_number(birth, seq=n % 1000)
    info = parse_id_number(number)
    return Voter.objects.create(
        election=election, campaign_id=election.campaign_id, body=election.body, name=name or f"选民{n}",
        id_number=info.number, sex=info.sex, birth_date=info.birth_date, group=group, category=category,
        status=status, source=source, removed_reason="重复登记" if status == "removed" else "")


def voters(election: Any, count: int, group: str = "1组") -> list[Voter]:
    """``count`` active voters with distinct ID numbers, in one insert."""
    rows = []
    for _ in range(count):
        n = next(_seq)
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=n % 15000)
        info = parse_id_number(factories.id_number(birth, seq=n % 1000))
        rows.append(Voter(election=election, campaign_id=election.campaign_id, body=election.body, name=f"选民{n}",
                          id_number=info.number, sex=info.sex, birth_date=info.birth_date, group=group,
                          source="import"))
    return Voter.objects.bulk_create(rows)


def roll(election: Any, mode: str = "all", residents_total: int | None = None,
         published_on: dt.date | None = None) -> VoterRoll:
    row, _ = VoterRoll.objects.update_or_create(election=election, defaults={
        "mode": mode, "residents_total": residents_total, "published_on": published_on})
    return row


def objection(election: Any, raised_on: dt.date, kind: str = "omitted", subject_name: str = "李四",
              voter: Voter | None = None, decision: str = "", decided_on: dt.date | None = None,
              **kw: Any) -> RollObjection:
    return RollObjection.objects.create(
        election=election, raised_on=raised_on, raised_by=kw.pop("raised_by", "王五"), kind=kind,
        subject_name=subject_name, voter=voter, content=kw.pop("content", "应登记而未登记"), decision=decision,
        decision_text="经核实" if decision else "", decided_on=decided_on, created_by=factories.recorder(), **kw)


def voting(community: Any, **kw: Any) -> Any:
    """A residents' committee election in ``voting`` with the default election day 2030-01-10."""
    kw.setdefault("stage", "voting")
    kw.setdefault("election_day", ELECTION_DAY)
    return factories.election(community, **kw)

"""The voting stage (投票) and counting (计票) of the demo, entered through the services.

* 幸福 RC moves on to ``voting``: its voter list imported from a spreadsheet (a few bad rows reported and two
  duplicates held for the clerk), published; the central venue, two stations and a mobile box with only two
  supervisors (a blocker); a few written proxies.
* 光明 (both committees) voted ``today − 2`` (party) and ``today − 1`` (RC) and is counted: see ``Counting``.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

from openpyxl import Workbook

from ballots.models import Voter
from ballots.rules import tally as tally_rules
from ballots.services import counting, voter_import
from ballots.services import stations as station_services
from ballots.services import voters as voter_services
from elections import services
from elections.models import Election, User

from .common import DEMO_PASSWORD, GIVEN, SURNAMES, make_id

GROUPS = [f"第{n}居民小组" for n in range(1, 7)]


def voter_file(rng: random.Random, size: int, election_day: dt.date, *, bad: bool = True) -> bytes:
    """An .xlsx voter list as a community sends it: 姓名, 身份证号, 居民小组, 户籍类别 — with, when ``bad``, an ID
    number with a wrong check digit, a 17-year-old, a missing group and a person listed twice."""
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号码", "居民小组", "户籍类别"])
    seen: set[str] = set()
    rows: list[list[Any]] = []
    while len(rows) < size:
        birth = dt.date(rng.randint(1940, election_day.year - 19), rng.randint(1, 12), rng.randint(1, 28))
        number = make_id("340603", birth, rng.randint(0, 999))
        if number in seen:
            continue
        seen.add(number)
        category = rng.choices(["", "户在人不在", "流动人口"], weights=[90, 6, 4])[0]
        rows.append([rng.choice(SURNAMES) + rng.choice(GIVEN), number, rng.choice(GROUPS), category])
    if bad:
        broken = rows[7][1][:17] + ("0" if rows[7][1][17] != "0" else "1")
        rows[7] = [rows[7][0], broken, rows[7][2], ""]
        young = election_day.replace(year=election_day.year - 18) + dt.timedelta(days=1)
        rows[15] = [rows[15][0], make_id("340603", young, 13), rows[15][2], ""]
        rows[23][2] = ""
        rows.insert(40, list(rows[3]))
        rows.insert(60, list(rows[11]))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_roll(clerk: User, election: Election, content: bytes) -> None:
    """Import through the service and run the job now: the demo is loaded in one transaction, so the task
    queued on commit would run only after everything else (it then finds the job done and does nothing)."""
    job = voter_import.voter_import_start(actor=clerk, election=election, file_name="选民名单.xlsx", content=content)
    voter_import.voter_import_run(job.pk)


class Voting:
    def __init__(self, rng: random.Random, today: dt.date, clerk: User, street: User) -> None:
        self.rng, self.today, self.clerk, self.street = rng, today, clerk, street

    def ready_to_vote(self, election: Election) -> None:
        """幸福 RC in voting: roll imported and published, stations, proxies."""
        assert election.election_day is not None
        import_roll(self.clerk, election, voter_file(self.rng, 1200, election.election_day))
        voter_services.voter_list_publish(actor=self.clerk, election=election, published_on=self.today)
        self.stations(election, mobile_supervisors=["王建国", "李秀兰"])
        self.proxies(election, 5)

    def stations(self, election: Election, mobile_supervisors: list[str]) -> None:
        station_services.station_create(
            actor=self.clerk, election=election, name="中心会场", kind="central", location="社区党群服务中心一楼大厅",
            supervisors=["周明", "吴芳", "郑伟"], ballots_planned=600)
        station_services.station_create(
            actor=self.clerk, election=election, name="第一投票站", kind="station", location="幸福里小区物业活动室",
            supervisors=["孙强", "钱丽"], ballots_planned=350)
        station_services.station_create(
            actor=self.clerk, election=election, name="第二投票站", kind="station", location="幸福家园小区门岗旁",
            supervisors=["冯军", "陈静"], ballots_planned=300)
        station_services.station_create(
            actor=self.clerk, election=election, name="流动票箱", kind="mobile", location="行动不便的选民家中",
            supervisors=mobile_supervisors, ballots_planned=20)

    def proxies(self, election: Election, count: int) -> None:
        voters = list(Voter.objects.filter(election=election, status="active").order_by("id")[: count * 2 + 2])
        for k in range(count):
            giver, holder = voters[2 * k + 2], voters[2 * k + 3] if k != 1 else voters[3]
            if giver.pk == holder.pk:
                continue
            station_services.proxy_create(
                actor=self.clerk, election=election, voter=giver, holder=holder,
                written_on=self.today - dt.timedelta(days=self.rng.randint(1, 5)),
                reason=self.rng.choice(["外出务工", "住院治疗", "在外地照顾子女", "出差"]))


# Demo counts: per position, the totals of the ballot's candidates in ballot order (the rest get the last)
RC_FIRST = {"chair": [320, 120], "vice_chair": [280, 150], "member": [380, 350, 320, 300, 210, 190, 150]}
PARTY_FIRST = {"secretary": [44], "deputy_secretary": [42], "member": [43, 41, 40, 38, 36, 18, 12, 8]}


class Counting:
    """光明: the party committee voted (``today − 16``), counted, announced and moved on to handover; the
    residents' committee voted yesterday: the first vote filled every seat but one 委员, whose run-off has
    begun with one of its two entries typed in."""

    def __init__(self, rng: random.Random, today: dt.date, clerk: User, street: User, admin: User) -> None:
        self.rng, self.today, self.clerk, self.street = rng, today, clerk, street
        self.voting = Voting(rng, today, clerk, street)
        # the second pair of hands for the double entry (双人录入)
        self.teller = services.user_create(
            actor=admin, username="jipiao_guangming", password=DEMO_PASSWORD, full_name="光明社区计票员 何敏",
            role="community_clerk", jurisdiction=clerk.jurisdiction)

    def run(self, elections: dict[str, Election]) -> dict[str, Election]:
        rc, party = elections["residents_committee"], elections["party_committee"]
        assert rc.election_day is not None and party.election_day is not None
        import_roll(self.clerk, rc, voter_file(self.rng, 600, rc.election_day, bad=False))
        voter_services.voter_list_publish(actor=self.clerk, election=rc, published_on=rc.election_day - dt.timedelta(
            days=24))
        import_roll(self.clerk, party, voter_file(self.rng, 50, party.election_day, bad=False))
        station_services.station_create(actor=self.clerk, election=party, name="党员大会会场", kind="central",
                                        location="社区党群服务中心会议室", supervisors=["周明", "吴芳", "郑伟"])
        station_services.station_create(actor=self.clerk, election=rc, name="中心会场", kind="central",
                                        location="光明社区广场", supervisors=["孙强", "钱丽", "冯军"])
        station_services.station_create(actor=self.clerk, election=rc, name="第一投票站", kind="station",
                                        location="光明花园小区会所", supervisors=["陈静", "褚涛", "卫红"])
        party = services.election_advance(actor=self.clerk, election=party)
        rc = services.election_advance(actor=self.clerk, election=rc)
        # party: one venue, 46 of 50 members present
        self.count(party, PARTY_FIRST, [(46, 46, 0, 46)])
        counting.results_announce(actor=self.clerk, election=party, announced_on=party.election_day)
        party = services.election_advance(actor=self.clerk, election=party)
        # RC: 458 of 600 voted at two places; one 委员 seat short of a majority → run-off
        self.count(rc, RC_FIRST, [(300, 298, 4, None), (160, 160, 2, None)])
        runoff = counting.round_start(actor=self.clerk, election=rc)
        station = runoff.tallies.select_related("station").order_by("station__order", "station__id").first().station
        keys = [str(c.candidate_id) for c in runoff.candidates.order_by("position", "order", "id")]
        counting.tally_enter(actor=self.clerk, station=station, round=runoff, figures=tally_rules.Figures(
            ballots_issued=280, ballots_returned=279, ballots_invalid=3, votes=tuple(zip(keys, [168, 101], strict=True))))
        return {"residents_committee": rc, "party_committee": party}

    def count(self, election: Election, totals: dict[str, list[int]],
              stations: list[tuple[int, int, int, int | None]]) -> None:
        """Start the first round and have both tellers type every station's tally, split ~2:1 between places."""
        first = counting.round_start(actor=self.clerk, election=election)
        ballot = list(first.candidates.order_by("position", "order", "id"))
        tallies = list(first.tallies.select_related("station").order_by("station__order", "station__id"))
        remaining = {c.candidate_id: 0 for c in ballot}
        by_position: dict[str, int] = {}
        for c in ballot:
            wanted = totals[c.position]
            index = by_position.get(c.position, 0)
            remaining[c.candidate_id] = wanted[min(index, len(wanted) - 1)]
            by_position[c.position] = index + 1
        for k, (tally, (issued, returned, invalid, present)) in enumerate(zip(tallies, stations, strict=True)):
            last = k == len(tallies) - 1
            votes = []
            for c in ballot:
                share = remaining[c.candidate_id] if last else round(remaining[c.candidate_id] * 0.65)
                votes.append((str(c.candidate_id), share))
            if not last:
                for key, share in votes:
                    remaining[int(key)] -= share
            figures = tally_rules.Figures(ballots_issued=issued, ballots_returned=returned, ballots_invalid=invalid,
                                          present=present, votes=tuple(votes))
            for teller in (self.clerk, self.teller):
                counting.tally_enter(actor=teller, station=tally.station, round=first, figures=figures)

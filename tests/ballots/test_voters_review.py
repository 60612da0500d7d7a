"""Review of the voter roll, its import, proxies and their gates: bugs found, each pinned by a test.

1. Moving the election day (or raising ``min_voter_age``) after voters were registered left voters who are no
   longer of age on the roll, and nothing caught it: the roll now has a ``voting`` gate, ``voter_underage``.
2. An import whose election day changed while the job checked its rows stored the rows checked against the old
   day: the job now fails and stores nothing.
3. The error export of an import crashed (500) when the uploaded file's name held a character a worksheet title
   may not hold (``选民名单[终版].csv``).
"""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from ballots.models import Voter
from ballots.rules import roll as roll_rules
from ballots.services import voter_import
from candidates.rules import age_on
from elections import gates
from elections.models import Election
from tests import factories
from tests.ballots import voters_factories as vf
from tests.ballots.import_factories import adult_id, csv_bytes, media, people, run_import  # noqa: F401

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2029, 12, 1, 10, 0, tzinfo=SHANGHAI))


def underage(election):
    return [b for b in gates.blockers_for(election) if b.code == "voter_underage"]


# --------------------------------------------------------------------------------------------
# 1. Voters no longer of age on a moved election day
# --------------------------------------------------------------------------------------------


def test_moving_the_election_day_earlier_blocks_with_the_voters_now_under_age(org):
    election = vf.voting(org["community"], election_day=dt.date(2030, 1, 10))
    vf.voters(election, 2)
    young = vf.voter(election, name="王小明", birth=dt.date(2012, 1, 10))  # 18 on 2030-01-10 itself
    assert underage(election) == []

    election.election_day = dt.date(2030, 1, 9)  # the day before the 18th birthday
    election.save()
    [blocker] = underage(election)
    assert "王小明" in blocker.message and "17 周岁" in blocker.message and blocker.source and blocker.fix

    young.status = "removed"
    young.save()
    assert underage(election) == []


def test_a_raised_minimum_age_blocks_too(org):
    election = vf.voting(org["community"], election_day=dt.date(2030, 1, 10))
    vf.voter(election, name="李青", birth=dt.date(2011, 1, 10))  # 19 on election day
    assert underage(election) == []
    election.rule_overrides = {"min_voter_age": 20}
    election.save()
    assert [b.code for b in underage(election)] == ["voter_underage"]


@pytest.mark.parametrize(("day", "blocked"), [
    (dt.date(2030, 2, 28), True),  # a leap-day birth turns 18 on 1 March in a common year (candidates.rules.age_on)
    (dt.date(2030, 3, 1), False),
])
def test_a_leap_day_birth(org, day, blocked):
    election = vf.voting(org["community"], election_day=day)
    vf.voter(election, name="赵闰", birth=dt.date(2012, 2, 29))
    assert bool(underage(election)) is blocked


@pytest.mark.parametrize("day", [dt.date(2030, 2, 28), dt.date(2030, 3, 1), dt.date(2032, 2, 29),
                                 dt.date(2032, 3, 1), dt.date(2030, 1, 10), dt.date(2031, 12, 31)])
@pytest.mark.parametrize("min_age", [16, 18, 25])
def test_the_youngest_eligible_birth_agrees_with_age_on(day, min_age):
    cutoff = roll_rules.youngest_eligible_birth(day, min_age)
    assert age_on(cutoff, day) >= min_age
    assert age_on(cutoff + dt.timedelta(days=1), day) < min_age


def test_removed_voters_and_other_elections_do_not_count(org):
    election = vf.voting(org["community"], election_day=dt.date(2030, 1, 9))
    vf.voter(election, birth=dt.date(2012, 1, 10), status="removed")
    other = vf.voting(org["community"], election_day=dt.date(2031, 1, 9), body="supervision_committee")
    vf.voter(other, birth=dt.date(2012, 1, 10))
    assert underage(election) == [] and underage(other) == []


# --------------------------------------------------------------------------------------------
# 2. The election day changed while an import ran
# --------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("media")
def test_an_import_whose_election_day_moved_meanwhile_stores_nothing(org, users, monkeypatch):
    election = factories.election(org["community"], stage="voting", election_day=dt.date(2030, 1, 10))
    young = adult_id(7, dt.date(2012, 1, 10))  # 18 on 2030-01-10, 17 on 2030-01-09
    original = voter_import._registered

    def clerk_moves_the_day(*args, **kwargs):
        Election.objects.filter(pk=election.pk).update(election_day=dt.date(2030, 1, 9))
        return original(*args, **kwargs)

    monkeypatch.setattr(voter_import, "_registered", clerk_moves_the_day)
    job = run_import(users["community_clerk"], election,
                     csv_bytes(people(2) + [["王小明", young, "1组", ""]]), name="名单.csv")

    assert not Voter.objects.filter(election=election, id_number=young, status="active").exists()
    assert job.state == "failed" and "选举日" in job.message


# --------------------------------------------------------------------------------------------
# 3. The error export of a file with brackets in its name
# --------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("media")
def test_the_errors_export_of_a_file_named_with_brackets(client, org, users):
    election = factories.election(org["community"], stage="voting")
    job = run_import(users["community_clerk"], election, csv_bytes(people(1) + [["张三", "1", "1组", ""]]),
                     name="选民名单[终版]:2.csv")
    client.force_login(users["community_clerk"])

    response = client.get(f"/jobs/{job.pk}/?export=errors")

    assert response.status_code == 200
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    assert rows[0] == ["行号", "列", "问题"] and rows[1][0] == 3

"""The voter roll's gates to leave ``voting`` (residents' committee elections), through the elections app's
registry (``gates.blockers_for``) and the advance service."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ballots.stage_gates.voters import collect_roll
from elections import gates
from elections import services as election_services
from elections.errors import StageBlocked
from tests import factories
from tests.ballots import voters_factories as vf

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
ROLL_CODES = {"voter_list_missing", "voter_list_unpublished", "voter_list_late", "voter_objections_open",
              "voluntary_floor", "residents_total_missing"}


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2030, 1, 10, 18, 0, tzinfo=SHANGHAI))  # election day, after the vote


@pytest.fixture
def election(org):
    return vf.voting(org["community"])


def roll_codes(election):
    return sorted(b.code for b in gates.blockers_for(election) if b.code in ROLL_CODES)


def test_an_empty_unpublished_roll_blocks(election):
    assert roll_codes(election) == ["voter_list_missing", "voter_list_unpublished"]


def test_a_roll_published_exactly_twenty_days_before_passes(election):
    vf.voters(election, 3)
    vf.roll(election, published_on=dt.date(2029, 12, 21))
    assert roll_codes(election) == []


def test_a_roll_published_nineteen_days_before_blocks(election):
    vf.voters(election, 3)
    vf.roll(election, published_on=dt.date(2029, 12, 22))
    [blocker] = [b for b in gates.blockers_for(election) if b.code == "voter_list_late"]
    assert "仅 19 天" in blocker.message and blocker.source and blocker.fix


def test_open_objections_block_until_decided(election):
    vf.voters(election, 3)
    vf.roll(election, published_on=dt.date(2029, 12, 1))
    objection = vf.objection(election, raised_on=dt.date(2029, 12, 3))
    [blocker] = [b for b in gates.blockers_for(election) if b.code == "voter_objections_open"]
    assert "李四" in blocker.message and "已逾期" in blocker.message
    objection.decision, objection.decided_on = "dismissed", dt.date(2029, 12, 5)
    objection.save()
    assert roll_codes(election) == []


def test_the_voluntary_floor_exactly_forty_percent(election):
    vf.voters(election, 4)
    vf.roll(election, published_on=dt.date(2029, 12, 1), mode="voluntary", residents_total=10)
    assert roll_codes(election) == []
    vf.roll(election, published_on=dt.date(2029, 12, 1), mode="voluntary", residents_total=11)
    assert roll_codes(election) == ["voluntary_floor"]
    vf.roll(election, published_on=dt.date(2029, 12, 1), mode="voluntary", residents_total=None)
    assert roll_codes(election) == ["residents_total_missing"]


def test_the_rulebook_override_changes_the_lead(election):
    vf.voters(election, 3)
    vf.roll(election, published_on=dt.date(2029, 12, 21))
    election.rule_overrides = {"voter_list_lead_days": 25}
    election.save()
    assert roll_codes(election) == ["voter_list_late"]


def test_only_residents_committee_elections_have_these_gates(org):
    party = factories.election(org["community"], body="party_committee", stage="voting")
    assert roll_codes(party) == []


def test_the_gates_belong_to_voting_only(org):
    publicity = vf.voting(org["community"], stage="publicity")
    assert roll_codes(publicity) == []


def test_the_advance_service_is_refused_with_the_roll_blockers(election, users):
    with pytest.raises(StageBlocked) as exc:
        election_services.election_advance(actor=users["community_clerk"], election=election)
    codes = {b.code for b in exc.value.blockers}
    assert {"voter_list_missing", "voter_list_unpublished"} <= codes
    election.refresh_from_db()
    assert election.stage == "voting"


def test_the_collector_reads_many_elections_in_a_fixed_number_of_queries(org):
    def measure(n):
        elections = []
        for _ in range(n):
            e = vf.voting(org["community"])
            vf.voters(e, 2)
            vf.roll(e, published_on=dt.date(2029, 12, 1))
            vf.objection(e, raised_on=dt.date(2029, 12, 2))
            elections.append(e)
        from elections.models import Election

        fresh = list(Election.objects.filter(pk__in=[e.pk for e in elections]))
        with CaptureQueriesContext(connection) as ctx:
            facts = collect_roll(fresh)
        assert all(f.active == 2 and len(f.open_objections) == 1 for f in facts.values())
        return len(ctx.captured_queries)

    assert measure(2) == measure(6) == 4

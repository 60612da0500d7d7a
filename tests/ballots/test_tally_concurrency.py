"""Tally entries racing each other, on real PostgreSQL row locks (SQLite ignores SELECT … FOR UPDATE, so these
run only there; in CI they must)."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections

from ballots.models import Round, Tally, TallyEntry
from ballots.services import counting as services
from elections.errors import Conflict
from elections.models import Event
from tests import factories
from tests.ballots import counting_factories as cf
from tests.conftest import require

pytestmark = pytest.mark.postgres
SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST = {"王主任": 60, "李主任": 18, "赵副主任": 55, "钱副主任": 20, "孙委员": 50, "周委员": 45, "吴委员": 30}


@pytest.fixture(autouse=True)
def _election_evening(time_machine):
    time_machine.move_to(dt.datetime(2030, 1, 10, 18, 0, tzinfo=SHANGHAI))


def _in_thread(fn, outcomes: list[str]) -> threading.Thread:
    def run() -> None:
        try:
            fn()
            outcomes.append("ok")
        except Conflict as exc:
            outcomes.append(f"conflict: {exc.message}")
        except Exception as exc:  # noqa: BLE001 - reported through the list
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    return threading.Thread(target=run)


@pytest.fixture
def case(transactional_db):
    require(connection.vendor == "postgresql", f"row locks need PostgreSQL, not {connection.vendor}")
    org = factories.tree()
    people = {
        "clerk": factories.user("community_clerk", org["community"], "clerk"),
        "street": factories.user("street_staff", org["street"], "xi_staff"),
        "admin": factories.user("district_admin", org["district"], "qu_admin"),
    }
    election = cf.counting_election(org["community"], stations=("中心会场", "流动票箱"))
    r = services.round_start(actor=people["clerk"], election=election)
    return election, r, people


def _enter(election, r, station, actor, votes):
    def go() -> None:
        services.tally_enter(actor=actor, station=station, round=Round.objects.get(pk=r.pk),
                             figures=cf.figures(40, votes=votes, election=election))
    return go


def _race(*fns) -> list[str]:
    barrier, outcomes = threading.Barrier(len(fns)), []

    def waiting(fn):
        def go() -> None:
            barrier.wait()
            fn()
        return go

    threads = [_in_thread(waiting(fn), outcomes) for fn in fns]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


HALF = {k: v // 2 for k, v in FIRST.items()}
REST = {k: v - v // 2 for k, v in FIRST.items()}


def test_two_users_giving_the_second_entry_at_once_one_wins(case):
    election, r, people = case
    central = Tally.objects.get(round=r, station__name="中心会场")
    _enter(election, r, central.station, people["clerk"], HALF)()

    outcomes = _race(_enter(election, r, central.station, people["street"], HALF),
                     _enter(election, r, central.station, people["admin"], HALF))

    assert sorted(o.split(":")[0] for o in outcomes) == ["conflict", "ok"], outcomes
    tally = Tally.objects.get(pk=central.pk)
    assert tally.state == "reconciled"
    assert TallyEntry.objects.filter(tally=tally).count() == 2
    assert tally.version == 3  # open → entered → reconciled: no update lost, none made twice


def test_two_first_entries_at_once_are_compared_not_both_left_as_first(case):
    election, r, people = case
    central = Tally.objects.get(round=r, station__name="中心会场")

    outcomes = _race(_enter(election, r, central.station, people["clerk"], HALF),
                     _enter(election, r, central.station, people["street"], HALF))

    assert outcomes == ["ok", "ok"]
    tally = Tally.objects.get(pk=central.pk)
    assert (tally.state, TallyEntry.objects.filter(tally=tally).count()) == ("reconciled", 2)


def test_the_last_two_stations_reconciled_at_once_count_the_round_once(case):
    election, r, people = case
    central = Tally.objects.get(round=r, station__name="中心会场").station
    mobile = Tally.objects.get(round=r, station__name="流动票箱").station
    _enter(election, r, central, people["clerk"], HALF)()
    _enter(election, r, mobile, people["clerk"], REST)()

    outcomes = _race(_enter(election, r, central, people["street"], HALF),
                     _enter(election, r, mobile, people["admin"], REST))

    assert outcomes == ["ok", "ok"]
    counted = Round.objects.get(pk=r.pk)
    assert counted.state == "counted" and counted.result["figures"]["ballots_returned"] == 80
    assert Event.objects.filter(election=election, action="round.count").count() == 1

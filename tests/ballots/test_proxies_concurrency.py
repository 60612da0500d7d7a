"""Two clerks grant a holder's last proxies at the same moment, on real PostgreSQL row locks (SQLite ignores
SELECT … FOR UPDATE, so this runs only there; in CI it must): the holder ends at the limit, never above it."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from ballots.models import Proxy, Voter
from ballots.services import stations as services
from elections.errors import ApplicationError
from elections.models import Election
from tests import factories
from tests.ballots import stations_factories as sf
from tests.conftest import require

pytestmark = pytest.mark.postgres


def _in_thread(fn, errors: list[str], refused: list[str]) -> threading.Thread:
    def run() -> None:
        try:
            fn()
        except ApplicationError as exc:
            refused.append(exc.message)
        except Exception as exc:  # noqa: BLE001 - reported through the list
            errors.append(repr(exc))
        finally:
            connections.close_all()

    return threading.Thread(target=run)


@pytest.fixture
def case(transactional_db):
    require(connection.vendor == "postgresql", f"row locks need PostgreSQL, not {connection.vendor}")
    org = factories.tree()
    clerks = [factories.user("community_clerk", org["community"], f"clerk{i}") for i in range(2)]
    election = factories.election(org["community"], stage="voting", prepared=False,
                                  election_day=dt.date.today() + dt.timedelta(days=30))
    holder = sf.voter(election, "李四")
    for giver in sf.voters(election, 2):
        sf.proxy(giver, holder)
    return clerks, election, holder, sf.voters(election, 2)


def test_two_grants_at_once_never_pass_the_holders_limit(case):
    clerks, election, holder, givers = case
    barrier, errors, refused = threading.Barrier(2), [], []

    def grant(i: int):
        def go() -> None:
            e, v, h = (Election.objects.get(pk=election.pk), Voter.objects.get(pk=givers[i].pk),
                       Voter.objects.get(pk=holder.pk))
            barrier.wait()
            services.proxy_create(actor=clerks[i], election=e, voter=v, holder=h, written_on=dt.date.today(),
                                  reason="外出务工")
        return go

    threads = [_in_thread(grant(i), errors, refused) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(refused) == 1
    assert Proxy.objects.filter(holder=holder, status="active").count() == 3

"""Review of counting: scenarios across rounds where a wrong result could be produced."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ballots.selectors import counting as selectors
from ballots.services import counting as services
from elections.errors import ApplicationError
from tests.ballots import counting_factories as cf

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST = {"王主任": 60, "李主任": 18, "赵副主任": 55, "钱副主任": 20, "孙委员": 50, "周委员": 35, "吴委员": 30}


@pytest.fixture(autouse=True)
def _election_evening(time_machine):
    time_machine.move_to(dt.datetime(2030, 1, 10, 18, 0, tzinfo=SHANGHAI))


def enter(election, actor, r, votes, issued, write_ins=()):
    return services.tally_enter(actor=actor, station=r.tallies.get().station, round=r,
                                figures=cf.figures(issued, votes=votes, election=election, write_ins=write_ins))


def test_a_runoff_write_in_of_someone_already_elected_to_the_position_is_refused(org, users):
    """孙委员 won a member seat in the first vote; written in again in the run-off for the other member seat, the
    same person would hold both seats (the results showed member 2/2 filled by 孙委员 twice)."""
    clerk, street = users["community_clerk"], users["street_staff"]
    election = cf.counting_election(org["community"])
    r1 = services.round_start(actor=clerk, election=election)
    enter(election, clerk, r1, FIRST, 80)
    enter(election, street, r1, FIRST, 80)
    r2 = services.round_start(actor=clerk, election=election)
    assert (r2.kind, r2.seats) == ("runoff", {"member": 1})

    with pytest.raises(ApplicationError) as exc:
        enter(election, clerk, r2, {"周委员": 10, "吴委员": 5}, 70, write_ins=[("孙 委员", "member", 50)])

    assert "write_ins" in exc.value.errors and "已在前一轮当选" in exc.value.errors["write_ins"][0]
    enter(election, clerk, r2, {"周委员": 40, "吴委员": 5}, 70, write_ins=[("郑八", "member", 20)])
    enter(election, street, r2, {"周委员": 40, "吴委员": 5}, 70, write_ins=[("郑八", "member", 20)])
    member = next(p for p in selectors.results(election)["positions"] if p["position"] == "member")
    assert [e["name"] for e in member["elected"]] == ["孙委员", "周委员"]

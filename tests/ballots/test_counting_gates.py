"""The gates counting owns: the formal list published in time (voting) and, to leave counting, a round held,
every tally reconciled, the last round valid, the seats filled or the shortfall decided, the results announced.
Collected for many elections in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ballots.services import counting as services
from candidates.models import CandidateList
from elections import gates
from elections.models import Election
from tests import factories
from tests.ballots import counting_factories as cf

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST = {"王主任": 60, "李主任": 18, "赵副主任": 55, "钱副主任": 20, "孙委员": 50, "周委员": 45, "吴委员": 30}


@pytest.fixture(autouse=True)
def _election_evening(time_machine):
    time_machine.move_to(dt.datetime(2030, 1, 10, 18, 0, tzinfo=SHANGHAI))


def codes(election, prefix=""):
    return [b.code for b in gates.blockers_for(Election.objects.get(pk=election.pk)) if b.code.startswith(prefix)]


def blocker(election, code):
    return next(b for b in gates.blockers_for(Election.objects.get(pk=election.pk)) if b.code == code)


@pytest.mark.parametrize("body", ["residents_committee", "party_committee", "supervision_committee"])
def test_the_formal_list_must_be_published_three_days_before_election_day(org, body):
    election = factories.election(org["community"], body=body, stage="voting")
    assert codes(election, "candidate_list") == ["candidate_list_not_published"]

    CandidateList.objects.update_or_create(election=election, defaults={"published_on": dt.date(2030, 1, 8)})
    assert codes(election, "candidate_list") == ["candidate_list_published_late"]
    late = blocker(election, "candidate_list_published_late")
    assert "2030-01-07" in late.message and late.source and late.fix

    CandidateList.objects.filter(election=election).update(published_on=dt.date(2030, 1, 7))  # the 3rd day before
    assert codes(election, "candidate_list") == []


def enter_both(election, users, r, votes=FIRST, roles=("community_clerk", "street_staff"), **kw):
    station = r.tallies.get().station
    for role in roles:
        services.tally_enter(actor=users[role], station=station, round=r,
                             figures=cf.figures(kw.get("issued", 80), kw.get("returned"), votes=votes,
                                                election=election))


def test_counting_is_left_only_when_every_condition_holds(org, users):
    election = cf.counting_election(org["community"], stations=("中心会场", "流动票箱"))
    clerk = users["community_clerk"]
    assert codes(election) == ["no_round"]

    r = services.round_start(actor=clerk, election=election)
    central, mobile = [t.station for t in r.tallies.order_by("station__order")]
    services.tally_enter(actor=clerk, station=central, round=r,
                         figures=cf.figures(40, votes={k: v // 2 for k, v in FIRST.items()}, election=election))
    assert codes(election) == ["tallies_unreconciled", "results_not_announced"]
    unreconciled = blocker(election, "tallies_unreconciled")
    assert "中心会场（已录入一次）、流动票箱（待录入）" in unreconciled.message

    for station, share in ((central, lambda v: v // 2), (mobile, lambda v: v - v // 2)):
        for who in (clerk, users["street_staff"]):
            if who == clerk and station == central:
                continue
            services.tally_enter(actor=who, station=station, round=r,
                                 figures=cf.figures(40, votes={k: share(v) for k, v in FIRST.items()},
                                                    election=election))
    assert codes(election) == ["results_not_announced"]

    services.results_announce(actor=clerk, election=election, announced_on=dt.date(2030, 1, 10))
    assert codes(election) == []


def test_a_void_round_blocks_until_it_is_held_again(org, users):
    election = cf.counting_election(org["community"])
    r = services.round_start(actor=users["community_clerk"], election=election)
    enter_both(election, users, r, issued=80, returned=81)

    assert codes(election) == ["round_void", "results_not_announced"]
    void = blocker(election, "round_void")
    assert "收回 81 张" in void.message and "第十九条" in void.source


def test_a_pending_runoff_blocks_until_held_or_the_vacancy_is_accepted(org, users):
    election = cf.counting_election(org["community"])
    r = services.round_start(actor=users["community_clerk"], election=election)
    enter_both(election, users, r, dict(FIRST, 周委员=35, 吴委员=30))

    assert codes(election) == ["seats_unfilled", "results_not_announced"]
    assert "委员：尚缺 1 名，须另行选举" in blocker(election, "seats_unfilled").message

    services.vacancy_accept(actor=users["street_staff"], election=election, reason="经研究不再另行选举")
    assert codes(election) == ["results_not_announced"]


def test_a_pending_revote_blocks(org, users):
    election = cf.counting_election(org["community"])
    r = services.round_start(actor=users["community_clerk"], election=election)
    enter_both(election, users, r, dict(FIRST, 周委员=45, 吴委员=45))

    assert codes(election) == ["seats_unfilled", "results_not_announced"]
    assert "委员：吴委员、周委员 得票相等" in blocker(election, "seats_unfilled").message


def test_gates_read_many_elections_in_a_fixed_number_of_queries(org, users):
    def grow(n, start):
        made = []
        for i in range(start, start + n):
            community = factories.jurisdiction(f"计票社区{i}", "community", org["street"])
            election = cf.counting_election(community, registered=3)
            r = services.round_start(actor=users["street_staff"], election=election)
            if i % 2:
                enter_both(election, users, r, {k: 1 for k in FIRST}, roles=("street_staff", "district_admin"), issued=3)
            made.append(election)
        return made

    few = grow(2, 0)
    many = few + grow(6, 2)

    def count(elections):
        fresh = list(Election.objects.filter(pk__in=[e.pk for e in elections]).select_related("rulebook"))
        with CaptureQueriesContext(connection) as ctx:
            gates.evaluate(fresh)
        return len(ctx.captured_queries)

    assert count(few) == count(many)

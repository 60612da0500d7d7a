"""The voting gates stations and proxies own, through the registry: what blocks, where, and in how many queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ballots.stage_gates import stations as station_gates
from elections import gates
from tests import factories
from tests.ballots import stations_factories as sf

pytestmark = pytest.mark.django_db
OURS = {"stations_missing", "mobile_box_supervisors", "central_venue_only", "proxies_not_allowed",
        "proxy_limit_exceeded", "proxy_voter_removed"}


def codes(election) -> list[str]:
    return [b.code for b in gates.blockers_for(election) if b.code in OURS]


def test_the_gates_are_registered_for_voting():
    names = {g.name for g in gates.registered("voting")}
    assert {"stations", "proxies"} <= names


def test_no_polling_place_blocks_leaving_voting(org):
    e = factories.election(org["community"], stage="voting", prepared=False)
    assert codes(e) == ["stations_missing"]
    sf.station(e, "中心会场", kind="central")
    assert codes(e) == []


def test_an_understaffed_mobile_box_blocks_until_staffed(org):
    e = factories.election(org["community"], stage="voting", prepared=False)
    sf.station(e, "中心会场", kind="central")
    box = sf.station(e, "流动票箱一", kind="mobile", supervisors=["王一", "李二", "李二"])
    [blocker] = [b for b in gates.blockers_for(e) if b.code in OURS]
    assert blocker.code == "mobile_box_supervisors" and "流动票箱一（2 名）" in blocker.message
    box.supervisors = ["王一", "李二", "赵三"]
    box.save()
    assert codes(e) == []


def test_central_venue_only_in_a_by_election(org):
    by = factories.election(org["community"], kind="by_election", stage="voting", prepared=False, seats={"member": 1})
    sf.station(by, "中心会场", kind="central")
    sf.station(by, "第一投票站")
    [blocker] = [b for b in gates.blockers_for(by) if b.code in OURS]
    assert blocker.code == "central_venue_only" and "seed 001" in blocker.source
    general = factories.election(org["sibling"], stage="voting", prepared=False)
    sf.station(general, "中心会场", kind="central")
    sf.station(general, "第一投票站")
    assert codes(general) == []


def test_a_proxy_in_a_party_election_blocks(org):
    party = factories.election(org["community"], body="party_committee", stage="voting", prepared=False)
    sf.station(party, "党员大会会场", kind="central")
    assert codes(party) == []
    p = sf.proxy(sf.voter(party, "张三"), sf.voter(party, "李四"))
    blockers = [b for b in gates.blockers_for(party) if b.code in OURS]
    assert [b.code for b in blockers] == ["proxies_not_allowed"] and "张三委托李四" in blockers[0].message
    p.status = "revoked"
    p.save()
    assert codes(party) == []


def test_a_lowered_limit_and_a_removed_holder_block(org):
    e = factories.election(org["community"], stage="voting", prepared=False, rule_overrides={"proxy_limit": 2})
    sf.station(e, "中心会场", kind="central")
    holder = sf.voter(e, "李四")
    for giver in sf.voters(e, 3):
        sf.proxy(giver, holder)
    assert codes(e) == ["proxy_limit_exceeded"]
    holder.status = "removed"
    holder.save()
    assert codes(e) == ["proxy_limit_exceeded", "proxy_voter_removed"]


def test_other_stages_are_not_blocked_by_these_gates(org):
    e = factories.election(org["community"], stage="publicity", prepared=False)
    assert codes(e) == []


@pytest.mark.parametrize("collect", [station_gates.collect_stations, station_gates.collect_proxies])
def test_a_collector_reads_many_elections_in_one_query(org, collect):
    camp = factories.campaign(org["street"])
    elections = []
    for community in (org["community"], org["sibling"]):
        for body in ("residents_committee", "supervision_committee"):
            e = factories.election(community, camp=camp, body=body, stage="voting", prepared=False,
                                   seats={"member": 3})
            sf.station(e, "中心会场", kind="central")
            sf.station(e, "流动票箱", kind="mobile")
            sf.proxy(sf.voter(e), sf.voter(e))
            elections.append(e)
    elections = [type(e).objects.select_related("rulebook").get(pk=e.pk) for e in elections]

    with CaptureQueriesContext(connection) as one:
        collect(elections[:1])
    with CaptureQueriesContext(connection) as four:
        facts = collect(elections)

    assert len(one) == len(four) == 1
    assert set(facts) == {e.pk for e in elections}

"""The permission matrix of the stations and proxies services: service × role × (own / other jurisdiction).

Election workers (the community clerk, the street, the district office) set up stations and record proxies inside
their jurisdiction; a district reviewer never does; nobody acts outside their jurisdiction ("other" is the other
street's community for a street or community user, another district's for a district user). A refusal raises
PermissionDenied and leaves no row, no change and no event behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from ballots.models import Proxy, Station
from ballots.services import stations as services
from elections.models import Event
from tests import factories
from tests.ballots import stations_factories as sf

pytestmark = pytest.mark.django_db

USERS = ["superuser", "district_admin", "district_reviewer", "street_staff", "community_clerk"]
DISTRICT_LEVEL = {"district_admin", "district_reviewer"}
WORKERS = {"superuser", "district_admin", "street_staff", "community_clerk"}


class Place:
    def __init__(self, community: Any) -> None:
        self.community = community

    @cached_property
    def election(self) -> Any:
        return factories.election(self.community, stage="voting", prepared=False,
                                  election_day=dt.date(2030, 1, 10))

    @cached_property
    def station(self) -> Station:
        return sf.station(self.election, "第一投票站")

    @cached_property
    def proxy(self) -> Proxy:
        return sf.proxy(sf.voter(self.election), sf.voter(self.election))


Prepare = Callable[[Place], dict[str, Any]]
SERVICES: dict[str, tuple[Callable[..., Any], Prepare, set[str]]] = {
    "station_create": (services.station_create, lambda p: dict(election=p.election, name="中心会场", kind="central"),
                       WORKERS),
    "station_update": (services.station_update, lambda p: dict(station=p.station, supervisors=["王一", "李二"]),
                       WORKERS),
    "station_delete": (services.station_delete, lambda p: dict(station=p.station), WORKERS),
    "proxy_create": (services.proxy_create, lambda p: dict(
        election=p.election, voter=sf.voter(p.election), holder=sf.voter(p.election), written_on=dt.date(2029, 12, 18)),
        WORKERS),
    "proxy_revoke": (services.proxy_revoke, lambda p: dict(proxy=p.proxy, reason="委托人本人到场投票"), WORKERS),
}


def state() -> tuple:
    return (
        Station.objects.count(), Proxy.objects.count(), Event.objects.count(),
        tuple(Station.objects.order_by("pk").values_list("pk", "name", "supervisors")),
        tuple(Proxy.objects.order_by("pk").values_list("pk", "status", "revoked_reason")),
    )


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2029, 12, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))


@pytest.fixture
def actors(users):
    return {"superuser": factories.superuser(), **{who: users[who] for who in USERS if who != "superuser"}}


def place_for(org: dict, who: str, where: str) -> Place:
    if where == "own":
        return Place(org["community"])
    if who in DISTRICT_LEVEL:
        far = factories.jurisdiction("濉溪县", "district")
        return Place(factories.jurisdiction("南坪社区", "community", factories.jurisdiction("南坪镇", "street", far)))
    return Place(org["other_community"])


def allowed(who: str, where: str, service: str) -> bool:
    return who in SERVICES[service][2] and (where == "own" or who == "superuser")


@pytest.mark.parametrize("where", ["own", "other"])
@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("service", sorted(SERVICES))
def test_stations_permission_matrix(org, actors, service, who, where):
    actor, (function, prepare, _) = actors[who], SERVICES[service]
    kwargs = prepare(place_for(org, who, where))
    before = state()
    if allowed(who, where, service):
        function(actor=actor, **kwargs)
        assert Event.objects.filter(actor=actor).exists()
    else:
        with pytest.raises(PermissionDenied):
            function(actor=actor, **kwargs)
        assert state() == before


def test_the_matrix_means_what_the_brief_says():
    for service, (_, _, roles) in SERVICES.items():
        assert "district_reviewer" not in roles, service
        assert {"community_clerk", "street_staff", "district_admin", "superuser"} <= roles, service


def test_the_sibling_community_is_outside_a_clerks_jurisdiction_too(org, users):
    place = Place(org["sibling"])
    before = state()
    with pytest.raises(PermissionDenied):
        services.station_create(actor=users["community_clerk"], election=place.election, name="中心会场",
                                kind="central")
    assert state() == before
    # the street covers both of its communities
    services.station_create(actor=users["street_staff"], election=place.election, name="中心会场", kind="central")

"""/api/v1/elections/{id}/stations/: list, create, PATCH, DELETE; scope (404), roles (403), stages (409)."""

from __future__ import annotations

import pytest

from ballots.models import Station
from elections.models import Event
from tests import factories
from tests.ballots import stations_factories as sf
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def rc(org):
    return factories.election(org["community"], stage="voting", prepared=False)


@pytest.fixture
def clerk(users):
    return api_as(users["community_clerk"])


def url(election, station=None):
    base = f"/api/v1/elections/{election.pk}/stations/"
    return f"{base}{station.pk}/" if station is not None else base


def test_create_and_list_stations(rc, clerk):
    response = clerk.post(url(rc), {"name": "流动票箱一", "kind": "mobile", "location": "三组",
                                    "supervisors": ["王一", "李二", "王一", ""], "ballots_planned": 40}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {"id", "name", "kind", "location", "supervisors", "ballots_planned"} <= set(body)
    assert body["supervisors"] == ["王一", "李二"]
    assert body["supervisors_missing"] == 1
    assert Event.objects.filter(election=rc, action="station.create").count() == 1

    listed = clerk.get(url(rc)).json()
    assert [s["name"] for s in listed["results"]] == ["流动票箱一"]


def test_create_refusals_are_400_with_the_field(rc, clerk):
    sf.station(rc, "中心会场", kind="central")
    response = clerk.post(url(rc), {"name": "分会场", "kind": "central"}, format="json")
    assert response.status_code == 400
    assert "kind" in response.json()["errors"] and response.json()["detail"]
    response = clerk.post(url(rc), {"name": "x", "kind": "booth"}, format="json")
    assert response.status_code == 400 and "kind" in response.json()["errors"]
    assert Station.objects.filter(election=rc).count() == 1


def test_patch_changes_only_what_is_given(rc, clerk):
    s = sf.station(rc, "流动票箱一", kind="mobile", supervisors=["王一"], location="三组", ballots_planned=30)
    response = clerk.patch(url(rc, s), {"supervisors": ["王一", "李二", "赵三"]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["supervisors_missing"] == 0
    s.refresh_from_db()
    assert (s.location, s.ballots_planned, s.supervisors) == ("三组", 30, ["王一", "李二", "赵三"])


def test_delete_and_the_tally_conflict(rc, clerk):
    free, counted = sf.station(rc, "第一投票站"), sf.station(rc, "第二投票站")
    sf.tally(counted)
    assert clerk.delete(url(rc, free)).status_code == 204
    response = clerk.delete(url(rc, counted))
    assert response.status_code == 409 and "计票" in response.json()["detail"]
    assert list(Station.objects.filter(election=rc).values_list("name", flat=True)) == ["第二投票站"]


def test_scope_roles_and_stage(org, rc, users):
    other = factories.election(org["other_community"], stage="voting", prepared=False)
    s = sf.station(other, "中心会场", kind="central")
    clerk = api_as(users["community_clerk"])
    assert clerk.get(url(other)).status_code == 404
    assert clerk.patch(url(other, s), {"location": "x"}, format="json").status_code == 404
    assert clerk.patch(url(rc, s), {"location": "x"}, format="json").status_code == 404  # not this election's
    reviewer = api_as(users["district_reviewer"])
    assert reviewer.get(url(rc)).status_code == 200
    assert reviewer.post(url(rc), {"name": "中心会场", "kind": "central"}, format="json").status_code == 403
    counting = factories.election(org["sibling"], stage="counting", prepared=False)
    response = api_as(users["street_staff"]).post(url(counting), {"name": "中心会场", "kind": "central"},
                                                  format="json")
    assert response.status_code == 409
    assert not Station.objects.filter(election__in=[rc, counting]).exists()


def test_the_schema_lists_the_endpoints(client, users):
    client.force_login(users["district_admin"])
    text = client.get("/api/schema/").content.decode()
    for path in ["/api/v1/elections/{election_pk}/stations/", "/api/v1/elections/{election_pk}/stations/{id}/",
                 "/api/v1/elections/{election_pk}/proxies/", "/api/v1/proxies/{id}/revoke/"]:
        assert path in text, path

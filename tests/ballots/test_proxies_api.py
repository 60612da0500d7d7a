"""/api/v1/elections/{id}/proxies/ and /api/v1/proxies/{id}/: grants (400 past the holder's limit, for oneself, for
a non-voter, in a party election), filters, revocation, scope."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ballots.models import Proxy
from elections.models import Event
from tests import factories
from tests.ballots import stations_factories as sf
from tests.conftest import api_as

pytestmark = pytest.mark.django_db
TODAY = "2029-12-20"


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2029, 12, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))


@pytest.fixture
def rc(org):
    return factories.election(org["community"], stage="voting", prepared=False)


@pytest.fixture
def clerk(users):
    return api_as(users["community_clerk"])


def url(election):
    return f"/api/v1/elections/{election.pk}/proxies/"


def post(client, election, voter, holder, **extra):
    body = {"voter": voter if isinstance(voter, int) else voter.pk,
            "holder": holder if isinstance(holder, int) else holder.pk, "written_on": TODAY, **extra}
    return client.post(url(election), body, format="json")


def test_grant_a_proxy(rc, clerk):
    giver, holder = sf.voter(rc, "张三"), sf.voter(rc, "李四")
    response = post(clerk, rc, giver, holder, reason="外出务工")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {k: body[k] for k in ("voter", "holder", "written_on", "reason", "status")} == {
        "voter": giver.pk, "holder": holder.pk, "written_on": TODAY, "reason": "外出务工", "status": "active"}
    assert (body["voter_name"], body["holder_name"]) == ("张三", "李四")
    assert giver.id_number not in response.content.decode()


def test_400_past_the_holders_limit(rc, clerk):
    holder = sf.voter(rc, "李四")
    for giver in sf.voters(rc, 3):
        assert post(clerk, rc, giver, holder).status_code == 201
    response = post(clerk, rc, sf.voter(rc), holder)
    assert response.status_code == 400
    assert "不得超过 3 人" in response.json()["errors"]["holder"][0]
    assert Proxy.objects.filter(holder=holder).count() == 3


def test_400_for_oneself_and_for_a_non_voter(org, rc, clerk):
    me = sf.voter(rc, "张三")
    response = post(clerk, rc, me, me)
    assert response.status_code == 400 and "holder" in response.json()["errors"]
    other = factories.election(org["sibling"], camp=rc.campaign, stage="voting", prepared=False)
    response = post(clerk, rc, me, sf.voter(other))
    assert response.status_code == 400 and "登记选民" in response.json()["errors"]["holder"][0]
    response = post(clerk, rc, 999999, me)
    assert response.status_code == 400 and "voter" in response.json()["errors"]
    assert not Proxy.objects.exists()


def test_400_in_a_party_election(org, users):
    party = factories.election(org["community"], body="party_committee", stage="voting", prepared=False)
    response = post(api_as(users["community_clerk"]), party, sf.voter(party), sf.voter(party))
    assert response.status_code == 400
    assert response.json()["detail"] == "党组织选举不办理委托投票。"


def test_400_on_a_missing_date(rc, clerk):
    response = clerk.post(url(rc), {"voter": sf.voter(rc).pk, "holder": sf.voter(rc).pk}, format="json")
    assert response.status_code == 400 and "written_on" in response.json()["errors"]


def test_list_with_filters(rc, clerk):
    a, b = sf.voter(rc, "李四"), sf.voter(rc, "周八")
    sf.proxy(sf.voter(rc, "张三"), a)
    sf.proxy(sf.voter(rc, "王五"), a, status="revoked")
    sf.proxy(sf.voter(rc, "赵六"), b)
    every = clerk.get(url(rc)).json()["results"]
    assert len(every) == 3 and every[-1]["status"] == "revoked"
    assert {p["voter_name"] for p in clerk.get(url(rc), {"holder": a.pk}).json()["results"]} == {"张三", "王五"}
    assert [p["voter_name"] for p in clerk.get(url(rc), {"status": "active", "holder": a.pk}).json()["results"]] == [
        "张三"]
    assert [p["voter_name"] for p in clerk.get(url(rc), {"q": "赵六"}).json()["results"]] == ["赵六"]
    assert [p["holder_name"] for p in clerk.get(url(rc), {"q": "周八"}).json()["results"]] == ["周八"]
    assert clerk.get(url(rc), {"holder": "x"}).status_code == 400


def test_revoke_by_post_and_by_delete(rc, clerk):
    first = sf.proxy(sf.voter(rc), sf.voter(rc))
    second = sf.proxy(sf.voter(rc), sf.voter(rc))
    response = clerk.post(f"/api/v1/proxies/{first.pk}/revoke/", {"reason": "委托人本人到场投票"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    assert response.json()["revoked_reason"] == "委托人本人到场投票"
    assert clerk.post(f"/api/v1/proxies/{first.pk}/revoke/", {"reason": "again"}, format="json").status_code == 409
    assert clerk.post(f"/api/v1/proxies/{second.pk}/revoke/", {}, format="json").status_code == 400
    assert clerk.delete(f"/api/v1/proxies/{second.pk}/").status_code == 400  # no reason
    assert clerk.delete(f"/api/v1/proxies/{second.pk}/?reason=书面撤回").status_code == 204
    assert list(Proxy.objects.order_by("pk").values_list("status", flat=True)) == ["revoked", "revoked"]
    assert Event.objects.filter(action="proxy.revoke").count() == 2


def test_scope(org, rc, users):
    other = factories.election(org["other_community"], stage="voting", prepared=False)
    p = sf.proxy(sf.voter(other), sf.voter(other))
    clerk = api_as(users["community_clerk"])
    assert clerk.get(url(other)).status_code == 404
    assert clerk.get(f"/api/v1/proxies/{p.pk}/").status_code == 404
    assert clerk.post(f"/api/v1/proxies/{p.pk}/revoke/", {"reason": "x"}, format="json").status_code == 404
    reviewer = api_as(users["district_reviewer"])
    assert reviewer.get(f"/api/v1/proxies/{p.pk}/").status_code == 200
    assert reviewer.post(f"/api/v1/proxies/{p.pk}/revoke/", {"reason": "x"}, format="json").status_code == 403
    p.refresh_from_db()
    assert p.status == "active"

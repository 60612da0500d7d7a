"""The handover API: /elections/{id}/handover/ (took office, deadline) and /elections/{id}/handover-items/ with
PATCH and DELETE (with a reason); 404 outside the caller's jurisdiction; the flow to closed, or 409."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from elections.models import Event, HandoverItem
from tests import factories
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
ITEM_FIELDS = {"id", "kind", "description", "handed_by", "received_by", "witness", "done_on", "version",
               "complete", "missing", "late"}


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 12, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def election(org):
    return factories.election(org["community"], stage="handover", prepared=False)


@pytest.fixture
def clerk(users):
    return api_as(users["community_clerk"])


def url(election, rest=""):
    return f"/api/v1/elections/{election.pk}/handover-items/{rest}"


def post(client, election, **kw):
    body = {"kind": "seal", "description": "居委会公章", "handed_by": "老主任", "received_by": "新主任",
            "witness": "街道干部", "done_on": "2026-03-10", **kw}
    return client.post(url(election), body, format="json")


def test_took_office_and_the_deadline(clerk, election):
    response = clerk.get(f"/api/v1/elections/{election.pk}/handover/")
    assert response.status_code == 200
    assert response.json() == {"took_office_on": None, "deadline": None, "handover_days": 10, "delay_note": ""}
    response = clerk.put(f"/api/v1/elections/{election.pk}/handover/", {"took_office_on": "2026-03-01"},
                         format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["deadline"] == "2026-03-11"
    bad = clerk.put(f"/api/v1/elections/{election.pk}/handover/", {"took_office_on": "2026-04-01"}, format="json")
    assert bad.status_code == 400 and "took_office_on" in bad.json()["errors"]


def test_create_list_patch_delete(clerk, election):
    created = post(clerk, election)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert set(body) == ITEM_FIELDS and body["complete"] is True and body["version"] == 1
    unsigned = post(clerk, election, kind="archive", description="档案 12 盒", witness="", done_on=None)
    assert unsigned.json()["missing"] == ["witness", "done_on"]
    listed = clerk.get(url(election)).json()
    assert listed["count"] == 2 and [r["kind"] for r in listed["results"]] == ["seal", "archive"]

    item = unsigned.json()["id"]
    patched = clerk.patch(url(election, f"{item}/"), {"witness": "街道干部", "done_on": "2026-03-11"}, format="json")
    assert patched.status_code == 200 and patched.json()["complete"] and patched.json()["version"] == 2
    stale = clerk.patch(url(election, f"{item}/"), {"witness": "别人"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 409
    assert HandoverItem.objects.get(pk=item).witness == "街道干部"

    no_reason = clerk.delete(url(election, f"{item}/"))
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    gone = clerk.delete(url(election, f"{item}/"), {"reason": "重复登记"}, format="json")
    assert gone.status_code == 204 and not HandoverItem.objects.filter(pk=item).exists()
    assert Event.objects.filter(action="handover_item.delete", election=election).count() == 1


def test_bad_input_is_400_per_field(clerk, election):
    response = post(clerk, election, description="", received_by="老主任", kind="car")
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]
    response = post(clerk, election, description="", received_by="老主任")
    assert {"description", "received_by"} <= set(response.json()["errors"])
    assert "请写明" in response.json()["errors"]["description"][0]


def test_outside_the_jurisdiction_is_404(users, election):
    item = HandoverItem.objects.create(election=election, kind="seal", description="公章",
                                       recorded_by=users["community_clerk"])
    other = api_as(users["other_clerk"])
    assert other.get(url(election)).status_code == 404
    assert post(other, election).status_code == 404
    assert other.patch(url(election, f"{item.pk}/"), {"witness": "x"}, format="json").status_code == 404
    assert other.delete(url(election, f"{item.pk}/"), {"reason": "x"}, format="json").status_code == 404
    assert other.get(f"/api/v1/elections/{election.pk}/handover/").status_code == 404
    # an item of another election under this one's URL is not found either
    second = factories.election(users["other_clerk"].jurisdiction, stage="handover", prepared=False)
    assert api_as(users["community_clerk"]).get(url(second)).status_code == 404


def test_a_reviewer_may_read_but_not_write(users, election):
    reviewer = api_as(users["district_reviewer"])
    assert reviewer.get(url(election)).status_code == 200
    assert post(reviewer, election).status_code == 403
    assert not HandoverItem.objects.exists()


def test_outside_the_handover_stage_is_409(clerk, org):
    counting = factories.election(org["community"], stage="counting", prepared=False)
    assert post(clerk, counting).status_code == 409
    assert clerk.put(f"/api/v1/elections/{counting.pk}/handover/", {"took_office_on": "2026-03-01"},
                     format="json").status_code == 409


def test_advance_to_closed_is_409_with_every_blocker_then_succeeds(clerk, election):
    refused = clerk.post(f"/api/v1/elections/{election.pk}/advance/", {}, format="json")
    assert refused.status_code == 409
    assert {b["code"] for b in refused.json()["blocked_by"]} == {"took_office_missing", "handover_items_missing"}
    assert all(b["message"] and b["source"] and b["fix"] for b in refused.json()["blocked_by"])
    clerk.put(f"/api/v1/elections/{election.pk}/handover/", {"took_office_on": "2026-03-01"}, format="json")
    for kind in ("seal", "archive", "assets", "premises"):
        assert post(clerk, election, kind=kind, description=f"{kind} 清单").status_code == 201
    gates = clerk.get(f"/api/v1/elections/{election.pk}/gates/").json()
    assert gates == {"stage": "handover", "next": "closed", "blocked_by": []}
    moved = clerk.post(f"/api/v1/elections/{election.pk}/advance/", {}, format="json")
    assert moved.status_code == 200 and moved.json()["stage"] == "closed"


def test_the_schema_documents_the_handover_paths(clerk):
    schema = clerk.get("/api/schema/").content.decode()
    assert "/api/v1/elections/{election_pk}/handover-items/" in schema
    assert "/api/v1/elections/{id}/handover/" in schema

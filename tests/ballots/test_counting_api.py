"""The counting API: rounds, a station's tally entered twice (If-Match, differences, 409s, 400s), reopening it,
the results, the announcement and the vacancy; 404 outside the caller's jurisdiction."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ballots.models import Round, TallyEntry
from elections.models import Event
from tests.ballots import counting_factories as cf
from tests.conftest import api_as

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST = {"王主任": 60, "李主任": 18, "赵副主任": 55, "钱副主任": 20, "孙委员": 50, "周委员": 45, "吴委员": 30}


@pytest.fixture(autouse=True)
def _election_evening(time_machine):
    time_machine.move_to(dt.datetime(2030, 1, 10, 18, 0, tzinfo=SHANGHAI))


@pytest.fixture
def rc(org):
    return cf.counting_election(org["community"])


@pytest.fixture
def clerk(users):
    return api_as(users["community_clerk"])


@pytest.fixture
def street(users):
    return api_as(users["street_staff"])


def start(client, election):
    response = client.post(f"/api/v1/elections/{election.pk}/rounds/")
    assert response.status_code == 201, response.content
    return response.json()


def body(r, votes=None, issued=80, returned=None, invalid=0, **extra):
    ids = {c["name"]: c["id"] for c in r["candidates"]}
    return {"ballots_issued": issued, "ballots_returned": issued if returned is None else returned,
            "ballots_invalid": invalid, "votes": [{"candidate": ids[n], "count": v} for n, v in (votes or FIRST).items()],
            "write_ins": [], **extra}


def tally_url(r):
    return f"/api/v1/stations/{r['tallies'][0]['station']}/rounds/{r['id']}/tally/"


def test_rounds_are_listed_and_started(clerk, rc):
    assert clerk.get(f"/api/v1/elections/{rc.pk}/rounds/").json() == []

    r = start(clerk, rc)

    assert (r["number"], r["kind"], r["state"], r["registered"]) == (1, "first", "open", 100)
    assert r["positions"] == [{"position": "chair", "seats": 1}, {"position": "vice_chair", "seats": 1},
                              {"position": "member", "seats": 2}]
    assert [c["name"] for c in r["candidates"] if c["position"] == "chair"] == ["王主任", "李主任"]
    assert r["tallies"] == [{"station": rc.stations.get().pk, "name": "中心会场", "state": "open"}]
    listed = clerk.get(f"/api/v1/elections/{rc.pk}/rounds/").json()
    assert [x["id"] for x in listed] == [r["id"]]
    again = clerk.post(f"/api/v1/elections/{rc.pk}/rounds/")
    assert again.status_code == 409 and "尚未计票完毕" in again.json()["detail"]


def test_put_by_two_users_reconciles(clerk, street, rc):
    r = start(clerk, rc)
    url = tally_url(r)

    first = clerk.put(url, body(r), format="json")
    assert first.status_code == 200, first.content
    data = first.json()
    assert (data["state"], data["entry"]["version"], first["ETag"]) == ("entered", 1, '"1"')
    assert data["figures"] is None
    peek = street.get(url).json()
    assert peek["entry"] is None and peek["differences"] == [] and peek["figures"] is None
    assert [e["entered_by_name"] for e in peek["entries"]] == ["用户community_clerk"]
    assert "votes" not in peek["entries"][0]  # the first entry's figures stay hidden

    second = street.put(url, body(r), format="json").json()

    assert second["state"] == "reconciled" and second["figures"]["ballots_issued"] == 80
    assert Round.objects.get().state == "counted"
    results = clerk.get(f"/api/v1/elections/{rc.pk}/results/").json()
    assert results["valid"] is True and (results["registered"], results["voted"]) == (100, 80)
    member = next(p for p in results["positions"] if p["position"] == "member")
    assert [(e["name"], e["votes"], e["round"]) for e in member["elected"]] == [("孙委员", 50, 1), ("周委员", 45, 1)]
    assert member["elected"][0]["candidate"] == cf.by_name(rc)["孙委员"].pk
    assert member["elected"][0]["person"] == cf.by_name(rc)["孙委员"].person_id
    round_data = results["rounds"][0]
    assert round_data["result"]["next_action"] == "none"
    assert round_data["stations"][0]["figures"]["ballots_returned"] == 80
    wang = next(c for c in round_data["candidates"] if c["name"] == "王主任")
    assert (wang["votes"], wang["outcome"], wang["stations"]) == (60, "elected",
                                                                  [{"station": rc.stations.get().pk, "votes": 60}])
    assert any("当选" in line for line in round_data["result"]["positions"][0]["explanation"])


def test_differences_are_given_as_yours_and_theirs(clerk, street, rc):
    r = start(clerk, rc)
    url = tally_url(r)
    clerk.put(url, body(r), format="json")

    mine = street.put(url, body(r, dict(FIRST, 吴委员=31), invalid=1), format="json").json()

    wu = cf.by_name(rc)["吴委员"].pk
    assert mine["state"] == "differs"
    assert [(d["field"], d["yours"], d["theirs"]) for d in mine["differences"]] == [
        ("ballots_invalid", 1, 0), (f"votes.{wu}", 31, 30)]
    theirs = clerk.get(url).json()
    assert [(d["field"], d["yours"], d["theirs"]) for d in theirs["differences"]] == [
        ("ballots_invalid", 0, 1), (f"votes.{wu}", 30, 31)]


def test_a_stale_if_match_is_a_conflict_and_a_current_one_corrects(clerk, street, rc):
    r = start(clerk, rc)
    url = tally_url(r)
    clerk.put(url, body(r), format="json")
    street.put(url, body(r, issued=81, votes=FIRST), format="json")

    stale = street.put(url, body(r), format="json", HTTP_IF_MATCH='"0"')
    assert stale.status_code == 409 and "第 1 版" in stale.json()["detail"]
    again = street.put(url, body(r), format="json")  # no version: not a second entry of one's own
    assert again.status_code == 409

    fixed = street.put(url, body(r), format="json", HTTP_IF_MATCH='"1"')

    assert fixed.status_code == 200 and fixed["ETag"] == '"2"'
    assert fixed.json()["state"] == "reconciled"
    locked = clerk.put(url, body(r, version=1), format="json")
    assert locked.status_code == 409 and "重新开放" in locked.json()["detail"]


def test_bad_figures_are_400_by_field(clerk, rc):
    r = start(clerk, rc)
    url = tally_url(r)
    sun = cf.by_name(rc)["孙委员"].pk

    response = clerk.put(url, body(r, dict(FIRST, 孙委员=-5), invalid=81), format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "ballots_invalid" in errors and f"votes.{sun}" in errors
    typed = clerk.put(url, {**body(r), "ballots_issued": "many"}, format="json")
    assert typed.status_code == 400 and "ballots_issued" in typed.json()["errors"]
    missing = clerk.put(url, {**body(r), "votes": body(r)["votes"][1:]}, format="json")
    assert missing.status_code == 400 and any(k.startswith("votes.") for k in missing.json()["errors"])
    assert not TallyEntry.objects.exists()


def test_more_returned_than_issued_is_accepted_with_a_warning(clerk, rc):
    r = start(clerk, rc)

    data = clerk.put(tally_url(r), body(r, issued=80, returned=81), format="json").json()

    assert data["state"] == "entered" and "无效" in data["warnings"][0]


def test_reopen_is_the_streets(clerk, street, rc):
    r = start(clerk, rc)
    url = tally_url(r)
    clerk.put(url, body(r), format="json")
    street.put(url, body(r), format="json")

    assert clerk.post(url + "reopen/", {"reason": "复核"}, format="json").status_code == 403
    blank = street.post(url + "reopen/", {"reason": ""}, format="json")
    assert blank.status_code == 400 and "reason" in blank.json()["errors"]
    reopened = street.post(url + "reopen/", {"reason": "复核原始计票单"}, format="json")

    assert reopened.status_code == 200 and reopened.json()["state"] == "reopened"
    assert Round.objects.get().state == "open"
    assert Event.objects.filter(action="tally.reopen").count() == 1


def test_runoff_started_through_the_api_carries_the_candidates(clerk, street, rc):
    r = start(clerk, rc)
    url = tally_url(r)
    short = dict(FIRST, 周委员=35, 吴委员=30)
    clerk.put(url, body(r, short), format="json")
    street.put(url, body(r, short), format="json")
    assert clerk.get(f"/api/v1/elections/{rc.pk}/results/").json()["next_action"] == "runoff"
    no_vacancy = clerk.post(f"/api/v1/elections/{rc.pk}/vacancy/", {"reason": "不再选"}, format="json")
    assert no_vacancy.status_code == 403

    runoff = start(clerk, rc)

    assert (runoff["kind"], runoff["positions"]) == ("runoff", [{"position": "member", "seats": 1}])
    assert sorted(c["name"] for c in runoff["candidates"]) == ["吴委员", "周委员"]


def test_vacancy_and_announcement(clerk, street, rc):
    r = start(clerk, rc)
    url = tally_url(r)
    short = dict(FIRST, 周委员=35, 吴委员=30)
    clerk.put(url, body(r, short), format="json")
    street.put(url, body(r, short), format="json")
    early = clerk.post(f"/api/v1/elections/{rc.pk}/results/announce/", {"announced_on": "2030-01-10"}, format="json")
    assert early.status_code == 409

    vacant = street.post(f"/api/v1/elections/{rc.pk}/vacancy/", {"reason": "经研究不再另行选举"}, format="json")
    assert vacant.status_code == 200, vacant.content
    assert vacant.json()["vacancy_accepted"] is True and vacant.json()["next_action"] == "none"
    bad = clerk.post(f"/api/v1/elections/{rc.pk}/results/announce/", {"announced_on": "10/01/2030"}, format="json")
    assert bad.status_code == 400 and "announced_on" in bad.json()["errors"]
    done = clerk.post(f"/api/v1/elections/{rc.pk}/results/announce/", {"announced_on": "2030-01-10"}, format="json")

    assert done.status_code == 200 and done.json()["announced_on"] == "2030-01-10"


def test_a_void_round_is_revote_all(clerk, street, rc):
    r = start(clerk, rc)
    url = tally_url(r)
    clerk.put(url, body(r, issued=80, returned=81), format="json")
    street.put(url, body(r, issued=80, returned=81), format="json")

    results = clerk.get(f"/api/v1/elections/{rc.pk}/results/").json()

    assert results["valid"] is False and results["next_action"] == "revote_all"
    assert results["rounds"][0]["result"]["next_action"] == "revote_all"
    assert "中心会场发出选票 80 张、收回 81 张" in results["reason"]
    assert start(clerk, rc)["kind"] == "first"


def test_everything_is_404_outside_the_jurisdiction(users, clerk, rc, org):
    r = start(clerk, rc)
    other = api_as(users["other_clerk"])
    url = tally_url(r)

    assert other.get(f"/api/v1/elections/{rc.pk}/rounds/").status_code == 404
    assert other.post(f"/api/v1/elections/{rc.pk}/rounds/").status_code == 404
    assert other.get(url).status_code == 404
    assert other.put(url, body(r), format="json").status_code == 404
    assert other.get(f"/api/v1/elections/{rc.pk}/results/").status_code == 404
    assert other.post(f"/api/v1/elections/{rc.pk}/vacancy/", {"reason": "x"}, format="json").status_code == 404
    # a round of another election under this station
    sibling = cf.counting_election(org["sibling"])
    foreign = start(api_as(users["street_staff"]), sibling)
    assert clerk.get(f"/api/v1/stations/{rc.stations.get().pk}/rounds/{foreign['id']}/tally/").status_code == 404
    assert not TallyEntry.objects.exists()


def test_a_reviewer_may_read_but_not_enter(users, clerk, rc):
    r = start(clerk, rc)
    reviewer = api_as(users["district_reviewer"])

    assert reviewer.get(tally_url(r)).status_code == 200
    assert reviewer.put(tally_url(r), body(r), format="json").status_code == 403
    assert not TallyEntry.objects.exists()


def test_the_schema_documents_the_counting_routes(clerk):
    response = clerk.get("/api/schema/?format=json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/stations/{station_pk}/rounds/{round}/tally/" in paths
    assert "put" in paths["/api/v1/stations/{station_pk}/rounds/{round}/tally/"]
    assert "/api/v1/stations/{station_pk}/rounds/{round}/tally/reopen/" in paths
    assert "/api/v1/elections/{election_pk}/results/announce/" in paths
    assert "post" in paths["/api/v1/elections/{election_pk}/rounds/"]
    assert "post" in paths["/api/v1/elections/{election_pk}/vacancy/"]


def test_a_write_in_of_a_single_position_round_needs_no_position(clerk, street, rc):
    r = start(clerk, rc)
    url = tally_url(r)
    short = dict(FIRST, 周委员=35, 吴委员=30)
    clerk.put(url, body(r, short), format="json")
    street.put(url, body(r, short), format="json")
    runoff = start(clerk, rc)
    votes = {"周委员": 40, "吴委员": 25}

    data = clerk.put(tally_url(runoff), {**body(runoff, votes, issued=70), "write_ins": [{"name": "郑八", "count": 2}]},
                     format="json").json()

    assert data["entry"]["write_ins"] == [{"name": "郑八", "position": "member", "count": 2}]
    several = clerk.put(url, {**body(r), "write_ins": [{"name": "郑八", "count": 2}]}, format="json")
    assert several.status_code == 409  # the first round is counted already

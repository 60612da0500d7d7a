"""GET/POST /api/v1/elections/{id}/candidate-list/vote/: the residents' representatives' meeting's vote on the
formal candidates of a residents' committee, and its outcome."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from candidates.models import Candidate, ListVote
from elections.models import Event
from tests import factories
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2029, 11, 2, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def clerk(users):
    return api_as(users["community_clerk"])


@pytest.fixture
def publicity(org):
    return factories.election(org["community"], stage="publicity")


def approve(election, name, position="chair"):
    return factories.nominate(election, person=factories.nominee(election.community, name=name),
                              position=position, status="approved")


def body(nominations, votes, expected=40, present=30, ballots=30, held_on="2029-11-01"):
    return {"held_on": held_on, "expected": expected, "present": present, "ballots": ballots,
            "results": [{"nomination": n.pk, "votes": v} for n, v in zip(nominations, votes, strict=True)]}


def assert_400(response, field):
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in errors, errors
    assert all(CHINESE.search(m) for m in errors[field])
    return errors[field]


def test_the_vote_is_recorded_and_read_back(publicity, clerk):
    chairs = [approve(publicity, name) for name in ["王五", "赵六", "张三", "李四", "孙七"]]
    url = f"/api/v1/elections/{publicity.pk}/candidate-list/vote/"
    before = clerk.get(url)
    assert before.status_code == 200
    assert before.json() == {"recorded": False, "needs_vote": ["chair"], "held_on": None, "expected": None,
                             "present": None, "ballots": None, "valid": None, "invalid_message": "",
                             "positions": [], "undecided": [], "added": [], "removed": []}

    created = clerk.post(url, body(chairs, [28, 25, 20, 12, 3]), format="json")

    assert created.status_code == 201, created.json()
    data = created.json()
    assert (data["recorded"], data["valid"], data["held_on"], data["present"]) == (True, True, "2029-11-01", 30)
    [chair] = data["positions"]
    assert (chair["position"], chair["bound"], chair["needed"], chair["decided"]) == ("chair", 3, True, True)
    assert [r["person_name"] for r in chair["kept"]] == ["王五", "赵六", "张三"]
    assert [(r["person_name"], r["votes"]) for r in chair["left"]] == [("李四", 12), ("孙七", 3)]
    assert chair["tied"] == [] and data["undecided"] == []
    assert sorted(data["added"]) == sorted(["王五", "赵六", "张三"]) and data["removed"] == []
    assert sorted(Candidate.objects.filter(election=publicity).values_list("person__name", flat=True)) == sorted(
        ["王五", "赵六", "张三"])
    read = clerk.get(url).json()
    assert read["positions"] == data["positions"] and read["added"] == []

    tied = clerk.post(url, body(chairs, [28, 25, 12, 12, 3]), format="json")
    assert tied.status_code == 200
    [position] = tied.json()["positions"]
    assert position["decided"] is False and position["places"] == 1
    assert [r["person_name"] for r in position["tied"]] == ["张三", "李四"]
    assert "末位得票相等：张三、李四各 12 票，须就他们重新投票" in tied.json()["undecided"][0]
    assert ListVote.objects.count() == 1
    assert Event.objects.filter(action="candidate_list.vote").count() == 2


def test_bad_votes_are_refused_by_field(org, publicity, clerk):
    chairs = [approve(publicity, name) for name in ["王五", "赵六", "张三", "李四"]]
    url = f"/api/v1/elections/{publicity.pk}/candidate-list/vote/"
    half = assert_400(clerk.post(url, body(chairs, [9, 8, 7, 6], expected=40, present=20, ballots=20),
                                 format="json"), "present")
    assert "未超过应到人数的一半，会议无效" in half[0]
    reviewing = factories.nominate(publicity, position="chair")
    assert "只有审查通过的人选" in assert_400(
        clerk.post(url, body(chairs + [reviewing], [9, 8, 7, 6, 5]), format="json"), "results")[0]
    assert assert_400(clerk.post(url, body(chairs[:3], [9, 8, 7]), format="json"), "results") == [
        "主任：未登记 李四 的得票（审查通过的人选都参加投票）。"]
    assert_400(clerk.post(url, body(chairs, [9, 8, 7, -1]), format="json"), "results.3.votes")
    elsewhere = approve(factories.election(org["other_community"], stage="publicity"), "吴外人")
    assert assert_400(clerk.post(url, body(chairs + [elsewhere], [9, 8, 7, 6, 5]), format="json"),
                      "results.4.nomination") == ["提名不存在或不在您的管辖范围内。"]
    sibling = approve(factories.election(org["community"], stage="publicity"), "郑邻居")  # in scope, other election
    assert assert_400(clerk.post(url, body(chairs + [sibling], [9, 8, 7, 6, 5]), format="json"),
                      "results") == ["郑邻居的提名不属于本次选举。"]
    assert_400(clerk.post(url, {**body(chairs, [9, 8, 7, 6]), "held_on": None}, format="json"), "held_on")
    assert not ListVote.objects.exists() and not Event.objects.filter(action="candidate_list.vote").exists()


def test_a_party_election_and_other_roles_are_refused(org, users, clerk):
    party = factories.election(org["community"], body="party_committee", stage="publicity")
    nominations = [approve(party, f"党员{i}", position="secretary") for i in range(5)]
    url = f"/api/v1/elections/{party.pk}/candidate-list/vote/"
    refused = clerk.post(url, body(nominations, [5, 4, 3, 2, 1]), format="json")
    assert refused.status_code == 400 and "只适用于居民委员会选举" in refused.json()["detail"]
    assert clerk.get(url).json()["needs_vote"] == []
    rc = factories.election(org["sibling"], stage="publicity")
    chairs = [approve(rc, f"主任{i}") for i in range(4)]
    rc_url = f"/api/v1/elections/{rc.pk}/candidate-list/vote/"
    assert clerk.post(rc_url, body(chairs, [4, 3, 2, 1]), format="json").status_code == 404  # not in scope
    assert api_as(users["district_reviewer"]).post(rc_url, body(chairs, [4, 3, 2, 1]),
                                                   format="json").status_code == 403
    assert not ListVote.objects.exists()


def test_the_schema_lists_the_vote(client, users):
    client.force_login(users["district_admin"])
    text = client.get("/api/schema/").content.decode()
    assert "/api/v1/elections/{id}/candidate-list/vote/" in text

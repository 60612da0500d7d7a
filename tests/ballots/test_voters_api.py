"""The voter roll's API: /elections/{id}/voters/ (register, read masked, correct, remove with a reason),
/voter-roll/ (settings and summary), /voter-list/publish/, /roll-objections/ and their decisions."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import Resolver404, resolve

from ballots.api.voters import ElectionVoterViewSet
from ballots.models import RollObjection, Voter
from elections.models import Event
from tests import factories
from tests.ballots import voters_factories as vf
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
TODAY = dt.date(2029, 12, 15)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2029, 12, 15, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def election(org):
    return vf.voting(org["community"])


@pytest.fixture
def clerk(users):
    return api_as(users["community_clerk"])


def url(election, rest=""):
    return f"/api/v1/elections/{election.pk}/{rest}"


def assert_400(response, field):
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in errors, errors
    assert all(CHINESE.search(m) for m in errors[field])
    return errors[field]


# ---------------------------------------------------------------- voters


def test_post_registers_and_reads_the_id_number_masked(election, clerk):
    number = factories.id_number(dt.date(1985, 6, 1), seq=13)
    response = clerk.post(url(election, "voters/"), {"name": "张三", "id_number": number, "group": "2组",
                                                     "category": "non_registered", "reason": "补登"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id_number"] == number[:4] + "*" * 10 + number[-4:] and number not in response.content.decode()
    assert (body["name"], body["group"], body["category"], body["status"], body["source"]) == (
        "张三", "2组", "non_registered", "active", "manual")
    assert Voter.objects.get(pk=body["id"]).id_number == number


def test_post_with_a_person(org, election, clerk):
    person = factories.person(org["community"], name="李四", birth=dt.date(1975, 3, 3))
    response = clerk.post(url(election, "voters/"), {"person": person.pk, "group": "1组", "reason": "补登"},
                          format="json")
    assert response.status_code == 201, response.content
    assert Voter.objects.get(pk=response.json()["id"]).id_number == person.id_number
    other = factories.person(org["other_community"], name="王五")
    assert_400(clerk.post(url(election, "voters/"), {"person": other.pk, "group": "1组", "reason": "补登"},
                          format="json"), "person")


def test_post_refuses_a_person_registered_in_another_community_naming_it(org, election, clerk):
    sibling = factories.election(org["sibling"], camp=election.campaign, stage="voting")
    number = factories.id_number(dt.date(1970, 1, 2), seq=14)
    vf.voter(sibling, group="6组", id_number=number)
    [message] = assert_400(clerk.post(url(election, "voters/"), {"name": "赵六", "id_number": number, "group": "1组",
                                                                 "reason": "补登"}, format="json"), "id_number")
    assert "西关社区" in message and "6组" in message
    assert_400(clerk.post(url(election, "voters/"), {"group": "1组"}, format="json"), "person")


def test_the_list_filters_searches_and_pages(election, clerk):
    vf.voter(election, name="张三", group="1组")
    vf.voter(election, name="李四", group="2组", category="registered_absent")
    gone = vf.voter(election, name="王五", group="2组", status="removed")
    vf.voters(election, 60, group="3组")
    first = clerk.get(url(election, "voters/"))
    assert first.status_code == 200 and first.json()["count"] == 63 and len(first.json()["results"]) == 50
    assert clerk.get(url(election, "voters/?page=2")).json()["results"]

    def names(query):
        return [v["name"] for v in clerk.get(url(election, f"voters/?{query}")).json()["results"]]

    assert names("group=2组") == ["李四", "王五"]
    assert names("status=removed") == ["王五"]
    assert names("category=registered_absent") == ["李四"]
    assert names("q=zs") == ["张三"] and names("q=lisi") == ["李四"] and names("q=王") == ["王五"]
    assert names(f"q={gone.id_number[-4:]}") == ["王五"]


def test_outside_the_jurisdiction_is_404(users, election):
    other = api_as(users["other_clerk"])
    voter = vf.voter(election)
    assert other.get(url(election, "voters/")).status_code == 404
    assert other.get(url(election, f"voters/{voter.pk}/")).status_code == 404
    assert other.get(url(election, "voter-roll/")).status_code == 404
    assert other.post(url(election, "voters/"), {"name": "甲"}, format="json").status_code == 404
    assert Voter.objects.count() == 1


def test_a_reviewer_sees_but_may_not_write(users, election):
    reviewer = api_as(users["district_reviewer"])
    assert reviewer.get(url(election, "voters/")).status_code == 200
    response = reviewer.post(url(election, "voters/"), {"name": "张三", "group": "1组", "reason": "补登",
                                                        "id_number": factories.id_number(seq=5)}, format="json")
    assert response.status_code == 403
    assert not Voter.objects.exists() and not Event.objects.filter(election=election).exists()


def test_patch_and_delete_a_voter(election, clerk):
    voter = vf.voter(election, group="1组")
    detail = url(election, f"voters/{voter.pk}/")
    assert clerk.get(detail).json()["group"] == "1组"
    assert_400(clerk.patch(detail, {"group": "2组"}, format="json"), "reason")
    assert clerk.patch(detail, {"group": "2组", "reason": "登记错误"}, format="json").json()["group"] == "2组"
    assert_400(clerk.delete(detail), "reason")
    response = clerk.delete(detail + "?reason=已迁出")
    assert response.status_code == 200 and response.json()["status"] == "removed"
    voter.refresh_from_db()
    assert (voter.status, voter.removed_reason) == ("removed", "已迁出")
    assert clerk.delete(detail, {"reason": "再次"}, format="json").status_code == 409


def test_delete_takes_the_reason_from_a_json_body(election, clerk):
    voter = vf.voter(election)
    response = clerk.delete(url(election, f"voters/{voter.pk}/"), {"reason": "重复登记"}, format="json")
    assert response.status_code == 200
    assert Voter.objects.get(pk=voter.pk).removed_reason == "重复登记"


def test_voter_ids_are_numbers_so_the_import_path_is_not_a_voter(election):
    assert resolve(f"/api/v1/elections/{election.pk}/voters/12/").func.cls is ElectionVoterViewSet
    try:
        match = resolve(f"/api/v1/elections/{election.pk}/voters/import/")
    except Resolver404:
        return
    assert getattr(match.func, "cls", None) is not ElectionVoterViewSet


def test_a_voter_of_another_election_is_404_under_this_one(org, election, clerk):
    sibling = factories.election(org["community"], body="party_committee", stage="voting")
    theirs = vf.voter(sibling)
    assert clerk.get(url(election, f"voters/{theirs.pk}/")).status_code == 404


def test_writes_are_refused_in_counting(org, clerk):
    counting = vf.voting(org["community"], stage="counting")
    response = clerk.post(url(counting, "voters/"), {"name": "张三", "group": "1组", "reason": "补登",
                                                     "id_number": factories.id_number(seq=6)}, format="json")
    assert response.status_code == 409 and "投票" in response.json()["detail"]


# ---------------------------------------------------------------- the roll's settings and publication


def test_voter_roll_summary_settings_and_publication(election, clerk):
    vf.voters(election, 3, group="1组")
    summary = clerk.get(url(election, "voter-roll/"))
    assert summary.status_code == 200
    data = summary.json()
    assert (data["mode"], data["active"], data["publish_deadline"], data["lead_days"], data["floor_percent"]) == (
        "all", 3, "2029-12-21", 20, "40%")
    assert data["by_group"] == [{"group": "1组", "count": 3}] and data["published_on"] is None
    assert summary["ETag"] == '"1"'
    assert_400(clerk.patch(url(election, "voter-roll/"), {"mode": "voluntary"}, format="json"), "residents_total")
    changed = clerk.patch(url(election, "voter-roll/"), {"mode": "voluntary", "residents_total": 10}, format="json",
                          HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200, changed.content
    assert (changed.json()["floor_minimum"], changed.json()["floor_met"]) == (4, False)
    stale = clerk.patch(url(election, "voter-roll/"), {"residents_total": 5}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 409
    published = clerk.post(url(election, "voter-list/publish/"), {"published_on": "2029-12-10"}, format="json")
    assert published.status_code == 200
    assert (published.json()["published_on"], published.json()["published_in_time"],
            published.json()["objection_last_day"]) == ("2029-12-10", True, "2029-12-15")
    assert_400(clerk.post(url(election, "voter-list/publish/"), {"published_on": "2029-12-16"}, format="json"),
               "published_on")


# ---------------------------------------------------------------- objections


def test_objections_raise_list_and_decide(election, clerk):
    vf.voter(election)
    assert clerk.post(url(election, "roll-objections/"), {"raised_by": "王五", "kind": "omitted",
                                                          "subject_name": "李四", "content": "漏登"},
                      format="json").status_code == 409
    vf.roll(election, published_on=dt.date(2029, 12, 10))
    created = clerk.post(url(election, "roll-objections/"), {"raised_by": "王五", "kind": "omitted",
                                                             "subject_name": "李四", "content": "漏登",
                                                             "contact": "138"}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["raised_on"], body["due"], body["overdue"], body["decision"]) == (
        "2029-12-15", "2029-12-18", False, "")
    listed = clerk.get(url(election, "roll-objections/?open=true")).json()
    assert [o["id"] for o in listed["results"]] == [body["id"]]
    decide = f"/api/v1/roll-objections/{body['id']}/decide/"
    number = factories.id_number(dt.date(1990, 2, 2), seq=15)
    bad = clerk.post(decide, {"decision": "upheld", "decision_text": "属实", "id_number": number, "group": ""},
                     format="json")
    assert_400(bad, "group")
    stale = clerk.post(decide, {"decision": "dismissed", "decision_text": "不属实"}, format="json",
                       HTTP_IF_MATCH='"9"')
    assert stale.status_code == 409
    done = clerk.post(decide, {"decision": "upheld", "decision_text": "属实", "id_number": number, "group": "5组",
                               "version": 1}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["decision"] == "upheld" and done["ETag"] == '"2"'
    assert Voter.objects.get(pk=done.json()["voter"]).id_number == number
    assert clerk.post(decide, {"decision": "dismissed", "decision_text": "x"}, format="json").status_code == 409
    assert clerk.get(url(election, "roll-objections/?open=true")).json()["count"] == 0


def test_an_objection_after_the_window_is_400(election, clerk):
    vf.voter(election)
    vf.roll(election, published_on=dt.date(2029, 12, 1))
    [message] = assert_400(clerk.post(url(election, "roll-objections/"), {
        "raised_by": "王五", "kind": "wrong", "subject_name": "李四", "content": "错登"}, format="json"), "raised_on")
    assert "2029-12-06" in message
    assert not RollObjection.objects.exists()


def test_an_objection_outside_the_jurisdiction_is_404(users, election):
    objection = vf.objection(election, raised_on=dt.date(2029, 12, 12))
    other = api_as(users["other_clerk"])
    assert other.get(f"/api/v1/roll-objections/{objection.pk}/").status_code == 404
    assert other.post(f"/api/v1/roll-objections/{objection.pk}/decide/", {"decision": "dismissed",
                                                                           "decision_text": "x"}).status_code == 404


def test_the_schema_lists_the_roll_endpoints(client):
    text = client.get("/api/schema/").content.decode()
    for path in ["/api/v1/elections/{election_pk}/voters/", "/api/v1/elections/{election_pk}/voters/{id}/",
                 "/api/v1/elections/{election_pk}/voter-roll/", "/api/v1/elections/{election_pk}/voter-list/publish/",
                 "/api/v1/elections/{election_pk}/roll-objections/", "/api/v1/roll-objections/{id}/decide/"]:
        assert path in text, path

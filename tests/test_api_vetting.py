"""The vetting API: the queue and the overview, reviews with their version, department sign-offs, the
street's decisions, batch passes, grounds and departments, publicity, objections and reports — each role
sees its own work, and nothing outside its jurisdiction."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates.models import Nomination
from elections.models import Event
from tests import factories
from tests.conftest import api_as
from vetting import services
from vetting.models import Report, Review

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 3, 2)
CHINESE = re.compile(r"[\u4e00-\u9fff]")
PAGE = {"count", "next", "previous", "results"}


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def court_user(org, users):
    """The district reviews with two departments: 公安局 (the shared fixture's reviewer) and 法院."""
    services.departments_set(actor=users["district_admin"], district=org["district"], codes=["police", "court"])
    return factories.user("district_reviewer", org["district"], "qu_fayuan", department="court")


@pytest.fixture
def clients(users, court_user):
    return {"clerk": api_as(users["community_clerk"]), "street": api_as(users["street_staff"]),
            "police": api_as(users["district_reviewer"]), "court": api_as(court_user),
            "admin": api_as(users["district_admin"]), "other_clerk": api_as(users["other_clerk"]),
            "other_street": api_as(users["other_street_staff"])}


@pytest.fixture
def election(org):
    return factories.election(org["community"], stage="vetting")


def nominate(election, name, level="community", status="reviewing", education="college", **kw) -> Nomination:
    person = factories.nominee(election.community, name=name, education=education, birth=dt.date(1985, 6, 1))
    return factories.nominate(election, person=person, status=status, level=level, channel="joint_voters", **kw)


def review(client, nomination, level, decision="pass", grounds=(), **extra):
    """POST a review; ``HTTP_*`` keywords are request headers, the rest go into the body."""
    headers = {k: v for k, v in extra.items() if k.startswith("HTTP_")}
    body = {k: v for k, v in extra.items() if k not in headers}
    return client.post(f"/api/v1/nominations/{nomination.pk}/reviews/",
                       {"level": level, "decision": decision, "grounds": list(grounds), **body}, format="json",
                       **headers)


def assert_400(response, field):
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"detail", "errors"}
    assert field in response.json()["errors"], response.json()
    return response.json()["errors"][field]


def queue_names(client, query=""):
    response = client.get(f"/api/v1/vetting/queue/{query}")
    assert response.status_code == 200, response.content
    return sorted(row["person_name"] for row in response.json()["results"])


def reload(nomination):
    return Nomination.objects.get(pk=nomination.pk)


# ================================================================ reviews and versions


def test_a_stale_version_is_a_409_and_changes_nothing(election, clients):
    n = nominate(election, "张三")
    assert review(clients["clerk"], n, "community", HTTP_IF_MATCH='"1"').status_code == 201
    assert reload(n).version == 2
    stale = review(clients["street"], n, "street", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 409
    assert "版本" in stale.json()["detail"] and CHINESE.search(stale.json()["detail"])
    stale_body = review(clients["street"], n, "street", version=1)
    assert stale_body.status_code == 409
    assert not Review.objects.filter(nomination=n, level="street").exists()
    assert (reload(n).level, reload(n).version) == ("street", 2)
    assert_400(review(clients["street"], n, "street", HTTP_IF_MATCH='"abc"'), "version")
    current = clients["street"].get(f"/api/v1/nominations/{n.pk}/")
    assert current["ETag"] == '"2"'
    done = review(clients["street"], n, "street", HTTP_IF_MATCH=current["ETag"])
    assert done.status_code == 201, done.json()
    assert set(done.json()) == {"review", "nomination"}
    assert (done.json()["nomination"]["level"], done.json()["nomination"]["version"]) == ("district", 3)
    assert done["ETag"] == '"3"'
    assert review(clients["street"], n, "street").status_code == 409  # not at the street any more


def test_each_department_signs_for_itself_and_no_other(org, election, clients):
    n = nominate(election, "李四", level="district")
    forged = review(clients["police"], n, "district", department="court")
    assert forged.status_code == 403
    assert "法院" in forged.json()["detail"]
    court_ground = review(clients["police"], n, "district", "reject", ["ineligible-02a"])  # 受过刑事处罚: the court's
    assert "法院" in assert_400(court_ground, "grounds")[0]
    assert review(clients["police"], n, "district", department="police").status_code == 201
    assert review(clients["police"], n, "district").status_code == 409  # once per department
    assert review(clients["clerk"], n, "district").status_code == 403
    assert_400(review(clients["court"], n, "district", "reject"), "grounds")  # a reject cites a ground
    assert_400(review(clients["court"], n, "district", "pass", ["unsuitable-08"]), "grounds")
    assert_400(review(clients["court"], n, "district", "maybe"), "decision")
    done = review(clients["court"], n, "district")
    assert done.status_code == 201 and done.json()["nomination"]["status"] == "approved"
    assert Review.objects.filter(nomination=n).count() == 2
    assert [e.action for e in Event.objects.filter(election=election)] == ["vetting.review", "vetting.review"]


def test_another_districts_reviewer_and_anyone_elsewhere_get_the_same_404_as_for_nothing(org, election, clients):
    n = nominate(election, "王五", level="district")
    held = nominate(election, "赵六")
    Review.objects.create(nomination=held, level="community", decision="reject", grounds=["unsuitable-05"],
                          reviewer=factories.recorder())
    Nomination.objects.filter(pk=held.pk).update(status="held")
    far = factories.jurisdiction("濉溪县", "district")
    stranger = api_as(factories.user("district_reviewer", far, "sx_gongan", department="police"))
    missing = stranger.get("/api/v1/nominations/987654/reviews/")
    assert missing.status_code == 404
    review_id = Review.objects.get(nomination=held).pk
    for client in (stranger, clients["other_clerk"], clients["other_street"]):
        for response in [review(client, n, "district"), client.get(f"/api/v1/nominations/{n.pk}/reviews/"),
                         client.get(f"/api/v1/reviews/{review_id}/"),
                         client.post(f"/api/v1/reviews/{review_id}/street-decision/",
                                     {"decision": "overrule", "reason": "x"}, format="json"),
                         client.post("/api/v1/reviews/987654/street-decision/",
                                     {"decision": "overrule", "reason": "x"}, format="json")]:
            assert response.status_code == 404
            assert response.content == missing.content
    assert not Review.objects.filter(nomination=n).exists()
    assert queue_names(stranger) == []


def test_the_street_decides_on_a_rejection_citing_only_unsuitable_grounds(election, clients):
    n = nominate(election, "钱七")
    held = review(clients["clerk"], n, "community", "reject", ["unsuitable-05"], note="工作推进不力")
    assert held.status_code == 201
    assert (held.json()["nomination"]["status"], held.json()["nomination"]["level"]) == ("held", "community")
    review_id = held.json()["review"]["id"]
    url = f"/api/v1/reviews/{review_id}/street-decision/"
    assert clients["clerk"].post(url, {"decision": "uphold", "reason": "x"}, format="json").status_code == 403
    assert_400(clients["street"].post(url, {"decision": "uphold", "reason": " "}, format="json"), "reason")
    assert_400(clients["street"].post(url, {"decision": "maybe", "reason": "x"}, format="json"), "decision")
    assert clients["street"].post(url, {"decision": "uphold", "reason": "x", "version": 1},
                                  format="json").status_code == 409
    upheld = clients["street"].post(url, {"decision": "uphold", "reason": "群众反映较多"}, format="json")
    assert upheld.status_code == 200, upheld.json()
    assert upheld.json()["nomination"]["status"] == "rejected"
    assert "街道维持" in upheld.json()["nomination"]["outcome"]
    assert upheld.json()["review"]["street_decision"] == "uphold"
    assert clients["street"].post(url, {"decision": "overrule", "reason": "再议"}, format="json").status_code == 409
    # 审查情况逐级反馈: the community reads what became of it
    feedback = clients["clerk"].get(f"/api/v1/nominations/{n.pk}/reviews/")
    assert feedback.status_code == 200 and set(feedback.json()) == PAGE
    [row] = feedback.json()["results"]
    assert row["ground_texts"] and row["street_reason"] == "群众反映较多"


# ================================================================ the queue and the overview


def test_the_queue_lists_only_the_callers_level(org, election, clients):
    nominate(election, "张三")
    nominate(election, "李四", level="street")
    at_district = nominate(election, "王五", level="district")
    held = nominate(election, "赵六")
    review(clients["clerk"], held, "community", "reject", ["unsuitable-07"])
    nominate(factories.election(org["other_community"], stage="vetting"), "周九")
    nominate(election, "钱七", status="approved", level="")
    assert queue_names(clients["clerk"]) == ["张三"]
    assert queue_names(clients["street"]) == ["李四", "赵六"]
    assert queue_names(clients["police"]) == ["王五"] == queue_names(clients["court"])
    assert queue_names(clients["other_clerk"]) == ["周九"]
    assert queue_names(clients["other_street"]) == []  # 周九 still awaits the community's 初审
    review(clients["police"], at_district, "district")
    assert queue_names(clients["police"]) == []
    assert queue_names(clients["court"]) == ["王五"]
    rows = {row["person_name"]: row for row in clients["street"].get("/api/v1/vetting/queue/").json()["results"]}
    assert rows["赵六"]["where"] == "不宜情形待街道决定" and rows["赵六"]["held_review"] is not None
    assert rows["李四"]["held_review"] is None and rows["李四"]["waiting_days"] == 0
    assert (rows["李四"]["age"], rows["李四"]["party_member"], rows["李四"]["incumbent"]) == (44, True, False)
    [court_row] = clients["court"].get("/api/v1/vetting/queue/").json()["results"]
    assert (court_row["departments_passed"], court_row["departments_pending"]) == (["police"], ["court"])
    assert court_row["where"] == "待法院联审"


def test_the_queue_filters_and_pages(election, clients, time_machine):
    for i in range(5):
        nominate(election, f"甲{i}")
    nominate(election, "王学", education="junior_high")
    time_machine.move_to(dt.datetime(2026, 3, 5, 9, 0, tzinfo=SHANGHAI))
    page = clients["clerk"].get("/api/v1/vetting/queue/?page_size=2")
    assert set(page.json()) == PAGE
    assert (page.json()["count"], len(page.json()["results"]), page.json()["previous"]) == (6, 2, None)
    assert "page=2" in page.json()["next"]
    assert page.json()["results"][0]["waiting_days"] == 3
    flagged = clients["clerk"].get("/api/v1/vetting/queue/?flagged=true").json()["results"]
    assert [(r["person_name"], r["flags"], r["flag_labels"]) for r in flagged] == [
        ("王学", ["education_below"], ["学历低于要求"])]
    assert queue_names(clients["clerk"], "?q=wx") == ["王学"]
    assert assert_400(clients["clerk"].get("/api/v1/vetting/queue/?election=x"), "election")


def test_the_overview_shows_every_nomination_in_scope(org, election, clients):
    nominate(election, "张三")
    nominate(election, "钱七", status="approved", level="")
    nominate(factories.election(org["other_community"], stage="vetting"), "周九")
    rows = clients["street"].get("/api/v1/vetting/overview/").json()["results"]
    assert {r["person_name"]: r["where"] for r in rows} == {"张三": "待社区初审", "钱七": "审查通过"}
    assert [r["person_name"] for r in clients["admin"].get("/api/v1/vetting/overview/?status=approved")
            .json()["results"]] == ["钱七"]


def test_a_batch_pass_passes_the_clean_and_says_why_it_skipped_the_rest(org, election, clients):
    clean = [nominate(election, f"甲{i}") for i in range(3)]
    flagged = nominate(election, "王学", education="junior_high")
    at_street = nominate(election, "李四", level="street")
    elsewhere = nominate(factories.election(org["other_community"], stage="vetting"), "周九")
    ids = [c.pk for c in clean] + [flagged.pk, at_street.pk, elsewhere.pk, 987654]
    result = clients["clerk"].post("/api/v1/vetting/batch-pass/", {"level": "community", "nominations": ids},
                                   format="json")
    assert result.status_code == 200, result.json()
    assert [p["nomination"] for p in result.json()["passed"]] == [c.pk for c in clean]
    skipped = {s["nomination"]: s for s in result.json()["skipped"]}
    assert set(skipped) == {flagged.pk, at_street.pk, elsewhere.pk, 987654}
    assert "学历低于要求" in skipped[flagged.pk]["reason"]
    assert skipped[at_street.pk]["person_name"] == "李四" and CHINESE.search(skipped[at_street.pk]["reason"])
    assert {k: v for k, v in skipped[elsewhere.pk].items() if k != "nomination"} == {
        k: v for k, v in skipped[987654].items() if k != "nomination"}
    assert all(reload(c).level == "street" for c in clean)
    assert reload(flagged).level == "community" and reload(elsewhere).level == "community"
    assert_400(clients["clerk"].post("/api/v1/vetting/batch-pass/", {"level": "community", "nominations": []},
                                     format="json"), "nominations")


# ================================================================ grounds and departments


def test_grounds_say_what_the_caller_may_cite(clients):
    grounds = clients["police"].get("/api/v1/vetting/grounds/?page_size=100").json()
    assert grounds["count"] == 25
    rows = {g["code"]: g for g in grounds["results"]}
    assert (rows["ineligible-02a"]["department"], rows["ineligible-02a"]["department_name"]) == ("court", "法院")
    assert rows["ineligible-02a"]["citable"] is False and rows["unsuitable-08"]["citable"] is True
    assert all(g["citable"] for g in clients["clerk"].get("/api/v1/vetting/grounds/?page_size=100").json()["results"])
    unsuitable = clients["clerk"].get("/api/v1/vetting/grounds/?kind=unsuitable&page_size=100").json()
    assert unsuitable["count"] == 8 and {g["kind"] for g in unsuitable["results"]} == {"unsuitable"}


def test_departments_are_read_by_all_and_set_by_the_district(org, clients):
    listed = clients["clerk"].get("/api/v1/vetting/departments/").json()
    assert set(listed) == PAGE
    assert [d["code"] for d in listed["results"] if d["active"]] == ["police", "court"]
    assert clients["clerk"].post("/api/v1/vetting/departments/", {"codes": ["court"]},
                                 format="json").status_code == 403
    assert_400(clients["admin"].post("/api/v1/vetting/departments/", {"codes": []}, format="json"), "codes")
    assert_400(clients["admin"].post("/api/v1/vetting/departments/", {"codes": ["army"]}, format="json"), "codes")
    changed = clients["admin"].post("/api/v1/vetting/departments/", {"codes": ["court", "petition"]}, format="json")
    assert changed.status_code == 200
    assert [d["code"] for d in changed.json() if d["active"]] == ["petition", "court"]
    root = api_as(factories.superuser())
    assert_400(root.post("/api/v1/vetting/departments/", {"codes": ["court"]}, format="json"), "district")
    assert [d["code"] for d in root.get(f"/api/v1/vetting/departments/?district={org['district'].pk}").json()[
        "results"] if d["active"]] == ["petition", "court"]
    assert root.get(f"/api/v1/vetting/departments/?district={org['street'].pk}").status_code == 404


# ================================================================ publicity, objections, reports


def test_publicity_is_recorded_changed_and_checked(org, clients):
    election = factories.election(org["community"], stage="publicity")
    url = f"/api/v1/elections/{election.pk}/publicity/"
    assert clients["clerk"].get(url).status_code == 404
    assert_400(clients["clerk"].post(url, {"starts_on": "2026-03-02", "ends_on": "2026-03-05"}, format="json"),
               "ends_on")
    assert_400(clients["clerk"].post(url, {"ends_on": "2026-03-09"}, format="json"), "starts_on")
    created = clients["clerk"].post(url, {"starts_on": "2026-03-02", "ends_on": "2026-03-06"}, format="json")
    assert created.status_code == 201
    assert created.json() == {"starts_on": "2026-03-02", "ends_on": "2026-03-06", "place": "", "days": 5,
                              "days_left": 5, "over": False}
    changed = clients["street"].post(url, {"starts_on": "2026-03-02", "ends_on": "2026-03-08", "place": "公告栏"},
                                     format="json")
    assert changed.status_code == 200 and changed.json()["days"] == 7
    assert clients["other_clerk"].get(url).status_code == 404
    assert clients["police"].post(url, {"starts_on": "2026-03-02", "ends_on": "2026-03-08"},
                                  format="json").status_code == 403
    vetting = factories.election(org["sibling"], stage="vetting")
    assert clients["street"].post(f"/api/v1/elections/{vetting.pk}/publicity/",
                                  {"starts_on": "2026-03-02", "ends_on": "2026-03-08"}, format="json").status_code == 409


def test_an_upheld_objection_rejects_the_nomination_it_concerns(org, clients):
    election = factories.election(org["community"], stage="publicity")
    [candidate, *_] = factories.formal_list(election)
    url = f"/api/v1/elections/{election.pk}/objections/"
    assert_400(clients["clerk"].post(url, {"objector": "", "content": ""}, format="json"), "objector")
    assert_400(clients["clerk"].post(url, {"objector": "匿名", "content": "x", "received_on": "2026-03-03"},
                                     format="json"), "received_on")
    elsewhere = factories.nominate(factories.election(org["sibling"], stage="publicity"))
    assert_400(clients["clerk"].post(url, {"objector": "匿名", "content": "x", "nomination": elsewhere.pk},
                                     format="json"), "nomination")
    made = clients["clerk"].post(url, {"objector": "居民乙", "content": "反映其违规占用集体土地",
                                       "nomination": candidate.nomination_id}, format="json")
    assert made.status_code == 201
    oid = made.json()["id"]
    assert clients["clerk"].get(f"{url}{oid}/").json()["status"] == "open"
    assert clients["other_clerk"].get(f"/api/v1/objections/{oid}/").status_code == 404
    assert_400(clients["street"].post(f"/api/v1/objections/{oid}/resolve/", {"status": "upheld"}, format="json"),
               "finding")
    upheld = clients["street"].post(f"/api/v1/objections/{oid}/resolve/",
                                    {"status": "upheld", "finding": "经查属实"}, format="json")
    assert upheld.status_code == 200 and upheld.json()["status"] == "upheld"
    assert reload(candidate.nomination).status == "rejected"
    assert candidate.nomination_id not in [c["nomination"] for c in clients["clerk"].get(
        f"/api/v1/elections/{election.pk}/candidates/").json()["results"]]
    assert clients["street"].post(f"/api/v1/objections/{oid}/resolve/", {"status": "dismissed", "finding": "x"},
                                  format="json").status_code == 409


def test_reports_are_registered_closed_and_their_reporters_kept_from_others(org, users, clients):
    election = factories.election(org["community"], stage="vetting")
    n = nominate(election, "孙八")
    url = f"/api/v1/elections/{election.pk}/reports/"
    assert_400(clients["clerk"].post(url, {"content": " "}, format="json"), "content")
    assert_400(clients["clerk"].post(url, {"content": "x", "categories": ["rumour"]}, format="json"), "categories")
    named = clients["clerk"].post(url, {"content": "孙八请客拉票", "reporter": "居民丙", "contact": "13900000000",
                                        "categories": ["vote_buying"], "nomination": n.pk}, format="json")
    assert named.status_code == 201, named.json()
    body = named.json()
    assert (body["reporter"], body["named"], body["categories"], body["must_investigate"]) == (
        "居民丙", True, ["named", "vote_buying"], True)
    assert (body["received_on"], body["due_on"], body["overdue"]) == ("2026-03-02", "2026-03-17", False)
    anonymous = clients["clerk"].post(url, {"content": "听说有人送礼", "channel": "letter"}, format="json")
    assert anonymous.status_code == 201 and anonymous.json()["must_investigate"] is False
    colleague = api_as(factories.user("community_clerk", org["community"], "clerk2"))
    seen = colleague.get(f"/api/v1/reports/{body['id']}/").json()
    assert (seen["reporter"], seen["contact"], seen["named"]) == ("", "", True)
    assert clients["street"].get(f"/api/v1/reports/{body['id']}/").json()["reporter"] == "居民丙"
    assert clients["other_clerk"].get(f"/api/v1/reports/{body['id']}/").status_code == 404
    assert clients["other_clerk"].get(f"{url}{body['id']}/").status_code == 404
    assert clients["clerk"].get("/api/v1/reports/?must=true").json()["count"] == 1
    assert clients["clerk"].get(f"{url}?open=true").json()["count"] == 2

    close = f"/api/v1/reports/{body['id']}/close/"
    assert clients["clerk"].post(close, {"status": "substantiated", "finding": "x"}, format="json").status_code == 403
    assert_400(clients["street"].post(close, {"status": "filed", "finding": "存档"}, format="json"), "status")
    discipline = api_as(factories.user("district_reviewer", org["district"], "qu_jiwei", department="discipline"))
    closed = discipline.post(close, {"status": "substantiated", "finding": "查实宴请拉票", "rejects_nominee": True},
                             format="json")
    assert closed.status_code == 200, closed.json()
    assert (closed.json()["status"], closed.json()["rejects_nominee"], closed.json()["closed_on"]) == (
        "substantiated", True, "2026-03-02")
    assert reload(n).status == "rejected"
    assert Report.objects.get(pk=body["id"]).closed_by.username == "qu_jiwei"
    assert discipline.post(close, {"status": "filed", "finding": "x"}, format="json").status_code == 409


# ================================================================ query counts


def _spread(org, election, users, n):
    """``n`` nominations waiting everywhere, with reviews, objections and reports about them."""
    for i in range(n):
        community = factories.jurisdiction(f"社区{n}-{i}", "community", org["street"])
        other = factories.election(community, stage="vetting", prepared=False)
        for e in (election, other):
            nomination = nominate(e, f"候{n}{i}", level="street")
            Review.objects.create(nomination=nomination, level="community", decision="pass",
                                  reviewer=users["community_clerk"])
            services.report_register(actor=users["street_staff"], election=e, nomination=nomination, reporter="实名",
                                     content="线索", categories=["specific"], received_on=TODAY)
    held = Nomination.objects.filter(election=election).first()
    for i in range(n):
        Review.objects.create(nomination=held, level="district", department=f"d{n}{i}", decision="pass",
                              reviewer=users["district_reviewer"])


LISTS = {
    "queue": lambda e, n: "/api/v1/vetting/queue/",
    "overview": lambda e, n: "/api/v1/vetting/overview/",
    "reviews": lambda e, n: f"/api/v1/nominations/{n.pk}/reviews/",
    "election reports": lambda e, n: f"/api/v1/elections/{e.pk}/reports/",
    "reports": lambda e, n: "/api/v1/reports/",
}


@pytest.mark.parametrize("name", LISTS)
def test_list_queries_stay_flat_from_3_to_12_rows(org, users, election, court_user, name,
                                                   django_assert_max_num_queries):
    street = api_as(users["street_staff"])
    _spread(org, election, users, 3)
    first = Nomination.objects.filter(election=election).first()
    path = LISTS[name](election, first)
    with CaptureQueriesContext(connection) as ctx:
        response = street.get(path)
    assert response.status_code == 200 and response.json()["count"] >= 3
    few = len(ctx.captured_queries)
    _spread(org, election, users, 9)
    with django_assert_max_num_queries(few):
        response = street.get(path)
    assert response.json()["count"] >= 12


def test_objection_list_queries_stay_flat(org, users, django_assert_max_num_queries):
    election = factories.election(org["community"], stage="publicity")
    clerk = api_as(users["community_clerk"])

    def grow(n):
        for nomination in factories.nominated(election, n, status="approved"):
            services.objection_register(actor=users["community_clerk"], election=election, nomination=nomination,
                                        objector="居民", content="意见", received_on=TODAY)

    grow(3)
    with CaptureQueriesContext(connection) as ctx:
        assert clerk.get(f"/api/v1/elections/{election.pk}/objections/").json()["count"] == 3
    grow(9)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        assert clerk.get(f"/api/v1/elections/{election.pk}/objections/").json()["count"] == 12

"""The nomination API: nominations by every channel, 两推 and the preliminary list, 递补, 民主测评, pledges,
talks, the formal list and its publication — and an RC election walked from nomination to voting, and a
party election through its 两推, by API calls alone."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates.models import Candidate, Nomination, Pledge, Talk
from candidates.strokes import name_key
from elections.models import Event
from tests import factories
from tests.conftest import api_as
from vetting import services as vetting_services

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 3, 2)
CHINESE = re.compile(r"[\u4e00-\u9fff]")
NOMINATION_FIELDS = {"id", "person", "position", "channel", "supporters", "status", "level", "outcome", "basis",
                     "replaces", "version", "person_name", "created", "election", "recommendation_votes"}
PAGE = {"count", "next", "previous", "results"}


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def clerk(users):
    return api_as(users["community_clerk"])


@pytest.fixture
def street(users):
    return api_as(users["street_staff"])


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def voters(n: int) -> list[str]:
    return [f"选民{i}" for i in range(n)]


def assert_400(response, field):
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert field in body["errors"], body
    assert all(isinstance(m, str) and CHINESE.search(m) for m in body["errors"][field])
    return body["errors"][field]


def blocker_codes(response) -> set[str]:
    assert response.status_code == 409, response.content
    return {b["code"] for b in response.json()["blocked_by"]}


def advance(client, election):
    return client.post(f"/api/v1/elections/{election.pk}/advance/", {}, format="json")


def nominate(client, election, person, position="member", channel="party_org", supporters=(), **extra):
    return client.post(f"/api/v1/elections/{election.pk}/nominations/",
                       {"person": person.pk, "position": position, "channel": channel,
                        "supporters": list(supporters), **extra}, format="json")


def review(client, nomination_id, level, decision="pass", grounds=(), version=None, **extra):
    headers = {"HTTP_IF_MATCH": f'"{version}"'} if version is not None else {}
    return client.post(f"/api/v1/nominations/{nomination_id}/reviews/",
                       {"level": level, "decision": decision, "grounds": list(grounds), **extra}, format="json",
                       **headers)


# ================================================================ the RC walk


def test_an_rc_election_from_nomination_to_voting_by_api_alone(org, users, time_machine):
    vetting_services.departments_set(actor=users["district_admin"], district=org["district"], codes=["police", "court"])
    police = api_as(users["district_reviewer"])
    court_user = factories.user("district_reviewer", org["district"], "qu_fayuan", department="court")
    court = api_as(court_user)
    clerk, street = api_as(users["community_clerk"]), api_as(users["street_staff"])
    election = factories.election(org["community"], stage="nomination", seats={"chair": 1, "member": 2})
    url = f"/api/v1/elections/{election.pk}"
    people = {name: factories.nominee(org["community"], name=name) for name in ["王建国", "李秀英", "张伟", "刘洋", "陈静"]}

    # -- nominations by five channels; 19 joint voters are refused, 20 accepted
    first = nominate(clerk, election, people["王建国"], "chair", "party_org", basis="社区党组织推荐")
    assert first.status_code == 201, first.json()
    body = first.json()
    assert NOMINATION_FIELDS <= set(body) and {"warnings", "committee_withdrawal"} <= set(body)
    assert (body["status"], body["level"], body["version"], body["person_name"]) == ("reviewing", "community", 1,
                                                                                     "王建国")
    assert first["ETag"] == '"1"'
    refused = nominate(clerk, election, people["李秀英"], "chair", "joint_voters", voters(19))
    assert assert_400(refused, "supporters") == ["选民联名提名须 20 人以上，现有 19 人。"]
    assert not Nomination.objects.filter(person=people["李秀英"]).exists()
    accepted = nominate(clerk, election, people["李秀英"], "chair", "joint_voters", voters(20))
    assert accepted.status_code == 201 and accepted.json()["supporters"] == voters(20)
    assert nominate(clerk, election, people["张伟"], "member", "joint_representatives", voters(10)).status_code == 201
    assert nominate(clerk, election, people["刘洋"], "member", "self").status_code == 201

    # -- one member short of the margin: the move is refused, naming the rule
    blocked = advance(clerk, election)
    assert "nominations_insufficient" in blocker_codes(blocked)
    [shortage] = [b for b in blocked.json()["blocked_by"] if b["code"] == "nominations_insufficient"]
    assert "委员" in shortage["message"] and shortage["source"] and shortage["fix"]
    assert nominate(clerk, election, people["陈静"], "member", "group_meeting").status_code == 201
    moved = advance(clerk, election)
    assert moved.status_code == 200, moved.json()
    assert moved.json()["stage"] == "vetting"

    listing = clerk.get(f"{url}/nominations/")
    assert listing.status_code == 200 and set(listing.json()) == PAGE
    ids = {row["person_name"]: row["id"] for row in listing.json()["results"]}
    assert len(ids) == 5
    assert "nominations_undecided" in blocker_codes(advance(clerk, election))

    # -- three levels by three logins; the district's two departments each sign
    for name, nomination_id in ids.items():
        assert review(clerk, nomination_id, "community", version=1).status_code == 201
        done = review(street, nomination_id, "street", version=2, note="全面审查通过")
        assert done.status_code == 201, done.json()
        assert (done.json()["nomination"]["status"], done.json()["nomination"]["level"]) == ("reviewing", "district")
        passed = review(police, nomination_id, "district", version=3)
        assert passed.status_code == 201
        assert passed.json()["nomination"]["level"] == "district", "one department is not the whole district"
        assert passed.json()["review"]["label"] == "区级联审（公安局）"
        if name == "刘洋":  # the court doubts: a 不宜 ground holds it for the street, which overrules
            held = review(court, nomination_id, "district", "reject", ["unsuitable-08"], version=3,
                          note="群众反映工作作风问题")
            assert held.status_code == 201
            assert held.json()["nomination"]["status"] == "held"
            [row] = street.get("/api/v1/vetting/queue/").json()["results"]
            assert (row["id"], row["held_review"]) == (nomination_id, held.json()["review"]["id"])
            decided = street.post(f"/api/v1/reviews/{row['held_review']}/street-decision/",
                                  {"decision": "overrule", "reason": "经核实系误传"}, format="json")
            assert decided.status_code == 200, decided.json()
            assert decided.json()["nomination"]["status"] == "approved"
            assert decided.json()["review"]["street_decision"] == "overrule"
        else:
            last = review(court, nomination_id, "district", version=3)
            assert last.status_code == 201
            assert (last.json()["nomination"]["status"], last.json()["nomination"]["level"]) == ("approved", "")
    feedback = clerk.get(f"/api/v1/nominations/{ids['刘洋']}/reviews/").json()
    assert [r["label"] for r in feedback["results"]] == ["社区初审", "街道全面审查", "区级联审（公安局）",
                                                         "区级联审（法院）"]
    assert feedback["results"][-1]["ground_texts"] == ["其他不宜提名的情形"]
    assert clerk.get("/api/v1/vetting/queue/").json()["count"] == 0
    moved = advance(clerk, election)
    assert moved.status_code == 200, moved.json()
    assert moved.json()["stage"] == "publicity"

    # -- publicity: five days counted inclusively; an objection registered and dismissed
    assert clerk.get(f"{url}/publicity/").status_code == 404
    assert_400(clerk.post(f"{url}/publicity/", {"starts_on": day(0), "ends_on": day(3)}, format="json"), "ends_on")
    publicity = clerk.post(f"{url}/publicity/", {"starts_on": day(0), "ends_on": day(4), "place": "社区公告栏"},
                           format="json")
    assert publicity.status_code == 201, publicity.json()
    assert (publicity.json()["days"], publicity.json()["over"]) == (5, False)
    objection = clerk.post(f"{url}/objections/", {"nomination": ids["张伟"], "objector": "居民甲",
                                                   "content": "反映张伟长期不在社区居住"}, format="json")
    assert objection.status_code == 201, objection.json()
    assert (objection.json()["status"], objection.json()["received_on"], objection.json()["person_name"]) == (
        "open", day(0), "张伟")

    # -- the formal list: built, ordered by 姓氏笔画 within each position, pledged, talked, published
    built = clerk.post(f"{url}/candidates/build/", {}, format="json")
    assert built.status_code == 201 and len(built.json()["added"]) == 5
    rows = clerk.get(f"{url}/candidates/").json()["results"]
    assert [r["position"] for r in rows] == ["chair", "chair", "member", "member", "member"]
    for position in ("chair", "member"):
        group = [r for r in rows if r["position"] == position]
        assert [r["order"] for r in group] == list(range(1, len(group) + 1))
        assert [r["person_name"] for r in group] == sorted((r["person_name"] for r in group), key=name_key)
    assert {"id", "nomination", "person", "position", "order"} <= set(rows[0])
    gates = clerk.get(f"/api/v1/elections/{election.pk}/gates/").json()
    assert {"publicity_not_over", "objections_open", "pledge_missing", "talk_missing"} <= {
        b["code"] for b in gates["blocked_by"]}
    for row in rows:
        pledged = clerk.post(f"/api/v1/nominations/{row['nomination']}/pledge/", {"signed_on": day(0)}, format="json")
        assert pledged.status_code == 201, pledged.json()
        talked = street.post(f"/api/v1/nominations/{row['nomination']}/talk/",
                             {"held_on": day(0), "interviewers": "街道党工委书记 王某"}, format="json")
        assert talked.status_code == 201, talked.json()
    assert Pledge.objects.filter(nomination__election=election).count() == 5
    assert Talk.objects.filter(person__in=people.values()).count() == 5
    assert all(r["pledged_on"] == r["talked_on"] == day(0) for r in clerk.get(f"{url}/candidates/").json()["results"])

    dismissed = street.post(f"/api/v1/objections/{objection.json()['id']}/resolve/",
                            {"status": "dismissed", "finding": "经核实，张伟常住本社区"}, format="json")
    assert dismissed.status_code == 200, dismissed.json()
    assert dismissed.json()["status"] == "dismissed"
    published = clerk.post(f"{url}/candidate-list/publish/", {"published_on": day(1)}, format="json")
    assert published.status_code == 400 and "published_on" in published.json()["errors"]  # not in the future
    # published while the publicity still runs: the formal list is published only after it
    published = clerk.post(f"{url}/candidate-list/publish/", {"published_on": day(0)}, format="json")
    assert published.status_code == 200, published.json()
    assert published.json()["published_on"] == day(0) and published.json()["margin_problems"] == []
    assert blocker_codes(advance(clerk, election)) == {"publicity_not_over", "list_published_before_publicity_end"}

    # -- the publicity runs through its last day; the day after, the list is published and the election moves
    time_machine.move_to(dt.datetime(2026, 3, 6, 23, 0, tzinfo=SHANGHAI))
    assert "publicity_not_over" in blocker_codes(advance(clerk, election))
    time_machine.move_to(dt.datetime(2026, 3, 7, 8, 0, tzinfo=SHANGHAI))
    assert clerk.get(f"{url}/publicity/").json()["over"] is True
    assert blocker_codes(advance(clerk, election)) == {"list_published_before_publicity_end"}
    published = clerk.post(f"{url}/candidate-list/publish/", {"published_on": day(5)}, format="json")
    assert published.status_code == 200, published.json()
    moved = advance(clerk, election)
    assert moved.status_code == 200, moved.json()
    assert moved.json()["stage"] == "voting"
    actions = [e.action for e in Event.objects.filter(election=election).order_by("seq")]
    assert actions.count("nomination.submit") == 5 and actions.count("vetting.review") == 20
    assert {"vetting.held_decide", "publicity.set", "objection.register", "objection.resolve",
            "candidate_list.build", "pledge.record", "talk.record", "candidate_list.publish"} <= set(actions)


# ================================================================ the party's 两推


def test_a_party_election_through_its_two_recommendation_meetings(org, users, clerk):
    election = factories.election(org["community"], body="party_committee", stage="nomination",
                                  seats={"secretary": 1, "member": 2})
    url = f"/api/v1/elections/{election.pk}"
    members = [factories.nominee(org["community"], name=name) for name in ["甲一", "乙二", "丙三", "丁四", "戊五", "己六"]]
    votes = [15, 14, 13, 12, 11, 5]

    def meeting(kind, expected, present, ballots):
        return clerk.post(f"{url}/recommendation-meetings/", {
            "kind": kind, "held_on": day(-1), "expected": expected, "present": present, "ballots": ballots,
            "results": [{"person": p.pk, "votes": min(v, ballots)} for p, v in zip(members, votes, strict=True)],
        }, format="json")

    half = meeting("party_members", 40, 20, 20)  # exactly half: not valid
    assert half.status_code == 201, half.json()
    assert (half.json()["valid"], half.json()["qualifying"]) == (False, [])
    blocked = advance(clerk, election)
    assert {"recommendation_meeting_missing", "recommendation_meeting_invalid"} <= blocker_codes(blocked)
    more = meeting("representatives", 30, 16, 16)  # half and one
    assert more.status_code == 201
    assert more.json()["valid"] is True
    assert more.json()["qualifying"] == [p.pk for p in members[:5]]  # more than 8 of 16
    assert [r["qualifying"] for r in more.json()["results"]] == [True] * 5 + [False]
    listing = clerk.get(f"{url}/recommendation-meetings/").json()
    assert [m["kind"] for m in listing["results"]] == ["party_members", "representatives"]

    preliminary = clerk.get(f"{url}/preliminary-list/")
    assert preliminary.status_code == 200
    ranking = preliminary.json()
    assert (ranking["size"], ranking["ballots"], ranking["valid_kinds"], ranking["invalid_kinds"]) == (
        4, 16, ["representatives"], ["party_members"])
    assert [(r["person_name"], r["selected"]) for r in ranking["rows"]] == [
        ("甲一", True), ("乙二", True), ("丙三", True), ("丁四", True), ("戊五", False)]

    # the preliminary list needs both meetings valid (分别超过应到会人数一半以上): the party members' meeting again
    refused = clerk.post(f"{url}/preliminary-list/nominate/", {}, format="json")
    assert refused.status_code == 400 and "党员推荐会议应到 40 人、实到 20 人" in refused.json()["detail"]
    assert meeting("party_members", 40, 21, 21).json()["valid"] is True  # combined: 37 ballots, more than 18.5
    nominated = clerk.post(f"{url}/preliminary-list/nominate/",
                           {"positions": [{"person": members[0].pk, "position": "secretary"}]}, format="json")
    assert nominated.status_code == 201, nominated.json()
    created = {n["person_name"]: n for n in nominated.json()["created"]}
    assert set(created) == {"甲一", "乙二", "丙三", "丁四"}
    assert created["甲一"]["position"] == "secretary" and created["乙二"]["position"] == "member"
    assert created["乙二"]["recommendation_votes"] == 28 and created["乙二"]["channel"] == "party_members"
    again = clerk.post(f"{url}/preliminary-list/nominate/", {}, format="json")
    assert again.status_code == 400

    # 递补: 乙二 withdraws; the next qualifier by votes (戊五) is nominated in the place
    gap = created["乙二"]["id"]
    assert clerk.post(f"/api/v1/nominations/{gap}/fill-gap/", {}, format="json").status_code == 409  # still live
    assert_400(clerk.delete(f"/api/v1/nominations/{gap}/"), "reason")
    assert clerk.delete(f"/api/v1/nominations/{gap}/?reason=本人因工作调动申请退出").status_code == 204
    withdrawn = clerk.get(f"/api/v1/nominations/{gap}/").json()
    assert (withdrawn["status"], withdrawn["outcome"]) == ("withdrawn", "撤回：本人因工作调动申请退出")
    filled = clerk.post(f"/api/v1/nominations/{gap}/fill-gap/", {}, format="json")
    assert filled.status_code == 201, filled.json()
    assert (filled.json()["person_name"], filled.json()["replaces"], filled.json()["recommendation_votes"],
            filled.json()["status"], filled.json()["level"]) == ("戊五", gap, 22, "reviewing", "community")
    assert clerk.post(f"/api/v1/nominations/{gap}/fill-gap/", {}, format="json").status_code == 409

    # 民主测评 of the outgoing secretary (the factory's 现任甲)
    incumbent = election.incumbents.get().person
    appraisal = {"person": incumbent.pk, "ballots": 30, "excellent": 12, "competent": 15, "basic": 2,
                 "incompetent": 1, "held_on": day(-1)}
    recorded = clerk.post(f"{url}/appraisals/", appraisal, format="json")
    assert recorded.status_code == 201, recorded.json()
    assert recorded.json()["shares"]["good"] == 90
    assert clerk.post(f"{url}/appraisals/", {**appraisal, "excellent": 10}, format="json").status_code == 200
    assert clerk.get(f"{url}/appraisals/").json()["count"] == 1
    assert_400(clerk.post(f"{url}/appraisals/", {**appraisal, "person": members[5].pk}, format="json"), "person")


def test_exactly_half_of_the_ballots_does_not_qualify_and_a_meeting_can_be_recorded_again(org, clerk):
    election = factories.election(org["community"], body="party_committee", stage="nomination")
    url = f"/api/v1/elections/{election.pk}/recommendation-meetings/"
    a, b = factories.nominee(org["community"]), factories.nominee(org["community"])
    body = {"expected": 40, "present": 21, "ballots": 20, "results": [{"person": a.pk, "votes": 10},
                                                                      {"person": b.pk, "votes": 11}]}
    first = clerk.post(url, body, format="json")  # kind defaults to the party members' meeting
    assert first.status_code == 201
    assert (first.json()["kind"], first.json()["valid"], first.json()["qualifying"]) == ("party_members", True,
                                                                                         [b.pk])
    second = clerk.post(url, {**body, "present": 30}, format="json")
    assert second.status_code == 200 and second.json()["present"] == 30
    assert clerk.get(url).json()["count"] == 1
    assert_400(clerk.post(url, {**body, "ballots": 25}, format="json"), "ballots")  # more ballots than present
    rc = factories.election(org["other_community"], stage="nomination")
    other = api_as(factories.user("community_clerk", org["other_community"]))
    refused = other.post(f"/api/v1/elections/{rc.pk}/recommendation-meetings/", {**body, "results": []},
                         format="json")
    assert refused.status_code == 400 and "两推" in refused.json()["detail"]


# ================================================================ nominations


def test_a_nomination_is_corrected_with_its_version_until_the_community_has_reviewed_it(org, clerk, street):
    election = factories.election(org["community"], stage="nomination")
    created = nominate(clerk, election, factories.nominee(org["community"]), "member", "joint_voters", voters(20))
    nid = created.json()["id"]
    stale = clerk.patch(f"/api/v1/nominations/{nid}/", {"basis": "联名提名表", "version": 7}, format="json")
    assert stale.status_code == 409 and CHINESE.search(stale.json()["detail"])
    assert_400(clerk.patch(f"/api/v1/nominations/{nid}/", {"supporters": voters(19)}, format="json",
                           HTTP_IF_MATCH='"1"'), "supporters")
    patched = clerk.patch(f"/api/v1/nominations/{nid}/", {"basis": "联名提名表", "position": "vice_chair"},
                          format="json", HTTP_IF_MATCH='"1"')
    assert patched.status_code == 200, patched.json()
    assert (patched.json()["basis"], patched.json()["position"], patched.json()["version"]) == ("联名提名表",
                                                                                                "vice_chair", 2)
    assert patched["ETag"] == '"2"'
    assert_400(clerk.patch(f"/api/v1/nominations/{nid}/", {"basis": "x"}, format="json", HTTP_IF_MATCH='"two"'),
               "version")
    assert review(clerk, nid, "community", version=2).status_code == 201
    late = clerk.patch(f"/api/v1/nominations/{nid}/", {"basis": "改"}, format="json")
    assert late.status_code == 409


def test_nomination_refusals_name_their_field(org, users, clerk, street):
    election = factories.election(org["community"], stage="nomination")
    person = factories.nominee(org["community"])
    assert_400(nominate(clerk, election, person, "member", "party_members"), "channel")
    assert_400(nominate(clerk, election, person, "secretary"), "position")
    young = factories.nominee(org["community"], birth=dt.date(2012, 6, 1))
    assert_400(nominate(clerk, election, young), "person")
    assert_400(nominate(clerk, election, factories.nominee(org["other_community"])), "person")
    unknown = nominate(clerk, election, person, replaces=987654)
    assert_400(unknown, "replaces")
    assert nominate(clerk, election, person).status_code == 201
    assert_400(nominate(clerk, election, person, "chair"), "person")  # one live nomination per person
    party = factories.election(org["community"], body="party_committee", stage="nomination", camp=election.campaign)
    refused = nominate(clerk, party, factories.nominee(org["community"]), channel="street_party_committee")
    assert refused.status_code == 403
    assert nominate(street, party, factories.nominee(org["community"]), channel="street_party_committee"
                    ).status_code == 201
    preparing = factories.election(org["sibling"], stage="preparation")
    assert nominate(street, preparing, factories.nominee(org["sibling"])).status_code == 409


def test_an_rc_replacement_names_the_nomination_it_replaces(org, clerk):
    election = factories.election(org["community"], stage="vetting")
    rejected = factories.nominate(election, position="chair", status="rejected", outcome="不得：受过刑事处罚")
    assert nominate(clerk, election, factories.nominee(org["community"]), "chair").status_code == 409
    replacement = nominate(clerk, election, factories.nominee(org["community"]), "chair", replaces=rejected.pk)
    assert replacement.status_code == 201, replacement.json()
    assert replacement.json()["replaces"] == rejected.pk
    assert clerk.post(f"/api/v1/nominations/{rejected.pk}/fill-gap/", {}, format="json").status_code == 400


def test_withdraw_by_post_needs_a_reason_and_leaves_the_formal_list(org, clerk):
    election = factories.election(org["community"], stage="publicity")
    [candidate, *_] = factories.formal_list(election)
    url = f"/api/v1/nominations/{candidate.nomination_id}/withdraw/"
    assert_400(clerk.post(url, {}, format="json"), "reason")
    done = clerk.post(url, {"reason": "本人申请退出"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"
    assert not Candidate.objects.filter(pk=candidate.pk).exists()
    assert clerk.post(url, {"reason": "again"}, format="json").status_code == 409


def test_other_jurisdictions_nominations_are_not_found_and_say_nothing_more(org, users):
    election = factories.election(org["community"], stage="nomination")
    nomination = factories.nominate(election)
    outsider = api_as(users["other_clerk"])
    missing = outsider.get("/api/v1/nominations/987654/")
    assert missing.status_code == 404
    for method, path in [("get", f"/api/v1/nominations/{nomination.pk}/"),
                         ("patch", f"/api/v1/nominations/{nomination.pk}/"),
                         ("delete", f"/api/v1/nominations/{nomination.pk}/?reason=x"),
                         ("post", f"/api/v1/nominations/{nomination.pk}/withdraw/"),
                         ("post", f"/api/v1/nominations/{nomination.pk}/pledge/"),
                         ("post", f"/api/v1/nominations/{nomination.pk}/talk/"),
                         ("post", f"/api/v1/nominations/{nomination.pk}/fill-gap/"),
                         ("get", f"/api/v1/elections/{election.pk}/nominations/"),
                         ("get", f"/api/v1/elections/{election.pk}/candidates/"),
                         ("get", f"/api/v1/elections/{election.pk}/preliminary-list/"),
                         ("get", f"/api/v1/elections/{election.pk}/candidate-list/"),
                         ("get", f"/api/v1/elections/{election.pk}/structure/"),
                         ("get", f"/api/v1/elections/{election.pk}/recommendation-meetings/")]:
        response = getattr(outsider, method)(path, {}, format="json")
        assert response.status_code == 404, (method, path)
        assert response.content == missing.content, (method, path)
    assert outsider.get("/api/v1/nominations/").json()["count"] == 0
    assert api_as(users["street_staff"]).get("/api/v1/nominations/").json()["count"] == 1
    assert Nomination.objects.get().status == "reviewing"


def test_the_nominations_list_filters(org, clerk):
    election = factories.election(org["community"], stage="nomination")
    factories.nominate(election, factories.nominee(org["community"], name="王小明"), position="chair")
    factories.nominate(election, factories.nominee(org["community"], name="李大海"), status="approved")
    assert [r["person_name"] for r in clerk.get("/api/v1/nominations/?q=wxm").json()["results"]] == ["王小明"]
    assert [r["person_name"] for r in clerk.get("/api/v1/nominations/?status=approved").json()["results"]] == [
        "李大海"]
    assert clerk.get(f"/api/v1/nominations/?community={org['community'].pk}&position=chair").json()["count"] == 1
    assert_400(clerk.get("/api/v1/nominations/?community=abc"), "community")


# ================================================================ the formal list


def test_candidates_are_added_and_removed_one_by_one_with_a_reason(org, clerk):
    election = factories.election(org["community"], stage="publicity")
    approved = factories.approved_slate(election)
    url = f"/api/v1/elections/{election.pk}/candidates/"
    added = clerk.post(url, {"nomination": approved[0].pk}, format="json")
    assert added.status_code == 201, added.json()
    assert (added.json()["nomination"], added.json()["order"]) == (approved[0].pk, 1)
    assert_400(clerk.post(url, {"nomination": approved[0].pk}, format="json"), "nomination")
    reviewing = factories.nominate(election)
    assert_400(clerk.post(url, {"nomination": reviewing.pk}, format="json"), "nomination")
    elsewhere = factories.nominate(factories.election(org["sibling"], stage="publicity"), status="approved")
    assert_400(clerk.post(url, {"nomination": elsewhere.pk}, format="json"), "nomination")
    cid = added.json()["id"]
    assert clerk.get(f"{url}{cid}/").json()["person_name"] == approved[0].person.name
    assert_400(clerk.delete(f"{url}{cid}/"), "reason")
    assert clerk.delete(f"{url}{cid}/", {"reason": "超出差额上限"}, format="json").status_code == 204
    assert clerk.get(f"{url}{cid}/").status_code == 404
    assert Event.objects.get(action="candidate.remove").after == {"reason": "超出差额上限"}
    again = clerk.post(f"{url}build/", {}, format="json")
    assert again.status_code == 201 and len(again.json()["added"]) == len(approved)
    assert clerk.post(f"{url}build/", {}, format="json").json() == {"added": []}


def test_a_party_list_is_submitted_to_the_street_and_approved_before_it_is_published(org, users, clerk, street):
    election = factories.election(org["community"], body="party_committee", stage="publicity")
    factories.formal_list(election, approve=False)
    url = f"/api/v1/elections/{election.pk}/candidate-list/"
    state = clerk.get(url).json()
    assert (state["approval"], state["published_on"], state["margin_problems"]) == ("", None, [])
    assert {p["position"] for p in state["positions"]} == {"secretary", "deputy_secretary", "member"}
    assert clerk.post(f"{url}publish/", {"published_on": day(0)}, format="json").status_code == 409
    assert street.post(f"{url}decide/", {"approve": True}, format="json").status_code == 409  # not submitted
    submitted = clerk.post(f"{url}submit/", {}, format="json")
    assert submitted.status_code == 200 and submitted.json()["approval"] == "submitted"
    assert clerk.post(f"{url}decide/", {"approve": True}, format="json").status_code == 403
    assert_400(street.post(f"{url}decide/", {"approve": False}, format="json"), "reply")
    approved = street.post(f"{url}decide/", {"approve": True}, format="json")
    assert approved.status_code == 200 and (approved.json()["approval"], approved.json()["approval_on"]) == (
        "approved", day(0))
    published = clerk.post(f"{url}publish/", {"published_on": day(0)}, format="json")
    assert published.status_code == 200 and published.json()["published_on"] == day(0)
    structure = clerk.get(f"/api/v1/elections/{election.pk}/structure/").json()
    assert set(structure) == {"warnings", "community_warnings", "positions"}
    assert all(isinstance(w, str) for w in structure["warnings"] + structure["community_warnings"])


def test_pledges_are_recorded_and_corrected(org, clerk):
    election = factories.election(org["community"], stage="publicity")
    nomination = factories.nominate(election, status="approved")
    url = f"/api/v1/nominations/{nomination.pk}/pledge/"
    assert_400(clerk.post(url, {"signed_on": day(1)}, format="json"), "signed_on")
    assert clerk.post(url, {"signed_on": day(-1)}, format="json").status_code == 201
    corrected = clerk.post(url, {"signed_on": day(0)}, format="json")
    assert corrected.status_code == 200 and corrected.json() == {"nomination": nomination.pk, "signed_on": day(0)}
    assert_400(clerk.post(f"/api/v1/nominations/{nomination.pk}/talk/", {"held_on": day(0), "interviewers": " "},
                          format="json"), "interviewers")


# ================================================================ pagination and query counts


def test_lists_are_paginated(org, clerk):
    election = factories.election(org["community"], stage="nomination")
    factories.nominated(election, 5)
    page = clerk.get(f"/api/v1/elections/{election.pk}/nominations/?page_size=2").json()
    assert set(page) == PAGE and page["count"] == 5 and len(page["results"]) == 2
    assert page["next"].endswith("page=2&page_size=2") and page["previous"] is None


def _measure(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()


LISTS = {
    "election nominations": lambda e: f"/api/v1/elections/{e.pk}/nominations/",
    "nominations": lambda e: "/api/v1/nominations/",
    "formal list": lambda e: f"/api/v1/elections/{e.pk}/candidates/",
    "appraisals": lambda e: f"/api/v1/elections/{e.pk}/appraisals/",
}


@pytest.mark.parametrize("name", LISTS)
def test_list_queries_stay_flat_from_3_to_12_rows(org, users, clerk, name, django_assert_max_num_queries):
    from candidates.models import Appraisal, Incumbent

    election = factories.election(org["community"], stage="publicity")
    who = factories.recorder()

    def grow(n):
        made = factories.nominated(election, n, status="approved",
                                   replaces=factories.nominate(election, status="rejected"))
        factories.formal_list(election)
        for nomination in made:
            Incumbent.objects.create(election=election, person=nomination.person, position="member")
            Appraisal.objects.create(election=election, person=nomination.person, ballots=10, excellent=5,
                                     recorded_by=who)

    grow(3)
    few, body = _measure(clerk, LISTS[name](election))
    assert body["count"] >= 3
    grow(9)
    with django_assert_max_num_queries(few):
        response = clerk.get(LISTS[name](election))
    assert response.json()["count"] >= 12


def test_supporters_padded_with_invisible_characters_do_not_meet_the_threshold(org, clerk):
    election = factories.election(org["community"], stage="nomination")
    padded = voters(19) + ["选民1\u200b"]  # 20 strings, 19 people
    refused = nominate(clerk, election, factories.nominee(org["community"]), "member", "joint_voters", padded)
    messages = assert_400(refused, "supporters")
    assert any("联名人重复" in m and "选民1" in m for m in messages)
    assert Nomination.objects.filter(election=election).count() == 0

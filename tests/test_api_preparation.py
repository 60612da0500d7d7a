"""The preparation API: incumbents and audits, talks, the residents' election committee, the rulebook's
adoption, the party request and its reply, rectification — and two elections walked through to nomination
by API calls alone."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from candidates.models import Audit, CommitteeMember, Incumbent, Talk
from elections.models import Event, PartyRequest, Rectification, RulebookAdoption
from tests import factories
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")
INCUMBENT_FIELDS = {"id", "election", "person", "position", "note", "person_name", "audit", "audit_status", "talked"}
AUDIT_FIELDS = {"auditor", "conclusion", "findings", "handling", "audited_on", "published_on"}
MEMBER_FIELDS = {"id", "person", "role", "votes", "person_name", "active", "withdrawn_reason", "replaces"}
ADOPTION_FIELDS = {"meeting", "held_on", "expected", "present", "votes_for", "votes_against", "abstentions",
                   "published_on", "quorate", "adopted", "rulebook_code"}
REQUEST_FIELDS = {"id", "election", "meeting_kind", "recommendation_method", "note", "submitted_on", "status",
                  "decided_on", "reply"}
RECTIFICATION_FIELDS = {"id", "campaign", "community", "community_name", "category", "problems", "plan",
                        "responsible", "flagged_on", "completed_on", "completion_note", "status"}


def ago(days: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


def rc(org, **kw):
    return factories.election(org["community"], prepared=False, **kw)


def party(org, **kw):
    return factories.election(org["community"], body="party_committee", prepared=False, **kw)


def someone(community, name="王五"):
    return factories.person(community, name=name, birth=dt.date(1970, 1, 1) + dt.timedelta(days=next(_days)))


_days = iter(range(1, 100000, 37))


def actions(client, election) -> list[str]:
    response = client.get(f"/api/v1/elections/{election.pk}/events/?page_size=500")
    assert response.status_code == 200
    return [event["action"] for event in response.json()["results"]]


def blocker_codes(client, election) -> set[str]:
    response = client.get(f"/api/v1/elections/{election.pk}/gates/")
    assert response.status_code == 200
    return {b["code"] for b in response.json()["blocked_by"]}


def assert_400(response, field):
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert field in body["errors"], body
    assert all(isinstance(m, str) and m for m in body["errors"][field])


@pytest.fixture
def clerk(users):
    return api_as(users["community_clerk"])


@pytest.fixture
def street(users):
    return api_as(users["street_staff"])


# ================================================================ incumbents


def test_add_and_list_incumbents(org, clerk):
    election = rc(org)
    person = someone(org["community"], "李明")
    response = clerk.post(f"/api/v1/elections/{election.pk}/incumbents/",
                          {"person": person.pk, "position": "chair", "note": "连任两届"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == INCUMBENT_FIELDS
    assert (body["election"], body["person"], body["position"], body["note"], body["person_name"]) == (
        election.pk, person.pk, "chair", "连任两届", "李明")
    assert (body["audit"], body["audit_status"], body["talked"]) == (None, "missing", False)
    assert Incumbent.objects.get(pk=body["id"]).person == person

    listing = clerk.get(f"/api/v1/elections/{election.pk}/incumbents/")
    assert listing.status_code == 200
    page = listing.json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] == 1
    assert page["results"][0] == body
    assert actions(clerk, election) == ["incumbent.add"]


def test_incumbent_bad_input_is_a_400_on_the_field(org, clerk):
    election = rc(org)
    person = someone(org["community"])
    url = f"/api/v1/elections/{election.pk}/incumbents/"
    assert clerk.post(url, {"person": person.pk, "position": "chair"}, format="json").status_code == 201

    assert_400(clerk.post(url, {"person": person.pk, "position": "member"}, format="json"), "person")  # twice
    other = someone(org["community"])
    wrong_body = clerk.post(url, {"person": other.pk, "position": "secretary"}, format="json")
    assert_400(wrong_body, "position")
    assert CHINESE.search(wrong_body.json()["errors"]["position"][0])
    assert_400(clerk.post(url, {"person": other.pk, "position": "boss"}, format="json"), "position")
    assert_400(clerk.post(url, {"position": "member"}, format="json"), "person")
    assert_400(clerk.post(url, {"person": 999999, "position": "member"}, format="json"), "person")
    assert Incumbent.objects.filter(election=election).count() == 1


def test_a_person_outside_the_callers_jurisdiction_is_a_400_not_a_leak(org, users, clerk):
    election = rc(org)
    elsewhere = someone(org["other_community"], "赵六")
    response = clerk.post(f"/api/v1/elections/{election.pk}/incumbents/",
                          {"person": elsewhere.pk, "position": "member"}, format="json")
    assert_400(response, "person")
    unknown = clerk.post(f"/api/v1/elections/{election.pk}/incumbents/",
                         {"person": 987654, "position": "member"}, format="json")
    assert response.json()["errors"]["person"] == unknown.json()["errors"]["person"], "same answer as unknown"
    assert "赵六" not in response.content.decode()
    assert not Incumbent.objects.exists()


def test_patch_and_delete_an_incumbent_the_delete_needs_a_reason(org, clerk):
    election = rc(org)
    first, second = someone(org["community"]), someone(org["community"])
    url = f"/api/v1/elections/{election.pk}/incumbents/"
    one = clerk.post(url, {"person": first.pk, "position": "member"}, format="json").json()
    two = clerk.post(url, {"person": second.pk, "position": "member"}, format="json").json()

    patched = clerk.patch(f"{url}{one['id']}/", {"position": "vice_chair", "note": "主持工作"}, format="json")
    assert patched.status_code == 200, patched.json()
    assert (patched.json()["position"], patched.json()["note"]) == ("vice_chair", "主持工作")
    assert_400(clerk.patch(f"{url}{one['id']}/", {"position": "deputy_secretary"}, format="json"), "position")
    assert Incumbent.objects.get(pk=one["id"]).position == "vice_chair"

    assert_400(clerk.delete(f"{url}{one['id']}/"), "reason")
    assert_400(clerk.delete(f"{url}{one['id']}/", {"reason": "  "}, format="json"), "reason")
    assert Incumbent.objects.filter(pk=one["id"]).exists()

    assert clerk.delete(f"{url}{one['id']}/?reason=录入错误").status_code == 204
    assert clerk.delete(f"{url}{two['id']}/", {"reason": "已调离"}, format="json").status_code == 204
    assert not Incumbent.objects.filter(election=election).exists()
    assert clerk.get(f"{url}{one['id']}/").status_code == 404

    assert actions(clerk, election) == ["incumbent.add", "incumbent.add", "incumbent.update", "incumbent.remove",
                                        "incumbent.remove"]
    removals = Event.objects.filter(election=election, action="incumbent.remove").order_by("seq")
    assert [e.after["reason"] for e in removals] == ["录入错误", "已调离"]


def test_incumbents_cannot_change_outside_preparation(org, clerk):
    election = rc(org, stage="nomination")
    incumbent = Incumbent.objects.create(election=election, person=someone(org["community"]), position="member")
    url = f"/api/v1/elections/{election.pk}/incumbents/"
    added = clerk.post(url, {"person": someone(org["community"]).pk, "position": "member"}, format="json")
    assert added.status_code == 409
    assert CHINESE.search(added.json()["detail"])
    assert clerk.patch(f"{url}{incumbent.pk}/", {"note": "x"}, format="json").status_code == 409
    assert clerk.delete(f"{url}{incumbent.pk}/?reason=错误").status_code == 409
    audit = clerk.post(f"/api/v1/incumbents/{incumbent.pk}/audit/", {"auditor": "区审计局", "conclusion": "无"},
                       format="json")
    assert audit.status_code == 409
    assert Incumbent.objects.filter(election=election).count() == 1
    assert not Audit.objects.exists()


def test_another_streets_election_and_incumbent_are_not_found(org, users):
    election = rc(org)
    incumbent = Incumbent.objects.create(election=election, person=someone(org["community"]), position="chair")
    for who in ("other_street_staff", "other_clerk"):
        client = api_as(users[who])
        assert client.get(f"/api/v1/elections/{election.pk}/incumbents/").status_code == 404
        assert client.post(f"/api/v1/elections/{election.pk}/incumbents/",
                           {"person": someone(org["other_community"]).pk, "position": "member"},
                           format="json").status_code == 404
        assert client.get(f"/api/v1/elections/{election.pk}/incumbents/{incumbent.pk}/").status_code == 404
        assert client.get(f"/api/v1/incumbents/{incumbent.pk}/").status_code == 404
        assert client.get(f"/api/v1/incumbents/{incumbent.pk}/audit/").status_code == 404
        assert client.post(f"/api/v1/incumbents/{incumbent.pk}/audit/", {"auditor": "x", "conclusion": "y"},
                           format="json").status_code == 404
        assert client.get(f"/api/v1/incumbents/{incumbent.pk}/talks/").status_code == 404
        assert client.get(f"/api/v1/elections/{election.pk}/committee-members/").status_code == 404
        assert client.get(f"/api/v1/elections/{election.pk}/rulebook-adoption/").status_code == 404
    assert not Audit.objects.exists()


def test_an_incumbent_is_found_only_under_its_own_election(org, clerk):
    election = rc(org)
    other = party(org, camp=election.campaign)
    incumbent = Incumbent.objects.create(election=election, person=someone(org["community"]), position="chair")
    assert clerk.get(f"/api/v1/elections/{election.pk}/incumbents/{incumbent.pk}/").status_code == 200
    assert clerk.get(f"/api/v1/elections/{other.pk}/incumbents/{incumbent.pk}/").status_code == 404
    assert clerk.delete(f"/api/v1/elections/{other.pk}/incumbents/{incumbent.pk}/?reason=x").status_code == 404
    assert Incumbent.objects.filter(pk=incumbent.pk).exists()


def test_a_district_reviewer_may_read_but_not_write(org, users):
    election = rc(org)
    incumbent = Incumbent.objects.create(election=election, person=someone(org["community"]), position="chair")
    reviewer = api_as(users["district_reviewer"])
    assert reviewer.get(f"/api/v1/elections/{election.pk}/incumbents/").status_code == 200
    writes = [
        reviewer.post(f"/api/v1/elections/{election.pk}/incumbents/",
                      {"person": someone(org["community"]).pk, "position": "member"}, format="json"),
        reviewer.patch(f"/api/v1/elections/{election.pk}/incumbents/{incumbent.pk}/", {"note": "x"}, format="json"),
        reviewer.post(f"/api/v1/incumbents/{incumbent.pk}/audit/",
                      {"auditor": "区审计局", "conclusion": "未发现问题"}, format="json"),
        reviewer.post(f"/api/v1/incumbents/{incumbent.pk}/talks/",
                      {"held_on": ago(1), "interviewers": "街道书记"}, format="json"),
        reviewer.post(f"/api/v1/elections/{election.pk}/committee-members/",
                      {"person": someone(org["community"]).pk, "role": "member"}, format="json"),
        reviewer.put(f"/api/v1/elections/{election.pk}/rulebook-adoption/",
                     {"meeting": "residents_meeting", "held_on": ago(3), "expected": 10, "present": 8,
                      "votes_for": 7}, format="json"),
        reviewer.post("/api/v1/rectifications/",
                      {"campaign": election.campaign_id, "community": org["community"].pk, "category": "weak_lax",
                       "problems": "班子不团结", "plan": "调整"}, format="json"),
    ]
    assert [w.status_code for w in writes] == [403] * len(writes)
    assert Incumbent.objects.count() == 1
    assert not (Audit.objects.exists() or Talk.objects.exists() or CommitteeMember.objects.exists()
                or RulebookAdoption.objects.exists() or Rectification.objects.exists())
    assert not Event.objects.filter(election=election).exists()


# ================================================================ audits


def test_record_then_correct_an_audit(org, clerk):
    election = rc(org)
    incumbent = Incumbent.objects.create(election=election, person=someone(org["community"], "孙七"),
                                         position="chair")
    url = f"/api/v1/incumbents/{incumbent.pk}/audit/"
    assert clerk.get(url).status_code == 404

    created = clerk.post(url, {"auditor": "区审计局", "conclusion": "未发现问题", "audited_on": ago(20)},
                         format="json")
    assert created.status_code == 201, created.json()
    assert created.json() == {"auditor": "区审计局", "conclusion": "未发现问题", "findings": "", "handling": "",
                              "audited_on": ago(20), "published_on": None}
    row = clerk.get(f"/api/v1/elections/{election.pk}/incumbents/{incumbent.pk}/").json()
    assert row["audit_status"] == "unpublished"
    assert row["audit"] == created.json()

    corrected = clerk.post(url, {"auditor": "区审计局", "conclusion": "未发现问题", "audited_on": ago(20),
                                 "findings": "账目不清", "handling": "已整改", "published_on": ago(10)}, format="json")
    assert corrected.status_code == 200
    assert set(corrected.json()) == AUDIT_FIELDS
    assert clerk.get(url).json() == corrected.json()
    assert Audit.objects.count() == 1
    assert clerk.get(f"/api/v1/incumbents/{incumbent.pk}/").json()["audit_status"] == "done"
    assert actions(clerk, election) == ["audit.record", "audit.record"]


def test_one_audit_counts_for_a_person_on_both_committees(org, clerk):
    rc_election = rc(org)
    party_election = party(org, camp=rc_election.campaign)
    person = someone(org["community"])
    on_rc = Incumbent.objects.create(election=rc_election, person=person, position="chair")
    on_party = Incumbent.objects.create(election=party_election, person=person, position="deputy_secretary")
    response = clerk.post(f"/api/v1/incumbents/{on_rc.pk}/audit/",
                          {"auditor": "区审计局", "conclusion": "良好", "audited_on": ago(9), "published_on": ago(5)},
                          format="json")
    assert response.status_code == 201
    assert clerk.get(f"/api/v1/incumbents/{on_party.pk}/audit/").json() == response.json()
    assert clerk.get(f"/api/v1/elections/{party_election.pk}/incumbents/").json()["results"][0][
        "audit_status"] == "done"


@pytest.mark.parametrize(("payload", "field"), [
    ({"auditor": "区审计局", "conclusion": "良好", "audited_on": ago(5), "published_on": ago(9)}, "published_on"),
    ({"auditor": "", "conclusion": "良好"}, "auditor"),
    ({"auditor": "区审计局", "conclusion": "  "}, "conclusion"),
    ({"auditor": "区审计局", "conclusion": "良好", "audited_on": ago(-3)}, "audited_on"),
    ({"auditor": "区审计局", "conclusion": "良好", "published_on": ago(-1)}, "published_on"),
    ({"auditor": "区审计局", "conclusion": "良好", "audited_on": "2024/01/01"}, "audited_on"),
    ({"conclusion": "良好"}, "auditor"),
])
def test_bad_audits_are_400s_on_the_field(org, clerk, payload, field):
    election = rc(org)
    incumbent = Incumbent.objects.create(election=election, person=someone(org["community"]), position="chair")
    assert_400(clerk.post(f"/api/v1/incumbents/{incumbent.pk}/audit/", payload, format="json"), field)
    assert not Audit.objects.exists()


def test_gates_show_the_missing_audit_until_it_is_recorded_and_published(org, clerk):
    election = rc(org)
    assert "incumbents_missing" in blocker_codes(clerk, election)
    added = clerk.post(f"/api/v1/elections/{election.pk}/incumbents/",
                       {"person": someone(org["community"]).pk, "position": "chair"}, format="json").json()
    codes = blocker_codes(clerk, election)
    assert "audit_missing" in codes and "incumbents_missing" not in codes

    url = f"/api/v1/incumbents/{added['id']}/audit/"
    clerk.post(url, {"auditor": "区审计局", "conclusion": "良好", "audited_on": ago(9)}, format="json")
    codes = blocker_codes(clerk, election)
    assert "audit_missing" not in codes and "audit_unpublished" in codes

    clerk.post(url, {"auditor": "区审计局", "conclusion": "有问题", "audited_on": ago(9), "published_on": ago(2),
                     "findings": "白条入账"}, format="json")
    codes = blocker_codes(clerk, election)
    assert "audit_unpublished" not in codes and "audit_findings_unhandled" in codes

    clerk.post(url, {"auditor": "区审计局", "conclusion": "有问题", "audited_on": ago(9), "published_on": ago(2),
                     "findings": "白条入账", "handling": "已退赔"}, format="json")
    assert not {c for c in blocker_codes(clerk, election) if c.startswith("audit")}


# ================================================================ talks


def test_talks_with_an_incumbent(org, clerk):
    election = rc(org)
    incumbent = Incumbent.objects.create(election=election, person=someone(org["community"]), position="chair")
    url = f"/api/v1/incumbents/{incumbent.pk}/talks/"
    assert clerk.get(url).json()["count"] == 0

    response = clerk.post(url, {"held_on": ago(3), "interviewers": "街道党工委书记 王某", "note": "愿意继续参选"},
                          format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"id", "held_on", "interviewers", "note"}
    assert (body["held_on"], body["interviewers"], body["note"]) == (ago(3), "街道党工委书记 王某", "愿意继续参选")
    clerk.post(url, {"held_on": ago(1), "interviewers": "组织委员 李某"}, format="json")

    listing = clerk.get(url).json()
    assert listing["count"] == 2
    assert [t["held_on"] for t in listing["results"]] == [ago(1), ago(3)], "newest first"
    assert clerk.get(f"/api/v1/incumbents/{incumbent.pk}/").json()["talked"] is True

    assert_400(clerk.post(url, {"held_on": ago(-2), "interviewers": "王某"}, format="json"), "held_on")
    assert_400(clerk.post(url, {"held_on": ago(2), "interviewers": " "}, format="json"), "interviewers")
    assert_400(clerk.post(url, {"interviewers": "王某"}, format="json"), "held_on")
    assert Talk.objects.count() == 2
    assert actions(clerk, election) == ["talk.record", "talk.record"]


# ================================================================ the overview across a jurisdiction


def test_incumbent_overview_filters_and_scope(org, users, street):
    camp = factories.campaign(org["street"])
    here = factories.election(org["community"], camp=camp, prepared=False)
    sibling = factories.election(org["sibling"], camp=camp, body="party_committee", prepared=False)
    far = factories.election(org["other_community"], prepared=False)
    done = Incumbent.objects.create(election=here, person=someone(org["community"], "周一"), position="chair")
    missing = Incumbent.objects.create(election=sibling, person=someone(org["sibling"], "吴二"),
                                       position="secretary")
    Incumbent.objects.create(election=far, person=someone(org["other_community"], "郑三"), position="chair")
    recorder = users["street_staff"]
    Audit.objects.create(campaign=camp, community=org["community"], person=done.person, auditor="区审计局",
                         conclusion="良好", audited_on=timezone.localdate() - dt.timedelta(days=9),
                         published_on=timezone.localdate() - dt.timedelta(days=5),
                         recorded_by=recorder)
    Talk.objects.create(campaign=camp, community=org["sibling"], person=missing.person, held_on=timezone.localdate(),
                        interviewers="王某", recorded_by=recorder)

    def ids(query=""):
        response = street.get(f"/api/v1/incumbents/{query}")
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {done.pk, missing.pk}, "another street's incumbents are not listed"
    first = street.get("/api/v1/incumbents/").json()["results"][0]
    assert set(first) >= INCUMBENT_FIELDS | {"body", "community", "community_name", "street_name"}
    assert (first["community_name"], first["street_name"]) == ("东关社区", "西街道")
    assert ids("?audit_status=done") == {done.pk}
    assert ids("?audit_status=missing") == {missing.pk}
    assert ids("?audit_status=pending") == {missing.pk}
    assert ids("?talked=yes") == {missing.pk}
    assert ids("?talked=no") == {done.pk}
    assert ids(f"?community={org['sibling'].pk}") == {missing.pk}
    assert ids("?body=residents_committee") == {done.pk}
    assert ids(f"?campaign={camp.pk}&street={org['street'].pk}") == {done.pk, missing.pk}
    assert ids("?q=zy") == {done.pk}, "pinyin initials of 周一"
    assert ids("?q=吴") == {missing.pk}
    assert_400(street.get("/api/v1/incumbents/?audit_status=finished"), "audit_status")
    assert_400(street.get("/api/v1/incumbents/?talked=maybe"), "talked")
    assert_400(street.get("/api/v1/incumbents/?campaign=abc"), "campaign")

    clerk_rows = api_as(users["community_clerk"]).get("/api/v1/incumbents/").json()
    assert {row["id"] for row in clerk_rows["results"]} == {done.pk}
    assert api_as(users["district_admin"]).get("/api/v1/incumbents/").json()["count"] == 3


# ================================================================ the residents' election committee


def committee(election, size=7, alternates=()):
    members = [CommitteeMember.objects.create(election=election, person=someone(election.community, f"委员{i}"),
                                              role="chair" if i == 0 else "member", votes=200 - i)
               for i in range(size)]
    extra = [CommitteeMember.objects.create(election=election, person=someone(election.community, name),
                                            role="alternate", votes=votes)
             for name, votes in alternates]
    return members, extra


def test_committee_members_add_list_patch_delete(org, clerk):
    election = rc(org)
    url = f"/api/v1/elections/{election.pk}/committee-members/"
    chair = clerk.post(url, {"person": someone(org["community"], "钱主任").pk, "role": "chair", "votes": 88},
                       format="json")
    assert chair.status_code == 201, chair.json()
    body = chair.json()
    assert set(body) == MEMBER_FIELDS
    assert (body["role"], body["votes"], body["person_name"], body["active"], body["withdrawn_reason"],
            body["replaces"]) == ("chair", 88, "钱主任", True, "", None)
    member = clerk.post(url, {"person": someone(org["community"]).pk, "role": "member", "votes": 70},
                        format="json").json()
    listing = clerk.get(url).json()
    assert listing["count"] == 2
    assert [m["id"] for m in listing["results"]] == [body["id"], member["id"]]

    patched = clerk.patch(f"{url}{member['id']}/", {"votes": 75, "role": "vice_chair"}, format="json")
    assert patched.status_code == 200, patched.json()
    assert (patched.json()["votes"], patched.json()["role"]) == (75, "vice_chair")
    assert_400(clerk.patch(f"{url}{member['id']}/", {"person": someone(org["community"]).pk}, format="json"),
               "person")
    assert_400(clerk.patch(f"{url}{member['id']}/", {"role": "chair"}, format="json"), "role")  # a second chair
    assert_400(clerk.patch(f"{url}{member['id']}/", {"votes": -1}, format="json"), "votes")

    assert_400(clerk.delete(f"{url}{member['id']}/"), "reason")
    assert clerk.delete(f"{url}{member['id']}/", {"reason": "录入错误"}, format="json").status_code == 204
    assert clerk.get(f"{url}{member['id']}/").status_code == 404
    assert clerk.get(url).json()["count"] == 1
    assert actions(clerk, election) == ["committee.add", "committee.add", "committee.update", "committee.remove"]


def test_committee_member_bad_input(org, clerk):
    election = rc(org)
    url = f"/api/v1/elections/{election.pk}/committee-members/"
    person = someone(org["community"])
    assert clerk.post(url, {"person": person.pk, "role": "chair"}, format="json").status_code == 201
    assert_400(clerk.post(url, {"person": someone(org["community"]).pk, "role": "chair"}, format="json"), "role")
    assert_400(clerk.post(url, {"person": person.pk, "role": "member"}, format="json"), "person")
    assert_400(clerk.post(url, {"person": someone(org["other_community"]).pk, "role": "member"}, format="json"),
               "person")
    assert_400(clerk.post(url, {"person": someone(org["community"]).pk, "role": "boss"}, format="json"), "role")
    assert_400(clerk.post(url, {"person": someone(org["community"]).pk, "role": "member", "votes": -3},
                          format="json"), "votes")
    assert CommitteeMember.objects.filter(election=election).count() == 1

    party_election = party(org, camp=election.campaign)
    refused = clerk.post(f"/api/v1/elections/{party_election.pk}/committee-members/",
                         {"person": someone(org["community"]).pk, "role": "member"}, format="json")
    assert refused.status_code == 400
    assert CHINESE.search(refused.json()["detail"])


def test_withdrawal_brings_in_the_alternate_with_most_votes_until_none_is_left(org, clerk):
    election = rc(org)
    members, alternates = committee(election, alternates=[("候补甲", 40), ("候补乙", 90), ("候补丙", 60)])
    low, high, middle = alternates
    url = f"/api/v1/elections/{election.pk}/committee-members/"

    first = clerk.post(f"{url}{members[3].pk}/withdraw/", {"reason": "被提名为候选人"}, format="json")
    assert first.status_code == 200, first.json()
    body = first.json()
    assert set(body) >= {"member", "replacement", "message"}
    assert body["member"]["id"] == members[3].pk
    assert (body["member"]["active"], body["member"]["withdrawn_reason"]) == (False, "被提名为候选人")
    assert body["replacement"]["id"] == high.pk, "the alternate with most votes steps in"
    assert (body["replacement"]["role"], body["replacement"]["replaces"], body["replacement"]["active"]) == (
        "member", members[3].pk, True)
    assert "候补乙" in body["message"]

    second = clerk.post(f"{url}{members[4].pk}/withdraw/", {"reason": "迁出"}, format="json").json()
    assert second["replacement"]["id"] == middle.pk
    third = clerk.post(f"{url}{members[5].pk}/withdraw/", {"reason": "身体原因"}, format="json").json()
    assert third["replacement"]["id"] == low.pk

    last = clerk.post(f"{url}{members[6].pk}/withdraw/", {"reason": "外出务工"}, format="json")
    assert last.status_code == 200
    assert last.json()["replacement"] is None
    assert "无候补" in last.json()["message"]
    assert "election_committee_even" in blocker_codes(clerk, election), "six left: the gate sees it"

    assert clerk.post(f"{url}{members[6].pk}/withdraw/", {"reason": "again"}, format="json").status_code == 409
    assert_400(clerk.post(f"{url}{members[1].pk}/withdraw/", {"reason": ""}, format="json"), "reason")
    assert CommitteeMember.objects.get(pk=members[1].pk).active

    listing = clerk.get(url).json()["results"]
    assert [m["active"] for m in listing].count(False) == 4
    trail = actions(clerk, election)
    assert trail.count("committee.withdraw") == 4
    assert trail.count("committee.step_in") == 3


def test_withdrawal_tie_is_broken_by_the_order_recorded(org, clerk):
    election = rc(org)
    members, (first_alt, second_alt) = committee(election, alternates=[("候补子", 50), ("候补丑", 50)])
    response = clerk.post(f"/api/v1/elections/{election.pk}/committee-members/{members[1].pk}/withdraw/",
                          {"reason": "被提名"}, format="json").json()
    assert response["replacement"]["id"] == first_alt.pk
    assert response["tie_broken_by_order"] is True


def test_committee_member_of_another_election_is_not_found_here(org, clerk):
    election = rc(org)
    other = rc(org, camp=factories.campaign(org["street"], name="补选"))
    members, _ = committee(other)
    response = clerk.post(f"/api/v1/elections/{election.pk}/committee-members/{members[1].pk}/withdraw/",
                          {"reason": "x"}, format="json")
    assert response.status_code == 404
    assert CommitteeMember.objects.get(pk=members[1].pk).active


# ================================================================ rulebook adoption


def adoption(**overrides):
    payload = {"meeting": "representatives_meeting", "held_on": ago(10), "expected": 40, "present": 35,
               "votes_for": 30, "votes_against": 3, "abstentions": 2, "published_on": ago(8)}
    payload.update(overrides)
    return payload


def test_record_and_correct_the_rulebook_adoption(org, clerk):
    election = rc(org)
    url = f"/api/v1/elections/{election.pk}/rulebook-adoption/"
    assert clerk.get(url).status_code == 404
    assert "rulebook_not_adopted" in blocker_codes(clerk, election)

    created = clerk.put(url, adoption(published_on=None), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert set(body) == ADOPTION_FIELDS
    assert body == {**adoption(published_on=None), "quorate": True, "adopted": True, "rulebook_code": "rc-general"}
    assert "rulebook_not_published" in blocker_codes(clerk, election)

    corrected = clerk.post(url, adoption(), format="json")
    assert corrected.status_code == 200
    assert corrected.json()["published_on"] == ago(8)
    assert clerk.get(url).json() == corrected.json()
    assert not {c for c in blocker_codes(clerk, election) if c.startswith("rulebook")}

    short = clerk.put(url, adoption(present=20, votes_for=18, votes_against=1, abstentions=1), format="json")
    assert (short.json()["quorate"], short.json()["adopted"]) == (False, False), "20 of 40 is not more than half"
    assert "rulebook_meeting_not_quorate" in blocker_codes(clerk, election)
    assert RulebookAdoption.objects.count() == 1
    assert actions(clerk, election) == ["rulebook.adopt"] * 3


def test_adoption_is_judged_by_the_elections_own_rules(org, clerk):
    election = rc(org, rule_overrides={"adoption_votes_over": "2/3"})
    response = clerk.put(f"/api/v1/elections/{election.pk}/rulebook-adoption/",
                         adoption(present=30, votes_for=20, votes_against=10, abstentions=0), format="json")
    assert response.status_code == 201
    assert (response.json()["quorate"], response.json()["adopted"]) == (True, False), "20 of 30 is not over 2/3"
    assert "rulebook_votes_insufficient" in blocker_codes(clerk, election)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"present": 41}, "present"),
    ({"votes_for": 33}, "votes_for"),  # 33 + 3 + 2 > 35 present
    ({"published_on": ago(12)}, "published_on"),
    ({"held_on": ago(-1), "published_on": None}, "held_on"),
    ({"expected": -1}, "expected"),
    ({"meeting": "street_meeting"}, "meeting"),
    ({"held_on": None}, "held_on"),
])
def test_bad_adoptions_are_400s_on_the_field(org, clerk, overrides, field):
    election = rc(org)
    response = clerk.put(f"/api/v1/elections/{election.pk}/rulebook-adoption/", adoption(**overrides),
                         format="json")
    assert_400(response, field)
    assert not RulebookAdoption.objects.exists()


def test_a_party_election_records_no_rulebook_adoption(org, clerk):
    election = party(org)
    response = clerk.put(f"/api/v1/elections/{election.pk}/rulebook-adoption/", adoption(), format="json")
    assert response.status_code == 400
    assert not RulebookAdoption.objects.exists()


# ================================================================ the party request and the street's reply


def test_party_request_submitted_by_the_community_and_approved_by_the_street(org, users, clerk, street):
    election = party(org)
    url = f"/api/v1/elections/{election.pk}/party-requests/"
    assert "party_request_missing" in blocker_codes(clerk, election)
    submitted = clerk.post(url, {"meeting_kind": "members_meeting", "recommendation_method": "两推一选",
                                 "submitted_on": ago(4)}, format="json")
    assert submitted.status_code == 201, submitted.json()
    body = submitted.json()
    assert set(body) == REQUEST_FIELDS
    assert (body["election"], body["status"], body["submitted_on"], body["decided_on"], body["reply"]) == (
        election.pk, "submitted", ago(4), None, "")
    assert "party_request_pending" in blocker_codes(clerk, election)
    assert clerk.get(url).json()["count"] == 1

    again = clerk.post(url, {"meeting_kind": "members_meeting", "recommendation_method": "两推一选"}, format="json")
    assert again.status_code == 409

    queue = street.get("/api/v1/party-requests/").json()
    assert [r["id"] for r in queue["results"]] == [body["id"]]
    assert api_as(users["other_street_staff"]).get("/api/v1/party-requests/").json()["count"] == 0

    decide = f"/api/v1/party-requests/{body['id']}/decide/"
    assert clerk.post(decide, {"decision": "approve"}, format="json").status_code == 403
    assert api_as(users["other_street_staff"]).post(decide, {"decision": "approve"}, format="json").status_code == 404
    assert_400(street.post(decide, {"decision": "return", "reply": " "}, format="json"), "reply")
    assert_400(street.post(decide, {"decision": "maybe"}, format="json"), "decision")
    assert_400(street.post(decide, {"decision": "approve", "decided_on": ago(6)}, format="json"), "decided_on")
    assert PartyRequest.objects.get().status == "submitted"

    approved = street.post(decide, {"decision": "approve", "reply": "同意", "decided_on": ago(1)}, format="json")
    assert approved.status_code == 200, approved.json()
    assert (approved.json()["status"], approved.json()["decided_on"], approved.json()["reply"]) == (
        "approved", ago(1), "同意")
    assert street.post(decide, {"decision": "return", "reply": "重议"}, format="json").status_code == 409
    assert "party_request_pending" not in blocker_codes(clerk, election)
    assert street.get("/api/v1/party-requests/").json()["count"] == 0
    assert street.get(f"/api/v1/party-requests/{body['id']}/").json()["status"] == "approved"
    assert actions(clerk, election) == ["party_request.submit", "party_request.approve"]


def test_a_returned_request_blocks_until_it_is_submitted_again(org, clerk, street):
    election = party(org)
    url = f"/api/v1/elections/{election.pk}/party-requests/"
    first = clerk.post(url, {"meeting_kind": "delegates_meeting", "recommendation_method": "两推一选"},
                       format="json").json()
    returned = street.post(f"/api/v1/party-requests/{first['id']}/decide/",
                           {"decision": "return", "reply": "推荐办法不完整"}, format="json")
    assert returned.json()["status"] == "returned"
    assert "party_request_returned" in blocker_codes(clerk, election)
    assert clerk.post(url, {"meeting_kind": "members_meeting", "recommendation_method": "两推一选，补充说明"},
                      format="json").status_code == 201
    assert "party_request_pending" in blocker_codes(clerk, election)
    assert clerk.get(url).json()["count"] == 2
    assert "party_request.return" in actions(clerk, election)


@pytest.mark.parametrize(("payload", "field"), [
    ({"meeting_kind": "members_meeting", "recommendation_method": ""}, "recommendation_method"),
    ({"meeting_kind": "tea_party", "recommendation_method": "两推一选"}, "meeting_kind"),
    ({"meeting_kind": "members_meeting", "recommendation_method": "两推一选", "submitted_on": ago(-1)},
     "submitted_on"),
])
def test_bad_party_requests_are_400s(org, clerk, payload, field):
    election = party(org)
    assert_400(clerk.post(f"/api/v1/elections/{election.pk}/party-requests/", payload, format="json"), field)
    assert not PartyRequest.objects.exists()


# ================================================================ rectification


def test_rectification_flagged_by_the_street_blocks_until_completed(org, users, clerk, street):
    election = rc(org)
    payload = {"campaign": election.campaign_id, "community": org["community"].pk, "category": "weak_lax",
               "problems": "班子不团结", "plan": "街道包联，三个月整顿", "responsible": "街道副书记 刘某",
               "flagged_on": ago(30)}
    assert clerk.post("/api/v1/rectifications/", payload, format="json").status_code == 403
    flagged = street.post("/api/v1/rectifications/", payload, format="json")
    assert flagged.status_code == 201, flagged.json()
    body = flagged.json()
    assert set(body) == RECTIFICATION_FIELDS
    assert (body["status"], body["completed_on"], body["community_name"], body["category"]) == (
        "open", None, "东关社区", "weak_lax")
    assert "rectification_open" in blocker_codes(clerk, election)

    assert street.get("/api/v1/rectifications/?status=open").json()["count"] == 1
    assert street.get("/api/v1/rectifications/?status=done").json()["count"] == 0
    assert street.get("/api/v1/rectifications/?category=key_difficult").json()["count"] == 0
    assert street.get(f"/api/v1/rectifications/?community={org['sibling'].pk}").json()["count"] == 0
    assert clerk.get("/api/v1/rectifications/").json()["count"] == 1, "the clerk sees their community's"
    assert api_as(users["other_street_staff"]).get("/api/v1/rectifications/").json()["count"] == 0
    assert api_as(users["other_street_staff"]).get(f"/api/v1/rectifications/{body['id']}/").status_code == 404
    assert_400(street.get("/api/v1/rectifications/?status=closed"), "status")

    complete = f"/api/v1/rectifications/{body['id']}/complete/"
    assert clerk.post(complete, {"note": "已整顿"}, format="json").status_code == 403
    assert_400(street.post(complete, {"note": ""}, format="json"), "note")
    assert_400(street.post(complete, {"note": "已整顿", "completed_on": ago(31)}, format="json"), "completed_on")
    done = street.post(complete, {"note": "班子调整到位", "completed_on": ago(2)}, format="json")
    assert done.status_code == 200, done.json()
    assert (done.json()["status"], done.json()["completed_on"], done.json()["completion_note"]) == (
        "done", ago(2), "班子调整到位")
    assert street.post(complete, {"note": "again"}, format="json").status_code == 409
    assert "rectification_open" not in blocker_codes(clerk, election)
    assert street.get("/api/v1/rectifications/?status=done").json()["count"] == 1
    assert actions(clerk, election) == ["rectification.flag", "rectification.complete"]


def test_rectification_bad_input(org, users, street):
    camp = factories.campaign(org["street"])
    base = {"campaign": camp.pk, "community": org["community"].pk, "category": "key_difficult",
            "problems": "信访突出", "plan": "化解矛盾"}
    assert_400(street.post("/api/v1/rectifications/", {**base, "community": org["other_community"].pk},
                           format="json"), "community")
    assert_400(street.post("/api/v1/rectifications/", {**base, "category": "messy"}, format="json"), "category")
    assert_400(street.post("/api/v1/rectifications/", {**base, "plan": ""}, format="json"), "plan")
    assert_400(street.post("/api/v1/rectifications/", {**base, "flagged_on": ago(-5)}, format="json"), "flagged_on")
    other_campaign = factories.campaign(org["other_street"])
    assert_400(street.post("/api/v1/rectifications/", {**base, "campaign": other_campaign.pk}, format="json"),
               "campaign")
    assert not Rectification.objects.exists()


# ================================================================ end to end, by API alone


def register(client, community, name, birth):
    response = client.post("/api/v1/people/", {"name": name, "id_number": factories.id_number(birth),
                                               "community": community.pk}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def test_a_residents_committee_election_walks_through_preparation_by_api(org, users, clerk):
    election = rc(org, approved=False, election_day=None)
    admin = api_as(users["district_admin"])
    before = blocker_codes(clerk, election)
    assert {"seat_plan_not_approved", "election_day_missing", "incumbents_missing", "election_committee_missing",
            "rulebook_not_adopted"} <= before
    refused = clerk.post(f"/api/v1/elections/{election.pk}/advance/", {}, format="json")
    assert refused.status_code == 409
    assert {b["code"] for b in refused.json()["blocked_by"]} == before

    # the outgoing committee, each audited with the result published
    outgoing = [("chair", "陈主任"), ("vice_chair", "林副主任"), ("member", "黄委员")]
    for n, (position, name) in enumerate(outgoing):
        person = register(clerk, org["community"], name, dt.date(1965, 3, 1 + n))
        row = clerk.post(f"/api/v1/elections/{election.pk}/incumbents/", {"person": person, "position": position},
                         format="json")
        assert row.status_code == 201, row.json()
        audit = clerk.post(f"/api/v1/incumbents/{row.json()['id']}/audit/",
                           {"auditor": "区审计局", "conclusion": "未发现重大问题", "audited_on": ago(30),
                            "published_on": ago(20)}, format="json")
        assert audit.status_code == 201, audit.json()

    # the election committee: seven serving, one alternate
    for n in range(8):
        person = register(clerk, org["community"], f"选委{n}", dt.date(1975, 6, 1 + n))
        role = "chair" if n == 0 else "vice_chair" if n == 1 else "alternate" if n == 7 else "member"
        response = clerk.post(f"/api/v1/elections/{election.pk}/committee-members/",
                              {"person": person, "role": role, "votes": 100 - n}, format="json")
        assert response.status_code == 201, response.json()

    assert clerk.put(f"/api/v1/elections/{election.pk}/rulebook-adoption/", adoption(),
                     format="json").status_code == 201
    day = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    assert clerk.patch(f"/api/v1/elections/{election.pk}/", {"election_day": day},
                       format="json").status_code == 200
    assert clerk.post(f"/api/v1/elections/{election.pk}/seat-plan/approve/").status_code == 403
    approved = admin.post(f"/api/v1/elections/{election.pk}/seat-plan/approve/")
    assert approved.status_code == 200, approved.json()

    assert blocker_codes(clerk, election) == set()
    advanced = clerk.post(f"/api/v1/elections/{election.pk}/advance/", {}, format="json")
    assert advanced.status_code == 200, advanced.json()
    assert advanced.json()["stage"] == "nomination"

    trail = actions(clerk, election)
    assert trail.count("incumbent.add") == 3
    assert trail.count("audit.record") == 3
    assert trail.count("committee.add") == 8
    for action in ("rulebook.adopt", "election.update", "seat_plan.approve", "stage.advance"):
        assert action in trail, action
    assert trail[-1] == "stage.advance"


def test_a_party_election_walks_through_preparation_by_api(org, users, clerk, street):
    election = party(org, approved=False, election_day=None)
    admin = api_as(users["district_admin"])
    assert {"party_request_missing", "seat_plan_not_approved", "incumbents_missing"} <= blocker_codes(clerk, election)

    for n, position in enumerate(["secretary", "deputy_secretary", "member"]):
        person = register(clerk, org["community"], f"党委{n}", dt.date(1968, 9, 1 + n))
        row = clerk.post(f"/api/v1/elections/{election.pk}/incumbents/", {"person": person, "position": position},
                         format="json")
        assert row.status_code == 201, row.json()
        assert clerk.post(f"/api/v1/incumbents/{row.json()['id']}/audit/",
                          {"auditor": "区审计局", "conclusion": "良好", "audited_on": ago(15),
                           "published_on": ago(12)}, format="json").status_code == 201
        assert clerk.post(f"/api/v1/incumbents/{row.json()['id']}/talks/",
                          {"held_on": ago(5), "interviewers": "街道党工委书记"}, format="json").status_code == 201

    request = clerk.post(f"/api/v1/elections/{election.pk}/party-requests/",
                         {"meeting_kind": "members_meeting", "recommendation_method": "两推一选"}, format="json")
    assert request.status_code == 201
    assert street.post(f"/api/v1/party-requests/{request.json()['id']}/decide/",
                       {"decision": "approve", "reply": "同意召开"}, format="json").status_code == 200
    day = (timezone.localdate() + dt.timedelta(days=45)).isoformat()
    assert street.patch(f"/api/v1/elections/{election.pk}/", {"election_day": day}, format="json").status_code == 200
    assert admin.post(f"/api/v1/elections/{election.pk}/seat-plan/approve/").status_code == 200

    assert blocker_codes(clerk, election) == set()
    advanced = clerk.post(f"/api/v1/elections/{election.pk}/advance/", {}, format="json")
    assert advanced.status_code == 200, advanced.json()
    assert advanced.json()["stage"] == "nomination"
    trail = actions(clerk, election)
    for action in ("incumbent.add", "audit.record", "talk.record", "party_request.submit", "party_request.approve",
                   "seat_plan.approve", "stage.advance"):
        assert action in trail, action


def test_the_schema_lists_the_preparation_endpoints(client, users):
    text = client.get("/api/schema/").content.decode()
    for path in ["/api/v1/elections/{election_pk}/incumbents/", "/api/v1/elections/{election_pk}/incumbents/{id}/",
                 "/api/v1/incumbents/", "/api/v1/incumbents/{id}/audit/", "/api/v1/incumbents/{id}/talks/",
                 "/api/v1/elections/{election_pk}/committee-members/{id}/withdraw/",
                 "/api/v1/elections/{id}/rulebook-adoption/", "/api/v1/elections/{id}/party-requests/",
                 "/api/v1/party-requests/{id}/decide/", "/api/v1/rectifications/",
                 "/api/v1/rectifications/{id}/complete/"]:
        assert path in text, path


# ================================================================ lists stay flat


def test_preparation_lists_do_not_grow_a_query_per_row(org, users, street):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    camp = factories.campaign(org["street"])
    election = rc(org, camp=camp)
    flagged = users["street_staff"]

    def grow(n):
        for _ in range(n):
            community = factories.jurisdiction(level="community", parent=org["street"])
            other = factories.election(community, camp=camp, prepared=False)
            person = someone(community)
            Incumbent.objects.create(election=other, person=person, position="member")
            Audit.objects.create(campaign=camp, community=community, person=person, auditor="区审计局",
                                 conclusion="良好", recorded_by=flagged)
            Talk.objects.create(campaign=camp, community=community, person=person, held_on=timezone.localdate(),
                                interviewers="王某", recorded_by=flagged)
            Rectification.objects.create(campaign=camp, community=community, category="weak_lax", problems="p",
                                         plan="q", flagged_on=timezone.localdate(), flagged_by=flagged)
            incumbent = Incumbent.objects.create(election=election, person=someone(org["community"]),
                                                 position="member")
            Talk.objects.create(campaign=camp, community=org["community"], person=incumbent.person,
                                held_on=timezone.localdate(), interviewers="王某", recorded_by=flagged)
            CommitteeMember.objects.create(election=election, person=someone(org["community"]), role="member")

    urls = ["/api/v1/incumbents/?page_size=500", f"/api/v1/elections/{election.pk}/incumbents/?page_size=500",
            f"/api/v1/elections/{election.pk}/committee-members/?page_size=500",
            "/api/v1/rectifications/?page_size=500"]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert street.get(url).status_code == 200
            result.append(len(ctx.captured_queries))
        return result

    grow(2)
    small = counts()
    grow(8)
    large = counts()
    assert large == small, dict(zip(urls, zip(small, large, strict=True), strict=True))
    assert street.get("/api/v1/incumbents/?page_size=500").json()["count"] == 20

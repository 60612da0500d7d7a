"""The organisation, campaign and election API, exactly as /work/shared/API.md states it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import authenticate

from elections import rules
from elections.audit import chain_key, verify_chain
from elections.models import Campaign, Election, Event, Jurisdiction, Rulebook, StageTransition, User
from tests import factories
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

RC_SEATS = [{"position": "chair", "count": 1}, {"position": "vice_chair", "count": 1},
            {"position": "member", "count": 5}]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def codes(blocked_by):
    return sorted(b["code"] for b in blocked_by)


def assert_blocker_shape(blocked_by):
    assert blocked_by, "expected at least one blocker"
    for blocker in blocked_by:
        assert set(blocker) == {"code", "message", "source", "fix"}
        assert all(isinstance(blocker[k], str) and blocker[k].strip() for k in blocker)
        assert CHINESE.search(blocker["message"]), "messages are plain-language Chinese"


# ---------------------------------------------------------------- auth


def test_token_login_then_token_header_authenticates(api_client, users):
    response = api_client.post("/api/v1/auth/token/", {"username": "clerk", "password": factories.PASSWORD},
                               format="json")
    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    token = response.json()["token"]
    assert token

    assert api_client.get("/api/v1/elections/").status_code in (401, 403)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api_client.get("/api/v1/users/")
    assert response.status_code == 200
    # the token is the clerk's: it sees only users of its community
    assert {u["username"] for u in response.json()["results"]} == {"clerk"}

    # the same user asking again gets the same token
    again = api_client.post("/api/v1/auth/token/", {"username": "clerk", "password": factories.PASSWORD},
                            format="json")
    assert again.json()["token"] == token


def test_a_wrong_token_is_refused(api_client, users):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api_client.get("/api/v1/elections/")
    assert response.status_code in (401, 403)
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"username": "clerk", "password": "wrong-password"}, {"non_field_errors"}),
        ({"username": "nobody", "password": factories.PASSWORD}, {"non_field_errors"}),
        ({"username": "clerk"}, {"password"}),
        ({}, {"username", "password"}),
    ],
)
def test_bad_credentials_are_a_400_with_detail_and_errors(api_client, users, payload, fields):
    response = api_client.post("/api/v1/auth/token/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert CHINESE.search(body["detail"])
    assert set(body["errors"]) == fields
    assert "token" not in body


@pytest.mark.parametrize("raw", ['["clerk", "test-pass-123"]', '"clerk"', '{"username": "clerk", "password": 123}',
                                 '{"username": "clerk", "password": {"a": 1}}', '{"username": {"a": 1}, "password": "x"}'])
def test_malformed_token_requests_are_400s_not_500s(api_client, users, raw):
    api_client.raise_request_exception = False
    response = api_client.post("/api/v1/auth/token/", raw, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}


def test_inactive_user_gets_no_token(api_client, users):
    users["community_clerk"].is_active = False
    users["community_clerk"].save()
    response = api_client.post("/api/v1/auth/token/", {"username": "clerk", "password": factories.PASSWORD},
                               format="json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path",
    ["/api/v1/elections/", "/api/v1/campaigns/", "/api/v1/jurisdictions/", "/api/v1/users/",
     "/api/v1/rulebooks/", "/api/v1/people/"],
)
def test_unauthenticated_requests_are_refused(api_client, org, path):
    response = api_client.get(path)
    assert response.status_code in (401, 403)
    assert "detail" in response.json()
    assert "results" not in response.json()


def test_unauthenticated_writes_are_refused_and_change_nothing(api_client, org):
    election = factories.election(org["community"], approved=True)
    response = api_client.post(f"/api/v1/elections/{election.pk}/advance/", {}, format="json")
    assert response.status_code in (401, 403)
    election.refresh_from_db()
    assert election.stage == "preparation"


def test_session_auth_works_for_the_browser(client, users):
    client.force_login(users["street_staff"])
    response = client.get("/api/v1/elections/")
    assert response.status_code == 200


# ---------------------------------------------------------------- pagination


def test_lists_are_paginated_and_page_size_is_capped_at_500(org, users):
    street = org["street"]
    Jurisdiction.objects.bulk_create(
        Jurisdiction(name=f"批量社区{i}", code=f"BULK{i:05d}", level="community", parent=street,
                     path=f"{street.path}BULK{i:05d}/")
        for i in range(520)
    )
    total = Jurisdiction.objects.count()
    client = api_as(users["district_admin"])

    default = client.get("/api/v1/jurisdictions/").json()
    assert set(default) == {"count", "next", "previous", "results"}
    assert default["count"] == total
    assert len(default["results"]) == 50
    assert default["previous"] is None and default["next"]

    capped = client.get("/api/v1/jurisdictions/", {"page_size": 1000}).json()
    assert capped["count"] == total
    assert len(capped["results"]) == 500
    assert capped["next"]

    small = client.get("/api/v1/jurisdictions/", {"page_size": 2, "page": 2}).json()
    assert len(small["results"]) == 2
    assert small["previous"] and small["next"]
    first = client.get("/api/v1/jurisdictions/", {"page_size": 2}).json()
    assert {j["id"] for j in first["results"]}.isdisjoint({j["id"] for j in small["results"]})


def test_election_list_filters(org, users):
    camp = factories.campaign(org["street"])
    ours = factories.election(org["community"], camp)
    sibling = factories.election(org["sibling"], camp, stage="nomination")
    party = factories.election(org["community"], camp, body="party_committee")
    other = factories.election(org["other_community"])
    client = api_as(users["district_admin"])

    def ids(**params):
        response = client.get("/api/v1/elections/", params)
        assert response.status_code == 200
        return {e["id"] for e in response.json()["results"]}

    assert ids() == {ours.pk, sibling.pk, party.pk, other.pk}
    assert ids(community=org["community"].pk) == {ours.pk, party.pk}
    assert ids(street=org["street"].pk) == {ours.pk, sibling.pk, party.pk}
    assert ids(campaign=camp.pk) == {ours.pk, sibling.pk, party.pk}
    assert ids(stage="nomination") == {sibling.pk}
    assert ids(body="party_committee") == {party.pk}
    assert ids(q="西关") == {sibling.pk}


@pytest.mark.parametrize(
    ("path", "param"),
    [("/api/v1/elections/", "campaign"), ("/api/v1/elections/", "community"), ("/api/v1/elections/", "street"),
     ("/api/v1/people/", "community"), ("/api/v1/people/", "street")],
)
def test_a_non_numeric_id_filter_is_a_400_not_a_500(users, path, param):
    client = api_as(users["district_admin"])
    client.raise_request_exception = False
    response = client.get(path, {param: "abc"})
    assert response.status_code == 400
    assert param in response.json()["errors"]


# ---------------------------------------------------------------- rulebooks


def test_rulebooks_list_the_presets_with_every_parameter(users):
    response = api_as(users["community_clerk"]).get("/api/v1/rulebooks/", {"page_size": 500})
    assert response.status_code == 200
    books = {b["code"]: b for b in response.json()["results"]}
    required = {"rc-general": "residents_committee", "rc-by-election": "residents_committee",
                "party-general": "party_committee", "supervision-general": "supervision_committee"}
    assert set(required) <= set(books)
    for code, body in required.items():
        book = books[code]
        assert {"code", "name", "body", "parameters"} <= set(book)
        assert book["body"] == body
        assert CHINESE.search(book["name"])
        assert set(book["parameters"]) == set(rules.PARAM_BY_KEY), code
        assert book["parameters"] == rules.preset_parameters(code)[0]
    assert books["rc-by-election"]["kind"] == "by_election"
    assert books["rc-general"]["parameters"]["nomination_channels"]["joint_voters"] == 20
    assert books["party-general"]["parameters"]["proxies_allowed"] is False


def test_a_rulebook_is_fetched_by_code(users):
    response = api_as(users["street_staff"]).get("/api/v1/rulebooks/party-general/")
    assert response.status_code == 200
    assert response.json()["code"] == "party-general"
    assert api_as(users["street_staff"]).get("/api/v1/rulebooks/no-such-book/").status_code == 404


# ---------------------------------------------------------------- campaigns


def test_street_creates_a_campaign_with_milestones(org, users):
    payload = {
        "name": "西街道 2026 社区两委换届",
        "jurisdiction": org["street"].pk,
        "milestones": [
            {"name": "党组织换届完成", "due": "2026-11-15", "body": "party_committee"},
            {"name": "居委会换届完成", "due": "2026-12-31"},
        ],
    }
    response = api_as(users["street_staff"]).post("/api/v1/campaigns/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == payload["name"]
    assert body["jurisdiction"] == org["street"].pk
    assert [(m["name"], m["due"]) for m in body["milestones"]] == [
        ("党组织换届完成", "2026-11-15"), ("居委会换届完成", "2026-12-31")]
    campaign = Campaign.objects.get(pk=body["id"])
    assert list(campaign.milestones.values_list("name", "due", "body")) == [
        ("党组织换届完成", dt.date(2026, 11, 15), "party_committee"),
        ("居委会换届完成", dt.date(2026, 12, 31), ""),
    ]
    assert Event.objects.filter(action="campaign.create", object_id=str(campaign.pk)).exists()

    listed = api_as(users["community_clerk"]).get("/api/v1/campaigns/").json()
    assert campaign.pk in [c["id"] for c in listed["results"]], "a clerk sees the street's campaign"
    hidden = api_as(users["other_clerk"]).get("/api/v1/campaigns/").json()
    assert campaign.pk not in [c["id"] for c in hidden["results"]]


def test_campaign_with_a_bad_milestone_is_a_400(org, users):
    payload = {"name": "x", "jurisdiction": org["street"].pk,
               "milestones": [{"name": "节点一", "due": "2026-11-15"}, {"name": "节点二", "due": "15/11/2026"}]}
    response = api_as(users["street_staff"]).post("/api/v1/campaigns/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert any(key.startswith("milestones") for key in body["errors"])
    for messages in body["errors"].values():
        assert all(isinstance(m, str) and "ErrorDetail" not in m for m in messages)
    assert not Campaign.objects.exists()


def test_a_clerk_cannot_create_a_campaign(org, users):
    response = api_as(users["community_clerk"]).post(
        "/api/v1/campaigns/", {"name": "x", "jurisdiction": org["community"].pk}, format="json")
    assert response.status_code == 403
    assert not Campaign.objects.exists()


# ---------------------------------------------------------------- elections


@pytest.fixture
def campaign(org):
    return factories.campaign(org["street"], "西街道 2026 社区两委换届")


def election_payload(campaign, community, **overrides):
    payload = {
        "campaign": campaign.pk, "community": community.pk, "body": "residents_committee", "kind": "general",
        "rulebook": "rc-general", "rule_overrides": {"proxy_limit": 2}, "election_day": "2026-12-20",
        "seats": RC_SEATS,
    }
    payload.update(overrides)
    return payload


def test_create_an_election_with_seats_rulebook_code_and_overrides(org, users, campaign):
    payload = election_payload(campaign, org["community"], stage="voting")
    response = api_as(users["street_staff"]).post("/api/v1/elections/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {"id", "campaign", "community", "body", "kind", "rulebook", "rule_overrides", "election_day", "seats",
            "stage"} <= set(body)
    assert body["stage"] == "preparation", "stage is read-only"
    assert body["rulebook"] == "rc-general"
    assert body["rule_overrides"] == {"proxy_limit": 2}
    assert body["election_day"] == "2026-12-20"
    assert body["seats"] == RC_SEATS
    assert (body["campaign"], body["community"], body["body"], body["kind"]) == (
        campaign.pk, org["community"].pk, "residents_committee", "general")

    election = Election.objects.get(pk=body["id"])
    assert election.rulebook.code == "rc-general"
    assert election.effective_rules()["proxy_limit"] == 2
    assert {s.position: s.count for s in election.seats.all()} == {"chair": 1, "vice_chair": 1, "member": 5}
    assert election.seat_plan_approved_at is None

    fetched = api_as(users["community_clerk"]).get(f"/api/v1/elections/{election.pk}/")
    assert fetched.status_code == 200
    assert fetched.json()["seats"] == RC_SEATS


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"no_such_rule": 1}, "no_such_rule"),
        ({"proxy_limit": "three"}, "整数"),
        ({"proxy_limit": 99}, "10"),
        ({"proxies_allowed": "yes"}, "true"),
        ({"preliminary_margin": "a lot"}, "分数"),
        ({"margin_mode": "random"}, "plus"),
        ({"committee_size_min": 9, "committee_size_max": 5}, "不得大于"),
        (["proxy_limit", 2], "对象"),
    ],
)
def test_bad_rule_overrides_are_a_400_on_rule_overrides(org, users, campaign, overrides, fragment):
    payload = election_payload(campaign, org["community"], rule_overrides=overrides)
    response = api_as(users["street_staff"]).post("/api/v1/elections/", payload, format="json")
    assert response.status_code == 400, response.json()
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert "rule_overrides" in body["errors"]
    assert any(fragment in m for m in body["errors"]["rule_overrides"]), body["errors"]
    assert not Election.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rulebook": "no-such-book"}, "rulebook"),
        ({"rulebook": "party-general"}, "rulebook"),  # a party rulebook for a residents' committee
        ({"body": "town_council"}, "body"),
        ({"seats": [{"position": "secretary", "count": 1}]}, "seats"),
        ({"seats": [{"position": "member", "count": -1}]}, "seats"),
        ({"election_day": "20/12/2026"}, "election_day"),
    ],
)
def test_bad_election_input_is_a_400_on_the_field(org, users, campaign, changes, field):
    payload = election_payload(campaign, org["community"], **changes)
    response = api_as(users["street_staff"]).post("/api/v1/elections/", payload, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(key == field or key.startswith(field) for key in errors), errors
    assert not Election.objects.exists()


def test_a_second_election_of_the_same_body_is_refused(org, users, campaign):
    client = api_as(users["street_staff"])
    assert client.post("/api/v1/elections/", election_payload(campaign, org["community"]),
                       format="json").status_code == 201
    response = client.post("/api/v1/elections/", election_payload(campaign, org["community"]), format="json")
    assert response.status_code == 400
    assert "body" in response.json()["errors"]
    assert Election.objects.count() == 1


def test_an_election_outside_the_campaign_or_the_callers_scope_is_refused(org, users, campaign):
    street = api_as(users["street_staff"])
    response = street.post("/api/v1/elections/", election_payload(campaign, org["other_community"]), format="json")
    assert response.status_code == 400
    assert "community" in response.json()["errors"]
    admin = api_as(users["district_admin"])
    response = admin.post("/api/v1/elections/", election_payload(campaign, org["other_community"]), format="json")
    assert response.status_code == 400, "the other street's community is not in this campaign"
    assert "community" in response.json()["errors"]
    assert not Election.objects.exists()


NO_SUCH_ID = 987654


@pytest.mark.parametrize(
    ("path", "make_payload"),
    [
        ("/api/v1/elections/", lambda org, camp, ref: {**election_payload(camp, org["community"]), "community": ref}),
        ("/api/v1/campaigns/", lambda org, camp, ref: {"name": "x", "jurisdiction": ref}),
        ("/api/v1/users/", lambda org, camp, ref: {"username": "newbie", "password": "s3cret-pass",
                                                   "role": "community_clerk", "jurisdiction": ref}),
        ("/api/v1/jurisdictions/", lambda org, camp, ref: {"name": "x", "code": "X1", "level": "community",
                                                           "parent": ref}),
    ],
)
def test_an_out_of_scope_reference_reads_exactly_like_an_unknown_id(org, users, campaign, path, make_payload):
    """Never reveal what lies outside the caller's jurisdiction: not even that an id exists."""
    client = api_as(users["street_staff"])
    outside = org["other_community"].pk if "jurisdictions" not in path else org["other_street"].pk
    hidden = client.post(path, make_payload(org, campaign, outside), format="json")
    unknown = client.post(path, make_payload(org, campaign, NO_SUCH_ID), format="json")
    assert hidden.status_code == unknown.status_code == 400
    assert hidden.json() == unknown.json()
    assert CHINESE.search(str(hidden.json()["errors"]))


def test_a_campaign_of_another_street_reads_like_an_unknown_one(org, users):
    foreign = factories.campaign(org["other_street"], "城南街道换届")
    client = api_as(users["street_staff"])
    hidden = client.post("/api/v1/elections/", election_payload(foreign, org["community"]), format="json")
    unknown = client.post("/api/v1/elections/",
                          {**election_payload(foreign, org["community"]), "campaign": NO_SUCH_ID}, format="json")
    assert hidden.status_code == unknown.status_code == 400
    assert hidden.json() == unknown.json()
    assert "campaign" in hidden.json()["errors"]
    assert not Election.objects.exists()


def test_another_districts_rulebook_variant_reads_like_an_unknown_one(org, users, campaign):
    far = factories.tree()
    preset = Rulebook.objects.get(code="rc-general")
    Rulebook.objects.create(code="far-rc", name="远郊区居委会办法", body=preset.body, kind=preset.kind,
                            parameters=preset.parameters, sources=preset.sources, jurisdiction=far["district"])
    ours = Rulebook.objects.create(code="near-rc", name="本区居委会办法", body=preset.body, kind=preset.kind,
                                   parameters=preset.parameters, sources=preset.sources,
                                   jurisdiction=org["district"])
    client = api_as(users["street_staff"])
    assert client.get("/api/v1/rulebooks/far-rc/").status_code == 404
    hidden = client.post("/api/v1/elections/", election_payload(campaign, org["community"], rulebook="far-rc"),
                         format="json")
    unknown = client.post("/api/v1/elections/", election_payload(campaign, org["community"], rulebook="no-rc"),
                          format="json")
    assert hidden.status_code == unknown.status_code == 400
    assert hidden.json() == unknown.json()
    assert not Election.objects.exists()

    created = client.post("/api/v1/elections/", election_payload(campaign, org["community"], rulebook="near-rc"),
                          format="json")
    assert created.status_code == 201, created.json()
    election = Election.objects.get(pk=created.json()["id"])
    assert election.rulebook == ours
    patched = client.patch(f"/api/v1/elections/{election.pk}/", {"rulebook": "far-rc"}, format="json")
    assert patched.status_code == 400
    assert "rulebook" in patched.json()["errors"]
    election.refresh_from_db()
    assert election.rulebook == ours


def test_a_clerk_cannot_create_an_election(org, users, campaign):
    response = api_as(users["community_clerk"]).post(
        "/api/v1/elections/", election_payload(campaign, org["community"]), format="json")
    assert response.status_code == 403
    assert not Election.objects.exists()


# ---------------------------------------------------------------- gates and advance


def test_gates_show_stage_next_and_every_blocker(org, users):
    election = factories.election(org["community"], approved=False, election_day=None)
    response = api_as(users["community_clerk"]).get(f"/api/v1/elections/{election.pk}/gates/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"stage", "next", "blocked_by"}
    assert body["stage"] == "preparation"
    assert body["next"] == "nomination"
    assert codes(body["blocked_by"]) == ["election_day_missing", "seat_plan_not_approved"]
    assert_blocker_shape(body["blocked_by"])


def test_gates_of_a_clear_election_are_empty(org, users):
    election = factories.election(org["community"])
    body = api_as(users["community_clerk"]).get(f"/api/v1/elections/{election.pk}/gates/").json()
    assert body == {"stage": "preparation", "next": "nomination", "blocked_by": []}


def test_gates_report_a_missing_seat_plan_and_bad_overrides(org, users):
    election = factories.election(org["community"], seats={}, rule_overrides={"proxy_limit": "many"})
    body = api_as(users["community_clerk"]).get(f"/api/v1/elections/{election.pk}/gates/").json()
    assert codes(body["blocked_by"]) == ["rulebook_invalid", "seat_plan_missing"]


def test_advance_refused_lists_every_blocker_with_409(org, users):
    election = factories.election(org["community"], approved=False, election_day=None)
    response = api_as(users["community_clerk"]).post(f"/api/v1/elections/{election.pk}/advance/", {},
                                                     format="json")
    assert response.status_code == 409
    body = response.json()
    assert set(body) == {"detail", "blocked_by"}
    assert CHINESE.search(body["detail"])
    assert codes(body["blocked_by"]) == ["election_day_missing", "seat_plan_not_approved"]
    assert_blocker_shape(body["blocked_by"])
    election.refresh_from_db()
    assert election.stage == "preparation"
    assert not StageTransition.objects.filter(election=election).exists()


def test_advance_when_clear_moves_to_the_next_stage(org, users):
    election = factories.election(org["community"])
    response = api_as(users["community_clerk"]).post(f"/api/v1/elections/{election.pk}/advance/", {},
                                                     format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["stage"] == "nomination"
    assert response.json()["id"] == election.pk
    election.refresh_from_db()
    assert election.stage == "nomination"
    transition = StageTransition.objects.get(election=election)
    assert (transition.from_stage, transition.to_stage, transition.kind) == ("preparation", "nomination", "advance")


def test_advance_with_a_stale_expected_stage_is_a_409(org, users):
    election = factories.election(org["community"])
    response = api_as(users["community_clerk"]).post(
        f"/api/v1/elections/{election.pk}/advance/", {"expected_stage": "nomination"}, format="json")
    assert response.status_code == 409
    election.refresh_from_db()
    assert election.stage == "preparation"


def test_fixing_the_blockers_through_the_api_unblocks_the_advance(org, users):
    election = factories.election(org["community"], approved=False, election_day=None)
    clerk = api_as(users["community_clerk"])
    url = f"/api/v1/elections/{election.pk}/"
    assert clerk.patch(url, {"election_day": "2026-12-20"}, format="json").status_code == 200
    assert codes(clerk.get(url + "gates/").json()["blocked_by"]) == ["seat_plan_not_approved"]
    assert api_as(users["district_admin"]).post(url + "seat-plan/approve/").status_code == 200
    assert clerk.get(url + "gates/").json()["blocked_by"] == []
    response = clerk.post(url + "advance/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["stage"] == "nomination"


# ---------------------------------------------------------------- seat plan


def test_district_admin_approves_the_seat_plan(org, users):
    election = factories.election(org["community"], approved=False)
    response = api_as(users["district_admin"]).post(f"/api/v1/elections/{election.pk}/seat-plan/approve/")
    assert response.status_code == 200, response.json()
    assert response.json()["seat_plan_approved"] is True
    election.refresh_from_db()
    assert election.seat_plan_approved_at is not None
    assert election.seat_plan_approved_by == users["district_admin"]
    again = api_as(users["district_admin"]).post(f"/api/v1/elections/{election.pk}/seat-plan/approve/")
    assert again.status_code == 409


def test_street_staff_cannot_approve_a_seat_plan(org, users):
    election = factories.election(org["community"], approved=False)
    response = api_as(users["street_staff"]).post(f"/api/v1/elections/{election.pk}/seat-plan/approve/")
    assert response.status_code == 403
    assert "detail" in response.json()
    election.refresh_from_db()
    assert election.seat_plan_approved_at is None


def test_a_seat_plan_of_ten_rc_seats_is_refused(org, users):
    election = factories.election(org["community"], approved=False,
                                  seats={"chair": 1, "vice_chair": 1, "member": 8})
    response = api_as(users["district_admin"]).post(f"/api/v1/elections/{election.pk}/seat-plan/approve/")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert any("10" in m for m in body["errors"]["seats"])
    election.refresh_from_db()
    assert election.seat_plan_approved_at is None


def test_street_revises_the_seat_plan_which_voids_the_approval(org, users):
    election = factories.election(org["community"], approved=True)
    seats = [{"position": "chair", "count": 1}, {"position": "vice_chair", "count": 2},
             {"position": "member", "count": 4}]
    response = api_as(users["street_staff"]).patch(f"/api/v1/elections/{election.pk}/", {"seats": seats},
                                                   format="json")
    assert response.status_code == 200
    assert response.json()["seats"] == seats
    assert response.json()["seat_plan_approved"] is False
    gates = api_as(users["street_staff"]).get(f"/api/v1/elections/{election.pk}/gates/").json()
    assert codes(gates["blocked_by"]) == ["seat_plan_not_approved"]


# ---------------------------------------------------------------- reopen


def test_street_staff_reopens_with_a_reason(org, users):
    election = factories.election(org["community"], stage="vetting")
    response = api_as(users["street_staff"]).post(
        f"/api/v1/elections/{election.pk}/reopen/", {"stage": "nomination", "reason": "提名材料不全，退回重办"},
        format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["stage"] == "nomination"
    election.refresh_from_db()
    assert election.stage == "nomination"
    transition = StageTransition.objects.get(election=election)
    assert (transition.kind, transition.from_stage, transition.to_stage, transition.reason) == (
        "reopen", "vetting", "nomination", "提名材料不全，退回重办")
    event = Event.objects.get(election=election, action="stage.reopen")
    assert event.after == {"stage": "nomination", "reason": "提名材料不全，退回重办"}


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_reopen_without_a_reason_is_a_400(org, users, reason):
    election = factories.election(org["community"], stage="vetting")
    payload = {"stage": "nomination"}
    if reason is not None:
        payload["reason"] = reason
    response = api_as(users["street_staff"]).post(f"/api/v1/elections/{election.pk}/reopen/", payload,
                                                  format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    election.refresh_from_db()
    assert election.stage == "vetting"


def test_reopen_cannot_move_forward(org, users):
    election = factories.election(org["community"], stage="vetting")
    response = api_as(users["street_staff"]).post(
        f"/api/v1/elections/{election.pk}/reopen/", {"stage": "publicity", "reason": "试试"}, format="json")
    assert response.status_code == 400
    assert "stage" in response.json()["errors"]
    election.refresh_from_db()
    assert election.stage == "vetting"


def test_a_community_clerk_cannot_reopen(org, users):
    election = factories.election(org["community"], stage="vetting")
    response = api_as(users["community_clerk"]).post(
        f"/api/v1/elections/{election.pk}/reopen/", {"stage": "nomination", "reason": "想退回"}, format="json")
    assert response.status_code == 403
    election.refresh_from_db()
    assert election.stage == "vetting"
    assert not StageTransition.objects.exists()


# ---------------------------------------------------------------- events


def test_events_return_the_hash_chained_trail_of_the_writes(org, users, campaign):
    street = api_as(users["street_staff"])
    created = street.post("/api/v1/elections/", election_payload(campaign, org["community"]), format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    factories.prepare(Election.objects.get(pk=pk))  # preparation records written directly: no events
    url = f"/api/v1/elections/{pk}/"
    assert api_as(users["district_admin"]).post(url + "seat-plan/approve/").status_code == 200
    assert api_as(users["community_clerk"]).post(url + "advance/", {}, format="json").status_code == 200
    assert street.post(url + "reopen/", {"stage": "preparation", "reason": "职数调整"},
                       format="json").status_code == 200

    response = api_as(users["community_clerk"]).get(url + "events/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    events = body["results"]
    assert body["count"] == len(events) == 4
    assert [e["action"] for e in events] == ["election.create", "seat_plan.approve", "stage.advance", "stage.reopen"]
    assert [e["seq"] for e in events] == [1, 2, 3, 4]
    assert [e["actor"] for e in events] == [users["street_staff"].pk, users["district_admin"].pk,
                                            users["community_clerk"].pk, users["street_staff"].pk]
    assert events[0]["prev_hash"] == ""
    for previous, event in zip(events, events[1:], strict=False):
        assert event["prev_hash"] == previous["hash"]
    assert all(re.fullmatch(r"[0-9a-f]{64}", e["hash"]) for e in events)
    assert len({e["hash"] for e in events}) == 4
    assert events[2]["before"] == {"stage": "preparation"} and events[2]["after"] == {"stage": "nomination"}
    assert verify_chain(chain_key(pk)) == []

    # another election's trail is its own chain
    other = factories.election(org["sibling"], campaign)
    assert api_as(users["street_staff"]).get(f"/api/v1/elections/{other.pk}/events/").json()["count"] == 0


# ---------------------------------------------------------------- jurisdictions and users


def test_street_staff_creates_a_community_in_its_street(org, users):
    client = api_as(users["street_staff"])
    payload = {"name": "新城社区", "code": "XC0001", "level": "community", "parent": org["street"].pk}
    response = client.post("/api/v1/jurisdictions/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json() == {"id": response.json()["id"], **payload}
    node = Jurisdiction.objects.get(code="XC0001")
    assert node.path.startswith(org["street"].path)
    assert response.json()["id"] in [j["id"] for j in client.get("/api/v1/jurisdictions/",
                                                                  {"page_size": 500}).json()["results"]]


@pytest.mark.parametrize(
    ("role", "payload", "status", "field"),
    [
        ("street_staff", {"name": "x", "code": "X1", "level": "community", "parent": "other_street"}, 400, "parent"),
        ("street_staff", {"name": "x", "code": "X1", "level": "street", "parent": "street"}, 400, "parent"),
        ("street_staff", {"name": "x", "code": "X1", "level": "district"}, 403, None),
        ("street_staff", {"name": "x", "code": "X1", "level": "village", "parent": "street"}, 400, "level"),
        ("community_clerk", {"name": "x", "code": "X1", "level": "community", "parent": "street"}, 400, "parent"),
        ("community_clerk", {"name": "x", "code": "X1", "level": "community", "parent": "community"}, 403, None),
    ],
)
def test_bad_or_forbidden_jurisdictions_are_refused(org, users, role, payload, status, field):
    payload = dict(payload)
    if "parent" in payload:
        payload["parent"] = org[payload["parent"]].pk
    before = Jurisdiction.objects.count()
    response = api_as(users[role]).post("/api/v1/jurisdictions/", payload, format="json")
    assert response.status_code == status, response.json()
    if field:
        assert field in response.json()["errors"]
    assert Jurisdiction.objects.count() == before


def test_a_duplicate_jurisdiction_code_is_a_400(org, users):
    payload = {"name": "重复", "code": org["sibling"].code, "level": "community", "parent": org["street"].pk}
    response = api_as(users["street_staff"]).post("/api/v1/jurisdictions/", payload, format="json")
    assert response.status_code == 400
    assert "code" in response.json()["errors"]


def test_street_staff_creates_a_community_clerk_in_its_street(org, users):
    payload = {"username": "dg_clerk2", "password": "s3cret-pass", "full_name": "王五", "role": "community_clerk",
               "jurisdiction": org["sibling"].pk}
    response = api_as(users["street_staff"]).post("/api/v1/users/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert "password" not in body
    assert body == {"id": body["id"], "username": "dg_clerk2", "full_name": "王五", "role": "community_clerk",
                    "jurisdiction": org["sibling"].pk, "department": ""}
    user = User.objects.get(username="dg_clerk2")
    assert authenticate(username="dg_clerk2", password="s3cret-pass") == user
    assert Event.objects.filter(action="user.create", object_id=str(user.pk)).exists()


def test_a_reviewer_needs_a_department(org, users):
    admin = api_as(users["district_admin"])
    payload = {"username": "qu_mz", "password": "s3cret-pass", "full_name": "赵六", "role": "district_reviewer",
               "jurisdiction": org["district"].pk}
    response = admin.post("/api/v1/users/", payload, format="json")
    assert response.status_code == 400
    assert "department" in response.json()["errors"]
    assert not User.objects.filter(username="qu_mz").exists()

    response = admin.post("/api/v1/users/", {**payload, "department": "civil_affairs"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["department"] == "civil_affairs"
    assert User.objects.get(username="qu_mz").department == "civil_affairs"


def test_only_a_reviewer_has_a_department(org, users):
    payload = {"username": "x_clerk", "password": "s3cret-pass", "role": "community_clerk",
               "jurisdiction": org["community"].pk, "department": "police"}
    response = api_as(users["street_staff"]).post("/api/v1/users/", payload, format="json")
    assert response.status_code == 400
    assert "department" in response.json()["errors"]


@pytest.mark.parametrize(
    ("role", "new_role", "where", "status"),
    [
        ("community_clerk", "community_clerk", "community", 403),
        ("street_staff", "street_staff", "street", 403),  # not a lower level
        ("street_staff", "community_clerk", "other_community", 400),  # outside its street
        ("street_staff", "district_admin", "district", 400),
        ("district_reviewer", "community_clerk", "community", 403),
        ("district_admin", "street_staff", "other_street", 201),
    ],
)
def test_who_may_create_which_user(org, users, role, new_role, where, status):
    payload = {"username": "newbie", "password": "s3cret-pass", "role": new_role, "jurisdiction": org[where].pk}
    response = api_as(users[role]).post("/api/v1/users/", payload, format="json")
    assert response.status_code == status, response.json()
    assert User.objects.filter(username="newbie").exists() is (status == 201)


def test_user_role_must_fit_the_jurisdiction_level(org, users):
    payload = {"username": "newbie", "password": "s3cret-pass", "role": "street_staff",
               "jurisdiction": org["community"].pk}
    response = api_as(users["district_admin"]).post("/api/v1/users/", payload, format="json")
    assert response.status_code == 400
    assert "jurisdiction" in response.json()["errors"]


# ---------------------------------------------------------------- schema and docs


def test_openapi_schema_and_docs_are_served(client, users):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ["/api/v1/elections/{id}/advance/", "/api/v1/elections/{id}/gates/", "/api/v1/auth/token/",
                 "/api/v1/people/{id}/relatives/", "/api/v1/elections/{id}/seat-plan/approve/"]:
        assert path in text, path
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


# ---------------------------------------------------------------- PATCH


def test_patch_is_all_or_nothing(org, users):
    """A PATCH whose second half is refused must not leave its first half behind."""
    election = factories.election(org["community"], approved=True)
    seats = [{"position": "chair", "count": 1}, {"position": "vice_chair", "count": 2},
             {"position": "member", "count": 4}]
    response = api_as(users["street_staff"]).patch(
        f"/api/v1/elections/{election.pk}/", {"seats": seats, "rule_overrides": {"no_such_rule": 1}}, format="json")
    assert response.status_code == 400
    assert "rule_overrides" in response.json()["errors"]
    election.refresh_from_db()
    assert {s.position: s.count for s in election.seats.all()} == factories.RC_SEATS
    assert election.seat_plan_approved_at is not None, "a refused PATCH must not void the approval"
    assert not Event.objects.filter(election=election).exists()


def test_patch_rule_overrides_are_validated(org, users):
    election = factories.election(org["community"])
    client = api_as(users["community_clerk"])
    response = client.patch(f"/api/v1/elections/{election.pk}/", {"rule_overrides": {"proxy_limit": "x"}},
                            format="json")
    assert response.status_code == 400
    assert "rule_overrides" in response.json()["errors"]
    response = client.patch(f"/api/v1/elections/{election.pk}/", {"rule_overrides": {"proxy_limit": 1}},
                            format="json")
    assert response.status_code == 200
    assert response.json()["rule_overrides"] == {"proxy_limit": 1}
    election.refresh_from_db()
    assert election.effective_rules()["proxy_limit"] == 1


def test_a_clerk_cannot_change_the_seat_plan(org, users):
    election = factories.election(org["community"], approved=True)
    response = api_as(users["community_clerk"]).patch(
        f"/api/v1/elections/{election.pk}/", {"seats": [{"position": "chair", "count": 1}]}, format="json")
    assert response.status_code == 403
    election.refresh_from_db()
    assert {s.position: s.count for s in election.seats.all()} == factories.RC_SEATS
    assert election.seat_plan_approved_at is not None


def test_stage_cannot_be_patched(org, users):
    election = factories.election(org["community"])
    response = api_as(users["district_admin"]).patch(f"/api/v1/elections/{election.pk}/", {"stage": "closed"},
                                                     format="json")
    assert response.status_code in (200, 400)
    election.refresh_from_db()
    assert election.stage == "preparation"

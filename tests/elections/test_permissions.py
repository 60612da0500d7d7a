"""The permission matrix: role × (inside / outside the jurisdiction) × (read / write), through the API and pages.

Outside a user's jurisdiction everything is 404, for reads and writes alike — never 403, and never an
answer that differs from the one for an id that does not exist. Inside it, every role reads; writes
depend on the role.
"""

from __future__ import annotations

import datetime as dt

import pytest

from candidates.models import Person
from elections.models import Election, Event, StageTransition
from tests import factories
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

ROLES = ["district_admin", "district_reviewer", "street_staff", "community_clerk"]
# where the object lives: the clerk's community, a community of the other street, another district
PLACES = ["community", "other_community", "other_district"]
NO_SUCH_ID = 987654


def in_scope(role: str, place: str) -> bool:
    if place == "community":
        return True
    if place == "other_community":
        return role in {"district_admin", "district_reviewer"}
    return False


@pytest.fixture
def places(org):
    far = factories.tree()
    far["community"].name = "远郊社区"  # a name of its own, so a page cannot show it by coincidence
    far["community"].save()
    return {"community": org["community"], "other_community": org["other_community"],
            "other_district": far["community"]}


MATRIX = [(role, place) for role in ROLES for place in PLACES]
MATRIX_IDS = [f"{role}-{place}" for role, place in MATRIX]


# ---------------------------------------------------------------- reads


READS = {
    "election": "/api/v1/elections/{e}/",
    "gates": "/api/v1/elections/{e}/gates/",
    "events": "/api/v1/elections/{e}/events/",
    "person": "/api/v1/people/{p}/",
    "relatives": "/api/v1/people/{p}/relatives/",
}


@pytest.mark.parametrize(("role", "place"), MATRIX, ids=MATRIX_IDS)
@pytest.mark.parametrize("read", sorted(READS))
def test_read(users, places, role, place, read):
    election = factories.election(places[place])
    person = factories.person(places[place], "张三")
    client = api_as(users[role])
    response = client.get(READS[read].format(e=election.pk, p=person.pk))
    if in_scope(role, place):
        assert response.status_code == 200, response.content
    else:
        assert response.status_code == 404, response.content
        unknown = client.get(READS[read].format(e=NO_SUCH_ID, p=NO_SUCH_ID))
        assert unknown.status_code == 404
        assert response.json() == unknown.json(), "must not reveal that the object exists"


@pytest.mark.parametrize(("role", "place"), MATRIX, ids=MATRIX_IDS)
def test_lists_show_only_what_is_in_scope(users, places, role, place):
    election = factories.election(places[place])
    person = factories.person(places[place], "张三")
    client = api_as(users[role])
    elections = {e["id"] for e in client.get("/api/v1/elections/", {"page_size": 500}).json()["results"]}
    people = {p["id"] for p in client.get("/api/v1/people/", {"page_size": 500}).json()["results"]}
    assert (election.pk in elections) is in_scope(role, place)
    assert (person.pk in people) is in_scope(role, place)


# ---------------------------------------------------------------- writes

WORKERS = {"community_clerk", "street_staff", "district_admin"}

# action: (roles allowed inside the jurisdiction, success status)
WRITES = {
    "patch_election": (WORKERS, 200),
    "advance": (WORKERS, 200),
    "create_person": (WORKERS, 201),
    "patch_person": (WORKERS, 200),
    "seat_plan_approve": ({"district_admin"}, 200),
    "reopen": ({"street_staff", "district_admin"}, 200),
}


def prepare(action: str, where):
    """The object an action works on, in a state where the action succeeds for an allowed role."""
    if action == "seat_plan_approve":
        return factories.election(where, approved=False)
    if action == "reopen":
        return factories.election(where, stage="nomination")
    if action in {"patch_person", "create_person"}:
        return factories.person(where, "李四", dt.date(1970, 1, 1))
    return factories.election(where)  # clear to advance


def perform(client, action: str, target, where, pk=None):
    pk = target.pk if pk is None else pk
    if action == "patch_election":
        return client.patch(f"/api/v1/elections/{pk}/", {"election_day": "2031-01-10"}, format="json")
    if action == "advance":
        return client.post(f"/api/v1/elections/{pk}/advance/", {}, format="json")
    if action == "seat_plan_approve":
        return client.post(f"/api/v1/elections/{pk}/seat-plan/approve/")
    if action == "reopen":
        return client.post(f"/api/v1/elections/{pk}/reopen/", {"stage": "preparation", "reason": "材料不全"},
                           format="json")
    if action == "patch_person":
        return client.patch(f"/api/v1/people/{pk}/", {"phone": "13900001111"}, format="json")
    if action == "create_person":
        community = where.pk if pk == target.pk else pk
        return client.post("/api/v1/people/", {"name": "王五", "id_number": factories.id_number(),
                                               "community": community}, format="json")
    raise AssertionError(action)


def state(action: str, target):
    """What an allowed write changes (to prove a refused one changed nothing)."""
    if action in {"patch_person", "create_person"}:
        return (Person.objects.count(), Person.objects.get(pk=target.pk).phone)
    election = Election.objects.get(pk=target.pk)
    return (election.stage, election.election_day, election.seat_plan_approved_at,
            StageTransition.objects.filter(election=election).count())


@pytest.mark.parametrize(("role", "place"), MATRIX, ids=MATRIX_IDS)
@pytest.mark.parametrize("action", sorted(WRITES))
def test_write(users, places, role, place, action):
    allowed, success = WRITES[action]
    where = places[place]
    target = prepare(action, where)
    client = api_as(users[role])
    before = state(action, target)
    events_before = Event.objects.count()

    response = perform(client, action, target, where)

    if not in_scope(role, place):
        if action == "create_person":
            # a body's reference to an out-of-scope community is a field error, worded exactly like an unknown id
            assert response.status_code == 400, response.content
            unknown = perform(client, action, target, where, pk=NO_SUCH_ID)
        else:
            assert response.status_code == 404, response.content
            unknown = perform(client, action, target, where, pk=NO_SUCH_ID)
            assert unknown.status_code == 404
        assert response.json() == unknown.json(), "must not reveal that the object exists"
    elif role in allowed:
        assert response.status_code == success, response.content
        assert state(action, target) != before
        assert Event.objects.count() == events_before + 1, "every write leaves one event"
        return
    else:
        assert response.status_code == 403, response.content
        assert "detail" in response.json()
    assert state(action, target) == before
    assert Event.objects.count() == events_before


# ---------------------------------------------------------------- pages


PAGES = {"election": "/elections/{e}/", "person": "/people/{p}/"}


@pytest.mark.parametrize(("role", "place"), MATRIX, ids=MATRIX_IDS)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_pages_are_404_outside_the_jurisdiction(client, users, places, role, place, page):
    election = factories.election(places[place])
    person = factories.person(places[place], "张三")
    client.force_login(users[role])
    response = client.get(PAGES[page].format(e=election.pk, p=person.pk))
    if in_scope(role, place):
        assert response.status_code == 200
        assert (election.community.name if page == "election" else person.name) in response.content.decode()
    else:
        assert response.status_code == 404
        assert places[place].name.encode() not in response.content
        assert person.id_number[-4:].encode() not in response.content


@pytest.mark.parametrize("path", ["/elections/{e}/advance/", "/elections/{e}/seat-plan/approve/"])
def test_page_writes_are_404_outside_the_jurisdiction(client, users, places, path):
    election = factories.election(places["other_community"], approved=False)
    client.force_login(users["community_clerk"])
    response = client.post(path.format(e=election.pk))
    assert response.status_code == 404
    election.refresh_from_db()
    assert (election.stage, election.seat_plan_approved_at) == ("preparation", None)


def test_a_refused_user_creation_reveals_no_usernames(org, users):
    """Permission is checked before validation: a clerk cannot probe which usernames exist."""
    from tests.conftest import api_as

    response = api_as(users["community_clerk"]).post(
        "/api/v1/users/",
        {"username": "xi_staff", "password": "long-enough-1", "role": "community_clerk",
         "jurisdiction": org["community"].pk},
        format="json",
    )
    assert response.status_code == 403
    assert "已存在" not in response.content.decode()

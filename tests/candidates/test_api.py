"""/api/v1/people/: registration with ID validation, masking, search, near-relative links, scope."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from candidates.models import Person, Relative
from candidates.rules import age_on, check_char
from elections.models import Event
from tests import factories
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")
MASKED = re.compile(r"^\d{4}\*{10}[\dX]{4}$")


def person_payload(community, **overrides):
    payload = {"name": "张三", "id_number": factories.id_number(dt.date(1980, 5, 17), seq=11),
               "community": community.pk, "education": "college", "party_member": True, "phone": "13800001234"}
    payload.update(overrides)
    return payload


@pytest.fixture
def clerk(users):
    return api_as(users["community_clerk"])


# ---------------------------------------------------------------- create, masking, derived fields


def test_create_a_person_derives_sex_birth_date_and_age_and_masks_the_id(org, clerk):
    number = factories.id_number(dt.date(1980, 5, 17), seq=11)  # 17th digit 1: male
    response = clerk.post("/api/v1/people/", person_payload(org["community"], id_number=number), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {"id", "name", "id_number", "sex", "birth_date", "age", "education", "party_member", "community",
            "phone"} <= set(body)
    assert body["id_number"] == number[:4] + "*" * 10 + number[-4:]
    assert MASKED.match(body["id_number"])
    assert number not in response.content.decode()
    assert body["sex"] == "male"
    assert body["birth_date"] == "1980-05-17"
    assert body["age"] == age_on(dt.date(1980, 5, 17), timezone.localdate())
    assert (body["name"], body["education"], body["party_member"], body["community"]) == (
        "张三", "college", True, org["community"].pk)
    assert body["phone"] == "138****1234"

    person = Person.objects.get(pk=body["id"])
    assert person.id_number == number, "the full number is stored"
    assert (person.sex, person.birth_date) == ("male", dt.date(1980, 5, 17))
    event = Event.objects.get(action="person.create", object_id=str(person.pk))
    assert number not in str(event.after) and number not in event.summary, "the trail never holds a full ID"


def test_a_female_id_and_a_lowercase_x_check_character(org, clerk):
    birth = dt.date(1990, 2, 28)
    seq = next(s for s in range(2, 1000, 2) if check_char(f"340603{birth:%Y%m%d}{s:03d}") == "X")
    number = f"340603{birth:%Y%m%d}{seq:03d}X"
    response = clerk.post("/api/v1/people/", person_payload(org["community"], name="李梅",
                                                            id_number=number.lower()), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["sex"] == "female"
    assert body["birth_date"] == "1990-02-28"
    assert body["id_number"].endswith("X") and MASKED.match(body["id_number"])
    assert Person.objects.get(pk=body["id"]).id_number == number


def test_reads_are_masked_too(org, clerk):
    person = factories.person(org["community"], "王五", phone="13912345678")
    for response in (clerk.get(f"/api/v1/people/{person.pk}/"), clerk.get("/api/v1/people/")):
        assert response.status_code == 200
        assert person.id_number not in response.content.decode()
        assert "13912345678" not in response.content.decode()
    detail = clerk.get(f"/api/v1/people/{person.pk}/").json()
    assert detail["id_number"] == person.id_number[:4] + "**********" + person.id_number[-4:]
    listed = clerk.get("/api/v1/people/").json()
    assert set(listed) == {"count", "next", "previous", "results"}
    assert [p["id_number"] for p in listed["results"]] == [detail["id_number"]]


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda n: n[:17] + ("0" if n[17] != "0" else "1"), "校验位"),
        (lambda n: n[:16], "18 位"),
        (lambda n: n[:6] + "19801332" + n[14:], "出生日期"),
        (lambda n: n[:10] + "A" + n[11:], "数字"),
        (lambda n: "", "空"),
    ],
)
def test_an_invalid_id_number_is_a_400_on_id_number_in_chinese(org, clerk, mutate, fragment):
    bad = mutate(factories.id_number())
    response = clerk.post("/api/v1/people/", person_payload(org["community"], id_number=bad), format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    messages = body["errors"]["id_number"]
    assert messages and all(CHINESE.search(m) for m in messages)
    assert any(fragment in m for m in messages), messages
    assert not Person.objects.exists()


def test_a_duplicate_id_number_is_a_400(org, clerk, users):
    number = factories.id_number()
    first = clerk.post("/api/v1/people/", person_payload(org["community"], id_number=number), format="json")
    assert first.status_code == 201
    again = api_as(users["street_staff"]).post(
        "/api/v1/people/", person_payload(org["sibling"], name="张叁", id_number=number), format="json")
    assert again.status_code == 400
    assert any("已登记" in m for m in again.json()["errors"]["id_number"])
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("education", "kindergarten"), ("name", ""), ("phone", "call-me-maybe"), ("sex", None)],
)
def test_other_bad_fields_are_400s(org, clerk, field, value):
    payload = person_payload(org["community"], **{field: value})
    if field == "sex":  # sex is derived, never taken from input
        payload["sex"] = "female"
        response = clerk.post("/api/v1/people/", payload, format="json")
        assert response.status_code == 201
        assert response.json()["sex"] == "male"
        return
    response = clerk.post("/api/v1/people/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Person.objects.exists()


def test_a_person_is_updated_with_patch(org, clerk):
    person = factories.person(org["community"], "王五")
    response = clerk.patch(f"/api/v1/people/{person.pk}/", {"education": "bachelor", "name": "王伍"}, format="json")
    assert response.status_code == 200, response.json()
    person.refresh_from_db()
    assert (person.name, person.education) == ("王伍", "bachelor")
    assert Event.objects.filter(action="person.update", object_id=str(person.pk)).exists()


# ---------------------------------------------------------------- search


@pytest.fixture
def residents(org):
    return {
        "张三": factories.person(org["community"], "张三"),
        "李四": factories.person(org["community"], "李四"),
        "张丽": factories.person(org["sibling"], "张丽"),
        "王五": factories.person(org["community"], "王五"),
        "张山": factories.person(org["other_community"], "张山"),  # out of the clerk's reach
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("zs", {"张三"}),
        ("ZS", {"张三"}),
        ("zhangsan", {"张三"}),
        ("张", {"张三"}),
        ("张三", {"张三"}),
        ("ls", {"李四"}),
        ("z", {"张三"}),
        ("nobody", set()),
    ],
)
def test_clerk_search_by_pinyin_initials_and_name(users, residents, q, expected):
    response = api_as(users["community_clerk"]).get("/api/v1/people/", {"q": q})
    assert response.status_code == 200
    assert {p["name"] for p in response.json()["results"]} == expected


def test_street_search_covers_its_whole_street(users, residents):
    response = api_as(users["street_staff"]).get("/api/v1/people/", {"q": "zh"})
    assert {p["name"] for p in response.json()["results"]} == {"张三", "张丽"}
    response = api_as(users["district_admin"]).get("/api/v1/people/", {"q": "张"})
    assert {p["name"] for p in response.json()["results"]} == {"张三", "张丽", "张山"}


def test_search_by_the_last_digits_of_the_id(org, users, residents):
    birth = dt.date(1975, 7, 7)
    seq = next(s for s in range(1, 1000) if check_char(f"340603{birth:%Y%m%d}{s:03d}") != "X")
    number = factories.id_number(birth, seq=seq)
    factories.person(org["community"], "钱七", id_number=number)
    response = api_as(users["community_clerk"]).get("/api/v1/people/", {"q": number[-6:]})
    assert {p["name"] for p in response.json()["results"]} == {"钱七"}


# ---------------------------------------------------------------- relatives


@pytest.fixture
def family(org):
    return {
        "father": factories.person(org["community"], "张大山", dt.date(1950, 3, 1)),
        "son": factories.person(org["community"], "张小山", dt.date(1980, 6, 1)),
        "stranger": factories.person(org["community"], "李四", dt.date(1981, 1, 1)),
    }


def test_a_relative_link_is_stored_both_ways(clerk, family):
    father, son = family["father"], family["son"]
    response = clerk.post(f"/api/v1/people/{son.pk}/relatives/", {"relative": father.pk, "relation": "parent"},
                          format="json")
    assert response.status_code == 201, response.json()
    assert response.json() == {"person": son.pk, "relative": father.pk, "relation": "parent"}

    of_father = clerk.get(f"/api/v1/people/{father.pk}/relatives/")
    assert of_father.status_code == 200
    assert [(r["relative"], r["relation"]) for r in of_father.json()] == [(son.pk, "child")]
    assert of_father.json()[0]["relative_name"] == "张小山"
    of_son = clerk.get(f"/api/v1/people/{son.pk}/relatives/").json()
    assert [(r["relative"], r["relation"]) for r in of_son] == [(father.pk, "parent")]

    assert set(Relative.objects.values_list("person_id", "relative_id", "relation")) == {
        (son.pk, father.pk, "parent"), (father.pk, son.pk, "child")}
    assert Event.objects.filter(action="relative.add").count() == 1


@pytest.mark.parametrize(("relation", "inverse"), [("spouse", "spouse"), ("sibling", "sibling"),
                                                   ("grandchild", "grandparent")])
def test_every_relation_gets_its_inverse(clerk, org, relation, inverse):
    a = factories.person(org["community"], "甲", dt.date(1940, 1, 1))
    b = factories.person(org["community"], "乙", dt.date(1990, 1, 1))
    response = clerk.post(f"/api/v1/people/{a.pk}/relatives/", {"relative": b.pk, "relation": relation},
                          format="json")
    assert response.status_code == 201
    assert [(r["relative"], r["relation"]) for r in clerk.get(f"/api/v1/people/{b.pk}/relatives/").json()] == [
        (a.pk, inverse)]


@pytest.mark.parametrize(
    ("who", "relation", "field"),
    [
        ("self", "spouse", "relative"),
        ("father", "child", "relation"),  # the father is not younger than the son
        ("father", "cousin", "relation"),
    ],
)
def test_bad_relative_links_are_400s(clerk, family, who, relation, field):
    son = family["son"]
    relative = son if who == "self" else family[who]
    response = clerk.post(f"/api/v1/people/{son.pk}/relatives/", {"relative": relative.pk, "relation": relation},
                          format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Relative.objects.exists()


def test_a_link_is_recorded_only_once(clerk, family):
    father, son = family["father"], family["son"]
    url = f"/api/v1/people/{son.pk}/relatives/"
    assert clerk.post(url, {"relative": father.pk, "relation": "parent"}, format="json").status_code == 201
    again = clerk.post(url, {"relative": father.pk, "relation": "parent"}, format="json")
    assert again.status_code == 400
    inverse = clerk.post(f"/api/v1/people/{father.pk}/relatives/", {"relative": son.pk, "relation": "child"},
                         format="json")
    assert inverse.status_code == 400
    assert Relative.objects.count() == 2


def test_near_relative_answers_true_and_false(clerk, family):
    father, son, stranger = family["father"], family["son"], family["stranger"]
    factories.relate(son, father, "parent")
    yes = clerk.get(f"/api/v1/people/{son.pk}/near-relative/{father.pk}/")
    assert yes.status_code == 200
    assert yes.json() == {"near_relatives": True}
    assert clerk.get(f"/api/v1/people/{father.pk}/near-relative/{son.pk}/").json() == {"near_relatives": True}
    assert clerk.get(f"/api/v1/people/{son.pk}/near-relative/{stranger.pk}/").json() == {"near_relatives": False}
    assert clerk.get(f"/api/v1/people/{son.pk}/near-relative/{son.pk}/").json() == {"near_relatives": False}


# ---------------------------------------------------------------- jurisdiction


@pytest.fixture
def outsider(org):
    return factories.person(org["other_community"], "南岭人", dt.date(1960, 1, 1))


@pytest.mark.parametrize(
    "path",
    ["/api/v1/people/{p}/", "/api/v1/people/{p}/relatives/", "/api/v1/people/{p}/near-relative/{q}/",
     "/api/v1/people/{q}/near-relative/{p}/"],
)
def test_a_person_of_another_community_is_404_for_a_clerk(clerk, family, outsider, path):
    url = path.format(p=outsider.pk, q=family["son"].pk)
    response = clerk.get(url)
    assert response.status_code == 404
    unknown = clerk.get(path.format(p=987654, q=family["son"].pk))
    assert unknown.status_code == 404
    assert response.json() == unknown.json(), "out of scope reads exactly like an unknown id"


def test_out_of_scope_people_are_neither_listed_nor_changed(clerk, family, outsider):
    listed = clerk.get("/api/v1/people/", {"page_size": 500}).json()
    assert outsider.pk not in {p["id"] for p in listed["results"]}
    assert listed["count"] == 3

    response = clerk.patch(f"/api/v1/people/{outsider.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 404
    outsider.refresh_from_db()
    assert outsider.name == "南岭人"

    response = clerk.post(f"/api/v1/people/{outsider.pk}/relatives/",
                          {"relative": family["son"].pk, "relation": "child"}, format="json")
    assert response.status_code == 404
    response = clerk.post(f"/api/v1/people/{family['son'].pk}/relatives/",
                          {"relative": outsider.pk, "relation": "parent"}, format="json")
    assert response.status_code == 400
    unknown = clerk.post(f"/api/v1/people/{family['son'].pk}/relatives/",
                         {"relative": 987654, "relation": "parent"}, format="json")
    assert response.json() == unknown.json()
    assert not Relative.objects.exists()


def test_a_clerk_cannot_register_a_person_in_another_community(org, clerk):
    hidden = clerk.post("/api/v1/people/", person_payload(org["other_community"]), format="json")
    unknown = clerk.post("/api/v1/people/", {**person_payload(org["community"]), "community": 987654},
                         format="json")
    assert hidden.status_code == unknown.status_code == 400
    assert hidden.json() == unknown.json()
    assert "community" in hidden.json()["errors"]
    sibling = clerk.post("/api/v1/people/", person_payload(org["sibling"]), format="json")
    assert sibling.status_code == 400, "a clerk's reach is its own community, not the street"
    assert not Person.objects.exists()


def test_moving_a_person_out_of_scope_is_refused(org, clerk):
    person = factories.person(org["community"], "王五")
    response = clerk.patch(f"/api/v1/people/{person.pk}/", {"community": org["other_community"].pk}, format="json")
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.community == org["community"]

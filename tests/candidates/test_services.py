"""People and near relatives through the services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from candidates import selectors, services
from candidates.models import Person, Relative
from elections.errors import ApplicationError
from elections.models import Event
from tests import factories

pytestmark = pytest.mark.django_db


def test_person_create_derives_sex_and_birth_and_never_logs_the_full_id(org, users):
    number = factories.id_number(dt.date(1990, 3, 4), seq=12)
    person = services.person_create(actor=users["community_clerk"], name=" 李四 ", id_number=number.lower(),
                                    community=org["community"], education="bachelor", party_member=True)
    assert (person.name, person.sex, person.birth_date) == ("李四", "female", dt.date(1990, 3, 4))
    assert (person.name_pinyin, person.name_initials) == ("lisi", "ls")
    event = Event.objects.get(action="person.create")
    assert number not in str(event.after) and event.after["id_number"] == person.masked_id


def test_person_create_reports_every_bad_field(org, users):
    with pytest.raises(ApplicationError) as caught:
        services.person_create(actor=users["street_staff"], name="", id_number="110105194902310023",
                               community=org["street"], education="phd", phone="138-abc")
    assert set(caught.value.errors) == {"name", "id_number", "community", "education", "phone"}
    assert "不是真实日期" in caught.value.errors["id_number"][0]


def test_an_id_number_is_registered_once(org, users):
    number = factories.id_number()
    services.person_create(actor=users["community_clerk"], name="王五", id_number=number, community=org["community"])
    with pytest.raises(ApplicationError) as caught:
        services.person_create(actor=users["street_staff"], name="王五", id_number=number, community=org["sibling"])
    assert caught.value.errors["id_number"] == ["该身份证号码已登记（王五，东关社区）。"]


def test_a_clerk_registers_only_in_their_community(org, users):
    with pytest.raises(PermissionDenied):
        services.person_create(actor=users["community_clerk"], name="赵六", id_number=factories.id_number(),
                               community=org["sibling"])
    with pytest.raises(PermissionDenied):
        services.person_create(actor=users["district_reviewer"], name="赵六", id_number=factories.id_number(),
                               community=org["community"])


def test_relatives_are_stored_both_ways_and_found_either_way(org, users):
    parent = factories.person(org["community"], "张父", dt.date(1950, 1, 1))
    child = factories.person(org["community"], "张子", dt.date(1980, 1, 1))
    stranger = factories.person(org["community"], "路人", dt.date(1980, 1, 1))
    services.relative_add(actor=users["community_clerk"], person=child, relative=parent, relation="parent")
    assert Relative.objects.get(person=child, relative=parent).relation == "parent"
    assert Relative.objects.get(person=parent, relative=child).relation == "child"
    assert selectors.are_near_relatives(parent, child) and selectors.are_near_relatives(child, parent)
    assert not selectors.are_near_relatives(parent, stranger)
    assert not selectors.are_near_relatives(parent, parent)
    assert selectors.near_relative_pairs([parent.pk, child.pk, stranger.pk]) == {frozenset({parent.pk, child.pk})}


def test_implausible_or_duplicate_relations_are_refused(org, users):
    old = factories.person(org["community"], "老", dt.date(1950, 1, 1))
    young = factories.person(org["community"], "少", dt.date(1980, 1, 1))
    with pytest.raises(ApplicationError, match="亲属关系有误") as caught:
        services.relative_add(actor=users["community_clerk"], person=old, relative=young, relation="parent")
    assert "早于本人" in caught.value.errors["relation"][0]
    services.relative_add(actor=users["community_clerk"], person=old, relative=young, relation="child")
    with pytest.raises(ApplicationError) as caught:
        services.relative_add(actor=users["community_clerk"], person=young, relative=old, relation="parent")
    assert "已登记为" in caught.value.errors["relative"][0]
    with pytest.raises(ApplicationError):
        services.relative_add(actor=users["community_clerk"], person=old, relative=old, relation="spouse")


def test_relatives_across_communities_need_both_in_scope(org, users):
    a = factories.person(org["community"], "甲")
    b = factories.person(org["sibling"], "乙", dt.date(1981, 1, 1))
    with pytest.raises(PermissionDenied):
        services.relative_add(actor=users["community_clerk"], person=a, relative=b, relation="spouse")
    services.relative_add(actor=users["street_staff"], person=a, relative=b, relation="spouse")
    assert selectors.are_near_relatives(b, a)


def test_removing_a_relation_needs_a_reason_and_is_recorded(org, users):
    a = factories.person(org["community"], "甲")
    b = factories.person(org["community"], "乙", dt.date(1981, 1, 1))
    services.relative_add(actor=users["community_clerk"], person=a, relative=b, relation="sibling")
    with pytest.raises(ApplicationError):
        services.relative_remove(actor=users["community_clerk"], person=a, relative=b, reason="")
    services.relative_remove(actor=users["community_clerk"], person=a, relative=b, reason="登记错误")
    assert not Relative.objects.exists()
    event = Event.objects.get(action="relative.remove")
    assert event.before["relation"] == "sibling" and event.after == {"reason": "登记错误"}


def test_search_by_name_pinyin_initials_and_id_tail(org, users):
    zhang = factories.person(org["community"], "张三", id_number=factories.id_number(seq=101))
    factories.person(org["community"], "李四", id_number=factories.id_number(seq=102))
    factories.person(org["other_community"], "张三丰", id_number=factories.id_number(seq=103))
    clerk = users["community_clerk"]
    assert list(selectors.person_list(user=clerk, filters={"q": "zs"})) == [zhang]
    assert list(selectors.person_list(user=clerk, filters={"q": "ZS"})) == [zhang]
    assert list(selectors.person_list(user=clerk, filters={"q": "zhangsan"})) == [zhang]
    assert list(selectors.person_list(user=clerk, filters={"q": "张"})) == [zhang]
    assert list(selectors.person_list(user=clerk, filters={"q": zhang.id_number[-4:]})) == [zhang]
    district = users["district_admin"]
    assert {p.name for p in selectors.person_list(user=district, filters={"q": "zs"})} == {"张三", "张三丰"}


def test_person_update_rederives_from_a_corrected_id(org, users):
    person = factories.person(org["community"], "周七", dt.date(1970, 1, 1))
    fixed = factories.id_number(dt.date(1971, 2, 2), seq=21)
    services.person_update(actor=users["community_clerk"], person=person, id_number=fixed, party_member=True)
    person.refresh_from_db()
    assert (person.birth_date, person.sex, person.party_member) == (dt.date(1971, 2, 2), "male", True)
    assert Person.objects.count() == 1

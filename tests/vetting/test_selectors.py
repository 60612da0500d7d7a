"""The review queue and the overview: who sees what, the filters, the waiting time, flat query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.vetting.conftest import SHANGHAI, nominate
from vetting import selectors, services
from vetting.models import Review

pytestmark = pytest.mark.django_db


def names(rows):
    return [row.person.name for row in rows]


def queue(user, **filters):
    return selectors.review_queue(user=user, filters=filters)


@pytest.fixture
def spread(org, users, reviewers, departments, vetting_election):
    """One nomination waiting at each level in 东关社区, one held, one in another street, one decided."""
    sibling = factories.election(org["sibling"], stage="vetting")
    far = factories.election(org["other_community"], stage="vetting")
    at = {
        "community": nominate(vetting_election, "张三"),
        "sibling": nominate(sibling, "孙八"),
        "street": nominate(vetting_election, "李四", level="street"),
        "district": nominate(vetting_election, "王五", position="chair", level="district"),
        "held": nominate(vetting_election, "赵六"),
        "far": nominate(far, "周九", level="district"),
        "done": nominate(vetting_election, "钱七", status="approved", level=""),
    }
    services.review_submit(actor=users["community_clerk"], nomination=at["held"], level="community",
                           decision="reject", grounds=["unsuitable-05"])
    return at


def test_each_role_sees_its_own_pending_work(users, reviewers, spread):
    assert names(queue(users["community_clerk"])) == ["张三"]
    assert names(queue(users["other_clerk"])) == []
    assert set(names(queue(users["street_staff"]))) == {"李四", "赵六"}
    assert names(queue(users["other_street_staff"])) == []
    assert set(names(queue(reviewers["police"]))) == {"王五", "周九"}
    assert names(queue(reviewers["organization"])) == []  # takes no part in this district's review
    assert set(names(queue(users["district_admin"]))) == {"张三", "孙八", "李四", "王五", "赵六", "周九"}
    assert set(names(queue(factories.superuser()))) == {"张三", "孙八", "李四", "王五", "赵六", "周九"}
    elsewhere = factories.user("district_reviewer", factories.jurisdiction("濉溪县", "district"), department="police")
    assert names(queue(elsewhere)) == []
    services.review_submit(actor=reviewers["police"], nomination=spread["district"], level="district", decision="pass")
    assert names(queue(reviewers["police"])) == ["周九"]
    assert names(queue(reviewers["court"], community=spread["district"].election.community_id)) == ["王五"]


def test_rows_carry_what_the_reviewer_needs(users, reviewers, spread):
    [held] = queue(users["street_staff"], q="赵")
    assert held.where == "不宜情形待街道决定"
    assert held.held_review.grounds == ["unsuitable-05"]
    assert held.ground_texts(held.held_review) == ["在重点工程和中心工作中不支持、不配合，或因主观因素导致工作推进不力的"]
    assert [r.reviewer for r in held.reviews] == [users["community_clerk"]]
    [row] = queue(reviewers["court"], position="chair")
    assert (row.election, row.community.name, row.position, row.channel, row.level) == (
        spread["district"].election, "东关社区", "chair", "joint_voters", "district")
    assert row.departments_required == ["civil_affairs", "police", "court"]
    assert row.departments_pending == ["civil_affairs", "police", "court"]


def test_waiting_since_is_when_it_reached_its_level(users, vetting_election, time_machine):
    n = nominate(vetting_election, "张三")
    time_machine.move_to(dt.datetime(2026, 3, 5, 9, 0, tzinfo=SHANGHAI))
    [row] = queue(users["community_clerk"])
    assert (row.waiting_since, row.waiting_days) == (n.created_at, 3)
    services.review_submit(actor=users["community_clerk"], nomination=n, level="community", decision="pass")
    time_machine.move_to(dt.datetime(2026, 3, 7, 9, 0, tzinfo=SHANGHAI))
    [row] = queue(users["street_staff"])
    assert row.waiting_since == Review.objects.get(nomination=n).created_at and row.waiting_days == 2


def test_search_by_name_and_pinyin_and_the_other_filters(users, org, vetting_election):
    nominate(vetting_election, "张三")
    nominate(vetting_election, "李四", position="chair")
    party = factories.election(org["community"], camp=vetting_election.campaign, body="party_committee",
                               stage="vetting")
    nominate(party, "张伟", position="secretary")
    admin = users["district_admin"]
    assert names(queue(admin, q="zs")) == ["张三"]
    assert set(names(queue(admin, q="zhang"))) == {"张三", "张伟"}
    assert names(queue(admin, q="李")) == ["李四"]
    assert names(queue(admin, position="chair")) == ["李四"]
    assert names(queue(admin, body="party_committee")) == ["张伟"]
    assert len(queue(admin, community=org["community"].pk)) == 3
    assert queue(admin, community=org["sibling"].pk) == []


def test_flagged_only(users, vetting_election):
    plain = nominate(vetting_election, "张三")
    flagged = nominate(vetting_election, "李四", education="junior_high")
    assert names(queue(users["community_clerk"], flagged=True)) == ["李四"]
    rows = {row.nomination.pk: row for row in queue(users["community_clerk"])}
    assert rows[flagged.pk].flags == ("education_below",) and rows[flagged.pk].flag_labels == ["学历低于要求"]
    assert not rows[plain.pk].flagged
    assert (rows[plain.pk].facts.age, rows[plain.pk].facts.incumbent) == (44, False)


def test_the_overview_shows_where_every_nomination_stands(users, reviewers, spread):
    services.review_submit(actor=reviewers["court"], nomination=spread["district"], level="district", decision="pass")
    rows = {row.person.name: row for row in selectors.vetting_overview(user=users["street_staff"])}
    assert set(rows) == {"张三", "孙八", "李四", "王五", "赵六", "钱七"}
    assert rows["王五"].departments_passed == ["court"]
    assert rows["王五"].departments_pending == ["civil_affairs", "police"]
    assert rows["王五"].where == "待民政局、公安局联审"
    assert rows["钱七"].where == "审查通过"
    assert rows["张三"].where == "待社区初审"
    assert [r.person.name for r in selectors.vetting_overview(user=users["street_staff"],
                                                              filters={"status": "held"})] == ["赵六"]


def test_the_queue_runs_a_fixed_number_of_queries(org, users, reviewers, departments, django_assert_max_num_queries):
    def fill(count):
        for i in range(count):
            community = factories.jurisdiction(f"社区{count}-{i}", "community", org["street" if i % 2 else "other_street"])
            e = factories.election(community, stage="vetting", prepared=False)
            n = nominate(e, f"甲{count}{i}", level="district")
            Review.objects.create(nomination=n, level="community", decision="pass", reviewer=users["community_clerk"])
            Review.objects.create(nomination=n, level="district", department="police", decision="pass",
                                  reviewer=reviewers["police"])

    def measure(user):
        with CaptureQueriesContext(connection) as ctx:
            rows = selectors.review_queue(user=user)
            shown = [(row.where, row.waiting_days, row.community.name, row.person.name) for row in rows]
        assert len(shown) == len(rows)
        return len(rows), len(ctx.captured_queries)

    fill(3)
    admin = factories.user("district_admin", org["district"])  # fresh: nothing cached on the user
    reviewer = factories.user("district_reviewer", org["district"], department="court")
    (rows, few), (court_rows, court_few) = measure(admin), measure(reviewer)
    assert rows == court_rows == 3
    fill(9)
    admin = factories.user("district_admin", org["district"])
    reviewer = factories.user("district_reviewer", org["district"], department="court")
    with django_assert_max_num_queries(few):
        assert len(selectors.review_queue(user=admin)) == 12
    with django_assert_max_num_queries(court_few):
        assert len(selectors.review_queue(user=reviewer)) == 12
    assert measure(admin) == (12, few)

"""List pages stay flat: the number of queries does not grow with the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories

pytestmark = pytest.mark.django_db


def grow(org, campaign, n, start=0):
    """n communities in the street, each with a party and an RC election and three people."""
    for i in range(start, start + n):
        community = factories.jurisdiction(f"社区{i}", "community", org["street"])
        factories.election(community, camp=campaign, body="party_committee", approved=i % 2 == 0)
        factories.election(community, camp=campaign, body="residents_committee",
                           election_day=None if i % 3 == 0 else factories.dt.date(2030, 1, 1))
        for k in range(3):
            factories.person(community, name=f"人员{i}{k}", id_number=factories.id_number())


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("url", ["/home/", "/api/v1/elections/?page_size=500", "/people/", "/api/v1/people/?page_size=500",
                                 "/home/?export=xlsx", "/people/?export=xlsx"])
def test_list_queries_do_not_grow_tenfold(client, org, users, url):
    campaign = factories.campaign(org["street"], milestones=[("节点", factories.dt.date(2030, 1, 1))])
    client.force_login(users["street_staff"])
    grow(org, campaign, 3)
    small, first = count_queries(client, url)
    grow(org, campaign, 27, start=3)
    large, second = count_queries(client, url)
    assert large == small, f"{url}: {small} queries for 6 elections, {large} for 60"
    if url == "/home/":
        assert second.content.count(b'href="/elections/') >= 60


def test_the_home_page_counts_blockers_without_a_query_per_election(client, org, users):
    campaign = factories.campaign(org["street"])
    client.force_login(users["district_admin"])
    grow(org, campaign, 5)
    queries, response = count_queries(client, "/home/")
    assert queries <= 22  # a fixed handful per registered gate, whatever the number of elections
    rows = response.context["rows"]
    assert len(rows) == 10
    unapproved = [r for r in rows if r.election.body == "party_committee" and r.election.seat_plan_approved_at is None]
    assert unapproved and all(r.blocker_count == 1 for r in unapproved)


def grow_staged(org, campaign, n, start=0):
    """n communities whose two elections sit in the later stages, each with nominations in every status."""
    stages = ["nomination", "vetting", "publicity"]
    for i in range(start, start + n):
        community = factories.jurisdiction(f"阶段社区{i}", "community", org["street"])
        for body in ("party_committee", "residents_committee"):
            election = factories.election(community, camp=campaign, body=body, stage=stages[i % 3])
            for k, status in enumerate(("reviewing", "approved", "rejected")):
                factories.nominate(election, person=factories.nominee(community, name=f"提名{i}{k}{body[0]}"),
                                   status=status, level="community" if status == "reviewing" else "")


def test_the_home_page_stays_flat_with_elections_in_nomination_vetting_and_publicity(client, org, users):
    """Every stage's gates collect in bulk: 6 or 36 elections across three stages cost the same queries."""
    campaign = factories.campaign(org["street"])
    client.force_login(users["street_staff"])
    grow_staged(org, campaign, 3)
    small, _ = count_queries(client, "/home/")
    grow_staged(org, campaign, 15, start=3)
    large, response = count_queries(client, "/home/")
    assert large == small, f"{small} queries for 6 elections, {large} for 36"
    assert len(response.context["rows"]) == 36

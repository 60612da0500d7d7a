"""The import's PostgreSQL path: the good rows go in with one COPY, in file order, and a registration the database
refuses (one active registration per person, campaign and body) is held rather than failing the job. Skipped
where there is no PostgreSQL; in CI it must run."""

from __future__ import annotations

import pytest
from django.db import connection

from ballots.models import HeldRow, Voter
from ballots.services import voter_import as services
from elections.models import Job
from tests import factories
from tests.ballots.import_factories import media, people, run_import, voter, xlsx  # noqa: F401
from tests.conftest import require

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("media")]


@pytest.fixture
def election(org):
    require(connection.vendor == "postgresql", f"the COPY path needs PostgreSQL, not {connection.vendor}")
    return factories.election(org["community"], stage="voting")


@pytest.fixture
def copies(monkeypatch):
    calls: list[int] = []
    real = services._copy

    def spy(job, election, keep, *args):
        calls.append(len(keep))
        return real(job, election, keep, *args)

    monkeypatch.setattr(services, "_copy", spy)
    return calls


def test_the_good_rows_go_in_with_one_copy_in_file_order(election, users, copies):
    rows = people(40)
    rows[5][0] = "张\\三"  # a backslash survives COPY's text format
    rows[6][3] = "非本社区户籍"
    rows.append(list(rows[0]))  # held
    rows.append(["", "1", "", ""])  # bad

    job = run_import(users["community_clerk"], election, xlsx(rows))

    assert job.state == "done", job.message
    assert copies == [40]
    voters = list(Voter.objects.filter(election=election).order_by("id"))
    assert [v.row for v in voters] == list(range(2, 42))  # ids follow the file
    assert [(v.name, v.id_number) for v in voters] == [(r[0], r[1]) for r in rows[:40]]
    assert voters[5].name == "张\\三" and voters[6].category == "non_registered"
    first = voters[0]
    assert (first.campaign_id, first.body, first.status, first.source, first.job_id, first.added_by_id) == (
        election.campaign_id, election.body, "active", "import", job.pk, None)
    assert first.birth_date.year == 1970 and first.sex in {"male", "female"} and first.removed_reason == ""
    assert HeldRow.objects.filter(job=job).count() == 1
    # the sequence moved on past the rows copied: the next registration gets a fresh id
    later = voter(election, number=factories.id_number(seq=999))
    assert later.pk > voters[-1].pk


def test_a_conflict_the_database_refuses_during_copy_is_held(election, users, org, monkeypatch, copies):
    sibling = factories.election(org["sibling"], camp=election.campaign, stage="voting")
    rows = people(5)
    real = services._registered
    calls: list[int] = []

    def late(el, numbers):
        calls.append(1)
        found = real(el, numbers)
        if len(calls) == 1:  # registered elsewhere right after the import looked
            voter(sibling, name=rows[2][0], number=rows[2][1], group="第8居民小组")
        return found

    monkeypatch.setattr(services, "_registered", late)

    job = run_import(users["community_clerk"], election, xlsx(rows))

    assert job.state == "done", job.message
    assert copies == [5, 4]  # the first COPY was refused as a whole, the second went in
    assert Voter.objects.filter(election=election).count() == 4
    held = HeldRow.objects.get(job=job)
    assert (held.row, held.kind, held.other) == (4, "other_community", "西关社区（第8居民小组）")


def test_the_registration_lookup_finds_people_across_the_campaign(election, users, org):
    sibling = factories.election(org["sibling"], camp=election.campaign, stage="voting")
    rows = people(3)
    voter(sibling, name=rows[1][0], number=rows[1][1], group="第4居民小组")
    voter(election, name=rows[2][0], number=rows[2][1], group="第1居民小组")

    job = run_import(users["community_clerk"], election, xlsx(rows))

    assert {(h.row, h.kind) for h in HeldRow.objects.filter(job=job)} == {(3, "other_community"),
                                                                          (4, "registered_here")}
    assert job.result["imported"] == 1


def test_two_communities_importing_the_same_people_at_once(transactional_db, settings, tmp_path, monkeypatch):
    """Both imports look the people up before either stores: the database lets one register them, and the other
    holds them (other_community) instead of failing."""
    import threading

    from django.db import connections

    require(connection.vendor == "postgresql", f"row locks need PostgreSQL, not {connection.vendor}")
    settings.MEDIA_ROOT = str(tmp_path)
    org = factories.tree()
    east = factories.election(org["community"], stage="voting")
    west = factories.election(org["sibling"], camp=east.campaign, stage="voting")
    clerks = {e.pk: factories.user("street_staff", org["street"]) for e in (east, west)}
    shared = people(30)
    files = {east.pk: xlsx(shared + people(5, start=100)), west.pk: xlsx(people(5, start=200) + shared)}
    jobs = {e.pk: services.voter_import_start(actor=clerks[e.pk], election=e, file_name="a.xlsx",
                                              content=files[e.pk]).pk for e in (east, west)}
    barrier, local, errors = threading.Barrier(2), threading.local(), []
    real = services._registered

    def together(el, numbers):
        found = real(el, numbers)
        if not getattr(local, "waited", False):  # the first look-up of each import: wait for the other's
            local.waited = True
            barrier.wait(timeout=10)
        return found

    monkeypatch.setattr(services, "_registered", together)

    def run(job_id):
        try:
            services.voter_import_run(job_id)
        except Exception as exc:  # noqa: BLE001 - reported through the list
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(j,)) for j in jobs.values()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    done = {pk: Job.objects.get(pk=j) for pk, j in jobs.items()}
    assert all(j.state == "done" for j in done.values()), [j.message for j in done.values()]
    assert sorted(j.result["imported"] for j in done.values()) == [5, 35]
    assert sorted(j.result["held"] for j in done.values()) == [0, 30]
    numbers = [r[1] for r in shared]
    assert Voter.objects.filter(id_number__in=numbers, status="active").count() == 30
    assert set(HeldRow.objects.values_list("kind", flat=True)) == {"other_community"}


def test_ids_drawn_ahead_on_a_second_connection_keep_the_file_order(election, users, monkeypatch, copies):
    monkeypatch.setattr(services, "PREFETCH_FROM", 1)  # as for a large file
    rows = people(20)
    rows.insert(3, ["", "1", "", ""])  # rows that need no id leave gaps, nothing else

    job = run_import(users["community_clerk"], election, xlsx(rows))

    assert job.state == "done", job.message
    voters = list(Voter.objects.filter(election=election).order_by("id"))
    assert [v.row for v in voters] == [2, 3, 4, *range(6, 23)]

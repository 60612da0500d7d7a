"""End-to-end in headless Chromium: a clerk uploads a voter roll and decides a held row; the job page follows a
job still running (static/js/jobs.js polling the API) and shows its results when it ends. Data is written before
the browser opens and checked after it closes (see tests/e2e/test_browser.py)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from ballots.models import HeldRow, Voter
from ballots.services import voter_import as services
from elections.models import Job
from tests import factories
from tests.ballots.import_factories import media, people, xlsx  # noqa: F401
from tests.conftest import require
from tests.e2e.test_browser import browser_page, login  # noqa: F401  (browser_page: a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
              pytest.mark.usefixtures("media")]


def test_a_clerk_imports_a_roll_and_decides_a_held_row(live_server, org, users, request, tmp_path):
    open_page = request.getfixturevalue("browser_page")  # (live_server first: a transactional database)
    election = factories.election(org["community"], stage="voting")
    rows = people(4)
    rows.append([rows[0][0], rows[0][1], "第6居民小组", ""])
    rows.append(["王五", "123", "第1居民小组", ""])
    upload = tmp_path / "东关社区选民.xlsx"
    upload.write_bytes(xlsx(rows))

    with open_page() as page:
        login(page, users["community_clerk"].username)
        page.goto(f"/elections/{election.pk}/voters/import/")
        page.set_input_files("#voter-import-form input[type=file]", str(upload))
        with page.expect_navigation():
            page.click("#voter-import-submit")
        assert "/jobs/" in page.url
        assert page.inner_text("#count-imported").strip() == "4"
        assert page.locator("#job-errors tr[data-error-row='7']").count() == 1
        held = page.locator("#job-held tr[data-kind='in_file']")
        held.locator("input[name=reason]").fill("同一人，以第 2 行为准")
        with page.expect_navigation():
            held.locator("button[value=discard]").click()
        assert page.locator("#job-held tr[data-decision='discarded']").count() == 1

    assert Voter.objects.filter(election=election).count() == 4
    assert HeldRow.objects.get().decision_reason == "同一人，以第 2 行为准"


@pytest.mark.postgres
def test_the_job_page_follows_a_running_job_until_it_ends(live_server, org, users, request, monkeypatch):
    """The job runs in another thread while the page polls: SQLite's shared in-memory test database refuses a
    read and a write at the same moment, so this runs on PostgreSQL (in CI it must)."""
    require(connection.vendor == "postgresql", f"a worker beside the live server needs PostgreSQL, not {connection.vendor}")
    open_page = request.getfixturevalue("browser_page")  # (live_server first: a transactional database)
    election = factories.election(org["community"], stage="voting")
    monkeypatch.setattr(services, "_enqueue", lambda job_id: None)  # a worker will pick it up, later
    job = services.voter_import_start(actor=users["community_clerk"], election=election, file_name="a.xlsx",
                                      content=xlsx(people(3)))

    shown = threading.Event()

    def worker() -> None:
        shown.wait(timeout=30)  # the page shows the job queued first
        time.sleep(1)
        try:
            services.voter_import_run(job.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        with open_page() as page:
            login(page, users["community_clerk"].username)
            page.goto(f"/jobs/{job.pk}/")
            assert page.locator("#job-progress progress").count() == 1
            shown.set()
            page.wait_for_selector("#job-summary", timeout=20_000)
            assert page.inner_text("#count-imported").strip() == "3"
    finally:
        shown.set()
        thread.join()

    assert Job.objects.get(pk=job.pk).state == "done"

"""End-to-end: real pages, real login form, headless Chromium against pytest-django's live server.

Playwright's sync API runs an asyncio event loop in this thread, and Django refuses sync ORM calls while
one is running. So every test builds its data (and computes what it expects) *before* opening the
browser, and checks the database only after the browser is closed.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import factories
from tests.conftest import require

pytestmark = [
    pytest.mark.browser,
    # WhiteNoise warns that STATIC_ROOT (var/static) has not been collected; the live server serves
    # static files itself, so that is irrelevant here.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 15_000


@pytest.fixture
def browser_page(request, live_server):
    """A context manager opening a fresh headless Chromium page; screenshots the page if the body fails.

    Call it only after all database writes of the test (see the module docstring).
    """
    require(os.path.exists(CHROMIUM_PATH), f"no Chromium at {CHROMIUM_PATH} (set CHROMIUM_PATH)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev extra installs it
        sync_playwright = None
    require(sync_playwright is not None, "the playwright package is not installed")

    @contextlib.contextmanager
    def open_page() -> Iterator:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS,
                                         timeout=30_000)
            try:
                context = browser.new_context(locale="zh-CN", base_url=live_server.url)
                context.set_default_timeout(TIMEOUT_MS)
                context.set_default_navigation_timeout(30_000)
                page = context.new_page()
                try:
                    yield page
                except BaseException:
                    _screenshot(page, request.node.name)
                    raise
            finally:
                browser.close()

    return open_page


def _screenshot(page, name: str) -> None:
    with contextlib.suppress(Exception):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"), full_page=True)


def login(page, username: str) -> None:
    page.goto("/login/")
    page.fill("section.login input[name=username]", username)
    page.fill("section.login input[name=password]", factories.PASSWORD)
    with page.expect_navigation():
        page.click("section.login button[type=submit]")
    assert page.url.rstrip("/").endswith("/home"), f"login did not land on the home page: {page.url}"
    assert page.locator("header .who").count() == 1, "not logged in"


def blocker_rows(page) -> list[dict[str, str]]:
    rows = page.locator("table.blockers tr.blocker")
    result = []
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        result.append({
            "attr": rows.nth(i).get_attribute("data-code") or "",
            "message": cells.nth(0).inner_text().strip(),
            "source": cells.nth(1).inner_text().strip(),
            "fix": cells.nth(2).inner_text().strip(),
            "code": cells.nth(3).inner_text().strip(),
        })
    return result


def expected_rows(election) -> list[dict[str, str]]:
    from elections import gates

    return [{"attr": b.code, "message": b.message, "source": b.source, "fix": b.fix, "code": b.code}
            for b in gates.blockers_for(election)]


def test_clerk_logs_in_sees_elections_and_their_blockers(org, users, browser_page):
    camp = factories.campaign(org["street"], name="2026 西街道换届")
    unapproved = factories.election(org["community"], camp, body="residents_committee", approved=False)
    no_day = factories.election(org["community"], camp, body="party_committee", election_day=None)
    elsewhere = factories.election(org["other_community"], body="residents_committee")
    expected = {unapproved.pk: expected_rows(unapproved), no_day.pk: expected_rows(no_day)}
    assert "seat_plan_not_approved" in [r["code"] for r in expected[unapproved.pk]]
    assert "election_day_missing" in [r["code"] for r in expected[no_day.pk]]

    with browser_page() as page:
        login(page, users["community_clerk"].username)

        # The home page lists exactly the clerk's own elections, each with its blocker count.
        links = page.locator("table.grid a[href^='/elections/']:not(.blocked)")
        hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
        assert hrefs == {f"/elections/{unapproved.pk}/", f"/elections/{no_day.pk}/"}
        assert f"/elections/{elsewhere.pk}/" not in page.content()
        assert "东关社区" in page.locator("table.grid").last.inner_text()

        for election in (unapproved, no_day):
            page.goto("/home/")
            with page.expect_navigation():
                page.click(f"table.grid a[href='/elections/{election.pk}/']:not(.blocked)")
            assert page.url.endswith(f"/elections/{election.pk}/")
            assert page.locator("table.blockers").is_visible()
            assert blocker_rows(page) == expected[election.pk]
            advance = page.locator("#advance-button")
            assert advance.count() == 1, "the clerk may advance, so the button must be shown"
            assert advance.is_disabled()
            assert page.locator("li.current").inner_text().strip() == "准备"


def test_street_user_advances_a_ready_election(org, users, browser_page):
    from elections import gates

    election = factories.election(org["community"])
    assert gates.blockers_for(election) == [], "fixture election should be ready to advance"

    with browser_page() as page:
        login(page, users["street_staff"].username)
        page.goto(f"/elections/{election.pk}/")
        assert page.locator("li.current").inner_text().strip() == "准备"
        assert page.locator("table.blockers").count() == 0
        button = page.locator("#advance-button")
        assert button.is_enabled()
        with page.expect_navigation():
            button.click()
        assert page.url.endswith(f"/elections/{election.pk}/")
        assert page.locator("li.current").inner_text().strip() == "提名"
        assert page.locator("li.done").first.inner_text().strip() == "准备"
        assert "已进入“提名”阶段" in page.locator("ul.messages").inner_text()

        page.goto(f"/elections/{election.pk}/?tab=events")
        actions = page.locator("table.events td code").all_inner_texts()
        assert "stage.advance" in actions
        row = page.locator("table.events tr", has=page.locator("code", has_text="stage.advance"))
        assert "由“准备”进入“提名”" in row.inner_text()

    election.refresh_from_db()
    assert election.stage == "nomination"
    assert election.transitions.filter(kind="advance", actor=users["street_staff"]).count() == 1


def test_clerk_gets_404_for_another_communitys_election(org, users, browser_page):
    foreign = factories.election(org["other_community"])
    own = factories.election(org["community"])

    with browser_page() as page:
        login(page, users["community_clerk"].username)
        response = page.goto(f"/elections/{own.pk}/")
        assert response is not None and response.status == 200
        response = page.goto(f"/elections/{foreign.pk}/")
        assert response is not None and response.status == 404
        assert "南岭社区" not in page.content()
        assert page.locator("#advance-button").count() == 0

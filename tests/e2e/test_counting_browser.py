"""End-to-end: two users enter one station's tally through the page; it is reconciled and the results show the
winners.

An RC election in counting (1 主任, 1 副主任, 2 委员; 100 voters; one central venue). In a real browser, each on
their own login: the clerk starts counting and enters the station's tally; the street staff, who cannot see the
clerk's numbers yet, enters the second time with one 委员's votes mistyped — the two entries appear side by side
with that row flagged; the street staff corrects their own entry, the tally is reconciled, the round is counted
and the results name the four winners with the engine's explanation; the clerk records the announcement and no
gate is left. Data is built before the browser opens and checked after it closes (see test_browser.py).
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.ballots import counting_factories as cf
from tests.e2e.test_browser import login
from tests.e2e.test_nomination_browser import as_user, flash
from tests.e2e.test_preparation_browser import blocker_codes, opened

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

FIRST = {"王主任": 60, "李主任": 18, "赵副主任": 55, "钱副主任": 20, "孙委员": 50, "周委员": 45, "吴委员": 30}
WINNERS = ["王主任", "赵副主任", "孙委员", "周委员"]


def fill(form, ids: dict[str, int], votes: dict[str, int], issued: int = 80) -> None:
    form.locator("input[name=ballots_issued]").fill(str(issued))
    form.locator("input[name=ballots_returned]").fill(str(issued))
    form.locator("input[name=ballots_invalid]").fill("0")
    for name, count in votes.items():
        form.locator(f"input[name=vote_{ids[name]}]").fill(str(count))


def submit(page, form) -> None:
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_two_users_enter_a_station_tally_and_the_results_show_the_winners(org, users, browser_page):
    from ballots.models import Round, Tally, TallyEntry

    today = timezone.localdate()  # the browser cannot move the clock: the vote was today
    election = cf.counting_election(org["community"], election_day=today)
    ids = {name: c.pk for name, c in cf.by_name(election).items()}
    url = f"/elections/{election.pk}/?tab=counting"
    clerk, street = users["community_clerk"], users["street_staff"]

    with browser_page() as page:
        # 1. the clerk starts counting and enters the central venue's tally
        login(page, clerk.username)
        page.goto(url)
        assert "no_round" in blocker_codes(page)
        with page.expect_navigation():
            page.locator("#round-start").click()
        assert "已开始第 1 轮（选举）" in flash(page), flash(page)
        row = page.locator("tr[data-station='中心会场']")
        pk = row.get_attribute("data-tally")
        assert row.get_attribute("data-state") == "open"
        form = opened(page, f"#entry-{pk}")
        fill(form, ids, FIRST)
        submit(page, form)
        assert "已保存第一次录入" in flash(page), flash(page)
        assert page.locator(f"#tally-{pk}").get_attribute("data-state") == "entered"
        assert "tallies_unreconciled" in blocker_codes(page)

        # 2. the street staff enters the second time, one figure mistyped: the two entries side by side
        as_user(page, street.username)
        page.goto(url)
        assert page.locator(f"[data-comparison='{pk}']").count() == 0  # the clerk's numbers stay hidden
        form = opened(page, f"#entry-{pk}")
        fill(form, ids, dict(FIRST, 周委员=54))
        submit(page, form)
        assert "两次录入不一致（1 处）" in flash(page), flash(page)
        assert page.locator(f"#tally-{pk}").get_attribute("data-state") == "differs"
        flagged = page.locator(f"[data-comparison='{pk}'] tr[data-differs]")
        assert flagged.count() == 1
        assert flagged.get_attribute("data-field") == f"votes.{ids['周委员']}"
        assert [c.strip() for c in flagged.locator("td").all_inner_texts()][1:] == ["45", "54"]

        # 3. the street staff corrects their own entry: reconciled, counted, the winners shown
        form = opened(page, f"#entry-{pk}")
        assert form.locator(f"input[name=vote_{ids['周委员']}]").input_value() == "54"
        form.locator(f"input[name=vote_{ids['周委员']}]").fill("45")
        submit(page, form)
        assert "两次录入一致，已核对" in flash(page) and "计票结果已计算" in flash(page), flash(page)
        assert page.locator(f"#tally-{pk}").get_attribute("data-state") == "reconciled"
        elected = [e.get_attribute("data-elected") for e in page.locator("#standing [data-elected]").all()]
        assert elected == WINNERS
        result = page.locator("#result-1")
        assert result.get_attribute("data-valid") == "1"
        assert [r.get_attribute("data-candidate") for r in result.locator("tr[data-outcome=elected]").all()] == WINNERS
        assert "超过投票人数 80 的半数" in result.inner_text()
        assert blocker_codes(page) == {"results_not_announced"}

        # 4. the clerk records the announcement; no gate is left
        as_user(page, clerk.username)
        page.goto(url)
        form = page.locator("#announce-form")
        form.locator("input[name=announced_on]").fill(today.isoformat())
        submit(page, form)
        assert "已登记选举结果的公布日期" in flash(page), flash(page)
        assert blocker_codes(page) == set()
        printed = page.context.new_page()
        printed.goto(f"/elections/{election.pk}/results/print/")
        assert "王主任（60票）" in printed.locator("#elected").inner_text()
        assert "草案" not in printed.locator("h1").inner_text()

    r = Round.objects.get(election=election)
    assert (r.state, r.announced_on) == ("counted", today)
    assert Tally.objects.get(round=r).state == "reconciled"
    assert TallyEntry.objects.get(entered_by=street).version == 2
    assert TallyEntry.objects.filter(tally__round=r).count() == 2

"""End-to-end: a community clerk takes an empty RC election through preparation to `nomination` in a real
browser — incumbents and audits, the residents' election committee, the rulebook's adoption — seeing the
blockers shrink as each rule comes to hold, and finally the withdrawal of a member with the alternate
stepping in. Data is built before the browser opens and checked after it closes (see test_browser.py).
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from tests.e2e.test_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

PREPARATION_CODES = {"incumbents_missing", "election_committee_missing", "rulebook_not_adopted"}


def blocker_codes(page) -> set[str]:
    rows = page.locator("table.blockers tr.blocker")
    return {rows.nth(i).get_attribute("data-code") for i in range(rows.count())}


def opened(page, selector: str):
    """The form inside a <details> block, opened if the page rendered it closed."""
    details = page.locator(selector)
    if details.get_attribute("open") is None:
        details.locator("summary").first.click()
    return details.locator("form")


def pick(page, form, label: str) -> None:
    """Choose the option whose text starts with the person's name in the form's person <select>."""
    select = form.locator("select[name=person]")
    value = select.locator("option", has_text=label).first.get_attribute("value")
    select.select_option(value)


def test_clerk_walks_a_community_through_preparation_to_nomination(org, users, browser_page):
    from django.utils import timezone

    from elections.models import Election

    camp = factories.campaign(org["street"], name="2026 西街道换届")
    election = factories.election(org["community"], camp, prepared=False)  # seat plan approved, day set
    factories.person(org["community"], "王主任", dt.date(1968, 3, 1))  # the outgoing chair
    committee = [factories.person(org["community"], f"选委{n}", dt.date(1970, 1, 1) + dt.timedelta(days=37 * n))
                 for n in range(1, 8)]
    alternate = factories.person(org["community"], "候补甲", dt.date(1975, 6, 1))
    today = timezone.localdate()
    held_on, published_on = (today - dt.timedelta(days=10)).isoformat(), (today - dt.timedelta(days=8)).isoformat()
    url = f"/elections/{election.pk}/"

    with browser_page() as page:
        login(page, users["community_clerk"].username)
        page.goto(url)
        assert PREPARATION_CODES <= blocker_codes(page)
        assert page.locator("#advance-button").is_disabled()

        # 1. the outgoing committee and its audit
        page.goto(url + "?tab=incumbents")
        form = opened(page, "#add-incumbent")
        pick(page, form, "王主任")
        form.locator("select[name=position]").select_option("chair")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "audit_missing" in blocker_codes(page) and "incumbents_missing" not in blocker_codes(page)
        row = page.locator("table.incumbents tbody tr[data-status]").first
        row.locator("details.pop summary").click()
        audit = row.locator("form[action$='/audit/']")
        audit.locator("input[name=auditor]").fill("区审计局")
        audit.locator("textarea[name=conclusion]").fill("未发现问题")
        audit.locator("input[name=audited_on]").fill(held_on)
        audit.locator("input[name=published_on]").fill(published_on)
        with page.expect_navigation():
            audit.locator("button[type=submit]").click()
        assert not {c for c in blocker_codes(page) if c.startswith("audit") or c.startswith("incumbents")}
        assert page.locator("table.incumbents tbody tr[data-status=done]").count() == 1

        # 2. the residents' election committee: six is too few and even, seven holds
        page.goto(url + "?tab=committee")
        for n, person in enumerate(committee, start=1):
            form = opened(page, "#add-member")
            pick(page, form, person.name)
            form.locator("select[name=role]").select_option("chair" if n == 1 else "member")
            form.locator("input[name=votes]").fill(str(100 - n))
            with page.expect_navigation():
                form.locator("button[type=submit]").click()
            if n == 6:
                assert {"election_committee_size", "election_committee_even"} <= blocker_codes(page)
        form = opened(page, "#add-member")
        pick(page, form, "候补甲")
        form.locator("select[name=role]").select_option("alternate")
        form.locator("input[name=votes]").fill("40")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert not {c for c in blocker_codes(page) if c.startswith("election_committee")}
        assert page.locator("#serving tbody tr").count() == 7

        # 3. the rulebook: a meeting where exactly half attended is refused by the gate, then a valid one
        page.goto(url + "?tab=rules")
        form = page.locator("form[action$='/adoption/']")
        form.locator("select[name=meeting]").select_option("representatives_meeting")
        form.locator("input[name=held_on]").fill(held_on)
        form.locator("input[name=expected]").fill("40")
        form.locator("input[name=present]").fill("20")
        form.locator("input[name=votes_for]").fill("20")
        form.locator("input[name=published_on]").fill(published_on)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "rulebook_meeting_not_quorate" in blocker_codes(page)
        page.locator("#adoption details summary").click()
        form = page.locator("form[action$='/adoption/']")
        form.locator("input[name=present]").fill("31")
        form.locator("input[name=votes_for]").fill("29")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert not {c for c in blocker_codes(page) if c.startswith("rulebook")}, page.locator("#adoption").inner_text()[-900:]

        # 4. every preparation rule holds: the button is enabled and moves the election on
        page.goto(url)
        assert blocker_codes(page) == set()
        with page.expect_navigation():
            page.locator("#advance-button").click()
        assert page.locator("ol.timeline li.current").get_attribute("data-stage") == "nomination"

        # 5. a serving member leaves: the alternate steps in and the clerk is told so
        page.goto(url + "?tab=committee")
        member_row = page.locator("#serving tbody tr", has_text="选委7")
        member_row.locator("details summary").first.click()
        withdraw = member_row.locator("form[action$='/withdraw/']")
        withdraw.locator("input[name=reason]").fill("被提名为居民委员会成员候选人")
        with page.expect_navigation():
            withdraw.locator("button[type=submit]").click()
        flash = page.locator(".messages").inner_text()
        assert "候补甲" in flash and "递补" in flash
        assert page.locator("#withdrawn tbody tr", has_text="选委7").count() == 1

    election = Election.objects.get(pk=election.pk)
    assert election.stage == "nomination"
    from candidates.models import CommitteeMember

    stepped_in = CommitteeMember.objects.get(election=election, person=alternate)
    assert (stepped_in.role, stepped_in.active, stepped_in.replaces.person.name) == ("member", True, "选委7")
    actions = list(election.events.order_by("seq").values_list("action", flat=True))
    assert actions.count("committee.add") == 8 and "audit.record" in actions and "stage.advance" in actions
    assert actions[-2:] == ["committee.withdraw", "committee.step_in"]

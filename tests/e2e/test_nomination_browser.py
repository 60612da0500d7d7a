"""End-to-end: a nominee goes through three levels with two departments and lands on the formal list.

相山区's joint review is set to two departments (公安局, 法院). An RC election in nomination has approved
nominations for every position but one 委员 short of the margin. In a real browser, each on their own login:
the clerk nominates 王华 with 20 supporters on the 提名 tab and moves the election to vetting; the clerk passes
the 初审, the street the 全面审查, 公安局 and then 法院 the 联审 — approved; the clerk moves on to publicity,
records a publicity already over (dated in the past: the browser cannot move the clock) and builds the
formal list, where 王华 stands third among the 委员 in 姓氏笔画 order. Data is built before the browser opens
and checked after it closes (see test_browser.py).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests import factories
from tests.e2e.test_browser import login
from tests.e2e.test_preparation_browser import blocker_codes, opened, pick

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

OTHER_MEMBERS = ["丁一", "马力", "李明", "周强", "谢芳"]  # 2, 3, 7, 8 and 12 strokes
NOMINEE = "王华"  # 王: 4 strokes, so third


def as_user(page, username: str) -> None:
    page.context.clear_cookies()
    login(page, username)


def flash(page) -> str:
    return page.locator(".messages").inner_text()


def review(page, pk: int, expect_where: str, flash_has: str) -> None:
    """Pass the nomination at the caller's level on its review page; check the flash and where it stands."""
    page.goto(f"/vetting/nominations/{pk}/")
    form = page.locator("#review-form form")
    form.locator("input[name=decision][value=pass]").check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert flash_has in flash(page), flash(page)
    assert page.locator("#where").inner_text().strip() == expect_where


def test_a_nominee_goes_through_three_levels_with_two_departments_onto_the_formal_list(org, users, browser_page):
    from django.utils import timezone

    from candidates.models import Candidate, Nomination
    from candidates.strokes import sort_names
    from elections.models import Election
    from vetting import services as vetting

    vetting.departments_set(actor=users["district_admin"], district=org["district"], codes=["police", "court"])
    court = factories.user("district_reviewer", org["district"], "qu_fayuan", department="court")
    election = factories.election(org["community"], stage="nomination")
    for position, names in (("chair", ["陈主任", "林主任"]), ("vice_chair", ["高副主任", "孙副主任"]),
                            ("member", OTHER_MEMBERS)):
        for name in names:
            factories.nominate(election, person=factories.nominee(org["community"], name=name), position=position,
                               status="approved")
    factories.nominee(org["community"], name=NOMINEE, birth=dt.date(1988, 4, 12))
    supporters = "\n".join(f"{factories.SURNAMES[i]}联名{i}" for i in range(20))
    today = timezone.localdate()
    starts, ends = (today - dt.timedelta(days=10)).isoformat(), (today - dt.timedelta(days=4)).isoformat()
    expected_order = sort_names([*OTHER_MEMBERS, NOMINEE]).index(NOMINEE) + 1
    assert expected_order == 3
    url = f"/elections/{election.pk}/"
    clerk, street, police = (users["community_clerk"].username, users["street_staff"].username,
                             users["district_reviewer"].username)

    with browser_page() as page:
        # 1. the clerk nominates 王华 with 20 supporters: the margin holds, the election moves to vetting
        login(page, clerk)
        page.goto(url + "?tab=nomination")
        assert "nominations_insufficient" in blocker_codes(page)
        form = opened(page, "#add-nomination")
        pick(page, form, NOMINEE)
        form.locator("select[name=position]").select_option("member")
        form.locator("select[name=channel]").select_option("joint_voters")
        form.locator("textarea[name=supporters]").fill(supporters)
        form.locator("input[name=basis]").fill("第三居民小组选民联名推荐")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert f"已受理提名：{NOMINEE}（委员，选民联名）" in flash(page), flash(page)
        pk = int(re.search(r"#nomination-(\d+)$", page.url).group(1))
        row = page.locator(f"#nomination-{pk}")
        assert "20 人" in row.inner_text() and "社区初审" in row.inner_text()
        assert blocker_codes(page) == set()
        with page.expect_navigation():
            page.locator("#advance-button").click()
        assert "已进入“资格审查”阶段" in flash(page)
        assert "nominations_undecided" in blocker_codes(page)

        # 2. three levels: community 初审, street 全面审查, the district's two departments
        review(page, pk, "待街道全面审查", "已提交社区初审意见（通过）")
        as_user(page, street)
        review(page, pk, "待区级联审：公安局、法院", "已提交街道全面审查意见（通过）")
        as_user(page, police)
        review(page, pk, "待区级联审：法院", "已提交区级联审（公安局）意见（通过）")
        as_user(page, court.username)
        review(page, pk, "审查通过", "已提交区级联审（法院）意见（通过）")
        assert page.locator("#departments [data-state=passed]").count() == 2

        # 3. the clerk: on to publicity, a publicity already over, the formal list
        as_user(page, clerk)
        page.goto(url)
        assert blocker_codes(page) == set()
        with page.expect_navigation():
            page.locator("#advance-button").click()
        assert "已进入“公示/确定候选人”阶段" in flash(page)
        assert {"publicity_missing", "candidate_list_missing"} <= blocker_codes(page)
        page.goto(url + "?tab=publicity")
        form = opened(page, "#publicity-edit")
        form.locator("input[name=starts_on]").fill(starts)
        form.locator("input[name=ends_on]").fill(ends)
        form.locator("input[name=place]").fill("社区居务公开栏")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "公示期已登记" in flash(page) and "共 7 天" in flash(page), flash(page)
        assert "公示期已满" in page.locator("#publicity-state").inner_text()
        assert not {"publicity_missing", "publicity_not_over"} & blocker_codes(page)

        page.goto(url + "?tab=candidates")
        with page.expect_navigation():
            page.locator("#build-button").click()
        assert "已列入正式候选人 10 名（按姓氏笔画排序）" in flash(page), flash(page)
        members = page.locator("table.candidates").nth(2)
        assert page.locator("h3.position").nth(2).get_attribute("data-position") == "member"
        names = [members.locator("tbody tr td.cname").nth(i).inner_text().strip() for i in range(6)]
        assert names == sort_names([*OTHER_MEMBERS, NOMINEE])
        assert members.locator(f"#cand-{pk} td.num").first.inner_text().strip() == str(expected_order)
        assert "各职位候选人数均符合差额要求" in page.locator("#formal-list").inner_text()
        assert "candidate_list_missing" not in blocker_codes(page)

    election = Election.objects.get(pk=election.pk)
    assert election.stage == "publicity"
    nomination = Nomination.objects.get(pk=pk)
    assert (nomination.status, nomination.person.name, len(nomination.supporters)) == ("approved", NOMINEE, 20)
    candidate = Candidate.objects.get(nomination=nomination)
    assert (candidate.position, candidate.order) == ("member", expected_order)
    actions = list(election.events.order_by("seq").values_list("action", flat=True))
    assert actions.count("vetting.review") == 4 and actions.count("stage.advance") == 2
    assert {"nomination.submit", "publicity.set", "candidate_list.build"} <= set(actions)

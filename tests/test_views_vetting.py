"""The vetting pages: the review queue and batch pass, the review page of one nomination (reviews at the three
levels, the street's decision on 不宜 rejections, stale versions), the overview, the district's setup, reports,
and the election page's 资格审查 and 公示与异议 tabs — as each role sees and uses them."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from candidates.models import Nomination
from tests import factories
from tests.vetting.conftest import nominate
from vetting import services
from vetting.models import Ground, Objection, Publicity, Report, Review, ReviewDepartment

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 3, 2)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEPARTMENTS = ["civil_affairs", "police", "court"]


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def departments(org):
    """The fixture district's joint review: three departments sign off."""
    for code in ["organization", "civil_affairs", "discipline", "political_legal", "petition", "police",
                 "procuratorate", "court"]:
        ReviewDepartment.objects.create(district=org["district"], code=code, active=code in DEPARTMENTS)
    return DEPARTMENTS


@pytest.fixture
def reviewers(org, users):
    found = {"police": users["district_reviewer"]}
    for code in ["organization", "civil_affairs", "discipline", "court"]:
        found[code] = factories.user("district_reviewer", org["district"], f"rev_{code}", department=code)
    return found


@pytest.fixture
def election(org):
    return factories.election(org["community"], stage="vetting")


@pytest.fixture
def publicity_election(org):
    return factories.election(org["community"], stage="publicity")


def as_user(client, user):
    client.force_login(user)
    return client


def html_of(response) -> str:
    return response.content.decode()


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html_of(response)))


def field_errors(response, field: str) -> list[str]:
    return re.findall(rf'<p class="error" data-field="{field}">([^<]*)</p>', html_of(response))


def flashes(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def header_row(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return [cell.value for cell in load_workbook(BytesIO(response.content)).active[1]]


def sheet_rows(response) -> list[list]:
    sheet = load_workbook(BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]


def reload(nomination: Nomination) -> Nomination:
    return Nomination.objects.get(pk=nomination.pk)


def review_url(nomination) -> str:
    return reverse("vetting-review", args=[nomination.pk])


def post_review(client, nomination, decision="pass", grounds=(), note="", version=None, level=None, **extra):
    fresh = reload(nomination)
    data = {"decision": decision, "grounds": list(grounds), "note": note,
            "version": fresh.version if version is None else version, "level": level or fresh.level, **extra}
    return client.post(reverse("vetting-review-submit", args=[nomination.pk]), data)


def to_district(nomination, users):
    services.review_submit(actor=users["community_clerk"], nomination=reload(nomination), level="community",
                           decision="pass")
    services.review_submit(actor=users["street_staff"], nomination=reload(nomination), level="street",
                           decision="pass")
    return reload(nomination)


# --------------------------------------------------------------------------------------------
# Who sees which page
# --------------------------------------------------------------------------------------------


def test_each_page_renders_for_the_right_role_and_refuses_the_others(client, org, users, reviewers, election,
                                                                     publicity_election):
    n = nominate(election, "张三")
    far = nominate(factories.election(org["other_community"], stage="vetting"), "周九")
    pages = {
        "queue": reverse("vetting-queue"), "overview": reverse("vetting-overview"),
        "setup": reverse("vetting-setup"), "reports": reverse("vetting-reports"), "review": review_url(n),
        "vetting_tab": reverse("election-detail", args=[election.pk]) + "?tab=vetting",
        "publicity_tab": reverse("election-detail", args=[publicity_election.pk]) + "?tab=publicity",
    }
    assert client.get(pages["queue"]).status_code == 302  # to the login page
    expected = {
        "community_clerk": {"queue": 200, "overview": 403, "setup": 403, "reports": 200, "review": 200,
                            "vetting_tab": 200, "publicity_tab": 200},
        "street_staff": {"queue": 200, "overview": 200, "setup": 403, "reports": 200, "review": 200,
                         "vetting_tab": 200, "publicity_tab": 200},
        "district_reviewer": {"queue": 200, "overview": 200, "setup": 403, "reports": 200, "review": 200,
                              "vetting_tab": 200, "publicity_tab": 200},
        "district_admin": {"queue": 200, "overview": 200, "setup": 200, "reports": 200, "review": 200,
                           "vetting_tab": 200, "publicity_tab": 200},
    }
    for role, statuses in expected.items():
        as_user(client, users[role])
        got = {page: client.get(url).status_code for page, url in pages.items()}
        assert got == statuses, role
    # outside the jurisdiction: not found
    as_user(client, users["other_clerk"])
    assert client.get(review_url(n)).status_code == 404
    assert client.get(pages["vetting_tab"]).status_code == 404
    as_user(client, users["community_clerk"])
    assert client.get(review_url(far)).status_code == 404
    superuser = factories.superuser()
    as_user(client, superuser)
    assert {page: client.get(url).status_code for page, url in pages.items()} == dict.fromkeys(pages, 200)


def test_the_menu_shows_the_queue_with_its_count(client, users, election):
    nominate(election, "张三")
    nominate(election, "李四")
    page = html_of(as_user(client, users["community_clerk"]).get(reverse("home")))
    assert re.search(r'id="nav-vetting">资格审查 <span class="badge"[^>]*>2</span>', page)
    page = html_of(as_user(client, users["street_staff"]).get(reverse("home")))
    assert 'id="nav-vetting">资格审查</a>' in page  # nothing waits at the street yet: no badge


# --------------------------------------------------------------------------------------------
# The queue
# --------------------------------------------------------------------------------------------


def test_the_queue_shows_facts_flags_waiting_time_and_prior_reviews(client, org, users, election, time_machine):
    plain = nominate(election, "张三", channel="joint_voters")
    flagged = nominate(election, "李四", position="chair", education="junior_high")
    clerk = as_user(client, users["community_clerk"])
    time_machine.move_to(dt.datetime(2026, 3, 5, 9, 0, tzinfo=SHANGHAI))
    response = clerk.get(reverse("vetting-queue"))
    page, text = html_of(response), text_of(response)
    assert response.status_code == 200
    assert "东关社区" in text and "居民委员会" in text and "选民联名" in text
    assert "44 岁" in text  # born 1985-06-01, election day 2030-01-10
    assert '<span class="flag" data-flag="0">学历低于要求</span>' in page
    assert "3 天" in text and "待社区初审" in text
    # a clean row may be ticked for the batch pass, a flagged one may not
    assert f'name="nominations" value="{plain.pk}"' in page
    assert f'name="nominations" value="{flagged.pk}"' not in page
    # filters: search by pinyin initials, position, flagged only
    assert [r.person.name for r in clerk.get(reverse("vetting-queue") + "?q=ls").context["page"]] == ["李四"]
    assert [r.person.name for r in clerk.get(reverse("vetting-queue") + "?position=chair").context["page"]] == ["李四"]
    assert [r.person.name for r in clerk.get(reverse("vetting-queue") + "?flagged=on").context["page"]] == ["李四"]
    # the street sees what the community decided
    services.review_submit(actor=users["community_clerk"], nomination=reload(plain), level="community",
                           decision="pass", note="无异常")
    street = as_user(client, users["street_staff"]).get(reverse("vetting-queue"))
    assert "社区初审" in text_of(street) and "通过" in text_of(street) and "待街道全面审查" in text_of(street)


def test_batch_pass_passes_clean_rows_and_skips_a_flagged_nominee(client, users, election):
    clean = nominate(election, "张三")
    flagged = nominate(election, "李四", education="junior_high")
    clerk = as_user(client, users["community_clerk"])
    response = clerk.post(reverse("vetting-batch-pass"), {"nominations": [clean.pk, flagged.pk],
                                                           "next": reverse("vetting-queue")}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("vetting-queue")
    messages = flashes(response)
    assert "已批量通过 1 人。" in messages
    assert "未通过 李四：有提示事项，请逐一审查：学历低于要求" in messages
    assert (reload(clean).status, reload(clean).level) == ("reviewing", "street")
    assert reload(flagged).level == "community" and not Review.objects.filter(nomination=flagged).exists()
    # nothing ticked
    response = clerk.post(reverse("vetting-batch-pass"), {}, follow=True)
    assert "请先勾选要通过的被提名人。" in flashes(response)
    # a nominee with an open report is not offered for the batch pass, and is skipped if sent anyway
    reported = nominate(election, "王五")
    services.report_register(actor=users["community_clerk"], election=election, nomination=reported,
                             content="拉票", categories=["vote_buying"], received_on=TODAY)
    page = clerk.get(reverse("vetting-queue"))
    assert f'name="nominations" value="{reported.pk}"' not in html_of(page)
    assert "有未办结的异议或举报" in text_of(page)
    response = clerk.post(reverse("vetting-batch-pass"), {"nominations": [reported.pk]}, follow=True)
    assert "未通过 王五：有未办结的异议或举报，请逐一审查。" in flashes(response)
    assert reload(reported).level == "community"


def test_the_queue_runs_a_flat_number_of_queries(client, org, users, reviewers, departments,
                                                 django_assert_max_num_queries):
    def fill(count, start=0):
        for i in range(start, start + count):
            community = factories.jurisdiction(f"社区{i}", "community", org["street" if i % 2 else "other_street"])
            e = factories.election(community, stage="vetting", prepared=False)
            n = nominate(e, f"甲{i}", level="district", education="junior_high" if i % 3 == 0 else "college")
            Review.objects.create(nomination=n, level="community", decision="pass", reviewer=users["community_clerk"])
            Review.objects.create(nomination=n, level="street", decision="reject", grounds=["unsuitable-05"],
                                  reviewer=users["street_staff"])
            Review.objects.create(nomination=n, level="district", department="police", decision="pass",
                                  reviewer=reviewers["police"])

    def measure(user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("vetting-queue"))
        assert response.status_code == 200
        return len(response.context["items"]), len(ctx.captured_queries)

    fill(3)
    admin = factories.user("district_admin", org["district"])
    court = factories.user("district_reviewer", org["district"], department="court")
    (rows, admin_few), (court_rows, court_few) = measure(admin), measure(court)
    assert rows == court_rows == 3
    fill(9, start=3)
    for user, few in [(factories.user("district_admin", org["district"]), admin_few),
                      (factories.user("district_reviewer", org["district"], department="court"), court_few)]:
        client.force_login(user)
        with django_assert_max_num_queries(few):
            response = client.get(reverse("vetting-queue"))
        assert len(response.context["items"]) == 12


# --------------------------------------------------------------------------------------------
# The review page: community, street, district; 逐级反馈; the street's decision; stale versions
# --------------------------------------------------------------------------------------------


def test_a_clerk_passes_at_the_community_and_the_street_passes(client, users, election):
    n = nominate(election, "张三", supporters=["王甲", "李乙", "赵丙"])
    clerk = as_user(client, users["community_clerk"])
    page = clerk.get(review_url(n))
    html = html_of(page)
    assert 'id="review-form"' in html and "提交审查意见：社区初审" in text_of(page)
    assert "王甲、李乙、赵丙" in text_of(page) and "选民联名" in text_of(page)
    assert f'name="version" value="{n.version}"' in html
    # the clerk may cite any active ground at the community
    assert 'value="ineligible-02a"' in html and 'value="unsuitable-05"' in html
    response = post_review(clerk, n, note="材料齐全")
    assert response.status_code == 302 and response["Location"] == review_url(n)
    assert (reload(n).status, reload(n).level) == ("reviewing", "street")
    shown = clerk.get(review_url(n))
    assert "已提交社区初审意见（通过）。张三：待街道全面审查。" in flashes(shown)
    assert 'id="review-form"' not in html_of(shown) and "材料齐全" in text_of(shown)
    # the street's turn; it returns to the queue it came from
    street = as_user(client, users["street_staff"])
    assert 'id="review-form"' in html_of(street.get(review_url(n)))
    response = post_review(street, n, next=reverse("vetting-queue"))
    assert response["Location"] == reverse("vetting-queue")
    assert (reload(n).status, reload(n).level) == ("reviewing", "district")


def test_departments_pass_then_a_third_rejects_with_an_ineligible_ground_fed_back_to_the_clerk(
        client, users, reviewers, departments, election):
    n = to_district(nominate(election, "李四"), users)
    police = as_user(client, reviewers["police"])
    page = html_of(police.get(review_url(n)))
    # a department cites its own grounds and the department-less ones only
    assert 'value="ineligible-02b"' in page and 'value="ineligible-09"' in page
    assert 'value="ineligible-06b"' not in page  # 法院's
    assert post_review(police, n).status_code == 302
    assert post_review(as_user(client, reviewers["court"]), n).status_code == 302
    assert reload(n).status == "reviewing"
    civil = as_user(client, reviewers["civil_affairs"])
    assert "提交审查意见：区级联审（民政局）" in text_of(civil.get(review_url(n)))
    # a reject needs a ground: the service's message shows on the field
    response = post_review(civil, n, "reject")
    assert response.status_code == 200
    assert field_errors(response, "grounds") == ["审查不通过须至少引用一项不得或不宜情形。"]
    response = post_review(civil, n, "reject", ["ineligible-06a"], note="侵占集体资产")
    assert response.status_code == 302
    assert (reload(n).status, reload(n).level) == ("rejected", "")
    # 审查情况逐级反馈: the community clerk sees who rejected and why
    shown = as_user(client, users["community_clerk"]).get(review_url(n))
    text = text_of(shown)
    assert "未通过" in text and "区级联审（民政局）" in text and "不通过" in text
    assert "有严重危害集体利益和群众合法权益行为的" in text and "侵占集体资产" in text
    assert 'data-department="police"' in html_of(shown) and "公安局 ✓" in text
    tab = as_user(client, users["community_clerk"]).get(
        reverse("election-detail", args=[election.pk]) + "?tab=vetting")
    assert "有严重危害集体利益和群众合法权益行为的" in text_of(tab) and "区级联审（民政局）" in text_of(tab)


def test_an_unsuitable_rejection_is_overruled_by_the_street_on_the_page(client, users, election):
    n = nominate(election, "王五")
    clerk = as_user(client, users["community_clerk"])
    assert post_review(clerk, n, "reject", ["unsuitable-07"], note="与现任委员系夫妻").status_code == 302
    assert (reload(n).status, reload(n).level) == ("held", "community")
    assert "不宜情形待街道决定" in text_of(clerk.get(review_url(n)))
    street = as_user(client, users["street_staff"])
    queue = street.get(reverse("vetting-queue"))
    assert "作出决定" in text_of(queue) and "不宜情形待街道决定" in text_of(queue)
    page = street.get(review_url(n))
    assert 'id="held-form"' in html_of(page)
    assert "社区初审认为存在以下不宜情形" in text_of(page) and "不宜在同一社区内同时提名" in text_of(page)
    url = reverse("vetting-held-decide", args=[n.pk])
    # the reason is required
    response = street.post(url, {"decision": "overrule", "reason": " ", "version": reload(n).version})
    assert response.status_code == 200 and field_errors(response, "reason") == ["请填写街道作出决定的理由。"]
    assert reload(n).status == "held"
    response = street.post(url, {"decision": "overrule", "reason": "二人已离婚，并非近亲属",
                                 "version": reload(n).version}, follow=True)
    assert (reload(n).status, reload(n).level) == ("reviewing", "street")
    assert any("街道决定已登记（不予采纳（继续审查））" in m for m in flashes(response))
    assert "二人已离婚，并非近亲属" in text_of(response)
    review = Review.objects.get(nomination=n)
    assert (review.street_decision, review.street_decided_by) == ("overrule", users["street_staff"])
    # the clerk may not decide
    assert as_user(client, users["community_clerk"]).post(url, {"decision": "uphold", "reason": "x",
                                                                 "version": reload(n).version}).status_code == 409


def test_a_stale_version_shows_the_conflict_and_changes_nothing(client, org, users, election):
    n = nominate(election, "张三")
    seen = n.version
    other_clerk = factories.user("community_clerk", org["community"], "clerk2")
    services.review_submit(actor=other_clerk, nomination=reload(n), level="community", decision="pass")
    clerk = as_user(client, users["community_clerk"])
    response = post_review(clerk, n, "reject", ["ineligible-10"], version=seen, level="community")
    assert response.status_code == 409
    assert "已被他人处理" in text_of(response) and "请刷新后重新审查" in text_of(response)
    assert "待街道全面审查" in text_of(response)  # where it stands now
    assert 'id="review-form"' not in html_of(response)
    assert list(Review.objects.filter(nomination=n).values_list("reviewer", "decision")) == [(other_clerk.pk, "pass")]
    assert (reload(n).status, reload(n).level) == ("reviewing", "street")


# --------------------------------------------------------------------------------------------
# Overview
# --------------------------------------------------------------------------------------------


def test_the_overview_counts_and_filters(client, org, users, reviewers, departments, election):
    nominate(election, "张三")
    at_district = to_district(nominate(election, "李四", position="chair"), users)
    services.review_submit(actor=reviewers["court"], nomination=at_district, level="district", decision="pass")
    nominate(election, "钱七", status="approved", level="")
    nominate(factories.election(org["other_community"], stage="vetting"), "周九")
    street = as_user(client, users["street_staff"])
    response = street.get(reverse("vetting-overview"))
    counts = {b["code"]: b["count"] for b in response.context["buckets"]}
    assert counts["community"] == 1 and counts["district"] == 1 and counts["approved"] == 1
    assert response.context["total"] == 3  # 周九 is in another street
    assert "待区级联审：民政局、公安局" in text_of(response)
    filtered = street.get(reverse("vetting-overview") + "?status=reviewing&level=district")
    assert [i["row"].person.name for i in filtered.context["items"]] == ["李四"]
    assert {b["code"]: b["count"] for b in filtered.context["buckets"]}["community"] == 1  # counts keep the scope
    admin = as_user(client, users["district_admin"]).get(reverse("vetting-overview") + "?q=zj")
    assert [i["row"].person.name for i in admin.context["items"]] == ["周九"]


# --------------------------------------------------------------------------------------------
# Setup
# --------------------------------------------------------------------------------------------


def test_the_district_office_sets_departments_and_grounds(client, org, users):
    admin = as_user(client, users["district_admin"])
    page = admin.get(reverse("vetting-setup"))
    assert "（使用默认情形）" in text_of(page) and "受过刑事处罚的" in text_of(page)
    response = admin.post(reverse("vetting-departments"), {"codes": ["police", "court"]}, follow=True)
    assert "联审部门已保存：公安局、法院。" in flashes(response)
    assert list(ReviewDepartment.objects.filter(district=org["district"], active=True).values_list("code", flat=True)
                ) == ["police", "court"]
    response = admin.post(reverse("vetting-departments"), {})
    assert field_errors(response, "codes") == ["至少选择一个联审部门。"]
    response = admin.post(reverse("vetting-ground-save"), {"kind": "unsuitable", "department": "", "text": "",
                                                           "source": "", "active": "on"})
    assert response.status_code == 200 and field_errors(response, "text") == ["请填写情形内容。"]
    response = admin.post(reverse("vetting-ground-save"), {"kind": "unsuitable", "department": "", "active": "on",
                                                           "text": "长期不在社区居住的", "source": "区换届办通知"})
    assert response.status_code == 302
    assert Ground.objects.filter(district=org["district"]).count() == 26
    admin.post(reverse("vetting-ground-save"), {"code": "ineligible-02a", "kind": "ineligible",
                                                "department": "court", "text": "受过刑事处罚的", "source": "x"})
    assert not Ground.objects.get(district=org["district"], code="ineligible-02a").active
    page = admin.get(reverse("vetting-setup"))
    assert "（相山区自定义）" in text_of(page) and "长期不在社区居住的" in text_of(page)
    assert as_user(client, users["street_staff"]).post(reverse("vetting-departments"),
                                                       {"codes": ["police"]}).status_code == 403


def test_customising_copies_the_defaults(client, org, users):
    admin = as_user(client, users["district_admin"])
    response = admin.post(reverse("vetting-grounds-customise"), follow=True)
    assert "已复制默认情形 25 项，可以开始修改。" in flashes(response)
    assert Ground.objects.filter(district=org["district"]).count() == 25
    assert "自定义本区情形" not in text_of(response)


# --------------------------------------------------------------------------------------------
# Publicity and objections
# --------------------------------------------------------------------------------------------


def test_the_publicity_form_refuses_a_short_period_and_shows_the_days(client, users, publicity_election):
    clerk = as_user(client, users["community_clerk"])
    url = reverse("vetting-publicity-set", args=[publicity_election.pk])
    response = clerk.post(url, {"starts_on": "2026-03-02", "ends_on": "2026-03-05", "place": "社区公示栏"})
    assert response.status_code == 200
    [error] = field_errors(response, "ends_on")
    assert "公示期 4 天" in error and "少于规定的 5 天" in error and "2026-03-06" in error
    assert not Publicity.objects.exists()
    response = clerk.post(url, {"starts_on": "2026-03-02", "ends_on": "2026-03-06", "place": "社区公示栏"}, follow=True)
    assert "公示期已登记：2026-03-02 至 2026-03-06，共 5 天。" in flashes(response)
    text = text_of(response)
    assert "公示期 2026-03-02 至 2026-03-06，共 5 天" in text and "公示中，还剩 5 天" in text


def test_an_upheld_objection_rejects_the_nomination(client, users, publicity_election, time_machine):
    n = nominate(publicity_election, "赵六", status="approved", level="")
    clerk = as_user(client, users["community_clerk"])
    url = reverse("vetting-objection-register", args=[publicity_election.pk])
    response = clerk.post(url, {"nomination": n.pk, "objector": "", "content": "", "received_on": "2026-03-02"})
    assert response.status_code == 200 and field_errors(response, "objector") and field_errors(response, "content")
    response = clerk.post(url, {"nomination": n.pk, "objector": "李某", "contact": "138", "content": "曾受过刑事处罚",
                                "received_on": "2026-03-02"}, follow=True)
    assert "公示异议已登记。" in flashes(response) and "曾受过刑事处罚" in text_of(response)
    objection = Objection.objects.get()
    resolve = reverse("vetting-objection-resolve", args=[objection.pk])
    response = clerk.post(resolve, {"status": "upheld", "finding": "", "resolved_on": ""})
    assert field_errors(response, "finding") == ["请填写调查处理结果。"]
    response = clerk.post(resolve, {"status": "upheld", "finding": "经核实 2015 年受过刑事处罚", "resolved_on": ""},
                          follow=True)
    assert "异议已办结：属实（取消资格）。赵六的提名已取消。" in flashes(response)
    assert reload(n).status == "rejected" and "经核实" in reload(n).outcome
    # another community's clerk cannot reach it
    assert as_user(client, users["other_clerk"]).post(resolve, {"status": "dismissed", "finding": "x"}).status_code == 404


# --------------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------------


def test_reports_are_registered_shown_overdue_and_closed(client, users, reviewers, election, time_machine):
    n = nominate(election, "孙八")
    clerk = as_user(client, users["community_clerk"])
    page = clerk.get(reverse("vetting-reports") + f"?election={election.pk}")
    assert 'id="register"' in html_of(page) and f'<option value="{election.pk}" selected>' in html_of(page)
    response = clerk.post(reverse("vetting-report-register"), {
        "election": election.pk, "nomination": n.pk, "reporter": "", "contact": "", "channel": "letter",
        "content": "", "categories": ["vote_buying"], "received_on": "2026-03-02", "due_on": ""})
    assert response.status_code == 200 and field_errors(response, "content") == ["请填写举报内容。"]
    response = clerk.post(reverse("vetting-report-register"), {
        "election": election.pk, "nomination": n.pk, "reporter": "钱某", "contact": "139", "channel": "letter",
        "content": "给选民送购物卡", "categories": ["vote_buying", "specific"], "received_on": "2026-03-02",
        "due_on": ""}, follow=True)
    assert "举报已登记，办结期限 2026-03-17。" in flashes(response)
    report = Report.objects.get()
    assert report.categories == ["named", "specific", "vote_buying"]
    assert "实名举报" in text_of(response) and "涉嫌拉票贿选" in text_of(response)
    assert "办结" not in re.sub(r"\s+", "", html_of(response).split('id="reports"')[1].split("</table>")[0]
                                ).replace("办结期限", "")  # a clerk may not close it
    time_machine.move_to(dt.datetime(2026, 3, 20, 9, 0, tzinfo=SHANGHAI))
    clerk = as_user(client, users["community_clerk"])  # a fresh session: the old one expired meanwhile
    overdue = clerk.get(reverse("vetting-reports") + "?overdue=on")
    assert [row["r"] for row in overdue.context["rows"]] == [report]
    assert "已逾期 3 天" in text_of(overdue) and 'class="overdue-row"' in html_of(overdue)
    assert clerk.post(reverse("vetting-report-close", args=[report.pk]),
                      {"status": "substantiated", "finding": "x"}).status_code == 403
    discipline = as_user(client, reviewers["discipline"])
    close = reverse("vetting-report-close", args=[report.pk])
    response = discipline.post(close, {"status": "filed", "finding": "存档", "closed_on": ""})
    assert "须核查后办结" in field_errors(response, "status")[0]
    response = discipline.post(close, {"status": "substantiated", "finding": "查实送购物卡 20 张",
                                       "rejects_nominee": "on", "closed_on": "2026-03-20"}, follow=True)
    assert "举报已办结：查实。" in flashes(response)
    assert reload(n).status == "rejected"
    assert [row["r"] for row in discipline.get(reverse("vetting-reports") + "?overdue=on").context["rows"]] == []
    tab = clerk.get(reverse("election-detail", args=[election.pk]) + "?tab=publicity")
    assert "（1 件，未办结 0 件，逾期 0 件）" in text_of(tab)


def report_row(response, report) -> str:
    return html_of(response).split(f'data-report="{report.pk}"')[1].split("</tr>")[0]


def test_who_made_a_report_is_shown_only_to_its_registrant_and_those_who_handle_reports(
        client, users, reviewers, election):
    """对举报人的信息严格保密: the page, its export and its search follow the API (ReportSerializer)."""
    from tests.conftest import api_as

    n = nominate(election, "张三")
    named = services.report_register(actor=users["street_staff"], election=election, nomination=n,
                                     reporter="李举报", contact="13800000000", content="给选民送购物卡",
                                     received_on=dt.date(2026, 3, 1))
    anonymous = services.report_register(actor=users["street_staff"], election=election, nomination=n,
                                         content="拉票", received_on=dt.date(2026, 3, 1))
    hidden_from = [users["community_clerk"], reviewers["police"]]  # did not register it, do not handle reports
    shown_to = [users["street_staff"], users["district_admin"], reviewers["discipline"]]
    for user in hidden_from + shown_to:
        sees = user in shown_to
        api = {r["id"]: r for r in api_as(user).get("/api/v1/reports/").json()["results"]}
        assert (api[named.pk]["reporter"] == "李举报") is sees, user.username  # the API's rule ...
        client.force_login(user)
        page = client.get(reverse("vetting-reports"))
        row = report_row(page, named)
        assert ("李举报" in row and "13800000000" in row) is sees, user.username  # ... is the page's
        assert ("实名（已隐去）" in row) is not sees
        assert "匿名" in report_row(page, anonymous)
        export = {r[9]: r for r in sheet_rows(client.get(reverse("vetting-reports") + "?export=xlsx"))}
        assert export["给选民送购物卡"][5:7] == (["李举报", "13800000000"] if sees else [None, None])
        assert export["拉票"][5:7] == ["匿名", None]
        # the search box must not confirm a name the page hides; the content is searched for everyone
        found = client.get(reverse("vetting-reports") + "?q=李举报").context["rows"]
        assert [row["r"] for row in found] == ([named] if sees else [])
        assert [row["r"] for row in client.get(reverse("vetting-reports") + "?q=购物卡").context["rows"]] == [named]
    # a clerk sees the reporter of a report the clerk registered
    own = services.report_register(actor=users["community_clerk"], election=election, nomination=n,
                                   reporter="王自报", content="x", received_on=dt.date(2026, 3, 1))
    clerk = as_user(client, users["community_clerk"])
    assert "王自报" in report_row(clerk.get(reverse("vetting-reports")), own)
    assert [row["r"] for row in clerk.get(reverse("vetting-reports") + "?q=王自报").context["rows"]] == [own]


def test_the_reports_page_and_export_do_not_grow_with_the_reports(client, org, users, reviewers):
    def spread(n, start):
        for i in range(start, start + n):
            community = factories.jurisdiction(f"社区{i}", "community", org["street" if i % 2 else "other_street"])
            e = factories.election(community, stage="vetting", prepared=False)
            services.report_register(actor=users["district_admin"], election=e, nomination=nominate(e, f"甲{i}"),
                                     reporter=f"某{i}", contact="139", content="x", received_on=TODAY)

    def count(user, url):
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    cases = [(user, url) for user in (users["district_admin"], reviewers["police"], reviewers["discipline"])
             for url in (reverse("vetting-reports"), reverse("vetting-reports") + "?export=xlsx")]
    spread(3, 0)
    small = [count(user, url) for user, url in cases]
    spread(9, 3)
    assert Report.objects.count() == 12
    assert [count(user, url) for user, url in cases] == small


# --------------------------------------------------------------------------------------------
# Confirmation before irreversible actions (static/js/app.js asks; without it the form still posts)
# --------------------------------------------------------------------------------------------


def form_tag(html: str, action: str) -> str:
    return re.search(rf'<form method="post" action="{re.escape(action)}"[^>]*>', html)[0]


def test_the_script_asks_before_a_form_with_data_confirm_is_sent():
    from django.conf import settings

    script = (settings.BASE_DIR / "static" / "js" / "app.js").read_text(encoding="utf-8")
    assert 'addEventListener("submit"' in script and "window.confirm(" in script
    assert "data-confirm-when" in script and "event.preventDefault()" in script
    assert "://" not in script  # no external assets


def test_irreversible_vetting_forms_ask_for_confirmation(client, users, reviewers, election, publicity_election):
    admin = as_user(client, users["district_admin"])
    tag = form_tag(html_of(admin.get(reverse("vetting-setup"))), reverse("vetting-departments"))
    assert "其余联审部门均已审查通过的提名将立即审查通过" in tag and "data-confirm-when" not in tag

    n = nominate(election, "王五")
    clerk = as_user(client, users["community_clerk"])
    tag = form_tag(html_of(clerk.get(review_url(n))), reverse("vetting-review-submit", args=[n.pk]))
    assert 'data-confirm-when="decision=reject"' in tag  # only a reject asks
    assert 'data-confirm="确定对王五提交“不通过”？引用不得情形的，即取消资格，不能撤销' in tag

    assert post_review(clerk, n, "reject", ["unsuitable-07"], note="与现任委员系夫妻").status_code == 302
    street = as_user(client, users["street_staff"])
    tag = form_tag(html_of(street.get(review_url(n))), reverse("vetting-held-decide", args=[n.pk]))
    assert 'data-confirm-when="decision=uphold"' in tag and "王五的资格将被取消" in tag

    upheld = nominate(publicity_election, "赵六", status="approved", level="")
    objection = services.objection_register(actor=users["community_clerk"], election=publicity_election,
                                            nomination=upheld, objector="李某", content="反映", received_on=TODAY)
    tab = street.get(reverse("election-detail", args=[publicity_election.pk]) + "?tab=publicity")
    tag = form_tag(html_of(tab), reverse("vetting-objection-resolve", args=[objection.pk]))
    assert 'data-confirm-when="status=upheld"' in tag and "赵六的资格将被取消" in tag

    report = services.report_register(actor=users["street_staff"], election=election, nomination=reload(n),
                                      content="拉票", received_on=TODAY)
    discipline = as_user(client, reviewers["discipline"])
    tag = form_tag(html_of(discipline.get(reverse("vetting-reports"))),
                   reverse("vetting-report-close", args=[report.pk]))
    assert 'data-confirm-when="rejects_nominee"' in tag and "取消王五的候选资格" in tag
    # registering is not irreversible: no question asked
    street = as_user(client, users["street_staff"])
    assert "data-confirm" not in form_tag(html_of(street.get(reverse("vetting-reports"))),
                                          reverse("vetting-report-register"))


# --------------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------------


def test_every_list_exports_to_excel(client, users, election, publicity_election):
    n = nominate(election, "张三")
    services.review_submit(actor=users["community_clerk"], nomination=reload(n), level="community",
                           decision="pass")
    services.report_register(actor=users["community_clerk"], election=election, nomination=reload(n),
                             content="拉票", categories=["vote_buying"], received_on=TODAY)
    objection = services.objection_register(actor=users["community_clerk"], election=publicity_election,
                                            objector="匿名", content="反映", received_on=TODAY)
    street = as_user(client, users["street_staff"])
    headers = header_row(street.get(reverse("vetting-queue") + "?export=xlsx"))
    assert headers[:4] == ["街道", "社区", "选举对象", "姓名"] and "已有审查意见" in headers
    [row] = sheet_rows(street.get(reverse("vetting-queue") + "?export=xlsx"))
    assert row[3] == "张三" and row[12] == "待街道全面审查" and row[14] == "社区初审：通过"
    assert "审查进度" in header_row(street.get(reverse("vetting-overview") + "?export=xlsx"))
    assert header_row(street.get(reverse("vetting-reports") + "?export=xlsx"))[3] == "被举报人"
    assert sheet_rows(street.get(reverse("vetting-reports") + "?export=xlsx"))[0][3] == "张三"
    tab = reverse("election-detail", args=[election.pk]) + "?tab=vetting&export=xlsx"
    assert header_row(street.get(tab))[3] == "姓名"
    publicity = reverse("election-detail", args=[publicity_election.pk]) + "?tab=publicity&export=xlsx"
    assert header_row(street.get(publicity))[:2] == ["受理日期", "涉及人选"]
    assert sheet_rows(street.get(publicity))[0][3] == objection.objector
    admin = as_user(client, users["district_admin"])
    assert header_row(admin.get(reverse("vetting-setup") + "?export=xlsx"))[:3] == ["类别", "序号", "情形"]


def test_every_vetting_label_is_in_the_catalog():
    from candidates import rules as candidate_rules
    from vetting import rules
    from vetting.label_catalog import LABELS

    tables = [rules.DECISIONS, rules.STREET_DECISIONS, rules.GROUND_KINDS, rules.OBJECTION_STATUSES,
              rules.REPORT_CATEGORIES, rules.REPORT_STATUSES, rules.REPORT_CHANNELS, candidate_rules.REVIEW_LEVELS]
    phrases = {rules.where_it_stands(status, level) for status, level in [
        ("reviewing", "community"), ("reviewing", "street"), ("reviewing", "district"), ("held", "community"),
        ("approved", ""), ("rejected", ""), ("withdrawn", "")]} | {rules.department_label("")}
    missing = ({label for table in tables for _, label in table} | phrases) - set(LABELS)
    assert missing == set()


def test_a_replacement_approved_after_the_publicity_began_is_publicised_again_from_the_page(
        client, users, publicity_election, time_machine):
    old = nominate(publicity_election, "王早", status="approved", level="",
                   decided_at=dt.datetime(2026, 2, 20, 9, 0, tzinfo=SHANGHAI))
    Publicity.objects.create(election=publicity_election, starts_on=dt.date(2026, 2, 21),
                             ends_on=dt.date(2026, 2, 25), recorded_by=users["community_clerk"])
    late = nominate(publicity_election, "李补", status="approved", level="",
                    decided_at=dt.datetime(2026, 2, 27, 9, 0, tzinfo=SHANGHAI))
    as_user(client, users["community_clerk"])
    url = reverse("election-detail", args=[publicity_election.pk]) + "?tab=publicity"
    page = html_of(client.get(url))
    assert 'id="publicity-unpublicised"' in page and "李补" in page.split('id="publicity-unpublicised"')[1][:300]
    assert "王早" not in page.split('id="publicity-unpublicised"')[1][:300]
    assert "重新公示" in page and 'id="publicity-edit"' in page
    response = client.post(reverse("vetting-publicity-set", args=[publicity_election.pk]),
                           {"starts_on": "2026-02-27", "ends_on": "2026-03-03", "place": "公告栏"}, follow=True)
    assert response.status_code == 200
    publicity = Publicity.objects.get(election=publicity_election)
    assert (publicity.starts_on, publicity.ends_on) == (dt.date(2026, 2, 27), dt.date(2026, 3, 3))
    assert 'id="publicity-unpublicised"' not in html_of(client.get(url))
    assert Nomination.objects.filter(pk__in=[old.pk, late.pk], status="approved").count() == 2

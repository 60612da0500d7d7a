"""The "选民登记" tab and the printable voter list (选民榜)."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from ballots.models import RollObjection, Voter
from elections.models import Event
from tests import factories
from tests.ballots import voters_factories as vf

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2029, 12, 15)
ID_LIKE = re.compile(r"\d{6}(?:19|20)\d{2}[01]\d[0-3]\d\d{3}[\dX]|\d{4}\*{10}\d{3}[\dX]")


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2029, 12, 15, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def election(org):
    return vf.voting(org["community"])


@pytest.fixture
def clerk_client(client, users):
    client.force_login(users["community_clerk"])
    return client


def tab(client, election, query=""):
    response = client.get(f"/elections/{election.pk}/?tab=voters{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="voter-list"' in html
    return html


def rows(html):
    return re.findall(r'<tr data-voter="(\d+)"', html)


def field_errors(html, field):
    return re.findall(rf'<p class="error" data-field="{field}">([^<]*)</p>', html)


def test_the_tab_shows_the_deadline_the_counts_and_the_forms(election, clerk_client):
    vf.voters(election, 3, group="1组")
    vf.voter(election, group="10组")
    vf.voter(election, group="2组", category="non_registered")
    html = tab(clerk_client, election)
    assert "选民登记" in html
    assert "最晚于 2029-12-21 公布" in html
    assert re.search(r'id="roll-active">5 人', html)
    assert html.index(">2组<") < html.index(">10组<")  # groups in natural order
    for form in ["roll-settings", "voter-publish", "voter-add"]:
        assert f'id="{form}"' in html
    assert "户籍不在本社区、在本社区居住一年以上，本人申请参加选举：1" in html


def test_the_voluntary_floor_is_shown(election, clerk_client):
    vf.voters(election, 3)
    vf.roll(election, mode="voluntary", residents_total=10)
    html = tab(clerk_client, election)
    assert "居民总数的 40%，至少 4 人" in html and "还差 1 人" in html


def test_a_reviewer_sees_the_roll_without_forms(election, client, users):
    vf.voter(election)
    client.force_login(users["district_reviewer"])
    html = tab(client, election)
    assert len(rows(html)) == 1
    assert 'id="voter-add"' not in html and 'id="voter-publish"' not in html and 'id="full-export"' not in html


def test_the_import_page_is_linked_when_it_exists(election, clerk_client):
    from django.urls import NoReverseMatch, reverse

    html = tab(clerk_client, election)
    try:
        target = reverse("voter-import", args=[election.pk])
    except NoReverseMatch:
        assert 'id="voter-import-link"' not in html
    else:
        assert f'href="{target}"' in html


def test_filters_search_and_status(election, clerk_client):
    zhang = vf.voter(election, name="张三", group="1组")
    li = vf.voter(election, name="李四", group="2组")
    gone = vf.voter(election, name="王五", group="2组", status="removed")
    assert set(rows(tab(clerk_client, election))) == {str(zhang.pk), str(li.pk)}  # registered only by default
    assert rows(tab(clerk_client, election, "&q=zs")) == [str(zhang.pk)]
    assert rows(tab(clerk_client, election, "&q=" + li.id_number[-4:])) == [str(li.pk)]
    assert rows(tab(clerk_client, election, "&group=2组&status=all")) == [str(li.pk), str(gone.pk)]
    assert rows(tab(clerk_client, election, "&status=removed")) == [str(gone.pk)]
    html = tab(clerk_client, election, "&q=nobody")
    assert "没有符合条件的选民" in html


def test_the_list_pages_and_keeps_the_filters(election, clerk_client):
    vf.voters(election, 130, group="1组")
    first = tab(clerk_client, election, "&group=1组&status=active")
    assert len(rows(first)) == 100
    assert "group=1%E7%BB%84" in first and "page=2" in first
    second = tab(clerk_client, election, "&group=1组&status=active&page=2")
    assert len(rows(second)) == 30


def test_the_tab_takes_a_fixed_number_of_queries(org, clerk_client):
    few, many = vf.voting(org["community"]), vf.voting(org["community"])  # two campaigns
    vf.voters(few, 5)
    vf.voters(many, 80, group="1组")
    vf.voters(many, 20, group="2组")
    for e in (few, many):
        vf.objection(e, raised_on=dt.date(2029, 12, 12))
        vf.roll(e, published_on=dt.date(2029, 12, 10))
    counts = []
    for e in (few, many):
        tab(clerk_client, e)  # warm caches
        with CaptureQueriesContext(connection) as ctx:
            tab(clerk_client, e)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_the_export_masks_id_numbers_by_default(election, clerk_client):
    voter = vf.voter(election, name="张三", group="1组")
    response = clerk_client.get(f"/elections/{election.pk}/?tab=voters&export=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][2] == "身份证号码（脱敏）"
    assert values[1][:3] == ["1组", "张三", voter.masked_id]
    assert voter.id_number not in str(values)
    assert not Event.objects.filter(action="voter_list.export_full").exists()


def test_the_full_export_is_for_those_who_manage_the_roll_and_is_recorded(election, clerk_client, client, users):
    voter = vf.voter(election, name="张三")
    response = clerk_client.get(f"/elections/{election.pk}/?tab=voters&export=xlsx&ids=full")
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.cell(2, 3).value == voter.id_number
    assert Event.objects.filter(action="voter_list.export_full", election=election).count() == 1
    client.force_login(users["district_reviewer"])
    assert client.get(f"/elections/{election.pk}/?tab=voters&export=xlsx&ids=full").status_code == 403


def test_the_export_escapes_formulas(election, clerk_client):
    vf.voter(election, name="=HYPERLINK(1)", group="+1组")
    sheet = load_workbook(BytesIO(clerk_client.get(
        f"/elections/{election.pk}/?tab=voters&export=xlsx").content)).active
    assert sheet.cell(2, 1).value == "'+1组" and sheet.cell(2, 2).value == "'=HYPERLINK(1)"


# ---------------------------------------------------------------- forms


def test_adding_a_voter(election, clerk_client):
    number = factories.id_number(dt.date(1988, 8, 8), seq=17)
    response = clerk_client.post(f"/elections/{election.pk}/voters/add/", {
        "name": "张三", "id_number": number, "group": "1组", "category": "resident", "reason": "补登"})
    assert response.status_code == 302 and "tab=voters" in response["Location"]
    assert Voter.objects.get(election=election).name == "张三"


def test_a_refused_voter_shows_its_field_errors(election, clerk_client):
    response = clerk_client.post(f"/elections/{election.pk}/voters/add/", {
        "name": "张三", "id_number": factories.id_number(dt.date(2012, 1, 11), seq=18), "group": "1组",
        "category": "resident", "reason": "补登"})
    assert response.status_code == 200
    [message] = field_errors(response.content.decode(), "id_number")
    assert "未满 18 周岁" in message
    assert not Voter.objects.exists()


def test_removing_and_correcting_a_voter(election, clerk_client):
    voter = vf.voter(election, group="1组")
    failed = clerk_client.post(f"/voters/{voter.pk}/remove/", {"reason": ""})
    assert failed.status_code == 200 and field_errors(failed.content.decode(), "reason")
    assert clerk_client.post(f"/voters/{voter.pk}/edit/", {"group": "3组", "category": "resident",
                                                           "reason": "登记错误"}).status_code == 302
    assert clerk_client.post(f"/voters/{voter.pk}/remove/", {"reason": "已迁出"}).status_code == 302
    voter.refresh_from_db()
    assert (voter.group, voter.status) == ("3组", "removed")


def test_settings_and_publication(election, clerk_client):
    vf.voter(election)
    assert clerk_client.post(f"/elections/{election.pk}/voters/settings/", {
        "mode": "voluntary", "residents_total": "100"}).status_code == 302
    assert clerk_client.post(f"/elections/{election.pk}/voters/publish/", {
        "published_on": "2029-12-10"}).status_code == 302
    html = tab(clerk_client, election)
    assert 'id="roll-published"' in html and "符合公布时限" in html


def test_objection_raised_and_decided_from_the_page(election, clerk_client):
    vf.voter(election)
    vf.roll(election, published_on=dt.date(2029, 12, 10))
    wrong = vf.voter(election, name="钱七")
    response = clerk_client.post(f"/elections/{election.pk}/roll-objections/add/", {
        "raised_on": "2029-12-11", "raised_by": "王五", "kind": "wrong", "subject_name": "钱七",
        "voter_id_number": "nope", "content": "不是本社区居民"})
    assert response.status_code == 200 and field_errors(response.content.decode(), "voter_id_number")
    response = clerk_client.post(f"/elections/{election.pk}/roll-objections/add/", {
        "raised_on": "2029-12-11", "raised_by": "王五", "kind": "wrong", "subject_name": "钱七",
        "voter_id_number": wrong.id_number.lower(), "content": "不是本社区居民"})
    assert response.status_code == 302
    objection = RollObjection.objects.get()
    html = tab(clerk_client, election)
    assert f'data-overdue="{objection.pk}"' in html  # raised 12-11, due 12-14, still open on 12-15
    assert "overdue-row" in html
    response = clerk_client.post(f"/roll-objections/{objection.pk}/decide/", {
        "decision": "upheld", "decision_text": "经核实不在本社区居住", "decided_on": "2029-12-15", "version": "1"})
    assert response.status_code == 302
    wrong.refresh_from_db()
    assert wrong.status == "removed"


def test_an_omission_is_registered_from_the_decision_form(election, clerk_client):
    vf.voter(election)
    vf.roll(election, published_on=dt.date(2029, 12, 10))
    objection = vf.objection(election, raised_on=dt.date(2029, 12, 14), subject_name="李四")
    html = tab(clerk_client, election)
    assert f'id="id_rodecide{objection.pk}_id_number"' in html
    number = factories.id_number(dt.date(1991, 1, 1), seq=19)
    response = clerk_client.post(f"/roll-objections/{objection.pk}/decide/", {
        "decision": "upheld", "decision_text": "属实", "decided_on": "2029-12-15", "version": "1",
        "name": "李四", "id_number": number, "group": "2组", "category": "resident"})
    assert response.status_code == 302
    assert Voter.objects.get(id_number=number).source == "objection"


def test_pages_outside_the_jurisdiction_are_404(election, client, users):
    voter = vf.voter(election)
    client.force_login(users["other_clerk"])
    assert client.get(f"/elections/{election.pk}/voters/print/").status_code == 404
    assert client.post(f"/voters/{voter.pk}/remove/", {"reason": "x"}).status_code == 404
    assert Voter.objects.get(pk=voter.pk).status == "active"


# ---------------------------------------------------------------- the printable list (选民榜)


def test_the_print_page_has_names_by_group_and_no_id_numbers(election, clerk_client):
    vf.voter(election, name="张三", group="2组")
    vf.voter(election, name="李四", group="10组")
    vf.voter(election, name="王五", group="2组")
    vf.voter(election, name="赵六", group="2组", status="removed")
    vf.roll(election, published_on=dt.date(2029, 12, 10))
    vf.objection(election, raised_on=dt.date(2029, 12, 12), contact="13800000000")
    response = clerk_client.get(f"/elections/{election.pk}/voters/print/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "选民榜" in html and "print-button" in html
    assert "2029年12月10日" in html and "（草案）" not in html
    assert html.index('data-group="2组"') < html.index('data-group="10组"')
    assert "张三" in html and "王五" in html and "李四" in html and "赵六" not in html
    assert "共 3 名" in html
    assert not ID_LIKE.search(html)
    for v in Voter.objects.all():
        assert v.id_number not in html and v.masked_id not in html
    assert "13800000000" not in html


def test_an_unpublished_list_prints_as_a_draft(election, clerk_client):
    vf.voter(election)
    html = clerk_client.get(f"/elections/{election.pk}/voters/print/").content.decode()
    assert "（草案）" in html

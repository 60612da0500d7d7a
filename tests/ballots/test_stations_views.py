"""The "投票站与委托" tab: stations with their flags and forms, the proxy grant by ID number or by name and the last
four characters (with clear errors when none or several match), revocation, filters, pages and the Excel export."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from ballots.models import Proxy, Station
from candidates.rules import check_char
from elections.models import Event
from tests import factories
from tests.ballots import stations_factories as sf

pytestmark = pytest.mark.django_db
TODAY = "2029-12-20"


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2029, 12, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))


@pytest.fixture
def rc(org):
    return factories.election(org["community"], stage="voting", prepared=False)


@pytest.fixture
def clerk(client, users):
    client.force_login(users["community_clerk"])
    return client


def tab(client, election, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.get(f"/elections/{election.pk}/?tab=stations" + (f"&{query}" if query else ""))


def test_the_tab_renders_stations_with_understaffed_boxes_flagged(rc, clerk):
    sf.station(rc, "中心会场", kind="central", location="社区服务中心", ballots_planned=600)
    sf.station(rc, "流动票箱一", kind="mobile", supervisors=["王一", "李二", "李二"])
    sf.station(rc, "流动票箱二", kind="mobile", supervisors=["王一", "李二", "赵三"], ballots_planned=20)

    response = tab(clerk, rc)

    html = response.content.decode()
    assert response.status_code == 200
    assert "投票站与委托" in html and 'id="station-rows"' in html
    assert "社区服务中心" in html and "计划发放选票 620 张" in html
    assert html.count('class="understaffed"') == 1 and 'data-short="1"' in html
    assert "1 个流动票箱监票人不足" in html
    assert 'id="station-add-form"' in html and 'id="proxy-add-form"' in html
    assert f'/elections/{rc.pk}/ballots/print/' in html


def test_the_tab_offers_no_form_to_a_reviewer_nor_after_voting(org, rc, client, users):
    client.force_login(users["district_reviewer"])
    html = tab(client, rc).content.decode()
    assert 'id="station-add-form"' not in html and 'id="proxy-add-form"' not in html
    counting = factories.election(org["sibling"], stage="counting", prepared=False)
    client.force_login(users["street_staff"])
    html = tab(client, counting).content.decode()
    assert 'id="station-add-form"' not in html and 'id="proxy-add-form"' not in html


def test_a_party_election_says_no_proxies(org, client, users):
    party = factories.election(org["community"], body="party_committee", stage="voting", prepared=False)
    client.force_login(users["community_clerk"])
    html = tab(client, party).content.decode()
    assert 'id="proxies-not-allowed"' in html and 'id="proxy-add-form"' not in html


def test_add_edit_and_delete_a_station(rc, clerk):
    response = clerk.post(f"/elections/{rc.pk}/stations/add/", {
        "name": "流动票箱一", "kind": "mobile", "location": "三组", "supervisors": "王一、李二\n赵三",
        "ballots_planned": "30"})
    assert response.status_code == 302 and response["Location"].endswith("?tab=stations#stations")
    box = Station.objects.get(election=rc)
    assert box.supervisors == ["王一", "李二", "赵三"]

    response = clerk.post(f"/stations/{box.pk}/edit/", {"name": "流动票箱一", "kind": "mobile", "location": "四组",
                                                        "supervisors": "王一", "ballots_planned": "30"})
    assert response.status_code == 302
    box.refresh_from_db()
    assert (box.location, box.supervisors) == ("四组", ["王一"])

    assert clerk.post(f"/stations/{box.pk}/delete/", {"reason": ""}).status_code == 302
    assert not Station.objects.filter(pk=box.pk).exists()
    assert [e.action for e in Event.objects.filter(election=rc).order_by("seq")] == [
        "station.create", "station.update", "station.delete"]


def test_a_refused_station_shows_the_error_on_its_field(rc, clerk):
    sf.station(rc, "中心会场", kind="central")
    response = clerk.post(f"/elections/{rc.pk}/stations/add/", {"name": "分会场", "kind": "central"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-field="kind"' in html and "已设立中心会场" in html
    assert Station.objects.filter(election=rc).count() == 1


def grant(client, election, **data):
    return client.post(f"/elections/{election.pk}/proxies/add/", {"written_on": TODAY, "reason": "外出", **data})


def test_grant_by_id_number_and_by_name_and_last_four(rc, clerk):
    giver, holder = sf.voter(rc, "张三"), sf.voter(rc, "李四")
    response = grant(clerk, rc, voter_id_number=giver.id_number.lower(), holder_name="李四",
                     holder_last4=holder.id_number[-4:])
    assert response.status_code == 302, response.content.decode()
    proxy = Proxy.objects.get()
    assert (proxy.voter, proxy.holder, proxy.written_on) == (giver, holder, dt.date(2029, 12, 20))


def _twin_numbers() -> tuple[str, str]:
    """Two valid ID numbers with the same last four characters (same sequence and check character)."""
    seen: dict[str, str] = {}
    for day in range(1, 29):
        body = f"340603198001{day:02d}123"
        number = body + check_char(body)
        if number[-4:] in seen:
            return seen[number[-4:]], number
        seen[number[-4:]] = number
    raise AssertionError("no twin")


def test_an_ambiguous_name_asks_for_the_full_number(rc, clerk):
    first, second = _twin_numbers()
    sf.voter(rc, "张三", id_number=first, group="第一居民小组")
    sf.voter(rc, "张三", id_number=second, group="第二居民小组")
    holder = sf.voter(rc, "李四")

    response = grant(clerk, rc, voter_name="张三", voter_last4=first[-4:], holder_id_number=holder.id_number)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-field="voter_name"' in html and "的选民有 2 名" in html and "完整身份证号" in html
    assert "第一居民小组" in html and "第二居民小组" in html
    assert first not in html and second not in html  # masked
    assert not Proxy.objects.exists()


def test_an_unknown_voter_is_named_clearly(rc, clerk):
    holder = sf.voter(rc, "李四")
    stranger = factories.id_number(dt.date(1975, 1, 1), seq=321)
    response = grant(clerk, rc, voter_id_number=stranger, holder_id_number=holder.id_number)
    html = response.content.decode()
    message = f"本次选举的选民名单中没有身份证号为 {stranger[:4]}{'*' * 10}{stranger[-4:]} 的选民"
    assert 'data-field="voter_id_number"' in html and message in html
    response = grant(clerk, rc, voter_name="王五", holder_id_number=holder.id_number)
    assert 'data-field="voter_last4"' in response.content.decode()
    response = grant(clerk, rc, holder_id_number=holder.id_number)
    assert 'data-field="voter_id_number"' in response.content.decode()
    assert not Proxy.objects.exists()


def test_the_holders_limit_shows_on_the_holder_field(rc, clerk):
    holder = sf.voter(rc, "李四")
    for giver in sf.voters(rc, 3):
        sf.proxy(giver, holder)
    response = grant(clerk, rc, voter_id_number=sf.voter(rc).id_number, holder_id_number=holder.id_number)
    html = response.content.decode()
    assert 'data-field="holder_id_number"' in html and "不得超过 3 人" in html
    assert Proxy.objects.count() == 3


def test_revoke_from_the_page(rc, clerk):
    p = sf.proxy(sf.voter(rc, "张三"), sf.voter(rc, "李四"))
    response = clerk.post(f"/proxies/{p.pk}/revoke/", {"reason": ""})
    assert response.status_code == 200 and 'data-field="reason"' in response.content.decode()
    response = clerk.post(f"/proxies/{p.pk}/revoke/", {"reason": "委托人本人到场投票"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == "revoked"


def test_proxy_list_filters_pages_and_masks(rc, clerk):
    holder = sf.voter(rc, "李四")
    first = sf.voter(rc, "张三")
    sf.proxy(first, holder)
    sf.proxy(sf.voter(rc, "王五"), sf.voter(rc, "周八"), status="revoked")
    html = tab(clerk, rc).content.decode()
    assert html.count('data-proxy="') == 2 and first.id_number not in html and first.masked_id in html
    html = tab(clerk, rc, status="active").content.decode()
    assert html.count('data-proxy="') == 1 and "张三" in html
    html = tab(clerk, rc, q="周八").content.decode()
    assert html.count('data-proxy="') == 1 and 'data-status="revoked"' in html
    html = tab(clerk, rc, holder=holder.pk).content.decode()
    assert html.count('data-proxy="') == 1
    for giver in sf.voters(rc, 55):
        sf.proxy(giver, sf.voter(rc))
    html = tab(clerk, rc).content.decode()
    assert html.count('data-proxy="') == 50 and "tab=stations&amp;page=2" in html
    assert tab(clerk, rc, page=2).content.decode().count('data-proxy="') == 7


def test_proxy_export_to_excel_masks_the_ids(rc, clerk):
    giver, holder = sf.voter(rc, "张三"), sf.voter(rc, "=李四")
    sf.proxy(giver, holder, reason="外出务工")
    response = tab(clerk, rc, export="xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:4] == ("委托人", "委托人身份证号", "委托人居民小组", "受托人")
    assert rows[1][0] == "张三" and rows[1][1] == giver.masked_id and rows[1][3] == "'=李四"
    assert giver.id_number not in str(rows)


def test_the_tab_keeps_its_query_count_flat(rc, clerk):
    for _ in range(3):
        sf.station(rc, kind="mobile", supervisors=["王一"])
    for giver in sf.voters(rc, 5):
        sf.proxy(giver, sf.voter(rc))
    tab(clerk, rc)
    with CaptureQueriesContext(connection) as few:
        tab(clerk, rc)
    for _ in range(10):
        sf.station(rc, kind="mobile", supervisors=["王一"])
    for giver in sf.voters(rc, 30):
        sf.proxy(giver, sf.voter(rc))
    with CaptureQueriesContext(connection) as many:
        tab(clerk, rc)
    assert len(many) == len(few)


def test_other_communities_pages_are_404(org, clerk):
    other = factories.election(org["other_community"], stage="voting", prepared=False)
    s = sf.station(other, "中心会场", kind="central")
    p = sf.proxy(sf.voter(other), sf.voter(other))
    assert clerk.post(f"/stations/{s.pk}/delete/", {}).status_code == 404
    assert clerk.post(f"/proxies/{p.pk}/revoke/", {"reason": "x"}).status_code == 404
    assert clerk.get(f"/proxies/{p.pk}/certificate/").status_code == 404
    assert clerk.get(f"/elections/{other.pk}/ballots/print/").status_code == 404
    assert Station.objects.filter(pk=s.pk).exists()

"""The pages, as each role sees them."""

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from elections.exports import safe_cell
from elections.models import Event
from tests import factories

pytestmark = pytest.mark.django_db


def test_root_leads_a_visitor_to_the_chinese_login_page(client):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    html = response.content.decode()
    assert "登录" in html and "用户名" in html and "密码" in html
    assert 'lang="zh-hans"' in html


def test_login_with_a_wrong_password_says_so(client, users):
    response = client.post("/login/", {"username": "clerk", "password": "wrong"})
    assert "用户名或密码错误" in response.content.decode()


def test_login_leads_to_the_home_page(client, users):
    response = client.post("/login/", {"username": "clerk", "password": factories.PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/home/"


def test_pages_need_a_login(client, org):
    election = factories.election(org["community"])
    for url in ["/home/", f"/elections/{election.pk}/", "/people/", "/notifications/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_the_street_home_lists_every_election_in_scope_with_blockers_and_deadline(client, org, users):
    campaign = factories.campaign(org["street"], "西街道换届", milestones=[("准备工作完成", dt.date(2030, 1, 5))])
    ready = factories.election(org["community"], camp=campaign)
    blocked = factories.election(org["sibling"], camp=campaign, approved=False, election_day=None)
    factories.election(org["other_community"])  # another street's
    client.force_login(users["street_staff"])
    response = client.get("/home/")
    html = response.content.decode()
    assert "西街道换届" in html and "准备工作完成" in html
    rows = {r.election.pk: r for r in response.context["rows"]}
    assert set(rows) == {ready.pk, blocked.pk}
    assert rows[ready.pk].blocker_count == 0 and rows[blocked.pk].blocker_count == 2
    assert rows[ready.pk].next_deadline == ("准备工作完成", dt.date(2030, 1, 5))
    assert "南岭社区" not in html


def test_the_home_filters(client, org, users):
    campaign = factories.campaign(org["district"])
    factories.election(org["community"], camp=campaign, body="party_committee")
    factories.election(org["other_community"], camp=campaign, stage="nomination")
    client.force_login(users["district_admin"])
    assert len(client.get("/home/").context["rows"]) == 2
    assert [r.election.community.name for r in client.get("/home/?stage=nomination").context["rows"]] == ["南岭社区"]
    assert [r.election.body for r in client.get("/home/?body=party_committee").context["rows"]] == ["party_committee"]
    street = org["other_street"].pk
    assert [r.election.community.name for r in client.get(f"/home/?street={street}").context["rows"]] == ["南岭社区"]


def test_a_clerk_sees_only_their_own_elections(client, org, users):
    mine = factories.election(org["community"])
    factories.election(org["sibling"])
    client.force_login(users["community_clerk"])
    assert [r.election.pk for r in client.get("/home/").context["rows"]] == [mine.pk]


def test_the_election_page_shows_the_timeline_and_every_blocker(client, org, users):
    election = factories.election(org["community"], approved=False, election_day=None)
    client.force_login(users["community_clerk"])
    html = client.get(f"/elections/{election.pk}/").content.decode()
    for fragment in ["seat_plan_not_approved", "election_day_missing", "尚未经区换届工作领导小组审定", "尚未确定选举日",
                     "进入下一阶段", "disabled", 'class="current" data-stage="preparation"']:
        assert fragment in html


def test_advancing_through_the_page(client, org, users):
    election = factories.election(org["community"])
    client.force_login(users["community_clerk"])
    response = client.post(f"/elections/{election.pk}/advance/", {"expected_stage": "preparation"}, follow=True)
    assert "已进入“提名”阶段" in response.content.decode()
    election.refresh_from_db()
    assert election.stage == "nomination"


def test_a_blocked_advance_through_the_page_explains(client, org, users):
    election = factories.election(org["community"], approved=False)
    client.force_login(users["community_clerk"])
    response = client.post(f"/elections/{election.pk}/advance/", follow=True)
    assert "尚有 1 项条件未满足" in response.content.decode()


def test_seat_plan_propose_and_approve_through_the_pages(client, org, users):
    election = factories.election(org["community"], seats={}, approved=False)
    client.force_login(users["street_staff"])
    client.post(f"/elections/{election.pk}/seat-plan/", {"chair": 1, "vice_chair": 2, "member": 4})
    election.refresh_from_db()
    assert {s.position: s.count for s in election.seats.all()} == {"chair": 1, "vice_chair": 2, "member": 4}
    response = client.post(f"/elections/{election.pk}/seat-plan/approve/", follow=True)
    assert "您没有权限" in response.content.decode()
    client.force_login(users["district_admin"])
    client.post(f"/elections/{election.pk}/seat-plan/approve/")
    election.refresh_from_db()
    assert election.seat_plan_approved_at is not None


def test_bad_rule_overrides_on_the_page_say_why(client, org, users):
    election = factories.election(org["community"])
    client.force_login(users["community_clerk"])
    response = client.post(f"/elections/{election.pk}/edit/",
                           {"election_day": "2030-02-01", "rule_overrides": '{"proxy_limit": 99}'}, follow=True)
    assert "不得大于 10" in response.content.decode()
    response = client.post(f"/elections/{election.pk}/edit/", {"rule_overrides": "{oops"}, follow=True)
    assert "不是有效的 JSON" in response.content.decode()


def test_rules_and_events_tabs(client, org, users):
    election = factories.election(org["community"], rule_overrides={"proxy_limit": 2})
    client.force_login(users["community_clerk"])
    client.post(f"/elections/{election.pk}/advance/")
    rules_html = client.get(f"/elections/{election.pk}/?tab=rules").content.decode()
    assert "每位受托人最多接受委托数" in rules_html and "本社区调整" in rules_html and "seed 003" in rules_html
    events_html = client.get(f"/elections/{election.pk}/?tab=events").content.decode()
    assert "stage.advance" in events_html
    export = client.get(f"/elections/{election.pk}/?tab=events&export=xlsx")
    sheet = load_workbook(BytesIO(export.content)).active
    assert sheet["D2"].value == "stage.advance"
    assert sheet["F2"].value == Event.objects.get(election=election).hash


def test_people_search_by_pinyin_initials_and_export(client, org, users):
    factories.person(org["community"], "张三", id_number=factories.id_number(seq=201))
    factories.person(org["community"], "李四", id_number=factories.id_number(seq=202))
    factories.person(org["community"], "=HYPERLINK(1)", id_number=factories.id_number(seq=203))
    client.force_login(users["community_clerk"])
    html = client.get("/people/?q=zs").content.decode()
    assert "张三" in html and "李四" not in html
    assert "340603" not in html.replace("3406**", "")  # IDs masked
    response = client.get("/people/?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert "张三" in names and "'=HYPERLINK(1)" in names  # stored as text, never run as a formula
    ids = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert all("*" in i for i in ids)


@pytest.mark.parametrize(("raw", "safe"), [("=1+1", "'=1+1"), ("+86", "'+86"), ("-3", "'-3"), ("@SUM", "'@SUM"),
                                           ("张三", "张三"), (5, 5)])
def test_safe_cell(raw, safe):
    assert safe_cell(raw) == safe


def test_person_registration_page_shows_field_errors(client, org, users):
    client.force_login(users["community_clerk"])
    response = client.post("/people/new/", {"name": "王五", "id_number": "110105194912310023",
                                            "community": org["community"].pk})
    assert "校验位错误" in response.content.decode()
    number = factories.id_number(seq=301)
    response = client.post("/people/new/", {"name": "王五", "id_number": number, "community": org["community"].pk},
                           follow=True)
    assert "已登记 王五" in response.content.decode()


def test_relatives_through_the_person_page(client, org, users):
    a = factories.person(org["community"], "甲", dt.date(1980, 1, 1))
    b = factories.person(org["community"], "乙", dt.date(1982, 1, 1))
    client.force_login(users["community_clerk"])
    client.post(f"/people/{a.pk}/", {"relative": b.pk, "relation": "spouse"})
    assert "配偶" in client.get(f"/people/{b.pk}/").content.decode()


def test_campaign_creation_and_page(client, org, users):
    client.force_login(users["street_staff"])
    response = client.post("/campaigns/new/", {"name": "西街道 2026 换届", "jurisdiction": org["street"].pk,
                                               "milestones": "党组织换届完成, 2030-01-15, party_committee\n"
                                                             "居委会换届完成，2030-02-28"}, follow=True)
    html = response.content.decode()
    assert "西街道 2026 换届" in html and "党组织换届完成" in html and "2030-02-28" in html
    bad = client.post("/campaigns/new/", {"name": "x", "jurisdiction": org["street"].pk, "milestones": "节点, 明天"})
    assert "日期“明天”无效" in bad.content.decode()


def test_notifications_page_and_mark_read(client, org, users):
    from elections import services

    campaign = factories.campaign(org["street"], milestones=[("节点", dt.date(2026, 11, 25))])
    factories.election(org["community"], camp=campaign)
    services.deadline_scan(today=dt.date(2026, 11, 22), offsets=[3])
    client.force_login(users["community_clerk"])
    assert "即将到期：节点" in client.get("/home/").content.decode()
    note = users["community_clerk"].notifications.get()
    client.post(f"/notifications/{note.pk}/read/")
    note.refresh_from_db()
    assert note.read_at is not None
    assert "即将到期：节点" not in client.get("/home/").content.decode()


def test_out_of_scope_pages_are_a_chinese_404(client, org, users):
    other = factories.election(org["other_community"])
    person = factories.person(org["other_community"], "外人")
    client.force_login(users["community_clerk"])
    for url in [f"/elections/{other.pk}/", f"/people/{person.pk}/", f"/campaigns/{other.campaign.pk}/"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "不在您的管辖范围内" in response.content.decode()
        assert "南岭" not in response.content.decode()


def test_marking_a_milestone_done_stops_its_reminders(client, org, users):
    from elections import services
    from elections.models import Notification

    campaign = factories.campaign(org["street"], milestones=[("节点", dt.date(2026, 11, 25))])
    factories.election(org["community"], camp=campaign)
    milestone = campaign.milestones.get()
    client.force_login(users["community_clerk"])
    client.post(f"/milestones/{milestone.pk}/done/", {"done": "1"})
    milestone.refresh_from_db()
    assert milestone.done is False  # a clerk cannot close the street's milestone
    client.force_login(users["street_staff"])
    html = client.post(f"/milestones/{milestone.pk}/done/", {"done": "1"}, follow=True).content.decode()
    milestone.refresh_from_db()
    assert milestone.done is True and "已完成" in html
    assert services.deadline_scan(today=dt.date(2026, 11, 22), offsets=[3]) == 0
    assert not Notification.objects.exists()
    assert Event.objects.filter(action="milestone.done").count() == 1
    client.force_login(users["other_street_staff"])
    assert client.post(f"/milestones/{milestone.pk}/done/", {"done": "0"}).status_code == 404


def test_editing_milestones_keeps_the_unchanged_ones(org, users):
    from elections import services

    campaign = factories.campaign(org["street"], milestones=[("甲", dt.date(2030, 1, 1)), ("乙", dt.date(2030, 2, 1))])
    keep = campaign.milestones.get(name="甲")
    services.campaign_update(actor=users["street_staff"], campaign=campaign, milestones=[
        {"name": "甲", "due": dt.date(2030, 1, 5)}, {"name": "丙", "due": dt.date(2030, 3, 1)}])
    names = {m.name: m for m in campaign.milestones.all()}
    assert set(names) == {"甲", "丙"}
    assert names["甲"].pk == keep.pk and names["甲"].due == dt.date(2030, 1, 5)

"""The nomination pages: the election's "提名" and "正式候选人" tabs, the printable nomination form and formal
list, and /nominations/ — as each role sees and uses them."""

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

from candidates.models import (
    Appraisal,
    Candidate,
    CandidateList,
    CommitteeMember,
    Incumbent,
    Nomination,
    Pledge,
    RecommendationMeeting,
    Talk,
)
from tests import factories

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2029, 11, 2)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2029, 11, 2, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def rc(org):
    return factories.election(org["community"], stage="nomination")


@pytest.fixture
def party(org, rc):
    return factories.election(org["community"], camp=rc.campaign, body="party_committee", stage="nomination")


def html_of(response) -> str:
    return response.content.decode()


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html_of(response)))


def field_errors(response, field: str) -> list[str]:
    return re.findall(rf'<p class="error" data-field="{field}">([^<]*)</p>', html_of(response))


def flashes(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def sheet(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    ws = load_workbook(BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in ws.iter_rows()]


def voters(n):
    return "\n".join(f"选民{i}" for i in range(n))


def tab(client, election, name, **query):
    extra = "".join(f"&{k}={v}" for k, v in query.items())
    return client.get(f"/elections/{election.pk}/?tab={name}{extra}")


# --------------------------------------------------------------------------------------------
# The "提名" tab, by role
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role, forms", [
    ("community_clerk", True), ("street_staff", True), ("district_admin", True), ("district_reviewer", False),
])
def test_the_nomination_tab_shows_forms_by_role(client, users, rc, role, forms):
    factories.nominate(rc, person=factories.nominee(rc.community, name="王提名"), position="chair")
    client.force_login(users[role])

    response = tab(client, rc, "nomination")

    html = html_of(response)
    assert response.status_code == 200
    assert 'data-tab="nomination" class="active"' in html
    assert "王提名" in html and "社区初审中" in html
    assert ('id="add-nomination"' in html) is forms
    assert (f'action="/elections/{rc.pk}/nominations/add/"' in html) is forms
    assert ("/withdraw/" in html) is forms
    assert f'href="/nominations/{Nomination.objects.get().pk}/print/"' in html  # everyone may print
    # the RC takes no 两推 meetings
    assert "two-recommendations" not in html


def test_another_communitys_clerk_does_not_find_the_election(client, users, rc):
    client.force_login(users["other_clerk"])
    assert tab(client, rc, "nomination").status_code == 404


def test_the_add_form_offers_the_communitys_people_the_seat_plan_and_the_rulebooks_channels(client, org, users):
    election = factories.election(org["community"], stage="nomination", seats={"chair": 1, "member": 4})
    factories.person(org["community"], "张三", id_number=factories.id_number(seq=11))
    factories.person(org["other_community"], "外社区人", id_number=factories.id_number(seq=12))
    client.force_login(users["community_clerk"])

    html = html_of(tab(client, election, "nomination"))

    add = html.split('id="add-nomination"')[1]
    assert 'data-search="张三 zhangsan zs"' in add and "外社区人" not in add
    assert '<option value="chair">主任</option>' in add and 'value="vice_chair"' not in add
    assert "选民联名（20 人以上联名）" in add and "居民代表联名（10 人以上联名）" in add
    assert 'value="party_members"' not in add and 'value="street_party_committee"' not in add
    assert 'name="supporters"' in add and 'name="basis"' in add and 'name="replaces"' in add


def test_only_the_street_is_offered_its_own_recommendation(client, users, party):
    client.force_login(users["community_clerk"])
    clerk_page = html_of(tab(client, party, "nomination")).split('id="add-nomination"')[1]
    assert 'value="party_members"' in clerk_page and 'value="street_party_committee"' not in clerk_page
    client.force_login(users["street_staff"])
    staff_page = html_of(tab(client, party, "nomination")).split('id="add-nomination"')[1]
    assert '<option value="street_party_committee">街道党工委推荐</option>' in staff_page


def test_nineteen_supporters_are_refused_on_supporters_and_twenty_are_taken(client, users, rc):
    person = factories.nominee(rc.community, name="王联名")
    client.force_login(users["community_clerk"])
    url = f"/elections/{rc.pk}/nominations/add/"
    data = {"person": person.pk, "position": "member", "channel": "joint_voters", "basis": "联名提名表"}

    bad = client.post(url, {**data, "supporters": voters(19)})

    assert bad.status_code == 200
    assert field_errors(bad, "supporters") == ["选民联名提名须 20 人以上，现有 19 人。"]
    assert not Nomination.objects.exists()
    assert 'data-tab="nomination" class="active"' in html_of(bad)
    assert '<details id="add-nomination" open>' in html_of(bad)
    assert "选民0\n选民1" in html_of(bad)  # what was typed stays

    response = client.post(url, {**data, "supporters": voters(20)}, follow=True)

    nomination = Nomination.objects.get()
    assert (nomination.person, nomination.channel, len(nomination.supporters)) == (person, "joint_voters", 20)
    assert nomination.supporters[:2] == ["选民0", "选民1"] and nomination.basis == "联名提名表"
    assert "已受理提名：王联名（委员，选民联名）。" in flashes(response)
    assert response.redirect_chain[-1][0].endswith(f"?tab=nomination#nomination-{nomination.pk}")
    html = html_of(response)
    assert f'id="nomination-{nomination.pk}" data-status="reviewing"' in html
    assert "20 人" in html and "选民19" in html  # the count, and the names inside <details>


def test_a_committee_member_nominated_withdraws_and_the_flash_names_the_alternate(client, users, rc):
    member = CommitteeMember.objects.filter(election=rc, role="member").select_related("person").first()
    CommitteeMember.objects.create(election=rc, person=factories.nominee(rc.community, name="候补甲"),
                                   role="alternate", votes=40)
    client.force_login(users["community_clerk"])

    response = client.post(f"/elections/{rc.pk}/nominations/add/", {
        "person": member.person.pk, "position": "member", "channel": "party_org"}, follow=True)

    messages = " ".join(flashes(response))
    assert f"{member.person.name}是居民选举委员会成员，被提名后退出选举委员会" in messages
    assert "候补委员 候补甲（40 票）依次递补为委员" in messages
    assert "选举委员会成员" in text_of(response)  # the flag on the row


def test_warnings_are_flashed_with_the_nomination(client, users, rc):
    older = factories.nominee(rc.community, name="老张", birth=dt.date(1980, 1, 1), education="senior_high")
    client.force_login(users["community_clerk"])
    response = client.post(f"/elections/{rc.pk}/nominations/add/", {
        "person": older.pk, "position": "member", "channel": "party_org"}, follow=True)
    messages = flashes(response)
    assert "老张 50 周岁，超过新提名人选一般不超过 45 周岁的要求。" in messages
    assert "老张学历为高中，低于大专及以上的要求。" in messages


def test_near_relatives_nominated_are_shown_in_a_warning_box(client, users, rc):
    father = factories.nominee(rc.community, name="张父")
    son = factories.nominee(rc.community, name="张子")
    factories.relate(father, son, "child")
    factories.nominate(rc, person=father)
    factories.nominate(rc, person=son)
    client.force_login(users["community_clerk"])
    html = html_of(tab(client, rc, "nomination"))
    box = html.split('id="relative-pairs"')[1].split("</div>")[0]
    assert "张子 与 张父 是近亲属" in box or "张父 与 张子 是近亲属" in box


def test_the_summary_counts_each_position_and_flags_a_shortfall(client, users, rc):
    factories.nominated(rc, 2, position="chair")
    factories.nominate(rc, position="vice_chair", status="approved")
    factories.nominate(rc, position="member", status="rejected")
    client.force_login(users["community_clerk"])
    html = html_of(tab(client, rc, "nomination"))
    chair = re.search(r'<tr data-position="chair" class="">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'<td class="num">(\d+)', chair) == ["1", "2", "0", "0"]
    assert 'data-position="vice_chair" class="short"' in html and "至少须 2 名" in html
    assert 'data-position="member" class="short"' in html


def test_filters_narrow_the_table_and_the_export_follows_them(client, users, rc):
    factories.nominate(rc, person=factories.nominee(rc.community, name="王主任"), position="chair")
    factories.nominate(rc, person=factories.nominee(rc.community, name="李委员"), position="member",
                       channel="self", supporters=["李委员"])
    factories.nominate(rc, person=factories.nominee(rc.community, name="赵撤回"), status="withdrawn",
                       outcome="撤回：本人申请退出")
    client.force_login(users["community_clerk"])

    html = html_of(tab(client, rc, "nomination", position="member"))
    assert "李委员" in html and "王主任" not in html.split('id="nominations"')[1].split("add-nomination")[0]
    live = html_of(tab(client, rc, "nomination", status="live"))
    assert "赵撤回" not in live.split('class="grid compact nominations"')[1].split("</table>")[0]
    assert "撤回：本人申请退出" in html_of(tab(client, rc, "nomination", status="withdrawn"))

    rows = sheet(tab(client, rc, "nomination", position="member", export="xlsx"))
    assert rows[0][:3] == ["被提名人", "性别", "年龄"]
    assert [r[0] for r in rows[1:]] == ["李委员", "赵撤回"]
    assert rows[1][6] == "自荐" and rows[1][7] == 1 and rows[1][10] == "审查中" and rows[1][11] == "社区初审"
    everything = sheet(tab(client, rc, "nomination", export="xlsx"))
    assert len(everything) == 4


def test_withdrawing_needs_a_reason(client, users, rc):
    nomination = factories.nominate(rc, person=factories.nominee(rc.community, name="王撤回"))
    client.force_login(users["community_clerk"])
    bad = client.post(f"/nominations/{nomination.pk}/withdraw/", {"reason": " "})
    assert field_errors(bad, "reason") == ["请说明撤回原因（如：本人申请退出）。"]
    assert '<details class="pop" open>' in html_of(bad)
    response = client.post(f"/nominations/{nomination.pk}/withdraw/", {"reason": "本人申请退出"}, follow=True)
    assert "已撤回 王撤回 的提名。" in flashes(response)
    nomination.refresh_from_db()
    assert nomination.status == "withdrawn"


def test_an_rc_replacement_in_vetting_needs_the_nomination_it_replaces(client, org, users):
    election = factories.election(org["community"], stage="vetting")
    rejected = factories.nominate(election, person=factories.nominee(org["community"], name="李落选"),
                                  position="chair", status="rejected", outcome="不得：受过刑事处罚")
    person = factories.nominee(org["community"], name="王递补")
    client.force_login(users["community_clerk"])
    page = html_of(tab(client, election, "nomination"))
    assert "受理递补提名" in page and f'<option value="{rejected.pk}">李落选（主任，未通过）</option>' in page

    url = f"/elections/{election.pk}/nominations/add/"
    bad = client.post(url, {"person": person.pk, "position": "chair", "channel": "party_org"})
    assert field_errors(bad, "replaces") == ["本阶段只受理递补提名：请选择被递补的人选。"]
    client.post(url, {"person": person.pk, "position": "chair", "channel": "party_org", "replaces": rejected.pk})
    assert Nomination.objects.get(person=person).replaces == rejected
    html = html_of(tab(client, election, "nomination"))
    assert "递补 李落选" in html and "由 王递补 递补" in html


# --------------------------------------------------------------------------------------------
# 两推一选
# --------------------------------------------------------------------------------------------


def meeting_data(**kw):
    return {"held_on": TODAY.isoformat(), "expected": 60, "present": 50, "ballots": 50, **kw}


def test_the_party_tab_shows_the_two_recommendations_and_the_appraisals(client, users, party):
    client.force_login(users["community_clerk"])
    html = html_of(tab(client, party, "nomination"))
    assert 'id="two-recommendations"' in html and 'id="preliminary"' in html and 'id="appraisals"' in html
    assert f'action="/elections/{party.pk}/recommendations/party_members/"' in html
    assert f'action="/elections/{party.pk}/recommendations/representatives/"' in html
    assert f'action="/elections/{party.pk}/appraisals/"' in html
    whole = html.split('data-position="whole"')[1].split("</tr>")[0]
    assert "初步人选至少 9 名" in whole and "<th class=\"num blocked\">0</th>" in whole
    assert 'data-position="member" class=""' in html and "计入委员会合计" in html
    client.force_login(users["district_reviewer"])
    html = html_of(tab(client, party, "nomination"))
    assert 'id="two-recommendations"' in html and "/recommendations/" not in html and "/appraisals/\"" not in html


def test_a_meeting_with_an_unknown_or_ambiguous_name_names_the_line(client, users, party):
    factories.nominee(party.community, name="王五")
    factories.nominee(party.community, name="张伟", id_number=factories.id_number(seq=101))
    factories.nominee(party.community, name="张伟", id_number=factories.id_number(seq=202))
    client.force_login(users["community_clerk"])

    bad = client.post(f"/elections/{party.pk}/recommendations/party_members/",
                      meeting_data(results="王五 30\n\n无此人 12\n张伟 20\n乱写"))

    assert bad.status_code == 200
    assert field_errors(bad, "results") == [
        "第 3 行：本社区人员中没有“无此人”，请核对姓名或先登记人员。",
        "第 4 行：本社区有 2 人名为“张伟”，请在姓名后注明身份证后四位，如“张伟（1234） 20”。",
        "第 5 行“乱写”：请按“姓名 票数”填写。",
    ]
    assert not RecommendationMeeting.objects.exists()
    tail = factories.id_number(seq=202)[-4:]
    client.post(f"/elections/{party.pk}/recommendations/party_members/", meeting_data(results=f"王五 30\n张伟（{tail}） 26"))
    meeting = RecommendationMeeting.objects.get()
    votes = {(v.person.name, v.person.id_number[-4:], v.votes) for v in meeting.votes.select_related("person")}
    assert ("张伟", tail, 26) in votes and {(name, n) for name, _, n in votes} == {("王五", 30), ("张伟", 26)}


def test_exactly_half_attendance_is_not_more_than_half(client, users, party):
    a = factories.nominee(party.community, name="王五")
    client.force_login(users["community_clerk"])

    response = client.post(f"/elections/{party.pk}/recommendations/representatives/", meeting_data(
        expected=40, present=20, ballots=20, results="王五 15"), follow=True)

    assert "到会 20/应到 40，未超过半数" in text_of(response)
    assert any("推荐无效" in m for m in flashes(response))
    meeting = RecommendationMeeting.objects.get()
    assert meeting.votes.get().person == a
    rows = html_of(response).split('id="meeting-representatives"')[1].split("</table>")[0]
    assert re.search(r'data-person="\d+"><td>王五</td><td class="num">15</td>\s*<td><span class="muted">否', rows)

    client.post(f"/elections/{party.pk}/recommendations/representatives/", meeting_data(
        expected=40, present=21, ballots=21, results="王五 15"))
    page = text_of(tab(client, party, "nomination"))
    assert "到会 21/应到 40，超过半数" in page


def test_meeting_figures_are_checked_by_field(client, users, party):
    factories.nominee(party.community, name="王五")
    client.force_login(users["community_clerk"])
    bad = client.post(f"/elections/{party.pk}/recommendations/party_members/",
                      meeting_data(present=65, results="王五 70"))
    assert field_errors(bad, "present") == ["实到人数（65）不能多于应到人数（60）。"]
    assert not RecommendationMeeting.objects.exists()


def record_meetings(party, clerk, people):
    from candidates import services

    services.recommendation_meeting_record(actor=clerk, election=party, kind="party_members", expected=60,
                                           present=50, ballots=50, held_on=TODAY,
                                           results=[(p, 45 - i) for i, p in enumerate(people)])
    services.recommendation_meeting_record(actor=clerk, election=party, kind="representatives", expected=40,
                                           present=30, ballots=30, held_on=TODAY,
                                           results=[(p, 20) for p in people])


def test_the_preliminary_list_is_nominated_with_the_positions_chosen(client, users, party):
    people = [factories.nominee(party.community, name=f"党员{i:02d}") for i in range(11)]
    record_meetings(party, users["community_clerk"], people)
    client.force_login(users["community_clerk"])

    html = html_of(tab(client, party, "nomination"))
    assert "初步人选 9 名（应选 7 名 ×（1 + 20%），向上取整）" in text_of(tab(client, party, "nomination"))
    assert html.count('class="selected"') == 9 and html.count('class="reserve"') == 2
    assert "按推荐结果生成初步人选提名" in html

    response = client.post(f"/elections/{party.pk}/preliminary/", {
        f"position-{people[0].pk}": "secretary", f"position-{people[1].pk}": "deputy_secretary"}, follow=True)

    created = Nomination.objects.filter(election=party)
    assert created.count() == 9
    assert created.get(person=people[0]).position == "secretary"
    assert created.get(person=people[2]).position == "member"
    assert created.get(person=people[2]).recommendation_votes == 43 + 20
    assert any(m.startswith("已按“两推”结果提名初步人选 9 名：党员00、党员01") for m in flashes(response))
    assert "按推荐结果生成初步人选提名" not in html_of(response)


def test_fill_gap_on_a_rejected_party_nomination(client, org, users):
    party = factories.election(org["community"], body="party_committee", stage="nomination")
    people = [factories.nominee(party.community, name=f"党员{i:02d}") for i in range(11)]
    record_meetings(party, users["community_clerk"], people)
    client.force_login(users["community_clerk"])
    client.post(f"/elections/{party.pk}/preliminary/", {})
    rejected = Nomination.objects.get(person=people[3])
    Nomination.objects.filter(pk=rejected.pk).update(status="rejected", level="", outcome="不宜：群众公认度低")

    html = html_of(tab(client, party, "nomination"))
    assert f'action="/nominations/{rejected.pk}/fill-gap/"' in html
    assert html.count("/fill-gap/") == 1

    response = client.post(f"/nominations/{rejected.pk}/fill-gap/", follow=True)
    stepped = Nomination.objects.get(replaces=rejected)
    assert stepped.person == people[9]
    assert "党员09（“两推”得票 56）递补 党员03。" in flashes(response)
    assert "/fill-gap/" not in html_of(response)


def test_appraisals_are_recorded_with_their_shares(client, users, party):
    incumbent = Incumbent.objects.filter(election=party).select_related("person").get()
    client.force_login(users["community_clerk"])
    bad = client.post(f"/elections/{party.pk}/appraisals/", {
        "person": incumbent.person.pk, "ballots": 50, "excellent": 40, "competent": 11, "basic": 0,
        "incompetent": 0})
    assert field_errors(bad, "ballots") == ["优秀、称职、基本称职、不称职合计 51 票，多于测评票数 50 票。"]
    response = client.post(f"/elections/{party.pk}/appraisals/", {
        "person": incumbent.person.pk, "ballots": 50, "excellent": 30, "competent": 15, "basic": 4,
        "incompetent": 1, "held_on": TODAY.isoformat()}, follow=True)
    assert Appraisal.objects.get().excellent == 30
    row = html_of(response).split('class="grid compact appraisals"')[1].split("</table>")[0]
    assert "现任甲" in row and "60%" in row and "<strong>90%</strong>" in row and "2029-11-02" in row


# --------------------------------------------------------------------------------------------
# The "正式候选人" tab
# --------------------------------------------------------------------------------------------


@pytest.fixture
def publicity(org):
    return factories.election(org["community"], stage="publicity")


def approve(election, name, position="member", **kw):
    return factories.nominate(election, person=factories.nominee(election.community, name=name, **kw),
                              position=position, status="approved")


@pytest.mark.parametrize("role, manages", [
    ("community_clerk", True), ("street_staff", True), ("district_reviewer", False),
])
def test_the_candidates_tab_shows_forms_by_role(client, users, publicity, role, manages):
    factories.formal_list(publicity, pledged=False, talked=False)
    approve(publicity, "王待列")
    client.force_login(users[role])

    html = html_of(tab(client, publicity, "candidates"))

    assert 'data-tab="candidates" class="active"' in html
    assert ('id="build-button"' in html) is manages
    assert ("/pledge/" in html) is manages and ("/talk/" in html) is manages
    assert ('action="/candidates/' in html) is manages
    assert ('id="publish-form"' in html) is manages
    assert 'id="decide-form"' not in html and 'id="submit-list-button"' not in html  # RC: no 批复
    assert f'href="/elections/{publicity.pk}/candidates/print/"' in html


def test_build_orders_by_surname_strokes_and_shows_the_margin(client, users, publicity):
    for name in ["张三", "李四", "王五"]:
        approve(publicity, name)
    approve(publicity, "丁主任", position="chair")
    client.force_login(users["community_clerk"])
    before = html_of(tab(client, publicity, "candidates"))
    assert "从审查通过人选生成名单" in before and "审查通过、尚未列入名单的人选 4 名" in before

    response = client.post(f"/elections/{publicity.pk}/candidates/build/", follow=True)

    assert "已列入正式候选人 4 名（按姓氏笔画排序）。" in flashes(response)
    html = html_of(response)
    members = html.split('data-position="member"')[1].split("</table>")[0]
    assert re.findall(r'<td class="cname"><a [^>]*>([^<]+)</a>', members) == ["王五", "李四", "张三"]
    assert "主任应选 1 名，现有候选人 1 名，至少须 2 名。" in html
    assert "人数不足" in html and "从审查通过人选生成名单" not in html
    assert Candidate.objects.filter(election=publicity).count() == 4


def test_add_one_and_remove_with_a_reason(client, users, publicity):
    factories.formal_list(publicity)
    extra = approve(publicity, "王加入", position="chair")
    client.force_login(users["community_clerk"])
    response = client.post(f"/elections/{publicity.pk}/candidates/add/", {"nomination": extra.pk}, follow=True)
    assert "已将 王加入 列为正式候选人。" in flashes(response)
    candidate = Candidate.objects.get(nomination=extra)
    bad = client.post(f"/candidates/{candidate.pk}/remove/", {"reason": ""})
    assert field_errors(bad, "reason") == ["请说明移出原因（如：超出差额上限，按研究结果不列入）。"]
    response = client.post(f"/candidates/{candidate.pk}/remove/", {"reason": "超出差额上限"}, follow=True)
    assert "已将 王加入 移出正式候选人名单。" in flashes(response)
    assert not Candidate.objects.filter(pk=candidate.pk).exists()


def test_pledge_and_talk_are_recorded(client, users, publicity):
    factories.formal_list(publicity, pledged=False, talked=False)
    candidate = Candidate.objects.filter(election=publicity).select_related("person").first()
    client.force_login(users["street_staff"])
    page = html_of(tab(client, publicity, "candidates"))
    assert "未签订" in page and "未谈话" in page

    bad = client.post(f"/nominations/{candidate.nomination_id}/pledge/",
                      {"signed_on": (TODAY + dt.timedelta(days=1)).isoformat()})
    assert field_errors(bad, "signed_on") == ["签订日期不能晚于今天。"]
    response = client.post(f"/nominations/{candidate.nomination_id}/pledge/", {"signed_on": "2029-11-01"},
                           follow=True)
    assert f"已登记 {candidate.person.name} 签订纪律承诺书。" in flashes(response)
    assert Pledge.objects.get().signed_on == dt.date(2029, 11, 1)

    bad = client.post(f"/nominations/{candidate.nomination_id}/talk/", {"held_on": "2029-11-01", "interviewers": ""})
    assert field_errors(bad, "interviewers")
    response = client.post(f"/nominations/{candidate.nomination_id}/talk/", {
        "held_on": "2029-11-02", "interviewers": "街道党工委书记 王某", "note": "表态服从安排"}, follow=True)
    assert f"已登记与 {candidate.person.name} 的谈心谈话。" in flashes(response)
    talk = Talk.objects.get()
    assert (talk.person, talk.interviewers) == (candidate.person, "街道党工委书记 王某")
    row = html_of(response).split(f'id="cand-{candidate.nomination_id}"')[1].split("</tr>")[0]
    assert "2029-11-01" in row and "2029-11-02" in row


def test_publication_shows_the_deadline_and_records_the_date(client, users, publicity):
    factories.formal_list(publicity)
    client.force_login(users["community_clerk"])
    page = text_of(tab(client, publicity, "candidates"))
    assert "正式候选人名单须在选举日前 3 日张榜公布：选举日 2030-01-10，最晚于 2030-01-07 公布。" in page

    response = client.post(f"/elections/{publicity.pk}/candidates/publish/", {"published_on": "2029-11-02"},
                           follow=True)

    assert "已登记正式候选人名单的公布日期：2029-11-02。" in flashes(response)
    assert CandidateList.objects.get(election=publicity).published_on == TODAY
    html = html_of(response)
    assert "已于 2029-11-02 公布" in html and "符合公布时限" in html
    assert 'id="build-button"' not in html and 'action="/candidates/' not in html  # the list is fixed now


def test_publication_refuses_a_list_outside_the_margin(client, users, publicity):
    approve(publicity, "王主任", position="chair")
    client.force_login(users["community_clerk"])
    client.post(f"/elections/{publicity.pk}/candidates/build/")
    bad = client.post(f"/elections/{publicity.pk}/candidates/publish/", {"published_on": "2029-11-02"})
    assert any("主任应选 1 名，现有候选人 1 名，至少须 2 名。" in e for e in field_errors(bad, "published_on"))
    assert CandidateList.objects.get(election=publicity).published_on is None


def test_the_street_approves_the_party_list(client, org, users):
    party = factories.election(org["community"], body="party_committee", stage="publicity")
    factories.formal_list(party, approve=False)
    client.force_login(users["community_clerk"])
    html = html_of(tab(client, party, "candidates"))
    assert 'id="submit-list-button"' in html and 'id="decide-form"' not in html
    assert "候选人预备人选名单" in html and "尚未报送" in html

    response = client.post(f"/elections/{party.pk}/candidates/submit/", follow=True)
    assert "候选人预备人选名单已报街道党工委，等待批复。" in flashes(response)
    assert 'id="submit-list-button"' not in html_of(response) and "已报送" in html_of(response)

    client.force_login(users["street_staff"])
    html = html_of(tab(client, party, "candidates"))
    assert 'id="decide-form"' in html
    bad = client.post(f"/elections/{party.pk}/candidates/decide/", {"decision": "return", "reply": ""})
    assert field_errors(bad, "reply") == ["请填写批复意见（退回的理由和调整要求）。"]
    response = client.post(f"/elections/{party.pk}/candidates/decide/", {"decision": "approve", "reply": ""},
                           follow=True)
    assert "已批复同意候选人预备人选名单。" in flashes(response)
    cl = CandidateList.objects.get(election=party)
    assert (cl.approval, cl.approval_by) == ("approved", users["street_staff"])
    assert "已批复同意" in html_of(response) and 'id="decide-form"' not in html_of(response)

    client.force_login(users["community_clerk"])
    client.post(f"/elections/{party.pk}/candidates/publish/", {"published_on": "2029-11-02"})
    assert CandidateList.objects.get(election=party).published_on == TODAY


def test_a_clerk_cannot_decide_the_party_list(client, org, users):
    party = factories.election(org["community"], body="party_committee", stage="publicity")
    factories.formal_list(party, approve=False)
    CandidateList.objects.update_or_create(election=party, defaults={"approval": "submitted"})
    client.force_login(users["community_clerk"])
    assert 'id="decide-form"' not in html_of(tab(client, party, "candidates"))
    response = client.post(f"/elections/{party.pk}/candidates/decide/", {"decision": "approve"})
    assert response.status_code == 403
    assert CandidateList.objects.get(election=party).approval == "submitted"


def test_the_structure_preview_counts_and_warns(client, users, rc):
    factories.nominate(rc, person=factories.nominee(rc.community, name="王男", birth=dt.date(1975, 1, 1),
                                                    sex="male"))
    factories.nominate(rc, person=factories.nominee(rc.community, name="李青", birth=dt.date(2000, 1, 1),
                                                    sex="female", party_member=False))
    client.force_login(users["community_clerk"])
    page = text_of(tab(client, rc, "candidates"))
    assert "人选 2 名" in page and "女性 1 名" in page and "35 周岁及以下 1 名" in page and "党员 1 名" in page
    assert "大专及以上 2 名" in page
    assert "（名单确定前按在审及通过的提名人选）" in page


def test_the_candidates_tab_exports_the_list(client, users, publicity):
    factories.formal_list(publicity)
    client.force_login(users["community_clerk"])
    rows = sheet(tab(client, publicity, "candidates", export="xlsx"))
    assert rows[0] == ["职位", "序号", "姓名", "性别", "年龄", "学历", "党员", "提名方式", "纪律承诺书", "谈心谈话"]
    assert len(rows) - 1 == Candidate.objects.filter(election=publicity).count()
    assert rows[1][0] == "主任" and rows[1][1] == 1 and rows[1][8] == dt.datetime(2026, 1, 6)


# --------------------------------------------------------------------------------------------
# Printable pages
# --------------------------------------------------------------------------------------------


def test_the_printable_nomination_form_masks_the_id_number(client, users, rc):
    person = factories.nominee(rc.community, name="王提名", phone="13912345678")
    nomination = factories.nominate(rc, person=person, channel="joint_voters",
                                    supporters=[f"联名人{i}" for i in range(21)], basis="联名提名表")
    client.force_login(users["community_clerk"])

    response = client.get(f"/nominations/{nomination.pk}/print/")

    html = html_of(response)
    assert response.status_code == 200
    assert "居民委员会成员候选人提名表" in html and "王提名" in html and "选民联名" in html
    assert person.id_number not in html and person.masked_id in html
    assert "13912345678" not in html and "139****5678" in html
    assert "联名人名单（共 21 人）" in html and "联名人0" in html and "联名人20" in html
    assert html.count('<td class="sign"></td>') == 22  # 11 rows of two; the last right cell is blank
    assert "本人签名" in html and "联名提名表" in html and "2029年11月2日" in html
    client.force_login(users["other_clerk"])
    assert client.get(f"/nominations/{nomination.pk}/print/").status_code == 404


def test_the_printable_formal_list_is_an_official_notice(client, users, publicity):
    for name in ["张三", "李四", "王五", "赵六", "方七", "丁一"]:
        approve(publicity, name)
    for name in ["刘主", "丁主"]:
        approve(publicity, name, position="chair")
    for name in ["陈副", "马副"]:
        approve(publicity, name, position="vice_chair")
    from candidates import services

    services.candidate_list_build(actor=users["community_clerk"], election=publicity)
    client.force_login(users["community_clerk"])

    draft = html_of(client.get(f"/elections/{publicity.pk}/candidates/print/?term=十二"))
    assert "东关社区第十二届居民委员会成员正式候选人名单" in draft and "（草案）" in draft

    client.post(f"/elections/{publicity.pk}/candidates/publish/", {"published_on": "2029-11-02"})
    html = html_of(client.get(f"/elections/{publicity.pk}/candidates/print/"))
    assert "东关社区居民委员会成员正式候选人名单" in html and "（草案）" not in html
    assert html.count("（按姓氏笔画排序）") == 3
    members = html.split("委员候选人（6名，应选5名）")[1]
    assert re.findall(r'<span class="name">([^<]+)</span>', members) == ["丁一", "王五", "方七", "李四", "张三", "赵六"]
    assert "东关社区居民选举委员会" in html and "2029年11月2日" in html
    for person in (c.person for c in Candidate.objects.filter(election=publicity).select_related("person")):
        assert person.id_number not in html and person.id_number[-4:] not in html


def test_the_printable_party_list_is_issued_by_the_party_committee(client, org, users):
    party = factories.election(org["community"], body="party_committee", stage="publicity")
    factories.formal_list(party)
    client.force_login(users["community_clerk"])
    html = html_of(client.get(f"/elections/{party.pk}/candidates/print/"))
    assert "中共东关社区委员会委员候选人预备人选名单" in html and "中共东关社区委员会" in html


# --------------------------------------------------------------------------------------------
# /nominations/
# --------------------------------------------------------------------------------------------


def test_the_nominations_page_lists_the_users_scope_with_filters_and_export(client, org, users, rc, party):
    factories.nominate(rc, person=factories.nominee(rc.community, name="张三丰"), position="chair")
    factories.nominate(party, person=factories.nominee(rc.community, name="李四光"), position="secretary")
    elsewhere = factories.election(org["other_community"], stage="nomination")
    factories.nominate(elsewhere, person=factories.nominee(org["other_community"], name="南岭人"))
    client.force_login(users["street_staff"])

    html = html_of(client.get("/nominations/"))
    assert "张三丰" in html and "李四光" in html and "南岭人" not in html
    assert f'href="/elections/{rc.pk}/?tab=nomination#nomination-' in html
    assert 'id="nav-nominations"' in html
    assert "李四光" not in html_of(client.get("/nominations/?q=zsf"))
    assert "张三丰" in html_of(client.get("/nominations/?q=zsf"))
    assert "张三丰" not in html_of(client.get("/nominations/?body=party_committee"))
    assert "李四光" in html_of(client.get(f"/nominations/?community={rc.community.pk}&position=secretary"))

    rows = sheet(client.get("/nominations/?export=xlsx"))
    assert rows[0][:4] == ["街道", "社区", "选举对象", "被提名人"]
    assert sorted(r[3] for r in rows[1:]) == ["张三丰", "李四光"]

    client.force_login(users["other_street_staff"])
    html = html_of(client.get("/nominations/"))
    assert "南岭人" in html and "张三丰" not in html


# --------------------------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------------------------


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("body", ["residents_committee", "party_committee"])
def test_the_nomination_tab_does_not_grow_with_the_nominations(client, org, users, body):
    election = factories.election(org["community"], body=body, stage="nomination")
    client.force_login(users["community_clerk"])
    factories.nominated(election, 3, supporters=["甲", "乙"])
    url = f"/elections/{election.pk}/?tab=nomination"
    small = count(client, url)
    rejected = factories.nominate(election, status="rejected")
    factories.nominate(election, replaces=rejected)
    factories.nominated(election, 7)
    assert Nomination.objects.filter(election=election).count() == 12
    assert count(client, url) == small


def test_the_candidates_tab_does_not_grow_with_the_list(client, org, users):
    election = factories.election(org["community"], stage="publicity", seats={"chair": 1, "member": 2})
    client.force_login(users["community_clerk"])
    factories.formal_list(election)
    url = f"/elections/{election.pk}/?tab=candidates"
    small = count(client, url)
    for _ in range(6):
        approve(election, None)
    factories.formal_list(election)
    assert count(client, url) == small


def test_a_meeting_of_an_unknown_kind_is_not_found(client, users, party):
    client.force_login(users["community_clerk"])
    response = client.post(f"/elections/{party.pk}/recommendations/elders/", meeting_data())
    assert response.status_code == 404


def test_the_street_enters_its_own_recommendation_through_the_form(client, users, party):
    person = factories.nominee(party.community, name="王推荐")
    client.force_login(users["street_staff"])
    response = client.post(f"/elections/{party.pk}/nominations/add/", {
        "person": person.pk, "position": "deputy_secretary", "channel": "street_party_committee",
        "basis": "街道党工委会议研究"}, follow=True)
    assert "已受理提名：王推荐（副书记，街道党工委推荐）。" in flashes(response)
    client.force_login(users["community_clerk"])
    nomination = Nomination.objects.get(person=person)
    html = html_of(tab(client, party, "nomination"))
    row = html.split(f'id="nomination-{nomination.pk}"')[1].split("</tr>")[0]
    assert "街道党工委推荐" in row and "/withdraw/" not in row  # the clerk may not withdraw the street's


def test_a_self_nomination_prints_a_declaration(client, users, rc):
    nomination = factories.nominate(rc, person=factories.nominee(rc.community, name="王自荐"), channel="self")
    client.force_login(users["community_clerk"])
    html = html_of(client.get(f"/nominations/{nomination.pk}/print/"))
    assert "自荐声明" in html and "自荐人签名" in html and "联名人名单" not in html


def test_the_nomination_tab_renders_in_english(client, users, party):
    factories.nominate(party, position="secretary")
    client.force_login(users["community_clerk"])
    client.cookies["django_language"] = "en"
    response = tab(client, party, "nomination")
    html = html_of(response)
    assert response.status_code == 200 and '<html lang="en">' in html
    # the tab's own words are English (gate messages above it stay Chinese for now)
    assert "<h2>Nominees " in html and "Take a nomination" in html and "<h2>提名人选" not in html


def test_every_nomination_label_is_in_a_catalog():
    from candidates import rules
    from candidates.label_catalog import LABELS
    from elections import rules as election_rules

    tables = [rules.NOMINATION_STATUSES, rules.REVIEW_LEVELS, rules.RECOMMENDATION_KINDS,
              rules.LIST_APPROVAL_STATUSES, list(rules.NOMINEE_FLAGS.items()),
              list(election_rules.NOMINATION_CHANNELS.items())]
    assert {label for table in tables for _, label in table} - set(LABELS) == set()


# --------------------------------------------------------------------------------------------
# Bounds of the page forms (the API's): counts, vote strings, supporters
# --------------------------------------------------------------------------------------------

HUGE = "9" * 20


def test_absurd_meeting_figures_and_votes_are_field_errors_not_a_server_error(client, users, party):
    factories.nominee(party.community, name="王五")
    client.force_login(users["community_clerk"])
    url = f"/elections/{party.pk}/recommendations/party_members/"

    bad = client.post(url, {"expected": HUGE, "present": HUGE, "ballots": HUGE, "results": f"王五 {HUGE}"})

    assert bad.status_code == 200
    for field in ("expected", "present", "ballots"):
        assert field_errors(bad, field) == ["确保该值小于或等于10000000。"]
    assert field_errors(bad, "results") == ["第 1 行：票数过大（不超过 10000000 票），请核对。"]
    # thousands of digits would not even convert to an int; the line is named, the number not echoed
    bad = client.post(url, meeting_data(results="王五 30\n王五 " + "9" * 5000))
    assert bad.status_code == 200
    assert field_errors(bad, "results") == ["第 2 行：票数过大（不超过 10000000 票），请核对。"]
    bad = client.post(url, meeting_data(results="王五 10000001"))
    assert field_errors(bad, "results") == ["第 1 行：票数过大（不超过 10000000 票），请核对。"]
    assert not RecommendationMeeting.objects.exists()
    # the bound itself is accepted by the form (the service then checks it against the ballots)
    client.post(url, meeting_data(results="王五 0040"))
    assert RecommendationMeeting.objects.get().votes.get().votes == 40


def test_absurd_appraisal_counts_are_field_errors_not_a_server_error(client, users, party):
    incumbent = Incumbent.objects.filter(election=party).get()
    client.force_login(users["community_clerk"])

    bad = client.post(f"/elections/{party.pk}/appraisals/", {
        "person": incumbent.person_id, "ballots": HUGE, "excellent": HUGE, "competent": "0", "basic": "0",
        "incompetent": "9" * 5000})

    assert bad.status_code == 200
    assert field_errors(bad, "ballots") == field_errors(bad, "excellent") == ["确保该值小于或等于10000000。"]
    assert field_errors(bad, "incompetent")
    assert not Appraisal.objects.exists()


def test_split_names_normalises_each_name_and_keeps_the_order_and_the_repeats():
    from candidates.forms import split_names

    typed = "张 三\n\ufeff李四\u200d，ＡＢＣ\r\n\u3000王五\u2060 、\u200b\n张三\u200b\n\t"
    assert split_names(typed) == ["张三", "李四", "ABC", "王五", "张三"]


def test_more_than_5000_supporters_are_refused_on_the_field(client, users, rc):
    person = factories.nominee(rc.community, name="王联名")
    client.force_login(users["community_clerk"])

    bad = client.post(f"/elections/{rc.pk}/nominations/add/", {
        "person": person.pk, "position": "member", "channel": "joint_voters", "supporters": voters(5001)})

    assert bad.status_code == 200
    assert field_errors(bad, "supporters") == ["联名人最多 5000 人，现填了 5001 人：请核对名单。"]
    assert not Nomination.objects.exists()


def test_invisible_characters_do_not_make_one_supporter_count_twice(client, users, rc):
    person = factories.nominee(rc.community, name="王联名")
    client.force_login(users["community_clerk"])
    url = f"/elections/{rc.pk}/nominations/add/"
    data = {"person": person.pk, "position": "member", "channel": "joint_voters"}
    # 18 voters and 张三 typed three ways (plain, with a zero-width space, spaced with a BOM): 21 lines, 19 people
    padded = voters(18) + "\n张三\n张\u200b三\n 张 三\ufeff"

    bad = client.post(url, {**data, "supporters": padded})

    assert bad.status_code == 200
    errors = field_errors(bad, "supporters")
    assert any("联名人重复：张三" in e for e in errors), errors
    assert not Nomination.objects.exists()

    client.post(url, {**data, "supporters": voters(19) + "\n赵\u200b六\u3000"})
    nomination = Nomination.objects.get()
    assert len(nomination.supporters) == 20 and nomination.supporters[-2:] == ["选民18", "赵六"]


# --------------------------------------------------------------------------------------------
# Confirmation before irreversible actions (static/js/app.js asks; without it the form still posts)
# --------------------------------------------------------------------------------------------


def form_tag(html: str, action: str) -> str:
    return re.search(rf'<form method="post" action="{re.escape(action)}"[^>]*>', html)[0]


def test_withdrawing_a_nomination_asks_for_confirmation(client, users, rc):
    nomination = factories.nominate(rc, person=factories.nominee(rc.community, name="王撤回"))
    client.force_login(users["community_clerk"])
    tag = form_tag(html_of(tab(client, rc, "nomination")), f"/nominations/{nomination.pk}/withdraw/")
    assert 'data-confirm="确定撤回王撤回的提名？撤回后不能恢复。"' in tag
    assert "data-confirm-when" not in tag  # asked whatever is typed


def test_removing_a_candidate_asks_for_confirmation(client, users, publicity):
    factories.formal_list(publicity)
    candidate = Candidate.objects.filter(election=publicity).select_related("person").first()
    client.force_login(users["community_clerk"])
    tag = form_tag(html_of(tab(client, publicity, "candidates")), f"/candidates/{candidate.pk}/remove/")
    assert f'data-confirm="确定将{candidate.person.name}移出正式候选人名单？' in tag


# --------------------------------------------------------------------------------------------
# /nominations/: a flat number of queries, rows spread over streets and communities
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/nominations/", "/nominations/?export=xlsx"])
def test_the_nominations_page_and_export_do_not_grow_with_the_rows(client, org, users, url):
    def spread(n, start):
        for i in range(start, start + n):
            community = factories.jurisdiction(f"社区{i}", "community", org["street" if i % 2 else "other_street"])
            factories.nominate(factories.election(community, stage="nomination", prepared=False))

    client.force_login(users["district_admin"])
    spread(3, 0)
    small = count(client, url)
    spread(9, 3)
    assert Nomination.objects.count() == 12
    assert count(client, url) == small


def test_a_nomination_is_corrected_on_the_page_until_the_community_has_reviewed_it(client, users, rc):
    person = factories.nominee(rc.community, name="王更正")
    nomination = factories.nominate(rc, person=person, channel="joint_voters",
                                    supporters=[f"选民{i}" for i in range(20)])
    client.force_login(users["community_clerk"])
    page = client.get(reverse("election-detail", args=[rc.pk]) + "?tab=nomination").content.decode()
    assert reverse("nomination-edit", args=[nomination.pk]) in page
    url = reverse("nomination-edit", args=[nomination.pk])
    short = client.post(url, {"position": "member", "supporters": "\n".join(f"选民{i}" for i in range(19)),
                              "basis": "", "version": nomination.version})
    assert short.status_code == 200 and "20 人以上" in short.content.decode()
    nomination.refresh_from_db()
    assert len(nomination.supporters) == 20
    done = client.post(url, {"position": "member", "supporters": "\n".join(f"选民{i}" for i in range(25)),
                             "basis": "第二居民小组", "version": nomination.version}, follow=True)
    assert "已更正 王更正 的提名" in done.content.decode()
    nomination.refresh_from_db()
    assert len(nomination.supporters) == 25 and nomination.basis == "第二居民小组"
    stale = client.post(url, {"position": "member", "supporters": "\n".join(f"选民{i}" for i in range(21)),
                              "basis": "", "version": 1})
    assert stale.status_code == 200
    nomination.refresh_from_db()
    assert len(nomination.supporters) == 25

"""The preparation pages: incumbents and audits, the election committee, the rulebook's adoption and its
printable text, the party request and reply, rectification — as each role sees and uses them."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from candidates import rules as candidate_rules
from candidates.models import Audit, CommitteeMember, Incumbent, Talk
from elections import rulebook_document
from elections import rules as election_rules
from elections.models import PartyRequest, Rectification, RulebookAdoption
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def html_of(response) -> str:
    return response.content.decode()


def text_of(response) -> str:
    """The page's text without tags, whitespace collapsed: for sentences split by markup."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html_of(response)))


def header_row(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(BytesIO(response.content)).active
    return [cell.value for cell in sheet[1]]


def sheet_rows(response) -> list[list]:
    sheet = load_workbook(BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]


def field_errors(response, field: str) -> list[str]:
    return re.findall(rf'<p class="error" data-field="{field}">([^<]*)</p>', html_of(response))


def incumbent(election, name, position="member", **audit):
    """An incumbent of ``election``; ``audit`` fields (auditor, published_on …) give them an audit."""
    person = factories.person(election.community, name=name, id_number=factories.id_number())
    row = Incumbent.objects.create(election=election, person=person, position=position)
    if audit:
        Audit.objects.create(campaign=election.campaign, community=election.community, person=person,
                             recorded_by=factories.recorder(), **{"auditor": "区审计局", "conclusion": "未发现问题",
                                                                  **audit})
    return row


def member(election, name, role="alternate", votes=50):
    person = factories.person(election.community, name=name, id_number=factories.id_number())
    return CommitteeMember.objects.create(election=election, person=person, role=role, votes=votes)


# --------------------------------------------------------------------------------------------
# 现任与审计
# --------------------------------------------------------------------------------------------


def test_the_incumbents_tab_lists_audits_talks_and_progress(client, org, users):
    election = factories.election(org["community"])  # 现任甲: audited, result published
    done = Incumbent.objects.get(election=election)
    Talk.objects.create(campaign=election.campaign, community=election.community, person=done.person,
                        held_on=dt.date(2026, 1, 6), interviewers="街道党工委书记 王某", recorded_by=factories.recorder())
    incumbent(election, "李未审", "vice_chair")
    incumbent(election, "赵有问题", findings="账目不清", published_on=dt.date(2026, 1, 5))
    client.force_login(users["community_clerk"])

    response = client.get(f"/elections/{election.pk}/?tab=incumbents")

    html, text = html_of(response), text_of(response)
    assert 'data-tab="incumbents" class="active"' in html
    rows = re.findall(r'<tr id="incumbent-\d+" data-status="(\w+)">\s*<td><a [^>]*>([^<]+)</a>', html)
    assert rows == [("done", "现任甲"), ("missing", "李未审"), ("unhandled", "赵有问题")]  # chair, vice chair, member
    assert "区审计局" in text and "未发现问题" in text and "2026-01-05" in text
    assert "账目不清" in text and "（未登记处理情况）" in text
    assert "街道党工委书记 王某" in text and "2026-01-06" in text
    assert "审计完成 1/3（33%）" in text and "谈心谈话 1/3（33%）" in text
    # the gate table above the tabs still names every blocker
    assert 'data-code="audit_missing"' in html and 'data-code="audit_findings_unhandled"' in html
    assert "李未审" in text.split("未满足的条件")[1]


def test_adding_an_incumbent_offers_the_communitys_people_and_names_a_wrong_position(client, org, users):
    election = factories.election(org["community"], prepared=False)
    person = factories.person(org["community"], "张三", id_number=factories.id_number(seq=11))
    factories.person(org["other_community"], "外社区人", id_number=factories.id_number(seq=12))
    client.force_login(users["community_clerk"])

    page = html_of(client.get(f"/elections/{election.pk}/?tab=incumbents"))
    assert 'data-search="张三 zhangsan zs"' in page and "外社区人" not in page
    assert 'href="/people/new/"' in page

    bad = client.post(f"/elections/{election.pk}/incumbents/add/", {"person": person.pk, "position": "secretary"})
    assert bad.status_code == 200
    assert not Incumbent.objects.exists()
    assert "选择一个有效的选项" in " ".join(field_errors(bad, "position"))

    response = client.post(f"/elections/{election.pk}/incumbents/add/", {"person": person.pk, "position": "chair"},
                           follow=True)
    assert "已录入现任成员 张三" in html_of(response)
    assert Incumbent.objects.get(election=election).position == "chair"
    again = client.post(f"/elections/{election.pk}/incumbents/add/", {"person": person.pk, "position": "member"})
    assert Incumbent.objects.count() == 1
    assert field_errors(again, "person")  # already listed: no longer offered


def test_an_incumbent_in_the_party_election_takes_party_positions(client, org, users):
    election = factories.election(org["community"], body="party_committee", prepared=False)
    person = factories.person(org["community"], "王书记", id_number=factories.id_number(seq=13))
    client.force_login(users["community_clerk"])
    page = html_of(client.get(f"/elections/{election.pk}/?tab=incumbents"))
    assert '<option value="secretary">书记</option>' in page and 'value="vice_chair"' not in page
    client.post(f"/elections/{election.pk}/incumbents/add/", {"person": person.pk, "position": "secretary"})
    assert Incumbent.objects.get(election=election).position == "secretary"


def test_the_audit_form_records_and_corrects_and_names_the_bad_field(client, org, users):
    election = factories.election(org["community"], prepared=False)
    row = incumbent(election, "李四")
    client.force_login(users["community_clerk"])
    url = f"/incumbents/{row.pk}/audit/"
    data = {"auditor": "区审计局", "conclusion": "未发现问题", "audited_on": "2026-01-02",
            "published_on": (TODAY + dt.timedelta(days=3)).isoformat()}

    bad = client.post(url, data)
    assert bad.status_code == 200 and not Audit.objects.exists()
    assert field_errors(bad, "published_on") == ["公布日期不能晚于今天：请在公布后再登记。"]
    assert 'data-tab="incumbents" class="active"' in html_of(bad)
    assert '<details class="pop" open>' in html_of(bad)  # the failed form stays open with what was typed
    assert f'href="/elections/{election.pk}/?tab=overview"' in html_of(bad)  # links leave the POST address
    assert "审计信息有误" in html_of(bad)
    missing = client.post(url, {**data, "auditor": "", "published_on": ""})
    assert field_errors(missing, "auditor")

    response = client.post(url, {**data, "published_on": "2026-01-05", "findings": "票据不全", "handling": "已整改"},
                           follow=True)
    assert "已登记 李四 的经济责任审计" in html_of(response)
    audit = Audit.objects.get(person=row.person)
    assert (audit.published_on, audit.findings, audit.handling) == (dt.date(2026, 1, 5), "票据不全", "已整改")
    assert 'data-status="done"' in html_of(response)
    # correcting shows what is on record and saves over it
    page = html_of(client.get(f"/elections/{election.pk}/?tab=incumbents"))
    assert 'value="区审计局"' in page and "更正审计" in page
    client.post(url, {**data, "auditor": "市审计局", "published_on": "2026-01-05"})
    assert Audit.objects.get().auditor == "市审计局"


def test_the_talk_form_records_a_talk(client, org, users):
    election = factories.election(org["community"], prepared=False)
    row = incumbent(election, "李四")
    client.force_login(users["community_clerk"])

    bad = client.post(f"/incumbents/{row.pk}/talk/", {"held_on": "2026-01-03", "interviewers": ""})
    assert field_errors(bad, "interviewers") and not Talk.objects.exists()

    response = client.post(f"/incumbents/{row.pk}/talk/", {"held_on": "2026-01-03", "interviewers": "组织委员 李某",
                                                           "note": "表示服从组织安排"}, follow=True)
    assert "已登记与 李四 的谈心谈话" in html_of(response)
    talk = Talk.objects.get()
    assert (talk.person, talk.held_on, talk.interviewers) == (row.person, dt.date(2026, 1, 3), "组织委员 李某")
    assert "组织委员 李某" in text_of(response) and "谈心谈话 1/1（100%）" in text_of(response)


def test_removing_an_incumbent_needs_a_reason(client, org, users):
    election = factories.election(org["community"], prepared=False)
    row = incumbent(election, "李四")
    client.force_login(users["community_clerk"])

    bad = client.post(f"/incumbents/{row.pk}/remove/", {"reason": " "})
    assert field_errors(bad, "reason") == ["请说明删除理由（如：录入错误、已不在任）。"]
    assert Incumbent.objects.filter(pk=row.pk).exists()

    response = client.post(f"/incumbents/{row.pk}/remove/", {"reason": "录入错误"}, follow=True)
    assert "已删除现任成员 李四" in html_of(response)
    assert not Incumbent.objects.filter(pk=row.pk).exists()


def test_after_preparation_the_incumbents_tab_is_read_only_but_talks_go_on(client, org, users):
    election = factories.election(org["community"], stage="nomination")
    client.force_login(users["community_clerk"])
    html = html_of(client.get(f"/elections/{election.pk}/?tab=incumbents"))
    assert "现任甲" in html
    assert "/incumbents/add/" not in html and "/audit/" not in html and "/talk/" in html


def test_the_incumbents_export_has_the_columns_and_rows(client, org, users):
    election = factories.election(org["community"])
    incumbent(election, "李未审")
    client.force_login(users["community_clerk"])
    response = client.get(f"/elections/{election.pk}/?tab=incumbents&export=xlsx")
    assert header_row(response) == ["姓名", "现任职务", "审计状态", "审计单位", "审计结论", "审计日期", "结果公布日期",
                                    "发现的问题", "问题处理情况", "谈心谈话", "谈话日期", "谈话人"]
    rows = sheet_rows(response)
    assert [r[:3] for r in rows] == [["现任甲", "主任", "已完成"], ["李未审", "委员", "未审计"]]


# --------------------------------------------------------------------------------------------
# 选举委员会
# --------------------------------------------------------------------------------------------


def test_the_committee_tab_orders_serving_alternates_and_warns(client, org, users):
    camp = factories.campaign(org["street"])
    election = factories.election(org["community"], camp)  # 7 serving: 选委0 chairs
    factories.election(org["community"], camp, body="party_committee")  # its outgoing secretary: 现任甲
    low, high = member(election, "候补乙", votes=40), member(election, "候补甲", votes=60)
    one, two = (CommitteeMember.objects.get(election=election, person__name=n) for n in ("选委1", "选委2"))
    factories.relate(one.person, two.person, "sibling")
    client.force_login(users["community_clerk"])

    response = client.get(f"/elections/{election.pk}/?tab=committee")

    html, text = html_of(response), text_of(response)
    serving = html.split('id="serving"')[1].split("</table>")[0]
    assert serving.index("选委0") < serving.index("选委1") and "候补甲" not in serving
    alternates = html.split('id="alternates"')[1].split("</table>")[0]
    assert alternates.index("候补甲") < alternates.index("候补乙")
    assert f'data-member="{high.pk}"' in alternates and f'data-member="{low.pk}"' in alternates
    assert "在任成员 7 人（规定 7–11 人）" in text and "单数 ✓" in text and "候补委员 2 人" in text
    assert "近亲属同时任职：选委1 与 选委2" in text
    assert "选举委员会主任不是社区党组织书记（现任甲）" in text
    assert 'data-code="election_committee_relatives"' in html  # and the gate says so too


def test_the_committee_tab_is_only_for_residents_committee_elections(client, org, users):
    party = factories.election(org["community"], body="party_committee")
    client.force_login(users["community_clerk"])
    response = client.get(f"/elections/{party.pk}/?tab=committee")
    html = html_of(response)
    assert 'data-tab="committee"' not in html and 'data-tab="overview" class="active"' in html
    assert 'data-tab="request"' in html and 'data-tab="incumbents"' in html


def test_a_withdrawal_says_who_stepped_in(client, org, users):
    election = factories.election(org["community"])
    member(election, "候补乙", votes=40)
    member(election, "候补甲", votes=60)
    leaving = CommitteeMember.objects.get(election=election, person__name="选委3")
    client.force_login(users["community_clerk"])

    bad = client.post(f"/committee/{leaving.pk}/withdraw/", {"reason": ""})
    assert field_errors(bad, "reason") == ["请说明退出原因。"]

    response = client.post(f"/committee/{leaving.pk}/withdraw/", {"reason": "被提名为候选人"}, follow=True)

    html, text = html_of(response), text_of(response)
    assert "委员 选委3 已退出选举委员会（被提名为候选人）。候补委员 候补甲（60 票）依次递补为委员。" in text
    withdrawn = html.split('id="withdrawn"')[1].split("</table>")[0]
    assert "选委3" in withdrawn and "被提名为候选人" in withdrawn and "由 候补甲（60 票）递补" in withdrawn
    serving = html.split('id="serving"')[1].split("</table>")[0]
    assert "候补甲" in serving and "递补 选委3" in serving
    assert CommitteeMember.objects.get(person__name="候补甲").role == "member"


def test_committee_add_edit_and_remove(client, org, users):
    election = factories.election(org["community"])
    person = factories.person(org["community"], "新成员", id_number=factories.id_number(seq=21))
    client.force_login(users["community_clerk"])
    url = f"/elections/{election.pk}/committee/add/"

    bad = client.post(url, {"person": person.pk, "role": "chair", "votes": 80})
    assert field_errors(bad, "role") == ["选举委员会已有主任（选委0），只能有一名主任。"]
    negative = client.post(url, {"person": person.pk, "role": "alternate", "votes": -1})
    assert field_errors(negative, "votes")
    assert not CommitteeMember.objects.filter(person=person).exists()

    response = client.post(url, {"person": person.pk, "role": "alternate", "votes": 33}, follow=True)
    assert "已登记选举委员会成员 新成员" in html_of(response)
    added = CommitteeMember.objects.get(person=person)

    client.post(f"/committee/{added.pk}/edit/", {"role": "alternate", "votes": 35})
    added.refresh_from_db()
    assert added.votes == 35
    bad_edit = client.post(f"/committee/{added.pk}/edit/", {"role": "chair", "votes": 35})
    assert "只能有一名主任" in " ".join(field_errors(bad_edit, "role"))

    no_reason = client.post(f"/committee/{added.pk}/remove/", {"reason": ""})
    assert field_errors(no_reason, "reason") == ["请说明删除理由（如：录入错误）。"]
    client.post(f"/committee/{added.pk}/remove/", {"reason": "录入错误"})
    assert not CommitteeMember.objects.filter(pk=added.pk).exists()


def test_the_committee_export(client, org, users):
    election = factories.election(org["community"])
    member(election, "候补甲", votes=60)
    client.force_login(users["community_clerk"])
    response = client.get(f"/elections/{election.pk}/?tab=committee&export=xlsx")
    assert header_row(response) == ["状态", "姓名", "职务", "推选得票", "退出时间", "退出原因", "递补情况"]
    rows = sheet_rows(response)
    assert rows[0][:4] == ["在任", "选委0", "主任", 100] and rows[-1][:4] == ["候补", "候补甲", "候补委员", 60]


# --------------------------------------------------------------------------------------------
# 选举办法审议 and the printable rulebook
# --------------------------------------------------------------------------------------------


def adoption_data(**kw):
    return {"meeting": "representatives_meeting", "held_on": "2026-01-05", "expected": 40, "present": 35,
            "votes_for": 30, "votes_against": 2, "abstentions": 3, "published_on": "2026-01-06", **kw}


def test_the_rules_tab_shows_the_adoption_status(client, org, users):
    election = factories.election(org["community"])  # adopted 2026-01-05: 40 expected, 35 present, 30 for
    client.force_login(users["community_clerk"])
    response = client.get(f"/elections/{election.pk}/?tab=rules")
    text = text_of(response)
    assert "选举办法审议" in text and "到会人数超过规定比例，会议有效" in text and "选举办法获得通过" in text
    assert "已于 2026-01-05 公布" in text and "现行规则与会议通过的一致" in text
    assert f'href="/elections/{election.pk}/rulebook/print/"' in html_of(response)

    election.rule_overrides = {"proxy_limit": 2}
    election.save()
    changed = client.get(f"/elections/{election.pk}/?tab=rules")
    assert "会议通过后规则又被修改，现行规则未经审议：每位受托人最多接受委托数" in text_of(changed)
    assert 'data-code="rulebook_changed_since_adoption"' in html_of(changed)


def test_recording_the_adoption_names_the_bad_field(client, org, users):
    election = factories.election(org["community"], prepared=False)
    client.force_login(users["community_clerk"])
    url = f"/elections/{election.pk}/adoption/"
    assert "尚未登记居民会议或居民代表会议审议选举办法的结果" in text_of(client.get(f"/elections/{election.pk}/?tab=rules"))

    bad = client.post(url, adoption_data(present=50))
    assert bad.status_code == 200 and not RulebookAdoption.objects.exists()
    assert field_errors(bad, "present") == ["实到人数（50）不能多于应到人数（40）。"]
    assert 'value="50"' in html_of(bad)  # what was typed is kept
    over = client.post(url, adoption_data(votes_for=34))
    assert field_errors(over, "votes_for") == ["赞成、反对、弃权合计 39 票，多于实到人数 35 人。"]

    response = client.post(url, adoption_data(), follow=True)
    assert "审议结果已登记：选举办法获得通过。" in html_of(response)
    adoption = RulebookAdoption.objects.get(election=election)
    assert (adoption.present, adoption.votes_for, adoption.published_on) == (35, 30, dt.date(2026, 1, 6))
    assert adoption.adopted_rules == election.effective_rules()

    client.post(url, adoption_data(present=20, votes_for=10, votes_against=0, abstentions=0))
    failed = text_of(client.get(f"/elections/{election.pk}/?tab=rules"))
    assert "到会人数不足，会议无效" in failed and "须重新召开会议审议选举办法" in failed
    assert "已于 2026-01-06 公布" not in failed  # a failed meeting has nothing to publish


def test_a_party_election_has_no_adoption_form(client, org, users):
    election = factories.election(org["community"], body="party_committee")
    client.force_login(users["community_clerk"])
    html = html_of(client.get(f"/elections/{election.pk}/?tab=rules"))
    assert "/adoption/" not in html and "党员大会" in html


def test_the_printable_rulebook(client, org, users):
    election = factories.election(org["community"], rule_overrides={"proxy_limit": 2})
    RulebookAdoption.objects.filter(election=election).update(adopted_rules=election.effective_rules(), votes_against=1,
                                                              abstentions=4)
    client.force_login(users["community_clerk"])

    response = client.get(f"/elections/{election.pk}/rulebook/print/")

    html, text = html_of(response), text_of(response)
    assert "东关社区居民委员会换届选举办法" in text and "（草案）" not in text
    assert "第一章 职数与选举日" in text
    assert "本届居民委员会职数：主任 1 名、副主任 1 名、委员 5 名，共 7 名" in text
    assert "选举日：2030年1月10日" in text
    assert "每位受托人最多接受委托数：2 人" in text  # the community's own value
    assert "允许委托投票：是" in text and "当选须超过基数的比例：过半数（超过二分之一）" in text
    assert "选民联名（20 人以上）" in text and "可等额选举的职位：无" in text
    assert "党员到会比例" not in text  # a party rule, left out of a residents' election
    assert "换届前须完成离任经济责任审计" not in text  # a switch of the work plan, not adopted text
    assert ("本办法经 2026年1月5日居民代表会议审议通过（应到 40 人，实到 35 人；赞成 30 票，反对 1 票，弃权 4 票），"
            "自公布之日起施行") in text
    assert 'id="print-button"' in html and "window.print()" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # no external assets


def test_the_printable_rulebook_is_a_draft_until_adopted(client, org, users):
    election = factories.election(org["community"], prepared=False)
    client.force_login(users["community_clerk"])
    response = client.get(f"/elections/{election.pk}/rulebook/print/")
    assert '<h1>东关社区居民委员会换届选举办法<span class="draft">（草案）</span></h1>' in html_of(response)
    assert "选举办法尚未登记审议结果" in text_of(response) and "年 月 日" in text_of(response)


# --------------------------------------------------------------------------------------------
# 请示批复
# --------------------------------------------------------------------------------------------


def test_the_party_request_round_trip(client, org, users):
    election = factories.election(org["community"], body="party_committee", prepared=False)
    clerk, street = users["community_clerk"], users["street_staff"]
    client.force_login(clerk)
    page = text_of(client.get(f"/elections/{election.pk}/?tab=request"))
    assert "尚未报送请示" in page and "报送请示" in page

    empty = client.post(f"/elections/{election.pk}/party-request/", {"meeting_kind": "members_meeting",
                                                                       "recommendation_method": " "})
    assert field_errors(empty, "recommendation_method") == ["请写明委员、书记、副书记候选人预备人选的推荐产生办法。"]
    response = client.post(f"/elections/{election.pk}/party-request/", {
        "meeting_kind": "members_meeting", "recommendation_method": "两推一选：党员推荐、群众推荐",
        "submitted_on": TODAY.isoformat()}, follow=True)
    assert "请示已报送，等待街道党工委批复" in html_of(response)
    request = PartyRequest.objects.get(election=election)
    assert request.status == "submitted"
    # the clerk sees the request but cannot reply to it
    html = html_of(response)
    assert "两推一选：党员推荐、群众推荐" in html and "待批复" in html
    assert 'id="approve-request"' not in html and 'id="return-request"' not in html
    refused = client.post(f"/party-requests/{request.pk}/decide/", {"decision": "approve"})
    assert refused.status_code == 403 and "您没有权限" in html_of(refused)
    request.refresh_from_db()
    assert request.status == "submitted"

    client.force_login(street)
    html = html_of(client.get(f"/elections/{election.pk}/?tab=request"))
    assert 'id="approve-request"' in html and 'id="return-request"' in html
    no_reason = client.post(f"/party-requests/{request.pk}/decide/", {"decision": "return", "reply": ""})
    assert field_errors(no_reason, "reply") == ["退回请示须写明理由。"]
    request.refresh_from_db()
    assert request.status == "submitted"
    returned = client.post(f"/party-requests/{request.pk}/decide/", {"decision": "return",
                                                                     "reply": "推荐办法未写明群众推荐范围"}, follow=True)
    assert "已退回请示" in html_of(returned) and "推荐办法未写明群众推荐范围" in html_of(returned)
    assert 'data-code="party_request_returned"' in html_of(returned)

    client.force_login(clerk)
    again = html_of(client.get(f"/elections/{election.pk}/?tab=request"))
    assert "重新报送请示" in again and "两推一选：党员推荐、群众推荐</textarea>" in again  # prefilled
    client.post(f"/elections/{election.pk}/party-request/", {"meeting_kind": "members_meeting",
                                                               "recommendation_method": "两推一选，群众推荐范围为全体居民代表"})
    newest = PartyRequest.objects.filter(election=election).order_by("-id").first()
    client.force_login(street)
    approved = client.post(f"/party-requests/{newest.pk}/decide/", {"decision": "approve", "reply": "同意"}, follow=True)
    assert "已批复同意" in html_of(approved)
    newest.refresh_from_db()
    assert newest.status == "approved" and newest.decided_by == street
    assert 'data-code="party_request' not in html_of(approved)


def test_the_street_home_lists_requests_waiting_for_a_reply(client, org, users):
    election = factories.election(org["community"], body="party_committee", prepared=False)
    PartyRequest.objects.create(election=election, meeting_kind="members_meeting", recommendation_method="两推一选",
                                submitted_on=TODAY, submitted_by=users["community_clerk"])
    client.force_login(users["street_staff"])
    html = html_of(client.get("/home/"))
    box = html.split('id="request-queue"')[1].split("</section>")[0]
    assert "东关社区" in box and "党员大会" in box and f"/elections/{election.pk}/?tab=request#decide" in box
    client.force_login(users["other_street_staff"])
    assert 'id="request-queue"' not in html_of(client.get("/home/"))
    client.force_login(users["community_clerk"])
    assert 'id="request-queue"' not in html_of(client.get("/home/"))


# --------------------------------------------------------------------------------------------
# Scope: another street's user finds nothing
# --------------------------------------------------------------------------------------------


def test_another_streets_user_gets_404_on_every_preparation_page(client, org, users):
    rc = factories.election(org["community"])
    party = factories.election(org["community"], body="party_committee", prepared=False)
    request = PartyRequest.objects.create(election=party, meeting_kind="members_meeting", recommendation_method="两推",
                                          submitted_on=TODAY, submitted_by=users["community_clerk"])
    row = Incumbent.objects.get(election=rc)
    seat = CommitteeMember.objects.filter(election=rc).first()
    item = Rectification.objects.create(campaign=rc.campaign, community=rc.community, category="weak_lax",
                                        problems="p", plan="p", flagged_on=TODAY, flagged_by=users["street_staff"])
    client.force_login(users["other_street_staff"])
    for url in [f"/elections/{rc.pk}/?tab=incumbents", f"/elections/{rc.pk}/?tab=committee",
                f"/elections/{party.pk}/?tab=request", f"/elections/{rc.pk}/rulebook/print/"]:
        assert client.get(url).status_code == 404, url
    for url in [f"/elections/{rc.pk}/incumbents/add/", f"/incumbents/{row.pk}/audit/", f"/incumbents/{row.pk}/talk/",
                f"/incumbents/{row.pk}/remove/", f"/elections/{rc.pk}/committee/add/", f"/committee/{seat.pk}/edit/",
                f"/committee/{seat.pk}/withdraw/", f"/committee/{seat.pk}/remove/", f"/elections/{rc.pk}/adoption/",
                f"/elections/{party.pk}/party-request/", f"/party-requests/{request.pk}/decide/",
                f"/rectifications/{item.pk}/complete/"]:
        response = client.post(url, {"reason": "x", "decision": "approve", "note": "x"})
        assert response.status_code == 404, url
    assert "东关" not in html_of(client.get("/incumbents/")) and "东关" not in html_of(client.get("/rectifications/"))
    request.refresh_from_db()
    item.refresh_from_db()
    assert request.status == "submitted" and item.is_open and CommitteeMember.objects.get(pk=seat.pk).active


# --------------------------------------------------------------------------------------------
# /incumbents/: across the jurisdiction
# --------------------------------------------------------------------------------------------


@pytest.fixture
def spread(org):
    """Incumbents of every audit status in two communities of the street, and one in another street."""
    camp = factories.campaign(org["street"])
    east = factories.election(org["community"], camp, prepared=False)
    west = factories.election(org["sibling"], camp, body="party_committee", prepared=False)
    rows = {
        "done": incumbent(east, "甲已完成", "chair", published_on=dt.date(2026, 1, 5)),
        "missing": incumbent(east, "乙未审计"),
        "unpublished": incumbent(east, "丙未公布", published_on=None),
        "unhandled": incumbent(west, "丁问题未处理", "secretary", published_on=dt.date(2026, 1, 5), findings="x"),
        "done_west": incumbent(west, "戊已完成", published_on=dt.date(2026, 1, 5)),
    }
    Talk.objects.create(campaign=camp, community=org["community"], person=rows["missing"].person,
                        held_on=dt.date(2026, 1, 4), interviewers="王某", recorded_by=factories.recorder())
    incumbent(factories.election(org["other_community"], prepared=False), "己外街道")
    return {"campaign": camp, "rows": rows}


def listed(response) -> list[str]:
    return [r.incumbent.person.name for r in response.context["page"].object_list]


def test_the_incumbents_page_pending_filter_lists_exactly_the_unfinished(client, users, spread):
    client.force_login(users["street_staff"])

    everyone = client.get("/incumbents/")
    assert sorted(listed(everyone)) == sorted(["甲已完成", "乙未审计", "丙未公布", "丁问题未处理", "戊已完成"])
    pending = client.get("/incumbents/?audit_status=pending")
    assert sorted(listed(pending)) == sorted(["乙未审计", "丙未公布", "丁问题未处理"])
    rows_html = html_of(pending).split('id="incumbent-rows"')[1]
    assert "甲已完成" not in rows_html and "戊已完成" not in rows_html and "丙未公布" in rows_html
    assert listed(client.get("/incumbents/?audit_status=missing")) == ["乙未审计"]
    assert listed(client.get("/incumbents/?talked=yes")) == ["乙未审计"]
    assert listed(client.get("/incumbents/?q=bwg")) == ["丙未公布"]  # pinyin initials
    assert sorted(listed(client.get("/incumbents/?body=party_committee"))) == ["丁问题未处理", "戊已完成"]


def test_the_incumbents_page_progress_counts_every_community_in_scope(client, org, users, spread):
    client.force_login(users["street_staff"])
    response = client.get("/incumbents/?audit_status=pending")  # the status filter does not change the progress
    progress = {p.community.name: (p.incumbents, p.audited, p.talked) for p in response.context["progress"]}
    assert progress == {"东关社区": (3, 1, 1), "西关社区": (2, 1, 0)}
    text = text_of(response)
    assert "合计：审计完成 2/5，谈心谈话 1/5" in text
    client.force_login(users["community_clerk"])
    mine = client.get("/incumbents/")
    assert [p.community.name for p in mine.context["progress"]] == ["东关社区"]
    assert sorted(listed(mine)) == sorted(["甲已完成", "乙未审计", "丙未公布"])


def test_the_incumbents_page_export(client, users, spread):
    client.force_login(users["street_staff"])
    response = client.get("/incumbents/?audit_status=pending&export=xlsx")
    assert header_row(response) == ["街道", "社区", "选举对象", "姓名", "现任职务", "审计状态", "审计单位", "审计结论",
                                    "审计日期", "结果公布日期", "发现的问题", "问题处理情况", "谈心谈话", "谈话日期",
                                    "谈话人", "换届工作"]
    assert sorted(r[3] for r in sheet_rows(response)) == sorted(["乙未审计", "丙未公布", "丁问题未处理"])


def test_the_incumbents_page_queries_stay_flat(client, org, users, spread):
    client.force_login(users["street_staff"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/incumbents/?audit_status=pending").status_code == 200
        return len(ctx.captured_queries)

    small = count()
    election = factories.election(org["sibling"], spread["campaign"], prepared=False)
    for i in range(12):
        incumbent(election, f"新增{i}", published_on=dt.date(2026, 1, 5) if i % 2 else None)
    assert count() == small


# --------------------------------------------------------------------------------------------
# 整顿社区
# --------------------------------------------------------------------------------------------


def test_flagging_and_completing_a_rectification(client, org, users):
    camp = factories.campaign(org["street"], "西街道换届")
    election = factories.election(org["community"], camp)
    client.force_login(users["street_staff"])
    data = {"campaign": camp.pk, "community": org["community"].pk, "category": "weak_lax",
            "problems": "党组织书记长期空缺", "plan": "", "responsible": "街道党工委副书记 张某"}

    bad = client.post("/rectifications/new/", data)
    assert field_errors(bad, "plan") == ["请写明整顿方案（措施、责任人、时限）。"] and not Rectification.objects.exists()
    assert "<details id=\"flag\" open>" in html_of(bad)
    response = client.post("/rectifications/new/", {**data, "plan": "选派第一书记，两个月内整顿到位"}, follow=True)
    assert "已将 东关社区 列为整顿对象" in html_of(response)
    item = Rectification.objects.get()
    assert "党组织书记长期空缺" in html_of(response) and "整顿中" in html_of(response)

    # the election and campaign pages show it, and the gate holds the election
    overview = html_of(client.get(f"/elections/{election.pk}/"))
    assert 'id="rectifications"' in overview and "党组织书记长期空缺" in overview
    assert 'data-code="rectification_open"' in overview
    campaign_page = html_of(client.get(f"/campaigns/{camp.pk}/"))
    box = campaign_page.split('id="rectifications"')[1].split("</section>")[0]
    assert "东关社区" in box and "软弱涣散" in box

    empty = client.post(f"/rectifications/{item.pk}/complete/", {"note": ""})
    assert field_errors(empty, "note") == ["请写明整顿情况（解决了哪些问题）。"]
    early = client.post(f"/rectifications/{item.pk}/complete/", {"note": "x", "completed_on": "2020-01-01"})
    assert field_errors(early, "completed_on") == ["完成日期不能早于列入日期。"]
    done = client.post(f"/rectifications/{item.pk}/complete/", {"note": "第一书记到位"}, follow=True)
    assert "已确认 东关社区 整顿完成" in html_of(done)
    item.refresh_from_db()
    assert item.completed_on == TODAY and item.completion_note == "第一书记到位"
    assert 'id="rectifications"' not in html_of(client.get(f"/elections/{election.pk}/"))


def test_a_clerk_sees_rectifications_but_cannot_flag_or_complete(client, org, users):
    camp = factories.campaign(org["street"])
    item = Rectification.objects.create(campaign=camp, community=org["community"], category="key_difficult",
                                        problems="信访积案", plan="包联化解", flagged_on=TODAY,
                                        flagged_by=users["street_staff"])
    client.force_login(users["community_clerk"])
    html = html_of(client.get("/rectifications/"))
    assert "信访积案" in html and "重点难点" in html
    assert 'id="flag"' not in html and f"/rectifications/{item.pk}/complete/" not in html
    refused = client.post("/rectifications/new/", {"campaign": camp.pk, "community": org["community"].pk,
                                                   "category": "weak_lax", "problems": "p", "plan": "p"})
    assert refused.status_code == 403 and Rectification.objects.count() == 1
    refused = client.post(f"/rectifications/{item.pk}/complete/", {"note": "完成"})
    assert refused.status_code == 403
    item.refresh_from_db()
    assert item.is_open


def test_the_rectification_filters_and_export(client, org, users):
    camp = factories.campaign(org["street"], "西街道换届")
    flagger = users["street_staff"]
    Rectification.objects.create(campaign=camp, community=org["community"], category="weak_lax", problems="甲问题",
                                 plan="甲方案", flagged_on=TODAY, flagged_by=flagger)
    Rectification.objects.create(campaign=camp, community=org["sibling"], category="key_difficult", problems="乙问题",
                                 plan="乙方案", flagged_on=dt.date(2026, 1, 1), flagged_by=flagger,
                                 completed_on=dt.date(2026, 1, 9), completed_by=flagger, completion_note="已解决")
    client.force_login(flagger)

    def problems(query):
        return [row["item"].problems for row in client.get(f"/rectifications/{query}").context["rows"]]

    assert sorted(problems("")) == ["乙问题", "甲问题"]
    assert problems("?status=open") == ["甲问题"] and problems("?status=done") == ["乙问题"]
    assert problems("?category=key_difficult") == ["乙问题"]
    assert problems(f"?community={org['sibling'].pk}") == ["乙问题"]
    response = client.get("/rectifications/?status=done&export=xlsx")
    assert header_row(response) == ["街道", "社区", "换届工作", "类别", "主要问题", "整顿方案", "包联责任人", "列入日期",
                                    "列入人", "状态", "完成日期", "整顿情况", "确认人"]
    assert [r[1:5] for r in sheet_rows(response)] == [["西关社区", "西街道换届", "重点难点", "乙问题"]]


# --------------------------------------------------------------------------------------------
# English, the nav, and the rulebook text
# --------------------------------------------------------------------------------------------


def test_english_mode_translates_the_tabs_and_pages(client, org, users):
    rc = factories.election(org["community"])
    party = factories.election(org["sibling"], body="party_committee")
    client.force_login(users["street_staff"])
    client.cookies["django_language"] = "en"
    html = html_of(client.get(f"/elections/{rc.pk}/?tab=incumbents"))
    for label in ["Overview", "Incumbents and audits", "Election committee", "Election rules", "Activity log",
                  "Audit and talks", "Rectification"]:
        assert label in html, label
    assert "现任与审计" not in html and "选举委员会</a>" not in html
    assert "Party request" in html_of(client.get(f"/elections/{party.pk}/?tab=request"))
    committee = html_of(client.get(f"/elections/{rc.pk}/?tab=committee"))
    assert "Serving members" in committee and "Alternates" in committee
    assert "<td>Member</td>" in committee and "Party member" not in committee  # 委员 is a committee member
    assert "Progress by community" in html_of(client.get("/incumbents/"))
    assert "Rectification" in html_of(client.get("/rectifications/"))


def test_the_english_catalog_has_no_fuzzy_or_empty_entries():
    from pathlib import Path

    catalog = (Path(__file__).resolve().parent.parent / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = catalog.split("\n\n")[1:]  # after the header
    assert [e for e in entries if "#, fuzzy" in e] == []
    # an empty translation: 'msgstr ""' (or msgstr[n]) not continued on the next line
    empty = re.compile(r'^msgstr(\[\d\])? ""\n(?!")', re.M)
    assert [e for e in entries if empty.search(e + "\n")] == []


def test_the_nav_links_the_new_pages(client, users):
    client.force_login(users["community_clerk"])
    html = html_of(client.get("/home/"))
    assert 'href="/incumbents/"' in html and 'href="/rectifications/"' in html


@pytest.mark.parametrize(("key", "raw", "text"), [
    ("win_over", "1/2", "过半数（超过二分之一）"),
    ("runoff_min_share", "1/3", "三分之一"),
    ("quorum", "4/5", "五分之四"),
    ("preliminary_margin", "3/10", "30%"),
    ("margin_ratio", "6/5", "1.2 倍"),
])
def test_rule_fractions_in_words(key, raw, text):
    assert rulebook_document.value_text(election_rules.PARAM_BY_KEY[key], raw) == text


def test_rule_values_in_words():
    spec = election_rules.PARAM_BY_KEY
    assert rulebook_document.value_text(spec["proxies_allowed"], False) == "否"
    assert rulebook_document.value_text(spec["voter_list_lead_days"], 20) == "20 日"
    assert rulebook_document.value_text(spec["education_min"], "college") == "大专及以上"
    assert rulebook_document.value_text(spec["uncontested_positions"], ["secretary", "deputy_secretary"]) == \
        "书记、副书记"
    assert rulebook_document.value_text(spec["nomination_channels"], {"party_org": 0, "joint_voters": 10, "self": 1}) \
        == "党组织推荐；选民联名（10 人以上）；自荐"
    assert rulebook_document.chinese_number(12) == "十二" and rulebook_document.chinese_number(40) == "四十"


def test_the_rulebook_text_knows_the_education_labels():
    assert rulebook_document.EDUCATION_LABELS == dict(candidate_rules.EDUCATION)


def test_date_inputs_are_prefilled_in_iso_whatever_the_language():
    import datetime as dt

    from elections.forms import DateInput

    html = DateInput().render("held_on", dt.date(2026, 11, 2))
    assert 'type="date"' in html and 'value="2026-11-02"' in html

"""The printable ballots: one per position (or per position of a round), names in 姓氏笔画 order, one 另选他人 cell
per seat, the seats and the marking instructions; and the proxy certificate (委托投票证) with masked ID numbers."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from candidates.models import Candidate, CandidateList
from tests import factories
from tests.ballots import stations_factories as sf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2029, 12, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))


@pytest.fixture
def clerk(client, users):
    client.force_login(users["community_clerk"])
    return client


# 丁 2 strokes, 王 4, 刘 6, 黄 11; entered out of order
MEMBERS = ["黄十一", "王四", "丁二", "刘六"]


@pytest.fixture
def listed(org):
    e = factories.election(org["community"], stage="voting", prepared=False, seats={"chair": 1, "member": 2})
    for name in MEMBERS:
        factories.nominate(e, person=factories.nominee(e.community, name=name), position="member", status="approved")
    for name in ("周主任", "吴主任"):
        factories.nominate(e, person=factories.nominee(e.community, name=name), position="chair", status="approved")
    factories.formal_list(e)
    return e


def article(html: str, position: str) -> str:
    match = re.search(rf'<article class="doc notice ballot"[^>]*data-position="{position}".*?</article>', html, re.S)
    assert match, position
    return match.group(0)


def names_in(section: str) -> list[str]:
    return re.findall(r"<td class=\"cand\" data-candidate>([^<]+)</td>", section)


def test_one_ballot_per_position_in_stroke_order_with_write_in_cells(listed, clerk):
    response = clerk.get(f"/elections/{listed.pk}/ballots/print/")

    html = response.content.decode()
    assert response.status_code == 200
    member = article(html, "member")
    assert names_in(member) == ["丁二", "王四", "刘六", "黄十一"]
    assert member.count("data-write-in") == 2
    assert "委员应选 2 名" in member and "候选人 4 名" in member
    assert "东关社区居民委员会换届选举委员选票" in member
    assert "同意的，在候选人姓名下方空格内划“○”" in member
    assert "另选他人的，在“另选他人”栏内写上其姓名" in member
    assert "所选人数多于应选人数的选票无效" in member
    chair = article(html, "chair")
    assert names_in(chair) == ["吴主任", "周主任"]  # 吴 7 strokes, 周 8
    assert chair.count("data-write-in") == 1
    assert html.index('data-position="chair"') < html.index('data-position="member"')
    assert "样票" in html  # the list was not published yet


def test_a_published_list_prints_without_the_sample_mark_and_the_overvote_line_follows_the_rulebook(listed, clerk):
    CandidateList.objects.update_or_create(election=listed, defaults={"published_on": dt.date(2029, 12, 1)})
    listed.rule_overrides = {"overvote_invalid": False}
    listed.save()
    html = clerk.get(f"/elections/{listed.pk}/ballots/print/?term=十二").content.decode()
    assert "样票" not in html
    assert "所选人数多于应选人数的选票无效" not in html
    assert "东关社区第十二届居民委员会换届选举委员选票" in html


def test_a_long_list_wraps_and_every_seat_has_a_write_in_cell(org, clerk):
    e = factories.election(org["community"], stage="voting", prepared=False, seats={"member": 9})
    factories.nominated(e, 11, position="member", status="approved")
    factories.formal_list(e)
    member = article(clerk.get(f"/elections/{e.pk}/ballots/print/").content.decode(), "member")
    assert len(names_in(member)) == 11
    assert member.count('class="docform ballot-grid candidates"') == 2  # 8 + 3 per row
    assert member.count("data-write-in") == 9


def test_a_round_prints_its_own_ballot(listed, clerk):
    members = list(Candidate.objects.filter(election=listed, position="member").select_related("person"))
    huang, liu = (next(c for c in members if c.person.name == n) for n in ("黄十一", "刘六"))
    r = sf.round_with(listed, [huang, liu], {"member": 1}, kind="runoff")

    html = clerk.get(f"/elections/{listed.pk}/ballots/print/?round={r.pk}").content.decode()

    assert 'data-position="chair"' not in html
    member = article(html, "member")
    assert names_in(member) == ["刘六", "黄十一"]
    assert member.count("data-write-in") == 1
    assert "委员另行选举选票" in member
    assert "样票" not in html
    assert clerk.get(f"/elections/{listed.pk}/ballots/print/?round=999999").status_code == 404


def test_the_tab_links_each_rounds_ballot(listed, clerk):
    members = list(Candidate.objects.filter(election=listed, position="member"))
    r = sf.round_with(listed, members[:2], {"member": 1})
    html = clerk.get(f"/elections/{listed.pk}/?tab=stations").content.decode()
    assert f"/elections/{listed.pk}/ballots/print/?round={r.pk}" in html


# ---------------------------------------------------------------- the proxy certificate


def test_the_certificate_shows_masked_ids_only(org, clerk):
    e = factories.election(org["community"], stage="voting", prepared=False, election_day=dt.date(2030, 1, 10))
    giver, holder = sf.voter(e, "张三", group="第三居民小组"), sf.voter(e, "李四")
    p = sf.proxy(giver, holder, written_on=dt.date(2029, 12, 18), reason="外出务工")

    response = clerk.get(f"/proxies/{p.pk}/certificate/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "委托投票证" in html and "东关社区居民委员会换届选举" in html
    assert giver.masked_id in html and holder.masked_id in html
    assert giver.id_number not in html and holder.id_number not in html
    assert giver.id_number[4:14] not in html and holder.id_number[4:14] not in html  # no birth date and sequence
    assert "张三" in html and "李四" in html and "第三居民小组" in html
    assert "2029年12月18日" in html and "2030年1月10日" in html
    assert "委托人（签名）" in html and "受托人（签名）" in html
    assert "东关社区居民选举委员会" in html and "（盖章）" in html
    assert "作废" not in html


def test_a_revoked_proxys_certificate_is_marked_void(org, clerk):
    e = factories.election(org["community"], stage="voting", prepared=False)
    p = sf.proxy(sf.voter(e), sf.voter(e), status="revoked", revoked_reason="本人到场")
    html = clerk.get(f"/proxies/{p.pk}/certificate/").content.decode()
    assert "已撤销，作废" in html

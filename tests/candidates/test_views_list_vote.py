"""The "正式候选人" tab's section "居民代表会议投票确定正式候选人": shown when a position of a residents' committee
election has more approved nominees than the margin allows; posting it records the vote and rebuilds the list."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from candidates.models import Candidate, ListVote
from tests import factories

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2029, 11, 2, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def publicity(org):
    return factories.election(org["community"], stage="publicity")  # chair 1 (至多 3), vice_chair 1, member 5


def approve(election, name, position="chair"):
    return factories.nominate(election, person=factories.nominee(election.community, name=name),
                              position=position, status="approved")


def page(client, election):
    response = client.get(f"/elections/{election.pk}/?tab=candidates")
    html = response.content.decode()
    assert response.status_code == 200 and 'id="formal-list"' in html  # the tab itself rendered
    return html


def flashes(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def field_errors(html, field):
    return re.findall(rf'<p class="error" data-field="{field}">([^<]*)</p>', html)


def form_data(nominations, votes, expected=40, present=30, ballots=30, held_on="2029-11-01"):
    data = {"held_on": held_on, "expected": expected, "present": present, "ballots": ballots}
    data.update({f"votes-{n.pk}": v for n, v in zip(nominations, votes, strict=True)})
    return data


def listed(election, position="chair"):
    return sorted(Candidate.objects.filter(election=election, position=position).values_list("person__name", flat=True))


def test_no_section_while_every_position_is_within_its_bound(client, users, publicity):
    for name in ["王五", "赵六", "张三"]:
        approve(publicity, name)
    client.force_login(users["community_clerk"])
    html = page(client, publicity)
    assert 'id="list-vote"' not in html and "居民代表会议投票确定正式候选人" not in html


def test_no_section_for_a_party_election(client, org, users):
    party = factories.election(org["community"], body="party_committee", stage="publicity")
    for i in range(9):
        approve(party, f"党员{i}", position="secretary")
    client.force_login(users["community_clerk"])
    assert 'id="list-vote"' not in page(client, party)


def test_the_form_lists_each_approved_nominee_of_the_over_full_positions_only(client, users, publicity):
    chairs = [approve(publicity, name) for name in ["王五", "赵六", "张三", "李四"]]
    members = [approve(publicity, f"委员{i}", position="member") for i in range(6)]
    client.force_login(users["community_clerk"])

    html = page(client, publicity)

    assert "居民代表会议投票确定正式候选人" in html and 'id="list-vote-form"' in html
    assert "尚未登记居民代表会议的投票结果。" in html
    for n in chairs:
        assert f'name="votes-{n.pk}"' in html
    for n in members:
        assert f'name="votes-{n.pk}"' not in html
    form = html.split('id="list-vote-form"')[1].split("</form>")[0]
    assert "取得票多的 3 名" in form
    for field in ("held_on", "expected", "present", "ballots"):
        assert f'name="{field}"' in form


def test_who_may_not_manage_the_list_sees_no_form(client, users, publicity):
    for name in ["王五", "赵六", "张三", "李四"]:
        approve(publicity, name)
    client.force_login(users["district_reviewer"])
    html = page(client, publicity)
    assert 'id="list-vote"' in html and 'id="list-vote-form"' not in html


def test_posting_the_vote_rebuilds_the_list_and_shows_the_result(client, users, publicity):
    chairs = [approve(publicity, name) for name in ["王五", "赵六", "张三", "李四", "孙七"]]
    client.force_login(users["community_clerk"])
    client.post(f"/elections/{publicity.pk}/candidates/build/", follow=True)
    assert len(listed(publicity)) == 5

    response = client.post(f"/elections/{publicity.pk}/candidates/vote/",
                           form_data(chairs, [28, 25, 20, 12, 3]), follow=True)

    [message] = flashes(response)
    assert message.startswith("已登记居民代表会议投票结果。 主任（至多 3 名）：确定 王五（28 票）、赵六（25 票）、张三（20 票）")
    assert "移出正式候选人名单：李四、孙七。" in message
    assert listed(publicity) == sorted(["王五", "赵六", "张三"])
    html = response.content.decode()
    record = html.split('id="list-vote"')[1].split("</section>")[0]
    assert "2029-11-01" in record and "应到 40 人，实到 30 人，收回选票 30 张" in record
    assert 'id="list-vote-valid"' in record
    states = dict(re.findall(r'data-vote-row="(\d+)" data-state="(\w+)"', record))
    assert states == {str(chairs[0].pk): "kept", str(chairs[1].pk): "kept", str(chairs[2].pk): "kept",
                      str(chairs[3].pk): "left", str(chairs[4].pk): "left"}
    assert "重新登记投票结果（替换已登记的结果）" in record
    # those voted off are not offered again by "生成名单" or "列入名单"
    assert 'id="build-button"' not in html
    assert ListVote.objects.get(election=publicity).present == 30


def test_a_tie_is_flashed_and_shown(client, users, publicity):
    chairs = [approve(publicity, name) for name in ["王五", "赵六", "张三", "李四"]]
    client.force_login(users["community_clerk"])
    response = client.post(f"/elections/{publicity.pk}/candidates/vote/", form_data(chairs, [28, 25, 12, 12]),
                           follow=True)
    assert any("末位得票相等：张三、李四各 12 票，须就他们重新投票" in m for m in flashes(response))
    html = response.content.decode()
    assert 'data-tie="chair"' in html and listed(publicity) == []


def test_an_invalid_meeting_is_refused_on_present(client, users, publicity):
    chairs = [approve(publicity, name) for name in ["王五", "赵六", "张三", "李四"]]
    client.force_login(users["community_clerk"])
    response = client.post(f"/elections/{publicity.pk}/candidates/vote/",
                           form_data(chairs, [10, 9, 8, 7], expected=40, present=20, ballots=20))
    assert response.status_code == 200
    [error] = field_errors(response.content.decode(), "present")
    assert "未超过应到人数的一半，会议无效" in error
    assert not ListVote.objects.exists()


def test_a_missing_count_is_a_form_error(client, users, publicity):
    chairs = [approve(publicity, name) for name in ["王五", "赵六", "张三", "李四"]]
    client.force_login(users["community_clerk"])
    data = form_data(chairs, [10, 9, 8, 7])
    del data[f"votes-{chairs[3].pk}"]
    response = client.post(f"/elections/{publicity.pk}/candidates/vote/", data)
    assert field_errors(response.content.decode(), f"votes-{chairs[3].pk}")
    assert not ListVote.objects.exists()


def test_another_communitys_clerk_is_refused(client, users, publicity):
    chairs = [approve(publicity, name) for name in ["王五", "赵六", "张三", "李四"]]
    client.force_login(users["other_clerk"])
    response = client.post(f"/elections/{publicity.pk}/candidates/vote/", form_data(chairs, [10, 9, 8, 7]))
    assert response.status_code == 404
    assert not ListVote.objects.exists()


def test_the_english_page_translates_the_section(client, users, publicity):
    from django.conf import settings

    chairs = [approve(publicity, name) for name in ["王五", "赵六", "张三", "李四"]]
    client.force_login(users["community_clerk"])
    client.post(f"/elections/{publicity.pk}/candidates/vote/", form_data(chairs, [28, 25, 20, 12]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = page(client, publicity)
    section = html.split('id="list-vote"')[1].split("</section>")[0]
    assert "Residents' representatives' meeting" in section
    text = re.sub(r"<[^>]+>", " ", section)
    names = {"王五", "赵六", "张三", "李四", "用户community_clerk"[:2]}  # people's names, the recorder's
    han = [w for w in re.findall(r"[\u4e00-\u9fff]+", text) if w not in names]
    assert han == []


def test_the_tab_with_a_recorded_vote_does_not_grow_with_the_nominees(client, users, publicity):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/elections/{publicity.pk}/?tab=candidates").status_code == 200
        return len(ctx.captured_queries)

    client.force_login(users["community_clerk"])
    chairs = [approve(publicity, f"王{i}") for i in range(4)]
    client.post(f"/elections/{publicity.pk}/candidates/vote/", form_data(chairs, [9, 8, 7, 6]))
    small = count()
    more = [approve(publicity, f"李{i}") for i in range(6)]
    client.post(f"/elections/{publicity.pk}/candidates/vote/", form_data(chairs + more, list(range(20, 10, -1))))
    assert ListVote.objects.get().results.count() == 10
    assert count() == small

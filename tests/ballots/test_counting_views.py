"""The "计票与结果" tab: starting a round, entering a station's tally as two users, the side-by-side comparison,
a correction, the street's reopen, the result with its explanation, the next round, the vacancy, the
announcement, the Excel export and the printable results."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from ballots.models import Round, Tally, TallyEntry
from ballots.services import counting as services
from tests.ballots import counting_factories as cf

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST = {"王主任": 60, "李主任": 18, "赵副主任": 55, "钱副主任": 20, "孙委员": 50, "周委员": 45, "吴委员": 30}


@pytest.fixture(autouse=True)
def _election_evening(time_machine):
    time_machine.move_to(dt.datetime(2030, 1, 10, 18, 0, tzinfo=SHANGHAI))


@pytest.fixture
def rc(org):
    return cf.counting_election(org["community"])


def tab(election):
    return f"/elections/{election.pk}/?tab=counting"


def post_entry(client, tally, election, votes=FIRST, issued=80, invalid=0, version=None, write_ins=None):
    names = cf.by_name(election)
    data = {"ballots_issued": issued, "ballots_returned": issued, "ballots_invalid": invalid}
    for name, count in votes.items():
        data[f"vote_{names[name].pk}"] = count
    if version is not None:
        data["version"] = version
    for position, lines in (write_ins or {}).items():
        data[f"write_ins_{position}"] = lines
    return client.post(f"/tallies/{tally.pk}/enter/", data)


def test_the_tab_offers_to_start_counting_with_the_voters_and_stations(client, users, rc):
    client.force_login(users["community_clerk"])

    html = client.get(tab(rc)).content.decode()

    assert "计票与结果" in html
    assert 'id="voters-active">100<' in html and 'id="stations-total">1<' in html
    assert 'data-next="first"' in html


def test_two_users_enter_the_same_tally_through_the_page_and_the_result_is_shown(client, users, rc):
    client.force_login(users["community_clerk"])
    response = client.post(f"/elections/{rc.pk}/rounds/start/")
    assert response.status_code == 302
    tally = Tally.objects.get()

    response = post_entry(client, tally, rc)
    assert response.status_code == 302
    page = client.get(tab(rc)).content.decode()
    assert 'data-state="entered"' in page and "更正我的录入（第1版）" in page

    client.force_login(users["street_staff"])
    page = client.get(tab(rc)).content.decode()
    assert "第二次录入" in page
    assert 'data-comparison=' not in page  # the first entry's numbers stay hidden until the second is in
    response = post_entry(client, tally, rc)
    assert response.status_code == 302

    page = client.get(tab(rc)).content.decode()
    assert 'data-state="reconciled"' in page
    assert 'data-candidate="王主任" data-outcome="elected"' in page
    assert 'data-candidate="吴委员" data-outcome="not_elected"' in page
    assert "超过投票人数 80 的半数" in page  # the engine's explanation
    assert 'data-elected="孙委员"' in page
    assert Round.objects.get().state == "counted"


def test_differing_entries_are_shown_side_by_side_and_a_correction_reconciles(client, users, rc):
    services.round_start(actor=users["community_clerk"], election=rc)
    tally = Tally.objects.get()
    client.force_login(users["community_clerk"])
    post_entry(client, tally, rc)
    client.force_login(users["street_staff"])
    post_entry(client, tally, rc, dict(FIRST, 周委员=54))

    page = client.get(tab(rc)).content.decode()
    names = cf.by_name(rc)
    assert 'data-state="differs"' in page
    assert f'data-field="votes.{names["周委员"].pk}" class="short" data-differs="1"' in page
    assert 'data-field="ballots_issued">' in page  # an equal row, not flagged
    assert "用户community_clerk" in page and "用户street_staff" in page

    entry = TallyEntry.objects.get(entered_by=users["street_staff"])
    response = post_entry(client, tally, rc, version=entry.version)
    assert response.status_code == 302
    assert Tally.objects.get().state == "reconciled"


def test_a_bad_entry_shows_its_errors_on_the_fields(client, users, rc):
    services.round_start(actor=users["community_clerk"], election=rc)
    tally = Tally.objects.get()
    client.force_login(users["community_clerk"])

    response = post_entry(client, tally, rc, dict(FIRST, 孙委员=90), write_ins={"member": "郑八\n冯九 x"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "第 2 行" in html
    assert not TallyEntry.objects.exists()
    response = post_entry(client, tally, rc, dict(FIRST, 孙委员=90))
    html = response.content.decode()
    names = cf.by_name(rc)
    assert f'data-field="vote_{names["孙委员"].pk}"' in html and "多于有效选票 80 张" in html
    assert not TallyEntry.objects.exists()


def test_the_same_user_cannot_give_the_second_entry_through_the_page(client, users, rc):
    services.round_start(actor=users["community_clerk"], election=rc)
    tally = Tally.objects.get()
    client.force_login(users["community_clerk"])
    post_entry(client, tally, rc)

    response = post_entry(client, tally, rc)

    assert response.status_code == 200
    assert "另一名工作人员" in response.content.decode()
    assert TallyEntry.objects.count() == 1


def test_only_the_street_is_offered_the_reopen_and_it_works(client, users, rc):
    services.round_start(actor=users["community_clerk"], election=rc)
    tally = Tally.objects.get()
    client.force_login(users["community_clerk"])
    post_entry(client, tally, rc)
    client.force_login(users["street_staff"])
    post_entry(client, tally, rc)
    assert f'action="/tallies/{tally.pk}/reopen/"' in client.get(tab(rc)).content.decode()
    client.force_login(users["community_clerk"])
    assert f'action="/tallies/{tally.pk}/reopen/"' not in client.get(tab(rc)).content.decode()
    assert client.post(f"/tallies/{tally.pk}/reopen/", {"reason": "复核"}).status_code == 403

    client.force_login(users["street_staff"])
    response = client.post(f"/tallies/{tally.pk}/reopen/", {"reason": "监票人发现登记有误"})

    assert response.status_code == 302
    assert Tally.objects.get().state == "entered"
    page = client.get(tab(rc)).content.decode()
    assert 'data-state="reopened"' in page and "监票人发现登记有误" in page


def test_a_runoff_is_offered_then_the_vacancy_and_the_announcement(client, users, rc):
    clerk, street = users["community_clerk"], users["street_staff"]
    r1 = services.round_start(actor=clerk, election=rc)
    station = r1.tallies.get().station
    short = dict(FIRST, 周委员=35, 吴委员=30)
    for who in (clerk, street):
        services.tally_enter(actor=who, station=station, round=r1, figures=cf.figures(80, votes=short, election=rc))
    client.force_login(clerk)
    page = client.get(tab(rc)).content.decode()
    assert 'data-next="runoff"' in page and 'id="vacancy-form"' not in page and 'id="announce-form"' not in page

    client.force_login(street)
    assert 'id="vacancy-form"' in client.get(tab(rc)).content.decode()
    response = client.post(f"/elections/{rc.pk}/vacancy/", {"reason": "经研究不再另行选举"})
    assert response.status_code == 302
    page = client.get(tab(rc)).content.decode()
    assert 'id="vacancy-accepted"' in page and 'id="round-start"' not in page

    response = client.post(f"/elections/{rc.pk}/results/announce/", {"announced_on": "2030-01-10"})
    assert response.status_code == 302
    assert Round.objects.get().announced_on == dt.date(2030, 1, 10)
    assert 'id="announced"' in client.get(tab(rc)).content.decode()


def test_starting_a_runoff_through_the_page(client, users, rc):
    clerk, street = users["community_clerk"], users["street_staff"]
    r1 = services.round_start(actor=clerk, election=rc)
    station = r1.tallies.get().station
    short = dict(FIRST, 周委员=35, 吴委员=30)
    for who in (clerk, street):
        services.tally_enter(actor=who, station=station, round=r1, figures=cf.figures(80, votes=short, election=rc))
    client.force_login(clerk)

    client.post(f"/elections/{rc.pk}/rounds/start/")

    r2 = Round.objects.get(number=2)
    assert r2.kind == "runoff"
    page = client.get(tab(rc)).content.decode()
    assert 'id="round-2" data-round="2" data-state="open"' in page
    assert page.index('id="round-2"') < page.index('id="round-1"')  # the newest round first


def test_excel_export_and_the_printable_results(client, users, rc):
    clerk, street = users["community_clerk"], users["street_staff"]
    r1 = services.round_start(actor=clerk, election=rc)
    station = r1.tallies.get().station
    for who in (clerk, street):
        services.tally_enter(actor=who, station=station, round=r1,
                             figures=cf.figures(80, votes=FIRST, election=rc, write_ins=[("=1+1", "member", 2)]))
    client.force_login(clerk)

    response = client.get(tab(rc) + "&export=xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("轮次", "类型", "职位", "候选人 / 项目", "另选他人", "得票 / 合计", "结果")
    assert (1, "选举", "主任", "王主任", None, 60, "当选", 60) in rows
    assert any(r[3] == "'=1+1" for r in rows)  # formula injection neutralised
    printed = client.get(f"/elections/{rc.pk}/results/print/")
    html = printed.content.decode()
    assert printed.status_code == 200
    assert "东关社区居民委员会换届选举计票结果" in html and "（草案）" in html
    assert "王主任（60票）" in html


def test_the_counting_pages_are_404_outside_the_jurisdiction(client, users, rc):
    services.round_start(actor=users["community_clerk"], election=rc)
    tally = Tally.objects.get()
    client.force_login(users["other_clerk"])

    assert client.get(f"/elections/{rc.pk}/results/print/").status_code == 404
    assert post_entry(client, tally, rc).status_code == 404
    assert client.post(f"/elections/{rc.pk}/rounds/start/").status_code == 404
    assert not TallyEntry.objects.exists()


def test_a_revote_with_a_tied_write_in_offers_an_input_for_it(client, users, rc):
    clerk, street = users["community_clerk"], users["street_staff"]
    r1 = services.round_start(actor=clerk, election=rc)
    station = r1.tallies.get().station
    tie = dict(FIRST, 周委员=45, 吴委员=20)  # 孙 50 wins; 周 45 and the write-in 郑八 45 tie for the last seat
    for who in (clerk, street):
        services.tally_enter(actor=who, station=station, round=r1,
                             figures=cf.figures(80, votes=tie, election=rc, write_ins=[("郑八", "member", 45)]))
    r2 = services.round_start(actor=clerk, election=rc)
    assert (r2.kind, [c.candidate.person.name for c in r2.candidates.all()]) == ("revote", ["周委员"])
    tally = r2.tallies.get()
    client.force_login(clerk)

    page = client.get(tab(rc)).content.decode()
    assert "另选他人：郑八" in page and 'name="write_in_member_0"' in page and "write_ins_member" not in page

    names = cf.by_name(rc)
    for who in (clerk, street):
        client.force_login(who)
        response = client.post(f"/tallies/{tally.pk}/enter/", {
            "ballots_issued": 80, "ballots_returned": 80, "ballots_invalid": 0,
            f"vote_{names['周委员'].pk}": 30, "write_in_member_0": 48})
        assert response.status_code == 302
    r2 = Round.objects.get(pk=r2.pk)
    member = r2.result["positions"][0]
    assert [(e["name"], e["write_in"]) for e in member["elected"]] == [("郑八", True)]


def test_the_tab_reads_a_fixed_number_of_queries_whatever_the_stations(client, users, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(stations):
        election = cf.counting_election(factories_community(org, stations), stations=stations)
        street = users["street_staff"]
        r = services.round_start(actor=street, election=election)
        for t in r.tallies.all():
            for who in (street, users["district_admin"]):
                services.tally_enter(actor=who, station=t.station, round=r,
                                     figures=cf.figures(80, votes=FIRST, election=election))
        client.force_login(street)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(tab(election)).status_code == 200
        return len(ctx.captured_queries)

    assert queries(("中心会场",)) == queries(("中心会场", "一站", "二站", "三站", "流动票箱"))


def factories_community(org, stations):
    from tests import factories

    return factories.jurisdiction(f"社区{len(stations)}", "community", org["street"])


def test_before_counting_the_tab_says_when_counting_starts(client, users, org):
    election = cf.counting_election(org["community"], stage="voting")
    client.force_login(users["community_clerk"])

    html = client.get(tab(election)).content.decode()

    assert 'id="not-counting"' in html and 'id="round-start"' not in html

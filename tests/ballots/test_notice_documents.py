"""The documents the later apps register with the notice registry, read back from the PDF with pdftotext:
the formal candidate list (正式候选人名单), the voter list (选民榜) and the results announcement (选举结果公告).
Right names, right order, no ID number (whole or masked) and no phone."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from ballots.models import Voter
from ballots.services import counting as counting_services
from candidates.models import Candidate
from elections import services
from tests import factories
from tests.ballots import counting_factories as cf
from tests.ballots import voters_factories as vf
from tests.elections.notice_helpers import assert_no_numbers, notice_bytes, pdf_text

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _election_evening(time_machine):
    time_machine.move_to(dt.datetime(2030, 1, 10, 18, 0, tzinfo=SHANGHAI))


@pytest.fixture
def clerk(users):
    return users["community_clerk"]


def _in_order(text: str, names: list[str]) -> bool:
    """Each of ``names`` occurs after the one before it (line breaks ignored)."""
    flat, at = "".join(text.split()), 0
    for name in names:
        at = flat.find(name, at)
        if at < 0:
            return False
        at += len(name)
    return True


def _generate(clerk, election, kind):
    notice = services.notice_generate(actor=clerk, election=election, kind=kind)
    return notice, pdf_text(notice_bytes(notice))


def test_the_candidate_list_prints_names_per_position_in_stroke_order_without_ids(notice_env, org, clerk):
    election = cf.counting_election(org["community"], registered=2)
    people = [c.person for c in Candidate.objects.filter(election=election).select_related("person")]
    for i, person in enumerate(people):
        person.phone = f"1391234{i:04d}"
        person.save()

    _notice, text = _generate(clerk, election, "candidate_list")

    assert "正式候选人名单" in text
    # 主任: 王(4) 李(7); 副主任: 赵(9) 钱(10); 委员: 孙(6) 吴(7) 周(8) — positions in seat-plan order
    assert _in_order(text, ["公布如下", "主任（2人，应选1人）", "王主任", "李主任", "副主任（2人，应选1人）", "赵副主任",
                            "钱副主任", "委员（3人，应选2人）", "孙委员", "吴委员", "周委员"])
    assert not _in_order(text, ["李主任", "王主任"]) and not _in_order(text, ["周委员", "孙委员"])
    assert_no_numbers(text, [p.id_number for p in people], [p.phone for p in people])
    assert not re.search(r"\d{6,}", "".join(text.split()))


def test_the_voter_list_prints_active_voters_by_group_in_stroke_order_without_ids(notice_env, org, clerk):
    election = factories.election(org["community"], stage="voting")
    rows = [("李四", "1组"), ("王五", "1组"), ("丁一", "1组"), ("张三", "2组"), ("马六", "2组")]
    made = [vf.voter(election, name=name, group=group) for name, group in rows]
    removed = vf.voter(election, name="田除名", group="1组", status="removed")
    vf.roll(election, published_on=dt.date(2029, 12, 20))

    _notice, text = _generate(clerk, election, "voter_list")

    assert "选民榜" in text and "选民共5名" in "".join(text.split())
    assert _in_order(text, ["公布如下", "1组", "丁一", "王五", "李四", "2组", "马六", "张三"])
    assert not _in_order(text, ["张三", "马六"])
    assert "田除名" not in text
    assert_no_numbers(text, [v.id_number for v in [*made, removed]])
    assert not re.search(r"\d{6,}", "".join(text.split()))
    assert Voter.objects.filter(election=election).count() == 6


def test_the_results_announcement_prints_the_elected_with_votes_and_the_turnout(notice_env, org, clerk, users):
    election = cf.counting_election(org["community"], registered=100)
    r = counting_services.round_start(actor=clerk, election=election)
    station = r.tallies.get().station
    votes = {"王主任": 60, "李主任": 18, "赵副主任": 55, "钱副主任": 20, "孙委员": 50, "周委员": 45, "吴委员": 30}
    for actor in (clerk, users["street_staff"]):
        counting_services.tally_enter(actor=actor, station=station, round=r,
                                      figures=cf.figures(80, votes=votes, election=election), version=None)

    _notice, text = _generate(clerk, election, "results_announcement")

    flat = "".join(text.split())
    assert "选举结果公告" in text
    assert "登记选民（应到）100人" in flat and "参加投票80人" in flat and "选举有效" in flat
    assert _in_order(text, ["得票数", "王主任", "60", "赵副主任", "55", "孙委员", "50", "周委员", "45"])
    for loser in ("李主任", "钱副主任", "吴委员"):
        assert loser not in text
    people = [c.person for c in Candidate.objects.filter(election=election).select_related("person")]
    assert_no_numbers(text, [p.id_number for p in people])


def test_before_counting_the_announcement_says_nobody_is_elected_yet(notice_env, org, clerk):
    election = cf.counting_election(org["community"], registered=3)
    _notice, text = _generate(clerk, election, "results_announcement")
    assert "尚无当选人" in text

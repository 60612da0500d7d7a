"""candidate_list_vote: the residents' representatives' meeting votes a residents' committee's formal candidates
when more nominees were approved than the margin allows (seed 000). Each refusal checks the field it names and
that it leaves no row and no event behind."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from candidates import selectors, services
from candidates.models import Candidate, CandidateList, ListVote, ListVoteResult
from elections.errors import ApplicationError, Conflict
from elections.models import Event
from tests import factories

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2029, 11, 2)
HELD = dt.date(2029, 11, 1)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2029, 11, 2, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def clerk(users):
    return users["community_clerk"]


@pytest.fixture
def publicity(org):
    return factories.election(org["community"], stage="publicity")  # chair 1, vice_chair 1, member 5


def approve(election, name, position="chair"):
    return factories.nominate(election, person=factories.nominee(election.community, name=name),
                              position=position, status="approved")


@pytest.fixture
def chairs(publicity):
    """Five approved for 主任 (at most 3 candidates), the other positions within their bounds."""
    factories.nominated(publicity, 2, position="vice_chair", status="approved")
    factories.nominated(publicity, 6, position="member", status="approved")
    return {name: approve(publicity, name) for name in ["王五", "赵六", "张三", "李四", "孙七"]}


def vote_events(election):
    return list(Event.objects.filter(election=election, action="candidate_list.vote"))


def refused(exc_info, field):
    assert field in exc_info.value.errors, exc_info.value.errors
    return exc_info.value.errors[field]


def vote(actor, election, results, expected=40, present=30, ballots=30, held_on=HELD):
    return services.candidate_list_vote(actor=actor, election=election, held_on=held_on, expected=expected,
                                        present=present, ballots=ballots, results=results)


def listed(election, position="chair"):
    return sorted(Candidate.objects.filter(election=election, position=position).values_list("person__name", flat=True))


def assert_nothing_recorded(election, candidates_before=0):
    assert not ListVote.objects.exists() and not ListVoteResult.objects.exists()
    assert vote_events(election) == []
    assert Candidate.objects.filter(election=election).count() == candidates_before


def test_a_valid_vote_keeps_the_top_three_and_leaves_the_rest_off(publicity, clerk, chairs):
    services.candidate_list_build(actor=clerk, election=publicity)  # every approved one, five 主任
    assert len(listed(publicity)) == 5
    results = [(chairs["王五"], 28), (chairs["赵六"], 25), (chairs["张三"], 20), (chairs["李四"], 12),
               (chairs["孙七"], 3)]

    outcome = vote(clerk, publicity, results)

    assert outcome.valid
    [chair] = outcome.decided
    assert [r.name for r in chair.kept] == ["王五", "赵六", "张三"]
    assert [r.name for r in chair.left] == ["李四", "孙七"]
    assert outcome.undecided == [] and sorted(outcome.removed) == ["孙七", "李四"] and outcome.added == []
    assert listed(publicity) == sorted(["王五", "赵六", "张三"])
    orders = sorted(Candidate.objects.filter(election=publicity, position="chair").values_list("order", flat=True))
    assert orders == [1, 2, 3]
    # the other positions were not touched
    assert Candidate.objects.filter(election=publicity, position="member").count() == 6
    record = ListVote.objects.get(election=publicity)
    assert (record.held_on, record.expected, record.present, record.ballots, record.recorded_by) == (
        HELD, 40, 30, 30, clerk)
    assert dict(ListVoteResult.objects.values_list("nomination__person__name", "votes")) == {
        "王五": 28, "赵六": 25, "张三": 20, "李四": 12, "孙七": 3}
    [event] = vote_events(publicity)
    assert event.summary.startswith("登记居民代表会议投票确定正式候选人（2029-11-01，应到 40 人，实到 30 人，收回选票 30 张）：")
    assert "主任（至多 3 名）：确定 王五（28 票）、赵六（25 票）、张三（20 票）；未列入 李四（12 票）、孙七（3 票）" in event.summary
    assert "移出正式候选人名单 李四、孙七" in event.summary
    left = {r["name"]: r for r in event.after["left_off"]}
    assert left["李四"]["reason"] == "居民代表会议 2029-11-01 投票：得票 12 票，未进入主任前 3 名（末位入选 20 票）"
    assert left["李四"]["listed"] is True and left["李四"]["candidate"]["name"] == "李四"
    assert event.after["kept"] == {"chair": ["王五", "赵六", "张三"]}


def test_the_vote_places_the_kept_on_an_empty_list(publicity, clerk, chairs):
    results = [(n, votes) for n, votes in zip(chairs.values(), [30, 29, 28, 2, 1], strict=True)]
    outcome = vote(clerk, publicity, results)
    assert sorted(outcome.added) == sorted(["王五", "赵六", "张三"]) and outcome.removed == []
    assert listed(publicity) == sorted(["王五", "赵六", "张三"])
    # positions that needed no vote are left to the clerk: build places them, but not those voted off
    placed = services.candidate_list_build(actor=clerk, election=publicity)
    assert len(placed) == 8
    assert listed(publicity) == sorted(["王五", "赵六", "张三"])


def test_a_meeting_attended_by_exactly_half_is_refused_on_present(publicity, clerk, chairs):
    results = [(n, 10) for n in chairs.values()]
    with pytest.raises(ApplicationError) as exc:
        vote(clerk, publicity, results, expected=40, present=20, ballots=20)
    [message] = refused(exc, "present")
    assert message.startswith("居民代表会议应到 40 人、实到 20 人，未超过应到人数的一半，会议无效")
    assert "城市居民委员会组织法 第五条" in message
    assert_nothing_recorded(publicity)
    assert vote(clerk, publicity, [(n, v) for n, v in zip(chairs.values(), [9, 8, 7, 6, 5], strict=True)],
                expected=40, present=21, ballots=21).valid


def test_a_tie_at_the_cut_leaves_the_position_as_it_was(publicity, clerk, chairs):
    services.candidate_list_build(actor=clerk, election=publicity)
    results = [(chairs["王五"], 28), (chairs["赵六"], 25), (chairs["张三"], 12), (chairs["李四"], 12),
               (chairs["孙七"], 3)]

    outcome = vote(clerk, publicity, results)

    [chair] = outcome.undecided
    assert [r.name for r in chair.tied] == ["张三", "李四"] and chair.places == 1
    assert "末位得票相等：张三、李四各 12 票，须就他们重新投票" in chair.message
    assert outcome.decided == [] and outcome.added == [] and outcome.removed == []
    assert len(listed(publicity)) == 5  # as it was
    [event] = vote_events(publicity)
    assert "末位得票相等：张三、李四各 12 票，须就他们重新投票" in event.summary
    assert event.after["undecided"] == [chair.message]
    # the meeting votes again among the tied; recorded again, the vote is replaced and decides
    results[3] = (chairs["李四"], 11)
    again = vote(clerk, publicity, results)
    assert [p.position for p in again.decided] == ["chair"]
    assert listed(publicity) == sorted(["王五", "赵六", "张三"])
    assert ListVote.objects.count() == 1 and ListVoteResult.objects.count() == 5
    events = vote_events(publicity)
    assert len(events) == 2 and events[1].summary.startswith("更正居民代表会议投票")
    assert events[1].before["results"][3][1:] == ["李四", 12]


def test_a_nomination_not_approved_is_refused_on_results(publicity, clerk, chairs):
    reviewing = factories.nominate(publicity, person=factories.nominee(publicity.community, name="周审查"),
                                   position="chair", status="reviewing")
    results = [(n, 10) for n in chairs.values()] + [(reviewing, 5)]
    with pytest.raises(ApplicationError) as exc:
        vote(clerk, publicity, results)
    assert refused(exc, "results") == ["周审查的提名审查中，只有审查通过的人选才能参加居民代表会议投票。"]
    assert_nothing_recorded(publicity)


def test_a_nomination_of_another_election_is_refused(org, publicity, clerk, chairs):
    other = factories.election(org["sibling"], stage="publicity")
    stranger = approve(other, "吴外人")
    with pytest.raises(ApplicationError) as exc:
        vote(clerk, publicity, [(n, 10) for n in chairs.values()] + [(stranger, 1)])
    assert refused(exc, "results") == ["吴外人的提名不属于本次选举。"]
    assert_nothing_recorded(publicity)


def test_every_approved_nominee_of_the_position_is_voted_on(publicity, clerk, chairs):
    results = [(chairs["王五"], 28), (chairs["赵六"], 25), (chairs["张三"], 20)]
    with pytest.raises(ApplicationError) as exc:
        vote(clerk, publicity, results)
    assert refused(exc, "results") == ["主任：未登记 李四、孙七 的得票（审查通过的人选都参加投票）。"]
    with pytest.raises(ApplicationError) as exc:
        vote(clerk, publicity, results + [(chairs["李四"], 1), (chairs["孙七"], 1), (chairs["孙七"], 2)])
    assert refused(exc, "results") == ["孙七重复登记。"]
    assert_nothing_recorded(publicity)


def test_figures_are_checked_by_field(publicity, clerk, chairs):
    results = [(n, 31) for n in chairs.values()]
    with pytest.raises(ApplicationError) as exc:
        vote(clerk, publicity, results, expected=40, present=30, ballots=30, held_on=TODAY + dt.timedelta(days=1))
    assert refused(exc, "held_on") == ["会议日期不能晚于今天：请在会议开过后再登记投票结果。"]
    assert refused(exc, "results")[0] == "王五的得票（31）不能多于收回选票（30）。"
    with pytest.raises(ApplicationError) as exc:
        vote(clerk, publicity, results, expected=40, present=41, ballots=42, held_on=None)
    assert refused(exc, "present") == ["实到人数（41）不能多于应到人数（40）。"]
    assert refused(exc, "ballots") == ["收回选票（42）不能多于实到人数（41）。"]
    assert refused(exc, "held_on") == ["请填写会议日期。"]
    assert_nothing_recorded(publicity)


def test_no_vote_when_every_position_is_within_its_bound(publicity, clerk):
    nominations = [approve(publicity, name) for name in ["王五", "赵六", "张三"]]
    with pytest.raises(ApplicationError) as exc:
        vote(clerk, publicity, [(n, 10) for n in nominations])
    assert "无须居民代表会议投票" in exc.value.message
    assert_nothing_recorded(publicity)


def test_a_party_election_is_refused(org, clerk):
    party = factories.election(org["community"], body="party_committee", stage="publicity")
    nominations = [approve(party, f"党员{i}", position="secretary") for i in range(5)]
    with pytest.raises(ApplicationError) as exc:
        vote(clerk, party, [(n, 10) for n in nominations])
    assert exc.value.message == "由居民代表会议投票确定正式候选人只适用于居民委员会选举。"
    assert_nothing_recorded(party)


def test_the_permission_is_checked_first(publicity, users, chairs):
    services_before = Event.objects.count()
    for who in ("other_clerk", "district_reviewer"):
        with pytest.raises(PermissionDenied):
            vote(users[who], publicity, [(n, 10 - i) for i, n in enumerate(chairs.values())])
    assert_nothing_recorded(publicity)
    assert Event.objects.count() == services_before
    assert not CandidateList.objects.filter(election=publicity).exists()


def test_outside_publicity_or_after_publication_is_refused(org, users, clerk, publicity, chairs):
    vetting = factories.election(org["sibling"], stage="vetting")
    nominations = [approve(vetting, f"审查{i}") for i in range(5)]
    with pytest.raises(Conflict) as exc:
        vote(users["street_staff"], vetting, [(n, 10 - i) for i, n in enumerate(nominations)])
    assert "公示" in str(exc.value)
    CandidateList.objects.create(election=publicity, published_on=TODAY)
    with pytest.raises(Conflict) as exc:
        vote(clerk, publicity, [(n, 10 - i) for i, n in enumerate(chairs.values())])
    assert "已于 2029-11-02 公布" in str(exc.value)
    assert not ListVote.objects.exists()


def test_a_nominee_voted_off_cannot_be_added_back_by_hand(publicity, clerk, chairs):
    vote(clerk, publicity, [(n, v) for n, v in zip(chairs.values(), [30, 29, 28, 2, 1], strict=True)])
    with pytest.raises(ApplicationError) as exc:
        services.candidate_add(actor=clerk, nomination=chairs["李四"])
    assert refused(exc, "nomination") == [
        "居民代表会议 2029-11-01 投票未将李四确定为正式候选人（得票 2 票）；如须调整，请重新登记居民代表会议的投票结果。"]
    assert services.candidate_list_build(actor=clerk, election=publicity)  # the other positions only
    assert "李四" not in listed(publicity)


def test_the_recorded_vote_is_read_back(publicity, clerk, chairs):
    assert selectors.list_vote_view(election=publicity) is None
    vote(clerk, publicity, [(n, v) for n, v in zip(chairs.values(), [30, 29, 28, 2, 1], strict=True)])
    view = selectors.list_vote_view(election=publicity)
    assert view.valid and view.attendance_over == "1/2"
    [chair] = view.positions
    assert [(r.name, r.votes, r.state) for r in chair.rows] == [
        ("王五", 30, "kept"), ("赵六", 29, "kept"), ("张三", 28, "kept"), ("李四", 2, "left"), ("孙七", 1, "left")]
    assert set(view.left_off) == {chairs["李四"].pk, chairs["孙七"].pk}


def test_the_status_is_read_again_inside_the_transaction(publicity, clerk, chairs):
    from candidates.models import Nomination

    stale = chairs["孙七"]  # loaded as approved, rejected since (an upheld objection)
    Nomination.objects.filter(pk=stale.pk).update(status="rejected")
    with pytest.raises(ApplicationError) as exc:
        vote(clerk, publicity, [(n, 10 - i) for i, n in enumerate(chairs.values())])
    assert refused(exc, "results") == ["孙七的提名未通过，只有审查通过的人选才能参加居民代表会议投票。"]
    assert_nothing_recorded(publicity)

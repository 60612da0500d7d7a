"""Nomination through the services: nominations, 两推, 递补, 民主测评, pledges, talks and the formal list.

Each refusal checks the field it names, and that a refused write leaves no row and no event behind.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from candidates import selectors, services
from candidates.models import (
    Appraisal,
    Candidate,
    CandidateList,
    CommitteeMember,
    Nomination,
    Pledge,
    RecommendationMeeting,
    Talk,
)
from elections.errors import ApplicationError, Conflict
from elections.models import Event
from tests import factories

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2029, 11, 2)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2029, 11, 2, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def clerk(users):
    return users["community_clerk"]


@pytest.fixture
def staff(users):
    return users["street_staff"]


@pytest.fixture
def rc(org):
    return factories.election(org["community"], stage="nomination")


@pytest.fixture
def party(org, rc):
    return factories.election(org["community"], camp=rc.campaign, body="party_committee", stage="nomination")


def events(election, action=None):
    qs = Event.objects.filter(election=election)
    return list(qs.filter(action=action) if action else qs)


def voters(n):
    return [f"选民{i}" for i in range(n)]


def refused(exc_info, field):
    assert field in exc_info.value.errors, exc_info.value.errors
    return exc_info.value.errors[field]


# ---------------------------------------------------------------- nomination_submit


def test_submit_a_joint_voters_nomination(rc, clerk):
    person = factories.nominee(rc.community, name="王小二")
    nomination = services.nomination_submit(actor=clerk, election=rc, person=person, position="chair",
                                            channel="joint_voters", supporters=voters(20), basis="联名提名表")
    nomination.refresh_from_db()
    assert (nomination.status, nomination.level, nomination.channel) == ("reviewing", "community", "joint_voters")
    assert len(nomination.supporters) == 20
    [event] = events(rc, "nomination.submit")
    assert "王小二" in event.summary and "选民联名" in event.summary and "20 人联名" in event.summary
    assert event.after["supporters"] == voters(20)


def test_nineteen_joint_voters_are_refused_on_supporters(rc, clerk):
    person = factories.nominee(rc.community)
    before = Event.objects.count()
    with pytest.raises(ApplicationError) as exc:
        services.nomination_submit(actor=clerk, election=rc, person=person, position="member",
                                   channel="joint_voters", supporters=voters(19))
    assert refused(exc, "supporters") == ["选民联名提名须 20 人以上，现有 19 人。"]
    assert not Nomination.objects.exists()
    assert Event.objects.count() == before


def test_repeated_supporters_do_not_count_twice(rc, clerk):
    with pytest.raises(ApplicationError) as exc:
        services.nomination_submit(actor=clerk, election=rc, person=factories.nominee(rc.community),
                                   position="member", channel="joint_representatives",
                                   supporters=voters(9) + ["选民0"])
    messages = refused(exc, "supporters")
    assert any("联名人重复：选民0" in m for m in messages)
    assert any("须 10 人以上，现有 9 人" in m for m in messages)


def test_a_channel_outside_the_rulebook_is_refused_on_channel(rc, clerk):
    with pytest.raises(ApplicationError) as exc:
        services.nomination_submit(actor=clerk, election=rc, person=factories.nominee(rc.community),
                                   position="member", channel="party_members")
    assert "党员推荐" in refused(exc, "channel")[0]


def test_an_underage_nominee_is_refused_on_person(rc, clerk):
    young = factories.nominee(rc.community, birth=dt.date(2012, 1, 11))  # 17 on 2030-01-10
    with pytest.raises(ApplicationError) as exc:
        services.nomination_submit(actor=clerk, election=rc, person=young, position="member", channel="self")
    assert "未满 18 周岁" in refused(exc, "person")[0]
    of_age = factories.nominee(rc.community, birth=dt.date(2012, 1, 10))
    services.nomination_submit(actor=clerk, election=rc, person=of_age, position="member", channel="self")


def test_a_position_outside_the_seat_plan_is_refused_on_position(org, clerk):
    election = factories.election(org["community"], stage="nomination", seats={"chair": 1, "member": 4})
    with pytest.raises(ApplicationError) as exc:
        services.nomination_submit(actor=clerk, election=election, person=factories.nominee(org["community"]),
                                   position="vice_chair", channel="party_org")
    assert "没有“副主任”" in refused(exc, "position")[0]


def test_one_live_nomination_per_person(rc, clerk):
    person = factories.nominee(rc.community)
    services.nomination_submit(actor=clerk, election=rc, person=person, position="member", channel="party_org")
    with pytest.raises(ApplicationError) as exc:
        services.nomination_submit(actor=clerk, election=rc, person=person, position="chair", channel="self")
    assert "已被提名" in refused(exc, "person")[0]


def test_rc_and_supervision_nominations_exclude_each_other(org, rc, clerk):
    supervision = factories.election(org["community"], camp=rc.campaign, body="supervision_committee",
                                     stage="nomination", seats={"chair": 1, "member": 2})
    person = factories.nominee(rc.community)
    services.nomination_submit(actor=clerk, election=rc, person=person, position="member", channel="party_org")
    with pytest.raises(ApplicationError) as exc:
        services.nomination_submit(actor=clerk, election=supervision, person=person, position="member",
                                   channel="party_org")
    assert "居委会成员不得担任居务监督委员会成员" in refused(exc, "person")[0]


def test_party_and_rc_nominations_may_overlap(rc, party, clerk):
    person = factories.nominee(rc.community)
    two_recommendations(clerk, party, [person])
    services.nomination_submit(actor=clerk, election=party, person=person, position="secretary",
                               channel="party_members")
    services.nomination_submit(actor=clerk, election=rc, person=person, position="chair", channel="party_org")
    assert Nomination.objects.filter(person=person, status="reviewing").count() == 2


def test_a_clerk_of_another_community_is_refused_without_a_trace(rc, users):
    before = Event.objects.count()
    with pytest.raises(PermissionDenied):
        services.nomination_submit(actor=users["other_clerk"], election=rc, person=factories.nominee(rc.community),
                                   position="member", channel="party_org")
    assert not Nomination.objects.exists()
    assert Event.objects.count() == before


def test_only_the_street_enters_its_own_recommendation(party, clerk, staff):
    person = factories.nominee(party.community)
    before = Event.objects.count()
    with pytest.raises(PermissionDenied):
        services.nomination_submit(actor=clerk, election=party, person=person, position="member",
                                   channel="street_party_committee")
    assert Event.objects.count() == before and not Nomination.objects.exists()
    nomination = services.nomination_submit(actor=staff, election=party, person=person, position="member",
                                            channel="street_party_committee")
    # and the clerk cannot withdraw it either
    with pytest.raises(PermissionDenied):
        services.nomination_withdraw(actor=clerk, nomination=nomination, reason="试试")


def test_nominations_are_taken_in_the_nomination_stage_only(org, clerk):
    preparing = factories.election(org["community"], stage="preparation")
    with pytest.raises(Conflict) as exc:
        services.nomination_submit(actor=clerk, election=preparing, person=factories.nominee(org["community"]),
                                   position="member", channel="party_org")
    assert "准备" in str(exc.value)
    assert not Nomination.objects.exists()


def test_an_rc_replacement_is_taken_during_vetting(org, clerk):
    election = factories.election(org["community"], stage="vetting")
    rejected = factories.nominate(election, position="chair", status="rejected", outcome="不得：受过刑事处罚")
    with pytest.raises(Conflict):
        services.nomination_submit(actor=clerk, election=election, person=factories.nominee(org["community"]),
                                   position="chair", channel="party_org")
    with pytest.raises(ApplicationError) as exc:
        services.nomination_submit(actor=clerk, election=election, person=factories.nominee(org["community"]),
                                   position="member", channel="party_org", replaces=rejected)
    assert "职位应与被递补的提名相同" in refused(exc, "position")[0]
    nomination = services.nomination_submit(actor=clerk, election=election,
                                            person=factories.nominee(org["community"]), position="chair",
                                            channel="party_org", replaces=rejected)
    assert nomination.replaces == rejected
    assert "递补" in events(election, "nomination.submit")[0].summary
    # a second replacement of the same gap is refused
    with pytest.raises(ApplicationError) as exc:
        services.nomination_submit(actor=clerk, election=election, person=factories.nominee(org["community"]),
                                   position="chair", channel="party_org", replaces=rejected)
    assert "已由" in refused(exc, "replaces")[0]


def test_a_live_nomination_cannot_be_replaced(org, clerk):
    election = factories.election(org["community"], stage="vetting")
    live = factories.nominate(election, position="chair")
    with pytest.raises(ApplicationError) as exc:
        services.nomination_submit(actor=clerk, election=election, person=factories.nominee(org["community"]),
                                   position="chair", channel="party_org", replaces=live)
    assert "只有未通过或已撤回的提名才能递补" in refused(exc, "replaces")[0]


def test_a_nominee_rejected_in_vetting_is_not_nominated_again(org, rc, clerk):
    person = factories.nominee(rc.community, name="赵大")
    factories.nominate(rc, person=person, status="rejected", outcome="社区初审不通过，不得情形：受过刑事处罚的。")
    before = Event.objects.count()
    with pytest.raises(ApplicationError) as exc:
        services.nomination_submit(actor=clerk, election=rc, person=person, position="member", channel="self")
    assert refused(exc, "person") == [
        "赵大的提名已在资格审查中未通过（社区初审不通过，不得情形：受过刑事处罚的），不能再次提名。"]
    assert Nomination.objects.filter(person=person).count() == 1 and Event.objects.count() == before
    # in another election (another campaign's) the person may be nominated
    other = factories.election(org["community"], stage="nomination")
    services.nomination_submit(actor=clerk, election=other, person=person, position="member", channel="self")


def test_a_rejected_nominee_cannot_replace_himself(org, clerk):
    election = factories.election(org["community"], stage="vetting")
    rejected = factories.nominate(election, position="chair", status="rejected", outcome="不得：受过刑事处罚")
    with pytest.raises(ApplicationError) as exc:
        services.nomination_submit(actor=clerk, election=election, person=rejected.person, position="chair",
                                   channel="party_org", replaces=rejected)
    messages = refused(exc, "person")
    assert f"递补人选须是被递补者以外的人：{rejected.person.name}不能递补自己的提名。" in messages
    assert any("不能再次提名" in m for m in messages)
    assert Nomination.objects.filter(election=election).count() == 1


def test_a_withdrawn_nominee_may_be_nominated_again_but_not_as_his_own_replacement(org, clerk):
    election = factories.election(org["community"], stage="vetting")
    withdrawn = factories.nominate(election, position="chair", status="withdrawn", outcome="撤回：本人申请")
    with pytest.raises(ApplicationError) as exc:
        services.nomination_submit(actor=clerk, election=election, person=withdrawn.person, position="chair",
                                   channel="party_org", replaces=withdrawn)
    assert refused(exc, "person") == [f"递补人选须是被递补者以外的人：{withdrawn.person.name}不能递补自己的提名。"]
    nomination = factories.election(org["community"], stage="nomination")
    back = factories.nominate(nomination, status="withdrawn", outcome="撤回：本人申请")
    again = services.nomination_submit(actor=clerk, election=nomination, person=back.person, position="member",
                                       channel="party_org")
    assert again.status == "reviewing"


def test_nominating_without_an_election_day_is_refused(org, clerk):
    election = factories.election(org["community"], stage="nomination", election_day=None)
    kid = factories.nominee(org["community"], birth=dt.date(2020, 1, 1))
    with pytest.raises(ApplicationError) as exc:
        services.nomination_submit(actor=clerk, election=election, person=kid, position="member", channel="self")
    assert refused(exc, "person") == ["尚未确定选举日，无法核对被提名人在选举日是否年满 18 周岁。"]
    assert not Nomination.objects.exists()


def test_a_committee_member_nominated_withdraws_and_the_alternate_steps_in(rc, clerk):
    member = CommitteeMember.objects.filter(election=rc, role="member").select_related("person").first()
    alternate = CommitteeMember.objects.create(election=rc, person=factories.nominee(rc.community, name="候补甲"),
                                               role="alternate", votes=40)
    nomination = services.nomination_submit(actor=clerk, election=rc, person=member.person, position="member",
                                            channel="party_org")
    withdrawal = nomination.committee_withdrawal
    assert withdrawal is not None and withdrawal.replacement == alternate
    assert "候补甲" in withdrawal.message
    member.refresh_from_db()
    alternate.refresh_from_db()
    assert not member.active and member.withdrawn_reason == "被提名为居民委员会成员候选人"
    assert alternate.role == "member" and alternate.replaces == member
    assert [e.action for e in events(rc)] == ["nomination.submit", "committee.withdraw", "committee.step_in"]


def test_a_nominee_outside_the_committee_withdraws_nothing(rc, clerk):
    nomination = services.nomination_submit(actor=clerk, election=rc, person=factories.nominee(rc.community),
                                            position="member", channel="party_org")
    assert nomination.committee_withdrawal is None
    assert nomination.warnings == []


def test_warnings_come_back_with_the_nomination(rc, clerk):
    older = factories.nominee(rc.community, name="老张", birth=dt.date(1980, 1, 1), education="senior_high")
    nomination = services.nomination_submit(actor=clerk, election=rc, person=older, position="member",
                                            channel="party_org")
    assert nomination.warnings == ["老张 50 周岁，超过新提名人选一般不超过 45 周岁的要求。",
                                   "老张学历为高中，低于大专及以上的要求。"]


# ---------------------------------------------------------------- nomination_update / withdraw


def test_update_supporters_while_at_the_community(rc, clerk):
    nomination = services.nomination_submit(actor=clerk, election=rc, person=factories.nominee(rc.community),
                                            position="member", channel="joint_voters", supporters=voters(20))
    updated = services.nomination_update(actor=clerk, nomination=nomination, supporters=voters(25),
                                         basis="补充联名", version=nomination.version)
    assert len(updated.supporters) == 25 and updated.version == 2
    with pytest.raises(ApplicationError) as exc:
        services.nomination_update(actor=clerk, nomination=updated, supporters=voters(3))
    assert refused(exc, "supporters")
    with pytest.raises(Conflict):
        services.nomination_update(actor=clerk, nomination=updated, basis="旧版本", version=1)
    Nomination.objects.filter(pk=nomination.pk).update(level="street")
    with pytest.raises(Conflict) as exc:
        services.nomination_update(actor=clerk, nomination=updated, basis="太晚了")
    assert "街道全面审查" in str(exc.value)
    assert len(events(rc, "nomination.update")) == 1


def test_withdraw_needs_a_reason_and_leaves_the_formal_list(org, clerk):
    election = factories.election(org["community"], stage="publicity")
    factories.formal_list(election)
    candidate = Candidate.objects.filter(election=election, position="member").first()
    with pytest.raises(ApplicationError) as exc:
        services.nomination_withdraw(actor=clerk, nomination=candidate.nomination, reason=" ")
    assert refused(exc, "reason")
    services.nomination_withdraw(actor=clerk, nomination=candidate.nomination, reason="本人申请退出")
    nomination = Nomination.objects.get(pk=candidate.nomination_id)
    assert nomination.status == "withdrawn" and "本人申请退出" in nomination.outcome
    assert not Candidate.objects.filter(pk=candidate.pk).exists()
    orders = list(Candidate.objects.filter(election=election, position="member").values_list("order", flat=True))
    assert sorted(orders) == list(range(1, len(orders) + 1))
    [event] = events(election, "nomination.withdraw")
    assert "移除" in event.summary
    with pytest.raises(Conflict):
        services.nomination_withdraw(actor=clerk, nomination=nomination, reason="再撤一次")


def test_a_withdrawal_from_a_published_list_clears_the_publication(org, clerk):
    election = factories.election(org["community"], stage="publicity")
    factories.formal_list(election)
    services.candidate_list_publish(actor=clerk, election=election, published_on=TODAY)
    candidate = Candidate.objects.filter(election=election, position="member").first()
    services.nomination_withdraw(actor=clerk, nomination=candidate.nomination, reason="本人申请退出")
    cl = CandidateList.objects.get(election=election)
    assert (cl.published_on, cl.published_by) == (None, None)
    [event] = events(election, "nomination.withdraw")
    assert f"已于 {TODAY:%Y-%m-%d} 公布的正式候选人名单已变动，须重新公布" in event.summary
    assert event.before["candidate_list"]["published_on"] == TODAY.isoformat()
    assert event.after["candidate_list"]["published_on"] is None
    # the list can be adjusted (a replacement added) and published again
    services.candidate_add(actor=clerk, nomination=factories.nominate(election, status="approved"))
    assert services.candidate_list_publish(actor=clerk, election=election, published_on=TODAY).published_on == TODAY


def test_a_withdrawal_voids_the_streets_approval_of_the_party_list(org, clerk):
    election = factories.election(org["community"], body="party_committee", stage="publicity")
    factories.formal_list(election)
    candidate = Candidate.objects.filter(election=election, position="member").first()
    services.nomination_withdraw(actor=clerk, nomination=candidate.nomination, reason="本人申请退出")
    cl = CandidateList.objects.get(election=election)
    assert (cl.approval, cl.approval_on, cl.approval_by) == ("", None, None)
    [event] = events(election, "nomination.withdraw")
    assert "名单已变动，须重新报街道批复" in event.summary and "公布" not in event.summary
    assert len(events(election)) == 1  # one change, one event
    # a nomination not on the list leaves the approval alone
    services.candidate_list_submit(actor=clerk, election=election)
    off_list = factories.nominate(election, status="approved")
    services.nomination_withdraw(actor=clerk, nomination=off_list, reason="本人申请退出")
    assert CandidateList.objects.get(election=election).approval == "submitted"


# ---------------------------------------------------------------- 两推


def party_members(community, n, votes_from=60):
    return [factories.nominee(community, name=f"党员{i:02d}") for i in range(n)]


def record(actor, election, kind, people_votes, expected=60, present=50, ballots=50):
    return services.recommendation_meeting_record(actor=actor, election=election, kind=kind, expected=expected,
                                                  present=present, ballots=ballots, results=people_votes,
                                                  held_on=TODAY)


def two_recommendations(actor, election, qualifiers, others=()):
    """Both 两推 meetings recorded and valid (50 of 60 party members, 30 of 40 representatives: 80 ballots);
    ``qualifiers`` get 40 + 20 = 60 votes (more than 40), ``others`` 20 + 10 = 30 (not more than half)."""
    record(actor, election, "party_members", [(p, 40) for p in qualifiers] + [(p, 20) for p in others])
    record(actor, election, "representatives", [(p, 20) for p in qualifiers] + [(p, 10) for p in others],
           expected=40, present=30, ballots=30)


def test_record_a_meeting_and_read_validity_and_qualifiers(party, clerk):
    a, b, c = party_members(party.community, 3)
    result = record(clerk, party, "party_members", [(a, 26), (b, 25), (c, 40)], expected=60, present=50)
    assert result.as_dict() == {"valid": True, "qualifying": [c.pk, a.pk]}  # 25 of 50 is exactly half: out
    half = record(clerk, party, "representatives", [(a, 20)], expected=40, present=20, ballots=20)
    assert half.as_dict() == {"valid": False, "qualifying": []}  # exactly half attended
    more = record(clerk, party, "representatives", [(a, 20)], expected=40, present=21, ballots=21)
    assert more.as_dict() == {"valid": True, "qualifying": [a.pk]}
    assert RecommendationMeeting.objects.filter(election=party).count() == 2


def test_recording_again_replaces_the_meeting(party, clerk):
    a, b = party_members(party.community, 2)
    record(clerk, party, "party_members", [(a, 30), (b, 20)])
    record(clerk, party, "party_members", [(a, 31)], present=55, ballots=55)
    meeting = RecommendationMeeting.objects.get(election=party, kind="party_members")
    assert meeting.present == 55 and [(v.person_id, v.votes) for v in meeting.votes.all()] == [(a.pk, 31)]
    first, second = events(party, "recommendation.record")
    assert first.before is None and second.before["present"] == 50 and second.after["present"] == 55
    assert "更正" in second.summary


def test_meeting_figures_are_checked_by_field(party, clerk):
    a = party_members(party.community, 1)[0]
    with pytest.raises(ApplicationError) as exc:
        record(clerk, party, "party_members", [(a, 70)], expected=60, present=65, ballots=60)
    assert refused(exc, "present") and refused(exc, "results")
    with pytest.raises(ApplicationError) as exc:
        record(clerk, party, "party_members", [(a, 10), (a, 5)])
    assert "重复" in refused(exc, "results")[0]
    assert not RecommendationMeeting.objects.exists() and not events(party)


def test_rc_elections_hold_no_recommendation_meetings(rc, clerk):
    with pytest.raises(ApplicationError):
        record(clerk, rc, "party_members", [])


def test_preliminary_list_nominates_the_top_by_combined_votes(party, clerk):
    people = party_members(party.community, 12)
    outsider = factories.nominee(party.community, name="群众甲", party_member=False)
    # combined ballots 50 + 30 = 80: more than 40 qualifies
    record(clerk, party, "party_members", [(p, 45 - i) for i, p in enumerate(people)] + [(outsider, 50)])
    record(clerk, party, "representatives", [(p, 20) for p in people] + [(outsider, 30)],
           expected=40, present=30, ballots=30)
    already = factories.nominate(party, person=people[0], position="secretary")
    outcome = services.preliminary_nominate(actor=clerk, election=party, positions={people[1].pk: "deputy_secretary"})
    # 7 seats at 20% → 9; the outsider is no party member; people[0] was already nominated
    assert outcome.ranking.size == 9
    assert [r.person_id for r in outcome.ranking.selected] == [p.pk for p in people[:9]]
    assert [n.person for n in outcome.created] == people[1:9]
    assert outcome.skipped == [f"{people[0].name}（已提名）"]
    assert Nomination.objects.get(person=people[1]).position == "deputy_secretary"
    assert Nomination.objects.get(person=people[2]).recommendation_votes == 43 + 20
    assert {n.channel for n in outcome.created} == {"party_members"}
    assert len(events(party, "nomination.preliminary")) == 1
    assert already.status == "reviewing"
    view = selectors.preliminary_view(election=party)
    assert [r.person for r in view.rows if r.selected] == people[:9]
    assert [r.person for r in view.rows if not r.selected] == people[9:]
    assert all(r.nomination is not None for r in view.rows if r.selected)
    assert [m.valid for m in view.meetings] == [True, True]
    with pytest.raises(ApplicationError):
        services.preliminary_nominate(actor=clerk, election=party)


def test_preliminary_list_needs_a_valid_meeting(party, clerk):
    a = party_members(party.community, 1)[0]
    record(clerk, party, "party_members", [(a, 25)], expected=60, present=30, ballots=30)
    with pytest.raises(ApplicationError) as exc:
        services.preliminary_nominate(actor=clerk, election=party)
    assert "推荐无效" in exc.value.message


def test_preliminary_list_needs_both_meetings_valid(party, clerk):
    people = party_members(party.community, 8)
    record(clerk, party, "party_members", [(p, 60) for p in people], expected=100, present=80, ballots=80)
    with pytest.raises(ApplicationError) as exc:
        services.preliminary_nominate(actor=clerk, election=party)
    assert "尚未登记居民代表推荐会议结果。" in exc.value.message
    record(clerk, party, "representatives", [(p, 15) for p in people], expected=40, present=20, ballots=20)
    with pytest.raises(ApplicationError) as exc:
        services.preliminary_nominate(actor=clerk, election=party)
    assert "居民代表推荐会议应到 40 人、实到 20 人，未超过应到人数的一半，推荐无效。" in exc.value.message
    assert "党员推荐会议应到" not in exc.value.message
    assert not Nomination.objects.exists() and not events(party, "nomination.preliminary")
    record(clerk, party, "representatives", [(p, 15) for p in people], expected=40, present=21, ballots=20)
    assert len(services.preliminary_nominate(actor=clerk, election=party).created) == 8


def test_two_recommendations_channels_need_the_recorded_result(party, clerk, staff):
    qualifier, reserve, low = (factories.nominee(party.community, name=n) for n in ("甲党员", "乙党员", "丙党员"))
    with pytest.raises(ApplicationError) as exc:
        services.nomination_submit(actor=clerk, election=party, person=qualifier, position="member",
                                   channel="party_members")
    [message] = refused(exc, "person")
    assert "尚未登记党员推荐会议结果" in message and "推荐有效" in message
    two_recommendations(clerk, party, [qualifier, reserve], others=[low])
    for channel in ("party_members", "masses"):
        with pytest.raises(ApplicationError) as exc:
            services.nomination_submit(actor=clerk, election=party, person=low, position="member", channel=channel)
        [message] = refused(exc, "person")
        assert message.startswith("丙党员在“两推”中合计得票 30 票，未超过推荐票（80 张）的一半")
        assert "得票数超过推荐票一半以上的党员中确定" in message
        with pytest.raises(ApplicationError) as exc:
            services.nomination_submit(actor=clerk, election=party, person=factories.nominee(party.community),
                                       position="member", channel=channel)
        assert "在“两推”中没有得票" in refused(exc, "person")[0]
    nomination = services.nomination_submit(actor=clerk, election=party, person=qualifier, position="secretary",
                                            channel="party_members")
    assert (nomination.recommendation_votes, nomination.basis) == (60, "“两推”合计得票 60 票")
    by_masses = services.nomination_submit(actor=clerk, election=party, person=reserve, position="member",
                                           channel="masses", basis="群众推荐票")
    assert (by_masses.recommendation_votes, by_masses.basis) == (60, "群众推荐票")
    # the street's own recommendation rests on no meeting
    free = services.nomination_submit(actor=staff, election=party, person=factories.nominee(party.community),
                                      position="member", channel="street_party_committee")
    assert free.recommendation_votes is None


def test_an_invalid_meeting_refuses_two_recommendations_nominations(party, clerk):
    person = factories.nominee(party.community)
    record(clerk, party, "party_members", [(person, 45)])
    record(clerk, party, "representatives", [(person, 20)], expected=40, present=20, ballots=20)
    with pytest.raises(ApplicationError) as exc:
        services.nomination_submit(actor=clerk, election=party, person=person, position="member",
                                   channel="party_members")
    assert "居民代表推荐会议应到 40 人、实到 20 人，未超过应到人数的一半，推荐无效。" in refused(exc, "person")[0]


def test_a_replacement_may_come_from_the_recommended_below_half(party, clerk):
    qualifier, low = factories.nominee(party.community), factories.nominee(party.community, name="丙党员")
    two_recommendations(clerk, party, [qualifier], others=[low])
    gap = services.nomination_submit(actor=clerk, election=party, person=qualifier, position="member",
                                     channel="party_members")
    party.stage = "vetting"
    party.save()
    services.nomination_withdraw(actor=clerk, nomination=gap, reason="本人申请退出")
    replacement = services.nomination_submit(actor=clerk, election=party, person=low, position="member",
                                             channel="party_members", replaces=Nomination.objects.get(pk=gap.pk))
    assert (replacement.replaces_id, replacement.recommendation_votes) == (gap.pk, 30)


def test_preliminary_and_fill_gap_need_an_election_day(party, clerk):
    people = party_members(party.community, 3)
    two_recommendations(clerk, party, people)
    type(party).objects.filter(pk=party.pk).update(election_day=None)
    party.refresh_from_db()
    with pytest.raises(Conflict) as exc:
        services.preliminary_nominate(actor=clerk, election=party)
    assert "尚未确定选举日" in exc.value.message
    rejected = factories.nominate(party, person=people[0], status="rejected")
    with pytest.raises(Conflict) as exc:
        services.nomination_fill_gap(actor=clerk, rejected_nomination=rejected)
    assert "尚未确定选举日" in exc.value.message


def test_fill_gap_takes_the_next_by_votes(party, clerk):
    people = party_members(party.community, 11)
    record(clerk, party, "party_members", [(p, 49 - i) for i, p in enumerate(people)], present=50, ballots=50)
    record(clerk, party, "representatives", [(p, 30) for p in people], expected=40, present=30, ballots=30)
    services.preliminary_nominate(actor=clerk, election=party)
    party.stage = "vetting"
    party.save()
    rejected = Nomination.objects.get(person=people[3])
    with pytest.raises(Conflict):
        services.nomination_fill_gap(actor=clerk, rejected_nomination=rejected)  # still live
    Nomination.objects.filter(pk=rejected.pk).update(status="rejected", level="")
    rejected.refresh_from_db()
    stepped = services.nomination_fill_gap(actor=clerk, rejected_nomination=rejected)
    assert stepped.person == people[9]  # the tenth by votes, first not nominated
    assert (stepped.replaces, stepped.position, stepped.recommendation_votes) == (rejected, "member", 40 + 30)
    assert "递补" in events(party, "nomination.fill_gap")[0].summary
    with pytest.raises(Conflict):
        services.nomination_fill_gap(actor=clerk, rejected_nomination=rejected)  # already filled
    second = Nomination.objects.get(person=people[4])
    Nomination.objects.filter(pk=second.pk).update(status="rejected", level="")
    assert services.nomination_fill_gap(actor=clerk, rejected_nomination=second).person == people[10]
    third = Nomination.objects.get(person=people[5])
    Nomination.objects.filter(pk=third.pk).update(status="withdrawn", level="")
    with pytest.raises(ApplicationError) as exc:
        services.nomination_fill_gap(actor=clerk, rejected_nomination=third)
    assert "没有可递补的人选" in exc.value.message


def test_fill_gap_is_for_party_elections(org, clerk):
    election = factories.election(org["community"], stage="vetting")
    rejected = factories.nominate(election, status="rejected")
    with pytest.raises(ApplicationError):
        services.nomination_fill_gap(actor=clerk, rejected_nomination=rejected)


# ---------------------------------------------------------------- 民主测评, pledges, talks


def test_appraisal_of_an_incumbent(party, clerk):
    incumbent = party.incumbents.select_related("person").first()
    appraisal = services.appraisal_record(actor=clerk, election=party, person=incumbent.person, ballots=50,
                                          excellent=30, competent=15, basic=4, incompetent=1, held_on=TODAY)
    assert (appraisal.ballots, appraisal.excellent) == (50, 30)
    services.appraisal_record(actor=clerk, election=party, person=incumbent.person, ballots=50, excellent=31,
                              competent=15, basic=3, incompetent=1)
    assert Appraisal.objects.count() == 1
    assert "90%" in events(party, "appraisal.record")[0].summary
    with pytest.raises(ApplicationError) as exc:
        services.appraisal_record(actor=clerk, election=party, person=incumbent.person, ballots=50, excellent=40,
                                  competent=11)
    assert "多于测评票数" in refused(exc, "ballots")[0]
    with pytest.raises(ApplicationError) as exc:
        services.appraisal_record(actor=clerk, election=party, person=factories.nominee(party.community),
                                  ballots=50)
    assert "不是本届委员会成员" in refused(exc, "person")[0]
    assert [r.shares["good"] for r in selectors.appraisal_list(election=party)] == [92]


def test_pledge_and_talk(org, clerk, users):
    election = factories.election(org["community"], stage="vetting")
    nomination = factories.nominate(election)
    pledge = services.pledge_record(actor=clerk, nomination=nomination, signed_on=TODAY)
    assert pledge.signed_on == TODAY
    services.pledge_record(actor=clerk, nomination=nomination, signed_on=TODAY - dt.timedelta(days=1))
    assert Pledge.objects.count() == 1
    with pytest.raises(ApplicationError) as exc:
        services.pledge_record(actor=clerk, nomination=nomination, signed_on=TODAY + dt.timedelta(days=1))
    assert refused(exc, "signed_on")
    talk = services.nominee_talk_record(actor=clerk, nomination=nomination, held_on=TODAY,
                                        interviewers="街道党工委书记 王某")
    assert (talk.person, talk.campaign, talk.community) == (nomination.person, election.campaign,
                                                           election.community)
    with pytest.raises(ApplicationError) as exc:
        services.nominee_talk_record(actor=clerk, nomination=nomination, held_on=TODAY, interviewers="")
    assert refused(exc, "interviewers")
    before = Event.objects.count()
    with pytest.raises(PermissionDenied):
        services.pledge_record(actor=users["other_clerk"], nomination=nomination, signed_on=TODAY)
    assert Event.objects.count() == before
    assert [e.action for e in events(election)] == ["pledge.record", "pledge.record", "talk.record"]
    assert Talk.objects.filter(person=nomination.person).count() == 1


# ---------------------------------------------------------------- the formal list


@pytest.fixture
def publicity(org):
    return factories.election(org["community"], stage="publicity")


def test_build_places_every_approved_nomination(publicity, clerk):
    slate = factories.approved_slate(publicity)
    factories.nominate(publicity, status="reviewing")
    placed = services.candidate_list_build(actor=clerk, election=publicity)
    assert len(placed) == len(slate) == Candidate.objects.filter(election=publicity).count()
    for position in ("chair", "vice_chair", "member"):
        orders = list(Candidate.objects.filter(election=publicity, position=position).values_list("order", flat=True))
        assert sorted(orders) == list(range(1, len(orders) + 1))
    assert services.candidate_list_build(actor=clerk, election=publicity) == []
    assert len(events(publicity, "candidate_list.build")) == 1


def test_build_needs_approved_nominations_and_the_publicity_stage(org, publicity, clerk, staff):
    with pytest.raises(ApplicationError):
        services.candidate_list_build(actor=clerk, election=publicity)
    vetting = factories.election(org["sibling"], stage="vetting")
    factories.approved_slate(vetting)
    with pytest.raises(Conflict) as exc:
        services.candidate_list_build(actor=staff, election=vetting)
    assert "资格审查" in str(exc.value)
    assert not Candidate.objects.exists()


def test_formal_list_is_ordered_by_surname_strokes(publicity, clerk):
    strokes = pytest.importorskip("candidates.strokes")
    names = ["王五", "丁一", "李四", "方六", "于二", "张三"]
    for name in names:
        factories.nominate(publicity, person=factories.nominee(publicity.community, name=name), status="approved")
    services.candidate_list_build(actor=clerk, election=publicity)
    listed = [c.person.name for c in Candidate.objects.filter(election=publicity).order_by("order")]
    assert listed == sorted(names, key=strokes.name_key)
    assert listed[0] == "丁一"  # 丁: two strokes
    view = selectors.formal_list(election=publicity)
    assert [r.candidate.person.name for r in next(p for p in view if p.position == "member").rows] == listed


def test_add_refuses_a_nomination_not_approved(publicity, clerk):
    reviewing = factories.nominate(publicity)
    with pytest.raises(ApplicationError) as exc:
        services.candidate_add(actor=clerk, nomination=reviewing)
    assert "审查中" in refused(exc, "nomination")[0]
    assert not Candidate.objects.exists() and not events(publicity)
    approved = factories.nominate(publicity, status="approved")
    candidate = services.candidate_add(actor=clerk, nomination=approved)
    assert candidate.order == 1
    with pytest.raises(ApplicationError):
        services.candidate_add(actor=clerk, nomination=approved)


def test_remove_renumbers_and_needs_a_reason(publicity, clerk):
    factories.formal_list(publicity)
    members = list(Candidate.objects.filter(election=publicity, position="member").order_by("order"))
    with pytest.raises(ApplicationError) as exc:
        services.candidate_remove(actor=clerk, candidate=members[0], reason="")
    assert refused(exc, "reason")
    services.candidate_remove(actor=clerk, candidate=members[0], reason="超出差额上限")
    orders = list(Candidate.objects.filter(election=publicity, position="member").order_by("order")
                  .values_list("order", flat=True))
    assert orders == list(range(1, len(members)))
    [event] = events(publicity, "candidate.remove")
    assert event.before["name"] == members[0].person.name and "超出差额上限" in event.summary


def test_publish_checks_the_margin(publicity, clerk):
    factories.formal_list(publicity)
    extra = [factories.nominate(publicity, position="chair", status="approved") for _ in range(2)]
    for n in extra:
        services.candidate_add(actor=clerk, nomination=n)
    with pytest.raises(ApplicationError) as exc:
        services.candidate_list_publish(actor=clerk, election=publicity, published_on=TODAY)
    assert "主任应选 1 名，现有候选人 4 名，至多 3 名。" in exc.value.message
    services.candidate_remove(actor=clerk, candidate=Candidate.objects.get(nomination=extra[0]), reason="多余")
    cl = services.candidate_list_publish(actor=clerk, election=publicity, published_on=TODAY)
    assert cl.published_on == TODAY
    with pytest.raises(Conflict):
        services.candidate_add(actor=clerk, nomination=factories.nominate(publicity, status="approved"))
    with pytest.raises(ApplicationError) as exc:
        services.candidate_list_publish(actor=clerk, election=publicity, published_on=TODAY + dt.timedelta(days=1))
    assert refused(exc, "published_on")


def test_party_list_goes_to_the_street_for_approval(org, clerk, staff, users):
    election = factories.election(org["community"], body="party_committee", stage="publicity")
    factories.formal_list(election, approve=False)
    with pytest.raises(Conflict):
        services.candidate_list_publish(actor=clerk, election=election, published_on=TODAY)
    with pytest.raises(Conflict):
        services.candidate_list_decide(actor=staff, election=election, approve=True)  # not submitted yet
    services.candidate_list_submit(actor=clerk, election=election)
    assert CandidateList.objects.get(election=election).approval == "submitted"
    before = Event.objects.count()
    with pytest.raises(PermissionDenied):
        services.candidate_list_decide(actor=clerk, election=election, approve=True)
    with pytest.raises(PermissionDenied):
        services.candidate_list_decide(actor=users["other_street_staff"], election=election, approve=True)
    assert Event.objects.count() == before
    with pytest.raises(ApplicationError) as exc:
        services.candidate_list_decide(actor=staff, election=election, approve=False)
    assert refused(exc, "reply")
    services.candidate_list_decide(actor=staff, election=election, approve=False, reply="女性人选不足")
    cl = CandidateList.objects.get(election=election)
    assert (cl.approval, cl.approval_reply, cl.approval_on) == ("returned", "女性人选不足", TODAY)
    services.candidate_list_submit(actor=clerk, election=election)
    services.candidate_list_decide(actor=staff, election=election, approve=True)
    assert CandidateList.objects.get(election=election).approval == "approved"
    # a changed list needs the street's approval again
    extra = factories.nominate(election, status="approved")
    services.candidate_add(actor=clerk, nomination=extra)
    assert CandidateList.objects.get(election=election).approval == ""
    assert "重新报街道批复" in events(election, "candidate.add")[0].summary
    services.candidate_list_submit(actor=clerk, election=election)
    services.candidate_list_decide(actor=staff, election=election, approve=True)
    cl = services.candidate_list_publish(actor=clerk, election=election, published_on=TODAY)
    assert cl.published_by == clerk


def test_an_approved_party_list_may_be_submitted_again(org, clerk, staff):
    election = factories.election(org["community"], body="party_committee", stage="publicity")
    factories.formal_list(election)  # approved by the street on 2026-01-07
    cl = services.candidate_list_submit(actor=clerk, election=election)
    assert (cl.approval, cl.approval_on) == ("submitted", None)
    [event] = events(election, "candidate_list.submit")
    assert "重新报送" in event.summary and "2026-01-07 的批复作废" in event.summary
    with pytest.raises(Conflict):
        services.candidate_list_submit(actor=clerk, election=election)
    services.candidate_list_decide(actor=staff, election=election, approve=True)
    assert CandidateList.objects.get(election=election).approval_on == TODAY


def test_rc_lists_need_no_submission(publicity, clerk):
    factories.formal_list(publicity)
    with pytest.raises(ApplicationError):
        services.candidate_list_submit(actor=clerk, election=publicity)


# ---------------------------------------------------------------- selectors


def test_nomination_get_is_scoped(rc, users, clerk):
    nomination = factories.nominate(rc)
    assert selectors.nomination_get(user=clerk, pk=nomination.pk) == nomination
    assert selectors.nomination_get(user=users["street_staff"], pk=nomination.pk) == nomination
    with pytest.raises(Http404):
        selectors.nomination_get(user=users["other_clerk"], pk=nomination.pk)
    assert list(selectors.nomination_list(user=users["other_street_staff"])) == []
    assert list(selectors.nomination_list(user=clerk, election=rc, filters={"status": "approved"})) == []
    assert list(selectors.nomination_list(user=clerk, filters={"q": nomination.person.name[:1]})) == [nomination]


def test_nominee_facts_in_a_fixed_number_of_queries(org, rc, party, django_assert_num_queries):
    father = factories.nominee(org["community"], name="张父", birth=dt.date(1960, 1, 1), education="senior_high")
    son = factories.nominee(org["community"], name="张子", birth=dt.date(1990, 1, 1), sex="male")
    factories.relate(father, son, "child")
    committee = CommitteeMember.objects.filter(election=rc, active=True).first().person
    a = factories.nominate(party, person=father)
    b = factories.nominate(rc, person=son, position="chair")
    c = factories.nominate(rc, person=committee)
    more = factories.nominated(rc, 5)
    with django_assert_num_queries(6):
        facts = selectors.nominee_facts([a, b, c])
    assert facts[a.pk].age == 70 and facts[a.pk].flags == ("over_age", "education_below", "relative_nominated")
    assert facts[b.pk].flags == ("relative_nominated",)
    assert "committee_member" in facts[c.pk].flags and "relative_nominated" not in facts[c.pk].flags
    assert facts[b.pk].sex == "male" and facts[b.pk].party_member and not facts[b.pk].incumbent
    with django_assert_num_queries(6):
        selectors.nominee_facts([a, b, c, *more])
    assert selectors.nominee_relative_pairs(election=rc) == [("张子", "张父")] or \
        selectors.nominee_relative_pairs(election=rc) == [("张父", "张子")]


def test_structure_preview_of_a_slate(org, rc, party):
    factories.nominate(rc, person=factories.nominee(org["community"], name="甲", birth=dt.date(1975, 1, 1),
                                                    sex="male"))
    warnings = selectors.structure_preview(election=rc)
    assert "女性人选 0 名，少于至少 1 名的目标。" in warnings
    assert any("年轻人选 0 名" in w for w in warnings)
    chief = factories.nominee(org["community"], name="赵书记", sex="female")
    factories.nominate(party, person=chief, position="secretary")
    factories.nominate(rc, person=chief, position="chair")
    assert any("一肩挑" in w for w in selectors.community_structure_preview(election=rc))
    summary = {row.position: row for row in selectors.nomination_summary(election=rc)}
    assert (summary["chair"].low, summary["chair"].high, summary["chair"].live) == (2, 3, 1)


def test_formal_list_view_shows_pledges_and_talks(publicity):
    factories.formal_list(publicity, pledged=False, talked=False)
    view = {p.position: p for p in selectors.formal_list(election=publicity)}
    assert list(view) == ["chair", "vice_chair", "member"]
    assert (view["chair"].seats, view["chair"].low, view["chair"].high, len(view["chair"].rows)) == (1, 2, 3, 2)
    assert not any(r.pledged or r.talked for p in view.values() for r in p.rows)
    first = view["member"].rows[0].candidate
    Pledge.objects.create(nomination=first.nomination, signed_on=TODAY, recorded_by=factories.recorder())
    row = selectors.formal_list(election=publicity)[2].rows[0]
    assert (row.pledged_on, row.talked) == (TODAY, False)
    assert selectors.margin_problems_for(election=publicity) == []

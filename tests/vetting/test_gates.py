"""The vetting app's gates read back through the registry: vetting (every nomination decided) and publicity
(period recorded, long enough, over; objections and must-investigate reports closed)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates import services as candidate_services
from candidates.models import CandidateList, Nomination
from elections import gates
from elections.models import Election, Rulebook
from tests import factories
from tests.vetting.conftest import SHANGHAI, TODAY, nominate
from vetting import services
from vetting.models import Objection, Publicity, Report, Review

pytestmark = pytest.mark.django_db

VETTING_CODES = {"nominations_undecided"}
PUBLICITY_CODES = {"publicity_missing", "publicity_too_short", "publicity_not_over", "objections_open",
                   "reports_open", "publicity_not_covering", "approval_before_publicity_end",
                   "list_published_before_publicity_end"}


def blockers(election, codes):
    return [b for b in gates.blockers_for(Election.objects.get(pk=election.pk)) if b.code in codes]


def test_the_gates_are_registered():
    names = {(g.stage, g.name) for g in gates.registered()}
    assert {("vetting", "nominations_decided"), ("publicity", "publicity"),
            ("publicity", "objections_reports")} <= names


def test_vetting_waits_for_every_nomination_and_says_where_each_stands(users, reviewers, departments,
                                                                        vetting_election):
    zhang = nominate(vetting_election, "张三", level="street")
    li = nominate(vetting_election, "李四", level="district")
    wang = nominate(vetting_election, "王五")
    services.review_submit(actor=reviewers["police"], nomination=li, level="district", decision="pass")
    services.review_submit(actor=users["community_clerk"], nomination=wang, level="community", decision="reject",
                           grounds=["unsuitable-03"])
    nominate(vetting_election, "赵六", status="approved", level="")
    nominate(vetting_election, "钱七", status="rejected", level="")
    [blocker] = blockers(vetting_election, VETTING_CODES)
    assert blocker.message == (
        "3 名被提名人尚未审查完毕：张三 待街道全面审查；李四 待民政局、法院联审；王五 不宜情形待街道决定。")
    assert "初审" in blocker.source
    services.review_submit(actor=users["street_staff"], nomination=zhang, level="street", decision="reject",
                           grounds=["ineligible-10"])
    for code in ["civil_affairs", "court"]:
        services.review_submit(actor=reviewers[code], nomination=li, level="district", decision="pass")
    held = Review.objects.get(nomination=wang)
    services.held_decide(actor=users["street_staff"], review=held, decision="uphold", reason="确属不合格党员")
    assert blockers(vetting_election, VETTING_CODES) == []


@pytest.fixture
def publicity_election(org):
    return factories.election(org["community"], stage="publicity")


def record_publicity(election, starts, ends):
    return Publicity.objects.create(election=election, starts_on=starts, ends_on=ends,
                                    recorded_by=factories.recorder())


def test_publicity_must_be_recorded(publicity_election):
    assert [b.code for b in blockers(publicity_election, PUBLICITY_CODES)] == ["publicity_missing"]


def test_publicity_of_exactly_the_minimum_passes_and_one_day_less_is_refused(publicity_election, time_machine):
    record_publicity(publicity_election, dt.date(2026, 2, 20), dt.date(2026, 2, 24))  # 5 days
    assert blockers(publicity_election, PUBLICITY_CODES) == []
    Publicity.objects.filter(election=publicity_election).update(ends_on=dt.date(2026, 2, 23))  # 4 days
    [blocker] = blockers(publicity_election, PUBLICITY_CODES)
    assert blocker.code == "publicity_too_short"
    assert blocker.message == "公示期 2026-02-20 至 2026-02-23 共 4 天，少于规定的 5 天。"
    publicity_election.rule_overrides = {"publicity_min_days": 4}
    publicity_election.save()
    assert blockers(publicity_election, PUBLICITY_CODES) == []


def test_publicity_runs_through_its_last_day(users, publicity_election, time_machine):
    services.publicity_set(actor=users["community_clerk"], election=publicity_election, starts_on=TODAY,
                           ends_on=dt.date(2026, 3, 6))
    [blocker] = blockers(publicity_election, PUBLICITY_CODES)
    assert blocker.code == "publicity_not_over" and "还剩 5 天" in blocker.message
    time_machine.move_to(dt.datetime(2026, 3, 6, 23, 30, tzinfo=SHANGHAI))  # today == ends_on
    [blocker] = blockers(publicity_election, PUBLICITY_CODES)
    assert blocker.code == "publicity_not_over" and "还剩 1 天，含今天" in blocker.message
    time_machine.move_to(dt.datetime(2026, 3, 7, 0, 30, tzinfo=SHANGHAI))  # the day after, still 3-06 in UTC
    assert blockers(publicity_election, PUBLICITY_CODES) == []


def test_open_objections_and_reports_hold_the_publicity_stage(users, reviewers, publicity_election, time_machine):
    record_publicity(publicity_election, dt.date(2026, 2, 20), dt.date(2026, 2, 24))
    clerk = users["community_clerk"]
    zhang = nominate(publicity_election, "张三", status="approved", level="")
    gone = nominate(publicity_election, "钱七", status="rejected", level="")
    objection = services.objection_register(actor=clerk, election=publicity_election, nomination=zhang,
                                            objector="李四", content="x", received_on=TODAY)
    report = services.report_register(actor=clerk, election=publicity_election, nomination=zhang, content="拉票",
                                      categories=["vote_buying"], received_on=dt.date(2026, 2, 10))
    # neither a report that is not a must-investigate one, nor one about a nominee already out, holds anything
    services.report_register(actor=clerk, election=publicity_election, nomination=zhang, content="x",
                             received_on=TODAY)
    services.report_register(actor=clerk, election=publicity_election, nomination=gone, content="x",
                             categories=["specific"], received_on=TODAY)
    found = {b.code: b for b in blockers(publicity_election, PUBLICITY_CODES)}
    assert set(found) == {"objections_open", "reports_open"}
    assert found["objections_open"].message == "1 件公示异议尚未办结：张三（李四，2026-03-02 受理）。"
    assert found["reports_open"].message == (
        "1 件涉及被提名人的必查举报尚未办结，其中 1 件已逾期：张三（办结期限 2026-02-25，已逾期 5 天）。")
    services.objection_resolve(actor=clerk, objection=objection, status="dismissed", finding="不属实")
    services.report_close(actor=reviewers["discipline"], report=report, status="unsubstantiated", finding="查无实据")
    assert blockers(publicity_election, PUBLICITY_CODES) == []
    assert Objection.objects.filter(status="open").count() == 0
    assert Report.objects.filter(status="open").count() == 2


def test_the_collectors_read_many_elections_in_fixed_queries(org, users):
    def measure(count):
        elections = []
        for i in range(count):
            community = factories.jurisdiction(f"社区{count}-{i}", "community", org["street"])
            for stage in ["vetting", "publicity"]:
                e = factories.election(community, stage=stage, body="residents_committee" if stage == "vetting"
                                       else "party_committee", prepared=False)
                nominate(e, f"甲{i}", level="district")
                nominate(e, f"乙{i}", status="approved", level="")
                if stage == "publicity":
                    factories.formal_list(e)  # the candidates, their approval days, the party's 批复
                    record_publicity(e, TODAY - dt.timedelta(days=9), TODAY - dt.timedelta(days=3))
                Objection.objects.create(election=e, objector="x", content="x", received_on=TODAY,
                                         recorded_by=users["street_staff"])
                elections.append(e)
        loaded = list(Election.objects.filter(pk__in=[e.pk for e in elections]).select_related("rulebook"))
        wanted = [g for g in gates.registered() if g.name in {"nominations_decided", "publicity", "objections_reports"}]
        with CaptureQueriesContext(connection) as ctx:
            for gate in wanted:
                gate.collect([e for e in loaded if e.stage == gate.stage])
        return len(ctx.captured_queries)

    assert measure(2) == measure(6)


def approve(nomination, users, reviewers, departments):
    """Through every level of the review: the nomination is approved today."""
    for actor, level in ((users["community_clerk"], "community"), (users["street_staff"], "street")):
        services.review_submit(actor=actor, nomination=Nomination.objects.get(pk=nomination.pk), level=level,
                               decision="pass")
    for code in departments:
        services.review_submit(actor=reviewers[code], nomination=Nomination.objects.get(pk=nomination.pk),
                               level="district", decision="pass")
    return Nomination.objects.get(pk=nomination.pk)


def test_the_publicity_source_is_the_rulebooks(publicity_election):
    publicity_election.rule_overrides = {"publicity_min_days": 7}
    publicity_election.save()
    record_publicity(publicity_election, dt.date(2026, 2, 10), dt.date(2026, 2, 15))
    [blocker] = blockers(publicity_election, PUBLICITY_CODES)
    assert blocker.message == "公示期 2026-02-10 至 2026-02-15 共 6 天，少于规定的 7 天。"
    assert blocker.source == "seed 003" and "5" not in blocker.source  # the preset's source, no stale number
    Rulebook.objects.filter(pk=publicity_election.rulebook_id).update(
        sources={"publicity_min_days": "某区选举办法第九条：公示时间不少于7天"})
    [blocker] = blockers(publicity_election, PUBLICITY_CODES)
    assert blocker.source == "某区选举办法第九条：公示时间不少于7天"
    Publicity.objects.filter(election=publicity_election).delete()
    [missing] = blockers(publicity_election, PUBLICITY_CODES)
    assert (missing.code, missing.source) == ("publicity_missing", "某区选举办法第九条：公示时间不少于7天")


def test_a_replacement_approved_after_the_publicity_began_needs_a_new_one(users, reviewers, departments,
                                                                           publicity_election):
    record_publicity(publicity_election, TODAY - dt.timedelta(days=10), TODAY - dt.timedelta(days=5))
    listed = factories.formal_list(publicity_election)
    Nomination.objects.filter(election=publicity_election).update(
        decided_at=dt.datetime(2026, 2, 20, 18, 0, tzinfo=SHANGHAI))  # the publicity's first day: covered
    assert blockers(publicity_election, PUBLICITY_CODES) == []
    clerk = users["community_clerk"]
    candidate_services.nomination_withdraw(actor=clerk, nomination=listed[-1].nomination, reason="本人申请退出")
    replacement = candidate_services.nomination_submit(
        actor=clerk, election=publicity_election, person=factories.nominee(publicity_election.community, name="韩递补"),
        position=listed[-1].position, channel="party_org", replaces=Nomination.objects.get(pk=listed[-1].nomination_id))
    candidate_services.candidate_add(actor=clerk, nomination=approve(replacement, users, reviewers, departments))
    [blocker] = blockers(publicity_election, PUBLICITY_CODES)
    assert blocker.code == "publicity_not_covering"
    assert blocker.message == "1 名正式候选人在公示开始（2026-02-20）后才审查通过，未经公示：韩递补（2026-03-02 审查通过）。"
    assert blocker.fix == "为递补人选重新公示（公示期不少于 5 天）。" and blocker.source == "seed 003"
    services.publicity_set(actor=clerk, election=publicity_election, starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=4))
    assert [b.code for b in blockers(publicity_election, PUBLICITY_CODES)] == ["publicity_not_over"]


def test_the_party_approval_and_the_publication_come_after_the_publicity(org, users, publicity_election):
    party = factories.election(org["sibling"], body="party_committee", stage="publicity")
    for election in (party, publicity_election):
        record_publicity(election, dt.date(2026, 2, 20), dt.date(2026, 2, 24))
        factories.formal_list(election)  # the party's approved by the street on 2026-01-07
    [early] = blockers(party, PUBLICITY_CODES)
    assert early.code == "approval_before_publicity_end"
    assert early.message == ("街道党工委于 2026-01-07 批复候选人预备人选，公示期（2026-02-20 至 2026-02-24）尚未期满："
                             "须公示期满后再请示批复。")
    assert early.source.startswith("seed 003：公示结束后") and "2026-02-25" in early.fix
    assert blockers(publicity_election, PUBLICITY_CODES) == []  # the RC has no 批复
    CandidateList.objects.filter(election=party).update(approval_on=dt.date(2026, 2, 24))  # the last day: early
    assert [b.code for b in blockers(party, PUBLICITY_CODES)] == ["approval_before_publicity_end"]
    CandidateList.objects.filter(election=party).update(approval_on=dt.date(2026, 2, 25))
    assert blockers(party, PUBLICITY_CODES) == []
    for election in (party, publicity_election):
        CandidateList.objects.update_or_create(election=election, defaults={"published_on": dt.date(2026, 2, 24)})
        [published] = blockers(election, PUBLICITY_CODES)
        assert published.code == "list_published_before_publicity_end"
        assert published.message.startswith("正式候选人名单须在公示期满后公布：登记的公布日期 2026-02-24")
        CandidateList.objects.filter(election=election).update(published_on=dt.date(2026, 2, 25))
        assert blockers(election, PUBLICITY_CODES) == []


def test_a_party_list_approved_during_the_publicity_is_submitted_again(org, users, time_machine):
    party = factories.election(org["community"], body="party_committee", stage="publicity")
    record_publicity(party, TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=3))
    factories.formal_list(party, approve=False)
    clerk, street = users["community_clerk"], users["street_staff"]
    candidate_services.candidate_list_submit(actor=clerk, election=party)
    candidate_services.candidate_list_decide(actor=street, election=party, approve=True)
    assert {"publicity_not_over", "approval_before_publicity_end"} == {
        b.code for b in blockers(party, PUBLICITY_CODES)}
    time_machine.move_to(dt.datetime(2026, 3, 6, 9, 0, tzinfo=SHANGHAI))
    assert [b.code for b in blockers(party, PUBLICITY_CODES)] == ["approval_before_publicity_end"]
    candidate_services.candidate_list_submit(actor=clerk, election=party)
    candidate_services.candidate_list_decide(actor=street, election=party, approve=True)
    assert blockers(party, PUBLICITY_CODES) == []

"""The vetting app's gates read back through the registry: vetting (every nomination decided) and publicity
(period recorded, long enough, over; objections and must-investigate reports closed)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from elections import gates
from elections.models import Election
from tests import factories
from tests.vetting.conftest import SHANGHAI, TODAY, nominate
from vetting import services
from vetting.models import Objection, Publicity, Report, Review

pytestmark = pytest.mark.django_db

VETTING_CODES = {"nominations_undecided"}
PUBLICITY_CODES = {"publicity_missing", "publicity_too_short", "publicity_not_over", "objections_open",
                   "reports_open"}


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

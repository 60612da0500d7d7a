"""The stage machine, seat plans, the audit trail and reminders, through the services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from elections import audit, gates, rules, services
from elections.errors import ApplicationError, Conflict, StageBlocked
from elections.models import Event, Notification, StageTransition
from tests import factories

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- stage machine


def test_a_refused_advance_lists_every_blocker(org, users):
    election = factories.election(org["community"], approved=False, election_day=None,
                                  seats={"chair": 1, "vice_chair": 1, "member": 8})
    with pytest.raises(StageBlocked) as caught:
        services.election_advance(actor=users["community_clerk"], election=election)
    codes = [b.code for b in caught.value.blockers]
    assert codes == ["seat_plan_out_of_limits", "seat_plan_not_approved", "election_day_missing"]
    for blocker in caught.value.blockers:
        assert blocker.message and blocker.source and blocker.fix
    election.refresh_from_db()
    assert election.stage == "preparation"
    assert not StageTransition.objects.exists()


def test_an_advance_moves_one_stage_and_is_recorded(org, users):
    election = factories.election(org["community"])
    services.election_advance(actor=users["community_clerk"], election=election)
    election.refresh_from_db()
    assert election.stage == "nomination"
    transition = StageTransition.objects.get()
    assert (transition.from_stage, transition.to_stage, transition.kind) == ("preparation", "nomination", "advance")
    event = Event.objects.get(election=election, action="stage.advance")
    assert event.before == {"stage": "preparation"} and event.after == {"stage": "nomination"}
    assert event.actor == users["community_clerk"]


def test_a_stale_advance_is_a_conflict(org, users):
    election = factories.election(org["community"], stage="nomination")
    with pytest.raises(Conflict, match="已处于“提名”阶段"):
        services.election_advance(actor=users["community_clerk"], election=election, expected_stage="preparation")


def test_closed_has_no_next_stage(org, users):
    election = factories.election(org["community"], stage="closed")
    with pytest.raises(Conflict, match="没有下一阶段"):
        services.election_advance(actor=users["street_staff"], election=election)


def test_voting_waits_for_election_day(org, users, time_machine):
    """The election day gate alone (the voter list, stations and formal list have gates of their own, in the
    ballots app): the day before election day it blocks, on the day it holds."""
    time_machine.move_to(dt.datetime(2030, 1, 9, 10, tzinfo=dt.UTC))
    election = factories.election(org["community"], stage="voting", election_day=dt.date(2030, 1, 10))
    with pytest.raises(StageBlocked) as caught:
        services.election_advance(actor=users["community_clerk"], election=election)
    assert "election_day_not_reached" in [b.code for b in caught.value.blockers]
    time_machine.move_to(dt.datetime(2030, 1, 10, 10, tzinfo=dt.UTC))
    assert "election_day_not_reached" not in [b.code for b in gates.blockers_for(election)]


def test_gates_registered_by_other_apps_are_seen(org, users):
    """The registry: a gate registered from outside the elections app blocks like any other."""
    election = factories.election(org["community"], stage="nomination")
    seen = []

    def collect(elections):
        seen.append([e.pk for e in elections])
        return {e.pk: len(elections) for e in elections}

    def check(facts, rules_):
        return [rules.Blocker("test_gate", f"测试条件 {facts}", "测试", "无")]

    gates.register("nomination", "test_gate", "测试", collect=collect, check=check, bodies=["residents_committee"])
    try:
        with pytest.raises(StageBlocked) as caught:
            services.election_advance(actor=users["community_clerk"], election=election)
        assert "test_gate" in [b.code for b in caught.value.blockers]
        party = factories.election(org["community"], body="party_committee", stage="nomination",
                                   camp=election.campaign)
        assert "test_gate" not in [b.code for b in gates.blockers_for(party)]  # bodies filter
        assert seen == [[election.pk]]
    finally:
        gates._REGISTRY.pop(("nomination", "test_gate"))


def test_reopen_needs_a_higher_level_and_a_reason(org, users):
    election = factories.election(org["community"], stage="vetting")
    with pytest.raises(PermissionDenied):
        services.election_reopen(actor=users["community_clerk"], election=election, stage="nomination", reason="x")
    with pytest.raises(ApplicationError) as caught:
        services.election_reopen(actor=users["street_staff"], election=election, stage="nomination", reason="  ")
    assert "reason" in caught.value.errors
    with pytest.raises(ApplicationError) as caught:
        services.election_reopen(actor=users["street_staff"], election=election, stage="publicity", reason="r")
    assert "stage" in caught.value.errors
    services.election_reopen(actor=users["street_staff"], election=election, stage="nomination",
                             reason="提名材料有误，重新提名")
    election.refresh_from_db()
    assert election.stage == "nomination"
    event = Event.objects.get(election=election, action="stage.reopen")
    assert event.after["reason"] == "提名材料有误，重新提名"
    assert StageTransition.objects.get(kind="reopen").reason == "提名材料有误，重新提名"


def test_the_other_street_cannot_touch_it(org, users):
    election = factories.election(org["community"])
    with pytest.raises(PermissionDenied):
        services.election_advance(actor=users["other_street_staff"], election=election)
    with pytest.raises(PermissionDenied):
        services.election_advance(actor=users["district_reviewer"], election=election)


# ---------------------------------------------------------------- seat plans


def test_seat_plan_revision_voids_the_approval(org, users):
    election = factories.election(org["community"], approved=True)
    services.seat_plan_set(actor=users["street_staff"], election=election,
                           seats=[{"position": "chair", "count": 1}, {"position": "vice_chair", "count": 2},
                                  {"position": "member", "count": 4}])
    election.refresh_from_db()
    assert election.seat_plan_approved_at is None
    assert [b.code for b in gates.blockers_for(election)] == ["seat_plan_not_approved"]
    services.seat_plan_approve(actor=users["district_admin"], election=election)
    election.refresh_from_db()
    assert gates.blockers_for(election) == []
    assert Event.objects.filter(election=election, action="seat_plan.approve").count() == 1


def test_only_the_district_approves_and_only_a_lawful_plan(org, users):
    election = factories.election(org["community"], approved=False, seats={"chair": 1, "vice_chair": 1, "member": 8})
    with pytest.raises(PermissionDenied):
        services.seat_plan_approve(actor=users["street_staff"], election=election)
    with pytest.raises(ApplicationError) as caught:
        services.seat_plan_approve(actor=users["district_admin"], election=election)
    assert "10 人" in caught.value.errors["seats"][0]


def test_seat_positions_must_belong_to_the_body(org, users):
    election = factories.election(org["community"], body="party_committee")
    with pytest.raises(ApplicationError) as caught:
        services.seat_plan_set(actor=users["street_staff"], election=election, seats=[{"position": "chair", "count": 1}])
    assert "没有职位" in caught.value.errors["seats"][0]


def test_clerks_cannot_propose_seat_plans(org, users):
    election = factories.election(org["community"])
    with pytest.raises(PermissionDenied):
        services.seat_plan_set(actor=users["community_clerk"], election=election,
                               seats=[{"position": "chair", "count": 1}])


# ---------------------------------------------------------------- elections


def test_election_create_checks_everything_at_once(org, users):
    from elections.models import Rulebook

    campaign = factories.campaign(org["street"])
    with pytest.raises(ApplicationError) as caught:
        services.election_create(actor=users["district_admin"], campaign=campaign, community=org["other_community"],
                                 body="party_committee", kind="general", rulebook=Rulebook.objects.get(code="rc-general"),
                                 rule_overrides={"proxy_limit": "many"})
    assert set(caught.value.errors) == {"community", "rulebook", "rule_overrides"}


def test_one_election_per_body_per_community_and_campaign(org, users):
    from elections.models import Rulebook

    campaign = factories.campaign(org["street"])
    kwargs = {"actor": users["street_staff"], "campaign": campaign, "community": org["community"],
              "body": "residents_committee", "kind": "general", "rulebook": Rulebook.objects.get(code="rc-general")}
    services.election_create(**kwargs)
    with pytest.raises(ApplicationError, match="选举信息有误") as caught:
        services.election_create(**kwargs)
    assert "已有居民委员会选举" in caught.value.errors["body"][0]


def test_invalid_overrides_block_the_stage_as_well(org):
    election = factories.election(org["community"], rule_overrides={"proxy_limit": 99})
    assert [b.code for b in gates.blockers_for(election)] == ["rulebook_invalid"]


# ---------------------------------------------------------------- audit trail


def test_every_write_is_chained_per_election(org, users):
    election = factories.election(org["community"], approved=False)
    services.election_update(actor=users["community_clerk"], election=election, election_day=dt.date(2030, 2, 1))
    services.seat_plan_approve(actor=users["district_admin"], election=election)
    services.election_advance(actor=users["community_clerk"], election=election)
    events = list(Event.objects.filter(election=election).order_by("seq"))
    assert [e.action for e in events] == ["election.update", "seat_plan.approve", "stage.advance"]
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == "" and events[1].prev_hash == events[0].hash
    assert events[0].before["election_day"] == "2030-01-10" and events[0].after["election_day"] == "2030-02-01"
    assert audit.verify_chain(audit.chain_key(election.pk)) == []


def test_events_cannot_be_changed_or_deleted_through_the_orm(org, users):
    election = factories.election(org["community"])
    services.election_update(actor=users["community_clerk"], election=election, election_day=dt.date(2030, 2, 1))
    event = Event.objects.get()
    event.summary = "改过"
    with pytest.raises(Exception, match="只能追加"):
        event.save()
    with pytest.raises(Exception, match="只能追加"):
        event.delete()


def _tamper(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _three_events(org, users):
    election = factories.election(org["community"], approved=False)
    services.election_update(actor=users["community_clerk"], election=election, election_day=dt.date(2030, 2, 1))
    services.seat_plan_approve(actor=users["district_admin"], election=election)
    services.election_advance(actor=users["community_clerk"], election=election)
    call_command("verify_events")  # intact
    return election


def test_verify_events_detects_an_altered_row(org, users):
    election = _three_events(org, users)
    _tamper(f"UPDATE {Event._meta.db_table} SET summary = %s WHERE election_id = %s AND seq = 2",
            ["改过的说明", election.pk])
    with pytest.raises(CommandError, match="审计记录校验失败"):
        call_command("verify_events")
    problems = audit.verify_chain(audit.chain_key(election.pk))
    assert [(p.seq, "篡改" in p.message) for p in problems] == [(2, True)]


def test_verify_events_detects_a_deleted_row(org, users):
    election = _three_events(org, users)
    _tamper(f"DELETE FROM {Event._meta.db_table} WHERE election_id = %s AND seq = 2", [election.pk])
    problems = audit.verify_chain(audit.chain_key(election.pk))
    assert any("被删除" in p.message for p in problems)
    assert any("链接断裂" in p.message for p in problems)


def test_verify_events_detects_a_removed_tail(org, users):
    election = _three_events(org, users)
    _tamper(f"DELETE FROM {Event._meta.db_table} WHERE election_id = %s AND seq = 3", [election.pk])
    problems = audit.verify_chain(audit.chain_key(election.pk))
    assert [p.message for p in problems] == ["链尾记录缺失或链头被改动。"]


def test_verify_events_detects_a_rehashed_row(org, users):
    """Recomputing one row's hash after editing it still breaks the next row's link."""
    election = _three_events(org, users)
    event = Event.objects.get(election=election, seq=2)
    event.summary = "伪造"
    new_hash = audit.digest(audit.event_payload(event))
    _tamper(f"UPDATE {Event._meta.db_table} SET summary = %s, hash = %s WHERE id = %s", ["伪造", new_hash, event.pk])
    problems = audit.verify_chain(audit.chain_key(election.pk))
    assert [(p.seq, "链接断裂" in p.message) for p in problems] == [(3, True)]


# ---------------------------------------------------------------- reminders


def test_deadline_scan_notifies_the_responsible_once(org, users):
    today = dt.date(2026, 11, 22)
    campaign = factories.campaign(org["street"], milestones=[("准备工作完成", today + dt.timedelta(days=3)),
                                                            ("远期节点", today + dt.timedelta(days=30))])
    factories.election(org["community"], camp=campaign)
    created = services.deadline_scan(today=today, offsets=[7, 3, 1, 0])
    recipients = set(Notification.objects.values_list("user__username", flat=True))
    assert recipients == {"xi_staff", "clerk"}  # the street's staff and the clerk of a community at work on it
    assert created == 2
    assert services.deadline_scan(today=today, offsets=[7, 3, 1, 0]) == 0  # idempotent
    assert Notification.objects.count() == 2
    assert Notification.objects.get(user=users["street_staff"]).title == "即将到期：准备工作完成"


def test_overdue_milestones_remind_daily(org, users):
    campaign = factories.campaign(org["street"], milestones=[("逾期节点", dt.date(2026, 11, 20))])
    factories.election(org["community"], camp=campaign)
    services.deadline_scan(today=dt.date(2026, 11, 22), offsets=[3])
    services.deadline_scan(today=dt.date(2026, 11, 22), offsets=[3])
    services.deadline_scan(today=dt.date(2026, 11, 23), offsets=[3])
    clerk_notes = Notification.objects.filter(user=users["community_clerk"]).order_by("key")
    assert [n.key.split(":", 2)[-1] for n in clerk_notes] == ["overdue:2026-11-22", "overdue:2026-11-23"]
    assert all(n.overdue for n in clerk_notes)
    assert "已逾期 2 天" in clerk_notes[0].message


def test_done_milestones_and_finished_elections_are_quiet(org, users):
    campaign = factories.campaign(org["street"], milestones=[("已完成", dt.date(2026, 11, 22))])
    campaign.milestones.update(done=True)
    factories.election(org["community"], camp=campaign)
    assert services.deadline_scan(today=dt.date(2026, 11, 22), offsets=[0]) == 0
    campaign.milestones.update(done=False)
    campaign.elections.update(stage="closed")
    services.deadline_scan(today=dt.date(2026, 11, 22), offsets=[0])
    assert not Notification.objects.filter(user=users["community_clerk"]).exists()  # nothing left to do there

"""The handover through the services: only in the handover stage, only by election workers in scope, one event
per change; read back through the gate (``gates.blockers_for``); and the flow to ``closed``."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from elections import audit, gates, services
from elections.errors import ApplicationError, Conflict, StageBlocked
from elections.models import Election, Event, Handover, HandoverItem
from tests import factories

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 3, 12)
TOOK_OFFICE = dt.date(2026, 3, 2)  # the deadline is 3-12: today


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 12, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def clerk(users):
    return users["community_clerk"]


def handover_election(org, body="residents_committee", **kw):
    return factories.election(org["community"], body=body, stage="handover", prepared=False, **kw)


def codes(election) -> list[str]:
    return [b.code for b in gates.blockers_for(Election.objects.get(pk=election.pk))]


def complete(actor, election, done_on=dt.date(2026, 3, 10)):
    services.took_office_set(actor=actor, election=election, took_office_on=TOOK_OFFICE)
    for kind, what in [("seal", "居委会公章 1 枚"), ("archive", "换届档案 12 盒"), ("assets", "集体资产台账 3 册"),
                       ("premises", "居委会办公楼 2 层")]:
        services.handover_item_add(actor=actor, election=election, kind=kind, description=what, handed_by="老主任",
                                   received_by="新主任", witness="街道干部", done_on=done_on)


def test_a_fresh_handover_shows_every_blocker(org):
    election = handover_election(org)
    assert codes(election) == ["took_office_missing", "handover_items_missing"]


def test_a_complete_handover_clears_the_gate_and_records_one_event_per_change(org, clerk):
    election = handover_election(org)
    complete(clerk, election)
    assert codes(election) == []
    actions = list(Event.objects.filter(election=election).order_by("seq").values_list("action", flat=True))
    assert actions == ["handover.took_office"] + ["handover_item.create"] * 4
    assert "2026-03-12 前完成" in Event.objects.get(action="handover.took_office").summary
    assert audit.verify_all()[1] == []


def test_setting_the_same_date_again_records_nothing(org, clerk):
    election = handover_election(org)
    services.took_office_set(actor=clerk, election=election, took_office_on=TOOK_OFFICE)
    services.took_office_set(actor=clerk, election=election, took_office_on=TOOK_OFFICE)
    assert Event.objects.filter(election=election).count() == 1


def test_an_item_added_unsigned_blocks_until_signed(org, clerk):
    election = handover_election(org)
    complete(clerk, election)
    item = services.handover_item_add(actor=clerk, election=election, kind="other", description="办公电脑 2 台")
    assert codes(election) == ["handover_item_incomplete"]
    message = gates.blockers_for(Election.objects.get(pk=election.pk))[0].message
    assert "其他“办公电脑 2 台”缺移交人、接收人、监交人、移交日期" in message
    item = services.handover_item_update(actor=clerk, item=item, handed_by="甲", received_by="乙", witness="丙",
                                         done_on=TODAY, version=1)
    assert item.version == 2 and codes(election) == []
    update = Event.objects.get(election=election, action="handover_item.update")
    assert update.before["witness"] == "" and update.after["witness"] == "丙"
    assert "移交人、接收人、监交人、移交日期" in update.summary


def test_a_stale_version_is_a_conflict_and_changes_nothing(org, clerk):
    election = handover_election(org)
    item = services.handover_item_add(actor=clerk, election=election, kind="seal", description="公章")
    services.handover_item_update(actor=clerk, item=item, witness="丙")
    with pytest.raises(Conflict):
        services.handover_item_update(actor=clerk, item=item, witness="丁", version=1)
    assert HandoverItem.objects.get(pk=item.pk).witness == "丙"


def test_an_unchanged_update_records_nothing(org, clerk):
    election = handover_election(org)
    item = services.handover_item_add(actor=clerk, election=election, kind="seal", description="公章",
                                      done_on=TODAY)
    services.handover_item_update(actor=clerk, item=item, description="公章", done_on=TODAY)
    assert HandoverItem.objects.get(pk=item.pk).version == 1
    assert not Event.objects.filter(action="handover_item.update").exists()


def test_delete_needs_a_reason_and_is_recorded(org, clerk):
    election = handover_election(org)
    item = services.handover_item_add(actor=clerk, election=election, kind="seal", description="公章")
    with pytest.raises(ApplicationError) as caught:
        services.handover_item_delete(actor=clerk, item=item, reason="  ")
    assert "reason" in caught.value.errors and HandoverItem.objects.filter(pk=item.pk).exists()
    services.handover_item_delete(actor=clerk, item=item, reason="重复登记")
    assert not HandoverItem.objects.filter(pk=item.pk).exists()
    event = Event.objects.get(action="handover_item.delete")
    assert event.before["description"] == "公章" and event.after == {"reason": "重复登记"}
    assert "重复登记" in event.summary


def test_a_late_item_blocks_until_the_street_explains(org, clerk, users):
    election = handover_election(org)
    complete(clerk, election, done_on=dt.date(2026, 3, 10))
    services.handover_item_add(actor=clerk, election=election, kind="other", description="遗留债务说明",
                               handed_by="甲", received_by="乙", witness="丙", done_on=TODAY)
    assert codes(election) == []  # the 10th day
    services.took_office_set(actor=clerk, election=election, took_office_on=dt.date(2026, 3, 1))
    assert codes(election) == ["handover_late"]
    with pytest.raises(PermissionDenied):  # the community may not excuse its own delay
        services.handover_delay_accept(actor=clerk, election=election, note="新主任住院")
    with pytest.raises(ApplicationError):
        services.handover_delay_accept(actor=users["street_staff"], election=election, note="")
    services.handover_delay_accept(actor=users["street_staff"], election=election, note="新主任住院，推迟一天")
    assert codes(election) == []
    assert Event.objects.filter(election=election, action="handover.delay_accept").count() == 1


def test_dates_that_do_not_fit_are_refused(org, clerk):
    election = handover_election(org)
    services.took_office_set(actor=clerk, election=election, took_office_on=TOOK_OFFICE)
    with pytest.raises(ApplicationError) as caught:
        services.handover_item_add(actor=clerk, election=election, kind="seal", description="公章",
                                   done_on=dt.date(2026, 3, 1))
    assert "done_on" in caught.value.errors
    services.handover_item_add(actor=clerk, election=election, kind="seal", description="公章",
                               done_on=dt.date(2026, 3, 3))
    with pytest.raises(ApplicationError) as caught:  # taking office after something was already handed over
        services.took_office_set(actor=clerk, election=election, took_office_on=dt.date(2026, 3, 4))
    assert "took_office_on" in caught.value.errors
    with pytest.raises(ApplicationError):
        services.took_office_set(actor=clerk, election=election, took_office_on=dt.date(2026, 3, 13))
    assert Handover.objects.get(election=election).took_office_on == TOOK_OFFICE


@pytest.mark.parametrize("stage", ["counting", "closed", "preparation"])
def test_only_in_the_handover_stage(org, clerk, stage):
    election = handover_election(org)
    item = services.handover_item_add(actor=clerk, election=election, kind="seal", description="公章")
    Election.objects.filter(pk=election.pk).update(stage=stage)
    events = Event.objects.count()
    for call in (
        lambda: services.took_office_set(actor=clerk, election=election, took_office_on=TOOK_OFFICE),
        lambda: services.handover_item_add(actor=clerk, election=election, kind="seal", description="公章"),
        lambda: services.handover_item_update(actor=clerk, item=item, witness="丙"),
        lambda: services.handover_item_delete(actor=clerk, item=item, reason="错"),
    ):
        with pytest.raises(Conflict) as caught:
            call()
        assert "“移交”阶段" in caught.value.message
    assert Event.objects.count() == events and HandoverItem.objects.get(pk=item.pk).witness == ""
    assert not Handover.objects.filter(election=election).exists()


@pytest.mark.parametrize(("role", "own", "allowed"), [
    ("community_clerk", True, True), ("street_staff", True, True), ("district_admin", True, True),
    ("district_reviewer", True, False),
    ("other_clerk", False, False), ("other_street_staff", False, False),
])
def test_who_may_record_the_handover(org, users, role, own, allowed):
    election = handover_election(org)
    actor = users[role]
    before = (Event.objects.count(), HandoverItem.objects.count())
    if allowed:
        services.handover_item_add(actor=actor, election=election, kind="seal", description="公章")
        services.took_office_set(actor=actor, election=election, took_office_on=TOOK_OFFICE)
        assert HandoverItem.objects.count() == before[1] + 1
        return
    with pytest.raises(PermissionDenied):
        services.handover_item_add(actor=actor, election=election, kind="seal", description="公章")
    with pytest.raises(PermissionDenied):
        services.took_office_set(actor=actor, election=election, took_office_on=TOOK_OFFICE)
    assert (Event.objects.count(), HandoverItem.objects.count()) == before  # a refusal leaves no row, no event
    assert not Handover.objects.filter(election=election).exists()


def test_a_refused_item_leaves_no_row_and_no_event(org, clerk):
    election = handover_election(org)
    with pytest.raises(ApplicationError) as caught:
        services.handover_item_add(actor=clerk, election=election, kind="seal", description="公章",
                                   handed_by="张三", received_by="张三")
    assert "received_by" in caught.value.errors
    assert not HandoverItem.objects.exists() and not Event.objects.filter(election=election).exists()


@pytest.mark.parametrize("body", ["residents_committee", "party_committee", "supervision_committee"])
def test_the_gate_holds_for_every_body_and_a_complete_handover_closes_the_election(org, clerk, body):
    election = handover_election(org, body=body)
    with pytest.raises(StageBlocked) as caught:
        services.election_advance(actor=clerk, election=election)
    assert {b.code for b in caught.value.blockers} == {"took_office_missing", "handover_items_missing"}
    complete(clerk, election)
    assert services.election_advance(actor=clerk, election=election).stage == "closed"

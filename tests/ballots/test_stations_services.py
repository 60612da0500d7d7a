"""Polling stations through the services: one event per change; a refusal names its field and leaves no row and
no event behind."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ballots.models import Station
from ballots.services import stations as services
from elections.errors import ApplicationError, Conflict
from elections.models import Event
from tests import factories
from tests.ballots import stations_factories as sf

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2029, 12, 20, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def clerk(users):
    return users["community_clerk"]


@pytest.fixture
def rc(org):
    return factories.election(org["community"], stage="voting", prepared=False)


def events(election, action):
    return list(Event.objects.filter(election=election, action=action))


def test_station_create_cleans_orders_and_records_one_event(clerk, rc):
    central = services.station_create(actor=clerk, election=rc, name=" 中心会场 ", kind="central",
                                      location="社区服务中心", ballots_planned=800)
    box = services.station_create(actor=clerk, election=rc, name="流动票箱一", kind="mobile",
                                  supervisors="王一、李二，王一\n赵三")

    assert (central.order, box.order) == (1, 2)
    assert central.name == "中心会场"
    assert box.supervisors == ["王一", "李二", "赵三"]
    [event] = events(rc, "station.create")[-1:]
    assert event.after["supervisors"] == ["王一", "李二", "赵三"]
    assert "流动票箱一" in event.summary and "王一、李二、赵三" in event.summary
    assert len(events(rc, "station.create")) == 2


def test_an_understaffed_mobile_box_is_recorded(clerk, rc):
    box = services.station_create(actor=clerk, election=rc, name="流动票箱一", kind="mobile", supervisors=["王一"])
    assert Station.objects.filter(pk=box.pk).exists()


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"name": "", "kind": "station"}, "name"),
    ({"name": "中心会场", "kind": "central"}, "kind"),  # a second central venue
    ({"name": "已有", "kind": "station"}, "name"),  # a taken name
    ({"name": "x", "kind": "booth"}, "kind"),
    ({"name": "x", "kind": "station", "ballots_planned": -5}, "ballots_planned"),
])
def test_station_create_refusals_leave_nothing(clerk, rc, kwargs, field):
    sf.station(rc, "主会场", kind="central")
    sf.station(rc, "已有")
    before = (Station.objects.count(), Event.objects.count())

    with pytest.raises(ApplicationError) as exc:
        services.station_create(actor=clerk, election=rc, **kwargs)

    assert field in exc.value.errors
    assert (Station.objects.count(), Event.objects.count()) == before


def test_a_by_election_by_the_representatives_has_the_central_venue_only(clerk, org):
    by = factories.election(org["community"], kind="by_election", stage="voting", prepared=False,
                            seats={"member": 1})
    services.station_create(actor=clerk, election=by, name="中心会场", kind="central")
    with pytest.raises(ApplicationError) as exc:
        services.station_create(actor=clerk, election=by, name="第一投票站", kind="station")
    assert "只设立中心会场" in exc.value.errors["kind"][0]
    assert Station.objects.filter(election=by).count() == 1


@pytest.mark.parametrize("stage", ["preparation", "publicity", "voting"])
def test_stations_are_set_up_from_preparation_to_voting(clerk, org, stage):
    e = factories.election(org["community"], stage=stage, prepared=False)
    assert services.station_create(actor=clerk, election=e, name="中心会场", kind="central").pk


@pytest.mark.parametrize("stage", ["counting", "handover"])
def test_no_station_change_once_counting(clerk, org, stage):
    e = factories.election(org["community"], stage=stage, prepared=False)
    s = sf.station(e, "第一投票站")
    with pytest.raises(Conflict):
        services.station_create(actor=clerk, election=e, name="中心会场", kind="central")
    with pytest.raises(Conflict):
        services.station_update(actor=clerk, station=s, location="新地点")
    with pytest.raises(Conflict):
        services.station_delete(actor=clerk, station=s)
    assert Event.objects.filter(election=e).count() == 0


def test_station_update_records_before_and_after(clerk, rc):
    box = sf.station(rc, "流动票箱一", kind="mobile", supervisors=["王一", "李二"])

    services.station_update(actor=clerk, station=box, supervisors=["王一", "李二", "赵三"], ballots_planned=30)

    box.refresh_from_db()
    assert box.supervisors == ["王一", "李二", "赵三"] and box.ballots_planned == 30
    [event] = events(rc, "station.update")
    assert event.before["supervisors"] == ["王一", "李二"] and event.after["supervisors"] == ["王一", "李二", "赵三"]
    assert "监票人" in event.summary and "计划发放选票数" in event.summary


def test_an_update_that_changes_nothing_records_nothing(clerk, rc):
    s = sf.station(rc, "第一投票站", location="一楼")
    services.station_update(actor=clerk, station=s, location=" 一楼 ")
    assert events(rc, "station.update") == []


def test_an_update_may_not_take_a_name_in_use(clerk, rc):
    sf.station(rc, "第一投票站")
    s = sf.station(rc, "第二投票站")
    with pytest.raises(ApplicationError) as exc:
        services.station_update(actor=clerk, station=s, name="第一投票站")
    assert "name" in exc.value.errors
    s.refresh_from_db()
    assert s.name == "第二投票站"


def test_station_delete_records_an_event(clerk, rc):
    s = sf.station(rc, "第一投票站")
    services.station_delete(actor=clerk, station=s, reason="合并到中心会场")
    assert not Station.objects.filter(pk=s.pk).exists()
    [event] = events(rc, "station.delete")
    assert event.before["name"] == "第一投票站" and "合并到中心会场" in event.summary


def test_a_station_with_a_tally_cannot_be_deleted_nor_change_kind(clerk, rc):
    s = sf.station(rc, "第一投票站")
    sf.tally(s)
    with pytest.raises(Conflict, match="已有计票记录"):
        services.station_delete(actor=clerk, station=s)
    with pytest.raises(Conflict, match="不能改变类型"):
        services.station_update(actor=clerk, station=s, kind="mobile")
    assert Station.objects.filter(pk=s.pk).exists()
    assert events(rc, "station.delete") == [] and events(rc, "station.update") == []
    # its supervisors may still be corrected
    services.station_update(actor=clerk, station=s, supervisors=["王一"])
    assert len(events(rc, "station.update")) == 1

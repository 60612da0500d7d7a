"""Services of the voter roll: registration (eligibility, one active registration per campaign and body), removal,
correction, settings, publication, objections and their decisions; every refusal and every event."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from ballots.models import Proxy, RollObjection, Voter, VoterRoll
from ballots.services import voters as services
from elections.errors import ApplicationError, Conflict
from elections.models import Event
from tests import factories
from tests.ballots import voters_factories as vf

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2029, 12, 15)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2029, 12, 15, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def election(org):
    return vf.voting(org["community"])


@pytest.fixture
def clerk(users):
    return users["community_clerk"]


def events(election, action=None):
    qs = Event.objects.filter(election=election)
    return list(qs.filter(action=action) if action else qs)


def register(clerk, election, **kw):
    kw.setdefault("name", "张三")
    kw.setdefault("id_number", factories.id_number(dt.date(1980, 5, 17), seq=11))
    kw.setdefault("group", "3组")
    kw.setdefault("reason", "补登")
    return services.voter_register(actor=clerk, election=election, **kw)


def errors_of(exc_info):
    return exc_info.value.errors


# ---------------------------------------------------------------- registration


def test_register_stores_the_voter_and_one_event_with_the_id_masked(clerk, election):
    number = factories.id_number(dt.date(1980, 5, 17), seq=11)
    voter = register(clerk, election, name=" 张 三 ", id_number=number.lower(), category="人户分离")
    assert (voter.name, voter.group, voter.category, voter.source, voter.status) == (
        "张三", "3组", "registered_absent", "manual", "active")
    assert voter.id_number == number and voter.birth_date == dt.date(1980, 5, 17) and voter.sex == "male"
    assert (voter.campaign_id, voter.body, voter.added_by, voter.added_reason) == (
        election.campaign_id, "residents_committee", clerk, "补登")
    [event] = events(election, "voter.register")
    assert event.after["id_number"] == voter.masked_id and number not in str(event.after)
    assert "张三" in event.summary and "3组" in event.summary


def test_register_needs_a_reason_and_reports_every_problem_at_once(clerk, election):
    with pytest.raises(ApplicationError) as exc:
        register(clerk, election, name="", id_number="123", group="", reason="")
    assert set(errors_of(exc)) == {"name", "id_number", "group", "reason"}
    assert not Voter.objects.exists() and not events(election)


def test_a_seventeen_year_old_the_day_before_the_birthday_is_refused(clerk, election):
    # election day 2030-01-10: born 2012-01-11 is still 17 on that day
    with pytest.raises(ApplicationError) as exc:
        register(clerk, election, id_number=factories.id_number(dt.date(2012, 1, 11), seq=21))
    assert "未满 18 周岁" in errors_of(exc)["id_number"][0]
    assert not Voter.objects.exists()
    voter = register(clerk, election, id_number=factories.id_number(dt.date(2012, 1, 10), seq=21))
    assert voter.birth_date == dt.date(2012, 1, 10)


def test_the_same_person_twice_in_this_community_is_refused(clerk, election):
    first = register(clerk, election)
    with pytest.raises(ApplicationError) as exc:
        register(clerk, election, group="5组")
    message = errors_of(exc)["id_number"][0]
    assert "已登记为本社区选民" in message and "3组" in message
    assert list(Voter.objects.all()) == [first]
    assert len(events(election, "voter.register")) == 1


def test_a_person_registered_in_another_community_of_the_campaign_is_refused_naming_it(org, clerk, election):
    sibling = factories.election(org["sibling"], camp=election.campaign, stage="voting")
    number = factories.id_number(dt.date(1970, 2, 3), seq=33)
    vf.voter(sibling, name="李四", group="7组", id_number=number)
    with pytest.raises(ApplicationError) as exc:
        register(clerk, election, name="李四", id_number=number)
    message = errors_of(exc)["id_number"][0]
    assert "西关社区" in message and "7组" in message and "不能重复登记" in message
    assert Voter.objects.filter(election=election).count() == 0 and not events(election)


def test_a_removed_registration_elsewhere_or_another_body_or_campaign_does_not_block(org, clerk, election):
    number = factories.id_number(dt.date(1970, 2, 3), seq=34)
    sibling = factories.election(org["sibling"], camp=election.campaign, stage="voting")
    vf.voter(sibling, id_number=number, status="removed")
    party = factories.election(org["community"], camp=election.campaign, body="party_committee", stage="voting")
    vf.voter(party, id_number=number)
    elsewhere = factories.election(org["community"], stage="voting")  # another campaign
    vf.voter(elsewhere, id_number=number)
    assert register(clerk, election, id_number=number).status == "active"


def test_a_registration_racing_another_gets_a_clean_message(org, clerk, election, monkeypatch):
    """The check passes, but another clerk registers the person first: the database's one-active-registration
    constraint refuses the insert, and the clerk reads where the person is registered."""
    sibling = factories.election(org["sibling"], camp=election.campaign, stage="voting")
    number = factories.id_number(dt.date(1970, 2, 3), seq=35)
    vf.voter(sibling, name="王五", group="2组", id_number=number)
    real = services._registered_elsewhere
    calls = []

    def blind_first(e, n):
        calls.append(n)
        return None if len(calls) == 1 else real(e, n)

    monkeypatch.setattr(services, "_registered_elsewhere", blind_first)
    with pytest.raises(ApplicationError) as exc:
        register(clerk, election, name="王五", id_number=number)
    assert "西关社区" in errors_of(exc)["id_number"][0] and "2组" in errors_of(exc)["id_number"][0]
    assert len(calls) == 2
    assert Voter.objects.filter(election=election).count() == 0 and not events(election)


@pytest.mark.parametrize("stage", ["counting", "handover"])
def test_the_roll_is_closed_from_counting_on(org, clerk, stage):
    closed = vf.voting(org["community"], stage=stage)
    with pytest.raises(Conflict) as exc:
        register(clerk, closed)
    assert "投票" in str(exc.value.message)
    assert not Voter.objects.exists() and not events(closed)


def test_the_roll_is_open_from_preparation(org, clerk):
    early = vf.voting(org["community"], stage="preparation")
    assert register(clerk, early).election == early


def test_a_district_reviewer_may_not_register(users, election):
    with pytest.raises(PermissionDenied):
        register(users["district_reviewer"], election)
    assert not Voter.objects.exists()


# ---------------------------------------------------------------- removal and correction


def test_remove_keeps_the_row_with_its_reason(clerk, election):
    voter = vf.voter(election, name="赵六")
    removed = services.voter_remove(actor=clerk, voter=voter, reason="已迁出")
    voter.refresh_from_db()
    assert (voter.status, voter.removed_reason, voter.removed_by) == ("removed", "已迁出", clerk)
    assert removed.removed_at is not None
    [event] = events(election, "voter.remove")
    assert event.before["status"] == "active" and event.after["status"] == "removed" and "已迁出" in event.summary


def test_remove_needs_a_reason_and_an_active_voter(clerk, election):
    voter = vf.voter(election)
    with pytest.raises(ApplicationError) as exc:
        services.voter_remove(actor=clerk, voter=voter, reason="  ")
    assert "reason" in errors_of(exc)
    services.voter_remove(actor=clerk, voter=voter, reason="重复登记")
    with pytest.raises(Conflict):
        services.voter_remove(actor=clerk, voter=voter, reason="又一次")
    assert len(events(election, "voter.remove")) == 1


def test_a_voter_with_an_active_proxy_is_not_removed(clerk, election):
    giver, holder = vf.voter(election, name="甲"), vf.voter(election, name="乙")
    Proxy.objects.create(election=election, voter=giver, holder=holder, written_on=TODAY, created_by=clerk)
    with pytest.raises(Conflict) as exc:
        services.voter_remove(actor=clerk, voter=holder, reason="已迁出")
    assert "甲委托乙" in exc.value.message
    holder.refresh_from_db()
    assert holder.status == "active" and not events(election)


def test_update_corrects_group_and_category_with_a_reason(clerk, election):
    voter = vf.voter(election, group="1组")
    services.voter_update(actor=clerk, voter=voter, group="2组", category="non_registered", reason="登记错误")
    voter.refresh_from_db()
    assert (voter.group, voter.category) == ("2组", "non_registered")
    [event] = events(election, "voter.update")
    assert event.before["group"] == "1组" and event.after["group"] == "2组" and "登记错误" in event.summary


def test_update_refusals(clerk, election):
    voter = vf.voter(election, group="1组")
    with pytest.raises(ApplicationError) as exc:
        services.voter_update(actor=clerk, voter=voter, group="1组", reason="无")
    assert "未改变" in errors_of(exc)["group"][0]
    with pytest.raises(ApplicationError) as exc:
        services.voter_update(actor=clerk, voter=voter, group="", category="外星人", reason="")
    assert set(errors_of(exc)) == {"group", "category", "reason"}
    gone = vf.voter(election, status="removed")
    with pytest.raises(Conflict):
        services.voter_update(actor=clerk, voter=gone, group="2组", reason="更正")
    assert not events(election)


# ---------------------------------------------------------------- settings


def test_voluntary_registration_needs_the_residents_total(clerk, election):
    with pytest.raises(ApplicationError) as exc:
        services.voter_roll_configure(actor=clerk, election=election, mode="voluntary", residents_total=None)
    assert "40%" in errors_of(exc)["residents_total"][0]
    roll = services.voter_roll_configure(actor=clerk, election=election, mode="voluntary", residents_total=5000)
    assert (roll.mode, roll.residents_total, roll.version) == ("voluntary", 5000, 2)
    [event] = events(election, "voter_roll.configure")
    assert event.before["mode"] == "all" and event.after["mode"] == "voluntary"


def test_settings_refusals_and_no_event_without_a_change(org, clerk, election):
    with pytest.raises(ApplicationError) as exc:
        services.voter_roll_configure(actor=clerk, election=election, mode="lottery", residents_total=0)
    assert set(errors_of(exc)) == {"mode", "residents_total"}
    services.voter_roll_configure(actor=clerk, election=election, mode="all", residents_total=None)
    assert not events(election)
    with pytest.raises(Conflict):
        services.voter_roll_configure(actor=clerk, election=election, mode="all", residents_total=100, version=7)
    party = factories.election(org["community"], body="party_committee", stage="voting")
    with pytest.raises(ApplicationError) as exc:
        services.voter_roll_configure(actor=clerk, election=party, mode="voluntary", residents_total=100)
    assert "党员" in errors_of(exc)["mode"][0]


# ---------------------------------------------------------------- publication


def test_publish_records_the_day_and_a_correction(clerk, election):
    vf.voter(election)
    roll = services.voter_list_publish(actor=clerk, election=election, published_on=dt.date(2029, 12, 10))
    assert (roll.published_on, roll.published_by) == (dt.date(2029, 12, 10), clerk)
    services.voter_list_publish(actor=clerk, election=election, published_on=dt.date(2029, 12, 11))
    first, second = events(election, "voter_list.publish")
    assert first.summary.startswith("公布选民名单") and second.summary.startswith("更正公布")
    assert second.before["published_on"] == "2029-12-10" and second.after["published_on"] == "2029-12-11"


def test_a_late_publication_is_recorded_and_says_so(org, clerk):
    soon = vf.voting(org["community"], election_day=dt.date(2030, 1, 2))
    vf.voter(soon)
    services.voter_list_publish(actor=clerk, election=soon, published_on=TODAY)
    [event] = events(soon, "voter_list.publish")
    assert "仅 18 天" in event.summary and "少于规定的 20 天" in event.summary


def test_publish_refusals(clerk, election):
    with pytest.raises(ApplicationError) as exc:
        services.voter_list_publish(actor=clerk, election=election, published_on=TODAY)
    assert "尚未登记选民" in errors_of(exc)["published_on"][0]
    vf.voter(election)
    for day, text in [(None, "请填写"), (TODAY + dt.timedelta(days=1), "晚于今天"),
                      (dt.date(2028, 12, 1), "一年前")]:
        with pytest.raises(ApplicationError) as exc:
            services.voter_list_publish(actor=clerk, election=election, published_on=day)
        assert text in errors_of(exc)["published_on"][0]
    assert not VoterRoll.objects.filter(published_on__isnull=False).exists() and not events(election)


# ---------------------------------------------------------------- objections


def published(election, on=dt.date(2029, 12, 10)):
    vf.voter(election, name="在册")
    return vf.roll(election, published_on=on)


def raise_(clerk, election, **kw):
    kw.setdefault("raised_on", TODAY)
    kw.setdefault("raised_by", "王五")
    kw.setdefault("kind", "omitted")
    kw.setdefault("subject_name", "李四")
    kw.setdefault("content", "李四户籍在本社区，年满十八周岁，名单中没有")
    return services.roll_objection_raise(actor=clerk, election=election, **kw)


def test_no_objection_before_the_list_is_published(clerk, election):
    with pytest.raises(Conflict) as exc:
        raise_(clerk, election)
    assert "尚未公布" in exc.value.message
    assert not RollObjection.objects.exists()


def test_an_objection_on_the_last_day_is_taken_the_day_after_refused(clerk, election):
    published(election, on=dt.date(2029, 12, 10))  # last day 12-15 (today)
    objection = raise_(clerk, election)
    assert objection.raised_on == TODAY and objection.created_by == clerk
    [event] = events(election, "roll_objection.raise")
    assert "应于 2029-12-18 前处理" in event.summary
    vf.roll(election, published_on=dt.date(2029, 12, 9))  # last day 12-14
    with pytest.raises(ApplicationError) as exc:
        raise_(clerk, election)
    assert "最后一天为 2029-12-14" in errors_of(exc)["raised_on"][0]
    assert RollObjection.objects.count() == 1


def test_objection_field_checks(org, clerk, election):
    published(election)
    other = vf.voter(factories.election(org["sibling"], stage="voting"))
    mine = vf.voter(election, name="赵六")
    with pytest.raises(ApplicationError) as exc:
        raise_(clerk, election, raised_by="", kind="bribe", subject_name="", content="", voter=other)
    assert set(errors_of(exc)) == {"raised_by", "kind", "subject_name", "content", "voter"}
    with pytest.raises(ApplicationError) as exc:
        raise_(clerk, election, kind="omitted", voter=mine)
    assert "名单以外" in errors_of(exc)["voter"][0]
    objection = raise_(clerk, election, kind="duplicate", subject_name="", voter=mine)
    assert objection.subject_name == "赵六" and objection.voter == mine


def decide(actor, objection, **kw):
    kw.setdefault("decision", "upheld")
    kw.setdefault("decision_text", "经核实属实")
    return services.roll_objection_decide(actor=actor, objection=objection, **kw)


def test_upheld_omission_registers_the_person(clerk, election):
    published(election)
    objection = raise_(clerk, election)
    number = factories.id_number(dt.date(1990, 1, 1), seq=41)
    decided = decide(clerk, objection, id_number=number, group="4组", decided_on=TODAY)
    voter = Voter.objects.get(id_number=number)
    assert (voter.name, voter.group, voter.source, voter.election) == ("李四", "4组", "objection", election)
    assert decided.voter == voter and decided.decision == "upheld" and decided.version == 2
    assert [e.action for e in events(election)][-2:] == ["voter.register", "roll_objection.decide"]


def test_upheld_omission_with_a_bad_id_saves_nothing(clerk, election):
    published(election)
    objection = raise_(clerk, election)
    with pytest.raises(ApplicationError) as exc:
        decide(clerk, objection, id_number="110105194912310021", group="", decision_text="")
    assert {"id_number", "group", "decision_text"} <= set(errors_of(exc))
    objection.refresh_from_db()
    assert objection.decision == "" and Voter.objects.filter(source="objection").count() == 0
    assert not events(election, "roll_objection.decide")


def test_upheld_wrong_registration_removes_the_voter(clerk, election):
    published(election)
    wrong = vf.voter(election, name="钱七")
    objection = raise_(clerk, election, kind="wrong", subject_name="", voter=wrong)
    decide(clerk, objection)
    wrong.refresh_from_db()
    assert wrong.status == "removed" and "错登" in wrong.removed_reason
    assert [e.action for e in events(election)][-2:] == ["voter.remove", "roll_objection.decide"]


def test_upheld_duplicate_needs_the_voter_to_remove(clerk, election):
    published(election)
    objection = raise_(clerk, election, kind="duplicate", subject_name="孙八")
    with pytest.raises(ApplicationError) as exc:
        decide(clerk, objection)
    assert "须选择应除名的选民" in errors_of(exc)["voter"][0]
    twin = vf.voter(election, name="孙八")
    decide(clerk, objection, voter=twin)
    twin.refresh_from_db()
    assert twin.status == "removed"


def test_dismissed_is_only_recorded(clerk, election):
    published(election)
    objection = raise_(clerk, election)
    before = Voter.objects.count()
    decided = decide(clerk, objection, decision="dismissed", decision_text="李四户籍已迁出")
    assert decided.decision == "dismissed" and Voter.objects.count() == before
    [event] = events(election, "roll_objection.decide")
    assert "异议不成立" in event.summary and event.after["overdue"] is False


def test_a_decision_on_day_three_is_in_time_on_day_four_overdue(clerk, election, time_machine):
    published(election, on=dt.date(2029, 12, 10))
    first = raise_(clerk, election, raised_on=dt.date(2029, 12, 11))
    second = raise_(clerk, election, raised_on=dt.date(2029, 12, 11), subject_name="周九")
    decide(clerk, first, decision="dismissed", decided_on=dt.date(2029, 12, 14))
    decide(clerk, second, decision="dismissed", decided_on=dt.date(2029, 12, 15))
    on_time, late = events(election, "roll_objection.decide")
    assert on_time.after["overdue"] is False and "逾期" not in on_time.summary
    assert late.after["overdue"] is True and "逾期：应于 2029-12-14 前处理" in late.summary


def test_decide_refuses_twice_a_stale_version_and_a_bad_date(clerk, election):
    published(election)
    objection = raise_(clerk, election)
    with pytest.raises(Conflict) as exc:
        decide(clerk, objection, decision="dismissed", version=5)
    assert "刷新" in exc.value.message
    with pytest.raises(ApplicationError) as exc:
        decide(clerk, objection, decision="dismissed", decided_on=dt.date(2029, 12, 1))
    assert "早于异议提出日期" in errors_of(exc)["decided_on"][0]
    decide(clerk, objection, decision="dismissed", version=1)
    with pytest.raises(Conflict) as exc:
        decide(clerk, objection, decision="dismissed")
    assert "已于 2029-12-15 处理" in exc.value.message
    assert len(events(election, "roll_objection.decide")) == 1


def test_publication_can_not_move_after_an_objection(clerk, election):
    published(election, on=dt.date(2029, 12, 10))
    raise_(clerk, election, raised_on=dt.date(2029, 12, 11))
    with pytest.raises(ApplicationError) as exc:
        services.voter_list_publish(actor=clerk, election=election, published_on=dt.date(2029, 12, 12))
    assert "2029-12-11" in errors_of(exc)["published_on"][0]


def test_a_full_export_is_recorded(clerk, election):
    services.voter_list_export_record(actor=clerk, election=election, rows=12)
    [event] = events(election, "voter_list.export_full")
    assert "12 人" in event.summary

"""The voter-import services: a job from upload to stored voters, the rows held back and the clerk's decisions on
them, who may import where and when, and what a failure leaves behind (nothing)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from ballots.models import HeldRow, Voter
from ballots.services import voter_import as services
from elections.errors import ApplicationError, Conflict
from elections.models import Event, Job
from tests import factories
from tests.ballots.import_factories import adult_id, csv_bytes, media, people, run_import, voter, xlsx  # noqa: F401

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def election(org):
    return factories.election(org["community"], stage="voting")


@pytest.fixture
def clerk(users):
    return users["community_clerk"]


def _events(action: str) -> list[Event]:
    return list(Event.objects.filter(action=action))


# --------------------------------------------------------------------------------------------
# A job from upload to voters
# --------------------------------------------------------------------------------------------


def test_a_clean_file_registers_everyone_with_one_event(election, clerk):
    rows = people(3, group="第2居民小组")
    rows[1][3] = "户在人不在"

    job = run_import(clerk, election, xlsx(rows))

    assert (job.state, job.progress, job.message) == ("done", 100, "")
    voters = list(Voter.objects.filter(election=election).order_by("row"))
    assert [(v.name, v.id_number, v.group, v.row, v.source, v.status) for v in voters] == [
        (r[0], r[1], "第2居民小组", i + 2, "import", "active") for i, r in enumerate(rows)]
    assert voters[1].category == "registered_absent"
    assert all(v.job_id == job.pk and v.campaign_id == election.campaign_id for v in voters)
    assert {v.job.created_by for v in voters} == {clerk} and {v.added_by for v in voters} == {None}  # the job says who
    assert voters[0].sex in {"male", "female"} and voters[0].birth_date.year == 1970
    assert job.result["imported"] == 3 and job.result["rows"] == 3 and job.result["held"] == 0
    assert job.errors == []
    [event] = _events("voter.import")
    assert event.election == election and event.actor == clerk
    assert event.after["imported"] == 3 and event.after["rows"] == 3
    assert "登记 3 名" in event.summary


def test_the_upload_is_kept_until_the_job_ends(election, clerk, settings):
    content = xlsx(people(1))
    job = services.voter_import_start(actor=clerk, election=election, file_name="a.xlsx", content=content)
    kept = Path(job.source_path)
    assert kept.parent == Path(settings.MEDIA_ROOT, "imports") and kept.read_bytes() == content

    job = services.voter_import_run(job.pk)

    assert job.source_path == ""
    assert not kept.exists()


def test_the_job_is_queued_when_the_upload_commits(election, clerk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = services.voter_import_start(actor=clerk, election=election, file_name="a.csv",
                                          content=csv_bytes(people(2)))
        assert Job.objects.get(pk=job.pk).state == "queued"

    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.state == "done" and job.result["imported"] == 2


def test_running_a_finished_job_again_does_nothing(election, clerk):
    job = run_import(clerk, election, xlsx(people(2)))

    again = services.voter_import_run(job.pk)

    assert again.state == "done"
    assert Voter.objects.filter(election=election).count() == 2
    assert len(_events("voter.import")) == 1


def test_the_task_runs_the_job(election, clerk):
    from ballots import tasks

    job = services.voter_import_start(actor=clerk, election=election, file_name="a.xlsx", content=xlsx(people(2)))

    assert tasks.voter_import.delay(job.pk).get() == "done"
    assert tasks.voter_import.delay(job.pk).get() == "done"  # idempotent
    assert Voter.objects.filter(election=election).count() == 2


def test_bad_rows_are_reported_and_the_good_ones_stored(election, clerk):
    wrong = adult_id(50)
    wrong = wrong[:17] + ("1" if wrong.endswith("0") else "0")
    rows = people(2) + [["王五", wrong, "1组", ""], ["赵六", adult_id(51), "", "暂住"]]

    job = run_import(clerk, election, xlsx(rows))

    assert job.state == "done"
    assert job.result["imported"] == 2 and job.result["bad_rows"] == 2
    assert [(e["row"], e["field"]) for e in job.errors] == [(4, "id_number"), (5, "group"), (5, "category")]
    assert "校验位错误" in job.errors[0]["message"]
    assert set(Voter.objects.values_list("row", flat=True)) == {2, 3}


def test_the_rulebooks_minimum_age_and_the_election_day_apply(org, clerk):
    election = factories.election(org["community"], stage="voting", election_day=dt.date(2030, 1, 10),
                                  rule_overrides={"min_voter_age": 20})
    nineteen = ["少年", factories.id_number(dt.date(2010, 6, 1), seq=3), "1组", ""]
    twenty = ["青年", factories.id_number(dt.date(2010, 1, 10), seq=5), "1组", ""]

    job = run_import(clerk, election, xlsx([nineteen, twenty]))

    assert job.result["imported"] == 1
    assert [e["row"] for e in job.errors] == [2] and "未满 20 周岁" in job.errors[0]["message"]


# --------------------------------------------------------------------------------------------
# Duplicates: held, never dropped
# --------------------------------------------------------------------------------------------


def test_in_file_duplicates_register_the_first_and_hold_the_rest(election, clerk):
    rows = people(3)
    rows.append([rows[0][0], rows[0][1], "第9居民小组", ""])
    rows.append(list(rows[0]))

    job = run_import(clerk, election, xlsx(rows))

    assert job.result["imported"] == 3 and job.result["held"] == 2
    assert Voter.objects.get(id_number=rows[0][1]).row == 2
    held = list(HeldRow.objects.filter(job=job).order_by("row"))
    assert [(h.row, h.kind, h.other, h.group, h.decision) for h in held] == [
        (5, "in_file", "第 2 行", "第9居民小组", ""), (6, "in_file", "第 2 行", "第1居民小组", "")]
    assert job.result["duplicates"][0] == {"row": 5, "kind": "in_file", "name": rows[0][0],
                                           "id_number": rows[0][1][:4] + "*" * 10 + rows[0][1][-4:],
                                           "other": "第 2 行"}


def test_people_registered_in_another_community_of_the_campaign_are_held(org, election, clerk):
    sibling = factories.election(org["sibling"], camp=election.campaign, stage="voting")
    party = factories.election(org["community"], camp=election.campaign, body="party_committee", stage="voting")
    rows = people(4)
    there = voter(sibling, name=rows[0][0], number=rows[0][1], group="第5居民小组")
    voter(party, name=rows[1][0], number=rows[1][1])  # another body: a separate roll
    voter(sibling, name=rows[2][0], number=rows[2][1], status="removed")  # no longer registered there

    job = run_import(clerk, election, xlsx(rows))

    assert job.result["imported"] == 3
    [held] = HeldRow.objects.filter(job=job)
    assert (held.row, held.kind, held.other, held.other_voter) == (2, "other_community", "西关社区（第5居民小组）", there)
    assert job.result["held_by_kind"] == {"other_community": 1}


def test_importing_the_same_file_twice_holds_every_row_as_registered_here(election, clerk):
    content = xlsx(people(3))
    run_import(clerk, election, content)

    second = run_import(clerk, election, content)

    assert second.state == "done"
    assert second.result["imported"] == 0 and second.result["held"] == 3
    assert set(HeldRow.objects.filter(job=second).values_list("kind", flat=True)) == {"registered_here"}
    assert Voter.objects.filter(election=election).count() == 3


def test_a_registration_made_while_the_file_was_checked_is_held_not_a_failure(election, clerk, org, monkeypatch):
    """The database refuses a second active registration; the import re-checks and holds the row."""
    sibling = factories.election(org["sibling"], camp=election.campaign, stage="voting")
    rows = people(3)
    real = services._registered
    calls = []

    def late(el, numbers):
        calls.append(1)
        if len(calls) == 1:  # the first look-up happens before the other community registers the person
            found = real(el, numbers)
            voter(sibling, name=rows[1][0], number=rows[1][1])
            return found
        return real(el, numbers)

    monkeypatch.setattr(services, "_registered", late)

    job = run_import(clerk, election, xlsx(rows))

    assert job.state == "done", job.message
    assert job.result["imported"] == 2
    [held] = HeldRow.objects.filter(job=job)
    assert (held.row, held.kind) == (3, "other_community")


# --------------------------------------------------------------------------------------------
# Failures store nothing
# --------------------------------------------------------------------------------------------


def test_missing_columns_fail_the_job_naming_them(election, clerk):
    content = xlsx([["张三", adult_id(1)]], headers=["名称", "身份证号码"])

    job = run_import(clerk, election, content)

    assert job.state == "failed"
    assert "缺少必需的列：“姓名”、“居民小组”" in job.message and "“名称”、“身份证号码”" in job.message
    assert job.message.endswith("未导入任何选民。")
    assert not Voter.objects.exists() and not HeldRow.objects.exists() and not _events("voter.import")


def test_a_failure_while_storing_stores_nothing(election, clerk, monkeypatch):
    rows = people(3)
    rows.append(list(rows[0]))  # a held row too

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "record_event", broken)

    job = run_import(clerk, election, xlsx(rows))

    assert job.state == "failed" and "系统错误" in job.message
    assert not Voter.objects.exists() and not HeldRow.objects.exists()


def test_an_unreadable_file_fails_the_job(election, clerk):
    job = run_import(clerk, election, b"PK\x03\x04broken", name="a.xlsx")

    assert job.state == "failed" and "无法读取该 Excel 文件" in job.message


def test_the_stage_is_checked_again_when_the_job_runs(election, clerk):
    job = services.voter_import_start(actor=clerk, election=election, file_name="a.xlsx", content=xlsx(people(1)))
    election.stage = "counting"
    election.save()

    job = services.voter_import_run(job.pk)

    assert job.state == "failed" and "导入选民名单只能在" in job.message
    assert not Voter.objects.exists()


# --------------------------------------------------------------------------------------------
# Who, when, what
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role,allowed", [
    ("community_clerk", True), ("street_staff", True), ("district_admin", True),
    ("other_clerk", False), ("other_street_staff", False), ("district_reviewer", False),
])
def test_who_may_import(election, users, role, allowed):
    actor = users[role]
    if allowed:
        assert run_import(actor, election, xlsx(people(1))).state == "done"
        return
    with pytest.raises(PermissionDenied):
        services.voter_import_start(actor=actor, election=election, file_name="a.xlsx", content=xlsx(people(1)))
    assert not Job.objects.exists() and not Event.objects.filter(election=election).exists()


@pytest.mark.parametrize("stage", ["counting", "handover"])
def test_no_import_once_counting_starts(org, clerk, stage):
    election = factories.election(org["community"], stage=stage)

    with pytest.raises(Conflict, match="导入选民名单只能在“准备”"):
        services.voter_import_start(actor=clerk, election=election, file_name="a.xlsx", content=xlsx(people(1)))
    assert not Job.objects.exists()


def test_the_import_needs_an_election_day(org, clerk):
    election = factories.election(org["community"], stage="preparation", election_day=None)

    with pytest.raises(ApplicationError, match="尚未确定选举日"):
        services.voter_import_start(actor=clerk, election=election, file_name="a.xlsx", content=xlsx(people(1)))


@pytest.mark.parametrize("name,content,message", [
    ("名单.xls", b"\xd0\xcf\x11\xe0", "不支持旧版 .xls"),
    ("名单.pdf", b"%PDF", "只能导入 .xlsx 或 .csv"),
    ("名单.xlsx", b"not a zip", "不是有效的 .xlsx"),
    ("名单.csv", b"", "是空的"),
    ("", b"abc", "请选择要导入的文件"),
])
def test_files_refused_at_the_door(election, clerk, name, content, message):
    with pytest.raises(ApplicationError) as caught:
        services.voter_import_start(actor=clerk, election=election, file_name=name, content=content)

    assert message in caught.value.errors["file"][0]
    assert not Job.objects.exists()


def test_a_file_over_the_size_limit(election, clerk, settings):
    settings.VOTER_IMPORT_MAX_BYTES = 1024

    with pytest.raises(ApplicationError, match="超过上限"):
        services.voter_import_start(actor=clerk, election=election, file_name="a.xlsx", content=xlsx(people(50)))


def test_too_many_rows_fail_the_job(election, clerk, settings):
    settings.VOTER_IMPORT_MAX_ROWS = 2

    job = run_import(clerk, election, xlsx(people(3)))

    assert job.state == "failed" and "超过一次导入的上限 2 行" in job.message


# --------------------------------------------------------------------------------------------
# Held rows: the clerk decides
# --------------------------------------------------------------------------------------------


@pytest.fixture
def in_file(election, clerk):
    rows = people(2)
    rows.append([rows[0][0], rows[0][1], "第7居民小组", ""])
    job = run_import(clerk, election, xlsx(rows))
    return HeldRow.objects.get(job=job)


def test_discarding_a_held_row_is_recorded_with_its_reason(in_file, clerk):
    held = services.held_row_decide(actor=clerk, held_row=in_file, decision="discard", reason="同一人，已按第 2 行登记")

    held.refresh_from_db()
    assert (held.decision, held.decision_reason, held.decided_by) == ("discarded", "同一人，已按第 2 行登记", clerk)
    [event] = _events("voter_import.held_discard")
    assert event.after["reason"] == "同一人，已按第 2 行登记" and event.before["decision"] == ""


def test_a_decision_needs_a_reason_and_is_taken_once(in_file, clerk):
    with pytest.raises(ApplicationError) as caught:
        services.held_row_decide(actor=clerk, held_row=in_file, decision="discard", reason="  ")
    assert caught.value.errors == {"reason": ["请填写处理说明。"]}
    with pytest.raises(ApplicationError) as caught:
        services.held_row_decide(actor=clerk, held_row=in_file, decision="maybe", reason="x")
    assert "decision" in caught.value.errors

    services.held_row_decide(actor=clerk, held_row=in_file, decision="discard", reason="重复")
    with pytest.raises(Conflict, match="已处理"):
        services.held_row_decide(actor=clerk, held_row=in_file, decision="register", reason="改主意")


def test_registering_an_in_file_duplicate_while_the_first_row_stands_is_refused(in_file, clerk):
    with pytest.raises(Conflict, match="已在本社区登记为选民（第1居民小组），不能重复登记"):
        services.held_row_decide(actor=clerk, held_row=in_file, decision="register", reason="以本行为准")

    assert HeldRow.objects.get(pk=in_file.pk).decision == ""
    assert Voter.objects.filter(id_number=in_file.id_number).count() == 1


def test_a_held_row_registers_once_the_first_registration_is_removed(in_file, clerk):
    Voter.objects.filter(id_number=in_file.id_number).update(status="removed", removed_reason="小组填错")

    services.held_row_decide(actor=clerk, held_row=in_file, decision="register", reason="以本行的小组为准")

    registered = Voter.objects.get(id_number=in_file.id_number, status="active")
    assert (registered.group, registered.row, registered.added_reason) == ("第7居民小组", 4, "以本行的小组为准")
    assert HeldRow.objects.get(pk=in_file.pk).decision == "registered"
    [event] = _events("voter_import.held_register")
    assert event.after["voter"] == registered.pk


@pytest.fixture
def elsewhere(org, election, clerk):
    """A row held because the person is registered in 西关社区 (same street, same campaign)."""
    sibling = factories.election(org["sibling"], camp=election.campaign, stage="voting")
    rows = people(2)
    other = voter(sibling, name=rows[0][0], number=rows[0][1], group="第5居民小组")
    job = run_import(clerk, election, xlsx(rows))
    return HeldRow.objects.get(job=job), other


def test_a_clerk_cannot_register_someone_registered_in_another_community(elsewhere, clerk):
    held, other = elsewhere

    with pytest.raises(Conflict, match="已在西关社区登记为选民（第5居民小组）.*须先由西关社区除名"):
        services.held_row_decide(actor=clerk, held_row=held, decision="register", reason="本人现居本社区")

    other.refresh_from_db()
    assert other.status == "active"
    assert not _events("voter.remove")


def test_the_street_moves_the_registration_here(elsewhere, users, election):
    held, other = elsewhere
    street = users["street_staff"]

    services.held_row_decide(actor=street, held_row=held, decision="register", reason="本人已迁入东关社区居住")

    other.refresh_from_db()
    assert (other.status, other.removed_reason, other.removed_by) == ("removed", "迁至东关社区登记", street)
    moved = Voter.objects.get(id_number=held.id_number, status="active")
    assert moved.election == election
    [removal] = _events("voter.remove")
    assert removal.election == other.election and removal.after["status"] == "removed"
    assert len(_events("voter_import.held_register")) == 1


def test_a_registration_removed_elsewhere_lets_the_clerk_register(elsewhere, clerk):
    held, other = elsewhere
    Voter.objects.filter(pk=other.pk).update(status="removed")

    services.held_row_decide(actor=clerk, held_row=held, decision="register", reason="西关社区已除名")

    assert Voter.objects.filter(id_number=held.id_number, status="active").get().election_id == held.election_id


@pytest.mark.parametrize("role", ["other_clerk", "district_reviewer", "other_street_staff"])
def test_only_workers_of_the_election_decide(in_file, users, role):
    with pytest.raises(PermissionDenied):
        services.held_row_decide(actor=users[role], held_row=in_file, decision="discard", reason="x")

    assert HeldRow.objects.get(pk=in_file.pk).decision == ""
    assert not _events("voter_import.held_discard")


def test_no_decisions_once_counting_starts(in_file, clerk, election):
    election.stage = "counting"
    election.save()

    with pytest.raises(Conflict):
        services.held_row_decide(actor=clerk, held_row=in_file, decision="discard", reason="重复")


def test_a_held_row_is_checked_again_before_registering(in_file, clerk, election):
    Voter.objects.filter(id_number=in_file.id_number).update(status="removed")
    election.election_day = dt.date(1985, 1, 1)  # the person was a child then
    election.save()

    with pytest.raises(ApplicationError) as caught:
        services.held_row_decide(actor=clerk, held_row=in_file, decision="register", reason="x")

    assert "未满 18 周岁" in caught.value.errors["id_number"][0]


def test_an_unreachable_queue_fails_the_job_instead_of_leaving_it_waiting(election, clerk, monkeypatch,
                                                                          django_capture_on_commit_callbacks):
    from ballots import tasks

    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.voter_import, "delay", down)

    with django_capture_on_commit_callbacks(execute=True):
        job = services.voter_import_start(actor=clerk, election=election, file_name="a.xlsx",
                                          content=xlsx(people(1)))

    job.refresh_from_db()
    assert job.state == "failed" and "任务队列暂时不可用" in job.message
    assert job.source_path == "" and not Voter.objects.exists()


def test_a_move_is_refused_while_the_other_registration_holds_a_proxy(elsewhere, users):
    from ballots.models import Proxy

    held, other = elsewhere
    giver = voter(other.election, name="委托人", number=adult_id(700))
    Proxy.objects.create(election=other.election, voter=giver, holder=other, written_on=dt.date(2026, 1, 5),
                         created_by=users["street_staff"])

    with pytest.raises(Conflict, match="有效的委托投票"):
        services.held_row_decide(actor=users["street_staff"], held_row=held, decision="register", reason="已迁入")

    other.refresh_from_db()
    assert other.status == "active" and HeldRow.objects.get(pk=held.pk).decision == ""
    assert not Voter.objects.filter(election=held.election, id_number=held.id_number).exists()

"""The voter-roll import (选民名单导入) as a long job, and the clerk's decisions on the rows it held back.

``voter_import_start`` checks who, when and what (permission, stage, election day, file type and size), keeps
the upload under ``MEDIA_ROOT/imports/`` and queues the job; ``voter_import_run`` (the Celery task's body) reads
the file, checks every row, finds duplicates and stores the good rows in one transaction.

What happens to each row:

* a row with a problem is reported with its spreadsheet row number (header included), field and message, and
  not stored; the other rows still are (the job is "done" with errors);
* the same ID number twice in the file: the FIRST row goes on as any other row, every later one is held
  (``in_file``, naming the first row) — nothing is dropped silently, the clerk decides;
* a person already actively registered in this election is held (``registered_here``), in another election of
  the same campaign and body (another community) held too (``other_community``, naming it and the group);
* the file cannot be used at all (unreadable, required columns missing, too many rows) or the job breaks: the
  job fails with a Chinese message and nothing is stored.

Progress is written outside the storing transaction (so another connection sees it); storing happens in one
transaction that locks the election and the job, re-checks the registrations the database would refuse (one
active registration per person, campaign and body) and holds those rows instead of failing. On PostgreSQL the
good rows go in with one COPY; an imported voter points to its job and row, and the job says who imported it
(``added_by`` is left empty on imported rows; a held row registered later carries the clerk who decided).
"""

from __future__ import annotations

import gc
import logging
import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from candidates.rules import mask_id_number
from elections.audit import record_event
from elections.errors import ApplicationError, Conflict
from elections.models import Election, Job, User
from elections.services import _require, election_lock
from elections.services.preparation import require_stage

from .. import importer
from ..models import HeldRow, Voter
from ..rules import voters as voter_rules
from . import voters

logger = logging.getLogger(__name__)

JOB_KIND = "voter_import"
# the voter roll is worked on from preparation until the vote; refused from counting on
IMPORT_STAGES = voters.ROLL_STAGES
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
STORE_ATTEMPTS = 3
COPY_CHUNK = 5000  # rows formatted at a time for COPY
PREFETCH_FROM = 5000  # rows: from this size on, ids are drawn on a second connection while the rows are checked
# where each phase ends on the progress bar (percent)
PROGRESS = {"read": 25, "check": 60, "duplicates": 70}


def max_bytes() -> int:
    return int(getattr(settings, "VOTER_IMPORT_MAX_BYTES", MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "VOTER_IMPORT_MAX_ROWS", MAX_ROWS))


def _file_error(message: str) -> ApplicationError:
    return ApplicationError(message, {"file": [message]})


def check_upload_size(file_name: str, size: int) -> None:
    """Refuse a file over the size limit (callers check before reading an upload into memory)."""
    limit = max_bytes()
    if size > limit:
        raise _file_error(f"文件“{Path(file_name or '').name}”有 {size / 1048576:.1f} MB，超过上限 "
                          f"{limit / 1048576:.0f} MB：请分成几个文件导入。")


# --------------------------------------------------------------------------------------------
# Starting a job
# --------------------------------------------------------------------------------------------


@transaction.atomic
def voter_import_start(*, actor: User, election: Election, file_name: str, content: bytes) -> Job:
    """Queue the import of a voter-roll file into ``election``; the job runs once this transaction commits."""
    _require(actor, "ballots.manage_voters", election)
    election = election_lock(election)
    require_stage(election, IMPORT_STAGES, "导入选民名单")
    if election.election_day is None:
        raise _file_error("尚未确定选举日：选民年龄按选举日计算，请先填写选举日再导入。")
    name = Path((file_name or "").replace("\\", "/")).name.strip()
    if not name:
        raise _file_error("请选择要导入的文件。")
    if not content:
        raise _file_error(f"文件“{name}”是空的。")
    check_upload_size(name, len(content))
    problem = importer.extension_problem(name, content)
    if problem:
        raise _file_error(problem)
    job = Job.objects.create(kind=JOB_KIND, election=election, created_by=actor, source_name=name[:255],
                             stage="排队等待")
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{job.pk}-{secrets.token_hex(8)}{importer.extension(name)}"
    path.write_bytes(content)
    job.source_path = str(path)
    job.save(update_fields=["source_path"])
    job_id = job.pk
    transaction.on_commit(lambda: _enqueue(job_id))
    return job


def _enqueue(job_id: int) -> None:
    from .. import tasks

    try:
        tasks.voter_import.delay(job_id)
    except Exception:  # the queue is unreachable: say so on the job rather than leave it waiting forever
        logger.exception("could not queue voter import job %s", job_id)
        job = Job.objects.get(pk=job_id)
        if job.state == "queued":
            _discard_upload(job)
            Job.objects.filter(pk=job_id, state="queued").update(
                state="failed", stage="导入失败", finished_at=timezone.now(),
                message="无法把导入交给后台处理（任务队列暂时不可用），未导入任何选民。请稍后重新上传。")


# --------------------------------------------------------------------------------------------
# Running it
# --------------------------------------------------------------------------------------------


def _update(job: Job, **fields: Any) -> None:
    """Write the job's progress at once (autocommit, so the page polling it from another connection sees it),
    unless the job has finished meanwhile (another run of it got there first)."""
    for key, value in fields.items():
        setattr(job, key, value)
    Job.objects.filter(pk=job.pk, state="running").update(**fields)


def voter_import_run(job_id: int) -> Job | None:
    """Run a queued import job. Idempotent: a job already done (or failed) is left as it is."""
    job = Job.objects.select_related("election", "election__community", "election__campaign",
                                     "election__rulebook", "created_by").filter(pk=job_id, kind=JOB_KIND).first()
    if job is None or job.state in {"done", "failed"}:
        return job
    started = timezone.now()
    if not Job.objects.filter(pk=job.pk, state__in=["queued", "running"]).update(
            state="running", started_at=started, stage="读取文件", progress=1, message=""):
        return Job.objects.get(pk=job.pk)
    job.state, job.started_at = "running", started
    # a hundred thousand rows make a few hundred thousand small objects, none of them in a cycle: the cyclic
    # garbage collector would only walk them again and again
    collecting = gc.isenabled()
    gc.disable()
    try:
        _run(job)
    except (importer.ImportFileError, ApplicationError) as exc:
        _fail(job, exc.message)
    except Exception:
        logger.exception("voter import job %s failed", job.pk)
        _fail(job, "导入因系统错误中断（已记入系统日志）：请稍后重新导入，如仍失败，请联系系统管理员。")
    finally:
        if collecting:
            gc.enable()
        _discard_upload(job)
    job.refresh_from_db()
    return job


def _fail(job: Job, message: str) -> None:
    _update(job, state="failed", stage="导入失败", message=f"{message.rstrip('。')}。未导入任何选民。",
            finished_at=timezone.now())


def _discard_upload(job: Job) -> None:
    if job.source_path:
        Path(job.source_path).unlink(missing_ok=True)
        Job.objects.filter(pk=job.pk).update(source_path="")


def _run(job: Job) -> None:
    election = job.election
    assert election is not None
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    path = Path(job.source_path)
    if not job.source_path or not path.exists():
        raise importer.ImportFileError("上传的文件已不存在，请重新上传。")
    rows = importer.read_rows(job.source_name, path.read_bytes())
    timings["read"] = time.perf_counter() - clock
    ids = _IdBlock(len(rows)) if connection.vendor == "postgresql" and len(rows) >= PREFETCH_FROM else None
    _update(job, stage="逐行核对", progress=PROGRESS["read"])

    clock = time.perf_counter()
    span = PROGRESS["check"] - PROGRESS["read"]

    def progress(done: int, total: int) -> None:
        _update(job, progress=PROGRESS["read"] + span * done // max(total, 1))

    checked = importer.check_rows(rows, election_day=election.election_day,
                                  min_age=voters.min_voter_age(election), max_rows=max_rows(),
                                  progress=progress)
    del rows
    timings["validate"] = time.perf_counter() - clock
    _update(job, stage="查找重复登记", progress=PROGRESS["check"])

    clock = time.perf_counter()
    registered = _registered(election, (data.id_number for _row, data in checked.good))
    keep, held = voter_rules.sort_rows(checked.good, registered, election.pk)
    timings["duplicates"] = time.perf_counter() - clock
    _update(job, stage="保存选民名单", progress=PROGRESS["duplicates"])

    clock = time.perf_counter()
    with transaction.atomic():
        imported = _store(job, keep, held, checked, ids)
    if imported is None:
        return
    timings["store"] = time.perf_counter() - clock
    Job.objects.filter(pk=job.pk).update(result={**job.result, "timings": _rounded(timings)})


def _rounded(timings: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in timings.items()}


def _registered(election: Election, numbers: Iterable[str]) -> dict[str, voter_rules.Registered]:
    """Active registrations of the election's campaign and body, by ID number, among ``numbers``."""
    wanted = list(dict.fromkeys(numbers))
    found: dict[str, voter_rules.Registered] = {}
    if not wanted:
        return found
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        voter, elections, places = (Voter._meta.db_table, Election._meta.db_table,
                                    Election._meta.get_field("community").related_model._meta.db_table)
        select = (f"SELECT v.id_number, v.id, v.election_id, v.{quote('group')}, j.name FROM {quote(voter)} v "  # noqa: S608
                  f"JOIN {quote(elections)} e ON e.id = v.election_id JOIN {quote(places)} j ON j.id = e.community_id "
                  "WHERE v.campaign_id = %s AND v.body = %s AND v.status = 'active'")
        params: list[Any] = [election.campaign_id, election.body]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {quote(voter)} WHERE campaign_id = %s AND body = %s "  # noqa: S608
                           "AND status = 'active'", params)
            registered = cursor.fetchone()[0]
            if registered > len(wanted):  # look the file's numbers up, as one array parameter
                cursor.execute(select + " AND v.id_number = ANY(%s)", [*params, wanted])
            else:  # fewer registrations than rows (a first import): read them all
                cursor.execute(select, params)
            rows: Iterable[tuple[Any, ...]] = cursor.fetchall()
        keep = set(wanted)
        rows = [row for row in rows if row[0] in keep]
    else:
        rows = []
        for start in range(0, len(wanted), 500):
            rows += Voter.objects.filter(
                campaign_id=election.campaign_id, body=election.body, status="active",
                id_number__in=wanted[start:start + 500],
            ).values_list("id_number", "pk", "election_id", "group", "election__community__name")
    for number, pk, election_id, group, community in rows:
        found[number] = voter_rules.Registered(pk, election_id, community, group)
    return found


def _store(job: Job, keep: list[tuple[int, voter_rules.VoterData]], held: list[voter_rules.Held],
           checked: importer.CheckedRoll, ids: _IdBlock | None) -> int | None:
    """Inside the storing transaction: lock, re-check, store the good rows and the held ones, one event, the
    job done. None when another run of the same job got there first."""
    assert job.election is not None
    election = election_lock(job.election)
    locked = Job.objects.select_for_update().get(pk=job.pk)
    if locked.state == "done":
        return None
    require_stage(election, IMPORT_STAGES, "导入选民名单")
    checked_with = job.election  # the election as the rows were checked (ages on its election day)
    if (election.election_day != checked_with.election_day
            or election.effective_rules().get("min_voter_age") != checked_with.effective_rules().get("min_voter_age")):
        raise ApplicationError("导入期间选举日或选民年龄下限已被修改，按原选举日核对的年龄已不可靠，请重新导入。")
    if not job.created_by.has_perm("ballots.manage_voters", election):
        raise ApplicationError(f"发起导入的用户（{job.created_by.display_name}）已无权管理本选举的选民名单。")
    for _attempt in range(STORE_ATTEMPTS):
        try:
            with transaction.atomic():
                _insert(job, election, keep, ids)
            break
        except IntegrityError:
            # someone registered one of these people since they were looked up: hold those rows instead
            registered = _registered(election, (data.id_number for _row, data in keep))
            if not registered:
                raise
            moved = [voter_rules.registered_held(row, data, registered[data.id_number], election.pk)
                     for row, data in keep if data.id_number in registered]
            keep = [(row, data) for row, data in keep if data.id_number not in registered]
            held = sorted([*held, *moved], key=lambda h: h.row)
    else:
        raise ApplicationError("保存时多次与其他同时进行的登记发生冲突，请稍后重新导入。")
    HeldRow.objects.bulk_create([
        HeldRow(job=job, election=election, row=h.row, kind=h.kind, name=h.data.name, id_number=h.data.id_number,
                sex=h.data.sex, birth_date=h.data.birth_date, group=h.data.group, category=h.data.category,
                other=h.other[:200], other_voter_id=h.other_voter_id)
        for h in held
    ], batch_size=2000)
    kinds = Counter(h.kind for h in held)
    result = {
        "file": job.source_name,
        "rows": checked.rows,
        "imported": len(keep),
        "errors_count": len(checked.errors),
        "bad_rows": checked.bad_rows,
        "held": len(held),
        "held_by_kind": dict(kinds),
        "columns": checked.labels,
        "header_row": checked.header_row,
        "duplicates": [
            {"row": h.row, "kind": h.kind, "name": h.data.name, "id_number": mask_id_number(h.data.id_number),
             "other": h.other}
            for h in held
        ],
    }
    summary = (f"导入选民名单（{job.source_name}）：共 {checked.rows} 行，登记 {len(keep)} 名，"
               f"有误 {checked.bad_rows} 行，待处理 {len(held)} 行")
    record_event(actor=job.created_by, action="voter.import", obj=job, election=election,
                 after={k: v for k, v in result.items() if k != "duplicates"}, summary=summary)
    done = {"state": "done", "progress": 100, "stage": "已完成", "result": result, "errors": checked.errors,
            "finished_at": timezone.now(), "message": ""}
    _update(job, **done)
    return len(keep)


# --------------------------------------------------------------------------------------------
# Storing: COPY on PostgreSQL, bulk inserts elsewhere
# --------------------------------------------------------------------------------------------

_COPY_FIELDS = ("election", "campaign", "body", "name", "id_number", "sex", "birth_date", "group", "category",
                "status", "source", "job", "row", "added_reason", "created_at", "removed_reason")
BULK_BATCH = 2000


def _insert(job: Job, election: Election, keep: list[tuple[int, voter_rules.VoterData]],
            ids: _IdBlock | None = None) -> None:
    """Store the good rows as voters of ``job``. Who registered them is the job's ``created_by``: ``added_by``
    stays empty on imported rows (the database would otherwise check one more foreign key on every row, a
    tenth of a 100,000-row import's time)."""
    if not keep:
        return
    if connection.vendor == "postgresql":
        _copy(job, election, keep, ids)
        return
    now = timezone.now()
    for start in range(0, len(keep), BULK_BATCH):
        Voter.objects.bulk_create([
            Voter(election_id=election.pk, campaign_id=election.campaign_id, body=election.body, name=d.name,
                  id_number=d.id_number, sex=d.sex, birth_date=d.birth_date, group=d.group, category=d.category,
                  status="active", source="import", job_id=job.pk, row=row, created_at=now)
            for row, d in keep[start:start + BULK_BATCH]
        ])


def _copy_text(value: str) -> str:
    """A value in COPY's text format (the checks leave no tab or line break, but a backslash may remain)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


class _CopySource:
    """What COPY … FROM STDIN reads: the rows formatted a chunk at a time, as the server asks for them, so that
    Python formats the next chunk while PostgreSQL stores the last one."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks = chunks

    def read(self, size: int = -1) -> str:
        return next(self._chunks, "")


def _draw_ids(count: int) -> list[int]:
    """``count`` fresh ids from the voter table's sequence, ascending."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_agg(nextval(pg_get_serial_sequence(%s, 'id'))) FROM generate_series(1, %s)",
                       [Voter._meta.db_table, count])
        return sorted(cursor.fetchone()[0] or [])


class _IdBlock:
    """Ids for a large file's rows, drawn on a second connection while this one's Python checks the rows: on two
    cores the server works through the sequence meanwhile. Ids left unused are gaps, as after any rollback."""

    def __init__(self, count: int) -> None:
        self.ids: list[int] = []
        self._thread = threading.Thread(target=self._draw, args=(count,), name="voter-import-ids", daemon=True)
        self._thread.start()

    def _draw(self, count: int) -> None:
        try:
            self.ids = _draw_ids(count)
        except Exception:  # noqa: BLE001 - the storing connection draws them instead
            logger.warning("drawing voter ids ahead failed", exc_info=True)
        finally:
            connection.close()

    def take(self, count: int) -> list[int]:
        self._thread.join()
        return self.ids[:count] if len(self.ids) >= count else _draw_ids(count)


def _copy(job: Job, election: Election, keep: list[tuple[int, voter_rules.VoterData]],
          block: _IdBlock | None = None) -> None:
    """One COPY … FROM STDIN of every good row on this transaction's connection. Ids are drawn from the table's
    sequence in file order (so the roll keeps the file's order), but rows are sent in ID-number order: the two
    (campaign, body, ID number) indexes then grow at one end instead of at random places, which halves the
    time the COPY takes."""
    quote = connection.ops.quote_name
    meta = Voter._meta
    table = meta.db_table
    ids = block.take(len(keep)) if block is not None else _draw_ids(len(keep))
    rows = sorted(zip(ids, keep, strict=True), key=lambda pair: pair[1][1].id_number)
    columns = ", ".join(quote(meta.get_field(f).column) for f in ("id", *_COPY_FIELDS))
    sql = f"COPY {quote(table)} ({columns}) FROM STDIN"
    head = f"\t{election.pk}\t{election.campaign_id}\t{_copy_text(election.body)}\t"
    tail = f"\t\t{timezone.now().isoformat()}\t\n"  # no added_by: see _insert
    marks = f"\tactive\timport\t{job.pk}\t"
    text = _copy_text

    def chunks() -> Iterator[str]:
        for start in range(0, len(rows), COPY_CHUNK):
            yield "".join([
                f"{pk}{head}{text(d.name)}\t{d.id_number}\t{d.sex}\t{d.birth_date.isoformat()}\t{text(d.group)}"
                f"\t{d.category}{marks}{row}{tail}"
                for pk, (row, d) in rows[start:start + COPY_CHUNK]
            ])

    with connection.wrap_database_errors:
        connection.cursor().cursor.copy_expert(sql, _CopySource(chunks()))


# --------------------------------------------------------------------------------------------
# Held rows: the clerk decides
# --------------------------------------------------------------------------------------------

DECISIONS = ("register", "discard")


def may_transfer(actor: User, election: Election) -> bool:
    """A street (or district) user whose jurisdiction covers the other registration's community may move a
    person's registration from there to here."""
    return actor.is_superuser or (
        getattr(actor, "role", "") in {"street_staff", "district_admin"}
        and actor.has_perm("ballots.manage_voters", election))


@transaction.atomic
def held_row_decide(*, actor: User, held_row: HeldRow, decision: str, reason: str) -> HeldRow:
    """Register a held row as a voter (checked again, and against every active registration of the campaign),
    or discard it; both with a reason, each recorded. A person registered in another community is registered
    here only once that registration is removed — or, by a street user whose jurisdiction covers both
    communities, moved: the other registration removed ("迁至…登记") and this one made, in one step."""
    _require(actor, "ballots.manage_voters", held_row.election)
    election = election_lock(held_row.election)
    require_stage(election, IMPORT_STAGES, "处理导入时待定的行")
    held = HeldRow.objects.select_for_update().get(pk=held_row.pk)
    if held.decision:
        raise Conflict(f"第 {held.row} 行（{held.name}）已处理：{held.get_decision_display()}。")
    errors: dict[str, list[str]] = {}
    if decision not in DECISIONS:
        errors["decision"] = ["请选择“登记”或“不予登记”。"]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = ["请填写处理说明。"]
    elif len(reason) > 200:
        errors["reason"] = ["处理说明至多 200 个字符。"]
    if errors:
        raise ApplicationError("处理有误。", errors)
    before = {"decision": "", "row": held.row, "kind": held.kind, "name": held.name}
    now = timezone.now()
    if decision == "discard":
        held.decision, held.decision_reason, held.decided_by, held.decided_at = "discarded", reason, actor, now
        held.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
        record_event(actor=actor, action="voter_import.held_discard", obj=held, election=election, before=before,
                     after={**before, "decision": "discarded", "reason": reason, "job": held.job_id},
                     summary=f"导入第 {held.row} 行 {held.name}（{held.get_kind_display()}）不予登记：{reason}")
        return held
    voter = _register(actor, election, held, reason)
    held.decision, held.decision_reason, held.decided_by, held.decided_at = "registered", reason, actor, now
    held.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    record_event(actor=actor, action="voter_import.held_register", obj=voter, election=election, before=before,
                 after={**before, "decision": "registered", "reason": reason, "job": held.job_id,
                        "voter": voter.pk, "group": voter.group},
                 summary=f"导入第 {held.row} 行 {held.name}（{held.get_kind_display()}）登记为选民：{reason}")
    return held


def _register(actor: User, election: Election, held: HeldRow, reason: str) -> Voter:
    data, problems = voter_rules.check_voter(
        name=held.name, id_number=held.id_number, group=held.group, category=held.category,
        election_day=election.election_day, min_age=voters.min_voter_age(election))
    if data is None:
        raise ApplicationError(f"第 {held.row} 行（{held.name}）不能登记为选民。", voters.add_problems({}, problems))
    existing = (Voter.objects.select_for_update().select_related("election", "election__community")
                .filter(campaign_id=election.campaign_id, body=election.body, id_number=data.id_number,
                        status="active").first())
    if existing is not None:
        if existing.election_id == election.pk:
            raise Conflict(f"{data.name}已在本社区登记为选民（{existing.group}），不能重复登记；"
                           "如需更正登记信息，请在选民名单中修改。")
        other = existing.election
        if not may_transfer(actor, other):
            raise Conflict(f"{data.name}已在{other.community.name}登记为选民（{existing.group}），同一次换届只能在一处"
                           f"登记：须先由{other.community.name}除名，或由街道工作人员办理迁移登记。")
        # the roll's own removal: its stage check, its refusal while proxies stand, its event on that roll
        voters.voter_remove(actor=actor, voter=existing, reason=f"迁至{election.community.name}登记")
    try:
        with transaction.atomic():
            return Voter.objects.create(
                election=election, campaign_id=election.campaign_id, body=election.body, name=data.name,
                id_number=data.id_number, sex=data.sex, birth_date=data.birth_date, group=data.group,
                category=data.category, status="active", source="import", job_id=held.job_id, row=held.row,
                added_reason=reason[:200], added_by=actor)
    except IntegrityError as exc:
        raise Conflict(f"{data.name}刚刚已在别处登记为选民，请刷新页面查看。") from exc

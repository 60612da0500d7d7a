"""`manage.py bench_import <file.xlsx>`: time a voter-roll import on PostgreSQL against its targets.

Uses DATABASE_URL when set (its data is left alone: only earlier bench rolls are removed), else its own
database postgres://postgres@127.0.0.1:5432/huanjie_bench, dropped and created afresh for each run (``--keep``
keeps it) so that runs compare; either is migrated. Sets up a bench street with two communities and one
campaign, registers the people listed in ``<file>.others.json`` (from ``make_voter_file``) in the other
community, then imports the file into the first community's election through the service and the task, and
prints the rows, the seconds of each phase (read, validate, duplicates, store), the total, rows per second and
the peak memory (ru_maxrss), each against the targets, with PASS or MISS. Exits 1 on a MISS.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/huanjie_bench"
TARGET_SECONDS = 5.0
TARGET_MB = 500
BENCH_CODE = "BENCH"
OWN_DATABASE = "HUANJIE_BENCH_OWN_DATABASE"  # set when the bench chose its database itself


def _prepare_database(url: str, *, fresh: bool) -> None:
    """Create the database the URL names when missing; with ``fresh``, drop it first (the bench's own database
    only: a clean state makes runs comparable)."""
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = urlunparse(parsed._replace(path="/postgres"))
    conn = psycopg2.connect(admin)
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            if fresh:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


class Command(BaseCommand):
    help = "Import a voter-roll .xlsx (from make_voter_file) on PostgreSQL and print the time of each phase."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?", default="var/bench/voters-100000.xlsx")
        parser.add_argument("--keep", action="store_true",
                            help="keep the bench database and earlier runs' rolls (default: a fresh bench database)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not os.environ.get("DATABASE_URL"):
            # settings read DATABASE_URL at start-up: run again with the bench's own database
            env = {**os.environ, "DATABASE_URL": DEFAULT_URL, OWN_DATABASE: "1"}
            os.execve(sys.executable, [sys.executable, sys.argv[0], *sys.argv[1:]], env)  # noqa: S606 - this same command
        if connection.vendor != "postgresql":
            raise CommandError(f"bench_import measures PostgreSQL; DATABASE_URL points to {connection.vendor}.")
        own = os.environ.get(OWN_DATABASE) == "1"
        _prepare_database(os.environ["DATABASE_URL"], fresh=own and not options["keep"])
        call_command("migrate", interactive=False, verbosity=0)
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"{path} 不存在：先运行 manage.py make_voter_file --output {path}")
        side = path.with_name(path.name + ".others.json")
        others = json.loads(side.read_text(encoding="utf-8")) if side.exists() else {"people": []}
        day = dt.date.fromisoformat(others["election_day"]) if others.get("election_day") else (
            timezone.localdate() + dt.timedelta(days=60))
        election, other, actor = self._setup(day, others["people"], keep=options["keep"])
        content = path.read_bytes()
        self.stdout.write(f"数据库：PostgreSQL {connection.pg_version // 10000}（{connection.settings_dict['NAME']}），"
                          f"CPU {os.cpu_count()} 核；文件 {path}（{len(content) / 1048576:.1f} MB）；"
                          f"另一社区已登记 {len(others['people'])} 人")
        job = self._run(election, actor, path.name, content)
        self._report(job)

    # ----------------------------------------------------------------------------------------

    def _setup(self, day: dt.date, people: list[dict[str, str]], *, keep: bool) -> tuple[Any, Any, Any]:
        from ballots.models import Voter
        from candidates.rules import parse_id_number
        from elections.models import Campaign, Election, Jurisdiction, Rulebook, User

        with transaction.atomic():
            district, _ = Jurisdiction.objects.get_or_create(code=BENCH_CODE, defaults={
                "name": "基准测试区", "level": "district"})
            street, _ = Jurisdiction.objects.get_or_create(code=f"{BENCH_CODE}-S", defaults={
                "name": "基准街道", "level": "street", "parent": district})
            here, _ = Jurisdiction.objects.get_or_create(code=f"{BENCH_CODE}-C1", defaults={
                "name": "东关社区", "level": "community", "parent": street})
            there, _ = Jurisdiction.objects.get_or_create(code=f"{BENCH_CODE}-C2", defaults={
                "name": "西关社区", "level": "community", "parent": street})
            actor = User.objects.filter(username="bench-street").first()
            if actor is None:
                actor = User(username="bench-street", role="street_staff", jurisdiction=street, full_name="基准测试")
                actor.set_unusable_password()
                actor.save()
            if not keep:  # earlier runs' rolls (their elections and events stay: the audit trail is kept)
                old = list(Campaign.objects.filter(jurisdiction=street).values_list("pk", flat=True))
                with connection.cursor() as cursor:  # in SQL: the ORM would load every row first
                    cursor.execute("DELETE FROM ballots_heldrow WHERE election_id IN "
                                   "(SELECT id FROM elections_election WHERE campaign_id = ANY(%s))", [old])
                    cursor.execute("DELETE FROM ballots_voter WHERE campaign_id = ANY(%s)", [old])
            campaign = Campaign.objects.create(name="基准测试换届", jurisdiction=street)
            rulebook = Rulebook.objects.get(code="rc-general")
            election = Election.objects.create(campaign=campaign, community=here, body="residents_committee",
                                               kind="general", rulebook=rulebook, election_day=day, stage="voting")
            other = Election.objects.create(campaign=campaign, community=there, body="residents_committee",
                                            kind="general", rulebook=rulebook, election_day=day, stage="voting")
            voters = []
            for p in people:
                info = parse_id_number(p["id_number"])
                voters.append(Voter(election=other, campaign=campaign, body=other.body, name=p["name"],
                                    id_number=info.number, sex=info.sex, birth_date=info.birth_date,
                                    group=p["group"], source="manual", added_by=actor))
            Voter.objects.bulk_create(voters, batch_size=2000)
        with connection.cursor() as cursor:  # the rows deleted above would otherwise still weigh on the indexes
            cursor.execute("VACUUM ANALYZE ballots_voter")
        return election, other, actor

    def _run(self, election: Any, actor: Any, name: str, content: bytes) -> Any:
        from ballots.services.voter_import import voter_import_run, voter_import_start
        from config.celery import app

        eager = app.conf.task_always_eager
        app.conf.task_always_eager = True  # the job runs here, right after the start commits
        logging.getLogger("kombu.connection").setLevel(logging.ERROR)  # the in-memory broker's notice
        gc.collect()
        self.baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        try:
            clock = time.perf_counter()
            job = voter_import_start(actor=actor, election=election, file_name=name, content=content)
            job = voter_import_run(job.pk)  # a no-op when the eager task already ran it
            self.total = time.perf_counter() - clock
        finally:
            app.conf.task_always_eager = eager
        return job

    def _report(self, job: Any) -> None:
        if job.state != "done":
            raise CommandError(f"导入未完成：{job.state} {job.message}")
        result = job.result
        timings = result.get("timings", {})
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
        rows = result["rows"]
        write = self.stdout.write
        write(f"rows            {rows:>10}   (imported {result['imported']}, bad rows {result['bad_rows']}, "
              f"held {result['held']}: {result.get('held_by_kind', {})})")
        for phase in ("read", "validate", "duplicates", "store"):
            write(f"{phase:<15} {timings.get(phase, 0):>10.2f} s")
        time_ok = self.total <= TARGET_SECONDS
        memory_ok = peak <= TARGET_MB
        write(f"total           {self.total:>10.2f} s    target ≤ {TARGET_SECONDS:.0f} s    "
              f"{'PASS' if time_ok else 'MISS'}")
        write(f"rows/s          {rows / self.total:>10.0f}")
        write(f"peak memory     {peak:>10.0f} MB   target ≤ {TARGET_MB} MB  {'PASS' if memory_ok else 'MISS'}"
              f"   (ru_maxrss of the process; {self.baseline:.0f} MB before the import)")
        if not (time_ok and memory_ok):
            write(self.style.ERROR("MISS"))
            sys.exit(1)
        write(self.style.SUCCESS("PASS"))

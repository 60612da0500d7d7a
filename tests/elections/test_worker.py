"""The deadline scan through a REAL Celery worker process: Redis broker, PostgreSQL shared with the worker.

The worker is a subprocess, so it can only see data this test has committed (``transactional_db``) in a
database it can connect to (PostgreSQL; an in-memory SQLite test database cannot be shared). It consumes a
queue unique to this test, so a stray worker elsewhere cannot take the task, and it is always stopped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

from tests import factories
from tests.conftest import require, tcp_reachable

pytestmark = pytest.mark.worker

PROJECT = Path(__file__).resolve().parents[2]
CELERY = PROJECT / ".venv" / "bin" / "celery"
STARTUP_TIMEOUT = 60
TASK_TIMEOUT = 60


def _database_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


def _output(log: Path) -> str:
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return "(no worker output)"
    return text[-4000:] or "(no worker output)"


class Worker:
    """A ``celery worker`` subprocess consuming one queue; stop() is safe to call at any time."""

    def __init__(self, queue: str, env: dict[str, str], log: Path) -> None:
        self.queue = queue
        self.nodename = f"{queue}@localhost"
        self.log = log
        self._log_file = log.open("wb")
        celery = str(CELERY) if CELERY.exists() else None
        command = [celery] if celery else [sys.executable, "-m", "celery"]
        self.proc = subprocess.Popen(
            [*command, "-A", "config", "worker", "--pool=solo", "--concurrency=1", "-Q", queue,
             "-n", self.nodename, "--loglevel=warning", "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            cwd=PROJECT, env=env, stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_ready(self, app, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                pytest.fail(f"the Celery worker exited with code {self.proc.returncode} before it was ready:\n"
                            f"{_output(self.log)}")
            if app.control.ping(destination=[self.nodename], timeout=1.0):
                return
        pytest.fail(f"the Celery worker did not answer a ping within {timeout}s:\n{_output(self.log)}")

    def stop(self) -> None:
        try:
            if self.alive():
                os.killpg(self.proc.pid, signal.SIGTERM)  # warm shutdown; the worker's own process group
                try:
                    self.proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait(timeout=10)
        except ProcessLookupError:
            pass
        finally:
            self._log_file.close()


def _run_on_worker(task, worker: Worker, timeout: float) -> int:
    """Send the task to the worker's queue and wait; fail with the worker's log if it is never done."""
    result = task.apply_async(queue=worker.queue)
    deadline = time.monotonic() + timeout
    try:
        while not result.ready():
            if not worker.alive():
                pytest.fail(f"the Celery worker died (exit {worker.proc.returncode}) while task {result.id} "
                            f"was {result.state}:\n{_output(worker.log)}")
            if time.monotonic() > deadline:
                picked_up = result.state != "PENDING"
                pytest.fail(
                    f"task {result.id} was not done within {timeout}s (state {result.state}; "
                    f"{'started but unfinished' if picked_up else 'the worker never picked it up'}):\n"
                    f"{_output(worker.log)}"
                )
            time.sleep(0.2)
        return result.get(timeout=5)
    finally:
        result.forget()


def _delete_queue(app, name: str) -> None:
    """Remove the throwaway queue's bindings from Redis (declared here first, so kombu knows them)."""
    from kombu import Exchange, Queue

    with contextlib.suppress(Exception), app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1)
        queue = Queue(name, Exchange(name, type="direct"), routing_key=name)(conn.default_channel)
        queue.declare()
        queue.delete()


def test_deadline_scan_runs_on_a_real_worker_and_is_idempotent(transactional_db, org, users):
    from django.db import connection
    from django.utils import timezone

    from config.celery import app
    from elections import tasks
    from elections.models import Notification

    redis_url = os.environ.get("REDIS_URL", "")
    require(bool(redis_url), "REDIS_URL is not set")
    require(tcp_reachable(redis_url, 6379), f"Redis at {redis_url} is not reachable")
    require(connection.vendor == "postgresql",
            f"the worker needs a shared PostgreSQL test database, not {connection.vendor}")
    assert app.conf.broker_url.startswith(("redis://", "rediss://")), app.conf.broker_url

    today = timezone.localdate()
    camp = factories.campaign(org["street"], milestones=[("完成职数方案审定", today + dt.timedelta(days=3))])
    milestone = camp.milestones.get()
    factories.election(org["community"], camp)
    assert Notification.objects.count() == 0

    queue = f"test-worker-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    connection.close()  # nothing of ours left open while the worker runs

    previous_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    with tempfile.TemporaryDirectory(prefix="celery-worker-") as tmp:
        worker = Worker(queue, env, Path(tmp) / "worker.log")
        try:
            worker.wait_ready(app, STARTUP_TIMEOUT)

            first = _run_on_worker(tasks.deadline_scan, worker, TASK_TIMEOUT)
            assert first == 2, f"expected 2 reminders, the task reported {first}\n{_output(worker.log)}"
            rows = list(Notification.objects.order_by("user__username"))
            assert {n.user_id for n in rows} == {users["street_staff"].pk, users["community_clerk"].pk}
            for n in rows:
                assert n.key == f"milestone:{milestone.pk}:before:3"
                assert n.due == milestone.due and not n.overdue
                assert n.campaign_id == camp.pk
                assert n.title == "即将到期：完成职数方案审定"
                assert "还有 3 天" in n.message

            second = _run_on_worker(tasks.deadline_scan, worker, TASK_TIMEOUT)
            assert second == 0
            assert sorted(Notification.objects.values_list("pk", flat=True)) == sorted(n.pk for n in rows)
        finally:
            worker.stop()
            app.conf.task_always_eager = previous_eager
            _delete_queue(app, queue)
    assert not worker.alive()

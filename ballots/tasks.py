"""Celery tasks of the ballots app: thin, taking ids, calling a service. With no Redis (the embedded default)
they run in-process, right after the transaction that queued them commits."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError


@shared_task(name="ballots.tasks.voter_import", acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True,
             max_retries=3)
def voter_import(job_id: int) -> str:
    """Run a voter-roll import job. Idempotent: a job already done or failed is left alone; a job whose worker
    died half-way (still "running") starts again, nothing having been stored."""
    from .services.voter_import import voter_import_run

    job = voter_import_run(job_id)
    return job.state if job is not None else "missing"

from celery import shared_task

from . import services


@shared_task(name="elections.tasks.deadline_scan", autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def deadline_scan() -> int:
    """Record reminders for campaign milestones near or past their due date (idempotent)."""
    return services.deadline_scan()

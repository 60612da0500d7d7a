from typing import Any

from django.core.management.base import BaseCommand

from elections.tasks import deadline_scan


class Command(BaseCommand):
    help = "Run the deadline scan now (Celery beat runs it hourly in production)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = deadline_scan.delay().get()
        self.stdout.write(f"新提醒 {created} 条。")

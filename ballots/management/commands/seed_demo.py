"""`manage.py seed_demo`: load the demo district (ballots/demo) once, then print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from ballots import demo
from elections.models import Jurisdiction


class Command(BaseCommand):
    help = "Load the demo district (相山区) with users of every role, people and elections across the stages."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the demo logins")

    def handle(self, *args: Any, **options: Any) -> None:
        if Jurisdiction.objects.filter(code="340603").exists():
            self.stdout.write("演示数据已存在，未重复加载。")
        else:
            with transaction.atomic():
                demo.load()
            self.stdout.write(self.style.SUCCESS("演示数据已加载。"))
        if not options["quiet_logins"]:
            demo.print_logins(self.stdout.write)

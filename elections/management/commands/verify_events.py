from typing import Any

from django.core.management.base import BaseCommand, CommandError

from elections.audit import verify_all


class Command(BaseCommand):
    help = "Recompute every audit-trail hash chain and report any altered, removed or re-linked event."

    def handle(self, *args: Any, **options: Any) -> None:
        chains, problems = verify_all()
        if problems:
            for p in problems:
                self.stderr.write(f"{p.chain} #{p.seq}: {p.message}")
            raise CommandError(f"审计记录校验失败：{len(problems)} 处问题（共 {chains} 条链）。")
        self.stdout.write(self.style.SUCCESS(f"审计记录完好：{chains} 条链全部校验通过。"))

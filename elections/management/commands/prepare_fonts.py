from typing import Any

from django.core.management.base import BaseCommand, CommandError

from elections.notices import fonts, render


class Command(BaseCommand):
    help = (
        "Build the trimmed CJK faces for PDF notices from the system's Noto Serif/Sans CJK SC into var/fonts/ "
        "(skipped when up to date)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
        parser.add_argument(
            "--require", action="store_true", help="fail (exit 1) when no CJK font is installed"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = fonts.font_dir()
        results = fonts.prepare_fonts(directory=directory, force=options["force"])
        render.reset_cache()
        labels = {
            "built": "已生成 built",
            "up to date": "无需更新 up to date",
            "missing": "缺少源字体 missing",
        }
        for result in results:
            source = f" ← {result.source.path}#{result.source.index}" if result.source else ""
            target = result.path.name if result.path else result.face.filename
            self.stdout.write(f"{labels[result.status]:<22} {target}{source}", ending="\n")
        missing = [r for r in results if r.status == "missing"]
        if len(missing) == len(results):
            if options["require"]:
                raise CommandError(fonts.MISSING_FONT_MESSAGE)
            self.stderr.write(fonts.MISSING_FONT_MESSAGE)
            return
        if missing:
            self.stderr.write(
                "部分字体缺失，相应字形将使用系统字体 / some faces are missing; those styles fall back to system fonts: "
                + ", ".join(f"{r.face.system_family} {r.face.style}" for r in missing)
            )
        self.stdout.write(self.style.SUCCESS(f"公告字体已就绪 / notice fonts ready: {directory}"))

import re
import shutil
import statistics
import subprocess  # noqa: S404 - pdfinfo, fixed arguments
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from elections.notices import fonts, render

TARGET_RATIO = 2.0
TEMPLATE = "elections/notices/notice.html"

CHINESE = {
    "lang": "zh-Hans",
    "title": "幸福里社区第十二届居民委员会选举结果公告",
    "addressee": "全体居民：",
    "paragraphs": [
        "根据《中华人民共和国城市居民委员会组织法》和《幸福里社区第十二届居民委员会选举办法》的规定，"
        "幸福里社区于二〇二六年五月十六日召开选举大会，采取无候选人差额直接选举的方式，"
        "选举产生第十二届居民委员会成员。本次选举登记选民二千八百四十六人，"
        "参加投票的选民二千三百一十二人，占登记选民总数的百分之八十一点二，"
        "选举有效。",
        "经选举委员会确认，下列七名同志获得过半数选票，当选为第十二届居民委员会成员（按姓氏笔画排序）：",
    ],
    "table_header": ["职务", "姓名", "性别", "得票数"],
    "table_rows": [
        ["主任", "王建国", "男", "2,104"],
        ["副主任", "方丽华", "女", "1,987"],
        ["委员", "冯志强", "男", "1,865"],
        ["委员", "刘晓梅", "女", "1,802"],
        ["委员", "陈秀英", "女", "1,790"],
        ["委员", "张伟民", "男", "1,744"],
        ["委员", "赵文静", "女", "1,731"],
    ],
    "closing": [
        "当选人员任期五年。对选举结果有异议的，可在公告之日起五日内向社区选举委员会书面反映。",
        "特此公告。",
    ],
    "issuer": "幸福里社区居民委员会选举委员会",
    "date": "2026年5月16日",
}

LATIN = {
    "lang": "en",
    "title": "Election Results",
    "addressee": "Residents:",
    "paragraphs": [
        "The community elected its committee on 16 May 2026; 2,312 of 2,846 voters voted (81.2%).",
        "These seven are elected:",
    ],
    "table_header": ["Office", "Name", "Sex", "Votes"],
    "table_rows": [
        ["Chair", "Wang Jianguo", "M", "2,104"],
        ["Deputy", "Fang Lihua", "F", "1,987"],
        ["Member", "Feng Zhiqiang", "M", "1,865"],
        ["Member", "Liu Xiaomei", "F", "1,802"],
        ["Member", "Chen Xiuying", "F", "1,790"],
        ["Member", "Zhang Weimin", "M", "1,744"],
        ["Member", "Zhao Wenjing", "F", "1,731"],
    ],
    "closing": ["Objections within five days.", "Hereby announced."],
    "issuer": "Election Committee",
    "date": "16 May 2026",
}

LATIN_CSS = """
@page { @bottom-center { font-family: "DejaVu Serif", "Liberation Serif", serif; } }
html, h1, h2, .notice-title, .notice-heading, table.notice-table th {
  font-family: "DejaVu Serif", "Liberation Serif", serif;
}
"""

FULL_SYSTEM_CSS = """
@page { @bottom-center { font-family: "Noto Serif CJK SC", serif; } }
html, h1, .notice-title { font-family: "Noto Serif CJK SC", serif; }
h2, .notice-heading, table.notice-table th { font-family: "Noto Sans CJK SC", sans-serif; }
"""


def _text_length(context: dict) -> int:
    parts = [context["title"], context["addressee"], context["issuer"], context["date"]]
    parts += context["paragraphs"] + context["closing"] + context["table_header"]
    parts += [cell for row in context["table_rows"] for cell in row]
    return sum(len(p) for p in parts)


class Command(BaseCommand):
    help = (
        "Time a one-page Chinese results notice with the trimmed CJK fonts against the same page in a "
        f"Latin font; PASS when the Chinese median is within {TARGET_RATIO:g}x."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--runs", type=int, default=9, help="timed runs per variant, after one warm-up")
        parser.add_argument(
            "--with-full-font",
            action="store_true",
            help="also time the page with the untrimmed system CJK font",
        )

    def _time(self, variants: list[tuple[dict, tuple[str, ...]]], runs: int) -> list[tuple[float, bytes]]:
        """Median seconds and the PDF of each variant; runs interleaved so load changes hit all alike."""
        pdfs = [
            render.render_template_pdf(TEMPLATE, context, stylesheets=css) for context, css in variants
        ]  # warm-up
        times: list[list[float]] = [[] for _ in variants]
        for _ in range(runs):
            for i, (context, css) in enumerate(variants):
                start = time.perf_counter()
                pdfs[i] = render.render_template_pdf(TEMPLATE, context, stylesheets=css)
                times[i].append(time.perf_counter() - start)
        return [(statistics.median(t), pdf) for t, pdf in zip(times, pdfs, strict=True)]

    def _pages(self, pdf: bytes) -> int | None:
        pdfinfo = shutil.which("pdfinfo")
        if not pdfinfo:
            return None
        out = subprocess.run([pdfinfo, "-"], input=pdf, capture_output=True, check=False).stdout  # noqa: S603
        match = re.search(rb"^Pages:\s+(\d+)", out, re.MULTILINE)
        return int(match.group(1)) if match else None

    def handle(self, *args: Any, **options: Any) -> None:
        runs = max(1, options["runs"])
        if not fonts.prepared_faces():
            raise CommandError(
                "公告字体尚未生成，请先运行 manage.py prepare_fonts / notice fonts not prepared: "
                "run manage.py prepare_fonts first."
            )
        self.stdout.write(
            f"PDF notice benchmark: one A4 results notice, {runs} runs each after one warm-up "
            f"(Chinese text {_text_length(CHINESE)} chars, Latin text {_text_length(LATIN)} chars, 7-name table)."
        )
        variants = [(CHINESE, ()), (LATIN, (LATIN_CSS,))]
        if options["with_full_font"]:
            variants.append((CHINESE, (FULL_SYSTEM_CSS,)))
        measured = self._time(variants, runs)
        (zh, zh_pdf), (latin, latin_pdf) = measured[:2]
        for label, pdf in (("Chinese", zh_pdf), ("Latin", latin_pdf)):
            pages = self._pages(pdf)
            if pages not in (None, 1):
                self.stderr.write(f"warning: the {label} notice has {pages} pages, not one")
        ratio = zh / latin if latin else float("inf")
        self.stdout.write(
            f"  Chinese, trimmed CJK faces  median {zh * 1000:8.1f} ms   ({len(zh_pdf) / 1024:.0f} KiB)"
        )
        self.stdout.write(
            f"  Latin, DejaVu Serif         median {latin * 1000:8.1f} ms   ({len(latin_pdf) / 1024:.0f} KiB)"
        )
        if options["with_full_font"]:
            full, full_pdf = measured[2]
            self.stdout.write(
                f"  Chinese, full system font   median {full * 1000:8.1f} ms   ({len(full_pdf) / 1024:.0f} KiB)"
                "   (reference only)"
            )
        verdict = "PASS" if ratio <= TARGET_RATIO else "MISS"
        line = f"  ratio Chinese/Latin {ratio:.2f}x   target <= {TARGET_RATIO:g}x   {verdict}"
        self.stdout.write(self.style.SUCCESS(line) if verdict == "PASS" else self.style.WARNING(line))
        self.stdout.write("  (Not measured this time: the 20,000-voter list PDF.)")

"""`manage.py make_voter_file`: a realistic voter-roll spreadsheet for trying and timing the import.

Valid resident ID numbers (GB 11643-1999 check character) of adults, common surnames and given names,
residents' groups, a 户籍类别 column mostly left empty; about 1% bad rows (a wrong check character, a 17-year-old,
an empty group, an unknown category, an ID number stored as a number by Excel, an impossible date, an empty
name), about 0.5% repeats of earlier rows (in-file duplicates). Beside the file, ``<file>.others.json`` lists
some people of the file (0.3%) for ``bench_import`` to register in another community of the campaign first.

Deterministic for a given ``--seed``: the same arguments make the same file.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from candidates.rules import check_char

SURNAMES = ("王" * 8 + "李" * 8 + "张" * 7 + "刘" * 6 + "陈" * 5 + "杨" * 3 + "赵" * 2 + "黄" * 2 + "周" * 2 + "吴" * 2
            + "徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方"
            "石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强海燕德明文斌淑珍春梅凤英"
         "小红晓东立新宏伟振华国强永刚丽华桂兰玉梅秀珍金凤子涵浩然一鸣欣怡梓萱思远")
AREAS = ("340603", "340602", "340604", "340621", "340100", "341202", "320106", "410105", "110105", "370102")
CATEGORY_CELLS = ["", "", "", "", "", "", "", "户在人在", "人户分离", "非户籍"]
HEADERS = ["序号", "姓名", "身份证号码", "居民小组", "户籍类别"]
BAD_KINDS = ("checksum", "young", "no_group", "category", "excel_number", "date", "no_name")


def id_number(rng: random.Random, birth: dt.date) -> str:
    body = f"{rng.choice(AREAS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + check_char(body)


def person(rng: random.Random, day: dt.date, groups: int) -> list[Any]:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
    birth = day - dt.timedelta(days=rng.randrange(18 * 366 + 2, 95 * 365))
    return [rng.choice(SURNAMES) + given, id_number(rng, birth), f"第{rng.randrange(1, groups + 1)}居民小组",
            rng.choice(CATEGORY_CELLS)]


def spoil(rng: random.Random, cells: list[Any], day: dt.date, kind: str) -> list[Any]:
    name, number, group, category = cells
    if kind == "checksum":
        wrong = "0123456789X".replace(number[17], "")
        number = number[:17] + rng.choice(wrong)
    elif kind == "young":
        number = id_number(rng, day - dt.timedelta(days=rng.randrange(200, 17 * 365)))
    elif kind == "no_group":
        group = ""
    elif kind == "category":
        category = rng.choice(["暂住", "待定", "其他"])
    elif kind == "excel_number":
        number = float(number[:17] + ("0" if number[17] == "X" else number[17]))
    elif kind == "date":
        number = number[:10] + "1332" + number[14:17]
        number += check_char(number)
    elif kind == "no_name":
        name = ""
    return [name, number, group, category]


class Command(BaseCommand):
    help = "Write a realistic voter-roll .xlsx (or .csv) with some bad rows and duplicates, for the import bench."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--output", default="var/bench/voters-100000.xlsx")
        parser.add_argument("--seed", type=int, default=20260101)
        parser.add_argument("--groups", type=int, default=24)
        parser.add_argument("--bad", type=float, default=0.01, help="share of bad rows (default 1%%)")
        parser.add_argument("--duplicates", type=float, default=0.005, help="share of in-file repeats (0.5%%)")
        parser.add_argument("--others", type=float, default=0.003,
                            help="share of people listed for registration in another community first (0.3%%)")
        parser.add_argument("--election-day", default="", help="YYYY-MM-DD; default: 60 days from today")

    def handle(self, *args: Any, **options: Any) -> None:
        rows_wanted = options["rows"]
        if rows_wanted < 1:
            raise CommandError("--rows must be at least 1")
        day = (dt.date.fromisoformat(options["election_day"]) if options["election_day"]
               else timezone.localdate() + dt.timedelta(days=60))
        rng = random.Random(options["seed"])
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        rows: list[list[Any]] = []
        good: list[int] = []
        counts = {"bad": 0, "duplicates": 0}
        for _ in range(rows_wanted):
            roll = rng.random()
            if roll < options["bad"]:
                rows.append(spoil(rng, person(rng, day, options["groups"]), day, rng.choice(BAD_KINDS)))
                counts["bad"] += 1
            elif roll < options["bad"] + options["duplicates"] and good:
                earlier = rows[rng.choice(good)]
                rows.append([earlier[0], earlier[1], rng.choice([earlier[2], f"第{rng.randrange(1, 9)}居民小组"]),
                             earlier[3]])
                counts["duplicates"] += 1
            else:
                good.append(len(rows))
                rows.append(person(rng, day, options["groups"]))
        others = [rows[i] for i in rng.sample(good, min(len(good), int(len(good) * options["others"])))]
        if output.suffix.lower() == ".csv":
            self._csv(output, rows)
        else:
            self._xlsx(output, rows)
        side = output.with_name(output.name + ".others.json")
        side.write_text(json.dumps({"election_day": day.isoformat(), "people": [
            {"name": r[0], "id_number": r[1], "group": f"第{rng.randrange(1, 9)}居民小组"} for r in others]},
            ensure_ascii=False), encoding="utf-8")
        self.stdout.write(f"{output}: {len(rows)} 行（有误约 {counts['bad']} 行，文件内重复 {counts['duplicates']} 行），"
                          f"{len(others)} 人列入 {side.name}，选举日 {day:%Y-%m-%d}")

    @staticmethod
    def _xlsx(output: Path, rows: list[list[Any]]) -> None:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("选民名单")
        sheet.append(["东关社区选民登记表"])
        sheet.append(HEADERS)
        for index, row in enumerate(rows, start=1):
            sheet.append([index, *row])
        book.save(output)

    @staticmethod
    def _csv(output: Path, rows: list[list[Any]]) -> None:
        import csv

        with output.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS)
            for index, row in enumerate(rows, start=1):
                writer.writerow([index, *[f"{v:.14E}" if isinstance(v, float) else v for v in row]])

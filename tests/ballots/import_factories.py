"""Builders for the voter-import tests: spreadsheets and CSV files in memory, voters written through the ORM,
and a fixture keeping uploads in a temporary MEDIA_ROOT."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

from ballots.models import Voter
from candidates.rules import parse_id_number
from tests import factories

DAY = dt.date(2030, 1, 10)  # factories.election's default election day
HEADERS = ["姓名", "身份证号码", "居民小组", "户籍类别"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def adult_id(seq: int = 1, birth: dt.date = dt.date(1980, 5, 17)) -> str:
    return factories.id_number(birth, seq=seq % 1000)


def people(n: int, start: int = 1, group: str = "第1居民小组") -> list[list[Any]]:
    """``n`` valid rows (name, ID number, group, category) with distinct ID numbers."""
    return [[f"张{i}", adult_id(i, dt.date(1970, 1, 1) + dt.timedelta(days=i)), group, ""] for i in range(start, start + n)]


def xlsx(rows: list[list[Any]], headers: list[Any] | None = None, title: str | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(HEADERS if headers is None else headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]], headers: list[Any] | None = None, encoding: str = "utf-8",
              delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(HEADERS if headers is None else headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def voter(election, name: str = "李四", number: str | None = None, group: str = "第2居民小组",
          status: str = "active") -> Voter:
    info = parse_id_number(number or adult_id(900))
    return Voter.objects.create(election=election, campaign=election.campaign, body=election.body, name=name,
                                id_number=info.number, sex=info.sex, birth_date=info.birth_date, group=group,
                                status=status, source="manual")


def run_import(actor, election, content: bytes, name: str = "选民.xlsx"):
    """Start an import and run its job here (the on-commit queueing does not fire inside a test's
    transaction); the job, fresh from the database."""
    from ballots.services.voter_import import voter_import_run, voter_import_start

    job = voter_import_start(actor=actor, election=election, file_name=name, content=content)
    return voter_import_run(job.pk)

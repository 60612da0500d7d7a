"""Excel export for every list page, safe against formula injection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_FORBIDDEN = str.maketrans({c: "_" for c in "\\/*?:[]"})  # a worksheet title may not hold these


def safe_cell(value: Any) -> Any:
    """User text that a spreadsheet would run as a formula is stored as text ('=1+1 stays '=1+1)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return value


def workbook_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = title.translate(SHEET_TITLE_FORBIDDEN)[:31] or "Sheet"
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [max(6, len(str(h)) * 2) for h in headers]
    for row in rows:
        values = [safe_cell(v) for v in row]
        ws.append(values)
        for i, v in enumerate(values):
            widths[i] = min(60, max(widths[i], len(str(v)) * 2 if v is not None else 0))
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    response = HttpResponse(
        workbook_bytes(filename, headers, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}.xlsx"
    return response

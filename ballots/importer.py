"""Reading a voter-roll file (.xlsx or .csv) into rows, and checking those rows: the header row found and mapped
(its wording may vary), every data row checked with the election's day and minimum age, every problem tied to
its spreadsheet row number (counting the header and any title rows) and field.

No database here: the import service (``ballots.services.voter_import``) reads, checks, finds duplicates and
stores. ``ImportFileError`` carries the Chinese message the job fails with.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .rules import voters as voter_rules

EXTENSIONS = (".xlsx", ".csv")
XLSX_MAGIC = b"PK\x03\x04"  # an .xlsx is a ZIP archive
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # utf-8-sig reads plain UTF-8 too
PROGRESS_EVERY = 10_000


class ImportFileError(Exception):
    """The file cannot be imported at all (unreadable, no header, too many rows); the message is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def extension(file_name: str) -> str:
    return Path(file_name or "").suffix.lower()


def extension_problem(file_name: str, content: bytes) -> str | None:
    """Why a file may not be imported, judged from its name and first bytes; None when it may."""
    ext = extension(file_name)
    if ext == ".xls":
        return "不支持旧版 .xls 文件：请在 Excel 或 WPS 中“另存为” .xlsx 后再导入。"
    if ext not in EXTENSIONS:
        return f"只能导入 .xlsx 或 .csv 文件，“{Path(file_name).name}”不是。"
    if ext == ".xlsx" and not content.startswith(XLSX_MAGIC):
        return "该文件不是有效的 .xlsx 文件（可能是改了扩展名的其他文件）：请在 Excel 或 WPS 中另存为 .xlsx 后再导入。"
    return None


# --------------------------------------------------------------------------------------------
# Readers: a file → rows of raw cells; rows[i] is the spreadsheet's row i + 1
# --------------------------------------------------------------------------------------------


def read_rows(file_name: str, data: bytes) -> list[list[Any]]:
    ext = extension(file_name)
    if ext == ".xlsx":
        return read_xlsx(data)
    if ext == ".csv":
        return read_csv(data)
    raise ImportFileError(f"只能导入 .xlsx 或 .csv 文件，“{Path(file_name).name}”不是。")


def read_xlsx(data: bytes) -> list[list[Any]]:
    """The first sheet that has data, from its first row (empty leading rows kept, so that row numbers match
    what the clerk sees). Text comes back as str, numbers as float, empty cells as ""."""
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        try:
            for index in range(len(book.sheet_names)):
                sheet = book.get_sheet_by_index(index)
                if sheet.height:
                    return sheet.to_python(skip_empty_area=False)
            return []
        finally:
            book.close()
    except python_calamine.PasswordError as exc:
        raise ImportFileError("该 Excel 文件设有密码，无法读取：请取消密码后再导入。") from exc
    except (python_calamine.CalamineError, python_calamine.ZipError, python_calamine.XmlError, ValueError) as exc:
        raise ImportFileError(f"无法读取该 Excel 文件（{str(exc)[:100]}）：请在 Excel 或 WPS 中打开并另存为 .xlsx 后重试。") \
            from exc


def read_csv(data: bytes) -> list[list[Any]]:
    """UTF-8 (with or without a byte-order mark), else GB18030 (what Chinese Excel saves); comma-separated, or
    tab-separated when the first line has tabs and no commas."""
    text = None
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise ImportFileError("无法识别该 CSV 文件的编码：请另存为“CSV UTF-8”或直接导入 .xlsx 文件。")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise ImportFileError(f"CSV 文件格式有误（{exc}）：请在 Excel 或 WPS 中打开并另存为 .xlsx 后重试。") from exc


# --------------------------------------------------------------------------------------------
# Checking the rows
# --------------------------------------------------------------------------------------------


@dataclass
class CheckedRoll:
    """``rows``: data rows read (not counting the header, title rows or entirely empty rows); ``good``: (row
    number, registration) of every row that passed; ``errors``: {row, field, message} of every problem;
    ``labels``: the header of each field's column as written in the file."""

    rows: int = 0
    good: list[tuple[int, voter_rules.VoterData]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    bad_rows: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    header_row: int = 0


def check_rows(
    rows: Sequence[Sequence[Any]],
    *,
    election_day: dt.date | None,
    min_age: int,
    max_rows: int,
    progress: Callable[[int, int], None] | None = None,
) -> CheckedRoll:
    """Find the header, then check every data row. Raises ImportFileError when the required columns are
    missing, or the file has no data rows or more than ``max_rows``."""
    header_index, match = voter_rules.find_header(rows)
    if header_index is None or not match.ok:
        if not any(not voter_rules.row_is_empty(r) for r in rows):
            raise ImportFileError("文件是空的：没有找到任何数据。")
        raise ImportFileError(voter_rules.header_problem(match))
    data_rows = len(rows) - header_index - 1
    if data_rows > max_rows:
        raise ImportFileError(f"文件有 {data_rows} 行，超过一次导入的上限 {max_rows} 行：请分成几个文件导入。")
    checked = CheckedRoll(labels=dict(match.labels), header_row=header_index + 1)
    checker = voter_rules.VoterChecker(election_day=election_day, min_age=min_age)
    fast, check = checker.fast, checker.check
    row_is_empty = voter_rules.row_is_empty
    cols = match.columns
    i_name, i_id, i_group = cols["name"], cols["id_number"], cols["group"]
    i_category = cols.get("category")
    width = 1 + max(cols.values())
    good, errors = checked.good, checked.errors
    append = good.append
    total = len(rows)
    read = 0
    for index in range(header_index + 1, total):
        cells = rows[index]
        if len(cells) < width:
            if row_is_empty(cells):
                continue
            cells = [*cells, *([""] * (width - len(cells)))]
        else:
            name = cells[i_name]
            if (name is None or (type(name) is str and not name.strip())) and row_is_empty(cells):
                continue
        read += 1
        if progress is not None and read % PROGRESS_EVERY == 0:
            progress(index, total)
        category = "" if i_category is None else cells[i_category]
        data = fast(cells[i_name], cells[i_id], cells[i_group], category)
        if data is not None:
            append((index + 1, data))
            continue
        number, lost = voter_rules.id_cell(cells[i_id])
        data, problems = check(name=cells[i_name], id_number=number, group=cells[i_group], category=category)
        if lost is not None:
            problems = [("id_number", lost)] + [p for p in problems if p[0] != "id_number"]
            data = None
        if data is None:
            checked.bad_rows += 1
            errors.extend({"row": index + 1, "field": f, "message": m} for f, m in problems)
        else:
            append((index + 1, data))
    checked.rows = read
    if not read:
        raise ImportFileError(f"第 {header_index + 1} 行是表头，但表头下面没有任何数据。")
    return checked


# --------------------------------------------------------------------------------------------
# The template clerks fill in
# --------------------------------------------------------------------------------------------

TEMPLATE_HEADERS = ("姓名", "身份证号码", "居民小组", "户籍类别")
TEMPLATE_CATEGORIES = ("户籍在本社区并居住", "户在人不在", "非本社区户籍")


def template_bytes(rows: int = 2000) -> bytes:
    """An .xlsx to fill in: the four columns, the ID-number column formatted as text (so that Excel keeps all
    18 digits), a drop-down of the three categories, and a sheet explaining each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "选民名单"
    sheet.append(list(TEMPLATE_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in zip("ABCD", (12, 24, 16, 22), strict=True):
        sheet.column_dimensions[index].width = width
    for row in range(2, rows + 2):
        sheet.cell(row=row, column=2).number_format = "@"
    choices = DataValidation(type="list", formula1='"' + ",".join(TEMPLATE_CATEGORIES) + '"', allow_blank=True)
    choices.error, choices.errorTitle = "请从下拉列表中选择户籍类别，或留空（表示户籍在本社区并居住）。", "户籍类别"
    sheet.add_data_validation(choices)
    choices.add(f"D2:D{rows + 1}")
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 80
    for line in (
        ("列", "说明"),
        ("姓名", "必填。也可写作“名字”“选民姓名”。"),
        ("身份证号码", "必填，18 位居民身份证号码，末位可为 X。请保持本列为“文本”格式：Excel 把号码当作数字时只保留"
                   "前 15 位，后几位会丢失。也可写作“身份证号”“公民身份号码”“证件号码”。"),
        ("居民小组", "必填，如“第3居民小组”。也可写作“小组”“所在小组”“组别”。"),
        ("户籍类别", "可不填（表示户籍在本社区并居住）；或填：户在人不在（人户分离、本人表示参加选举）、"
                 "非本社区户籍（在本社区居住一年以上、本人申请参加选举）。也可写作“户籍情况”“类别”“登记类别”。"),
        ("年龄", "按选举日计算，选举日未满 18 周岁（或选举办法规定的年龄）的不能登记。"),
        ("重复", "同一身份证号码在文件中出现多次的，第一次出现的行照常登记，其余各行暂不登记、留待处理；"
               "已在本社区或本次换届其他社区登记的，也暂不登记、留待处理。"),
    ):
        notes.append(list(line))
    notes["A1"].font = notes["B1"].font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

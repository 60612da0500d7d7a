"""Pure rules of one voter's registration (no Django), shared by the import, the manual registration page and
the API: a voter is 18 (``min_voter_age``) or older on election day (城市居民委员会组织法 第八条), named, with a
valid resident ID number (GB 11643-1999), a residents' group and a registration category.

``check_voter`` returns the cleaned registration or every problem found, each tied to its field, in Chinese.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from candidates.rules import CHECK_CHARS, InvalidIdNumber, age_on, parse_id_number

# 城市居民委员会组织法 第八条, 村民委员会组织法 第十三条 and the seeds' 选民资格认定
CATEGORIES = [
    ("resident", "户籍在本社区并在本社区居住"),
    ("registered_absent", "户籍在本社区、不在本社区居住，本人表示参加选举"),
    ("non_registered", "户籍不在本社区、在本社区居住一年以上，本人申请参加选举"),
]
CATEGORY_LABELS = dict(CATEGORIES)
CATEGORY_CODES = tuple(CATEGORY_LABELS)

# What clerks write in a 户籍类别 column, normalised (NFKC, no spaces) → category code. An empty cell means
# "resident" (户籍在本社区并居住), the common case.
CATEGORY_SYNONYMS: dict[str, str] = {
    "": "resident",
    "resident": "resident",
    "本社区户籍": "resident",
    "户籍在本社区": "resident",
    "户籍在本社区并居住": "resident",
    "户籍在本社区并在本社区居住": "resident",
    "户在人在": "resident",
    "本地户籍": "resident",
    "户籍居民": "resident",
    "registered_absent": "registered_absent",
    "户在人不在": "registered_absent",
    "人户分离": "registered_absent",
    "户籍在本社区不在本社区居住": "registered_absent",
    "户籍在本社区、不在本社区居住": "registered_absent",
    "外出": "registered_absent",
    "non_registered": "non_registered",
    "人在户不在": "non_registered",
    "非户籍": "non_registered",
    "非本社区户籍": "non_registered",
    "流动人口": "non_registered",
    "外来人口": "non_registered",
    "户籍不在本社区": "non_registered",
    "居住一年以上": "non_registered",
}

FIELD_LABELS = {"name": "姓名", "id_number": "身份证号", "group": "居民小组", "category": "户籍类别"}

NAME_MAX = 50
GROUP_MAX = 50


@dataclass(frozen=True)
class VoterData:
    """A registration that passed every check."""

    name: str
    id_number: str
    sex: str  # "male" | "female"
    birth_date: dt.date
    group: str
    category: str


def clean_text(value: object) -> str:
    """NFKC, zero-width characters removed, whitespace collapsed; spaces between Chinese characters dropped
    (张 三 → 张三) while a space between Latin words stays."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    parts = text.split()
    if not parts:
        return ""
    out = parts[0]
    for part in parts[1:]:
        out += (" " if out[-1].isascii() and part[0].isascii() else "") + part
    return out


def category_code(raw: object) -> str | None:
    """The category a cell names, or None when it names none."""
    text = clean_text(raw).replace(" ", "")
    if text in CATEGORY_SYNONYMS:
        return CATEGORY_SYNONYMS[text]
    for code, label in CATEGORY_LABELS.items():
        if text == label.replace(" ", ""):
            return code
    return None


def check_voter(
    *,
    name: object,
    id_number: object,
    group: object,
    category: object = "",
    election_day: dt.date | None,
    min_age: int = 18,
) -> tuple[VoterData | None, list[tuple[str, str]]]:
    """(registration, []) when every field holds, else (None, [(field, message), …]) with every problem."""
    problems: list[tuple[str, str]] = []
    clean_name = clean_text(name)
    if not clean_name:
        problems.append(("name", "姓名为空。"))
    elif len(clean_name) > NAME_MAX:
        problems.append(("name", f"姓名过长（{len(clean_name)} 个字符，至多 {NAME_MAX} 个）。"))
    info = None
    raw_id = clean_text(id_number).replace(" ", "")
    try:
        info = parse_id_number(raw_id)
    except InvalidIdNumber as exc:
        problems.append(("id_number", str(exc)))
    if info is not None:
        if election_day is None:
            problems.append(("id_number", "尚未确定选举日，无法核对是否年满选举年龄。"))
        else:
            age = age_on(info.birth_date, election_day)
            if age < min_age:
                problems.append((
                    "id_number",
                    f"出生于 {info.birth_date:%Y-%m-%d}，到选举日 {election_day:%Y-%m-%d} 未满 {min_age} 周岁"
                    f"（{age} 周岁），不能登记为选民。",
                ))
    clean_group = clean_text(group)
    if not clean_group:
        problems.append(("group", "居民小组为空。"))
    elif len(clean_group) > GROUP_MAX:
        problems.append(("group", f"居民小组名称过长（至多 {GROUP_MAX} 个字符）。"))
    code = category_code(category)
    if code is None:
        problems.append(("category", f"户籍类别“{clean_text(category)}”无法识别，应为：户籍在本社区并居住、"
                                     "户在人不在（人户分离）或非本社区户籍（居住一年以上）。"))
    if problems or info is None or code is None:
        return None, problems
    return VoterData(clean_name, info.number, info.sex, info.birth_date, clean_group, code), []


# --------------------------------------------------------------------------------------------
# Many rows at once (the import): the same results as check_voter, faster
# --------------------------------------------------------------------------------------------

_ID_FAST = re.compile(r"[1-9][0-9]{16}[0-9X]")
_CACHE_LIMIT = 50_000


class VoterChecker:
    """``check_voter`` for the many rows of one election's import: for every input it returns exactly what
    ``check_voter`` returns (tests compare the two), but a plain row — text cells already clean, an ID number of
    18 ASCII characters — is checked without the general path's per-character work, and what repeats across
    rows (groups, categories, birth dates) is worked out once. Anything unusual, and every row with a problem,
    goes through ``check_voter`` itself, so problems are always worded the same."""

    def __init__(self, *, election_day: dt.date | None, min_age: int = 18) -> None:
        self.election_day = election_day
        self.min_age = min_age
        self._texts: dict[str, str | None] = {}  # group cell → its clean text when it passes, else None
        self._categories: dict[str, str | None] = {}
        self._births: dict[str, dt.date | None] = {}  # YYYYMMDD → the date when old enough on the day

    def check(
        self, *, name: object, id_number: object, group: object, category: object = ""
    ) -> tuple[VoterData | None, list[tuple[str, str]]]:
        data = self.fast(name, id_number, group, category)
        if data is not None:
            return data, []
        return check_voter(name=name, id_number=id_number, group=group, category=category,
                           election_day=self.election_day, min_age=self.min_age)

    def fast(self, name: object, id_number: object, group: object, category: object) -> VoterData | None:
        """The registration when the row is plain and passes every check; None sends it the general way
        (``check``), which finds its problems."""
        if type(name) is not str or type(id_number) is not str or self.election_day is None:
            return None
        if not name or len(name) > NAME_MAX or not _plain(name):
            return None
        if len(id_number) != 18 or _ID_FAST.fullmatch(id_number) is None:
            return None
        # the check character: Σ aᵢ·wᵢ mod 11 with wᵢ = 2^(18-i) mod 11, i.e. twice the first 17 digits read in
        # base 13 (13 ≡ 2 mod 11), taken mod 11
        if CHECK_CHARS[2 * int(id_number[:17], 13) % 11] != id_number[17]:
            return None
        texts = self._texts
        clean_group = texts[group] if type(group) is str and group in texts else self._group(group)
        if clean_group is None:
            return None
        categories = self._categories
        code = categories[category] if type(category) is str and category in categories else self._category(category)
        if code is None:
            return None
        births = self._births
        key = id_number[6:14]
        birth = births[key] if key in births else self._birth(key)
        if birth is None:
            return None
        return VoterData(name, id_number, "male" if id_number[16] in "13579" else "female", birth, clean_group, code)

    def _birth(self, text: str) -> dt.date | None:
        try:
            birth: dt.date | None = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            birth = None
        assert self.election_day is not None
        if birth is not None and (birth.year < 1900 or age_on(birth, self.election_day) < self.min_age):
            birth = None
        if len(self._births) < _CACHE_LIMIT:
            self._births[text] = birth
        return birth

    def _group(self, group: object) -> str | None:
        if type(group) is not str:
            return None
        text: str | None = clean_text(group)
        if not text or len(text) > GROUP_MAX:
            text = None
        if len(self._texts) < _CACHE_LIMIT:
            self._texts[group] = text
        return text

    def _category(self, category: object) -> str | None:
        if type(category) is not str:
            return None
        code = category_code(category)
        if len(self._categories) < _CACHE_LIMIT:
            self._categories[category] = code
        return code


def _plain(text: str) -> bool:
    """True when ``clean_text`` would return ``text`` unchanged: printable (so no format characters and no
    whitespace but the ASCII space), without spaces, and already in NFKC form."""
    return text.isprintable() and " " not in text and unicodedata.is_normalized("NFKC", text)


# --------------------------------------------------------------------------------------------
# Spreadsheet cells and headers
# --------------------------------------------------------------------------------------------

# Spreadsheets keep 15 significant digits of a number: an 18-digit ID number typed into a number cell has
# already lost its last digits, and nothing can bring them back.
EXCEL_DIGITS = 15
_SCIENTIFIC = re.compile(r"[0-9](?:\.[0-9]+)?[eE]\+?[0-9]+")


def _lost_digits(shown: str) -> str:
    return (f"身份证号码被表格软件当作数字保存（显示为 {shown}），超过 {EXCEL_DIGITS} 位的数字已丢失，无法还原。"
            "请把该列设为“文本”格式后重新填写（或在号码前加英文单引号 '），再导入。")


def id_cell(value: object) -> tuple[object, str | None]:
    """An ID-number cell as read from a file → (what to check, the problem when a spreadsheet stored the number
    as a number and lost its last digits). Whole numbers of up to 15 digits come back as their digits (they then
    fail as too short); text comes back as it is."""
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            return value, None
        number = int(value)
        if len(str(abs(number))) > EXCEL_DIGITS:
            return "", _lost_digits(f"{float(value):.{EXCEL_DIGITS - 1}E}")
        return str(number), None
    if isinstance(value, str):
        text = clean_text(value).replace(" ", "")
        if _SCIENTIFIC.fullmatch(text):
            return "", _lost_digits(text)
    return value, None


REQUIRED_FIELDS = ("name", "id_number", "group")
OPTIONAL_FIELDS = ("category",)
# What clerks write as a column's header, normalised by ``header_key``.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "选民姓名", "name"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "公民身份证号码", "证件号码", "身份证", "id_number"),
    "group": ("居民小组", "小组", "所在小组", "组别", "所属小组", "group"),
    "category": ("户籍类别", "户籍情况", "类别", "登记类别", "选民类别", "category"),
}
_HEADER_FIELD = {key: field for field, keys in HEADER_SYNONYMS.items() for key in keys}
_NOTE = re.compile(r"[(\[【<（].*$")
HEADER_SCAN_ROWS = 10


def header_key(cell: object) -> str:
    """A header normalised for matching: NFKC, no spaces, lower case, without a required-marker (*), a colon or
    a note in brackets (身份证号（18位） → 身份证号)."""
    text = clean_text(cell).replace(" ", "").lower()
    text = _NOTE.sub("", text)
    return text.strip("*:：")


@dataclass(frozen=True)
class HeaderMatch:
    """Which column holds each field. ``missing``: required fields not found; ``doubled``: fields named by more
    than one column (ambiguous); ``found``: every non-empty header as written."""

    columns: dict[str, int]
    labels: dict[str, str]
    missing: tuple[str, ...]
    doubled: dict[str, tuple[str, ...]]
    found: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.missing and not self.doubled


def match_headers(cells: Sequence[object]) -> HeaderMatch:
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    seen: dict[str, list[str]] = {}
    found = []
    for index, cell in enumerate(cells):
        written = clean_text(cell)
        if not written:
            continue
        found.append(written)
        field = _HEADER_FIELD.get(header_key(cell))
        if field is None:
            continue
        seen.setdefault(field, []).append(written)
        if field not in columns:
            columns[field], labels[field] = index, written
    doubled = {f: tuple(names) for f, names in seen.items() if len(names) > 1}
    missing = tuple(f for f in REQUIRED_FIELDS if f not in columns)
    return HeaderMatch(columns, labels, missing, doubled, tuple(found))


def find_header(rows: Sequence[Sequence[object]]) -> tuple[int | None, HeaderMatch]:
    """The index of the header row among the first rows (a title row may come first) and its match; (None, the
    best match seen) when no row names every required column."""
    best: tuple[int, HeaderMatch] | None = None
    for index, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        match = match_headers(cells)
        if not match.missing:
            return index, match
        if match.found and (best is None or len(match.columns) > len(best[1].columns)):
            best = (index, match)
    return None, best[1] if best is not None else match_headers([])


def header_problem(match: HeaderMatch) -> str:
    """The job's message when the headers do not name every required column (or name one twice)."""
    found = "、".join(f"“{h}”" for h in match.found[:20]) or "（无）"
    if match.missing:
        names = "、".join(f"“{FIELD_LABELS[f]}”" for f in match.missing)
        accepted = "；".join(f"{FIELD_LABELS[f]}：{'、'.join(HEADER_SYNONYMS[f][:-1])}" for f in match.missing)
        return (f"文件缺少必需的列：{names}。在前 {HEADER_SCAN_ROWS} 行中找到的表头为：{found}。"
                f"可用的列名：{accepted}。")
    doubled = "；".join(f"{FIELD_LABELS[f]}：{'、'.join(f'“{h}”' for h in names)}" for f, names in match.doubled.items())
    return f"有多列表示同一项，无法确定用哪一列：{doubled}。请删去多余的列后重新导入。"


def row_is_empty(cells: Sequence[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


# --------------------------------------------------------------------------------------------
# Duplicates
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Registered:
    """An active registration of the same campaign and body found for an ID number."""

    voter_id: int
    election_id: int
    community: str
    group: str


@dataclass(frozen=True)
class Held:
    """A row held back: ``kind`` in_file (``other`` names the first row), registered_here or other_community."""

    row: int
    data: VoterData
    kind: str
    other: str
    other_voter_id: int | None = None


def sort_rows(
    rows: Sequence[tuple[int, VoterData]], registered: dict[str, Registered], election_id: int
) -> tuple[list[tuple[int, VoterData]], list[Held]]:
    """Split the valid rows (row number, registration) into those to store and those held. A person appearing
    twice in the file: the first row goes on (stored, or held for its own reason), every later one is held as
    ``in_file`` naming the first. A person already registered in this election is held as ``registered_here``,
    in another election of the campaign and body as ``other_community``."""
    first: dict[str, int] = {}
    keep: list[tuple[int, VoterData]] = []
    held: list[Held] = []
    for row, data in rows:
        number = data.id_number
        if number in first:
            held.append(Held(row, data, "in_file", f"第 {first[number]} 行"))
            continue
        first[number] = row
        found = registered.get(number)
        if found is None:
            keep.append((row, data))
        else:
            held.append(registered_held(row, data, found, election_id))
    return keep, held


def registered_held(row: int, data: VoterData, found: Registered, election_id: int) -> Held:
    if found.election_id == election_id:
        return Held(row, data, "registered_here", f"本社区已登记（{found.group}）", found.voter_id)
    return Held(row, data, "other_community", f"{found.community}（{found.group}）", found.voter_id)

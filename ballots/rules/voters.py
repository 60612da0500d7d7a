"""Pure rules of one voter's registration (no Django), shared by the import, the manual registration page and
the API: a voter is 18 (``min_voter_age``) or older on election day (城市居民委员会组织法 第八条), named, with a
valid resident ID number (GB 11643-1999), a residents' group and a registration category.

``check_voter`` returns the cleaned registration or every problem found, each tied to its field, in Chinese.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from candidates.rules import InvalidIdNumber, age_on, parse_id_number

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

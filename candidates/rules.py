"""Pure rules about people: resident ID numbers (GB 11643-1999), ages, near relatives."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


class InvalidIdNumber(ValueError):
    """The message is Chinese and says exactly what is wrong."""


@dataclass(frozen=True)
class IdInfo:
    number: str
    area: str
    birth_date: dt.date
    sex: str  # "male" | "female"


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def parse_id_number(raw: str, *, today: dt.date | None = None) -> IdInfo:
    """Validate and decode an 18-character resident ID number; raise InvalidIdNumber with a reason."""
    if raw is None:
        raise InvalidIdNumber("请填写身份证号码。")
    number = str(raw).strip().replace(" ", "").upper()
    if not number:
        raise InvalidIdNumber("请填写身份证号码。")
    if len(number) != 18:
        raise InvalidIdNumber(f"身份证号码应为 18 位，现为 {len(number)} 位。")
    if not number[:17].isdigit() or not number[:17].isascii():
        raise InvalidIdNumber("身份证号码前 17 位必须是数字。")
    if not (number[17].isdigit() and number[17].isascii()) and number[17] != "X":
        raise InvalidIdNumber("身份证号码最后一位必须是数字或 X。")
    if number[:2] in {"00"} or number[0] == "0":
        raise InvalidIdNumber("身份证号码的地址码无效。")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise InvalidIdNumber(
            f"身份证号码中的出生日期 {number[6:10]}-{number[10:12]}-{number[12:14]} 不是真实日期。"
        ) from exc
    if birth.year < 1900:
        raise InvalidIdNumber(f"身份证号码中的出生年份 {birth.year} 不合理。")
    if today is not None and birth > today:
        raise InvalidIdNumber(f"身份证号码中的出生日期 {birth:%Y-%m-%d} 晚于今天。")
    expected = check_char(number[:17])
    if number[17] != expected:
        raise InvalidIdNumber(f"身份证号码校验位错误：最后一位应为 {expected}，现为 {number[17]}。")
    sex = "male" if int(number[16]) % 2 == 1 else "female"
    return IdInfo(number=number, area=number[:6], birth_date=birth, sex=sex)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Full years (周岁) on ``day``; a birthday on 29 February counts from 1 March in common years."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def mask_id_number(number: str) -> str:
    """1101**********002X — the area's first 4 and the last 4 characters stay visible."""
    if not number:
        return ""
    if len(number) < 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    digits = (phone or "").strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


# Near relatives (近亲属), seed 003: 配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女.
RELATIONS: list[tuple[str, str]] = [
    ("spouse", "配偶"),
    ("parent", "父母"),
    ("child", "子女"),
    ("sibling", "兄弟姐妹"),
    ("grandparent", "（外）祖父母"),
    ("grandchild", "（外）孙子女"),
]
RELATION_LABELS = dict(RELATIONS)
INVERSE = {
    "spouse": "spouse",
    "parent": "child",
    "child": "parent",
    "sibling": "sibling",
    "grandparent": "grandchild",
    "grandchild": "grandparent",
}
NEAR_RELATIONS = frozenset(INVERSE)


def inverse_relation(relation: str) -> str:
    """A is B's parent ⇔ B is A's child."""
    return INVERSE[relation]


def relation_problem(relation: str, person_birth: dt.date | None, relative_birth: dt.date | None) -> str | None:
    """A plausibility check on the dates: a parent is older than the child, a grandparent too."""
    if relation not in INVERSE:
        return "亲属关系须为配偶、父母、子女、兄弟姐妹、祖父母或孙子女之一。"
    if person_birth is None or relative_birth is None:
        return None
    # relation says: the relative is the person's <relation>
    if relation in {"parent", "grandparent"} and relative_birth >= person_birth:
        return f"{RELATION_LABELS[relation]}的出生日期应早于本人。"
    if relation in {"child", "grandchild"} and relative_birth <= person_birth:
        return f"{RELATION_LABELS[relation]}的出生日期应晚于本人。"
    return None


EDUCATION: list[tuple[str, str]] = [
    ("primary", "小学"),
    ("junior_high", "初中"),
    ("senior_high", "高中"),
    ("vocational", "中专"),
    ("college", "大专"),
    ("bachelor", "本科"),
    ("master", "硕士研究生"),
    ("doctor", "博士研究生"),
]
EDUCATION_LABELS = dict(EDUCATION)
SEXES = [("male", "男"), ("female", "女")]

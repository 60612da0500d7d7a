"""Pure rules about people: resident ID numbers (GB 11643-1999), ages, near relatives."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from elections import rules as _elections_rules

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


# --------------------------------------------------------------------------------------------
# Preparation: incumbents' economic audits (经济责任审计) and talks (谈心谈话)
# --------------------------------------------------------------------------------------------

Blocker = _elections_rules.Blocker


@dataclass(frozen=True)
class IncumbentAudit:
    name: str
    audited: bool
    published_on: dt.date | None = None
    findings: str = ""
    handling: str = ""


@dataclass(frozen=True)
class AuditFacts:
    incumbents: tuple[IncumbentAudit, ...]
    today: dt.date


_AUDIT_SOURCE = "seed 003：凡是没有开展经济责任审计的，一律不能进行换届选举；seed 000：审计发现的问题按规定妥善处理"


def _names(items: list[str], limit: int = 8) -> str:
    shown = "、".join(items[:limit])
    return shown + (f" 等 {len(items)} 人" if len(items) > limit else "")


def gate_audits(facts: AuditFacts, rules: dict[str, object]) -> list[Blocker]:
    """Every incumbent audited, the result published (on or before today), every finding handled."""
    if not rules.get("audit_required"):
        return []
    if not facts.incumbents:
        return [
            Blocker(
                "incumbents_missing",
                "尚未录入现任班子成员，无法核对离任经济责任审计。",
                _AUDIT_SOURCE,
                "在“现任与审计”页录入本届委员会的全部成员（新设社区无现任班子的，由街道在规则中关闭审计要求）。",
            )
        ]
    blockers: list[Blocker] = []
    missing = [i.name for i in facts.incumbents if not i.audited]
    unpublished = [
        i.name for i in facts.incumbents if i.audited and (i.published_on is None or i.published_on > facts.today)
    ]
    unhandled = [i.name for i in facts.incumbents if i.audited and i.findings.strip() and not i.handling.strip()]
    if missing:
        blockers.append(
            Blocker(
                "audit_missing",
                f"{len(missing)} 名现任成员尚未开展经济责任审计：{_names(missing)}。",
                _AUDIT_SOURCE,
                "对每名现任成员开展离任经济责任审计，并在“现任与审计”页登记审计单位和结论。",
            )
        )
    if unpublished:
        blockers.append(
            Blocker(
                "audit_unpublished",
                f"{len(unpublished)} 名现任成员的审计结果尚未公布：{_names(unpublished)}。",
                _AUDIT_SOURCE,
                "向居民公布审计结果后登记公布日期。",
            )
        )
    if unhandled:
        blockers.append(
            Blocker(
                "audit_findings_unhandled",
                f"{len(unhandled)} 名现任成员的审计发现问题尚未登记处理情况：{_names(unhandled)}。",
                _AUDIT_SOURCE,
                "按有关规定处理审计发现的问题，并登记处理情况。",
            )
        )
    return blockers


def audit_input_problems(
    *, auditor: str, conclusion: str, audited_on: dt.date | None, published_on: dt.date | None, today: dt.date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not auditor.strip():
        errors["auditor"] = ["请填写审计单位。"]
    if not conclusion.strip():
        errors["conclusion"] = ["请填写审计结论。"]
    if audited_on is not None and audited_on > today:
        errors["audited_on"] = ["审计日期不能晚于今天。"]
    if published_on is not None:
        if published_on > today:
            errors["published_on"] = ["公布日期不能晚于今天：请在公布后再登记。"]
        elif audited_on is not None and published_on < audited_on:
            errors["published_on"] = ["公布日期不能早于审计日期。"]
    return errors


def talk_progress(incumbent_people: set[int], talked_people: set[int]) -> tuple[int, int, int]:
    """(talked, total, percent) toward the 100% target of 全员谈心谈话; percent rounds down."""
    total = len(incumbent_people)
    done = len(incumbent_people & talked_people)
    return done, total, (done * 100 // total if total else 0)


# --------------------------------------------------------------------------------------------
# Preparation: the residents' election committee (居民选举委员会)
# --------------------------------------------------------------------------------------------

COMMITTEE_ROLES: list[tuple[str, str]] = [
    ("chair", "主任"),
    ("vice_chair", "副主任"),
    ("member", "委员"),
    ("alternate", "候补委员"),
]
COMMITTEE_ROLE_LABELS = dict(COMMITTEE_ROLES)
SERVING_ROLES = frozenset({"chair", "vice_chair", "member"})


@dataclass(frozen=True)
class CommitteeSeat:
    member_id: int
    person_id: int
    name: str
    role: str
    votes: int
    active: bool = True


@dataclass(frozen=True)
class CommitteeFacts:
    members: tuple[CommitteeSeat, ...]
    relative_pairs: tuple[tuple[str, str], ...] = ()  # names of near relatives serving together


_COMMITTEE_SOURCE = "seeds 000, 003：居民选举委员会一般 7–11 人，以单数为宜；近亲属不宜同时担任"


def serving(members: tuple[CommitteeSeat, ...] | list[CommitteeSeat]) -> list[CommitteeSeat]:
    return [m for m in members if m.active and m.role in SERVING_ROLES]


def gate_election_committee(facts: CommitteeFacts, rules: dict[str, object]) -> list[Blocker]:
    if not rules.get("election_committee_required"):
        return []
    seated = serving(facts.members)
    if not seated:
        return [
            Blocker(
                "election_committee_missing",
                "尚未推选产生居民选举委员会。",
                _COMMITTEE_SOURCE,
                "召开居民会议、居民代表会议或居民小组会议推选选举委员会，在“选举委员会”页登记主任、副主任、委员和候补委员及其得票。",
            )
        ]
    blockers: list[Blocker] = []
    size, low, high = len(seated), int(rules["election_committee_size_min"]), int(rules["election_committee_size_max"])
    if not low <= size <= high:
        blockers.append(
            Blocker(
                "election_committee_size",
                f"居民选举委员会现有 {size} 人（不含候补委员），应为 {low}–{high} 人。",
                f"选举办法：{low}–{high} 人；{_COMMITTEE_SOURCE}",
                "补选或调整成员，使人数在规定范围内。" if size < low else "减少成员，使人数在规定范围内。",
            )
        )
    if rules.get("election_committee_odd") and size % 2 == 0:
        blockers.append(
            Blocker(
                "election_committee_even",
                f"居民选举委员会现有 {size} 人，须为单数（实行少数服从多数的议事原则）。",
                _COMMITTEE_SOURCE,
                "增加或减少一名成员，使人数为单数。",
            )
        )
    chairs = [m.name for m in seated if m.role == "chair"]
    if len(chairs) != 1:
        blockers.append(
            Blocker(
                "election_committee_chair",
                "居民选举委员会没有主任。" if not chairs else f"居民选举委员会有 {len(chairs)} 名主任（{'、'.join(chairs)}），只能有一名。",
                "seeds 000, 003：选举委员会由主任、副主任和委员组成",
                "推选一名主任（主任出缺的，另行推选）。",
            )
        )
    if rules.get("election_committee_no_relatives") and facts.relative_pairs:
        pairs = "；".join(f"{a} 与 {b}" for a, b in facts.relative_pairs)
        blockers.append(
            Blocker(
                "election_committee_relatives",
                f"居民选举委员会成员中有近亲属同时任职：{pairs}。",
                _COMMITTEE_SOURCE,
                "近亲属中只保留一人，其余人员退出，由候补委员依次递补。",
            )
        )
    return blockers


def pick_alternate(alternates: list[CommitteeSeat]) -> tuple[CommitteeSeat | None, bool]:
    """The alternate who steps in: most 推选 votes; on equal votes the one recorded first (the original
    ranking). Returns (alternate or None, whether a tie on votes was broken by that order)."""
    waiting = [a for a in alternates if a.active and a.role == "alternate"]
    if not waiting:
        return None, False
    ordered = sorted(waiting, key=lambda a: (-a.votes, a.member_id))
    tie = len(ordered) > 1 and ordered[0].votes == ordered[1].votes
    return ordered[0], tie


def committee_chair_warning(chair_person_id: int | None, secretary: tuple[int, str] | None) -> str | None:
    """The recommendation that the party secretary (when not a candidate) chairs the committee."""
    if secretary is None or chair_person_id is None or chair_person_id == secretary[0]:
        return None
    return (
        f"选举委员会主任不是社区党组织书记（{secretary[1]}）。提倡将不是居民委员会成员候选人的社区党组织书记"
        "推选为选举委员会主任（seed 000）；书记拟作为候选人的除外。"
    )

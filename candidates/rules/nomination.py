"""Nomination statuses and channels, nominee checks, 两推一选 and 民主测评. Pure: plain functions over plain data.

Margins, the slate's structure and the gates live in ``slate``."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from elections.rules import (
    BODY_LABELS,
    EDUCATION_ORDER,
    NOMINATION_CHANNELS,
    POSITION_LABELS,
    POSITIONS_BY_BODY,
    at_least,
    more_than,
    parse_fraction,
    preset_parameters,
)

from .base import EDUCATION_LABELS, age_on
from .base import _names as _base_names

NOMINATION_STATUSES: list[tuple[str, str]] = [
    ("reviewing", "审查中"),
    ("held", "待街道决定"),
    ("approved", "审查通过"),
    ("rejected", "未通过"),
    ("withdrawn", "已撤回"),
]
NOMINATION_STATUS_LABELS = dict(NOMINATION_STATUSES)
LIVE_STATUSES = frozenset({"reviewing", "held", "approved"})

# Vetting levels, bottom up: 初审 (community) → 全面审查 (street) → 联审 (district departments).
REVIEW_LEVELS: list[tuple[str, str]] = [
    ("community", "社区初审"),
    ("street", "街道全面审查"),
    ("district", "区级联审"),
]
REVIEW_LEVEL_LABELS = dict(REVIEW_LEVELS)

RECOMMENDATION_KINDS: list[tuple[str, str]] = [
    ("party_members", "党员推荐会议"),
    ("representatives", "居民代表推荐会议"),
]
RECOMMENDATION_KIND_LABELS = dict(RECOMMENDATION_KINDS)

LIST_APPROVAL_STATUSES: list[tuple[str, str]] = [
    ("submitted", "已报送"),
    ("approved", "已批复同意"),
    ("returned", "已退回"),
]

# Channels that the street (not the community) uses.
STREET_CHANNELS = frozenset({"street_party_committee"})
# The 两推 channels: a nomination by them rests on the recorded recommendation meetings' votes.
TWO_RECOMMENDATION_CHANNELS = frozenset({"party_members", "masses"})
TWO_RECOMMENDATION_SOURCE = ("seed 003：参加推荐的党员和居民代表分别超过应到会人数一半以上，推荐有效；在得票数超过"
                             "推荐票一半以上的党员中确定初步人选，缺额人选在未当选得票数多的被推荐人中另行推荐产生")

# --------------------------------------------------------------------------------------------
# Sources: the rulebook item a rule comes from (the rules dict carries values only)
# --------------------------------------------------------------------------------------------

_GENERAL_PRESET = {
    "residents_committee": "rc-general",
    "party_committee": "party-general",
    "supervision_committee": "supervision-general",
}
_SOURCE_CACHE: dict[str, dict[str, str]] = {}


def default_sources(body: str) -> dict[str, str]:
    """The sources of the body's general preset (elections/rules/base.py), key → source text."""
    code = _GENERAL_PRESET.get(body, "rc-general")
    if code not in _SOURCE_CACHE:
        _SOURCE_CACHE[code] = preset_parameters(code)[1]
    return _SOURCE_CACHE[code]


def rule_source(sources: Mapping[str, str], body: str, key: str) -> str:
    """The election's rulebook source for ``key``, else the preset's."""
    return sources.get(key) or default_sources(body).get(key, "选举办法")


def _fraction(value: Fraction | str | int) -> Fraction:
    return value if isinstance(value, Fraction) else parse_fraction(value)


def _more_than(part: int, whole: int, share: Fraction | str) -> bool:
    """elections.rules.more_than, also taking a Fraction: "more than half" is 2 × part > whole."""
    f = _fraction(share)
    return more_than(part, whole, f"{f.numerator}/{f.denominator}")


def _at_least(part: int, whole: int, share: Fraction | str) -> bool:
    f = _fraction(share)
    return at_least(part, whole, f"{f.numerator}/{f.denominator}")


def _ceil(value: Fraction) -> int:
    return -(-value.numerator // value.denominator)


def _names(items: Sequence[str], limit: int = 10) -> str:
    return _base_names(list(items), limit)


def position_label(position: str) -> str:
    return POSITION_LABELS.get(position, position)


# --------------------------------------------------------------------------------------------
# Nomination channels and supporters
# --------------------------------------------------------------------------------------------


def channel_label(channel: str) -> str:
    return NOMINATION_CHANNELS.get(channel, channel)


def channel_problems(channel: str, supporters_count: int, channels: Mapping[str, int]) -> list[str]:
    """Why a nomination by ``channel`` with ``supporters_count`` supporters is not allowed (empty: it is).

    Thresholds are 以上 (inclusive). Self-nomination's threshold counts the person; channels with threshold
    0 (organisations, meetings) need no supporters."""
    if channel not in channels:
        allowed = "、".join(channel_label(c) for c in channels) or "（无）"
        return [f"本次选举不采用“{channel_label(channel)}”的提名方式；可用的提名方式：{allowed}。"]
    threshold = int(channels[channel])
    have = supporters_count + 1 if channel == "self" else supporters_count
    if threshold <= 0 or have >= threshold:
        return []
    return [f"{channel_label(channel)}提名须 {threshold} 人以上，现有 {supporters_count} 人。"]


_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff]")
_SPACES = re.compile(r"\s+")
_SPACE_IN_HAN = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def normalise_name(name: Any) -> str:
    """A typed name as written for the record: NFKC (full-width letters folded), zero-width characters removed,
    no space between Chinese characters ("张 三" is 张三), other runs of whitespace made one space, trimmed."""
    text = _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", str(name)))
    return _SPACES.sub(" ", _SPACE_IN_HAN.sub("", text)).strip()


def name_identity(name: str) -> str:
    """What makes two typed names the same person for a duplicate check: the normalised name without spaces
    ("张 三" is 张三)."""
    return normalise_name(name).replace(" ", "")


def clean_supporters(names: Sequence[Any]) -> tuple[list[str], list[str]]:
    """Supporters' names normalised, empties dropped; (names, problems) — a repeated name is a problem, also
    when the copies differ only by spaces, full-width letters or invisible characters."""
    cleaned: list[str] = []
    seen: set[str] = set()
    repeated: list[str] = []
    for raw in names or []:
        name = normalise_name(raw)
        if not name:
            continue
        key = name_identity(name)
        if key in seen:
            if name not in repeated:
                repeated.append(name)
            continue
        seen.add(key)
        cleaned.append(name)
    problems = [f"联名人重复：{_names(repeated)}（每人只能联名一次）。"] if repeated else []
    too_long = [n for n in cleaned if len(n) > 50]
    if too_long:
        problems.append("联名人姓名过长：每个姓名不超过 50 个字。")
    return cleaned, problems


# --------------------------------------------------------------------------------------------
# The nominee: bars and warnings
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OtherNomination:
    """A live nomination of the same person in another election of the same campaign and community."""

    body: str
    position: str


def seat_plan_text(seats: Mapping[str, int]) -> str:
    parts = [f"{position_label(p)} {n} 名" for p, n in seats.items() if n > 0]
    return "、".join(parts) or "无"


def nominee_problems(
    *,
    name: str,
    birth_date: dt.date,
    election_day: dt.date | None,
    body: str,
    position: str,
    seats: Mapping[str, int],
    rules: Mapping[str, Any],
    already_live: bool = False,
    party_member: bool = True,
    other_nominations: Sequence[OtherNomination] = (),
    rejected_outcome: str | None = None,
) -> dict[str, list[str]]:
    """What bars this person from this nomination, by field (``person``, ``position``); empty: nothing.

    ``rejected_outcome``: the outcome of the person's rejected nomination in this election (None: none). A
    nominee found unfit in vetting is not nominated again in the same election; a withdrawn one may be. Without
    an election day the nominee's age on it cannot be checked: refused."""
    errors: dict[str, list[str]] = {}
    allowed = dict(POSITIONS_BY_BODY.get(body, []))
    if position not in allowed:
        errors.setdefault("position", []).append(
            f"{BODY_LABELS.get(body, body)}的职位只能是{'、'.join(allowed.values())}。")
    elif seats.get(position, 0) <= 0:
        errors.setdefault("position", []).append(
            f"本次选举的职数方案中没有“{position_label(position)}”（职数：{seat_plan_text(seats)}）。")
    minimum = int(rules.get("min_voter_age", 18))
    if election_day is None:
        errors.setdefault("person", []).append(
            f"尚未确定选举日，无法核对被提名人在选举日是否年满 {minimum} 周岁。")
    else:
        age = age_on(birth_date, election_day)
        if age < minimum:
            errors.setdefault("person", []).append(
                f"{name}在选举日（{election_day:%Y-%m-%d}）未满 {minimum} 周岁（{age} 周岁），不能被提名。")
    if already_live:
        errors.setdefault("person", []).append(f"{name}在本次选举中已被提名（审查中或已通过），不能重复提名。")
    if rejected_outcome is not None:
        errors.setdefault("person", []).append(
            f"{name}的提名已在资格审查中未通过（{rejected_outcome.strip().rstrip('。') or '未通过'}），不能再次提名。")
    if body == "party_committee" and not party_member:
        errors.setdefault("person", []).append(f"社区党组织委员会委员、书记、副书记人选须为中共党员：{name}不是党员。")
    for other in other_nominations:
        pair = {body, other.body}
        if pair == {"residents_committee", "supervision_committee"} and rules.get("supervision_excludes_rc", True):
            errors.setdefault("person", []).append(
                f"居委会成员不得担任居务监督委员会成员：{name}已被提名为{BODY_LABELS[other.body]}"
                f"{position_label(other.position)}人选。")
        if (rules.get("supervision_chair_not_secretary", True)
                and {(body, position), (other.body, other.position)}
                == {("supervision_committee", "chair"), ("party_committee", "secretary")}):
            errors.setdefault("person", []).append(
                f"居务监督委员会主任不由社区党组织书记担任：{name}已被提名为{BODY_LABELS[other.body]}"
                f"{position_label(other.position)}人选。")
    return errors


def education_below(education: str, minimum: str) -> bool:
    """An unknown education ("") is not below: it is reported as missing instead."""
    if not education or minimum not in EDUCATION_ORDER or education not in EDUCATION_ORDER:
        return False
    return EDUCATION_ORDER.index(education) < EDUCATION_ORDER.index(minimum)


def over_age(age: int | None, incumbent: bool, rules: Mapping[str, Any]) -> bool:
    if age is None:
        return False
    limit = rules.get("age_continuing_max" if incumbent else "age_new_max")
    return limit is not None and age > int(limit)


def nominee_warnings(
    *,
    name: str,
    age: int | None,
    incumbent: bool,
    education: str,
    rules: Mapping[str, Any],
    relatives_nominated: Sequence[str] = (),
) -> list[str]:
    """Targets, not bars: age, education, near relatives also nominated."""
    warnings: list[str] = []
    if over_age(age, incumbent, rules):
        if incumbent:
            warnings.append(f"{name} {age} 周岁，超过留任人选一般不超过 {rules['age_continuing_max']} 周岁的要求。")
        else:
            warnings.append(f"{name} {age} 周岁，超过新提名人选一般不超过 {rules['age_new_max']} 周岁的要求。")
    minimum = rules.get("education_min", "")
    if minimum:
        if not education:
            warnings.append(f"{name}未登记学历，无法核对学历要求（{EDUCATION_LABELS.get(minimum, minimum)}及以上）。")
        elif education_below(education, minimum):
            warnings.append(f"{name}学历为{EDUCATION_LABELS.get(education, education)}，低于"
                            f"{EDUCATION_LABELS.get(minimum, minimum)}及以上的要求。")
    if relatives_nominated:
        warnings.append(f"{name}的近亲属 {_names(list(relatives_nominated))} 也被提名（同一社区近亲属回避）。")
    return warnings


NOMINEE_FLAGS: dict[str, str] = {
    "underage": "未满选民年龄",
    "over_age": "超过年龄要求",
    "education_below": "学历低于要求",
    "education_unknown": "学历未登记",
    "relative_nominated": "近亲属也被提名",
    "committee_member": "选举委员会成员",
    "not_party_member": "非党员",
}


def nominee_flag_codes(
    *,
    age: int | None,
    incumbent: bool,
    education: str,
    rules: Mapping[str, Any],
    relative_nominated: bool = False,
    committee_member: bool = False,
    party_member: bool = True,
    body: str = "",
) -> tuple[str, ...]:
    """Short codes (keys of NOMINEE_FLAGS) for the queue and lists."""
    flags: list[str] = []
    if age is not None and age < int(rules.get("min_voter_age", 18)):
        flags.append("underage")
    if over_age(age, incumbent, rules):
        flags.append("over_age")
    minimum = rules.get("education_min", "")
    if minimum and not education:
        flags.append("education_unknown")
    elif minimum and education_below(education, minimum):
        flags.append("education_below")
    if relative_nominated:
        flags.append("relative_nominated")
    if committee_member:
        flags.append("committee_member")
    if body == "party_committee" and not party_member:
        flags.append("not_party_member")
    return tuple(flags)


# --------------------------------------------------------------------------------------------
# 两推: the party members' and the residents' representatives' recommendation meetings
# --------------------------------------------------------------------------------------------


def meeting_input_problems(expected: int, present: int, ballots: int, votes: Sequence[int]) -> dict[str, list[str]]:
    """Inconsistent 两推 meeting figures, by field; empty when coherent (the first bad count is named)."""
    return meeting_figure_problems(expected, present, ballots, votes, ballots_label="收回推荐票")


def meeting_figure_problems(
    expected: int, present: int, ballots: int, counts: Iterable[int | tuple[str, int]], *,
    ballots_label: str, every_count: bool = False,
) -> dict[str, list[str]]:
    """A meeting's figures checked, by field, in Chinese; empty when coherent: whole non-negative numbers,
    expected above 0, present at most expected, ballots at most present, each count at most the ballots.

    ``counts``: votes, or (name, votes) to name the person; ``every_count``: report every bad count, not only
    the first."""
    errors: dict[str, list[str]] = {}
    for key, value, label in [("expected", expected, "应到人数"), ("present", present, "实到人数"),
                              ("ballots", ballots, ballots_label)]:
        if isinstance(value, bool) or not isinstance(value, int):
            errors.setdefault(key, []).append(f"{label}须为整数。")
        elif value < 0:
            errors.setdefault(key, []).append(f"{label}不能为负数。")
    if errors:
        return errors
    if expected == 0:
        errors.setdefault("expected", []).append("应到人数须大于 0。")
    if present > expected:
        errors.setdefault("present", []).append(f"实到人数（{present}）不能多于应到人数（{expected}）。")
    if ballots > present:
        errors.setdefault("ballots", []).append(f"{ballots_label}（{ballots}）不能多于实到人数（{present}）。")
    for item in counts:
        name, votes = item if isinstance(item, tuple) else ("", item)
        who = f"{name}的" if name else ""
        if isinstance(votes, bool) or not isinstance(votes, int) or votes < 0:
            errors.setdefault("results", []).append(f"{who}得票须为非负整数。")
        elif votes > ballots:
            errors.setdefault("results", []).append(f"{who}得票（{votes}）不能多于{ballots_label}（{ballots}）。")
        else:
            continue
        if not every_count:
            break
    return errors


def meeting_valid(present: int, expected: int, share: Fraction | str) -> bool:
    """The recommendation counts: more than ``share`` (half) of those expected took part (exactly half fails)."""
    return expected > 0 and _more_than(present, expected, share)


def qualifying(votes: int, ballots: int, share: Fraction | str) -> bool:
    """A recommended person qualifies with more than ``share`` (half) of the ballots (exactly half fails)."""
    return ballots > 0 and _more_than(votes, ballots, share)


def preliminary_size(seats: int, margin: Fraction | str) -> int:
    """The preliminary list's length: ceil(seats × (1 + margin)) — 7 seats at 20% → 9, at 30% → 10."""
    return _ceil(seats * (1 + _fraction(margin)))


@dataclass(frozen=True)
class MeetingResult:
    kind: str
    expected: int
    present: int
    ballots: int
    votes: tuple[tuple[int, int], ...] = ()  # (person id, votes)


@dataclass(frozen=True)
class Ranked:
    person_id: int
    votes: int
    tied: bool = False  # another qualifier has the same votes; the order between them is by person id


@dataclass(frozen=True)
class PreliminaryList:
    size: int
    selected: tuple[Ranked, ...]
    reserves: tuple[Ranked, ...]  # further qualifiers, by votes: the 递补 order
    short: int  # how many qualifiers are missing to fill the list
    ballots: int  # combined ballots of the valid meetings
    valid_kinds: tuple[str, ...]
    invalid_kinds: tuple[str, ...]
    tie_at_cut: bool = False  # the last selected and the first reserve have equal votes
    others: tuple[Ranked, ...] = ()  # recommended with votes but not more than half: 另行推荐 for a 缺额

    @property
    def qualifying(self) -> tuple[int, ...]:
        return tuple(r.person_id for r in self.selected + self.reserves)


def preliminary_list(
    meetings: Sequence[MeetingResult],
    seats: int,
    margin: Fraction | str,
    *,
    attendance_over: Fraction | str = "1/2",
    votes_over: Fraction | str = "1/2",
    excluded: frozenset[int] | set[int] = frozenset(),
) -> PreliminaryList:
    """Both meetings' votes combined: a person qualifies with more than half of the combined ballots of the
    valid meetings; the top ``preliminary_size`` by votes form the list, the other qualifiers wait as
    reserves (递补). ``excluded`` people (not party members, already out) are not ranked."""
    size = preliminary_size(seats, margin)
    valid = [m for m in meetings if meeting_valid(m.present, m.expected, attendance_over)]
    invalid = tuple(m.kind for m in meetings if m not in valid)
    ballots = sum(m.ballots for m in valid)
    combined: dict[int, int] = {}
    for meeting in valid:
        for person_id, votes in meeting.votes:
            combined[person_id] = combined.get(person_id, 0) + votes
    ranked = sorted(
        ((pid, v) for pid, v in combined.items() if pid not in excluded and qualifying(v, ballots, votes_over)),
        key=lambda item: (-item[1], item[0]),
    )
    counts: dict[int, int] = {}
    for _, v in ranked:
        counts[v] = counts.get(v, 0) + 1
    rows = [Ranked(pid, v, counts[v] > 1) for pid, v in ranked]
    selected, reserves = tuple(rows[:size]), tuple(rows[size:])
    tie_at_cut = bool(selected and reserves and selected[-1].votes == reserves[0].votes)
    qualified = {pid for pid, _ in ranked}
    others = tuple(Ranked(pid, v) for pid, v in sorted(combined.items(), key=lambda item: (-item[1], item[0]))
                   if pid not in excluded and pid not in qualified and v > 0)
    return PreliminaryList(size, selected, reserves, max(0, size - len(rows)), ballots,
                           tuple(m.kind for m in valid), invalid, tie_at_cut, others)


def share_text(share: Fraction | str) -> str:
    """"一半" for 1/2, else the fraction as written (2/3)."""
    f = _fraction(share)
    return "一半" if f == Fraction(1, 2) else f"{f.numerator}/{f.denominator}"


def meeting_problems(meetings: Sequence[Any], share: Fraction | str = "1/2") -> list[str]:
    """Why the 两推 does not count yet, one message per meeting: each of the two meetings (objects with
    ``kind``, ``expected``, ``present``) recorded, and attended by more than ``share`` of those expected."""
    recorded = {m.kind: m for m in meetings}
    problems: list[str] = []
    for kind, label in RECOMMENDATION_KINDS:
        meeting = recorded.get(kind)
        if meeting is None:
            problems.append(f"尚未登记{label}结果。")
        elif not meeting_valid(meeting.present, meeting.expected, share):
            problems.append(f"{label}应到 {meeting.expected} 人、实到 {meeting.present} 人，未超过应到人数的"
                            f"{share_text(share)}，推荐无效。")
    return problems


def recommendation_standing(
    *, name: str, person_id: int, ranking: PreliminaryList, replacement: bool = False,
    votes_over: Fraction | str = "1/2",
) -> tuple[int | None, str]:
    """(combined votes, problem) of a nomination by a 两推 channel. A qualifier (more than half of the combined
    ballots of the valid meetings) may be nominated; a 递补 may also take a recommended person with fewer votes
    (缺额人选在得票多的被推荐人中另行推荐). Problem "" when allowed."""
    for row in ranking.selected + ranking.reserves:
        if row.person_id == person_id:
            return row.votes, ""
    other = next((r for r in ranking.others if r.person_id == person_id), None)
    if other is not None and replacement:
        return other.votes, ""
    half = share_text(votes_over)
    rule = f"党员推荐、群众推荐的人选须在“两推”得票数超过推荐票{half}以上的党员中确定"
    if other is None:
        if replacement:
            return None, f"{name}在“两推”中没有得票：递补人选须在得票多的被推荐人中另行推荐。"
        return None, f"{name}在“两推”中没有得票：{rule}。"
    return other.votes, (f"{name}在“两推”中合计得票 {other.votes} 票，未超过推荐票（{ranking.ballots} 张）的{half}："
                         f"{rule}；得票未过半的被推荐人只能在递补缺额时另行推荐。")


def next_by_votes(ranked: Sequence[Ranked], taken: set[int] | frozenset[int]) -> Ranked | None:
    """递补: the highest-ranked qualifier not already nominated."""
    return next((r for r in ranked if r.person_id not in taken), None)


def appraisal_problems(ballots: int, excellent: int, competent: int, basic: int, incompetent: int) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    values = [("ballots", ballots, "测评票数"), ("excellent", excellent, "优秀"), ("competent", competent, "称职"),
              ("basic", basic, "基本称职"), ("incompetent", incompetent, "不称职")]
    for key, value, label in values:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors.setdefault(key, []).append(f"{label}须为非负整数。")
    if errors:
        return errors
    total = excellent + competent + basic + incompetent
    if total > ballots:
        errors["ballots"] = [f"优秀、称职、基本称职、不称职合计 {total} 票，多于测评票数 {ballots} 票。"]
    return errors


def appraisal_shares(ballots: int, excellent: int, competent: int, basic: int, incompetent: int) -> dict[str, int]:
    """Whole percentages (rounded down) of each grade, and of 优秀+称职 together."""
    if ballots <= 0:
        return {"excellent": 0, "competent": 0, "basic": 0, "incompetent": 0, "good": 0}
    return {
        "excellent": excellent * 100 // ballots,
        "competent": competent * 100 // ballots,
        "basic": basic * 100 // ballots,
        "incompetent": incompetent * 100 // ballots,
        "good": (excellent + competent) * 100 // ballots,
    }

"""Pure rules of the preparation stage owned by the elections app.

* the rulebook (选举办法) adopted by a residents' (representative) meeting and published;
* the party organisation's request to convene the members' meeting (请示) approved by the street (批复);
* difficult communities (软弱涣散 / 重点难点) rectified before the election starts.

Incumbents, audits and the residents' election committee concern people and live in ``candidates``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .base import Blocker, more_than

_LAW_RC_ART5 = "城市居民委员会组织法 第五条"

# --------------------------------------------------------------------------------------------
# Rulebook adoption (选举办法审议通过)
# --------------------------------------------------------------------------------------------

ADOPTION_MEETINGS: list[tuple[str, str]] = [
    ("residents_meeting", "居民会议"),
    ("representatives_meeting", "居民代表会议"),
]
ADOPTION_MEETING_LABELS = dict(ADOPTION_MEETINGS)


def adoption_input_problems(
    *,
    expected: int,
    present: int,
    votes_for: int,
    votes_against: int,
    abstentions: int,
    held_on: dt.date | None,
    published_on: dt.date | None,
    today: dt.date,
) -> dict[str, list[str]]:
    """Inconsistent meeting figures, by field, in Chinese; empty when the record is coherent."""
    errors: dict[str, list[str]] = {}
    for key, value, label in [
        ("expected", expected, "应到人数"),
        ("present", present, "实到人数"),
        ("votes_for", votes_for, "赞成票"),
        ("votes_against", votes_against, "反对票"),
        ("abstentions", abstentions, "弃权票"),
    ]:
        if value < 0:
            errors.setdefault(key, []).append(f"{label}不能为负数。")
    if expected <= 0:
        errors.setdefault("expected", []).append("应到人数须大于 0。")
    if present > expected:
        errors.setdefault("present", []).append(f"实到人数（{present}）不能多于应到人数（{expected}）。")
    if votes_for + votes_against + abstentions > present:
        errors.setdefault("votes_for", []).append(
            f"赞成、反对、弃权合计 {votes_for + votes_against + abstentions} 票，多于实到人数 {present} 人。"
        )
    if held_on is None:
        errors.setdefault("held_on", []).append("请填写会议日期。")
    elif held_on > today:
        errors.setdefault("held_on", []).append("会议日期不能晚于今天：请在会议开过后再登记结果。")
    if published_on is not None:
        if held_on is not None and published_on < held_on:
            errors.setdefault("published_on", []).append("公布日期不能早于会议日期。")
        if published_on > today:
            errors.setdefault("published_on", []).append("公布日期不能晚于今天。")
    return errors


def adoption_quorate(expected: int, present: int, rules: dict[str, Any]) -> bool:
    """The meeting could be held: more than the rulebook's share (half) of those expected attended."""
    return more_than(present, expected, rules["adoption_attendance_over"])


def adoption_passed(present: int, votes_for: int, rules: dict[str, Any]) -> bool:
    """The rulebook was adopted: more than the rulebook's share (half) of those present voted for it."""
    return more_than(votes_for, present, rules["adoption_votes_over"])


@dataclass(frozen=True)
class AdoptionFacts:
    recorded: bool
    meeting: str = ""
    expected: int = 0
    present: int = 0
    votes_for: int = 0
    published_on: dt.date | None = None
    adopted_rules: dict[str, Any] | None = None  # the effective rules the meeting voted on
    current_rules: dict[str, Any] | None = None
    rulebook_changed: bool = False


# Switches of the work plan (which preparation checks the district applies), not part of the text the
# residents' meeting votes on: changing them after adoption does not call for a new meeting.
NOT_ADOPTED_KEYS = frozenset({
    "audit_required", "rectification_required", "rulebook_adoption_required", "adoption_attendance_over",
    "adoption_votes_over", "party_request_required", "election_committee_required",
})


def changed_rule_keys(adopted: dict[str, Any] | None, current: dict[str, Any] | None) -> list[str]:
    """The rules whose value differs from what the meeting adopted. Parameters the software added after
    the meeting (absent from the adopted set) and work-plan switches are not a change of the adopted text."""
    if adopted is None or current is None:
        return []
    return sorted(key for key in adopted
                  if key in current and key not in NOT_ADOPTED_KEYS and adopted[key] != current[key])


def gate_rulebook_adopted(facts: AdoptionFacts, rules: dict[str, Any]) -> list[Blocker]:
    if not rules.get("rulebook_adoption_required"):
        return []
    source = f"seeds 000, 003：选举办法经居民会议或居民代表会议审议通过后公布；{_LAW_RC_ART5}"
    if not facts.recorded:
        return [
            Blocker(
                "rulebook_not_adopted",
                "选举办法尚未经居民会议或居民代表会议审议通过。",
                source,
                "召开居民会议或居民代表会议审议选举办法，在“选举规则”页的“选举办法审议”处登记会议日期、到会人数和表决结果。",
            )
        ]
    blockers: list[Blocker] = []
    meeting = ADOPTION_MEETING_LABELS.get(facts.meeting, "会议")
    if not adoption_quorate(facts.expected, facts.present, rules):
        blockers.append(
            Blocker(
                "rulebook_meeting_not_quorate",
                f"{meeting}应到 {facts.expected} 人、实到 {facts.present} 人，未超过应到人数的"
                f"{_share(rules['adoption_attendance_over'])}，会议无效。",
                f"{_LAW_RC_ART5}（规则：{rules['adoption_attendance_over']}）",
                "重新召开会议，到会人数须超过规定比例后再审议选举办法。",
            )
        )
    elif not adoption_passed(facts.present, facts.votes_for, rules):
        blockers.append(
            Blocker(
                "rulebook_votes_insufficient",
                f"选举办法获赞成 {facts.votes_for} 票，未超过到会 {facts.present} 人的"
                f"{_share(rules['adoption_votes_over'])}，未获通过。",
                f"{_LAW_RC_ART5}（规则：{rules['adoption_votes_over']}）",
                "修改选举办法后重新提交会议表决。",
            )
        )
    if blockers:
        # the meeting did not adopt the rulebook: what remains is a new meeting, not its publication
        return blockers
    if facts.rulebook_changed:
        keys = changed_rule_keys(facts.adopted_rules, facts.current_rules)
        what = ("（" + "、".join(keys[:6]) + ("等" if len(keys) > 6 else "") + "）") if keys else "（更换了规则集）"
        blockers.append(
            Blocker(
                "rulebook_changed_since_adoption",
                f"会议通过选举办法后，选举规则又被修改{what}，现行规则未经会议审议。",
                source,
                "把规则改回会议通过的版本，或重新召开会议审议修改后的选举办法并登记结果。",
            )
        )
    if facts.published_on is None:
        blockers.append(
            Blocker(
                "rulebook_not_published",
                "选举办法已审议通过，但尚未公布。",
                source,
                "张榜公布选举办法后，在“选举规则”页的“选举办法审议”处登记公布日期。",
            )
        )
    return blockers


def _share(raw: Any) -> str:
    text = str(raw)
    return {"1/2": "一半", "2/3": "三分之二", "1/3": "三分之一", "4/5": "五分之四"}.get(text, text)


# --------------------------------------------------------------------------------------------
# Party request to convene the members' meeting (请示 / 批复)
# --------------------------------------------------------------------------------------------

PARTY_MEETING_KINDS: list[tuple[str, str]] = [
    ("members_meeting", "党员大会"),
    ("delegates_meeting", "党员代表大会"),
]
PARTY_REQUEST_STATUSES: list[tuple[str, str]] = [
    ("submitted", "待批复"),
    ("approved", "已批复同意"),
    ("returned", "已退回"),
]
PARTY_REQUEST_DECISIONS = {"approve": "approved", "return": "returned"}


@dataclass(frozen=True)
class PartyRequestFacts:
    status: str | None  # the newest request's status, None when none was submitted
    reply: str = ""


def gate_party_request(facts: PartyRequestFacts, rules: dict[str, Any]) -> list[Blocker]:
    if not rules.get("party_request_required"):
        return []
    source = "seed 003：报送关于召开党员大会（党员代表大会）的请示，街道党工委及时研究批复"
    if facts.status is None:
        return [
            Blocker(
                "party_request_missing",
                "社区党组织尚未报送召开党员大会的请示。",
                source,
                "在“请示批复”页填写推荐产生办法和会议形式，向街道党工委报送请示。",
            )
        ]
    if facts.status == "submitted":
        return [
            Blocker(
                "party_request_pending",
                "召开党员大会的请示已报送，街道党工委尚未批复。",
                source,
                "由街道换届办在“请示批复”页作出批复。",
            )
        ]
    if facts.status == "returned":
        reason = f"退回理由：{facts.reply}" if facts.reply else "未说明理由"
        return [
            Blocker(
                "party_request_returned",
                f"召开党员大会的请示被街道退回（{reason}）。",
                source,
                "按退回意见修改后重新报送请示。",
            )
        ]
    return []


# --------------------------------------------------------------------------------------------
# Difficult communities (软弱涣散 / 重点难点) and their rectification (整顿)
# --------------------------------------------------------------------------------------------

RECTIFICATION_CATEGORIES: list[tuple[str, str]] = [
    ("weak_lax", "软弱涣散"),
    ("key_difficult", "重点难点"),
]
RECTIFICATION_CATEGORY_LABELS = dict(RECTIFICATION_CATEGORIES)


@dataclass(frozen=True)
class OpenRectification:
    category: str
    problems: str
    flagged_on: dt.date


@dataclass(frozen=True)
class RectificationFacts:
    open_items: tuple[OpenRectification, ...] = field(default_factory=tuple)


def gate_rectification(facts: RectificationFacts, rules: dict[str, Any]) -> list[Blocker]:
    if not rules.get("rectification_required") or not facts.open_items:
        return []
    described = "；".join(
        f"{RECTIFICATION_CATEGORY_LABELS.get(item.category, item.category)}（{item.flagged_on:%Y-%m-%d} 列入："
        f"{clip(item.problems)}）"
        for item in facts.open_items
    )
    return [
        Blocker(
            "rectification_open",
            f"本社区被列为整顿对象，整顿尚未完成：{described}。",
            "seed 003：问题不解决、整顿不到位不启动换届",
            "按整顿方案解决问题后，由街道在“整顿社区”页确认整顿完成。",
        )
    ]


def clip(text: str, limit: int = 40) -> str:
    """One line of at most ``limit`` characters, whitespace collapsed, an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

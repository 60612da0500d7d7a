"""The printable election rulebook (选举办法): the effective rules in words, grouped by chapter.

Plain data in, plain data out, no Django: the view renders the result as an A4 page. The document is an
official notice, so it is Chinese whatever the interface language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from . import rules

CHAPTERS = {
    "组成": "委员会组成",
    "提名": "候选人提名",
    "差额": "差额选举",
    "选民": "选民登记与委托投票",
    "投票": "投票、计票与当选",
    "日期": "工作时限",
    "纪律": "选举纪律",
    "准备": "换届准备",  # only work-plan switches today: left out of the printed text
}
CHINESE_NUMERALS = "零一二三四五六七八九十"

# The same labels as candidates.rules.EDUCATION (elections may not import candidates); a test keeps them equal.
EDUCATION_LABELS = {
    "primary": "小学", "junior_high": "初中", "senior_high": "高中", "vocational": "中专", "college": "大专",
    "bachelor": "本科", "master": "硕士研究生", "doctor": "博士研究生",
}
CHOICE_TEXT = {
    "margin_mode": {"plus": "每个职位的候选人数多于应选人数（差额数见下）", "ratio": "候选人数按应选人数的倍数确定"},
    "validity_rule": {"registered_majority": "登记参加选举的选民过半数投票，选举有效",
                      "present_quorum": "到会人数达到规定比例，选举有效"},
    "quorum_operator": {">=": "达到（含本数）", ">": "超过（不含本数）"},
    "win_base": {"voted": "参加投票的人数", "valid_ballots": "有效选票数", "present": "到会人数"},
    "tie_rule": {"revote": "就票数相等的被选举人再次投票，得票多的当选"},
}
PARTY_ONLY = {"recommendation_attendance_over", "recommendation_votes_over", "preliminary_margin"}
PERCENT_KEYS = {"preliminary_margin", "voluntary_registration_floor"}
UNITS = {
    "committee_size_min": "人", "committee_size_max": "人", "chair_seats": "名", "vice_chair_min": "名",
    "vice_chair_max": "名", "election_committee_size_min": "人", "election_committee_size_max": "人",
    "age_new_max": "周岁", "age_continuing_max": "周岁", "margin_plus_min": "人", "margin_plus_max": "人",
    "min_voter_age": "周岁", "voter_list_lead_days": "日", "voter_objection_days": "日",
    "voter_objection_decision_days": "日", "proxy_limit": "人", "mobile_box_min_supervisors": "人",
    "candidate_list_lead_days": "日", "publicity_min_days": "日", "handover_days": "日",
}


def chinese_number(n: int) -> str:
    """1–99 in Chinese numerals (一, 十, 十二, 二十 …); larger numbers stay Arabic."""
    if 0 <= n <= 10:
        return CHINESE_NUMERALS[n]
    if n < 20:
        return "十" + CHINESE_NUMERALS[n - 10]
    if n < 100:
        tens, ones = divmod(n, 10)
        return CHINESE_NUMERALS[tens] + "十" + (CHINESE_NUMERALS[ones] if ones else "")
    return str(n)


def fraction_text(key: str, raw: Any) -> str:
    """'1/2' → 过半数 (for a "more than" rule) or 二分之一; '1/5' → 20%; '6/5' → 1.2 倍."""
    value = rules.parse_fraction(raw)
    if key.endswith("_over") and value == Fraction(1, 2):
        return "过半数（超过二分之一）"
    if value > 1:
        return f"{float(value):g} 倍"
    if key in PERCENT_KEYS or value.denominator > 10:
        return f"{float(value * 100):g}%"
    if value == 1:
        return "全部"
    return f"{chinese_number(value.denominator)}分之{chinese_number(value.numerator)}"


def channels_text(channels: dict[str, int]) -> str:
    parts = []
    for code, minimum in channels.items():
        label = rules.NOMINATION_CHANNELS.get(code, code)
        if code == "self" or minimum <= 1:
            parts.append(label)
        else:
            parts.append(f"{label}（{minimum} 人以上）")
    return "；".join(parts)


def value_text(spec: rules.ParamSpec, value: Any) -> str:
    """A rule's value in words, as a clerk would write it in the rulebook."""
    if value is None:
        return "—"
    if spec.type == "bool":
        return "是" if value else "否"
    if spec.type == "int":
        return f"{value} {UNITS[spec.key]}" if spec.key in UNITS else str(value)
    if spec.type == "fraction":
        return fraction_text(spec.key, value)
    if spec.type == "channels":
        return channels_text(value)
    if spec.type == "positions":
        return "、".join(rules.POSITION_LABELS.get(p, p) for p in value) or "无"
    if spec.type == "choice":
        if spec.key == "education_min":
            return f"{EDUCATION_LABELS.get(value, value)}及以上"
        return CHOICE_TEXT.get(spec.key, {}).get(value, str(value))
    return str(value)


def relevant(spec: rules.ParamSpec, values: dict[str, Any], body: str) -> bool:
    """Leave out the rules that cannot apply to this election (a party quorum in a residents' election …)."""
    key = spec.key
    if key in rules.NOT_ADOPTED_KEYS:
        return False  # switches of the district's work plan, not part of the text the meeting adopts
    if key in {"quorum", "quorum_operator"}:
        return values.get("validity_rule") == "present_quorum"
    if key in {"margin_plus_min", "margin_plus_max"}:
        return values.get("margin_mode") == "plus"
    if key == "margin_ratio":
        return values.get("margin_mode") == "ratio"
    if key in {"proxy_limit", "proxy_holder_not_candidate"}:
        return bool(values.get("proxies_allowed"))
    if key.startswith("election_committee_"):
        return body == "residents_committee" and bool(values.get("election_committee_required"))
    if key.startswith("supervision_"):
        return body == "supervision_committee"
    if key in PARTY_ONLY:
        return body == "party_committee"
    return True


@dataclass
class Article:
    number: str
    label: str
    text: str


@dataclass
class Chapter:
    number: str
    title: str
    articles: list[Article] = field(default_factory=list)


@dataclass
class Adoption:
    meeting: str
    held_on: dt.date
    expected: int
    present: int
    votes_for: int
    votes_against: int
    abstentions: int
    published_on: dt.date | None
    quorate: bool
    passed: bool


@dataclass
class RulebookDocument:
    title: str
    community: str
    body: str
    preamble: str
    issuer: str
    chapters: list[Chapter]
    seats: list[tuple[str, int]]
    seat_total: int
    election_day: dt.date | None
    adoption: Adoption | None
    changed_since_adoption: list[str]

    @property
    def draft(self) -> bool:
        if self.body == "party_committee":
            return False  # adopted by the members' meeting itself, not recorded here
        return self.adoption is None or not self.adoption.passed or bool(self.changed_since_adoption)


def document_title(community: str, body: str, kind: str) -> str:
    what = "补选办法" if kind == "by_election" else "换届选举办法"
    return f"{community}{rules.BODY_LABELS[body]}{what}"


BASIS = {
    "party_committee": "《中国共产党章程》《中国共产党基层组织选举工作条例》",
    "residents_committee": "《中华人民共和国城市居民委员会组织法》",
    "supervision_committee": "《中华人民共和国城市居民委员会组织法》《中华人民共和国村民委员会组织法》",
}
ISSUERS = {"party_committee": "党组织", "residents_committee": "居民选举委员会",
           "supervision_committee": "居民委员会"}


def seat_text(seats: list[tuple[str, int]]) -> str:
    if not seats:
        return "职数方案尚未确定，确定后另行公布"
    parts = "、".join(f"{label} {count} 名" for label, count in seats)
    return f"{parts}，共 {sum(count for _, count in seats)} 名"


def build(
    *,
    community: str,
    body: str,
    kind: str,
    values: dict[str, Any],
    seats: dict[str, int],
    election_day: dt.date | None,
    adoption: dict[str, Any] | None,
    adopted_values: dict[str, Any] | None = None,
    adopted_rulebook_changed: bool = False,
) -> RulebookDocument:
    order = [code for code, _ in rules.POSITIONS_BY_BODY[body]]
    seat_rows = [(rules.POSITION_LABELS[p], seats[p]) for p in order if seats.get(p)]
    body_label = rules.BODY_LABELS[body]
    day = f"{election_day.year}年{election_day.month}月{election_day.day}日" if election_day else "另行公布"
    # chapter one is what the residents elect, and when
    chapters = [Chapter("", "职数与选举日", [Article("", f"本届{body_label}职数", seat_text(seat_rows)),
                                            Article("", "选举日", day)])]
    by_group: dict[str, Chapter] = {}
    for spec in rules.PARAM_SPECS:
        if not relevant(spec, values, body):
            continue
        chapter = by_group.get(spec.group)
        if chapter is None:
            chapter = Chapter("", CHAPTERS.get(spec.group, spec.group))
            by_group[spec.group] = chapter
            chapters.append(chapter)
        chapter.articles.append(Article("", spec.label, value_text(spec, values.get(spec.key))))
    article_no = 0
    for number, chapter in enumerate(chapters, start=1):
        chapter.number = f"第{chinese_number(number)}章"
        for article in chapter.articles:
            article_no += 1
            article.number = f"第{chinese_number(article_no)}条"
    record = None
    changed: list[str] = []
    if adoption is not None:
        quorate = rules.adoption_quorate(adoption["expected"], adoption["present"], values)
        record = Adoption(
            meeting=rules.ADOPTION_MEETING_LABELS.get(adoption["meeting"], adoption["meeting"]),
            held_on=adoption["held_on"], expected=adoption["expected"], present=adoption["present"],
            votes_for=adoption["votes_for"], votes_against=adoption["votes_against"],
            abstentions=adoption["abstentions"], published_on=adoption["published_on"], quorate=quorate,
            passed=quorate and rules.adoption_passed(adoption["present"], adoption["votes_for"], values),
        )
        changed = [rules.PARAM_BY_KEY[k].label if k in rules.PARAM_BY_KEY else k
                   for k in rules.changed_rule_keys(adopted_values, values)]
        if adopted_rulebook_changed and not changed:
            changed = ["选举办法（规则集）"]
    return RulebookDocument(
        title=document_title(community, body, kind), community=community, body=body,
        preamble=(f"为做好{community}{body_label}{'补选' if kind == 'by_election' else '换届选举'}工作，根据{BASIS[body]}"
                  "等法律法规和上级有关规定，结合本社区实际，制定本办法。"),
        issuer=f"{community}{ISSUERS[body]}", chapters=chapters, seats=seat_rows,
        seat_total=sum(count for _, count in seat_rows), election_day=election_day, adoption=record,
        changed_since_adoption=changed,
    )

"""Pure rules of the voter roll as a whole (no Django): the voluntary-registration floor, the publication lead,
the objection window, the decision deadline, and the checks of the gates that keep an election in ``voting``.

Dates follow the Civil Code: a period counted in days starts the day after the event (第二百零一条: 开始的当日不
计入，自下一日开始计算), and 以内 includes the last day (第一千二百五十九条). So with ``voter_objection_days`` 5, a list
published on 12-01 may be objected to from 12-01 itself up to and including 12-06 (published_on + 5); 12-07 is
late. An objection raised on 12-03 is decided by 12-06 (raised_on + ``voter_objection_decision_days`` 3): a
decision on 12-06 is in time, one on 12-07 is still recorded but marked overdue. The publication lead is
"at least N days before election day" (``elections.rules.published_in_time``): with 20 days and an election on
01-10, 12-21 is the last day to publish (exactly 20 days before passes; 12-22, 19 days before, is late).
A deadline falling on a public holiday is not moved (the calendar of holidays is not known here): the clerk
sees the plain date and the committee decides.

Integer arithmetic only: the floor "registered ≥ 40% of residents" is ``registered × 5 ≥ residents × 2``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from candidates.rules import age_on, rule_source
from elections.rules import Blocker, days_before, parse_fraction, published_in_time

# the stages in which the roll may change (register, remove, import, settings, publication, objections)
ROLL_STAGES = frozenset({"preparation", "nomination", "vetting", "publicity", "voting"})

DEFAULT_LEAD_DAYS = 20
DEFAULT_OBJECTION_DAYS = 5
DEFAULT_DECISION_DAYS = 3
DEFAULT_FLOOR = "2/5"


def _day(value: dt.date) -> str:
    return f"{value:%Y-%m-%d}"


def _share(value: Fraction | str | int) -> Fraction:
    return value if isinstance(value, Fraction) else parse_fraction(value)


# --------------------------------------------------------------------------------------------
# The rulebook's numbers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RollRules:
    lead_days: int
    objection_days: int
    decision_days: int
    floor: Fraction


def roll_rules(rules: Mapping[str, Any]) -> RollRules:
    """The four roll parameters of an election's effective rules (defaults when a rulebook lacks one)."""
    return RollRules(
        lead_days=int(rules.get("voter_list_lead_days", DEFAULT_LEAD_DAYS)),
        objection_days=int(rules.get("voter_objection_days", DEFAULT_OBJECTION_DAYS)),
        decision_days=int(rules.get("voter_objection_decision_days", DEFAULT_DECISION_DAYS)),
        floor=_share(rules.get("voluntary_registration_floor", DEFAULT_FLOOR)),
    )


# --------------------------------------------------------------------------------------------
# The voluntary-registration floor
# --------------------------------------------------------------------------------------------


def floor_minimum(residents_total: int, floor: Fraction | str) -> int:
    """The fewest registered voters that reach the floor: ceil(residents × floor), in integers."""
    share = _share(floor)
    return -(-residents_total * share.numerator // share.denominator)


def floor_met(registered: int, residents_total: int, floor: Fraction | str) -> bool:
    """Registered ≥ floor × residents (以上: exactly 40% passes)."""
    share = _share(floor)
    return registered * share.denominator >= residents_total * share.numerator


def percent_text(share: Fraction | str) -> str:
    """2/5 → "40%"; a share that is no whole percentage stays a fraction ("2/7")."""
    value = _share(share)
    if (value.numerator * 100) % value.denominator == 0:
        return f"{value.numerator * 100 // value.denominator}%"
    return f"{value.numerator}/{value.denominator}"


# --------------------------------------------------------------------------------------------
# Publication, objections, decisions
# --------------------------------------------------------------------------------------------


def publish_deadline(election_day: dt.date | None, lead_days: int) -> dt.date | None:
    """The last day the list may be published: election day − lead days (None without an election day)."""
    return election_day - dt.timedelta(days=lead_days) if election_day else None


def published_late(published_on: dt.date | None, election_day: dt.date | None, lead_days: int) -> bool:
    """Published, with an election day, and fewer than ``lead_days`` days before it."""
    if published_on is None or election_day is None:
        return False
    return not published_in_time(published_on, election_day, lead_days)


def objection_last_day(published_on: dt.date, objection_days: int) -> dt.date:
    """The last day an objection may be raised: the publication day is not counted (民法典 第二百零一条), the
    N-th day after it is included (以内, 第一千二百五十九条)."""
    return published_on + dt.timedelta(days=objection_days)


def objection_window_problem(*, raised_on: dt.date, published_on: dt.date, objection_days: int,
                             today: dt.date) -> str | None:
    """Why an objection can't be raised on ``raised_on`` (None when it can)."""
    if raised_on > today:
        return f"提出日期 {_day(raised_on)} 晚于今天。"
    if raised_on < published_on:
        return f"提出日期 {_day(raised_on)} 早于选民名单的公布日期 {_day(published_on)}。"
    last = objection_last_day(published_on, objection_days)
    if raised_on > last:
        return (f"对选民名单有异议的，须在名单公布之日起 {objection_days} 日内提出（{_day(published_on)} 公布，"
                f"最后一天为 {_day(last)}）；{_day(raised_on)} 提出的已超过期限。")
    return None


def decision_due(raised_on: dt.date, decision_days: int) -> dt.date:
    """The last day to decide an objection: raised_on + N (the day it was raised not counted, the N-th included)."""
    return raised_on + dt.timedelta(days=decision_days)


def decision_overdue(raised_on: dt.date, decided_or_today: dt.date, decision_days: int) -> bool:
    """Decided (or, while open, today) after the last day: allowed, but marked overdue."""
    return decided_or_today > decision_due(raised_on, decision_days)


def decision_problem(*, decided_on: dt.date, raised_on: dt.date, today: dt.date) -> str | None:
    if decided_on > today:
        return f"处理日期 {_day(decided_on)} 晚于今天。"
    if decided_on < raised_on:
        return f"处理日期 {_day(decided_on)} 早于异议提出日期 {_day(raised_on)}。"
    return None


def publish_problem(*, published_on: dt.date, election_day: dt.date | None, today: dt.date,
                    first_objection: dt.date | None = None) -> str | None:
    """Why ``published_on`` can't be the list's publication day: in the future, on or after election day, more
    than a year ago (a typo in the year), or after an objection to the published list was already raised."""
    if published_on > today:
        return f"公布日期 {_day(published_on)} 晚于今天：请在张榜公布后登记。"
    if election_day is not None and published_on >= election_day:
        return f"公布日期 {_day(published_on)} 不早于选举日 {_day(election_day)}。"
    if published_on < today - dt.timedelta(days=366):
        return f"公布日期 {_day(published_on)} 早于一年前，请核对年份。"
    if first_objection is not None and published_on > first_objection:
        return (f"已有对选民名单的异议于 {_day(first_objection)} 提出，公布日期不能晚于该日期"
                f"（{_day(published_on)}）。")
    return None


# --------------------------------------------------------------------------------------------
# Residents' groups in natural order (2组 before 10组)
# --------------------------------------------------------------------------------------------


def group_sort_key(name: str) -> tuple[tuple[int, int, str], ...]:
    parts = re.split(r"(\d+)", name or "")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p != "")


# --------------------------------------------------------------------------------------------
# Gates to leave ``voting`` (residents' committee elections)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenObjection:
    subject_name: str
    kind_label: str
    raised_on: dt.date


@dataclass(frozen=True)
class RollFacts:
    body: str
    election_day: dt.date | None
    today: dt.date
    mode: str = "all"
    residents_total: int | None = None
    active: int = 0
    published_on: dt.date | None = None
    open_objections: tuple[OpenObjection, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)


def _src(facts: RollFacts, key: str) -> str:
    return rule_source(facts.sources, facts.body, key)


def gate_voter_list_empty(facts: RollFacts, rules: Mapping[str, Any]) -> list[Blocker]:
    if facts.active > 0:
        return []
    return [Blocker(
        "voter_list_missing",
        "选民名单为空：本次选举尚未登记选民（或已全部除名）。",
        _src(facts, "voter_list_lead_days"),
        "在“选民登记”中导入选民名单或逐个登记选民，核对后张榜公布。",
    )]


def gate_voter_list_published(facts: RollFacts, rules: Mapping[str, Any]) -> list[Blocker]:
    """Published at least ``voter_list_lead_days`` before election day (without an election day the election's own
    gate speaks; only the missing publication is reported then)."""
    lead = roll_rules(rules).lead_days
    source = _src(facts, "voter_list_lead_days")
    day = facts.election_day
    deadline = publish_deadline(day, lead)
    if facts.published_on is None:
        if day is None or deadline is None:
            return [Blocker("voter_list_unpublished", "选民名单尚未公布。", source,
                            "张榜公布选民名单后，在“选民登记”中登记公布日期。")]
        fix = "张榜公布选民名单后，在“选民登记”中登记公布日期。"
        if facts.today > deadline:
            fix = (f"公布期限已过：须推迟选举日至 {_day(facts.today + dt.timedelta(days=lead))} 或以后（公布后满 {lead} "
                   "天），再张榜公布选民名单并登记公布日期。")
        return [Blocker(
            "voter_list_unpublished",
            f"选民名单尚未公布：选举日为 {_day(day)}，须在选举日的 {lead} 日前（最晚 {_day(deadline)}）张榜公布。",
            source, fix,
        )]
    if day is not None and deadline is not None and published_late(facts.published_on, day, lead):
        gap = days_before(facts.published_on, day)
        return [Blocker(
            "voter_list_late",
            f"选民名单于 {_day(facts.published_on)} 公布，距选举日 {_day(day)} 仅 {gap} 天，少于规定的 {lead} 天"
            f"（最晚应于 {_day(deadline)} 公布）。",
            source,
            f"推迟选举日至 {_day(facts.published_on + dt.timedelta(days=lead))} 或以后（公布后满 {lead} 天）；"
            "公布日期登记有误的，在“选民登记”中更正。",
        )]
    return []


def gate_voter_objections_decided(facts: RollFacts, rules: Mapping[str, Any]) -> list[Blocker]:
    if not facts.open_objections:
        return []
    days = roll_rules(rules).decision_days
    items = []
    for o in facts.open_objections[:5]:
        due = decision_due(o.raised_on, days)
        late = "，已逾期" if facts.today > due else ""
        items.append(f"{o.subject_name}（{o.kind_label}，{_day(o.raised_on)} 提出，应于 {_day(due)} 前处理{late}）")
    more = f"等 {len(facts.open_objections)} 件" if len(facts.open_objections) > 5 else ""
    return [Blocker(
        "voter_objections_open",
        f"选民名单异议尚有 {len(facts.open_objections)} 件未处理：{'；'.join(items)}{more}。",
        _src(facts, "voter_objection_decision_days"),
        "在“选民登记”的异议处理中逐件作出处理决定（异议成立的，补登或除名）并告知提出人。",
    )]


def gate_voluntary_floor(facts: RollFacts, rules: Mapping[str, Any]) -> list[Blocker]:
    if facts.mode != "voluntary":
        return []
    floor = roll_rules(rules).floor
    source = _src(facts, "voluntary_registration_floor")
    if not facts.residents_total:
        return [Blocker(
            "residents_total_missing",
            f"选民采取自愿登记，但尚未填写本社区居民总数，无法核对登记人数是否达到居民总数的 {percent_text(floor)}。",
            source,
            "在“选民登记”的登记方式中填写居民总数。",
        )]
    if floor_met(facts.active, facts.residents_total, floor):
        return []
    minimum = floor_minimum(facts.residents_total, floor)
    return [Blocker(
        "voluntary_floor",
        f"自愿登记的选民 {facts.active} 人，未达到居民总数 {facts.residents_total} 人的 {percent_text(floor)}"
        f"（至少 {minimum} 人，还差 {minimum - facts.active} 人）。",
        source,
        "继续动员居民登记参加选举，使登记人数达到下限；或改为全面登记。",
    )]


# --------------------------------------------------------------------------------------------
# Every registered voter of age on election day (the day or ``min_voter_age`` may change after registration)
# --------------------------------------------------------------------------------------------


def youngest_eligible_birth(election_day: dt.date, min_age: int) -> dt.date:
    """The latest birth date of someone ``min_age`` or older on ``election_day`` (as ``age_on`` counts: a
    29 February birth comes of age on 1 March in a common year)."""
    try:
        return election_day.replace(year=election_day.year - min_age)
    except ValueError:  # election day 29 February, the birth year common: born on 28 February at the latest
        return election_day.replace(year=election_day.year - min_age, day=28)


@dataclass(frozen=True)
class YoungVoter:
    name: str
    group: str
    birth_date: dt.date


@dataclass(frozen=True)
class AgeFacts:
    """Active voters who may be under age on election day (the collector's cut; the gate checks each)."""

    body: str
    election_day: dt.date | None
    voters: tuple[YoungVoter, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)


def gate_voters_of_age(facts: AgeFacts, rules: Mapping[str, Any]) -> list[Blocker]:
    """voter_underage: an active voter under ``min_voter_age`` on election day — registered when the day (or the
    minimum age) was another, since changed."""
    day = facts.election_day
    if day is None:
        return []
    minimum = int(rules.get("min_voter_age", 18))
    young = [f"{v.name}（{v.group}，{_day(v.birth_date)} 出生，{age_on(v.birth_date, day)} 周岁）"
             for v in facts.voters if age_on(v.birth_date, day) < minimum]
    if not young:
        return []
    shown = "；".join(young[:10]) + (f"等 {len(young)} 人" if len(young) > 10 else "")
    return [Blocker(
        "voter_underage",
        f"选民名单中有 {len(young)} 人到选举日 {_day(day)} 未满 {minimum} 周岁：{shown}。",
        rule_source(facts.sources, facts.body, "min_voter_age"),
        "将这些人员从选民名单中除名（注明原因：选举日未满选举年龄）；选举日填写有误的，更正选举日。",
    )]


def roll_blockers(facts: RollFacts, rules: Mapping[str, Any]) -> list[Blocker]:
    """Every voting-stage blocker of the roll, in the order the gates are registered."""
    return (gate_voter_list_empty(facts, rules) + gate_voter_list_published(facts, rules)
            + gate_voter_objections_decided(facts, rules) + gate_voluntary_floor(facts, rules))

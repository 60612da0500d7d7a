"""Publicity (公示), objections (异议) and reports (举报), and the gates of vetting and publicity; pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from candidates.rules import LIST_APPROVAL_SOURCE, rule_source
from elections.rules import Blocker, describe_due

from .base import REPORT_CATEGORIES, REPORT_CATEGORY_LABELS, REPORT_CHANNELS, REPORT_STATUS_LABELS
from .review import REVIEW_SOURCE, where_it_stands

# --------------------------------------------------------------------------------------------
# Publicity (公示), objections (异议) and reports (举报)
# --------------------------------------------------------------------------------------------

# The publicity's length has a rulebook parameter (publicity_min_days): the gate cites the election's own
# source of it (rule_source), never a fixed text whose number may contradict the rulebook's value.
ORDER_SOURCE = ("seed 003：确定候选人预备人选名单，在全社区范围内进行公示；公示结束后请示批复，"
                "再签订纪律承诺、确定并公布候选人")
OBJECTION_SOURCE = "seed 003：公示期间接受党员群众监督，反映的问题调查核实后方可确定候选人"
REPORT_SOURCE = ("seed 003：实名举报的必查，线索清楚、内容具体的必查，涉嫌拉票贿选的必查，群众反映强烈的必查；"
                 "即时受理、及时处置、限时办结")
REPORT_STAGES = frozenset({"nomination", "vetting", "publicity", "voting", "counting", "handover"})
REJECTING_REPORT_STATUSES = frozenset({"substantiated", "partly"})


def publicity_days(starts_on: dt.date, ends_on: dt.date) -> int:
    """Days of publicity counted inclusively: 1 to 5 March is 5 days."""
    return (ends_on - starts_on).days + 1


# How far from today a publicity may be recorded: entered a little late, or planned ahead, but not a typo's year.
PUBLICITY_WINDOW_DAYS = 60


def publicity_problems(
    starts_on: dt.date | None, ends_on: dt.date | None, min_days: int, today: dt.date | None = None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if today is not None:
        earliest, latest = (today - dt.timedelta(days=PUBLICITY_WINDOW_DAYS),
                            today + dt.timedelta(days=PUBLICITY_WINDOW_DAYS))
        if starts_on is not None and not earliest <= starts_on <= latest:
            errors["starts_on"] = [f"公示开始日期 {starts_on:%Y-%m-%d} 不在 {earliest:%Y-%m-%d} 至 {latest:%Y-%m-%d} 之间"
                                   f"（今天前后 {PUBLICITY_WINDOW_DAYS} 天），请核对年份。"]
        if ends_on is not None and not earliest <= ends_on <= latest:
            errors["ends_on"] = [f"公示结束日期 {ends_on:%Y-%m-%d} 不在 {earliest:%Y-%m-%d} 至 {latest:%Y-%m-%d} 之间"
                                 f"（今天前后 {PUBLICITY_WINDOW_DAYS} 天），请核对年份。"]
        if errors:
            return errors
    if starts_on is None:
        errors["starts_on"] = ["请填写公示开始日期。"]
    if ends_on is None:
        errors["ends_on"] = ["请填写公示结束日期。"]
    if starts_on is None or ends_on is None:
        return errors
    if ends_on < starts_on:
        errors["ends_on"] = [f"公示结束日期（{ends_on:%Y-%m-%d}）不能早于开始日期（{starts_on:%Y-%m-%d}）。"]
        return errors
    days = publicity_days(starts_on, ends_on)
    if days < min_days:
        earliest = starts_on + dt.timedelta(days=min_days - 1)
        errors["ends_on"] = [
            f"公示期 {days} 天（{starts_on:%Y-%m-%d} 至 {ends_on:%Y-%m-%d}，首尾两天都计入），少于规定的 "
            f"{min_days} 天：结束日期最早为 {earliest:%Y-%m-%d}。"
        ]
    return errors


def publicity_over(ends_on: dt.date, today: dt.date) -> bool:
    """The publicity runs through its last day; it is over from the day after."""
    return today > ends_on


def publicity_days_left(ends_on: dt.date, today: dt.date) -> int:
    """Days of publicity still to run, today included (0 once over)."""
    return max(0, (ends_on - today).days + 1)


def objection_input_problems(*, objector: str, content: str, received_on: dt.date | None,
                             today: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not objector.strip():
        errors["objector"] = ["请填写反映人（匿名反映请填“匿名”）。"]
    if not content.strip():
        errors["content"] = ["请填写反映内容。"]
    if received_on is None:
        errors["received_on"] = ["请填写受理日期。"]
    elif received_on > today:
        errors["received_on"] = ["受理日期不能晚于今天。"]
    return errors


def objection_resolve_problems(*, status: str, finding: str, resolved_on: dt.date | None,
                               received_on: dt.date, today: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if status not in {"upheld", "dismissed"}:
        errors["status"] = ["办结结论须为“属实”（upheld）或“不属实”（dismissed）。"]
    if not finding.strip():
        errors["finding"] = ["请填写调查处理结果。"]
    if resolved_on is None:
        errors["resolved_on"] = ["请填写办结日期。"]
    elif resolved_on > today:
        errors["resolved_on"] = ["办结日期不能晚于今天。"]
    elif resolved_on < received_on:
        errors["resolved_on"] = [f"办结日期不能早于受理日期（{received_on:%Y-%m-%d}）。"]
    return errors


REPORT_CATEGORY_CODES = [code for code, _ in REPORT_CATEGORIES]


def report_categories(categories: list[str] | tuple[str, ...], reporter: str = "") -> list[str]:
    """The categories in standard order, with 实名举报 implied when the reporter gave a name."""
    chosen = set(categories)
    if reporter.strip():
        chosen.add("named")
    return [code for code in REPORT_CATEGORY_CODES if code in chosen]


def must_investigate(categories: list[str] | tuple[str, ...]) -> bool:
    """The four 必查 kinds: any one makes the report one that must be investigated."""
    return any(code in REPORT_CATEGORY_LABELS for code in categories)


def report_due(received_on: dt.date, days: int) -> dt.date:
    return received_on + dt.timedelta(days=days)


def report_overdue(due_on: dt.date, today: dt.date, status: str = "open") -> bool:
    return status == "open" and today > due_on


def report_input_problems(*, content: str, channel: str, categories: list[str], received_on: dt.date | None,
                          due_on: dt.date | None, today: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not content.strip():
        errors["content"] = ["请填写举报内容。"]
    if channel not in dict(REPORT_CHANNELS):
        errors["channel"] = [f"举报渠道“{channel}”无效。"]
    unknown = [c for c in categories if c not in REPORT_CATEGORY_LABELS]
    if unknown:
        errors["categories"] = [f"必查情形“{'、'.join(map(str, unknown))}”无效。"]
    if received_on is None:
        errors["received_on"] = ["请填写受理日期。"]
    elif received_on > today:
        errors["received_on"] = ["受理日期不能晚于今天。"]
    elif due_on is not None and due_on < received_on:
        errors["due_on"] = [f"办结期限不能早于受理日期（{received_on:%Y-%m-%d}）。"]
    return errors


def report_close_problems(*, status: str, finding: str, rejects_nominee: bool, has_nomination: bool,
                          categories: list[str], closed_on: dt.date | None, received_on: dt.date,
                          today: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if status not in REPORT_STATUS_LABELS or status == "open":
        errors["status"] = ["办结结论须为查实、部分属实、不属实或存档。"]
    elif status == "filed" and must_investigate(categories):
        labels = "、".join(REPORT_CATEGORY_LABELS[c] for c in categories if c in REPORT_CATEGORY_LABELS)
        errors["status"] = [f"该举报属于必查情形（{labels}），须核查后办结，不能直接存档。"]
    if not finding.strip():
        errors["finding"] = ["请填写核查结果。"]
    if rejects_nominee:
        if not has_nomination:
            errors["rejects_nominee"] = ["该举报未关联被提名人，不能取消候选资格。"]
        elif status not in REJECTING_REPORT_STATUSES:
            errors["rejects_nominee"] = ["只有查实或部分属实的举报才能取消被举报人的候选资格。"]
    if closed_on is None:
        errors["closed_on"] = ["请填写办结日期。"]
    elif closed_on > today:
        errors["closed_on"] = ["办结日期不能晚于今天。"]
    elif closed_on < received_on:
        errors["closed_on"] = [f"办结日期不能早于受理日期（{received_on:%Y-%m-%d}）。"]
    return errors


# --------------------------------------------------------------------------------------------
# Gates: vetting (every live nomination decided); publicity (period, objections, reports)
# --------------------------------------------------------------------------------------------


def _names(items: list[str], limit: int = 8) -> str:
    shown = "；".join(items[:limit])
    return shown + (f" 等 {len(items)} 人" if len(items) > limit else "")


@dataclass(frozen=True)
class PendingNomination:
    name: str
    status: str  # reviewing | held
    level: str
    pending_departments: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return where_it_stands(self.status, self.level, self.pending_departments)


@dataclass(frozen=True)
class DecisionFacts:
    pending: tuple[PendingNomination, ...] = ()


def gate_nominations_decided(facts: DecisionFacts, rules: dict[str, Any]) -> list[Blocker]:
    if not facts.pending:
        return []
    listed = [f"{p.name} {p.where}" for p in facts.pending]
    return [
        Blocker(
            "nominations_undecided",
            f"{len(facts.pending)} 名被提名人尚未审查完毕：{_names(listed)}。",
            REVIEW_SOURCE,
            "在“资格审查”页逐级完成初审、全面审查和区级联审；不宜情形由街道作出决定。",
        )
    ]


@dataclass(frozen=True)
class ListedApproval:
    """A nomination on the formal list and the day it was approved (None: not recorded, not judged)."""

    name: str
    approved_on: dt.date | None


@dataclass(frozen=True)
class PublicityFacts:
    starts_on: dt.date | None
    ends_on: dt.date | None
    today: dt.date
    body: str = "residents_committee"
    sources: Mapping[str, str] = field(default_factory=dict)
    listed: tuple[ListedApproval, ...] = ()
    approval: str = ""  # the party list's 批复: "" | submitted | approved | returned
    approval_on: dt.date | None = None
    published_on: dt.date | None = None


def not_publicised(listed: tuple[ListedApproval, ...] | list[ListedApproval],
                   starts_on: dt.date) -> list[ListedApproval]:
    """Nominations approved after the publicity began: the publicity did not show them (递补)."""
    return [n for n in listed if n.approved_on is not None and n.approved_on > starts_on]


def gate_publicity(facts: PublicityFacts, rules: dict[str, Any]) -> list[Blocker]:
    min_days = int(rules.get("publicity_min_days", 5))
    source = rule_source(facts.sources, facts.body, "publicity_min_days")
    if facts.starts_on is None or facts.ends_on is None:
        return [
            Blocker(
                "publicity_missing",
                "尚未登记候选人（预备人选）公示。",
                source,
                f"在全社区范围内公示审查通过的人选，并在“公示”页登记公示起止日期（不少于 {min_days} 天）。",
            )
        ]
    blockers: list[Blocker] = []
    days = publicity_days(facts.starts_on, facts.ends_on)
    period = f"{facts.starts_on:%Y-%m-%d} 至 {facts.ends_on:%Y-%m-%d}"
    if days < min_days:
        blockers.append(
            Blocker(
                "publicity_too_short",
                f"公示期 {period} 共 {days} 天，少于规定的 {min_days} 天。",
                source,
                f"延长公示期：结束日期至少为 {facts.starts_on + dt.timedelta(days=min_days - 1):%Y-%m-%d}。",
            )
        )
    if not publicity_over(facts.ends_on, facts.today):
        left = publicity_days_left(facts.ends_on, facts.today)
        blockers.append(
            Blocker(
                "publicity_not_over",
                f"公示期 {period} 尚未结束（还剩 {left} 天，含今天）。",
                source,
                f"公示期满后（{facts.ends_on + dt.timedelta(days=1):%Y-%m-%d} 起）再确定正式候选人。",
            )
        )
    late = not_publicised(facts.listed, facts.starts_on)
    if late:
        listed = [f"{n.name}（{n.approved_on:%Y-%m-%d} 审查通过）" for n in late]
        blockers.append(
            Blocker(
                "publicity_not_covering",
                f"{len(late)} 名正式候选人在公示开始（{facts.starts_on:%Y-%m-%d}）后才审查通过，未经公示：{_names(listed)}。",
                source,
                f"为递补人选重新公示（公示期不少于 {min_days} 天）。",
            )
        )
    if (facts.body == "party_committee" and facts.approval == "approved" and facts.approval_on is not None
            and facts.approval_on <= facts.ends_on):
        blockers.append(
            Blocker(
                "approval_before_publicity_end",
                f"街道党工委于 {facts.approval_on:%Y-%m-%d} 批复候选人预备人选，公示期（{period}）尚未期满："
                "须公示期满后再请示批复。",
                LIST_APPROVAL_SOURCE,
                f"公示期满后（{facts.ends_on + dt.timedelta(days=1):%Y-%m-%d} 起）重新报送候选人预备人选名单，"
                "由街道党工委重新批复。",
            )
        )
    if facts.published_on is not None and facts.published_on <= facts.ends_on:
        blockers.append(
            Blocker(
                "list_published_before_publicity_end",
                f"正式候选人名单须在公示期满后公布：登记的公布日期 {facts.published_on:%Y-%m-%d} 不晚于公示结束日期"
                f" {facts.ends_on:%Y-%m-%d}。",
                ORDER_SOURCE,
                f"公示期满后（{facts.ends_on + dt.timedelta(days=1):%Y-%m-%d} 起）重新张榜公布正式候选人名单，"
                "并登记新的公布日期。",
            )
        )
    return blockers


@dataclass(frozen=True)
class OpenObjection:
    name: str  # the nominee it concerns, "" when it names none
    objector: str
    received_on: dt.date


@dataclass(frozen=True)
class OpenReport:
    name: str
    received_on: dt.date
    due_on: dt.date


@dataclass(frozen=True)
class ObjectionReportFacts:
    objections: tuple[OpenObjection, ...] = ()
    reports: tuple[OpenReport, ...] = ()
    today: dt.date = dt.date.min


def gate_objections_reports(facts: ObjectionReportFacts, rules: dict[str, Any]) -> list[Blocker]:
    blockers: list[Blocker] = []
    if facts.objections:
        listed = [f"{o.name or '未指明人选'}（{o.objector}，{o.received_on:%Y-%m-%d} 受理）" for o in facts.objections]
        blockers.append(
            Blocker(
                "objections_open",
                f"{len(facts.objections)} 件公示异议尚未办结：{_names(listed)}。",
                OBJECTION_SOURCE,
                "调查核实每件异议，在“公示”页登记处理结果（属实的取消其资格）。",
            )
        )
    if facts.reports:
        listed = []
        overdue = 0
        for r in facts.reports:
            late = report_overdue(r.due_on, facts.today)
            overdue += late
            listed.append(f"{r.name}（办结期限 {r.due_on:%Y-%m-%d}，{describe_due(r.due_on, facts.today)}）")
        extra = f"，其中 {overdue} 件已逾期" if overdue else ""
        blockers.append(
            Blocker(
                "reports_open",
                f"{len(facts.reports)} 件涉及被提名人的必查举报尚未办结{extra}：{_names(listed)}。",
                REPORT_SOURCE,
                "由纪委监委或街道核查办结每件必查举报并登记核查结果（查实的可取消被举报人资格）。",
            )
        )
    return blockers

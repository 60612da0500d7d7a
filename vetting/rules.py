"""Pure rules of the vetting app: review levels and department sign-offs, grounds (不得 / 不宜), publicity,
objections and reports (举报). Plain functions over plain data; no Django."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from elections.rules import DEPARTMENT_LABELS, DEPARTMENTS, Blocker, describe_due

DEPARTMENT_CODES = [code for code, _ in DEPARTMENTS]

GROUND_KINDS: list[tuple[str, str]] = [("ineligible", "不得"), ("unsuitable", "不宜")]
GROUND_KIND_LABELS = dict(GROUND_KINDS)

DECISIONS: list[tuple[str, str]] = [("pass", "通过"), ("reject", "不通过")]
DECISION_LABELS = dict(DECISIONS)

STREET_DECISIONS: list[tuple[str, str]] = [("overrule", "不予采纳（继续审查）"), ("uphold", "维持（取消资格）")]
STREET_DECISION_LABELS = dict(STREET_DECISIONS)

OBJECTION_STATUSES: list[tuple[str, str]] = [
    ("open", "调查中"),
    ("upheld", "属实（取消资格）"),
    ("dismissed", "不属实"),
]
OBJECTION_STATUS_LABELS = dict(OBJECTION_STATUSES)

# The four kinds of report that must be investigated (seed 003: 四个必查).
REPORT_CATEGORIES: list[tuple[str, str]] = [
    ("named", "实名举报"),
    ("specific", "线索清楚、内容具体"),
    ("vote_buying", "涉嫌拉票贿选"),
    ("widely_reported", "群众反映强烈"),
]
REPORT_CATEGORY_LABELS = dict(REPORT_CATEGORIES)
REPORT_STATUSES: list[tuple[str, str]] = [
    ("open", "核查中"),
    ("substantiated", "查实"),
    ("partly", "部分属实"),
    ("unsubstantiated", "不属实"),
    ("filed", "存档（不属于必查）"),
]
REPORT_STATUS_LABELS = dict(REPORT_STATUSES)
REPORT_CHANNELS: list[tuple[str, str]] = [
    ("phone", "举报电话"),
    ("letter", "来信"),
    ("visit", "来访"),
    ("online", "网络"),
    ("other", "其他"),
]

# --------------------------------------------------------------------------------------------
# Grounds (不得 / 不宜 情形): the defaults, each mapped to the department that checks it
# --------------------------------------------------------------------------------------------

# (code, kind, department, text, source). Department "" = checked by the community and the street.
# Seed 003's ten 不得 items and seed 000's eight 不宜 items, word for word, split where one item names
# things that different departments check (the letter after the number marks the part).
DEFAULT_GROUNDS: list[tuple[str, str, str, str, str]] = [
    ("ineligible-01", "ineligible", "organization",
     "违反政治纪律和政治规矩，对党不忠诚不老实，政治上当“两面人”的", "seed 003 不得（1）"),
    ("ineligible-02a", "ineligible", "court", "受过刑事处罚的", "seed 003 不得（2）"),
    ("ineligible-02b", "ineligible", "police", "存在“村霸”和涉黑涉恶等问题的", "seed 003 不得（2）"),
    ("ineligible-02c", "ineligible", "police", "近3年因涉黄涉赌涉毒受到行政处罚的", "seed 003 不得（2）"),
    ("ineligible-03a", "ineligible", "discipline",
     "非工作原因受到党纪政务处分尚未超过所受处分有关任职限制期限的", "seed 003 不得（3）"),
    ("ineligible-03b", "ineligible", "procuratorate",
     "涉嫌严重违纪违法正在接受纪检监察、公安、司法等机关立案调查处理的", "seed 003 不得（3）"),
    ("ineligible-04", "ineligible", "political_legal",
     "非法宗教的组织者、实施者、参与者，参与邪教组织人员，以及组织、利用宗教宗族宗派势力干扰侵蚀基层组织和基层政权的",
     "seed 003 不得（4）"),
    ("ineligible-05a", "ineligible", "organization",
     "存在“带病入党”、弄虚作假、徇私舞弊等发展党员违规违纪问题且未受处理的", "seed 003 不得（5）"),
    ("ineligible-05b", "ineligible", "political_legal",
     "存在严重违法用地、严重损害生态环境等行为尚未整改的", "seed 003 不得（5）"),
    ("ineligible-05c", "ineligible", "petition",
     "参与串联聚集、缠访闹访，以非法手段煽动和组织群众集体上访、干扰社会稳定或造成群体性事件的", "seed 003 不得（5）"),
    ("ineligible-06a", "ineligible", "civil_affairs", "有严重危害集体利益和群众合法权益行为的", "seed 003 不得（6）"),
    ("ineligible-06b", "ineligible", "court", "当前被法院纳入失信被执行人名单的", "seed 003 不得（6）"),
    ("ineligible-06c", "ineligible", "political_legal",
     "在疫情防控、防汛救灾等任务中拒不执行相关规定造成不良影响的", "seed 003 不得（6）"),
    ("ineligible-07", "ineligible", "discipline",
     "存在拉票贿选等违反换届纪律行为，利用各种方式操纵、干扰、破坏选举工作的", "seed 003 不得（7）"),
    ("ineligible-08", "ineligible", "organization",
     "不担当不作为，长期不履职，近3年有考核不称职或被评为不合格党员的", "seed 003 不得（8）"),
    ("ineligible-09", "ineligible", "", "因身体健康等原因，无法正常履行相应职责的", "seed 003 不得（9）"),
    ("ineligible-10", "ineligible", "", "其他不适宜情形的", "seed 003 不得（10）"),
    ("unsuitable-01", "unsuitable", "discipline",
     "受到警告、严重警告党纪处分或警告、记过、记大过、降级政务处分尚未超过所受处分有关任职限制期限的",
     "seed 000 不宜（1）"),
    ("unsuitable-02", "unsuitable", "organization", "受到调离岗位、降职组织处理的", "seed 000 不宜（2）"),
    ("unsuitable-03", "unsuitable", "organization", "近3年有考核不称职或被评为不合格党员的", "seed 000 不宜（3）"),
    ("unsuitable-04", "unsuitable", "political_legal", "个人存在严重违法用地、损害生态环境等行为尚未整改的",
     "seed 000 不宜（4）"),
    ("unsuitable-05", "unsuitable", "",
     "在重点工程和中心工作中不支持、不配合，或因主观因素导致工作推进不力的", "seed 000 不宜（5）"),
    ("unsuitable-06", "unsuitable", "organization",
     "拉帮结派，搞小集团活动或其他非组织活动，闹无原则纠纷或破坏班子团结的", "seed 000 不宜（6）"),
    ("unsuitable-07", "unsuitable", "", "存在夫妻、父母子女、兄弟姐妹关系的，不宜在同一社区内同时提名",
     "seed 000 不宜（7）"),
    ("unsuitable-08", "unsuitable", "", "其他不宜提名的情形", "seed 000 不宜（8）"),
]


def default_ground_rows() -> list[dict[str, Any]]:
    """The defaults as field values, ``order`` numbering each kind from 1 in list order."""
    counters: dict[str, int] = {}
    rows = []
    for code, kind, department, text, source in DEFAULT_GROUNDS:
        counters[kind] = counters.get(kind, 0) + 1
        rows.append({"code": code, "kind": kind, "department": department, "text": text, "source": source,
                     "order": counters[kind]})
    return rows


@dataclass(frozen=True)
class GroundInfo:
    code: str
    kind: str
    department: str
    text: str
    active: bool = True


def department_label(code: str) -> str:
    return DEPARTMENT_LABELS.get(code, code) if code else "社区/街道"


def may_cite(ground: GroundInfo, level: str, department: str) -> bool:
    """A department cites its own grounds and the department-less ones; the community and the street cite
    any active ground."""
    if not ground.active:
        return False
    if level == "district":
        return ground.department in {"", department}
    return True


def citable(grounds: list[GroundInfo], level: str, department: str = "") -> list[GroundInfo]:
    return [g for g in grounds if may_cite(g, level, department)]


def grounds_problems(
    *, decision: str, cited: list[str], available: dict[str, GroundInfo], level: str, department: str = ""
) -> list[str]:
    """What is wrong with the grounds of a review (messages for the field ``grounds``)."""
    problems: list[str] = []
    if decision == "pass":
        if cited:
            problems.append("审查通过时不能引用不得、不宜情形：如存在情形，请选择“不通过”。")
        return problems
    if not cited:
        return ["审查不通过须至少引用一项不得或不宜情形。"]
    if len(set(cited)) != len(cited):
        problems.append("同一情形重复引用。")
    for code in dict.fromkeys(cited):
        ground = available.get(code)
        if ground is None:
            problems.append(f"情形代码“{code}”不存在。")
        elif not ground.active:
            problems.append(f"情形“{ground.text}”已停用，不能引用。")
        elif not may_cite(ground, level, department):
            problems.append(
                f"{department_label(department)}不能引用由{department_label(ground.department)}审查的情形"
                f"“{ground.text}”。"
            )
    return problems


def grounds_summary(grounds: list[GroundInfo]) -> str:
    """'不得情形：受过刑事处罚的；不宜情形：…' for outcomes and messages."""
    parts = []
    for kind, label in GROUND_KINDS:
        texts = [g.text for g in grounds if g.kind == kind]
        if texts:
            parts.append(f"{label}情形：" + "；".join(texts))
    return "；".join(parts)


# --------------------------------------------------------------------------------------------
# Review flow: community 初审 → street 全面审查 → district 联审 (every active department)
# --------------------------------------------------------------------------------------------

REVIEW_LEVEL_LABELS = {"community": "社区初审", "street": "街道全面审查", "district": "区级联审"}
NEXT_LEVEL = {"community": "street", "street": "district"}
# Reviews are allowed while nominations come in, during vetting and (for 递补 replacements) publicity.
REVIEW_STAGES = frozenset({"nomination", "vetting", "publicity"})
REVIEW_SOURCE = "seed 003：社区党组织、居民选举委员会初审，街道党工委全面审查，再报区换届办组织联合审查"


@dataclass(frozen=True)
class Outcome:
    status: str  # reviewing | held | approved | rejected
    level: str  # the level the nomination waits at ("" once decided)


def review_outcome(level: str, decision: str, grounds_kinds: list[str] | tuple[str, ...] | set[str], *,
                   district_complete: bool = False) -> Outcome:
    """Where a nomination goes after one review.

    Pass: community → street → district; at the district it stays until every department has passed
    (``district_complete`` says whether this pass was the last one) and is then approved. Reject: any
    不得 ground, or any rejection by the street, rejects at once; a community or department rejection
    citing only 不宜 grounds is held for the street's decision."""
    if level not in REVIEW_LEVEL_LABELS:
        raise ValueError(level)
    if decision == "pass":
        if level == "district":
            return Outcome("approved", "") if district_complete else Outcome("reviewing", "district")
        return Outcome("reviewing", NEXT_LEVEL[level])
    if decision != "reject":
        raise ValueError(decision)
    if "ineligible" in grounds_kinds or level == "street":
        return Outcome("rejected", "")
    return Outcome("held", level)


def held_outcome(level: str, street_decision: str, *, district_complete: bool = False) -> Outcome:
    """The street's decision on a held rejection: overrule counts as a pass, uphold rejects."""
    if street_decision == "overrule":
        return review_outcome(level, "pass", (), district_complete=district_complete)
    if street_decision == "uphold":
        return Outcome("rejected", "")
    raise ValueError(street_decision)


def counts_as_pass(decision: str, street_decision: str) -> bool:
    return decision == "pass" or street_decision == "overrule"


def district_complete(departments_required: list[str] | tuple[str, ...] | set[str],
                      passes: list[str] | tuple[str, ...] | set[str]) -> bool:
    """Every required department has passed (or had its 不宜 rejection overruled by the street)."""
    return set(departments_required) <= set(passes)


def pending_departments(departments_required: list[str] | tuple[str, ...] | set[str],
                        done: list[str] | tuple[str, ...] | set[str]) -> list[str]:
    """The required departments that have not reviewed yet, in the standard order."""
    required = set(departments_required) - set(done)
    return [code for code in DEPARTMENT_CODES if code in required] + sorted(required - set(DEPARTMENT_CODES))


def where_it_stands(status: str, level: str, pending: list[str] | tuple[str, ...] = ()) -> str:
    """'待街道全面审查', '待民政局、法院联审', '不宜情形待街道决定', '审查通过' …"""
    if status == "reviewing":
        if level == "community":
            return "待社区初审"
        if level == "street":
            return "待街道全面审查"
        if pending:
            return "待" + "、".join(department_label(d) for d in pending) + "联审"
        return "待区级联审"
    return {"held": "不宜情形待街道决定", "approved": "审查通过", "rejected": "未通过", "withdrawn": "已撤回"}.get(
        status, status
    )


def review_label(level: str, department: str = "") -> str:
    """'街道全面审查', '区级联审（公安局）'."""
    label = REVIEW_LEVEL_LABELS.get(level, level)
    return f"{label}（{department_label(department)}）" if level == "district" and department else label


# --------------------------------------------------------------------------------------------
# Publicity (公示), objections (异议) and reports (举报)
# --------------------------------------------------------------------------------------------

PUBLICITY_SOURCE = "seed 003：在全社区范围内进行公示，公示时间一般不得少于5天"
OBJECTION_SOURCE = "seed 003：公示期间接受党员群众监督，反映的问题调查核实后方可确定候选人"
REPORT_SOURCE = ("seed 003：实名举报的必查，线索清楚、内容具体的必查，涉嫌拉票贿选的必查，群众反映强烈的必查；"
                 "即时受理、及时处置、限时办结")
REPORT_STAGES = frozenset({"nomination", "vetting", "publicity", "voting", "counting", "handover"})
REJECTING_REPORT_STATUSES = frozenset({"substantiated", "partly"})


def publicity_days(starts_on: dt.date, ends_on: dt.date) -> int:
    """Days of publicity counted inclusively: 1 to 5 March is 5 days."""
    return (ends_on - starts_on).days + 1


def publicity_problems(starts_on: dt.date | None, ends_on: dt.date | None, min_days: int) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
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
class PublicityFacts:
    starts_on: dt.date | None
    ends_on: dt.date | None
    today: dt.date


def gate_publicity(facts: PublicityFacts, rules: dict[str, Any]) -> list[Blocker]:
    min_days = int(rules.get("publicity_min_days", 5))
    if facts.starts_on is None or facts.ends_on is None:
        return [
            Blocker(
                "publicity_missing",
                "尚未登记候选人（预备人选）公示。",
                PUBLICITY_SOURCE,
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
                PUBLICITY_SOURCE,
                f"延长公示期：结束日期至少为 {facts.starts_on + dt.timedelta(days=min_days - 1):%Y-%m-%d}。",
            )
        )
    if not publicity_over(facts.ends_on, facts.today):
        left = publicity_days_left(facts.ends_on, facts.today)
        blockers.append(
            Blocker(
                "publicity_not_over",
                f"公示期 {period} 尚未结束（还剩 {left} 天，含今天）。",
                PUBLICITY_SOURCE,
                f"公示期满后（{facts.ends_on + dt.timedelta(days=1):%Y-%m-%d} 起）再确定正式候选人。",
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

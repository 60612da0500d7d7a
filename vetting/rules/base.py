"""Pure rules of the vetting app: review levels and department sign-offs, grounds (不得 / 不宜), publicity,
objections and reports (举报). Plain functions over plain data; no Django."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from elections.rules import DEPARTMENT_LABELS, DEPARTMENTS

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

"""Pure rules of the vetting app: review levels and department sign-offs, grounds (不得 / 不宜), publicity,
objections and reports (举报). Plain functions over plain data; no Django."""

from __future__ import annotations

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

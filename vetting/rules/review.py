"""Review flow: community 初审 → street 全面审查 → district 联审 (every active department); pure."""

from __future__ import annotations

from dataclasses import dataclass

from .base import DEPARTMENT_CODES, department_label

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

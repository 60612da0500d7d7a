"""Reviews: community 初审 → street 全面审查 → district 联审, batch pass, and the street's decision on 不宜 rejections."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from candidates import services as candidate_services
from candidates.models import Nomination
from elections.audit import record_event, snapshot
from elections.errors import ApplicationError, Conflict
from elections.models import User
from elections.services import _require
from elections.services.preparation import require_stage

from .. import rules
from ..models import Objection, Report, Review
from ..permissions import REVIEW_PERMISSIONS
from ..selectors import (
    departments_for,
    district_of,
    flag_labels_of,
    flags_of,
    ground_info,
    grounds_for,
    nominee_facts_for,
)
from .base import _check_version, _district_passes, _lock_district, _lock_nomination, _who

# --------------------------------------------------------------------------------------------
# Reviews: community 初审 → street 全面审查 → district 联审, and the street's decision on 不宜 rejections
# --------------------------------------------------------------------------------------------


def _pass_outcome(outcome: rules.Outcome) -> str:
    if outcome.status == "approved":
        return "资格审查通过：社区初审、街道全面审查、区级联审均已通过。"
    if outcome.level == "street":
        return "社区初审通过，待街道全面审查。"
    return "街道全面审查通过，待区级联审。"


@transaction.atomic
def review_submit(
    *, actor: User, nomination: Nomination, level: str, decision: str, grounds: list[str] | tuple[str, ...] = (),
    note: str = "", version: int | None = None,
) -> Review:
    """One level's (at the district: one department's) decision on a nomination.

    ``version`` (If-Match) must equal the nomination's version. A reject cites at least one ground the
    reviewer may cite; a pass cites none."""
    if level not in rules.REVIEW_LEVEL_LABELS:
        raise ApplicationError("审查层级有误。", {"level": ["审查层级须为 community、street 或 district。"]})
    if decision not in rules.DECISION_LABELS:
        raise ApplicationError("审查结论有误。", {"decision": ["审查结论须为通过（pass）或不通过（reject）。"]})
    _require(actor, REVIEW_PERMISSIONS[level], nomination)
    if level == "district":
        # The district row first, as departments_set takes it: a change of the departments and a department's
        # sign-off never interleave (and the lock order is the same, so they cannot deadlock).
        _lock_district(district_of(nomination.election.community))
    locked = _lock_nomination(nomination)
    require_stage(locked.election, rules.REVIEW_STAGES, "资格审查")
    _check_version(locked, version)
    label = rules.REVIEW_LEVEL_LABELS[level]
    if locked.status != "reviewing" or locked.level != level:
        where = rules.where_it_stands(locked.status, locked.level)
        raise Conflict(f"{_who(locked)}的提名当前{where}，不能提交{label}意见。")
    district = district_of(locked.election.community)
    department = ""
    if level == "district":
        department = actor.department
        if not department:
            raise PermissionDenied("您的账号未设置联审部门，不能提交区级联审意见。")
        required = departments_for(district)
        if department not in required:
            place = district.name if district else "本区"
            raise PermissionDenied(f"{rules.department_label(department)}不是{place}的联审部门，不能提交联审意见。")
        if Review.objects.filter(nomination=locked, level="district", department=department).exists():
            raise Conflict(f"{rules.department_label(department)}已对{_who(locked)}提交过联审意见。")
    available = {g.code: ground_info(g) for g in grounds_for(district)}
    cited = [grounds] if isinstance(grounds, str) else [str(c) for c in grounds]
    problems = rules.grounds_problems(decision=decision, cited=cited, available=available, level=level,
                                      department=department)
    if problems:
        raise ApplicationError("审查情形有误。", {"grounds": problems})
    codes = list(dict.fromkeys(cited))
    review = Review.objects.create(
        nomination=locked, level=level, department=department, decision=decision, grounds=codes,
        cited=[{"code": c, "kind": available[c].kind, "department": available[c].department, "text": available[c].text}
               for c in codes if c in available],
        note=note.strip(), reviewer=actor)
    who = rules.review_label(level, department)
    if decision == "pass":
        complete = level == "district" and rules.district_complete(departments_for(district),
                                                                   _district_passes(locked))
        outcome = rules.review_outcome(level, "pass", (), district_complete=complete)
        if outcome.status == locked.status and outcome.level == locked.level:
            # another department passed; the others are still to sign: nothing moves, the version stays
            pending = rules.pending_departments(
                departments_for(district),
                Review.objects.filter(nomination=locked, level="district").values_list("department", flat=True),
            )
            record_event(
                actor=actor, action="vetting.review", obj=review, election=locked.election,
                after=snapshot(review, ["nomination", "level", "department", "decision", "grounds", "note"]),
                summary=f"{_who(locked)}：{who}通过；尚待"
                + "、".join(rules.department_label(d) for d in pending) + "联审",
            )
            return review
        text = _pass_outcome(outcome)
    else:
        cited_grounds = [g for code, g in available.items() if code in review.grounds]  # in list order
        outcome = rules.review_outcome(level, "reject", [g.kind for g in cited_grounds])
        summary = rules.grounds_summary(cited_grounds)
        text = (f"{who}认为存在{summary}，待街道决定。" if outcome.status == "held"
                else f"{who}不通过，{summary}。")
    candidate_services.nomination_set_outcome(
        actor=actor, nomination=locked, status=outcome.status, level=outcome.level, outcome=text,
        action="vetting.review",
    )
    return review


@dataclass
class BatchResult:
    passed: list[Review] = field(default_factory=list)
    skipped: list[tuple[Nomination, str]] = field(default_factory=list)


@transaction.atomic
def review_batch_pass(*, actor: User, nominations: list[Nomination], level: str) -> BatchResult:
    """Pass many clean nominations at one level. A nomination with flags (age, education, …) or an open
    objection or report is skipped, as is any the caller may not pass now; the reason is returned."""
    result = BatchResult()
    nominations = list(nominations)
    facts = nominee_facts_for(nominations)
    open_ids = set(
        Objection.objects.filter(nomination__in=nominations, status="open").values_list("nomination_id", flat=True)
    ) | set(Report.objects.filter(nomination__in=nominations, status="open").values_list("nomination_id", flat=True))
    for nomination in nominations:
        if flags_of(facts.get(nomination.pk)):
            labels = flag_labels_of(facts.get(nomination.pk))
            result.skipped.append((nomination, "有提示事项，请逐一审查：" + "；".join(map(str, labels))))
            continue
        if nomination.pk in open_ids:
            result.skipped.append((nomination, "有未办结的异议或举报，请逐一审查。"))
            continue
        try:
            result.passed.append(review_submit(actor=actor, nomination=nomination, level=level, decision="pass"))
        except (ApplicationError, PermissionDenied) as error:
            result.skipped.append((nomination, getattr(error, "message", None) or str(error)))
    return result


@transaction.atomic
def held_decide(*, actor: User, review: Review, decision: str, reason: str, version: int | None = None) -> Review:
    """The street decides on a rejection citing only 不宜 grounds: ``overrule`` (counts as a pass, the
    review continues) or ``uphold`` (the nomination is rejected). A reason is required."""
    if decision not in rules.STREET_DECISION_LABELS:
        raise ApplicationError("街道决定有误。", {"decision": ["街道决定须为不予采纳（overrule）或维持（uphold）。"]})
    if not reason.strip():
        raise ApplicationError("请填写理由。", {"reason": ["请填写街道作出决定的理由。"]})
    _require(actor, "vetting.decide_held", review.nomination)
    locked = _lock_nomination(review.nomination)
    require_stage(locked.election, rules.REVIEW_STAGES, "街道对不宜情形的决定")
    _check_version(locked, version)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if locked.status != "held" or review.decision != "reject" or review.street_decision or review.level != locked.level:
        raise Conflict(f"{_who(locked)}没有待街道决定的不宜情形（当前{rules.where_it_stands(locked.status, locked.level)}）。")
    review.street_decision = decision
    review.street_reason = reason.strip()
    review.street_decided_by = actor
    review.street_decided_at = timezone.now()
    review.save(update_fields=["street_decision", "street_reason", "street_decided_by", "street_decided_at"])
    district = district_of(locked.election.community)
    required = departments_for(district) if review.level == "district" else []
    complete = review.level == "district" and rules.district_complete(required, _district_passes(locked))
    outcome = rules.held_outcome(review.level, decision, district_complete=complete)
    pending = rules.pending_departments(
        required, Review.objects.filter(nomination=locked, level="district").values_list("department", flat=True)
    ) if outcome.level == "district" else []
    who = rules.review_label(review.level, review.department)
    summary = rules.grounds_summary(review.cited_grounds()) or "不宜情形"
    if decision == "uphold":
        text = f"{who}认为存在{summary}，街道维持，取消资格（理由：{reason.strip()}）。"
    else:
        text = f"街道不予采纳{who}提出的{summary}（理由：{reason.strip()}），" + rules.where_it_stands(
            outcome.status, outcome.level, pending
        ) + "。"
    candidate_services.nomination_set_outcome(
        actor=actor, nomination=locked, status=outcome.status, level=outcome.level, outcome=text,
        action="vetting.held_decide",
    )
    return review

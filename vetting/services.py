"""Every write of the vetting app: keyword-only, atomic, permission- and stage-checked, one event per change.

Configuration (grounds, departments) by the district office; reviews at the three levels and the street's
decision on 不宜 rejections; publicity and objections; reports (举报). Every status change of a nomination
goes through ``candidates.services.nomination_set_outcome``, whose event is then the change's one event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from candidates import services as candidate_services
from candidates.models import Nomination
from elections.audit import record_event, snapshot
from elections.errors import ApplicationError, Conflict
from elections.models import Election, Jurisdiction, User
from elections.services import _require
from elections.services.preparation import require_stage

from . import rules
from .models import Ground, Objection, Publicity, Report, Review, ReviewDepartment
from .permissions import REVIEW_PERMISSIONS
from .selectors import (
    departments_for,
    district_of,
    flag_labels_of,
    flags_of,
    ground_info,
    grounds_for,
    nominee_facts_for,
)

# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _lock_nomination(nomination: Nomination) -> Nomination:
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("election", "election__community", "election__community__parent", "person")
        .get(pk=nomination.pk)
    )


def _lock_election(election: Election) -> Election:
    return Election.objects.select_for_update(of=("self",)).select_related("community", "rulebook").get(
        pk=election.pk
    )


def _who(nomination: Nomination) -> str:
    return f"{nomination.person.name}（{nomination.get_position_display()}）"


def _check_version(nomination: Nomination, version: int | str | None) -> None:
    if version is None:
        return
    try:
        seen = int(str(version).strip().strip('"'))
    except ValueError:
        raise ApplicationError("版本号有误。", {"version": [f"版本号“{version}”不是整数。"]}) from None
    if seen != nomination.version:
        raise Conflict(
            f"{_who(nomination)}的提名已被他人处理（当前版本 {nomination.version}，您提交的是版本 {seen}），"
            "请刷新后重新审查。"
        )


def _check_district(district: Jurisdiction) -> None:
    if district.level != "district":
        raise ApplicationError("只能为区设置资格审查情形和联审部门。", {"district": [f"“{district.name}”不是区。"]})


def _nomination_of(election: Election, nomination: Nomination | None) -> Nomination | None:
    if nomination is not None and nomination.election_id != election.pk:
        raise ApplicationError("涉及人选有误。", {"nomination": ["该提名不属于本次选举。"]})
    return nomination


def _district_passes(nomination: Nomination) -> list[str]:
    return [
        r.department
        for r in Review.objects.filter(nomination=nomination, level="district")
        if rules.counts_as_pass(r.decision, r.street_decision)
    ]


def _ground_state(ground: Ground) -> dict[str, Any]:
    return snapshot(ground, ["district", "code", "kind", "text", "department", "source", "order", "active"])


# --------------------------------------------------------------------------------------------
# Configuration: a district's grounds and joint-review departments
# --------------------------------------------------------------------------------------------


def _copy_defaults(district: Jurisdiction) -> list[Ground]:
    defaults = list(Ground.objects.filter(district__isnull=True))
    return Ground.objects.bulk_create([
        Ground(district=district, code=g.code, kind=g.kind, text=g.text, department=g.department, source=g.source,
               order=g.order, active=g.active)
        for g in defaults
    ])


@transaction.atomic
def grounds_customise(*, actor: User, district: Jurisdiction) -> list[Ground]:
    """Give the district its own copy of the default grounds, to edit from then on."""
    _require(actor, "vetting.configure", district)
    _check_district(district)
    Jurisdiction.objects.select_for_update().filter(pk=district.pk).first()
    if Ground.objects.filter(district=district).exists():
        raise Conflict(f"{district.name}已自定义资格审查情形，请直接修改。")
    copied = _copy_defaults(district)
    record_event(
        actor=actor, action="vetting.grounds_customise", object_type="vetting.ground", object_id=district.pk,
        jurisdiction=district, after={"codes": [g.code for g in copied]},
        summary=f"{district.name}自定义资格审查情形：复制默认的不得、不宜情形共 {len(copied)} 项",
    )
    return copied


def _new_code(district: Jurisdiction, kind: str) -> tuple[str, int]:
    existing = set(Ground.objects.filter(district=district).values_list("code", flat=True))
    orders = Ground.objects.filter(district=district, kind=kind).values_list("order", flat=True)
    order = max(orders, default=0) + 1
    n = order
    while f"{kind}-{n:02d}" in existing:
        n += 1
    return f"{kind}-{n:02d}", order


@transaction.atomic
def ground_save(
    *, actor: User, district: Jurisdiction, code: str | None = None, kind: str, text: str, department: str = "",
    source: str = "", active: bool = True,
) -> Ground:
    """Add a ground (``code`` None) or edit one of the district's grounds. A district still on the defaults
    gets its own copy first."""
    _require(actor, "vetting.configure", district)
    _check_district(district)
    errors: dict[str, list[str]] = {}
    if kind not in rules.GROUND_KIND_LABELS:
        errors["kind"] = ["类别须为不得（ineligible）或不宜（unsuitable）。"]
    if not text.strip():
        errors["text"] = ["请填写情形内容。"]
    if department and department not in rules.DEPARTMENT_LABELS:
        errors["department"] = [f"审查部门“{department}”无效。"]
    if errors:
        raise ApplicationError("资格审查情形有误。", errors)
    Jurisdiction.objects.select_for_update().filter(pk=district.pk).first()
    copied = not Ground.objects.filter(district=district).exists()
    if copied:
        _copy_defaults(district)
    if code is None:
        code, order = _new_code(district, kind)
        ground = Ground(district=district, code=code, order=order)
        before = None
    else:
        ground = Ground.objects.filter(district=district, code=code).first()
        if ground is None:
            raise ApplicationError("资格审查情形有误。", {"code": [f"{district.name}没有代码为“{code}”的情形。"]})
        before = _ground_state(ground)
    ground.kind, ground.text, ground.department = kind, text.strip(), department
    ground.source, ground.active = source.strip(), bool(active)
    ground.save()
    verb = "新增" if before is None else "修改"
    record_event(
        actor=actor, action="vetting.ground_save", obj=ground, jurisdiction=district, before=before,
        after=_ground_state(ground),
        summary=f"{district.name}{verb}{rules.GROUND_KIND_LABELS[kind]}情形“{ground.text[:40]}”"
        f"（{rules.department_label(department)}审查{'' if ground.active else '，停用'}）"
        + ("；首次自定义，已复制默认情形" if copied else ""),
    )
    return ground


@transaction.atomic
def departments_set(*, actor: User, district: Jurisdiction, codes: list[str]) -> list[str]:
    """Choose the departments of the district's joint review. Nominations at the district level that every
    remaining department has already passed are approved at once."""
    _require(actor, "vetting.configure", district)
    _check_district(district)
    chosen = list(dict.fromkeys(codes))
    unknown = [c for c in chosen if c not in rules.DEPARTMENT_LABELS]
    if unknown:
        raise ApplicationError("联审部门有误。", {"codes": [f"部门“{'、'.join(map(str, unknown))}”无效。"]})
    if not chosen:
        raise ApplicationError("联审部门有误。", {"codes": ["至少选择一个联审部门。"]})
    Jurisdiction.objects.select_for_update().filter(pk=district.pk).first()
    before = departments_for(district)
    for code in rules.DEPARTMENT_CODES:
        ReviewDepartment.objects.update_or_create(district=district, code=code, defaults={"active": code in chosen})
    after = departments_for(district)
    record_event(
        actor=actor, action="vetting.departments_set", object_type="vetting.reviewdepartment",
        object_id=district.pk, jurisdiction=district, before={"departments": before}, after={"departments": after},
        summary=f"{district.name}区级联审部门：" + "、".join(rules.department_label(c) for c in after),
    )
    waiting = Nomination.objects.filter(
        status="reviewing", level="district", election__stage__in=rules.REVIEW_STAGES,
        election__community__path__startswith=district.path,
    ).select_related("election", "person").order_by("id")
    for nomination in waiting:
        if rules.district_complete(after, _district_passes(nomination)):
            locked = _lock_nomination(nomination)
            candidate_services.nomination_set_outcome(
                actor=actor, nomination=locked, status="approved", level="",
                outcome="区级联审通过（联审部门调整后，其余部门均已通过）。", action="vetting.review",
            )
    return after


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
    review = Review.objects.create(nomination=locked, level=level, department=department, decision=decision,
                                   grounds=list(dict.fromkeys(cited)), note=note.strip(), reviewer=actor)
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
    available = {g.code: ground_info(g) for g in grounds_for(district)}
    summary = rules.grounds_summary([g for code, g in available.items() if code in review.grounds]) or "不宜情形"
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


# --------------------------------------------------------------------------------------------
# Publicity (公示) and objections (异议)
# --------------------------------------------------------------------------------------------


@transaction.atomic
def publicity_set(
    *, actor: User, election: Election, starts_on: dt.date, ends_on: dt.date, place: str = ""
) -> Publicity:
    """Record (or, while it is not over, change) the publicity of the preliminary candidates."""
    _require(actor, "vetting.manage_publicity", election)
    election = _lock_election(election)
    require_stage(election, {"publicity"}, "候选人公示")
    today = timezone.localdate()
    existing = Publicity.objects.filter(election=election).first()
    if existing is not None and rules.publicity_over(existing.ends_on, today):
        raise Conflict(f"公示已于 {existing.ends_on:%Y-%m-%d} 结束，不能再更改。")
    min_days = int(election.effective_rules().get("publicity_min_days", 5))
    errors = rules.publicity_problems(starts_on, ends_on, min_days)
    if errors:
        raise ApplicationError("公示期有误。", errors)
    before = snapshot(existing, ["starts_on", "ends_on", "place"]) if existing else None
    publicity = existing or Publicity(election=election, recorded_by=actor, starts_on=starts_on, ends_on=ends_on)
    publicity.starts_on, publicity.ends_on, publicity.place = starts_on, ends_on, place.strip()
    publicity.recorded_by = actor
    publicity.save()
    days = rules.publicity_days(starts_on, ends_on)
    record_event(
        actor=actor, action="publicity.set", obj=publicity, election=election, before=before,
        after=snapshot(publicity, ["starts_on", "ends_on", "place"]),
        summary=f"{'更改' if existing else '登记'}候选人公示：{starts_on:%Y-%m-%d} 至 {ends_on:%Y-%m-%d}，共 {days} 天"
        + (f"，{publicity.place}" if publicity.place else ""),
    )
    return publicity


@transaction.atomic
def objection_register(
    *, actor: User, election: Election, nomination: Nomination | None = None, objector: str, contact: str = "",
    content: str, received_on: dt.date,
) -> Objection:
    _require(actor, "vetting.manage_publicity", election)
    require_stage(election, {"publicity"}, "公示异议")
    nomination = _nomination_of(election, nomination)
    errors = rules.objection_input_problems(objector=objector, content=content, received_on=received_on,
                                            today=timezone.localdate())
    if errors:
        raise ApplicationError("公示异议有误。", errors)
    objection = Objection.objects.create(election=election, nomination=nomination, objector=objector.strip(),
                                         contact=contact.strip(), content=content.strip(), received_on=received_on,
                                         recorded_by=actor)
    about = f"涉及{_who(nomination)}" if nomination else "未指明人选"
    record_event(
        actor=actor, action="objection.register", obj=objection, election=election,
        after=snapshot(objection, ["nomination", "objector", "received_on", "status"]),
        summary=f"受理公示异议（{about}，{received_on:%Y-%m-%d}）",
    )
    return objection


@transaction.atomic
def objection_resolve(
    *, actor: User, objection: Objection, status: str, finding: str, resolved_on: dt.date | None = None
) -> Objection:
    """Close an objection; an upheld one rejects the nomination it names."""
    _require(actor, "vetting.manage_publicity", objection.election)
    require_stage(objection.election, {"publicity"}, "公示异议办结")
    objection = Objection.objects.select_for_update().select_related("nomination__person").get(pk=objection.pk)
    if objection.status != "open":
        raise Conflict(f"该异议已办结（{objection.get_status_display()}）。")
    resolved_on = resolved_on or timezone.localdate()
    errors = rules.objection_resolve_problems(status=status, finding=finding, resolved_on=resolved_on,
                                              received_on=objection.received_on, today=timezone.localdate())
    if errors:
        raise ApplicationError("异议处理结果有误。", errors)
    before = snapshot(objection, ["status", "finding", "resolved_on"])
    objection.status, objection.finding, objection.resolved_on = status, finding.strip(), resolved_on
    objection.resolved_by = actor
    objection.save(update_fields=["status", "finding", "resolved_on", "resolved_by"])
    about = f"涉及{_who(objection.nomination)}" if objection.nomination else "未指明人选"
    record_event(
        actor=actor, action="objection.resolve", obj=objection, election=objection.election, before=before,
        after=snapshot(objection, ["status", "finding", "resolved_on"]),
        summary=f"公示异议办结（{about}）：{rules.OBJECTION_STATUS_LABELS[status]}",
    )
    if status == "upheld" and objection.nomination is not None and objection.nomination.live:
        candidate_services.nomination_set_outcome(
            actor=actor, nomination=_lock_nomination(objection.nomination), status="rejected", level="",
            outcome=f"公示期间反映的问题经调查属实，取消资格：{finding.strip()}", action="vetting.objection_upheld",
        )
    return objection


# --------------------------------------------------------------------------------------------
# Reports (举报)
# --------------------------------------------------------------------------------------------


@transaction.atomic
def report_register(
    *, actor: User, election: Election, nomination: Nomination | None = None, reporter: str = "",
    contact: str = "", channel: str = "phone", content: str, categories: list[str] | tuple[str, ...] = (),
    received_on: dt.date, due_on: dt.date | None = None,
) -> Report:
    """Register a report; a named reporter makes it 实名举报. The deadline defaults to the rulebook's
    ``report_deadline_days`` after it was received."""
    _require(actor, "vetting.register_report", election)
    require_stage(election, rules.REPORT_STAGES, "换届举报")
    nomination = _nomination_of(election, nomination)
    errors = rules.report_input_problems(content=content, channel=channel, categories=list(categories),
                                         received_on=received_on, due_on=due_on, today=timezone.localdate())
    if errors:
        raise ApplicationError("举报登记有误。", errors)
    chosen = rules.report_categories(list(categories), reporter)
    due_on = due_on or rules.report_due(received_on, int(election.effective_rules().get("report_deadline_days", 15)))
    report = Report.objects.create(
        election=election, nomination=nomination, reporter=reporter.strip(), contact=contact.strip(), channel=channel,
        content=content.strip(), categories=chosen, received_on=received_on, due_on=due_on, recorded_by=actor,
    )
    kinds = "、".join(rules.REPORT_CATEGORY_LABELS[c] for c in chosen) or "非必查"
    about = f"涉及{_who(nomination)}" if nomination else "未指明人选"
    record_event(
        actor=actor, action="report.register", obj=report, election=election,
        after=snapshot(report, ["nomination", "channel", "categories", "received_on", "due_on", "status"]),
        summary=f"受理换届举报（{about}，{kinds}），办结期限 {due_on:%Y-%m-%d}",
    )
    return report


@transaction.atomic
def report_close(
    *, actor: User, report: Report, status: str, finding: str, rejects_nominee: bool = False,
    closed_on: dt.date | None = None,
) -> Report:
    """Close a report with its finding; a substantiated (or partly) one may reject the nominee it names."""
    _require(actor, "vetting.handle_report", report.election)
    require_stage(report.election, rules.REPORT_STAGES, "举报办结")
    report = Report.objects.select_for_update().select_related("nomination__person").get(pk=report.pk)
    if report.status != "open":
        raise Conflict(f"该举报已办结（{report.get_status_display()}）。")
    closed_on = closed_on or timezone.localdate()
    errors = rules.report_close_problems(
        status=status, finding=finding, rejects_nominee=rejects_nominee, has_nomination=report.nomination is not None,
        categories=list(report.categories), closed_on=closed_on, received_on=report.received_on,
        today=timezone.localdate(),
    )
    if errors:
        raise ApplicationError("举报办结有误。", errors)
    before = snapshot(report, ["status", "finding", "rejects_nominee", "closed_on"])
    report.status, report.finding, report.rejects_nominee = status, finding.strip(), bool(rejects_nominee)
    report.closed_on, report.closed_by = closed_on, actor
    report.save(update_fields=["status", "finding", "rejects_nominee", "closed_on", "closed_by"])
    about = f"涉及{_who(report.nomination)}" if report.nomination else "未指明人选"
    late = "（逾期办结）" if closed_on > report.due_on else ""
    record_event(
        actor=actor, action="report.close", obj=report, election=report.election, before=before,
        after=snapshot(report, ["status", "finding", "rejects_nominee", "closed_on"]),
        summary=f"换届举报办结（{about}）：{rules.REPORT_STATUS_LABELS[status]}{late}"
        + ("，取消被举报人候选资格" if rejects_nominee else ""),
    )
    if rejects_nominee and report.nomination is not None and report.nomination.live:
        candidate_services.nomination_set_outcome(
            actor=actor, nomination=_lock_nomination(report.nomination), status="rejected", level="",
            outcome=f"举报经核查{rules.REPORT_STATUS_LABELS[status]}，取消候选资格：{finding.strip()}",
            action="vetting.report_rejects",
        )
    return report

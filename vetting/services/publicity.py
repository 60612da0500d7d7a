"""Publicity (公示), objections (异议) and reports (举报)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from candidates import services as candidate_services
from candidates.models import Nomination
from elections.audit import record_event, snapshot
from elections.errors import ApplicationError, Conflict
from elections.models import Election, User
from elections.services import _require
from elections.services.preparation import require_stage

from .. import rules, selectors
from ..models import Objection, Publicity, Report
from .base import _lock_election, _lock_nomination, _nomination_of, _who

# --------------------------------------------------------------------------------------------
# Publicity (公示) and objections (异议)
# --------------------------------------------------------------------------------------------


@transaction.atomic
def publicity_set(
    *, actor: User, election: Election, starts_on: dt.date, ends_on: dt.date, place: str = ""
) -> Publicity:
    """Record (or, while it is not over, change) the publicity of the preliminary candidates.

    A finished publicity is not changed, except to publicise again when nominations were approved after it
    began (递补 of a rejected or withdrawn nominee): the new period then starts no earlier than the last of
    those approvals, so that it shows them."""
    _require(actor, "vetting.manage_publicity", election)
    election = _lock_election(election)
    require_stage(election, {"publicity"}, "候选人公示")
    today = timezone.localdate()
    existing = Publicity.objects.select_for_update().filter(election=election).first()
    late: list[rules.ListedApproval] = []
    if existing is not None and rules.publicity_over(existing.ends_on, today):
        late = selectors.approved_after(election=election, starts_on=existing.starts_on)
        if not late:
            raise Conflict(f"公示已于 {existing.ends_on:%Y-%m-%d} 结束，不能再更改。")
    min_days = int(election.effective_rules().get("publicity_min_days", 5))
    errors = rules.publicity_problems(starts_on, ends_on, min_days, today)
    last = max((n.approved_on for n in late if n.approved_on is not None), default=None)
    if last is not None and starts_on is not None and starts_on < last:
        errors.setdefault("starts_on", []).append(
            f"重新公示须在递补人选审查通过后开始：{_names_of(late)}，开始日期最早为 {last:%Y-%m-%d}。")
    if errors:
        raise ApplicationError("公示期有误。", errors)
    before = snapshot(existing, ["starts_on", "ends_on", "place"]) if existing else None
    publicity = existing or Publicity(election=election, recorded_by=actor, starts_on=starts_on, ends_on=ends_on)
    publicity.starts_on, publicity.ends_on, publicity.place = starts_on, ends_on, place.strip()
    publicity.recorded_by = actor
    publicity.save()
    days = rules.publicity_days(starts_on, ends_on)
    what = f"为递补人选（{_names_of(late)}）重新公示" if late else ("更改候选人公示" if existing else "登记候选人公示")
    record_event(
        actor=actor, action="publicity.set", obj=publicity, election=election, before=before,
        after=snapshot(publicity, ["starts_on", "ends_on", "place"]),
        summary=f"{what}：{starts_on:%Y-%m-%d} 至 {ends_on:%Y-%m-%d}，共 {days} 天"
        + (f"，{publicity.place}" if publicity.place else ""),
    )
    return publicity


def _names_of(late: list[rules.ListedApproval]) -> str:
    return "、".join(n.name for n in late)


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
    objection = Objection.objects.select_for_update(of=("self",)).select_related("nomination__person").get(pk=objection.pk)
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
    report = Report.objects.select_for_update(of=("self",)).select_related("nomination__person").get(pk=report.pk)
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

"""What the vetting pages share: who may act on a nomination now, safe return addresses, form handling that
tells a stale version (409) from a refused input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from elections.errors import Conflict
from elections.views import handle_form

from .. import rules, selectors
from ..permissions import REVIEW_PERMISSIONS


def review_actions(user: Any, row: selectors.NominationRow) -> dict[str, bool]:
    """What the caller may do with the nomination now: review it at its current level (a district reviewer
    only while their department is still to sign), decide on a held 不宜 rejection (street staff)."""
    nomination = row.nomination
    open_stage = nomination.election.stage in rules.REVIEW_STAGES
    review = False
    if open_stage and nomination.status == "reviewing":
        perm = REVIEW_PERMISSIONS.get(nomination.level)
        if perm and user.has_perm(perm, nomination):
            review = nomination.level != "district" or user.department in row.departments_pending
    decide = (open_stage and nomination.status == "held" and row.held_review is not None
              and user.has_perm("vetting.decide_held", nomination))
    return {"review": review, "decide": decide, "batch": review and not row.flagged}


def require_queue(user: Any) -> None:
    if not selectors.has_review_queue(user):
        raise PermissionDenied(gettext("您的角色没有资格审查任务。"))


def safe_next(request: HttpRequest, value: str | None, default: str) -> str:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return value
    return default


def run_form(request: HttpRequest, form: forms.Form, action: Callable[[dict[str, Any]], Any],
             success: str | Callable[[Any], str]) -> int | None:
    """``handle_form`` (None on success, else the status to re-render with), with 409 for a conflict: a
    stale version or a record that changed meanwhile."""
    conflicts: list[Conflict] = []

    def guarded(data: dict[str, Any]) -> Any:
        try:
            return action(data)
        except Conflict as exc:
            conflicts.append(exc)
            raise

    failed = handle_form(request, form, guarded, success)
    return 409 if failed and conflicts else failed


def level_label(level: str, department: str = "") -> str:
    label = gettext(rules.REVIEW_LEVEL_LABELS.get(level, level))
    if level == "district" and department:
        return gettext("%(level)s（%(department)s）") % {
            "level": label, "department": gettext(rules.department_label(department))}
    return label


def where_label(row: selectors.NominationRow) -> str:
    """Where the nomination stands, in the page's language ('待区级联审：民政局、法院')."""
    nomination = row.nomination
    if nomination.status == "reviewing" and nomination.level == "district" and row.departments_pending:
        return gettext("待区级联审：%(departments)s") % {
            "departments": gettext("、").join(gettext(rules.department_label(d)) for d in row.departments_pending)}
    return gettext(rules.where_it_stands(nomination.status, nomination.level))

"""Labels of the vetting pages (translated when shown) and the menu entry with its pending count."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext

from candidates import rules as candidate_rules

from .. import rules, selectors

register = template.Library()


def _tr(label: str) -> str:
    return gettext(label) if label else ""


@register.filter
def department(code: str) -> str:
    """'公安局'; '社区/街道' for a ground that no department checks."""
    return _tr(rules.department_label(code or ""))


@register.filter
def review_label(review: Any) -> str:
    """'街道全面审查', '区级联审（公安局）'."""
    from ..views.common import level_label

    return level_label(review.level, review.department)


@register.filter
def kind_label(kind: str) -> str:
    return _tr(rules.GROUND_KIND_LABELS.get(kind, kind))


@register.filter
def sex_label(code: str) -> str:
    return _tr(dict(candidate_rules.SEXES).get(code, code or ""))


@register.filter
def education_label(code: str) -> str:
    return _tr(candidate_rules.EDUCATION_LABELS.get(code, code or ""))


@register.filter
def category_labels(codes: list[str]) -> list[str]:
    return [_tr(rules.REPORT_CATEGORY_LABELS.get(c, c)) for c in codes or []]


@register.filter
def ground_rows(row: Any, review: Any) -> list[rules.GroundInfo]:
    """The grounds a review cited, with their kind and text (unknown codes shown as they are)."""
    return [row.grounds.get(code) or rules.GroundInfo(code, "", "", code) for code in review.grounds]


@register.simple_tag(takes_context=True)
def vetting_nav(context: Any) -> dict[str, Any]:
    """The 资格审查 menu entry: shown to reviewers, street staff, clerks and the district office, with the
    number of nominations waiting for them (one count query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not selectors.has_review_queue(user):
        return {"show": False, "count": 0}
    return {"show": True, "count": selectors.review_queue_count(user=user)}

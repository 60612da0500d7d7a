"""Thin page views: parse, call a service or selector, render.

A package of modules by concern; every name the URLconf, the later apps and the tests use is importable from
here (``from elections import views; views.home``, ``from elections.views import handle_form``)."""

from .common import apply_errors, handle_form, tab_url
from .core import (
    BUILTIN_TABS,
    campaign_create,
    campaign_detail,
    election_advance,
    election_create,
    election_detail,
    election_edit,
    election_reopen,
    form_outcome,
    home,
    milestone_done,
    notification_read,
    notifications,
    render_election,
    root,
    seat_plan_approve,
    seat_plan_propose,
)
from .preparation import (
    RECTIFICATION_HEADERS,
    adoption_record,
    party_request_decide,
    party_request_submit,
    rectification_complete,
    rectification_flag,
    rectification_list,
    rulebook_print,
)

__all__ = [
    "BUILTIN_TABS",
    "RECTIFICATION_HEADERS",
    "adoption_record",
    "apply_errors",
    "campaign_create",
    "campaign_detail",
    "election_advance",
    "election_create",
    "election_detail",
    "election_edit",
    "election_reopen",
    "handle_form",
    "home",
    "milestone_done",
    "notification_read",
    "notifications",
    "party_request_decide",
    "party_request_submit",
    "rectification_complete",
    "rectification_flag",
    "rectification_list",
    "form_outcome",
    "render_election",
    "root",
    "rulebook_print",
    "seat_plan_approve",
    "seat_plan_propose",
    "tab_url",
]

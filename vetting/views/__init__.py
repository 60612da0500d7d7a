"""Thin page views of the vetting app: parse a form, call a service or selector, render or redirect.

``review``: the queue, the review page of one nomination, the overview; ``setup``: the district's departments
and grounds; ``reports``: 举报; ``election``: the election page's 资格审查 and 公示与异议 tabs."""

from .election import objection_register, objection_resolve, publicity_set, register_election_pages
from .reports import report_close, report_list, report_register
from .review import batch_pass, held_decide, overview, queue, review_page, review_submit
from .setup import departments_set, ground_save, grounds_customise, setup

__all__ = [
    "batch_pass",
    "departments_set",
    "ground_save",
    "grounds_customise",
    "held_decide",
    "objection_register",
    "objection_resolve",
    "overview",
    "publicity_set",
    "queue",
    "register_election_pages",
    "report_close",
    "report_list",
    "report_register",
    "review_page",
    "review_submit",
    "setup",
]

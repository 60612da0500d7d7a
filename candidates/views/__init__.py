"""Thin page views: parse, call a service or selector, render.

A package of modules by concern; the URLconf and ``CandidatesConfig.ready()`` import from here
(``from . import views; views.person_list``, ``from .views import register_election_pages``)."""

from .people import person_create, person_detail, person_list, relative_remove
from .preparation import (
    COMMITTEE_HEADERS,
    INCUMBENT_HEADERS,
    OVERVIEW_HEADERS,
    audit_record,
    committee_add,
    committee_edit,
    committee_remove,
    committee_withdraw,
    incumbent_add,
    incumbent_overview,
    incumbent_remove,
    register_election_pages,
    talk_record,
)

__all__ = [
    "COMMITTEE_HEADERS",
    "INCUMBENT_HEADERS",
    "OVERVIEW_HEADERS",
    "audit_record",
    "committee_add",
    "committee_edit",
    "committee_remove",
    "committee_withdraw",
    "incumbent_add",
    "incumbent_overview",
    "incumbent_remove",
    "person_create",
    "person_detail",
    "person_list",
    "register_election_pages",
    "relative_remove",
    "talk_record",
]

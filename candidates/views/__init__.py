"""Thin page views: parse, call a service or selector, render.

A package of modules by concern; the URLconf and ``CandidatesConfig.ready()`` import from here
(``from . import views; views.person_list``, ``from .views import register_election_pages``)."""

from .candidate_list import CANDIDATE_HEADERS, candidate_list_print, register_candidate_list_pages
from .nomination import (
    NOMINATION_HEADERS,
    nomination_overview,
    nomination_print,
    register_nomination_pages,
)
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
    talk_record,
)
from .preparation import register_election_pages as register_preparation_pages


def register_election_pages() -> None:
    """Called from CandidatesConfig.ready(): every tab and root page of the candidates app."""
    register_preparation_pages()
    register_nomination_pages()
    register_candidate_list_pages()


__all__ = [
    "CANDIDATE_HEADERS",
    "COMMITTEE_HEADERS",
    "INCUMBENT_HEADERS",
    "NOMINATION_HEADERS",
    "OVERVIEW_HEADERS",
    "audit_record",
    "candidate_list_print",
    "committee_add",
    "committee_edit",
    "committee_remove",
    "committee_withdraw",
    "incumbent_add",
    "incumbent_overview",
    "incumbent_remove",
    "nomination_overview",
    "nomination_print",
    "person_create",
    "person_detail",
    "person_list",
    "register_candidate_list_pages",
    "register_election_pages",
    "register_nomination_pages",
    "register_preparation_pages",
    "relative_remove",
    "talk_record",
]

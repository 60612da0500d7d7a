from typing import Any

import rules as django_rules

from elections.permissions import (
    is_election_worker,
    is_organiser,
    is_street_staff,
    is_superuser,
    object_in_scope,
)

from .rules import STREET_CHANNELS

django_rules.add_perm("candidates.view_person", is_superuser | object_in_scope)
django_rules.add_perm("candidates.add_person", is_superuser | (is_election_worker & object_in_scope))
django_rules.add_perm("candidates.change_person", is_superuser | (is_election_worker & object_in_scope))


@django_rules.predicate
def channel_is_the_communitys(user: Any, obj: Any) -> bool:
    """The street party committee's own recommendation (街道党工委推荐) is entered by the street (or district).

    ``obj`` is the election, or a (possibly unsaved) nomination carrying its channel."""
    return getattr(obj, "channel", "") not in STREET_CHANNELS


# Nomination: the community (or the street) enters nominations; the street alone its own recommendation.
django_rules.add_perm(
    "candidates.submit_nomination",
    is_superuser | (is_election_worker & object_in_scope & (channel_is_the_communitys | is_organiser)),
)
# 两推 meetings, 民主测评, the preliminary list and 递补
django_rules.add_perm("candidates.record_recommendation", is_superuser | (is_election_worker & object_in_scope))
# The formal list, discipline pledges, talks with candidates, the list's publication and its submission
django_rules.add_perm("candidates.manage_candidates", is_superuser | (is_election_worker & object_in_scope))
# The street's 批复 of the party's 候选人预备人选
django_rules.add_perm("candidates.approve_candidate_list", is_superuser | (is_street_staff & object_in_scope))

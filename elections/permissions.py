"""django-rules predicates: the same permission names guard pages, API and stage moves.

Reading is decided by the selectors (anything outside a user's jurisdiction is simply not found: 404);
these predicates decide writing inside it (403 when the role may not).
"""

from __future__ import annotations

from typing import Any

import rules as django_rules


def scope_of(obj: Any) -> Any:
    """The jurisdiction an object lives in."""
    from .models import Campaign, Election, Jurisdiction, User

    if obj is None:
        return None
    if isinstance(obj, Jurisdiction):
        return obj
    if isinstance(obj, Election):
        return obj.community
    if isinstance(obj, Campaign | User):
        return obj.jurisdiction
    for attr in ("community", "jurisdiction"):
        if hasattr(obj, attr):
            return getattr(obj, attr)
    if hasattr(obj, "election"):
        return obj.election.community
    return None


def in_scope(user: Any, obj: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    target = scope_of(obj)
    return user.jurisdiction is not None and target is not None and target.path.startswith(user.jurisdiction.path)


def has_role(*roles: str) -> Any:
    @django_rules.predicate(name=f"has_role({','.join(roles)})")
    def predicate(user: Any) -> bool:
        return getattr(user, "role", None) in roles

    return predicate


is_district_admin = has_role("district_admin")
is_district_reviewer = has_role("district_reviewer")
is_street_staff = has_role("street_staff")
is_community_clerk = has_role("community_clerk")
is_superuser = django_rules.is_superuser


@django_rules.predicate
def object_in_scope(user: Any, obj: Any) -> bool:
    return in_scope(user, obj)


@django_rules.predicate
def obj_is_community_level(user: Any, obj: Any) -> bool:
    target = scope_of(obj)
    return target is not None and target.level == "community"


@django_rules.predicate
def above_the_community(user: Any) -> bool:
    return getattr(user, "role", None) in {"street_staff", "district_admin"}


@django_rules.predicate
def manages_lower_level(user: Any, obj: Any) -> bool:
    """A user may create or change users and jurisdictions strictly below their own level."""
    target = scope_of(obj)
    if user.jurisdiction is None or target is None:
        return False
    return target.pk != user.jurisdiction.pk and target.path.startswith(user.jurisdiction.path)


is_election_worker = is_community_clerk | is_street_staff | is_district_admin
is_organiser = is_street_staff | is_district_admin

# Elections
django_rules.add_perm("elections.view_election", is_superuser | object_in_scope)
django_rules.add_perm("elections.add_election", is_superuser | (is_organiser & object_in_scope))
django_rules.add_perm("elections.change_election", is_superuser | (is_election_worker & object_in_scope))
django_rules.add_perm("elections.advance_election", is_superuser | (is_election_worker & object_in_scope))
django_rules.add_perm("elections.reopen_election", is_superuser | (above_the_community & object_in_scope))
django_rules.add_perm("elections.propose_seat_plan", is_superuser | (is_organiser & object_in_scope))
django_rules.add_perm("elections.approve_seat_plan", is_superuser | (is_district_admin & object_in_scope))
# Campaigns
django_rules.add_perm("elections.view_campaign", is_superuser | object_in_scope)
django_rules.add_perm("elections.add_campaign", is_superuser | (is_organiser & object_in_scope))
django_rules.add_perm("elections.change_campaign", is_superuser | (is_organiser & object_in_scope))
# Organisation
django_rules.add_perm("elections.add_jurisdiction", is_superuser | (is_organiser & object_in_scope))
django_rules.add_perm("elections.add_user", is_superuser | (is_organiser & manages_lower_level))
django_rules.add_perm(
    "elections.add_district_user", is_superuser | (is_district_admin & object_in_scope)
)  # district-level colleagues (reviewers) of a district admin
django_rules.add_perm("elections.change_rulebook", is_superuser | is_district_admin)
# Preparation: the community enters, the street approves the party request and flags rectification
django_rules.add_perm("elections.record_preparation", is_superuser | (is_election_worker & object_in_scope))
django_rules.add_perm("elections.submit_party_request", is_superuser | (is_election_worker & object_in_scope))
django_rules.add_perm("elections.decide_party_request", is_superuser | (is_street_staff & object_in_scope))
django_rules.add_perm("elections.manage_rectification", is_superuser | (is_organiser & object_in_scope))
# Handover (工作移交): the community records it, the street witnesses it and accepts a late one's explanation
django_rules.add_perm("elections.manage_handover", is_superuser | (is_election_worker & object_in_scope))
django_rules.add_perm("elections.accept_handover_delay", is_superuser | (is_organiser & object_in_scope))
# Notices (文书): any election worker in scope generates them; whoever sees the election downloads them
django_rules.add_perm("elections.generate_notice", is_superuser | (is_election_worker & object_in_scope))

"""django-rules permissions of the vetting app (predicates from elections.permissions).

The department of a district reviewer is checked in the services (a reviewer of 公安局 signs only for
公安局); these rules decide the role and the jurisdiction."""

import rules as django_rules

from elections.permissions import (
    is_community_clerk,
    is_district_admin,
    is_district_reviewer,
    is_election_worker,
    is_organiser,
    is_street_staff,
    is_superuser,
    object_in_scope,
)


@django_rules.predicate
def is_discipline_reviewer(user) -> bool:
    return getattr(user, "role", None) == "district_reviewer" and getattr(user, "department", "") == "discipline"


django_rules.add_perm("vetting.review_community", is_superuser | (is_community_clerk & object_in_scope))
django_rules.add_perm("vetting.review_street", is_superuser | (is_street_staff & object_in_scope))
django_rules.add_perm("vetting.review_district", is_superuser | (is_district_reviewer & object_in_scope))
django_rules.add_perm("vetting.decide_held", is_superuser | (is_street_staff & object_in_scope))
django_rules.add_perm("vetting.configure", is_superuser | (is_district_admin & object_in_scope))
django_rules.add_perm("vetting.manage_publicity", is_superuser | (is_election_worker & object_in_scope))
django_rules.add_perm("vetting.register_report", is_superuser | (is_election_worker & object_in_scope))
django_rules.add_perm("vetting.handle_report",
                      is_superuser | ((is_organiser | is_discipline_reviewer) & object_in_scope))

REVIEW_PERMISSIONS = {
    "community": "vetting.review_community",
    "street": "vetting.review_street",
    "district": "vetting.review_district",
}

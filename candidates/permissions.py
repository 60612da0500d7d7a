import rules as django_rules

from elections.permissions import is_election_worker, is_superuser, object_in_scope

django_rules.add_perm("candidates.view_person", is_superuser | object_in_scope)
django_rules.add_perm("candidates.add_person", is_superuser | (is_election_worker & object_in_scope))
django_rules.add_perm("candidates.change_person", is_superuser | (is_election_worker & object_in_scope))

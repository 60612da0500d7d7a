"""Write permissions of the voting stage (django-rules). Reading is scoped by the selectors (404 outside the
caller's jurisdiction); these decide who may write inside it. The object is always the election."""

from __future__ import annotations

import rules as django_rules

from elections.permissions import (
    is_election_worker,
    is_street_staff,
    is_superuser,
    object_in_scope,
)

_worker = is_superuser | (is_election_worker & object_in_scope)
_street = is_superuser | (is_street_staff & object_in_scope)

# voter roll: register, remove, import, decide held import rows, publish, objections and their decisions
django_rules.add_perm("ballots.manage_voters", _worker)
django_rules.add_perm("ballots.publish_voter_list", _worker)
django_rules.add_perm("ballots.decide_roll_objection", _worker)
# proxies, stations
django_rules.add_perm("ballots.manage_proxies", _worker)
django_rules.add_perm("ballots.manage_stations", _worker)
# counting: tallies are entered by election workers (two different users); only the street reopens a
# reconciled tally or accepts a vacancy instead of a run-off
django_rules.add_perm("ballots.enter_tally", _worker)
django_rules.add_perm("ballots.reopen_tally", _street)
django_rules.add_perm("ballots.start_round", _worker)
django_rules.add_perm("ballots.accept_vacancy", _street)
django_rules.add_perm("ballots.announce_results", _worker)
# the district may also watch jobs; reading a job follows the election's scope
django_rules.add_perm("ballots.view_job", is_superuser | object_in_scope)

"""The demo data (`make run`) loads through the services, and shows what it promises to show."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from elections import audit, gates
from elections.models import Election

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_and_shows_preparation_in_every_state():
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    again = StringIO()
    call_command("seed_demo", "--quiet-logins", stdout=again)
    assert "已存在" in again.getvalue()

    elections = list(Election.objects.select_related("community", "rulebook").prefetch_related("seats"))
    found = gates.evaluate(elections)
    state = {(e.community.name, e.body): (e.stage, {b.code for b in found[e.pk]}) for e in elections}
    rc, party = "residents_committee", "party_committee"
    # moved on: they passed every preparation gate, and the committee still holds after a withdrawal
    for name, stage in [("东关社区", "nomination"), ("人民路社区", "nomination"), ("建设社区", "vetting")]:
        assert state[(name, rc)] == (stage, set()) and state[(name, party)] == (stage, set())
    # ready to move on
    assert state[("西关社区", rc)] == ("preparation", set()) and state[("西关社区", party)] == ("preparation", set())
    # blocked for different reasons
    assert {"audit_unpublished", "election_committee_even"} <= state[("南山社区", rc)][1]
    assert "party_request_pending" in state[("南山社区", party)][1]
    assert {"audit_missing", "election_committee_relatives", "rulebook_meeting_not_quorate"} <= state[
        ("北苑社区", rc)][1]
    assert {"audit_missing", "party_request_returned"} <= state[("北苑社区", party)][1]
    assert {"rectification_open", "audit_findings_unhandled"} <= state[("花园社区", rc)][1]
    assert {"rectification_open", "audit_findings_unhandled"} <= state[("花园社区", party)][1]
    assert state[("和平社区", rc)][1] == {"election_day_missing", "rulebook_not_published"}
    # 城南's by-elections: the rulebook adopted in most
    assert state[("新苑社区", rc)][1] == {"rulebook_not_adopted"}
    assert state[("南岭社区", rc)] == ("preparation", set())
    assert audit.verify_all()[1] == []

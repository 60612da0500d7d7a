"""The vetting permissions: roles × jurisdictions (the department of a reviewer is checked in the services)."""

from __future__ import annotations

import pytest

from tests import factories
from tests.vetting.conftest import nominate

pytestmark = pytest.mark.django_db

PERMS = ["vetting.review_community", "vetting.review_street", "vetting.review_district", "vetting.decide_held",
         "vetting.manage_publicity", "vetting.register_report", "vetting.handle_report"]

# who may, on a nomination / election in 东关社区 (西街道, 相山区)
EXPECTED = {
    "community_clerk": {"vetting.review_community", "vetting.manage_publicity", "vetting.register_report"},
    "other_clerk": set(),
    "street_staff": {"vetting.review_street", "vetting.decide_held", "vetting.manage_publicity",
                     "vetting.register_report", "vetting.handle_report"},
    "other_street_staff": set(),
    "district_reviewer": {"vetting.review_district"},
    "district_admin": {"vetting.manage_publicity", "vetting.register_report", "vetting.handle_report"},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_permission_matrix(users, vetting_election, role):
    n = nominate(vetting_election)
    allowed = {p for p in PERMS if users[role].has_perm(p, n)}
    assert allowed == EXPECTED[role]


def test_discipline_reviewers_handle_reports_and_admins_configure_their_district(org, users, reviewers,
                                                                                  vetting_election):
    assert reviewers["discipline"].has_perm("vetting.handle_report", vetting_election)
    assert not reviewers["court"].has_perm("vetting.handle_report", vetting_election)
    assert users["district_admin"].has_perm("vetting.configure", org["district"])
    assert not users["street_staff"].has_perm("vetting.configure", org["district"])
    other = factories.user("district_admin", factories.jurisdiction("濉溪县", "district"))
    assert not other.has_perm("vetting.configure", org["district"])
    assert factories.superuser().has_perm("vetting.configure", org["district"])

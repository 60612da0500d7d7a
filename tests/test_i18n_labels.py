import pytest

from candidates import rules as crules
from candidates.selectors import AUDIT_STATUS_LABELS
from elections import rules
from elections.label_catalog import LABELS


def test_every_code_table_label_is_in_the_catalog():
    tables = [rules.STAGES, rules.BODIES, rules.KINDS, list(rules.POSITION_LABELS.items()), rules.LEVELS, rules.ROLES,
              rules.DEPARTMENTS, crules.SEXES, crules.EDUCATION, crules.RELATIONS, rules.ADOPTION_MEETINGS,
              rules.PARTY_MEETING_KINDS, rules.PARTY_REQUEST_STATUSES, rules.RECTIFICATION_CATEGORIES,
              crules.COMMITTEE_ROLES, list(AUDIT_STATUS_LABELS.items())]
    missing = {label for table in tables for _, label in table} - set(LABELS)
    assert missing == set()


@pytest.mark.django_db
def test_the_election_page_in_english_names_the_stages_in_english(client, org, users):
    from tests import factories

    election = factories.election(org["community"], approved=False)
    client.force_login(users["community_clerk"])
    client.cookies["django_language"] = "en"
    html = client.get(f"/elections/{election.pk}/").content.decode()
    assert "Preparation" in html and "Nomination" in html and "Residents&#x27; committee" in html
    assert "Move to next stage" in html and "“提名”" not in html

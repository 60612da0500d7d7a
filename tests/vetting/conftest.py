"""Fixtures of the vetting tests: a fixed 'today', reviewers per department, nominations through the ORM."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from candidates.models import Nomination
from tests import factories
from vetting.models import ReviewDepartment

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 3, 2)
# The joint review of the fixture district, kept small: three departments sign off.
DEPARTMENTS = ["civil_affairs", "police", "court"]


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def departments(org):
    for code in ["organization", "civil_affairs", "discipline", "political_legal", "petition", "police",
                 "procuratorate", "court"]:
        ReviewDepartment.objects.create(district=org["district"], code=code, active=code in DEPARTMENTS)
    return DEPARTMENTS


@pytest.fixture
def reviewers(org, users):
    """A district reviewer for every department (the shared ``users`` fixture's one is 公安局)."""
    found = {"police": users["district_reviewer"]}
    for code in ["organization", "civil_affairs", "discipline", "political_legal", "petition", "procuratorate",
                 "court"]:
        found[code] = factories.user("district_reviewer", org["district"], f"rev_{code}", department=code)
    return found


@pytest.fixture
def vetting_election(org):
    return factories.election(org["community"], stage="vetting")


def nominate(election, name="张三", position="member", *, status="reviewing", level="community",
             channel="joint_voters", birth=dt.date(1985, 6, 1), education="college", **kw) -> Nomination:
    """A nomination of a new person fit to be nominated (no flags unless ``education`` or ``birth`` say so)."""
    person = factories.nominee(election.community, name=name, birth=birth, education=education)
    return factories.nominate(election, person=person, position=position, channel=channel, status=status,
                              level=level, **kw)

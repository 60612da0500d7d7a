"""Who may do what in counting: roles × their own or another community. Election workers (the community's clerk,
its street, the district office) start rounds, enter tallies and record the announcement; only the street reopens
a reconciled tally or accepts a vacancy; a district reviewer does none of it. A refusal leaves no row and no
event."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from ballots.models import Round, Tally, TallyEntry
from ballots.services import counting as services
from elections.models import Event
from tests import factories
from tests.ballots import counting_factories as cf

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST = {"王主任": 60, "李主任": 18, "赵副主任": 55, "钱副主任": 20, "孙委员": 50, "周委员": 45, "吴委员": 30}
SHORT = dict(FIRST, 周委员=35, 吴委员=30)

ROLES = ["community_clerk", "street_staff", "district_admin", "district_reviewer", "other_clerk",
         "other_street_staff", "superuser"]
WORKERS = {"community_clerk", "street_staff", "district_admin", "superuser"}
STREET = {"street_staff", "superuser"}


@pytest.fixture(autouse=True)
def _election_evening(time_machine):
    time_machine.move_to(dt.datetime(2030, 1, 10, 18, 0, tzinfo=SHANGHAI))


@pytest.fixture
def everyone(users):
    return {**users, "superuser": factories.superuser()}


def counted(election, users, votes=FIRST):
    """The first round counted with two entries by the district office and a second street user."""
    admin = users["district_admin"]
    helper = factories.user("street_staff", admin.jurisdiction.children.get(name="西街道"), "helper")
    r = services.round_start(actor=admin, election=election)
    station = r.tallies.get().station
    for who in (admin, helper):
        services.tally_enter(actor=who, station=station, round=r,
                             figures=cf.figures(80, votes=votes, election=election))
    return Round.objects.get(pk=r.pk)


def rows():
    return (Round.objects.count(), TallyEntry.objects.count(), Event.objects.count(),
            Round.objects.filter(vacancy_accepted=True).count(), Round.objects.filter(announced_on__isnull=False).count(),
            Tally.objects.filter(state="reconciled").count())


def attempt(fn):
    before = rows()
    try:
        fn()
    except PermissionDenied:
        assert rows() == before  # a refusal leaves no row and no event
        return False
    return True


@pytest.mark.parametrize("role", ROLES)
def test_start_round(org, everyone, role):
    election = cf.counting_election(org["community"])
    assert attempt(lambda: services.round_start(actor=everyone[role], election=election)) == (role in WORKERS)


@pytest.mark.parametrize("role", ROLES)
def test_enter_tally(org, everyone, role):
    election = cf.counting_election(org["community"])
    r = services.round_start(actor=everyone["community_clerk"], election=election)
    figures = cf.figures(80, votes=FIRST, election=election)
    allowed = attempt(lambda: services.tally_enter(actor=everyone[role], station=r.tallies.get().station, round=r,
                                                   figures=figures))
    assert allowed == (role in WORKERS)


@pytest.mark.parametrize("role", ROLES)
def test_announce_results(org, everyone, role):
    election = cf.counting_election(org["community"])
    counted(election, everyone)
    allowed = attempt(lambda: services.results_announce(actor=everyone[role], election=election,
                                                        announced_on=dt.date(2030, 1, 10)))
    assert allowed == (role in WORKERS)


@pytest.mark.parametrize("role", ROLES)
def test_reopen_tally(org, everyone, role):
    election = cf.counting_election(org["community"])
    r = counted(election, everyone)
    allowed = attempt(lambda: services.tally_reopen(actor=everyone[role], tally=r.tallies.get(), reason="复核"))
    assert allowed == (role in STREET)


@pytest.mark.parametrize("role", ROLES)
def test_accept_vacancy(org, everyone, role):
    election = cf.counting_election(org["community"])
    counted(election, everyone, SHORT)
    allowed = attempt(lambda: services.vacancy_accept(actor=everyone[role], election=election, reason="不再另行选举"))
    assert allowed == (role in STREET)


def test_the_street_of_another_community_in_its_own_street_may_act(org, everyone):
    """The street works for every community below it: the sibling community's election too."""
    election = cf.counting_election(org["sibling"])
    assert attempt(lambda: services.round_start(actor=everyone["street_staff"], election=election))
    assert not attempt(lambda: services.round_start(actor=everyone["community_clerk"], election=election))

"""The permission matrix of the voter roll's services: service × role × (own / other community).

Election workers (the community clerk, the street, the district office) keep the roll of the elections inside
their jurisdiction; a district reviewer never does; a clerk of another community (same street or not) and the
staff of another street are refused. A refused call raises PermissionDenied and leaves no row, no change and no
event behind.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from ballots.models import RollObjection, Voter, VoterRoll
from ballots.services import voters as services
from elections.models import Event
from tests import factories
from tests.ballots import voters_factories as vf

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2029, 12, 15)

ALLOWED = {"superuser", "district_admin", "street_staff", "community_clerk"}
REFUSED = {"district_reviewer", "sibling_clerk", "other_clerk", "other_street_staff"}


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2029, 12, 15, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def everyone(org, users):
    return {**users, "superuser": factories.superuser(),
            "sibling_clerk": factories.user("community_clerk", org["sibling"], "sibling_clerk")}


def _published(election):
    vf.voter(election, name="在册")
    vf.roll(election, published_on=dt.date(2029, 12, 12))


def configure(actor, election):
    return services.voter_roll_configure(actor=actor, election=election, mode="voluntary", residents_total=900)


def register(actor, election):
    return services.voter_register(actor=actor, election=election, name="张三", group="1组", reason="补登",
                                   id_number=factories.id_number(dt.date(1980, 5, 17), seq=7))


def remove(actor, election):
    voter = vf.voter(election, name="赵六")
    return lambda: services.voter_remove(actor=actor, voter=voter, reason="已迁出")


def update(actor, election):
    voter = vf.voter(election, name="赵六")
    return lambda: services.voter_update(actor=actor, voter=voter, group="9组", reason="登记错误")


def publish(actor, election):
    vf.voter(election)
    return lambda: services.voter_list_publish(actor=actor, election=election, published_on=TODAY)


def raise_(actor, election):
    _published(election)
    return lambda: services.roll_objection_raise(actor=actor, election=election, raised_on=TODAY, raised_by="王五",
                                                 kind="omitted", subject_name="李四", content="漏登")


def decide(actor, election):
    _published(election)
    objection = vf.objection(election, raised_on=dt.date(2029, 12, 13))
    return lambda: services.roll_objection_decide(actor=actor, objection=objection, decision="dismissed",
                                                  decision_text="不属实")


def export(actor, election):
    return lambda: services.voter_list_export_record(actor=actor, election=election, rows=1)


# service name → a builder returning the call under test (after its preconditions are in place)
CALLS = {
    "configure": lambda actor, election: lambda: configure(actor, election),
    "register": lambda actor, election: lambda: register(actor, election),
    "remove": remove,
    "update": update,
    "publish": publish,
    "raise": raise_,
    "decide": decide,
    "export_full": export,
}


def state(election):
    return (
        list(Voter.objects.filter(election=election).values_list("pk", "status", "group").order_by("pk")),
        list(VoterRoll.objects.filter(election=election).values_list("mode", "residents_total", "published_on")),
        list(RollObjection.objects.filter(election=election).values_list("pk", "decision").order_by("pk")),
        Event.objects.filter(election=election).count(),
    )


@pytest.mark.parametrize("service", sorted(CALLS))
@pytest.mark.parametrize("who", sorted(ALLOWED | REFUSED))
def test_matrix(org, everyone, service, who):
    election = vf.voting(org["community"])
    call = CALLS[service](everyone[who], election)
    before = state(election)
    if who in ALLOWED:
        call()
        assert Event.objects.filter(election=election).count() > before[3]
    else:
        with pytest.raises(PermissionDenied):
            call()
        assert state(election) == before


@pytest.mark.parametrize("service", sorted(CALLS))
def test_the_clerk_is_refused_in_another_street_and_the_street_in_another_street(org, everyone, service):
    other = vf.voting(org["other_community"])
    for who in ("community_clerk", "street_staff"):
        call = CALLS[service](everyone[who], other)
        before = state(other)
        with pytest.raises(PermissionDenied):
            call()
        assert state(other) == before

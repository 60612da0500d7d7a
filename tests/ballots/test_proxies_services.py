"""Proxies (委托投票) through the services: the holder's limit, the parties' status, the rulebook, revocation. Every
refusal leaves no row and no event behind."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ballots.models import Proxy
from ballots.services import stations as services
from elections.errors import ApplicationError, Conflict
from elections.models import Event
from tests import factories
from tests.ballots import stations_factories as sf

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2029, 12, 20)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2029, 12, 20, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def clerk(users):
    return users["community_clerk"]


@pytest.fixture
def rc(org):
    return factories.election(org["community"], stage="voting", prepared=False)


def grant(clerk, election, voter, holder, written_on=TODAY, reason="外出务工"):
    return services.proxy_create(actor=clerk, election=election, voter=voter, holder=holder, written_on=written_on,
                                 reason=reason)


def nothing_left(before):
    assert (Proxy.objects.count(), Event.objects.count()) == before


def snapshot():
    return Proxy.objects.count(), Event.objects.count()


def test_a_proxy_is_recorded_with_one_event(clerk, rc):
    giver, holder = sf.voter(rc, "张三", group="第二居民小组"), sf.voter(rc, "李四")

    proxy = grant(clerk, rc, giver, holder)

    assert (proxy.voter, proxy.holder, proxy.status, proxy.written_on) == (giver, holder, "active", TODAY)
    [event] = Event.objects.filter(election=rc, action="proxy.create")
    assert event.after["voter_name"] == "张三" and event.after["holder_name"] == "李四"
    assert "张三（第二居民小组）书面委托 李四" in event.summary and "受托 1 人" in event.summary
    assert giver.id_number not in str(event.after) + event.summary


def test_the_holders_third_proxy_is_accepted_and_the_fourth_refused(clerk, rc):
    holder = sf.voter(rc, "李四")
    for giver in sf.voters(rc, 3):
        grant(clerk, rc, giver, holder)
    fourth = sf.voter(rc, "王五")
    before = snapshot()

    with pytest.raises(ApplicationError) as exc:
        grant(clerk, rc, fourth, holder)

    assert "不得超过 3 人" in exc.value.errors["holder"][0]
    nothing_left(before)
    assert Proxy.objects.filter(holder=holder, status="active").count() == 3


def test_a_revoked_proxy_frees_the_holders_place(clerk, rc):
    holder = sf.voter(rc, "李四")
    proxies = [grant(clerk, rc, giver, holder) for giver in sf.voters(rc, 3)]
    services.proxy_revoke(actor=clerk, proxy=proxies[0], reason="委托人本人到场投票")
    assert grant(clerk, rc, sf.voter(rc), holder).status == "active"


@pytest.mark.parametrize("limit", [1, 2])
def test_a_lower_limit_in_the_rulebook(clerk, org, limit):
    e = factories.election(org["community"], stage="voting", prepared=False, rule_overrides={"proxy_limit": limit})
    holder = sf.voter(e, "李四")
    for giver in sf.voters(e, limit):
        grant(clerk, e, giver, holder)
    with pytest.raises(ApplicationError) as exc:
        grant(clerk, e, sf.voter(e), holder)
    assert f"不得超过 {limit} 人" in exc.value.errors["holder"][0]


def test_nobody_is_their_own_holder(clerk, rc):
    me = sf.voter(rc, "张三")
    before = snapshot()
    with pytest.raises(ApplicationError) as exc:
        grant(clerk, rc, me, me)
    assert "不能委托本人" in exc.value.errors["holder"][0]
    nothing_left(before)


def test_the_holder_must_be_registered_in_this_election(clerk, org, rc):
    other = factories.election(org["sibling"], camp=rc.campaign, stage="voting", prepared=False)
    outsider = sf.voter(other, "赵六")
    before = snapshot()
    with pytest.raises(ApplicationError) as exc:
        grant(clerk, rc, sf.voter(rc), outsider)
    assert "须是本次选举的登记选民" in exc.value.errors["holder"][0]
    with pytest.raises(ApplicationError) as exc:
        grant(clerk, rc, sf.voter(rc), None)
    assert "holder" in exc.value.errors
    nothing_left(before)


def test_removed_voters_neither_give_nor_hold(clerk, rc):
    removed = sf.voter(rc, "钱七", status="removed")
    with pytest.raises(ApplicationError) as exc:
        grant(clerk, rc, sf.voter(rc), removed)
    assert "已从选民名单中除名" in exc.value.errors["holder"][0]
    with pytest.raises(ApplicationError) as exc:
        grant(clerk, rc, removed, sf.voter(rc))
    assert "已从选民名单中除名" in exc.value.errors["voter"][0]
    assert Proxy.objects.count() == 0


def test_a_party_election_takes_no_proxy(clerk, org):
    party = factories.election(org["community"], body="party_committee", stage="voting", prepared=False)
    before = snapshot()
    with pytest.raises(ApplicationError) as exc:
        grant(clerk, party, sf.voter(party), sf.voter(party))
    assert exc.value.message == "党组织选举不办理委托投票。"
    assert Proxy.objects.count() == before[0] and Event.objects.filter(election=party).count() == 0


def test_a_by_election_by_the_representatives_takes_no_proxy(clerk, org):
    by = factories.election(org["community"], kind="by_election", stage="voting", prepared=False, seats={"member": 1})
    with pytest.raises(ApplicationError, match="不办理委托投票"):
        grant(clerk, by, sf.voter(by), sf.voter(by))
    assert Proxy.objects.count() == 0


def test_one_active_proxy_per_voter_and_no_chains(clerk, rc):
    a, b, c, d = (sf.voter(rc, name) for name in ("张三", "李四", "王五", "赵六"))
    grant(clerk, rc, a, b)
    with pytest.raises(ApplicationError) as exc:
        grant(clerk, rc, a, c)  # a second proxy of the same voter
    assert "张三 已委托 李四 投票" in exc.value.errors["voter"][0]
    with pytest.raises(ApplicationError) as exc:
        grant(clerk, rc, c, a)  # a gave a proxy: a cannot hold one
    assert "本人已委托他人投票" in exc.value.errors["holder"][0]
    with pytest.raises(ApplicationError) as exc:
        grant(clerk, rc, b, d)  # b holds a's proxy: b cannot give theirs (no 转委托)
    assert "不得转委托" in exc.value.errors["voter"][0]
    assert Proxy.objects.count() == 1


def test_a_formal_candidate_holds_no_proxy_where_the_rulebook_says_so(clerk, org):
    e = factories.election(org["community"], stage="voting", prepared=False,
                           rule_overrides={"proxy_holder_not_candidate": True})
    candidate = factories.formal_list(e)[0]
    as_voter = sf.voter(e, candidate.person.name, id_number=candidate.person.id_number)
    with pytest.raises(ApplicationError) as exc:
        grant(clerk, e, sf.voter(e), as_voter)
    assert "正式候选人" in exc.value.errors["holder"][0]
    e.rule_overrides = {}
    e.save()
    assert grant(clerk, e, sf.voter(e), as_voter).pk


@pytest.mark.parametrize(("written_on", "field"), [(TODAY + dt.timedelta(days=1), "written_on"),
                                                   (None, "written_on")])
def test_the_written_date(clerk, rc, written_on, field):
    with pytest.raises(ApplicationError) as exc:
        grant(clerk, rc, sf.voter(rc), sf.voter(rc), written_on=written_on)
    assert field in exc.value.errors
    assert Proxy.objects.count() == 0


@pytest.mark.parametrize("stage", ["counting", "handover"])
def test_no_proxy_once_counting(clerk, org, stage):
    e = factories.election(org["community"], stage=stage, prepared=False)
    with pytest.raises(Conflict):
        grant(clerk, e, sf.voter(e), sf.voter(e))
    p = sf.proxy(sf.voter(e), sf.voter(e))
    with pytest.raises(Conflict):
        services.proxy_revoke(actor=clerk, proxy=p, reason="本人到场")
    assert Event.objects.filter(election=e).count() == 0


def test_revoke_records_the_reason_once(clerk, rc):
    p = grant(clerk, rc, sf.voter(rc, "张三"), sf.voter(rc, "李四"))
    with pytest.raises(ApplicationError) as exc:
        services.proxy_revoke(actor=clerk, proxy=p, reason=" ")
    assert "reason" in exc.value.errors
    assert Event.objects.filter(action="proxy.revoke").count() == 0

    services.proxy_revoke(actor=clerk, proxy=p, reason="委托人本人到场投票")

    p.refresh_from_db()
    assert (p.status, p.revoked_reason) == ("revoked", "委托人本人到场投票")
    [event] = Event.objects.filter(election=rc, action="proxy.revoke")
    assert event.before["status"] == "active" and event.after["status"] == "revoked"
    with pytest.raises(Conflict, match="已撤销"):
        services.proxy_revoke(actor=clerk, proxy=p, reason="再次")
    assert Event.objects.filter(action="proxy.revoke").count() == 1
    # the voter may now give a proxy to someone else
    assert grant(clerk, rc, p.voter, sf.voter(rc, "王五")).status == "active"

"""Counting services: rounds, tallies entered twice and reconciled, corrections, reopening, run-offs, revotes,
void rounds, the party quorum, the vacancy and the announcement."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from ballots.models import Round, RoundCandidate, Tally, TallyEntry
from ballots.selectors import counting as selectors
from ballots.services import counting as services
from elections.errors import ApplicationError, Conflict
from elections.models import Event
from tests import factories
from tests.ballots import counting_factories as cf

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2030, 1, 10)  # the factories' election day


@pytest.fixture(autouse=True)
def _election_evening(time_machine):
    time_machine.move_to(dt.datetime(2030, 1, 10, 18, 0, tzinfo=SHANGHAI))


@pytest.fixture
def clerk(users):
    return users["community_clerk"]


@pytest.fixture
def street(users):
    return users["street_staff"]


@pytest.fixture
def rc(org):
    return cf.counting_election(org["community"])


FIRST = {"王主任": 60, "李主任": 18, "赵副主任": 55, "钱副主任": 20, "孙委员": 50, "周委员": 45, "吴委员": 30}


def enter(election, actor, station, r, votes=None, issued=80, returned=None, invalid=0, **kw):
    return services.tally_enter(actor=actor, station=station, round=r,
                                figures=cf.figures(issued, returned, invalid, votes=votes or FIRST, election=election,
                                                   **{k: v for k, v in kw.items() if k in {"write_ins", "present"}}),
                                version=kw.get("version"))


def both(election, clerk, street, r, votes=None, **kw):
    station = r.tallies.get().station if r.tallies.count() == 1 else kw.pop("station")
    enter(election, clerk, station, r, votes, **kw)
    return enter(election, street, station, r, votes, **kw)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_the_first_round_takes_the_formal_list_the_seat_plan_and_the_active_voters(rc, clerk):
    r = services.round_start(actor=clerk, election=rc)

    assert (r.number, r.kind, r.state, r.registered) == (1, "first", "open", 100)
    assert r.seats == {"chair": 1, "vice_chair": 1, "member": 2}
    rows = list(RoundCandidate.objects.filter(round=r).select_related("candidate__person")
                .order_by("position", "order"))
    assert len(rows) == 7
    assert Tally.objects.filter(round=r, state="open").count() == 1
    assert Event.objects.filter(election=rc, action="round.start").count() == 1


def test_no_active_voter_no_round(org, clerk):
    election = cf.counting_election(org["community"], registered=0)

    with pytest.raises(ApplicationError) as exc:
        services.round_start(actor=clerk, election=election)

    assert "应到人数为 0" in exc.value.message and "registered" in exc.value.errors
    assert not Round.objects.exists()


def test_no_station_no_round(org, clerk):
    election = cf.counting_election(org["community"], stations=())

    with pytest.raises(ApplicationError) as exc:
        services.round_start(actor=clerk, election=election)

    assert "stations" in exc.value.errors


def test_rounds_only_in_counting(org, clerk):
    election = cf.counting_election(org["community"], stage="voting")

    with pytest.raises(Conflict):
        services.round_start(actor=clerk, election=election)


def test_two_users_entering_the_same_figures_reconcile_and_the_round_is_counted(rc, clerk, street):
    r = services.round_start(actor=clerk, election=rc)
    station = r.tallies.get().station

    first = enter(rc, clerk, station, r)
    assert (first.tally.state, first.counted) == ("entered", None)
    second = enter(rc, street, station, r)

    tally = fresh(second.tally)
    assert tally.state == "reconciled" and tally.reconciled_at is not None
    assert tally.figures["ballots_returned"] == 80
    r = fresh(r)
    assert r.state == "counted" and r.counted_at is not None
    assert r.result["valid"] is True and r.result["next_action"] == "none"
    winners = {p["position"]: [e["name"] for e in p["elected"]] for p in r.result["positions"]}
    assert winners == {"chair": ["王主任"], "vice_chair": ["赵副主任"], "member": ["孙委员", "周委员"]}
    assert Event.objects.filter(election=rc, action="round.count").count() == 1
    assert Event.objects.filter(election=rc, action="tally.enter").count() == 2


def test_the_same_user_twice_is_not_a_second_entry(rc, clerk):
    r = services.round_start(actor=clerk, election=rc)
    station = r.tallies.get().station
    enter(rc, clerk, station, r)

    with pytest.raises(Conflict) as exc:
        enter(rc, clerk, station, r)

    assert "另一名工作人员" in exc.value.message
    assert TallyEntry.objects.filter(tally__round=r).count() == 1
    assert fresh(r.tallies.get()).state == "entered"


def test_a_correction_of_ones_own_entry_needs_the_current_version(rc, clerk):
    r = services.round_start(actor=clerk, election=rc)
    station = r.tallies.get().station
    enter(rc, clerk, station, r)

    corrected = enter(rc, clerk, station, r, version=1, issued=81)
    assert corrected.entry.version == 2 and corrected.entry.ballots_issued == 81
    with pytest.raises(Conflict) as exc:
        enter(rc, clerk, station, r, version=1, issued=82)

    assert "第 2 版" in exc.value.message
    assert fresh(corrected.entry).ballots_issued == 81
    assert fresh(r.tallies.get()).state == "entered"


def test_different_entries_are_reported_field_by_field_and_a_correction_reconciles(rc, clerk, street):
    r = services.round_start(actor=clerk, election=rc)
    station = r.tallies.get().station
    names = cf.by_name(rc)
    enter(rc, clerk, station, r)
    wrong = dict(FIRST, 周委员=54)

    outcome = enter(rc, street, station, r, wrong, invalid=1)

    tally = fresh(outcome.tally)
    assert tally.state == "differs" and tally.figures is None
    assert tally.differences == [
        {"field": "ballots_invalid", "first": 0, "second": 1},
        {"field": f"votes.{names['周委员'].pk}", "first": 45, "second": 54},
    ]
    assert fresh(r).state == "open"

    fixed = enter(rc, street, station, r, version=outcome.entry.version)

    assert fresh(fixed.tally).state == "reconciled"
    assert fresh(r).state == "counted"


def test_a_reconciled_tally_takes_no_entry_until_the_street_reopens_it(rc, clerk, street, users):
    r = services.round_start(actor=clerk, election=rc)
    station = r.tallies.get().station
    enter(rc, clerk, station, r)
    done = enter(rc, street, station, r)
    tally = fresh(done.tally)

    with pytest.raises(Conflict):
        enter(rc, clerk, station, r, version=1, issued=81)
    with pytest.raises(Conflict):
        enter(rc, users["district_admin"], station, r)
    with pytest.raises(PermissionDenied):
        services.tally_reopen(actor=clerk, tally=tally, reason="核对原始记录")
    with pytest.raises(ApplicationError):
        services.tally_reopen(actor=street, tally=tally, reason=" ")

    reopened = services.tally_reopen(actor=street, tally=tally, reason="监票人发现委员票数登记有误")

    assert (reopened.state, reopened.figures, reopened.reopened_by) == ("entered", None, street)
    assert TallyEntry.objects.filter(tally=tally).count() == 2
    r = fresh(r)
    assert (r.state, r.result, r.counted_at) == ("open", None, None)
    assert selectors.tally_view(tally=fresh(tally)).label == "已重新开放，待更正"
    # both authors correct their entries; equal again: reconciled and counted anew
    corrected = dict(FIRST, 吴委员=31)
    enter(rc, clerk, station, r, corrected, version=1)
    assert fresh(tally).state == "differs"
    enter(rc, street, station, r, corrected, version=1)
    assert fresh(tally).state == "reconciled"
    assert fresh(r).state == "counted"


def test_a_third_user_cannot_enter_a_tally_two_have_entered(rc, clerk, street, users):
    r = services.round_start(actor=clerk, election=rc)
    station = r.tallies.get().station
    enter(rc, clerk, station, r)
    enter(rc, street, station, r, dict(FIRST, 王主任=61))

    with pytest.raises(Conflict) as exc:
        enter(rc, users["district_admin"], station, r)

    assert "两人录入" in exc.value.message


def test_invalid_figures_are_refused_per_field_and_leave_no_row(rc, clerk):
    r = services.round_start(actor=clerk, election=rc)
    station = r.tallies.get().station

    with pytest.raises(ApplicationError) as exc:
        enter(rc, clerk, station, r, dict(FIRST, 孙委员=-1), invalid=90)

    assert set(exc.value.errors) >= {"ballots_invalid"}
    assert any(key.startswith("votes.") for key in exc.value.errors)
    assert not TallyEntry.objects.exists()
    assert not Event.objects.filter(action="tally.enter").exists()


def test_a_round_is_counted_only_when_every_station_is_reconciled(org, clerk, street):
    election = cf.counting_election(org["community"], stations=("中心会场", "第一投票站"))
    r = services.round_start(actor=clerk, election=election)
    central, booth = [t.station for t in r.tallies.order_by("station__order")]
    half = {k: v // 2 for k, v in FIRST.items()}
    rest = {k: v - v // 2 for k, v in FIRST.items()}

    both(election, clerk, street, r, half, station=central, issued=40)
    assert fresh(r).state == "open"
    both(election, clerk, street, r, rest, station=booth, issued=40)

    r = fresh(r)
    assert r.state == "counted"
    assert r.result["figures"]["ballots_returned"] == 80
    member = next(p for p in r.result["positions"] if p["position"] == "member")
    assert [(e["name"], e["votes"]) for e in member["elected"]] == [("孙委员", 50), ("周委员", 45)]


def test_an_unfilled_seat_goes_to_a_runoff_with_carried_candidates_and_the_result_is_cumulative(rc, clerk, street):
    r1 = services.round_start(actor=clerk, election=rc)
    both(rc, clerk, street, r1, dict(FIRST, 周委员=35, 吴委员=30))  # 周 35 and 吴 30 are not more than half of 80
    r1 = fresh(r1)
    assert r1.result["next_action"] == "runoff"
    assert selectors.results(rc)["next_action"] == "runoff"

    r2 = services.round_start(actor=clerk, election=rc)

    assert (r2.number, r2.kind, r2.seats) == (2, "runoff", {"member": 1})
    carried = [rc_.candidate.person.name for rc_ in RoundCandidate.objects.filter(round=r2).select_related(
        "candidate__person").order_by("order")]
    assert sorted(carried) == ["吴委员", "周委员"]  # 1 unfilled + margin_plus_min 1
    both(rc, clerk, street, r2, {"周委员": 40, "吴委员": 25}, issued=70)
    assert fresh(r2).state == "counted"

    data = selectors.results(rc)
    member = next(p for p in data["positions"] if p["position"] == "member")
    assert [(e["name"], e["round"]) for e in member["elected"]] == [("孙委员", 1), ("周委员", 2)]
    assert member["unfilled"] == 0 and data["next_action"] == "none"
    assert [row["candidate"].person.name for row in selectors.elected(rc) if row["position"] == "member"] == [
        "孙委员", "周委员"]
    with pytest.raises(Conflict):
        services.round_start(actor=clerk, election=rc)


def test_a_tie_at_the_last_seat_is_revoted_among_the_tied_only(rc, clerk, street):
    r1 = services.round_start(actor=clerk, election=rc)
    both(rc, clerk, street, r1, dict(FIRST, 周委员=45, 吴委员=45))  # 孙 50 wins; 周 and 吴 tie for the second seat
    assert fresh(r1).result["next_action"] == "revote"

    r2 = services.round_start(actor=clerk, election=rc)

    assert (r2.kind, r2.revote_of, r2.seats) == ("revote", "first", {"member": 1})
    assert sorted(rc_.candidate.person.name for rc_ in RoundCandidate.objects.filter(round=r2)) == ["吴委员", "周委员"]
    station = r2.tallies.get().station
    with pytest.raises(ApplicationError) as exc:  # a write-in is no one tied
        enter(rc, clerk, station, r2, {"周委员": 50, "吴委员": 28}, write_ins=[("郑八", "member", 1)])
    assert "write_ins" in exc.value.errors
    both(rc, clerk, street, r2, {"周委员": 50, "吴委员": 28})

    member = next(p for p in selectors.results(rc)["positions"] if p["position"] == "member")
    assert [e["name"] for e in member["elected"]] == ["孙委员", "周委员"]


def test_more_ballots_returned_than_issued_at_one_station_voids_the_round_and_it_is_held_again(org, clerk, street):
    election = cf.counting_election(org["community"], stations=("中心会场", "流动票箱"))
    r1 = services.round_start(actor=clerk, election=election)
    central, mobile = [t.station for t in r1.tallies.order_by("station__order")]
    small = {k: v // 4 for k, v in FIRST.items()}
    # the mobile box returned 22 of 20 ballots; the central venue 60 of 70: the totals (82 of 90) would hide it
    outcome = enter(election, clerk, mobile, r1, small, issued=20, returned=22)
    assert outcome.warnings and "无效" in outcome.warnings[0]
    enter(election, street, mobile, r1, small, issued=20, returned=22)
    both(election, clerk, street, r1, small, station=central, issued=70, returned=60)

    r1 = fresh(r1)
    assert r1.state == "void" and r1.result["valid"] is False and r1.result["next_action"] == "repeat"
    assert "流动票箱发出选票 20 张、收回 22 张" in r1.result["reason"]
    assert all(not p["elected"] for p in r1.result["positions"])
    assert selectors.results(election)["next_action"] == "revote_all"

    r2 = services.round_start(actor=clerk, election=election)

    assert (r2.kind, r2.seats) == ("first", r1.seats)
    assert RoundCandidate.objects.filter(round=r2).count() == RoundCandidate.objects.filter(round=r1).count() == 7


def party_election(org, **kw):
    return cf.counting_election(org["community"], body="party_committee",
                                seats={"secretary": 1, "member": 2},
                                candidates={"secretary": ["王书记"], "member": ["李委员", "赵委员", "钱委员"]},
                                registered=50, **kw)


PARTY = {"王书记": 38, "李委员": 30, "赵委员": 28, "钱委员": 10}


def test_a_party_round_needs_the_members_present_and_four_fifths_of_them(org, clerk, street):
    election = party_election(org)
    r1 = services.round_start(actor=clerk, election=election)
    station = r1.tallies.get().station

    with pytest.raises(ApplicationError) as exc:
        enter(election, clerk, station, r1, PARTY, issued=39)
    assert "present" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        enter(election, clerk, station, r1, PARTY, issued=39, present=51)
    assert "present" in exc.value.errors

    both(election, clerk, street, r1, PARTY, issued=39, present=39)  # 39 of 50: short of 4/5 (40)
    r1 = fresh(r1)
    assert r1.state == "void" and r1.result["next_action"] == "repeat"
    assert "实到 39 人" in r1.result["reason"]

    r2 = services.round_start(actor=clerk, election=election)
    both(election, clerk, street, r2, PARTY, issued=40, present=40)
    r2 = fresh(r2)
    assert r2.state == "counted"
    winners = [e["name"] for p in r2.result["positions"] for e in p["elected"]]
    assert winners == ["王书记", "李委员", "赵委员"]  # more than half of the 40 present: 21


def test_a_vacancy_instead_of_a_runoff_is_the_streets_decision(rc, clerk, street):
    r1 = services.round_start(actor=clerk, election=rc)
    both(rc, clerk, street, r1, dict(FIRST, 周委员=35, 吴委员=30))

    with pytest.raises(PermissionDenied):
        services.vacancy_accept(actor=clerk, election=rc, reason="经研究不再另行选举")
    with pytest.raises(ApplicationError):
        services.vacancy_accept(actor=street, election=rc, reason="")
    last = services.vacancy_accept(actor=street, election=rc, reason="经研究不再另行选举，委员缺额待补选")

    assert last.vacancy_accepted and last.vacancy_by == street
    data = selectors.results(rc)
    assert data["next_action"] == "none" and data["vacancy_accepted"] is True
    assert next(p for p in data["positions"] if p["position"] == "member")["unfilled"] == 1
    with pytest.raises(Conflict):
        services.round_start(actor=clerk, election=rc)
    with pytest.raises(Conflict):
        services.vacancy_accept(actor=street, election=rc, reason="再次确认")


def test_no_vacancy_while_a_revote_is_due(rc, clerk, street):
    r1 = services.round_start(actor=clerk, election=rc)
    both(rc, clerk, street, r1, dict(FIRST, 周委员=45, 吴委员=45))

    with pytest.raises(Conflict):
        services.vacancy_accept(actor=street, election=rc, reason="不再投票")


def test_results_are_announced_once_counting_is_complete(rc, clerk, street):
    r1 = services.round_start(actor=clerk, election=rc)
    with pytest.raises(Conflict):
        services.results_announce(actor=clerk, election=rc, announced_on=DAY)
    both(rc, clerk, street, r1)

    with pytest.raises(ApplicationError) as exc:
        services.results_announce(actor=clerk, election=rc, announced_on=DAY + dt.timedelta(days=1))
    assert "announced_on" in exc.value.errors
    with pytest.raises(ApplicationError):
        services.results_announce(actor=clerk, election=rc, announced_on=DAY - dt.timedelta(days=1))
    announced = services.results_announce(actor=clerk, election=rc, announced_on=DAY)

    assert announced.announced_on == DAY and announced.announced_by == clerk
    assert Event.objects.filter(election=rc, action="results.announce").count() == 1


def test_results_wait_for_the_runoff(rc, clerk, street):
    r1 = services.round_start(actor=clerk, election=rc)
    both(rc, clerk, street, r1, dict(FIRST, 周委员=35, 吴委员=30))

    with pytest.raises(Conflict) as exc:
        services.results_announce(actor=clerk, election=rc, announced_on=DAY)

    assert "另行选举" in exc.value.message


def test_reopening_a_counted_round_clears_its_announcement(rc, clerk, street):
    r1 = services.round_start(actor=clerk, election=rc)
    done = both(rc, clerk, street, r1)
    services.results_announce(actor=clerk, election=rc, announced_on=DAY)

    services.tally_reopen(actor=street, tally=done.tally, reason="复核")

    r1 = fresh(r1)
    assert (r1.state, r1.announced_on) == ("open", None)


def test_only_the_last_rounds_tallies_reopen(rc, clerk, street):
    r1 = services.round_start(actor=clerk, election=rc)
    done = both(rc, clerk, street, r1, dict(FIRST, 周委员=35, 吴委员=30))
    services.round_start(actor=clerk, election=rc)

    with pytest.raises(Conflict) as exc:
        services.tally_reopen(actor=street, tally=done.tally, reason="复核")

    assert "第2轮" in exc.value.message


def test_write_ins_count_like_candidates(rc, clerk, street):
    r1 = services.round_start(actor=clerk, election=rc)
    votes = dict(FIRST, 周委员=20)
    both(rc, clerk, street, r1, votes, write_ins=[("郑 八", "member", 44), ("冯九", "member", 0)])

    r1 = fresh(r1)
    member = next(p for p in r1.result["positions"] if p["position"] == "member")
    assert [(e["name"], e["key"], e["write_in"]) for e in member["elected"]] == [
        ("孙委员", str(cf.by_name(rc)["孙委员"].pk), False), ("郑八", None, True)]
    rows = [row for row in selectors.elected(rc) if row["write_in"]]
    assert rows[0]["candidate"] is None and rows[0]["name"] == "郑八"


def test_a_write_in_may_not_take_a_candidates_name(rc, clerk):
    r1 = services.round_start(actor=clerk, election=rc)
    station = r1.tallies.get().station

    with pytest.raises(ApplicationError) as exc:
        enter(rc, clerk, station, r1, write_ins=[("孙委员", "member", 3)])

    assert "write_ins" in exc.value.errors


def test_the_full_flow_reaches_handover_through_the_api(org, users):
    """counting → round → both entries → results → announce → advance: handover."""
    from tests.conftest import api_as

    election = cf.counting_election(org["community"])
    clerk, street = api_as(users["community_clerk"]), api_as(users["street_staff"])
    blocked = clerk.post(f"/api/v1/elections/{election.pk}/advance/")
    assert blocked.status_code == 409
    assert "no_round" in [b["code"] for b in blocked.json()["blocked_by"]]

    started = clerk.post(f"/api/v1/elections/{election.pk}/rounds/")
    assert started.status_code == 201, started.content
    r = started.json()
    station = r["tallies"][0]["station"]
    names = {c["name"]: c["id"] for c in r["candidates"]}
    body = {"ballots_issued": 80, "ballots_returned": 80, "ballots_invalid": 0,
            "votes": [{"candidate": names[n], "count": v} for n, v in FIRST.items()], "write_ins": []}
    url = f"/api/v1/stations/{station}/rounds/{r['id']}/tally/"
    assert clerk.put(url, body, format="json").json()["state"] == "entered"
    assert street.put(url, body, format="json").json()["state"] == "reconciled"

    results = clerk.get(f"/api/v1/elections/{election.pk}/results/").json()
    assert results["valid"] is True and results["next_action"] == "none"
    blocked = clerk.post(f"/api/v1/elections/{election.pk}/advance/")
    assert [b["code"] for b in blocked.json()["blocked_by"]] == ["results_not_announced"]
    announced = clerk.post(f"/api/v1/elections/{election.pk}/results/announce/", {"announced_on": "2030-01-10"},
                           format="json")
    assert announced.status_code == 200, announced.content

    moved = clerk.post(f"/api/v1/elections/{election.pk}/advance/")

    assert moved.status_code == 200, moved.content
    assert moved.json()["stage"] == "handover"
    assert fresh(election).stage == "handover"


def test_results_before_counting(rc):
    data = selectors.results(rc)

    assert (data["valid"], data["reason"], data["rounds"], data["next_action"]) == (False, "尚未开始计票。", [], "none")
    assert [p["unfilled"] for p in data["positions"]] == [1, 1, 2]


def test_figures_of_a_round_that_do_not_add_up_stop_the_count(org, clerk, street):
    """Two stations each within the 50 members expected, together above them: nothing is elected, the gate says
    why, and a reopened, corrected tally lets the count go on."""
    election = party_election(org, stations=("党员大会会场", "分会场"))
    r = services.round_start(actor=clerk, election=election)
    hall, annex = [t.station for t in r.tallies.order_by("station__order")]
    half = {k: v // 2 for k, v in PARTY.items()}
    both(election, clerk, street, r, half, station=hall, issued=30, present=30)
    done = both(election, clerk, street, r, half, station=annex, issued=30, present=30)

    r = fresh(r)
    assert r.state == "open" and "present" in r.result["problems"]
    from elections import gates

    assert "round_figures_inconsistent" in [b.code for b in gates.blockers_for(fresh(election))]

    services.tally_reopen(actor=street, tally=done.tally, reason="分会场实到人数重复统计")
    enter(election, clerk, annex, r, half, issued=20, present=20, version=1)
    enter(election, street, annex, r, half, issued=20, present=20, version=1)
    assert fresh(r).state == "counted"


def test_a_station_of_another_election_is_refused(rc, org, clerk, street):
    other = cf.counting_election(org["sibling"])
    r = services.round_start(actor=clerk, election=rc)
    station = other.stations.get()

    with pytest.raises(ApplicationError) as exc:
        enter(rc, street, station, r)  # the street works for both communities

    assert "round" in exc.value.errors
    assert not TallyEntry.objects.exists()


def test_the_factories_election_has_what_counting_needs(rc):
    assert rc.stage == "counting" and rc.voters.count() == 100 and rc.stations.count() == 1
    assert factories.dt.date(2030, 1, 10) == rc.election_day


def test_a_lone_entry_keeps_its_figures_out_of_the_audit_trail(rc, clerk, street):
    """The events API is open to everyone in scope: the second enterer must not read the first entry there."""
    r = services.round_start(actor=clerk, election=rc)
    station = r.tallies.get().station
    enter(rc, clerk, station, r, issued=80, returned=81)
    first = Event.objects.filter(election=rc, action="tally.enter").get()
    assert set(first.after["entry"]) == {"by", "version", "sha256"} and len(first.after["entry"]["sha256"]) == 64
    assert set(first.after) == {"entry", "tally"} and "收回" not in first.summary

    enter(rc, street, station, r, issued=80, returned=81)

    second = Event.objects.filter(election=rc, action="tally.enter").order_by("-seq").first()
    assert [e["figures"]["ballots_returned"] for e in second.after["entries"]] == [81, 81]
    assert [e["by"] for e in second.after["entries"]] == [clerk.pk, street.pk]


def test_results_announced_on_site_may_be_recorded_days_later(rc, clerk, street, time_machine):
    time_machine.move_to(dt.datetime(2030, 1, 12, 9, 0, tzinfo=SHANGHAI))  # the tallies typed in two days later
    r1 = services.round_start(actor=clerk, election=rc)
    both(rc, clerk, street, r1)

    announced = services.results_announce(actor=clerk, election=rc, announced_on=DAY)

    assert announced.announced_on == DAY

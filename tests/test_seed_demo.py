"""The demo data (`make run`) loads through the services, and shows what it promises to show."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from candidates.models import Appraisal, Candidate, Incumbent, Nomination, RecommendationMeeting
from candidates.strokes import sort_names
from elections import audit, gates, services
from elections.models import Election, Event, User
from vetting.models import Objection, Report, Review
from vetting.selectors import departments_for, district_of, review_queue

pytestmark = pytest.mark.django_db

RC, PARTY = "residents_committee", "party_committee"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module inside a transaction rolled back at its end (each test runs in a
    savepoint of it, so what a test changes is undone)."""
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    with django_db_blocker.unblock(), override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), transaction.atomic():
        call_command("seed_demo", "--quiet-logins", stdout=StringIO())
        elections = list(Election.objects.select_related("community", "rulebook").prefetch_related("seats"))
        found = gates.evaluate(elections)
        yield {
            "state": {(e.community.name, e.body): (e.stage, {b.code for b in found[e.pk]}) for e in elections},
            "election": {(e.community.name, e.body): e for e in elections},
        }
        transaction.set_rollback(True)
    app.conf.task_always_eager = eager


def test_the_demo_loads_once_and_shows_preparation_in_every_state(demo):
    again = StringIO()
    call_command("seed_demo", "--quiet-logins", stdout=again)
    assert "已存在" in again.getvalue()

    state = demo["state"]
    # moved on: they passed every preparation gate, and the committee still holds after a withdrawal
    stages = {"东关社区": ("nomination",) * 2, "人民路社区": ("nomination",) * 2, "建设社区": ("vetting",) * 2,
              "幸福社区": ("voting", "publicity"), "光明社区": ("counting", "handover")}
    for name, (rc_stage, party_stage) in stages.items():
        assert state[(name, RC)][0] == rc_stage and state[(name, PARTY)][0] == party_stage
        assert not {c for c in state[(name, RC)][1] | state[(name, PARTY)][1]
                    if c.startswith(("audit", "election_committee", "rulebook", "party_request", "seat_plan"))}
    # ready to move on
    assert state[("西关社区", RC)] == ("preparation", set()) and state[("西关社区", PARTY)] == ("preparation", set())
    # blocked for different reasons
    assert {"audit_unpublished", "election_committee_even"} <= state[("南山社区", RC)][1]
    assert "party_request_pending" in state[("南山社区", PARTY)][1]
    assert {"audit_missing", "election_committee_relatives", "rulebook_meeting_not_quorate"} <= state[
        ("北苑社区", RC)][1]
    assert {"audit_missing", "party_request_returned"} <= state[("北苑社区", PARTY)][1]
    assert {"rectification_open", "audit_findings_unhandled"} <= state[("花园社区", RC)][1]
    assert {"rectification_open", "audit_findings_unhandled"} <= state[("花园社区", PARTY)][1]
    assert state[("和平社区", RC)][1] == {"election_day_missing", "rulebook_not_published"}
    # 城南's by-elections: the rulebook adopted in most
    assert state[("新苑社区", RC)][1] == {"rulebook_not_adopted"}
    assert state[("南岭社区", RC)] == ("preparation", set())
    assert audit.verify_all()[1] == []


def test_nomination_one_community_short_one_complete(demo):
    state, election = demo["state"], demo["election"]
    assert state[("东关社区", RC)][1] == {"nominations_insufficient"}
    assert state[("东关社区", PARTY)][1] == {"nominations_insufficient", "recommendation_meeting_invalid"}
    assert state[("人民路社区", RC)][1] == set() and state[("人民路社区", PARTY)][1] == set()

    for name in ("东关社区", "人民路社区"):
        rc = list(Nomination.objects.filter(election=election[(name, RC)]))
        assert {"party_org", "joint_voters", "joint_representatives", "self"} <= {n.channel for n in rc}
        assert all(len(n.supporters) >= 20 for n in rc if n.channel == "joint_voters")
        assert all(len(n.supporters) >= 10 for n in rc if n.channel == "joint_representatives")
        party = election[(name, PARTY)]
        meetings = {m.kind: m for m in RecommendationMeeting.objects.filter(election=party)}
        assert set(meetings) == {"party_members", "representatives"}
        # 东关's representatives' meeting was not quorate, so its 两推 is void and no preliminary list exists yet
        expected = 0 if name == "东关社区" else 9
        assert Nomination.objects.filter(election=party, channel="party_members").count() == expected
        # 民主测评 of every incumbent
        for body in (RC, PARTY):
            e = election[(name, body)]
            assert (set(Appraisal.objects.filter(election=e).values_list("person", flat=True))
                    == set(Incumbent.objects.filter(election=e).values_list("person", flat=True)))
    assert set(Nomination.objects.filter(election=election[("人民路社区", RC)]).values_list("channel", flat=True)) == {
        "party_org", "group_meeting", "joint_voters", "joint_representatives", "self"}
    # 东关: the election-committee member who was nominated withdrew and an alternate stepped in
    assert Event.objects.filter(election=election[("东关社区", RC)], action__startswith="committee").exists()
    # every nomination was entered through the services: an event for each
    entered = Nomination.objects.exclude(channel="party_members").count()
    assert Event.objects.filter(action="nomination.submit").count() == entered

    # 人民路 can move on to vetting
    clerk = User.objects.get(username="clerk_renminlu")
    assert services.election_advance(actor=clerk, election=election[("人民路社区", RC)]).stage == "vetting"


def test_vetting_shows_every_level_and_the_police_has_a_queue(demo):
    state, election = demo["state"], demo["election"]
    for body in (RC, PARTY):
        assert {"nominations_undecided", "nominee_relatives", "approved_insufficient"} == state[("建设社区", body)][1]
    rc = election[("建设社区", RC)]
    where = {(n.status, n.level) for n in Nomination.objects.filter(election__community=rc.community)}
    assert {("reviewing", "community"), ("reviewing", "street"), ("reviewing", "district"), ("held", "district"),
            ("rejected", ""), ("approved", "")} <= where
    held = Nomination.objects.get(election=rc, status="held")
    assert Review.objects.get(nomination=held, decision="reject").grounds == ["unsuitable-01"]
    rejected = Nomination.objects.get(election=rc, status="rejected")
    assert "不通过" in rejected.outcome and Review.objects.get(nomination=rejected, decision="reject").department == \
        "police"
    replacement = Nomination.objects.get(replaces=rejected)
    assert (replacement.status, replacement.level) == ("reviewing", "community")
    # at the district, some departments signed and some did not
    partly = [n for n in Nomination.objects.filter(election=rc, status="reviewing", level="district")
              if Review.objects.filter(nomination=n, level="district").exists()]
    assert partly
    assert set(departments_for(district_of(rc.community))) == {"organization", "civil_affairs", "discipline",
                                                                "police", "court"}
    police = User.objects.get(username="qu_gongan")
    queue = review_queue(user=police)
    assert queue and all(row.nomination.election.community == rc.community for row in queue)
    for username in ("qu_gongan", "qu_fayuan", "qu_jiwei", "qu_minzheng"):
        assert User.objects.get(username=username).role == "district_reviewer"


def test_publicity_with_a_list_in_stroke_order_and_an_rc_ready_for_voting(demo):
    state, election = demo["state"], demo["election"]
    party, rc = election[("幸福社区", PARTY)], election[("幸福社区", RC)]
    assert state[("幸福社区", PARTY)][1] == {"publicity_not_over", "objections_open", "reports_open",
                                           "pledge_missing", "talk_missing", "candidate_list_not_approved"}
    # the RC moved on to voting: only the day and the understaffed mobile box stand in its way
    assert state[("幸福社区", RC)] == ("voting", {"election_day_not_reached", "mobile_box_supervisors"})
    assert sorted(Objection.objects.filter(election=party).values_list("status", flat=True)) == ["dismissed", "open"]
    report = Report.objects.get(election=party)
    assert report.categories == ["vote_buying"] and report.status == "open" and report.due_on > report.received_on

    for e in (party, rc):
        by_position: dict[str, list[str]] = {}
        for c in Candidate.objects.filter(election=e).select_related("person").order_by("position", "order"):
            by_position.setdefault(c.position, []).append(c.person.name)
        assert by_position and sum(map(len, by_position.values())) == Nomination.objects.filter(
            election=e, status="approved").count()
        for names in by_position.values():
            assert names == sort_names(names)
    assert len({n[0] for n in Candidate.objects.filter(election=party).values_list("person__name")}) > 3


def test_voting_roll_imported_with_problems_listed_stations_and_proxies(demo):
    from ballots.models import HeldRow, Proxy, Station, Voter
    from elections.models import Job

    rc = demo["election"][("幸福社区", RC)]
    job = Job.objects.get(election=rc, kind="voter_import")
    assert job.state == "done" and len(job.errors) == 3
    assert {e["field"] for e in job.errors} == {"id_number", "group"}
    assert HeldRow.objects.filter(election=rc, kind="in_file").count() == 2
    assert Voter.objects.filter(election=rc, status="active").count() == 1197
    assert rc.voter_roll.published_on is not None
    assert sorted(Station.objects.filter(election=rc).values_list("kind", flat=True)) == [
        "central", "mobile", "station", "station"]
    assert Proxy.objects.filter(election=rc, status="active").count() >= 4


def test_counting_party_done_rc_runoff_waiting_for_its_second_entry(demo):
    from ballots.selectors import counting

    state, election = demo["state"], demo["election"]
    party, rc = election[("光明社区", PARTY)], election[("光明社区", RC)]
    assert state[("光明社区", RC)][1] == {"tallies_unreconciled", "results_not_announced"}
    party_results = counting.results(party)
    assert party_results["valid"] and party_results["next_action"] == "none"
    assert all(p["unfilled"] == 0 for p in party_results["positions"])
    rounds = list(rc.rounds.order_by("number"))
    assert [(r.kind, r.state) for r in rounds] == [("first", "counted"), ("runoff", "open")]
    assert rounds[0].result["next_action"] == "runoff"
    assert rounds[1].candidates.count() == 2 and rounds[1].seats == {"member": 1}

"""Preparation through the elections services: seat plans, the rulebook's adoption, the party request and
its reply, rectification of difficult communities — each read back through the gates."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from elections import audit as trail
from elections import gates, services
from elections.errors import ApplicationError, Conflict
from elections.models import Election, Event, Notification, PartyRequest, Rectification, RulebookAdoption
from tests import factories

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 3, 2)
MEETING = dt.date(2026, 2, 20)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 1, 30, tzinfo=SHANGHAI))


@pytest.fixture
def clerk(users):
    return users["community_clerk"]


@pytest.fixture
def street(users):
    return users["street_staff"]


def blockers(election):
    return gates.blockers_for(Election.objects.get(pk=election.pk))


def codes(election) -> list[str]:
    return [b.code for b in blockers(election)]


def blocker(election, code):
    found = [b for b in blockers(election) if b.code == code]
    assert len(found) == 1, codes(election)
    return found[0]


# ---------------------------------------------------------------- seat plans


def test_a_seat_plan_of_ten_is_out_of_limits_and_cannot_be_approved(org, users):
    election = factories.election(org["community"], seats={"chair": 1, "vice_chair": 1, "member": 8},
                                  approved=False)
    assert {"seat_plan_out_of_limits", "seat_plan_not_approved"} <= set(codes(election))
    assert "10 人" in blocker(election, "seat_plan_out_of_limits").message
    with pytest.raises(ApplicationError) as caught:
        services.seat_plan_approve(actor=users["district_admin"], election=election)
    assert "seats" in caught.value.errors
    assert Election.objects.get(pk=election.pk).seat_plan_approved_at is None
    assert not Event.objects.filter(election=election, action="seat_plan.approve").exists()


@pytest.mark.parametrize(("rulebook", "members", "approvable"), [
    ("party-branch-general", 6, False),  # 党总支: 8 > 7
    ("party-branch-general", 5, True),   # 7
    ("party-general", 6, True),          # 党委: 8 is within 5–9
])
def test_the_party_branch_preset_allows_at_most_seven(org, users, rulebook, members, approvable):
    election = factories.election(org["community"], body="party_committee", rulebook=rulebook, approved=False,
                                  seats={"secretary": 1, "deputy_secretary": 1, "member": members})
    if approvable:
        services.seat_plan_approve(actor=users["district_admin"], election=election)
        assert "seat_plan_not_approved" not in codes(election)
        assert "seat_plan_out_of_limits" not in codes(election)
    else:
        with pytest.raises(ApplicationError) as caught:
            services.seat_plan_approve(actor=users["district_admin"], election=election)
        assert "5–7" in caught.value.errors["seats"][0]
        assert "seat_plan_out_of_limits" in codes(election)


# ---------------------------------------------------------------- rulebook adoption


def adopt(actor, election, **kw):
    fields = {"meeting": "representatives_meeting", "held_on": MEETING, "expected": 40, "present": 30,
              "votes_for": 25, "published_on": dt.date(2026, 2, 22), **kw}
    return services.rulebook_adoption_record(actor=actor, election=election, **fields)


def adoption_codes(election):
    return [c for c in codes(election) if c.startswith("rulebook_")]


def test_exactly_half_attending_is_not_a_meeting(org, clerk):
    election = factories.election(org["community"], prepared=False)
    adopt(clerk, election, expected=40, present=20, votes_for=20)
    assert adoption_codes(election) == ["rulebook_meeting_not_quorate"]
    assert "实到 20 人" in blocker(election, "rulebook_meeting_not_quorate").message
    assert "会议无效" in Event.objects.get(election=election, action="rulebook.adopt").summary
    adopt(clerk, election, expected=40, present=21, votes_for=20)
    assert adoption_codes(election) == []


def test_exactly_half_in_favour_does_not_pass_and_one_more_does(org, clerk):
    election = factories.election(org["community"], prepared=False)
    adopt(clerk, election, present=30, votes_for=15, votes_against=10, abstentions=5)
    assert adoption_codes(election) == ["rulebook_votes_insufficient"]
    assert "未获通过" in Event.objects.filter(election=election, action="rulebook.adopt").last().summary
    adopt(clerk, election, present=30, votes_for=16, votes_against=9, abstentions=5)
    assert adoption_codes(election) == []
    assert "获得通过" in Event.objects.filter(election=election, action="rulebook.adopt").last().summary
    assert RulebookAdoption.objects.count() == 1  # corrected in place


def test_a_failed_meeting_is_not_reported_as_adopted_but_unpublished(org, users, clerk):
    """A meeting that was not quorate (or voted the rulebook down) adopted nothing that could be published."""
    election = factories.election(org["community"], prepared=False)
    adopt(clerk, election, expected=40, present=18, votes_for=18, published_on=None)
    assert adoption_codes(election) == ["rulebook_meeting_not_quorate"]
    adopt(clerk, election, present=30, votes_for=10, published_on=None)
    assert adoption_codes(election) == ["rulebook_votes_insufficient"]
    services.election_update(actor=users["street_staff"], election=election, rule_overrides={"proxy_limit": 2})
    assert adoption_codes(election) == ["rulebook_votes_insufficient"]
    for b in blockers(election):
        assert "已审议通过" not in b.message and "会议通过选举办法后" not in b.message


def test_an_adopted_but_unpublished_rulebook_blocks(org, clerk):
    election = factories.election(org["community"], prepared=False)
    adopt(clerk, election, published_on=None)
    assert adoption_codes(election) == ["rulebook_not_published"]
    adopt(clerk, election, published_on=TODAY)
    assert adoption_codes(election) == []


def test_changing_the_rules_after_adoption_needs_a_new_meeting(org, users, clerk):
    election = factories.election(org["community"], prepared=False)
    adopt(clerk, election)
    street = users["street_staff"]
    # an override equal to the preset's value changes nothing the meeting voted on
    services.election_update(actor=street, election=election, rule_overrides={"proxy_limit": 3})
    assert adoption_codes(election) == []
    services.election_update(actor=street, election=election, rule_overrides={"proxy_limit": 2})
    assert adoption_codes(election) == ["rulebook_changed_since_adoption"]
    assert "proxy_limit" in blocker(election, "rulebook_changed_since_adoption").message
    adopt(clerk, Election.objects.get(pk=election.pk))  # the meeting adopts the changed rulebook
    assert adoption_codes(election) == []
    assert RulebookAdoption.objects.get().adopted_rules["proxy_limit"] == 2


def test_work_plan_switches_are_not_part_of_the_adopted_text(org, users, clerk):
    election = factories.election(org["community"], prepared=False)
    adopt(clerk, election)
    services.election_update(actor=users["street_staff"], election=election,
                             rule_overrides={"rectification_required": False, "audit_required": False})
    assert adoption_codes(election) == []


def test_switching_the_rulebook_after_adoption_needs_a_new_meeting(org, users, clerk):
    from elections.models import Rulebook

    election = factories.election(org["community"], prepared=False)
    adopt(clerk, election)
    services.election_update(actor=users["street_staff"], election=election,
                             rulebook=Rulebook.objects.get(code="rc-by-election"))
    assert "rulebook_changed_since_adoption" in adoption_codes(election)


def test_inconsistent_meeting_figures_are_refused_field_by_field(org, clerk):
    election = factories.election(org["community"], prepared=False)
    with pytest.raises(ApplicationError) as caught:
        adopt(clerk, election, expected=40, present=41, votes_for=41)
    assert caught.value.status == 400
    assert "present" in caught.value.errors
    with pytest.raises(ApplicationError) as caught:
        adopt(clerk, election, present=30, votes_for=20, votes_against=8, abstentions=3,
              held_on=TODAY + dt.timedelta(days=1), published_on=TODAY + dt.timedelta(days=2), meeting="party")
    assert set(caught.value.errors) == {"votes_for", "held_on", "published_on", "meeting"}
    with pytest.raises(ApplicationError) as caught:
        adopt(clerk, election, held_on=MEETING, published_on=MEETING - dt.timedelta(days=1))
    assert set(caught.value.errors) == {"published_on"}
    assert not RulebookAdoption.objects.exists()
    assert not Event.objects.filter(action="rulebook.adopt").exists()


def test_the_database_refuses_more_present_than_expected(org, clerk):
    election = factories.election(org["community"], prepared=False)
    adoption = adopt(clerk, election)
    adoption.present = adoption.expected + 1
    with pytest.raises(IntegrityError), transaction.atomic():
        adoption.save()


def test_a_party_election_adopts_its_rules_at_the_members_meeting(org, clerk):
    party = factories.election(org["community"], body="party_committee", prepared=False)
    with pytest.raises(ApplicationError, match="党员大会"):
        adopt(clerk, party)
    assert not RulebookAdoption.objects.exists()


def test_the_adoption_is_recorded_only_in_preparation(org, clerk):
    election = factories.election(org["community"], stage="nomination")
    with pytest.raises(Conflict, match="只能在准备阶段"):
        adopt(clerk, election, votes_for=29)
    assert RulebookAdoption.objects.get(election=election).votes_for == 30  # the factory's record, untouched


# ---------------------------------------------------------------- the party request and the street's reply


def submit(actor, election, **kw):
    fields = {"meeting_kind": "members_meeting", "recommendation_method": "党员推荐、群众推荐，街道党工委审核", **kw}
    return services.party_request_submit(actor=actor, election=election, **fields)


def test_the_party_request_from_missing_to_approved(org, users, clerk, street):
    election = factories.election(org["community"], body="party_committee", prepared=False)
    assert "party_request_missing" in codes(election)

    first = submit(clerk, election, submitted_on=dt.date(2026, 2, 24))
    assert "party_request_pending" in codes(election) and "party_request_missing" not in codes(election)
    assert Notification.objects.filter(user=street, key=f"party_request:{first.pk}:submitted").exists()
    assert not Notification.objects.filter(user=users["other_street_staff"]).exists()
    with pytest.raises(Conflict, match="正在等待批复"):
        submit(clerk, election)

    reason = "推荐产生办法未写明党员推荐票的有效条件"
    services.party_request_decide(actor=street, request=first, decision="return", reply=reason)
    assert reason in blocker(election, "party_request_returned").message
    assert "party_request_pending" not in codes(election)
    assert Notification.objects.filter(user=clerk, key=f"party_request:{first.pk}:returned").exists()
    with pytest.raises(Conflict, match="不能再次批复"):
        services.party_request_decide(actor=street, request=first, decision="approve")

    second = submit(clerk, election, recommendation_method="党员推荐票过半数方为有效，其余同前")
    assert "party_request_pending" in codes(election) and "party_request_returned" not in codes(election)
    services.party_request_decide(actor=street, request=second, decision="approve", reply="同意")
    assert not [c for c in codes(election) if c.startswith("party_request")]
    second.refresh_from_db()
    assert (second.status, second.decided_by, second.decided_on) == ("approved", street, TODAY)
    with pytest.raises(Conflict, match="已批复同意"):
        submit(clerk, election)
    with pytest.raises(Conflict, match="不能再次批复"):
        services.party_request_decide(actor=street, request=second, decision="return", reply="改主意")
    actions = list(Event.objects.filter(election=election).order_by("seq").values_list("action", flat=True))
    assert actions == ["party_request.submit", "party_request.return", "party_request.submit",
                       "party_request.approve"]
    # once replied to, the street's "waiting for a reply" notices no longer show as unread
    for request in (first, second):
        waiting = Notification.objects.get(user=street, key=f"party_request:{request.pk}:submitted")
        assert waiting.read_at is not None


def test_a_return_must_give_its_reasons(org, clerk, street):
    election = factories.election(org["community"], body="party_committee", prepared=False)
    request = submit(clerk, election)
    with pytest.raises(ApplicationError) as caught:
        services.party_request_decide(actor=street, request=request, decision="return", reply="  ")
    assert set(caught.value.errors) == {"reply"}
    assert PartyRequest.objects.get(pk=request.pk).status == "submitted"
    with pytest.raises(ApplicationError) as caught:
        services.party_request_decide(actor=street, request=request, decision="maybe")
    assert "decision" in caught.value.errors


def test_request_dates_are_checked(org, clerk, street):
    election = factories.election(org["community"], body="party_committee", prepared=False)
    with pytest.raises(ApplicationError) as caught:
        submit(clerk, election, submitted_on=TODAY + dt.timedelta(days=1), recommendation_method=" ",
               meeting_kind="congress")
    assert set(caught.value.errors) == {"submitted_on", "recommendation_method", "meeting_kind"}
    request = submit(clerk, election, submitted_on=dt.date(2026, 2, 24))
    with pytest.raises(ApplicationError) as caught:
        services.party_request_decide(actor=street, request=request, decision="approve",
                                      decided_on=dt.date(2026, 2, 23))
    assert set(caught.value.errors) == {"decided_on"}


def test_only_party_elections_send_a_request(org, clerk):
    rc = factories.election(org["community"], prepared=False)
    with pytest.raises(ApplicationError, match="只有社区党组织换届"):
        submit(clerk, rc)
    assert not PartyRequest.objects.exists()


def test_a_clerk_submits_but_never_decides(org, users, clerk):
    election = factories.election(org["community"], body="party_committee", prepared=False)
    request = submit(clerk, election)
    for who in ("community_clerk", "district_admin", "district_reviewer", "other_street_staff"):
        with pytest.raises(PermissionDenied):
            services.party_request_decide(actor=users[who], request=request, decision="approve")
    assert PartyRequest.objects.get(pk=request.pk).status == "submitted"


# ---------------------------------------------------------------- rectification


def flag(actor, campaign, community, **kw):
    fields = {"category": "weak_lax", "problems": "班子不团结，党组织书记长期空缺",
              "plan": "街道党工委书记包联，选派第一书记，两个月内整顿到位", "responsible": "街道党工委书记", **kw}
    return services.rectification_flag(actor=actor, campaign=campaign, community=community, **fields)


def test_a_flagged_community_blocks_both_its_elections_until_done(org, users, street):
    camp = factories.campaign(org["street"])
    party = factories.election(org["community"], camp, body="party_committee")
    rc = factories.election(org["community"], camp)
    sibling = factories.election(org["sibling"], camp)
    elsewhere = factories.election(org["community"])  # the same community in another campaign
    for e in (party, rc, sibling, elsewhere):
        assert codes(e) == []

    item = flag(street, camp, org["community"])
    assert codes(party) == ["rectification_open"] and codes(rc) == ["rectification_open"]
    assert codes(sibling) == [] and codes(elsewhere) == []
    message = blocker(rc, "rectification_open").message
    assert "软弱涣散" in message and "班子不团结" in message
    assert Event.objects.filter(action="rectification.flag", election__in=[party, rc]).count() == 2
    assert not Event.objects.filter(action="rectification.flag", election__in=[sibling, elsewhere]).exists()

    with pytest.raises(ApplicationError) as caught:
        services.rectification_complete(actor=street, rectification=item, note="")
    assert "note" in caught.value.errors
    services.rectification_complete(actor=street, rectification=item, note="选派第一书记到位，书记已配齐")
    assert codes(party) == [] and codes(rc) == []
    item.refresh_from_db()
    assert (item.completed_on, item.completed_by) == (TODAY, street)
    with pytest.raises(Conflict, match="已于"):
        services.rectification_complete(actor=street, rectification=item, note="再次确认")
    assert Event.objects.filter(action="rectification.complete").count() == 2


def test_two_open_rectifications_are_both_shown_and_both_must_close(org, street, users):
    camp = factories.campaign(org["street"])
    rc = factories.election(org["community"], camp)
    weak = flag(street, camp, org["community"])
    hard = flag(users["district_admin"], camp, org["community"], category="key_difficult",
                problems="历史遗留拆迁矛盾集中")
    message = blocker(rc, "rectification_open").message
    assert "软弱涣散" in message and "重点难点" in message
    services.rectification_complete(actor=street, rectification=weak, note="已整顿")
    assert "重点难点" in blocker(rc, "rectification_open").message
    services.rectification_complete(actor=street, rectification=hard, note="矛盾已化解")
    assert codes(rc) == []


def test_rectification_can_be_switched_off_by_the_rulebook(org, users, street):
    camp = factories.campaign(org["street"])
    party = factories.election(org["community"], camp, body="party_committee")
    rc = factories.election(org["community"], camp)
    flag(street, camp, org["community"])
    services.election_update(actor=street, election=party, rule_overrides={"rectification_required": False})
    assert codes(party) == []
    assert codes(rc) == ["rectification_open"]


def test_a_rectification_is_flagged_before_any_election_exists(org, street):
    camp = factories.campaign(org["street"])
    flag(street, camp, org["community"])
    event = Event.objects.get(action="rectification.flag")
    assert event.election_id is None and event.jurisdiction_id == org["community"].pk
    later = factories.election(org["community"], camp)
    assert codes(later) == ["rectification_open"]


def test_flagging_checks_its_input(org, users, street):
    camp = factories.campaign(org["street"])
    with pytest.raises(ApplicationError) as caught:
        flag(street, camp, org["community"], category="bad", problems="", plan=" ",
             flagged_on=TODAY + dt.timedelta(days=1))
    assert set(caught.value.errors) == {"category", "problems", "plan", "flagged_on"}
    with pytest.raises(ApplicationError) as caught:
        flag(users["district_admin"], camp, org["other_community"])  # not in this street's campaign
    assert "community" in caught.value.errors
    with pytest.raises(ApplicationError) as caught:
        flag(users["district_admin"], camp, org["street"])
    assert "community" in caught.value.errors
    assert not Rectification.objects.exists()


def test_clerks_neither_flag_nor_complete(org, users, street):
    camp = factories.campaign(org["street"])
    with pytest.raises(PermissionDenied):
        flag(users["community_clerk"], camp, org["community"])
    item = flag(street, camp, org["community"])
    with pytest.raises(PermissionDenied):
        services.rectification_complete(actor=users["community_clerk"], rectification=item, note="自己说好了")
    assert Rectification.objects.get().completed_on is None


# ---------------------------------------------------------------- the trail


def test_every_preparation_write_is_chained_in_the_elections_trail(org, users, clerk, street):
    camp = factories.campaign(org["street"])
    rc = factories.election(org["community"], camp, prepared=False)
    party = factories.election(org["community"], camp, body="party_committee", prepared=False)
    adopt(clerk, rc)
    request = submit(clerk, party)
    services.party_request_decide(actor=street, request=request, decision="approve")
    item = flag(street, camp, org["community"])
    services.rectification_complete(actor=street, rectification=item, note="整顿到位")
    assert Counter(Event.objects.filter(election=rc).values_list("action", flat=True)) == Counter(
        ["rulebook.adopt", "rectification.flag", "rectification.complete"])
    assert Counter(Event.objects.filter(election=party).values_list("action", flat=True)) == Counter(
        ["party_request.submit", "party_request.approve", "rectification.flag", "rectification.complete"])
    adoption_event = Event.objects.get(action="rulebook.adopt")
    assert adoption_event.actor == clerk and adoption_event.after["present"] == 30
    approve = Event.objects.get(action="party_request.approve")
    assert (approve.before["status"], approve.after["status"]) == ("submitted", "approved")
    for e in (rc, party):
        assert trail.verify_chain(trail.chain_key(e.pk)) == []
    assert trail.verify_all()[1] == []

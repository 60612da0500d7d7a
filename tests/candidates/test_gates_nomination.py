"""The candidates-owned gates of nomination, vetting and publicity, read back through the registry.

Other apps register gates of the same stages (vetting: every nomination decided; publicity: the publicity
period), so the assertions look at the codes this app owns.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates.models import CandidateList, Pledge, RecommendationMeeting, RecommendationVote, Talk
from elections import gates
from elections.models import Election
from tests import factories

pytestmark = pytest.mark.django_db

OWN = {
    "nominations_insufficient", "recommendation_meeting_missing", "recommendation_meeting_invalid",
    "nominee_underage", "nominee_age_unknown", "nominee_relatives", "approved_insufficient", "candidate_list_missing",
    "candidate_margin", "pledge_missing", "talk_missing", "candidate_list_not_approved",
}


def blockers(election):
    fresh = Election.objects.select_related("rulebook", "community", "campaign").get(pk=election.pk)
    return [b for b in gates.blockers_for(fresh) if b.code in OWN]


def codes(election):
    return sorted(b.code for b in blockers(election))


def blocker(election, code):
    [found] = [b for b in blockers(election) if b.code == code]
    return found


def meetings(election, expected=(60, 40), present=(50, 30)):
    who = factories.recorder()
    for kind, e, p in zip(("party_members", "representatives"), expected, present, strict=True):
        RecommendationMeeting.objects.create(election=election, kind=kind, expected=e, present=p, ballots=p,
                                             recorded_by=who)


# ---------------------------------------------------------------- nomination


def test_rc_nomination_gate(org):
    election = factories.election(org["community"], stage="nomination")
    assert codes(election) == ["nominations_insufficient"]
    message = blocker(election, "nominations_insufficient").message
    assert "主任应选 1 名，现有候选人 0 名，至少须 2 名。" in message
    assert "委员应选 5 名，现有候选人 0 名，至少须 6 名。" in message
    factories.approved_slate(election, status="reviewing")
    assert codes(election) == []


def test_rc_nomination_gate_counts_only_live_nominations(org):
    election = factories.election(org["community"], stage="nomination")
    factories.approved_slate(election, status="reviewing")
    factories.nominate(election, position="chair", status="withdrawn")
    assert codes(election) == []
    chair = election.nominations.filter(position="chair", status="reviewing").first()
    chair.status = "withdrawn"
    chair.save()
    assert codes(election) == ["nominations_insufficient"]


def test_party_nomination_gate(org):
    election = factories.election(org["community"], body="party_committee", stage="nomination")
    assert codes(election) == ["nominations_insufficient", "recommendation_meeting_missing"]
    factories.approved_slate(election, status="reviewing")
    assert election.nominations.count() == 9  # 7 seats + 20%, rounded up
    assert codes(election) == ["recommendation_meeting_missing"]
    meetings(election, present=(30, 21))  # the party members' meeting: exactly half
    assert codes(election) == ["recommendation_meeting_invalid"]
    assert "党员推荐会议应到 60 人、实到 30 人" in blocker(election, "recommendation_meeting_invalid").message
    RecommendationMeeting.objects.filter(election=election, kind="party_members").update(present=31)
    assert codes(election) == []


def test_party_preliminary_margin_of_thirty_percent(org):
    election = factories.election(org["community"], body="party_committee", stage="nomination",
                                  rule_overrides={"preliminary_margin": "30%"})
    meetings(election)
    factories.nominate(election, position="secretary")
    factories.nominate(election, position="deputy_secretary")
    factories.nominated(election, 7)
    assert codes(election) == ["nominations_insufficient"]
    assert "至少须 10 名" in blocker(election, "nominations_insufficient").message
    factories.nominate(election)
    assert codes(election) == []


def test_underage_nominee_blocks_the_nomination_stage(org):
    election = factories.election(org["community"], stage="nomination")
    factories.approved_slate(election, status="reviewing")
    young = factories.nominee(org["community"], name="小明", birth=dt.date(2012, 1, 11))
    factories.nominate(election, person=young)
    assert codes(election) == ["nominee_underage"]
    assert "小明（17 周岁）" in blocker(election, "nominee_underage").message


def test_nominees_without_an_election_day_block_the_nomination_stage(org):
    election = factories.election(org["community"], stage="nomination", election_day=None)
    assert codes(election) == ["nominations_insufficient"]  # no nominee: nothing to check yet
    factories.approved_slate(election, status="reviewing")
    assert codes(election) == ["nominee_age_unknown"]
    found = blocker(election, "nominee_age_unknown")
    assert found.message.startswith("尚未确定选举日，无法核对 10 名被提名人在选举日是否年满 18 周岁：")
    assert found.source == "城市居民委员会组织法 第八条"
    Election.objects.filter(pk=election.pk).update(election_day=dt.date(2030, 1, 10))
    assert codes(election) == []


def test_supervision_nomination_gate(org):
    election = factories.election(org["community"], body="supervision_committee", stage="nomination",
                                  seats={"chair": 1, "member": 2})
    assert codes(election) == ["nominations_insufficient"]
    factories.approved_slate(election, status="reviewing")
    assert codes(election) == []


def test_by_election_may_be_uncontested(org):
    election = factories.election(org["community"], kind="by_election", stage="nomination",
                                  seats={"member": 2})
    factories.nominated(election, 2)
    assert codes(election) == []


# ---------------------------------------------------------------- vetting


def test_near_relatives_across_the_two_committees(org):
    rc = factories.election(org["community"], stage="vetting")
    party = factories.election(org["community"], camp=rc.campaign, body="party_committee", stage="vetting")
    factories.approved_slate(rc)
    factories.approved_slate(party)
    assert codes(rc) == [] and codes(party) == []
    father = factories.nominee(org["community"], name="张父")
    son = factories.nominee(org["community"], name="张子")
    factories.relate(father, son, "child")
    factories.nominate(party, person=father, status="approved")
    factories.nominate(rc, person=son, position="chair", status="approved")
    assert codes(rc) == ["nominee_relatives"] and codes(party) == ["nominee_relatives"]
    message = blocker(rc, "nominee_relatives").message
    assert message == ("近亲属不得在同一社区同时被提名（两委合并）：张子（居民委员会主任）与"
                       "张父（社区党组织委员会委员）。")
    assert blocker(rc, "nominee_relatives").source == "seeds 000, 003"
    # a relative in another community, or one no longer live, does not count
    father_nomination = party.nominations.get(person=father)
    father_nomination.status = "rejected"
    father_nomination.save()
    assert codes(rc) == []


def test_near_relatives_are_checked_again_in_the_publicity_stage(org):
    """A replacement (递补) approved during the publicity is checked like the others."""
    names = {(g.stage, g.name) for g in gates.registered()}
    assert ("publicity", "nominee_relatives") in names
    election = factories.election(org["community"], stage="publicity")
    listed = factories.formal_list(election)
    assert codes(election) == []
    wife = factories.nominee(org["community"], name="白妻")
    factories.relate(listed[0].person, wife, "spouse")
    factories.nominate(election, person=wife, status="approved")
    assert codes(election) == ["nominee_relatives"]
    assert f"{wife.name}（居民委员会委员）" in blocker(election, "nominee_relatives").message


def test_relatives_in_another_campaign_do_not_count(org):
    rc = factories.election(org["community"], stage="vetting")
    later = factories.election(org["community"], body="party_committee", stage="vetting")  # its own campaign
    factories.approved_slate(rc)
    factories.approved_slate(later)
    a, b = factories.nominee(org["community"]), factories.nominee(org["community"])
    factories.relate(a, b, "sibling")
    factories.nominate(rc, person=a, status="approved")
    factories.nominate(later, person=b, status="approved")
    assert codes(rc) == [] and codes(later) == []


def test_relative_avoidance_can_be_switched_off(org):
    rc = factories.election(org["community"], stage="vetting",
                            rule_overrides={"candidate_relative_avoidance": False})
    factories.approved_slate(rc)
    a, b = factories.nominee(org["community"]), factories.nominee(org["community"])
    factories.relate(a, b, "spouse")
    factories.nominate(rc, person=a, status="approved")
    factories.nominate(rc, person=b, status="approved")
    assert codes(rc) == []


def test_approved_insufficient_per_body(org):
    rc = factories.election(org["community"], stage="vetting")
    party = factories.election(org["sibling"], body="party_committee", stage="vetting")
    factories.approved_slate(rc, status="reviewing")
    factories.approved_slate(party, status="reviewing")
    assert codes(rc) == ["approved_insufficient"] and codes(party) == ["approved_insufficient"]
    rc.nominations.update(status="approved", level="")
    party.nominations.update(status="approved", level="")
    assert codes(rc) == [] and codes(party) == []
    party.nominations.filter(position="member").first().delete()
    assert "委员会应选 7 名（书记、副书记、委员合计），现有候选人 8 名，至少须 9 名。" in blocker(
        party, "approved_insufficient").message


# ---------------------------------------------------------------- publicity


def test_rc_publicity_gate(org):
    election = factories.election(org["community"], stage="publicity")
    assert codes(election) == ["candidate_list_missing"]
    factories.formal_list(election, pledged=False, talked=False)
    assert codes(election) == ["pledge_missing", "talk_missing"]
    who = factories.recorder()
    for c in election.candidates.select_related("nomination", "person"):
        Pledge.objects.create(nomination=c.nomination, signed_on=dt.date(2026, 1, 6), recorded_by=who)
    talked = election.candidates.select_related("person").first()
    for c in election.candidates.exclude(pk=talked.pk).select_related("person"):
        Talk.objects.create(campaign=election.campaign, community=election.community, person=c.person,
                            held_on=dt.date(2026, 1, 6), interviewers="书记", recorded_by=who)
    assert codes(election) == ["talk_missing"]
    assert talked.person.name in blocker(election, "talk_missing").message


def test_rc_margin_both_bounds_on_the_formal_list(org):
    election = factories.election(org["community"], stage="publicity")
    factories.formal_list(election)
    assert codes(election) == []
    extra = [factories.nominate(election, position="chair", status="approved") for _ in range(2)]
    del extra
    factories.formal_list(election)
    assert codes(election) == ["candidate_margin"]
    assert "主任应选 1 名，现有候选人 4 名，至多 3 名。" in blocker(election, "candidate_margin").message
    election.candidates.filter(position="vice_chair").delete()
    assert "副主任应选 1 名，现有候选人 0 名，至少须 2 名。" in blocker(election, "candidate_margin").message


def test_party_publicity_gate_needs_the_streets_approval(org):
    election = factories.election(org["community"], body="party_committee", stage="publicity")
    assert codes(election) == ["candidate_list_missing"]
    factories.formal_list(election, approve=False)
    assert codes(election) == ["candidate_list_not_approved"]
    assert "尚未报" in blocker(election, "candidate_list_not_approved").message
    CandidateList.objects.create(election=election, approval="returned", approval_reply="年龄结构不合理")
    assert "年龄结构不合理" in blocker(election, "candidate_list_not_approved").message
    CandidateList.objects.filter(election=election).update(approval="approved")
    assert codes(election) == []


def test_pledges_and_talks_not_required_by_the_rulebook(org):
    election = factories.election(org["community"], stage="publicity",
                                  rule_overrides={"pledge_required": False, "talk_required": False})
    factories.formal_list(election, pledged=False, talked=False)
    assert codes(election) == []


# ---------------------------------------------------------------- bulk collection


@pytest.mark.parametrize("stage", ["nomination", "vetting", "publicity"])
def test_collectors_read_any_number_of_elections_in_fixed_queries(org, stage):
    def make(n):
        made = []
        for _ in range(n):
            community = factories.jurisdiction(level="community", parent=org["street"])
            rc = factories.election(community, stage=stage)
            party = factories.election(community, camp=rc.campaign, body="party_committee", stage=stage)
            for e in (rc, party):
                factories.formal_list(e) if stage == "publicity" else factories.approved_slate(e)
                if e.body == "party_committee":
                    meetings(e)
                    RecommendationVote.objects.create(meeting=e.recommendation_meetings.first(),
                                                      person=e.nominations.first().person, votes=40)
            made += [rc, party]
        return made

    def count(elections):
        fresh = list(Election.objects.filter(pk__in=[e.pk for e in elections])
                     .select_related("rulebook", "community", "campaign").prefetch_related("seats"))
        with CaptureQueriesContext(connection) as ctx:
            result = gates.evaluate(fresh)
        assert all(not [b for b in found if b.code in OWN] for found in result.values())
        return len(ctx.captured_queries)

    few = make(1)
    small = count(few)
    large = count(few + make(4))
    assert small == large

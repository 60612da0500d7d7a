"""The gates the candidates app owns, registered with the elections app's registry in ready().

Preparation: every incumbent audited with the result published; the residents' election committee of
the allowed size, odd, with a chair and no near relatives. The committee is checked again before leaving
nomination, because members nominated as candidates withdraw during it.

Nomination: enough live nominations for the margin (party: the 两推 preliminary list's size), both 两推
meetings recorded and valid (party), no nominee under age (nor of unknown age: no election day). Vetting: no
near relatives among the live nominations of a community (both committees), enough approved nominations for
the margin. Publicity: no near relatives again (递补 approved meanwhile); the formal list exists, holds the
margin, every candidate pledged and talked, the street approved it (party).
Every collector reads any number of elections in a fixed number of queries.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from elections import gates

from . import rules
from .models import (
    Audit,
    Candidate,
    CandidateList,
    CommitteeMember,
    Incumbent,
    Nomination,
    Pledge,
    RecommendationMeeting,
)
from .selectors import name_pairs, near_relative_pairs


def collect_audits(elections: list[Any]) -> dict[int, rules.AuditFacts]:
    ids = [e.pk for e in elections]
    incumbents: dict[int, list[Incumbent]] = {pk: [] for pk in ids}
    for incumbent in Incumbent.objects.filter(election__in=ids).select_related("person").order_by("id"):
        incumbents[incumbent.election_id].append(incumbent)
    audits = {
        (a.campaign_id, a.community_id, a.person_id): a
        for a in Audit.objects.filter(
            campaign__in={e.campaign_id for e in elections},
            community__in={e.community_id for e in elections},
            person__in={i.person_id for rows in incumbents.values() for i in rows},
        )
    }
    today = timezone.localdate()
    facts: dict[int, rules.AuditFacts] = {}
    for e in elections:
        rows = []
        for incumbent in incumbents[e.pk]:
            audit = audits.get((e.campaign_id, e.community_id, incumbent.person_id))
            rows.append(rules.IncumbentAudit(
                name=incumbent.person.name, audited=audit is not None,
                published_on=audit.published_on if audit else None,
                findings=audit.findings if audit else "", handling=audit.handling if audit else "",
            ))
        facts[e.pk] = rules.AuditFacts(tuple(rows), today)
    return facts


def collect_committee(elections: list[Any]) -> dict[int, rules.CommitteeFacts]:
    ids = [e.pk for e in elections]
    members: dict[int, list[CommitteeMember]] = {pk: [] for pk in ids}
    for member in CommitteeMember.objects.filter(election__in=ids).select_related("person").order_by("id"):
        members[member.election_id].append(member)
    serving_people = [m.person_id for rows in members.values() for m in rows
                      if m.active and m.role in rules.SERVING_ROLES]
    pairs = near_relative_pairs(serving_people) if serving_people else set()
    facts: dict[int, rules.CommitteeFacts] = {}
    for e in elections:
        seats = tuple(rules.CommitteeSeat(m.pk, m.person_id, m.person.name, m.role, m.votes, m.active)
                      for m in members[e.pk])
        seated = {s.person_id: s.name for s in rules.serving(seats)}
        facts[e.pk] = rules.CommitteeFacts(seats, tuple(name_pairs(pairs, seated)))
    return facts


def _seats(elections: list[Any]) -> dict[int, dict[str, int]]:
    from elections.models import Seat

    seats: dict[int, dict[str, int]] = {e.pk: {} for e in elections}
    for election_id, position, count in Seat.objects.filter(election__in=[e.pk for e in elections]).values_list(
            "election_id", "position", "count"):
        seats[election_id][position] = count
    return seats


def _sources(election: Any) -> dict[str, str]:
    return dict(election.rulebook.sources or {})


def _live(elections: list[Any], **extra: Any) -> dict[int, list[Nomination]]:
    rows: dict[int, list[Nomination]] = {e.pk: [] for e in elections}
    for n in Nomination.objects.filter(election__in=list(rows), **extra).select_related("person").order_by("id"):
        rows[n.election_id].append(n)
    return rows


def _count(nominations: list[Nomination]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for n in nominations:
        counts[n.position] = counts.get(n.position, 0) + 1
    return counts


def collect_nomination(elections: list[Any]) -> dict[int, rules.NominationGateFacts]:
    """Three queries: seats, live nominations (with people), 两推 meetings."""
    seats = _seats(elections)
    live = _live(elections, status__in=rules.LIVE_STATUSES)
    meetings: dict[int, list[rules.MeetingFacts]] = {e.pk: [] for e in elections}
    for m in RecommendationMeeting.objects.filter(election__in=list(meetings)).order_by("kind"):
        meetings[m.election_id].append(rules.MeetingFacts(m.kind, m.expected, m.present))
    return {
        e.pk: rules.NominationGateFacts(
            body=e.body, seats=seats[e.pk], counts=_count(live[e.pk]), election_day=e.election_day,
            nominees=tuple(rules.NomineeAge(n.person.name, n.person.birth_date) for n in live[e.pk]),
            meetings=tuple(meetings[e.pk]), sources=_sources(e),
        )
        for e in elections
    }


def collect_relatives(elections: list[Any]) -> dict[int, rules.RelativesFacts]:
    """Two queries: the live nominations of every election of the same campaigns and communities, and the
    near-relative links among their people."""
    places = {(e.campaign_id, e.community_id) for e in elections}
    rows: dict[tuple[int, int], list[Nomination]] = {place: [] for place in places}
    for n in (Nomination.objects.filter(status__in=rules.LIVE_STATUSES,
                                        election__campaign_id__in={c for c, _ in places},
                                        election__community_id__in={c for _, c in places})
              .select_related("person", "election").order_by("id")):
        key = (n.election.campaign_id, n.election.community_id)
        if key in rows:
            rows[key].append(n)
    people = list({n.person_id for nominations in rows.values() for n in nominations})
    pairs = near_relative_pairs(people) if people else set()
    facts: dict[int, rules.RelativesFacts] = {}
    for e in elections:
        first: dict[int, rules.RelativeNominee] = {}
        for n in rows[(e.campaign_id, e.community_id)]:
            first.setdefault(n.person_id, rules.RelativeNominee(n.person.name, n.election.body, n.position))
        found = sorted(
            (tuple(sorted((first[x], first[y]), key=lambda r: r.name)) for x, y in (tuple(p) for p in pairs)
             if x in first and y in first),
            key=lambda pair: (pair[0].name, pair[1].name),
        )
        facts[e.pk] = rules.RelativesFacts(e.body, tuple(found), _sources(e))
    return facts


def collect_approved(elections: list[Any]) -> dict[int, rules.ApprovedFacts]:
    """Two queries: seats and approved nominations."""
    seats = _seats(elections)
    counts: dict[int, dict[str, int]] = {e.pk: {} for e in elections}
    for election_id, position in Nomination.objects.filter(
            election__in=list(counts), status="approved").values_list("election_id", "position"):
        counts[election_id][position] = counts[election_id].get(position, 0) + 1
    return {e.pk: rules.ApprovedFacts(e.body, seats[e.pk], counts[e.pk], _sources(e)) for e in elections}


def collect_candidate_list(elections: list[Any]) -> dict[int, rules.CandidateListFacts]:
    """Five queries: seats, candidates (with people), pledges, talks, list approvals."""
    from .models import Talk

    seats = _seats(elections)
    ids = [e.pk for e in elections]
    candidates: dict[int, list[Candidate]] = {pk: [] for pk in ids}
    for c in Candidate.objects.filter(election__in=ids).select_related("person").order_by("position", "order", "id"):
        candidates[c.election_id].append(c)
    every = [c for rows in candidates.values() for c in rows]
    pledged = set(Pledge.objects.filter(nomination__in=[c.nomination_id for c in every])
                  .values_list("nomination_id", flat=True))
    talked = set(Talk.objects.filter(
        campaign_id__in={e.campaign_id for e in elections}, community_id__in={e.community_id for e in elections},
        person_id__in={c.person_id for c in every},
    ).values_list("campaign_id", "community_id", "person_id"))
    lists = {cl.election_id: cl for cl in CandidateList.objects.filter(election__in=ids)}
    facts: dict[int, rules.CandidateListFacts] = {}
    for e in elections:
        cl = lists.get(e.pk)
        facts[e.pk] = rules.CandidateListFacts(
            body=e.body, seats=seats[e.pk],
            candidates=tuple(rules.ListedCandidate(
                c.person.name, c.position, c.nomination_id in pledged,
                (e.campaign_id, e.community_id, c.person_id) in talked) for c in candidates[e.pk]),
            approval=cl.approval if cl else "", approval_reply=cl.approval_reply if cl else "",
            sources=_sources(e),
        )
    return facts


def register_all() -> None:
    gates.register("preparation", "incumbents_audited", "现任成员均已完成经济责任审计并公布结果",
                   collect=collect_audits, check=rules.gate_audits)
    gates.register("preparation", "election_committee", "居民选举委员会人数、单数、主任、近亲属回避",
                   collect=collect_committee, check=rules.gate_election_committee, bodies=["residents_committee"])
    gates.register("nomination", "election_committee", "居民选举委员会（成员退出递补后）仍符合规定",
                   collect=collect_committee, check=rules.gate_election_committee, bodies=["residents_committee"])
    gates.register("nomination", "nominations", "提名人数满足差额要求；党组织“两推”会议有效；被提名人年满 18 周岁",
                   collect=collect_nomination, check=rules.gate_nomination)
    gates.register("vetting", "nominee_relatives", "同一社区近亲属不同时被提名（两委合并）",
                   collect=collect_relatives, check=rules.gate_nominee_relatives)
    # replacements (递补) approved during the publicity are checked again before the formal list stands
    gates.register("publicity", "nominee_relatives", "同一社区近亲属不同时被提名（含公示期间的递补人选）",
                   collect=collect_relatives, check=rules.gate_nominee_relatives)
    gates.register("vetting", "approved_margin", "审查通过的人选满足差额要求",
                   collect=collect_approved, check=rules.gate_approved)
    gates.register("publicity", "candidate_list", "正式候选人名单、差额、纪律承诺和谈心谈话；党组织：街道批复",
                   collect=collect_candidate_list, check=rules.gate_candidate_list)

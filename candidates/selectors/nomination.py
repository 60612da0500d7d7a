"""Reads of the nomination, vetting and publicity work: nominations, 两推 results, 民主测评, the formal list,
structure previews, and the facts about nominees that the vetting queue shows (fixed number of queries)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from elections.models import Election, Seat, User
from elections.selectors import place_filter

from .. import rules
from ..models import (
    Appraisal,
    Candidate,
    CandidateList,
    CommitteeMember,
    Incumbent,
    Nomination,
    Person,
    Pledge,
    RecommendationMeeting,
    Talk,
)
from .base import _in_scope, name_pairs, name_search, near_relative_pairs

# --------------------------------------------------------------------------------------------
# Nominations
# --------------------------------------------------------------------------------------------


def nomination_list(
    *, user: User, election: Election | None = None, filters: dict[str, Any] | None = None
) -> QuerySet[Nomination]:
    """Nominations in the user's jurisdiction (of one election, or filtered by campaign, street, community,
    body, position, channel, status, level, ``live``, and ``q`` — name or pinyin initials)."""
    qs = _in_scope(Nomination.objects.select_related(
        "person", "election", "election__community", "election__community__parent", "election__campaign",
        "replaces__person", "submitted_by",
    ), user)
    if election is not None:
        qs = qs.filter(election=election)
    filters = filters or {}
    qs = place_filter(qs, filters, "election__")
    for key, lookup in [("body", "election__body"), ("position", "position"), ("channel", "channel"),
                        ("status", "status"), ("level", "level")]:
        if filters.get(key):
            qs = qs.filter(**{lookup: filters[key]})
    if filters.get("live") in {True, "1", "true", "yes"}:
        qs = qs.filter(status__in=rules.LIVE_STATUSES)
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(name_search(q, "person__"))
    return qs.order_by("election__community__path", "election__body", "position", "id")


def nomination_get(*, user: User, pk: int) -> Nomination:
    """One nomination; 404 outside the user's jurisdiction."""
    return get_object_or_404(nomination_list(user=user), pk=pk)


def candidate_get(*, user: User, pk: int) -> Candidate:
    return get_object_or_404(_in_scope(Candidate.objects.select_related(
        "person", "nomination", "election", "election__community"), user), pk=pk)


@dataclass(frozen=True)
class PositionSummary:
    position: str
    label: str
    seats: int
    low: int
    high: int | None
    live: int
    approved: int
    candidates: int


def _seat_map(election: Election) -> dict[str, int]:
    return {s.position: s.count for s in Seat.objects.filter(election=election).order_by("id")}


def nomination_summary(*, election: Election) -> list[PositionSummary]:
    """Per position: seats, the margin's bounds, live and approved nominations, formal candidates."""
    effective = election.effective_rules()
    seats = _seat_map(election)
    live: dict[str, int] = {}
    approved: dict[str, int] = {}
    for position, status in Nomination.objects.filter(election=election, status__in=rules.LIVE_STATUSES
                                                      ).values_list("position", "status"):
        live[position] = live.get(position, 0) + 1
        if status == "approved":
            approved[position] = approved.get(position, 0) + 1
    listed: dict[str, int] = {}
    for position in Candidate.objects.filter(election=election).values_list("position", flat=True):
        listed[position] = listed.get(position, 0) + 1
    rows = []
    for position, count in seats.items():
        if count <= 0:
            continue
        low, high = rules.margin_bounds(position, count, effective)
        rows.append(PositionSummary(position, rules.position_label(position), count, low, high,
                                    live.get(position, 0), approved.get(position, 0), listed.get(position, 0)))
    return rows


# --------------------------------------------------------------------------------------------
# Facts about nominees (for lists and the vetting queue)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NomineeFacts:
    age: int | None  # on election day (today when the day is not set)
    sex: str
    education: str
    party_member: bool
    incumbent: bool  # sat on one of the community's outgoing committees of this campaign
    flags: tuple[str, ...]  # keys of rules.NOMINEE_FLAGS

    @property
    def flag_labels(self) -> list[str]:
        return [rules.NOMINEE_FLAGS.get(f, f) for f in self.flags]


def nominee_facts(nominations: Sequence[Nomination]) -> dict[int, NomineeFacts]:
    """Facts per nomination id, in a fixed number of queries (six) for any number of nominations."""
    nominations = list(nominations)
    if not nominations:
        return {}
    elections = {e.pk: e for e in Election.objects.filter(pk__in={n.election_id for n in nominations})
                 .select_related("rulebook")}
    people = Person.objects.in_bulk({n.person_id for n in nominations})
    campaigns = {e.campaign_id for e in elections.values()}
    communities = {e.community_id for e in elections.values()}
    incumbents = set(Incumbent.objects.filter(
        election__campaign_id__in=campaigns, election__community_id__in=communities, person_id__in=people,
    ).values_list("election__campaign_id", "election__community_id", "person_id"))
    committee = set(CommitteeMember.objects.filter(
        election__campaign_id__in=campaigns, election__community_id__in=communities, person_id__in=people,
        active=True, role__in=rules.SERVING_ROLES,
    ).values_list("election__campaign_id", "election__community_id", "person_id"))
    live: dict[tuple[int, int], set[int]] = {}
    for campaign_id, community_id, person_id in Nomination.objects.filter(
        election__campaign_id__in=campaigns, election__community_id__in=communities,
        status__in=rules.LIVE_STATUSES,
    ).values_list("election__campaign_id", "election__community_id", "person_id"):
        live.setdefault((campaign_id, community_id), set()).add(person_id)
    everyone = set().union(*live.values()) | set(people)
    pairs = near_relative_pairs(list(everyone))
    relatives: dict[int, set[int]] = {}
    for pair in pairs:
        a, b = tuple(pair)
        relatives.setdefault(a, set()).add(b)
        relatives.setdefault(b, set()).add(a)
    rules_cache = {pk: e.effective_rules() for pk, e in elections.items()}
    today = timezone.localdate()
    facts: dict[int, NomineeFacts] = {}
    for n in nominations:
        e, person = elections[n.election_id], people[n.person_id]
        key = (e.campaign_id, e.community_id)
        age = rules.age_on(person.birth_date, e.election_day or today)
        incumbent = (*key, person.pk) in incumbents
        facts[n.pk] = NomineeFacts(
            age=age, sex=person.sex, education=person.education, party_member=person.party_member,
            incumbent=incumbent,
            flags=rules.nominee_flag_codes(
                age=age, incumbent=incumbent, education=person.education, rules=rules_cache[e.pk],
                relative_nominated=bool(relatives.get(person.pk, set()) & live.get(key, set())),
                committee_member=(*key, person.pk) in committee, party_member=person.party_member, body=e.body,
            ),
        )
    return facts


def nominee_warnings(*, nomination: Nomination) -> list[str]:
    """The warnings (targets, not bars) about one nominee, in Chinese."""
    election = nomination.election
    facts = nominee_facts([nomination])[nomination.pk]
    live = Nomination.objects.filter(election__campaign_id=election.campaign_id,
                                     election__community_id=election.community_id,
                                     status__in=rules.LIVE_STATUSES).exclude(person=nomination.person_id)
    others = {n.person_id: n.person.name for n in live.select_related("person")}
    pairs = near_relative_pairs([nomination.person_id, *others])
    relatives = [others[pid] for pair in pairs if nomination.person_id in pair for pid in pair
                 if pid != nomination.person_id and pid in others]
    return rules.nominee_warnings(name=nomination.person.name, age=facts.age, incumbent=facts.incumbent,
                                  education=facts.education, rules=election.effective_rules(),
                                  relatives_nominated=sorted(set(relatives)))


# --------------------------------------------------------------------------------------------
# 两推 and 民主测评
# --------------------------------------------------------------------------------------------


@dataclass
class MeetingRow:
    person: Person
    votes: int
    qualifying: bool


@dataclass
class MeetingView:
    meeting: RecommendationMeeting
    valid: bool
    rows: list[MeetingRow]

    @property
    def qualifying(self) -> list[int]:
        return [r.person.pk for r in self.rows if r.qualifying]


def recommendation_results(*, election: Election) -> list[MeetingView]:
    """Each recorded 两推 meeting with its validity and who got more than half of its ballots."""
    effective = election.effective_rules()
    views = []
    for meeting in RecommendationMeeting.objects.filter(election=election).prefetch_related("votes__person"):
        valid = rules.meeting_valid(meeting.present, meeting.expected, effective["recommendation_attendance_over"])
        rows = [MeetingRow(v.person, v.votes, valid and rules.qualifying(
            v.votes, meeting.ballots, effective["recommendation_votes_over"]))
            for v in sorted(meeting.votes.all(), key=lambda v: (-v.votes, v.person_id))]
        views.append(MeetingView(meeting, valid, rows))
    return views


@dataclass
class PreliminaryRow:
    person: Person
    votes: int
    tied: bool
    selected: bool  # within the preliminary list's size; otherwise a reserve for 递补
    nomination: Nomination | None


@dataclass
class PreliminaryView:
    ranking: rules.PreliminaryList
    rows: list[PreliminaryRow]
    meetings: list[MeetingView] = field(default_factory=list)


def preliminary_view(*, election: Election) -> PreliminaryView:
    """The 两推 preliminary list: qualifiers by combined votes, the list's size, reserves, who is nominated."""
    effective = election.effective_rules()
    meetings = recommendation_results(election=election)
    results = [rules.MeetingResult(m.meeting.kind, m.meeting.expected, m.meeting.present, m.meeting.ballots,
                                   tuple((r.person.pk, r.votes) for r in m.rows)) for m in meetings]
    people = {r.person.pk: r.person for m in meetings for r in m.rows}
    excluded = {pk for pk, p in people.items() if not p.party_member}
    ranking = rules.preliminary_list(results, sum(_seat_map(election).values()), effective["preliminary_margin"],
                                     attendance_over=effective["recommendation_attendance_over"],
                                     votes_over=effective["recommendation_votes_over"], excluded=excluded)
    nominated: dict[int, Nomination] = {}
    for n in Nomination.objects.filter(election=election).order_by("id"):
        if n.person_id not in nominated or n.live:
            nominated[n.person_id] = n
    rows = [PreliminaryRow(people[r.person_id], r.votes, r.tied, i < len(ranking.selected),
                           nominated.get(r.person_id))
            for i, r in enumerate(ranking.selected + ranking.reserves)]
    return PreliminaryView(ranking, rows, meetings)


@dataclass
class AppraisalRow:
    appraisal: Appraisal
    shares: dict[str, int]


def appraisal_list(*, election: Election) -> list[AppraisalRow]:
    rows = Appraisal.objects.filter(election=election).select_related("person").order_by("id")
    return [AppraisalRow(a, rules.appraisal_shares(a.ballots, a.excellent, a.competent, a.basic, a.incompetent))
            for a in rows]


# --------------------------------------------------------------------------------------------
# The formal list
# --------------------------------------------------------------------------------------------


@dataclass
class CandidateRow:
    candidate: Candidate
    pledged_on: dt.date | None
    talked_on: dt.date | None

    @property
    def pledged(self) -> bool:
        return self.pledged_on is not None

    @property
    def talked(self) -> bool:
        return self.talked_on is not None


@dataclass
class PositionList:
    position: str
    label: str
    seats: int
    low: int
    high: int | None
    rows: list[CandidateRow]
    whole_seats: int = 0  # >0: the member bound is the whole committee's (party): total seats, all candidates


def _talk_dates(campaign_ids: set[int], community_ids: set[int], person_ids: set[int]) -> dict[tuple[int, int, int], dt.date]:
    latest: dict[tuple[int, int, int], dt.date] = {}
    for campaign_id, community_id, person_id, held_on in Talk.objects.filter(
        campaign_id__in=campaign_ids, community_id__in=community_ids, person_id__in=person_ids,
    ).values_list("campaign_id", "community_id", "person_id", "held_on"):
        key = (campaign_id, community_id, person_id)
        if key not in latest or held_on > latest[key]:
            latest[key] = held_on
    return latest


def formal_list(*, election: Election) -> list[PositionList]:
    """The formal list per position (in seat-plan order), ordered by ``order`` (姓氏笔画), with pledge and
    talk status; four queries."""
    effective = election.effective_rules()
    seats = _seat_map(election)
    candidates = list(Candidate.objects.filter(election=election).select_related("person", "nomination")
                      .order_by("position", "order", "id"))
    pledges = dict(Pledge.objects.filter(nomination__in=[c.nomination_id for c in candidates])
                   .values_list("nomination_id", "signed_on"))
    talks = _talk_dates({election.campaign_id}, {election.community_id}, {c.person_id for c in candidates})
    result = []
    positions = [p for p, n in seats.items() if n > 0] + sorted({c.position for c in candidates} - set(seats))
    whole = bool(effective.get("margin_whole_committee")) and seats.get("member", 0) > 0
    total = sum(n for n in seats.values() if n > 0)
    for position in positions:
        if whole and position == "member":
            low, high = rules.margin_bounds("member", total, effective)
        else:
            low, high = rules.margin_bounds(position, seats.get(position, 0), effective)
        rows = [CandidateRow(c, pledges.get(c.nomination_id),
                             talks.get((election.campaign_id, election.community_id, c.person_id)))
                for c in candidates if c.position == position]
        result.append(PositionList(position, rules.position_label(position), seats.get(position, 0), low, high,
                                   rows, total if whole and position == "member" else 0))
    return result


def candidate_list_status(*, election: Election) -> CandidateList | None:
    return CandidateList.objects.filter(election=election).select_related("published_by", "approval_by").first()


def margin_problems_for(*, election: Election) -> list[str]:
    """The formal list's margin problems (both bounds), as the publicity gate words them."""
    counts: dict[str, int] = {}
    for position in Candidate.objects.filter(election=election).values_list("position", flat=True):
        counts[position] = counts.get(position, 0) + 1
    return rules.margin_problems(counts, _seat_map(election), election.effective_rules())


def pledge_targets(*, election: Election) -> list[tuple[Nomination, dt.date | None, dt.date | None]]:
    """Live nominations with their pledge date and latest talk date (discipline work list)."""
    nominations = list(Nomination.objects.filter(election=election, status__in=rules.LIVE_STATUSES)
                       .select_related("person").order_by("position", "id"))
    pledges = dict(Pledge.objects.filter(nomination__in=nominations).values_list("nomination_id", "signed_on"))
    talks = _talk_dates({election.campaign_id}, {election.community_id}, {n.person_id for n in nominations})
    return [(n, pledges.get(n.pk), talks.get((election.campaign_id, election.community_id, n.person_id)))
            for n in nominations]


# --------------------------------------------------------------------------------------------
# Structure previews
# --------------------------------------------------------------------------------------------


def _slate(elections: list[Election]) -> list[rules.SlateMember]:
    """The formal list of each election, or its live nominations while there is no list yet."""
    ids = [e.pk for e in elections]
    by_pk = {e.pk: e for e in elections}
    listed = {eid for eid in Candidate.objects.filter(election__in=ids).values_list("election_id", flat=True)}
    rows = [(c.election_id, c.person, c.position) for c in
            Candidate.objects.filter(election__in=listed).select_related("person")]
    rows += [(n.election_id, n.person, n.position) for n in
             Nomination.objects.filter(election__in=set(ids) - listed, status__in=rules.LIVE_STATUSES)
             .select_related("person")]
    incumbents = set(Incumbent.objects.filter(
        election__campaign_id__in={e.campaign_id for e in elections},
        election__community_id__in={e.community_id for e in elections},
        person_id__in={p.pk for _, p, _ in rows}).values_list("person_id", flat=True))
    today = timezone.localdate()
    members = []
    for election_id, person, position in rows:
        e = by_pk[election_id]
        members.append(rules.SlateMember(
            sex=person.sex, age=rules.age_on(person.birth_date, e.election_day or today),
            education=person.education, party_member=person.party_member, position=position,
            incumbent=person.pk in incumbents, name=person.name, person_id=person.pk, body=e.body))
    return members


def structure_preview(*, election: Election) -> list[str]:
    """Structure warnings for one election's slate (formal list, or live nominations before it)."""
    return rules.structure_warnings(_slate([election]), election.effective_rules(), election.body)


def community_structure_preview(*, election: Election) -> list[str]:
    """Structure warnings for the community's two committees together (all elections of the campaign);
    party share of the RC and the 一肩挑 hint included."""
    elections = list(Election.objects.filter(campaign_id=election.campaign_id, community_id=election.community_id)
                     .exclude(body="supervision_committee").select_related("rulebook"))
    return rules.structure_warnings(_slate(elections), election.effective_rules(), "community")


# --------------------------------------------------------------------------------------------
# Near relatives among the nominees of a community (both committees)
# --------------------------------------------------------------------------------------------


def nominee_relative_pairs(*, election: Election) -> list[tuple[str, str]]:
    """Name pairs of near relatives among the live nominations of all elections of the same campaign and
    community (the vetting gate's rule, for pages)."""
    live = Nomination.objects.filter(election__campaign_id=election.campaign_id,
                                     election__community_id=election.community_id,
                                     status__in=rules.LIVE_STATUSES).select_related("person")
    names = {n.person_id: n.person.name for n in live}
    return name_pairs(near_relative_pairs(list(names)), names) if names else []


__all__ = [
    "AppraisalRow", "CandidateRow", "MeetingRow", "MeetingView", "NomineeFacts", "PositionList",
    "PositionSummary", "PreliminaryRow", "PreliminaryView", "appraisal_list", "candidate_get",
    "candidate_list_status", "community_structure_preview", "formal_list", "margin_problems_for",
    "nomination_get", "nomination_list", "nomination_summary", "nominee_facts", "nominee_relative_pairs",
    "nominee_warnings", "pledge_targets", "preliminary_view",
    "recommendation_results", "structure_preview",
]

"""Gates of counting, registered with the elections app's registry in ready().

Voting (every body): the formal candidate list published at least ``candidate_list_lead_days`` before election
day. Counting: a round held, every station's tally of it reconciled and the round counted, the last round valid
(not void), no revote or run-off pending unless the street accepted the vacancy, the results announced. Each
collector reads any number of elections in a fixed number of queries.
"""

from __future__ import annotations

from typing import Any

from candidates.models import CandidateList
from elections import gates
from elections.models import Seat

from ..rules import tally as tally_rules
from ..selectors.counting import round_facts_for
from .stations import _sources


def collect_candidate_list(elections: list[Any]) -> dict[int, tally_rules.CandidateListFacts]:
    """One query: the formal lists' publication dates."""
    published = dict(CandidateList.objects.filter(election__in=[e.pk for e in elections]).values_list(
        "election_id", "published_on"))
    return {e.pk: tally_rules.CandidateListFacts(published.get(e.pk), e.election_day, _sources(e)) for e in elections}


def collect_counting(elections: list[Any]) -> dict[int, tally_rules.CountingFacts]:
    """Three queries: the seat plans, the rounds, their tallies with the stations' names."""
    seats: dict[int, dict[str, int]] = {e.pk: {} for e in elections}
    for election_id, position, count in Seat.objects.filter(election__in=list(seats), count__gt=0).values_list(
            "election_id", "position", "count"):
        seats[election_id][position] = count
    rounds = round_facts_for(elections)
    facts: dict[int, tally_rules.CountingFacts] = {}
    for e in elections:
        rows = rounds[e.pk]
        plan = dict(rows[0].seats) if rows else seats[e.pk]  # the seats counting fills: the first round's
        facts[e.pk] = tally_rules.CountingFacts(plan, tuple(rows), _sources(e))
    return facts


def register() -> None:
    gates.register("voting", "candidate_list_published", "正式候选人名单在选举日前规定天数公布",
                   collect=collect_candidate_list, check=tally_rules.gate_candidate_list_published)
    gates.register("counting", "counting_complete",
                   "各投票站计票经双人录入核对一致；投票有效；名额选足或确认空缺；选举结果已公布",
                   collect=collect_counting, check=tally_rules.gate_counting)

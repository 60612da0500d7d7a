"""The gates the elections app owns (seat plan, rulebook, election day); registered in ready()."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from . import gates, rules


def collect_seat_plan(elections: list[Any]) -> dict[int, rules.SeatPlanFacts]:
    return {
        e.pk: rules.SeatPlanFacts(
            body=e.body,
            kind=e.kind,
            seats={s.position: s.count for s in e.seats.all()},  # prefetched by the selectors
            approved=e.seat_plan_approved_at is not None,
            proposed=e.seat_plan_proposed_at is not None,
        )
        for e in elections
    }


def collect_election_day(elections: list[Any]) -> dict[int, rules.ElectionDayFacts]:
    today = timezone.localdate()
    return {e.pk: rules.ElectionDayFacts(election_day=e.election_day, today=today) for e in elections}


def collect_rulebook(elections: list[Any]) -> dict[int, rules.RulebookFacts]:
    return {e.pk: rules.RulebookFacts(errors=e.rule_errors()) for e in elections}


def register_all() -> None:
    gates.register("preparation", "rulebook_valid", "选举办法规则有效", collect=collect_rulebook,
                   check=rules.gate_rulebook_valid)
    gates.register("preparation", "seat_plan", "职数方案经区审定且符合规定", collect=collect_seat_plan,
                   check=rules.gate_seat_plan)
    gates.register("preparation", "election_day_set", "已确定选举日", collect=collect_election_day,
                   check=rules.gate_election_day_set)
    gates.register("voting", "election_day_reached", "选举日已到", collect=collect_election_day,
                   check=rules.gate_election_day_reached)

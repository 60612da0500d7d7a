"""The gates the elections app owns; registered in ready().

Preparation: rulebook valid, seat plan, election day, rectification, rulebook adopted (RC), party request
(party). Voting: election day reached. Handover: took office, every required item handed over, signed,
witnessed and dated, in time (all bodies).
"""

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


def collect_adoption(elections: list[Any]) -> dict[int, rules.AdoptionFacts]:
    from .models import RulebookAdoption

    adoptions = {a.election_id: a for a in RulebookAdoption.objects.filter(election__in=[e.pk for e in elections])}
    facts: dict[int, rules.AdoptionFacts] = {}
    for e in elections:
        a = adoptions.get(e.pk)
        if a is None:
            facts[e.pk] = rules.AdoptionFacts(recorded=False)
            continue
        current = e.effective_rules()
        facts[e.pk] = rules.AdoptionFacts(
            recorded=True, meeting=a.meeting, expected=a.expected, present=a.present, votes_for=a.votes_for,
            published_on=a.published_on, adopted_rules=a.adopted_rules, current_rules=current,
            rulebook_changed=bool(rules.changed_rule_keys(a.adopted_rules, current))
            or a.rulebook_code != e.rulebook.code,
        )
    return facts


def collect_party_request(elections: list[Any]) -> dict[int, rules.PartyRequestFacts]:
    from .models import PartyRequest

    newest: dict[int, Any] = {}
    for request in PartyRequest.objects.filter(election__in=[e.pk for e in elections]).order_by("created_at", "id"):
        newest[request.election_id] = request  # the last one wins
    return {
        e.pk: rules.PartyRequestFacts(status=newest[e.pk].status, reply=newest[e.pk].reply)
        if e.pk in newest else rules.PartyRequestFacts(status=None)
        for e in elections
    }


def collect_rectification(elections: list[Any]) -> dict[int, rules.RectificationFacts]:
    from .models import Rectification

    open_items: dict[tuple[int, int], list[rules.OpenRectification]] = {}
    rows = Rectification.objects.filter(
        completed_on__isnull=True,
        campaign__in={e.campaign_id for e in elections},
        community__in={e.community_id for e in elections},
    ).order_by("flagged_on", "id")
    for item in rows:
        open_items.setdefault((item.campaign_id, item.community_id), []).append(
            rules.OpenRectification(item.category, item.problems, item.flagged_on)
        )
    return {e.pk: rules.RectificationFacts(tuple(open_items.get((e.campaign_id, e.community_id), [])))
            for e in elections}


def collect_handover(elections: list[Any]) -> dict[int, rules.HandoverFacts]:
    from .models import Handover, HandoverItem

    ids = [e.pk for e in elections]
    records = {h.election_id: h for h in Handover.objects.filter(election__in=ids)}
    items: dict[int, list[rules.HandoverItemFacts]] = {}
    for item in HandoverItem.objects.filter(election__in=ids).order_by("id"):
        items.setdefault(item.election_id, []).append(rules.item_facts(item))
    today = timezone.localdate()
    facts: dict[int, rules.HandoverFacts] = {}
    for e in elections:
        record = records.get(e.pk)
        facts[e.pk] = rules.HandoverFacts(
            took_office_on=record.took_office_on if record else None, today=today,
            items=tuple(items.get(e.pk, [])), delay_accepted=bool(record and record.delay_note))
    return facts


def register_all() -> None:
    gates.register("preparation", "rulebook_valid", "选举办法规则有效", collect=collect_rulebook,
                   check=rules.gate_rulebook_valid)
    gates.register("preparation", "seat_plan", "职数方案经区审定且符合规定", collect=collect_seat_plan,
                   check=rules.gate_seat_plan)
    gates.register("preparation", "election_day_set", "已确定选举日", collect=collect_election_day,
                   check=rules.gate_election_day_set)
    gates.register("preparation", "rectification", "软弱涣散、重点难点社区整顿到位", collect=collect_rectification,
                   check=rules.gate_rectification)
    gates.register("preparation", "rulebook_adopted", "选举办法经居民（代表）会议通过并公布",
                   collect=collect_adoption, check=rules.gate_rulebook_adopted,
                   bodies=["residents_committee", "supervision_committee"])
    gates.register("preparation", "party_request", "召开党员大会的请示经街道批复", collect=collect_party_request,
                   check=rules.gate_party_request, bodies=["party_committee"])
    gates.register("voting", "election_day_reached", "选举日已到", collect=collect_election_day,
                   check=rules.gate_election_day_reached)
    gates.register("handover", "handover", "工作移交按期完成，双方签字并有监交", collect=collect_handover,
                   check=rules.gate_handover)

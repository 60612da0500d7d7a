"""Gates of the voter roll, checked when a residents' committee election leaves ``voting``: voters registered,
the list published at least ``voter_list_lead_days`` before election day, every objection to it decided, and (自愿
登记) registered voters at least ``voluntary_registration_floor`` of the residents; and, for every body, no active
voter under ``min_voter_age`` on election day (the day or the age may have changed after registration).

The collector reads any number of elections in three queries (rolls, active counts, open objections; a fourth for rulebooks not already loaded).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from elections import gates
from elections.models import Election, Rulebook

from ..models import ROLL_OBJECTION_KINDS, RollObjection, Voter, VoterRoll
from ..rules import roll as roll_rules

BODIES = ["residents_committee"]
_KIND_LABELS = dict(ROLL_OBJECTION_KINDS)


def _sources(elections: list[Any]) -> dict[int, dict[str, str]]:
    """Rulebook id → its sources; one query only for elections fetched without their rulebook."""
    field = Election._meta.get_field("rulebook")
    known = {e.rulebook_id: e.rulebook for e in elections if field.is_cached(e)}
    missing = {e.rulebook_id for e in elections} - set(known)
    if missing:
        known.update({r.pk: r for r in Rulebook.objects.filter(pk__in=missing)})
    return {pk: dict(r.sources or {}) for pk, r in known.items()}


def collect_roll(elections: list[Any]) -> dict[int, roll_rules.RollFacts]:
    ids = [e.pk for e in elections]
    sources = _sources(elections)
    rolls = {r.election_id: r for r in VoterRoll.objects.filter(election__in=ids)}
    active = dict(Voter.objects.filter(election__in=ids, status="active").values_list("election_id")
                  .annotate(n=Count("id")).order_by())
    objections: dict[int, list[roll_rules.OpenObjection]] = {pk: [] for pk in ids}
    for o in RollObjection.objects.filter(election__in=ids, decision="").order_by("raised_on", "id"):
        objections[o.election_id].append(roll_rules.OpenObjection(o.subject_name, _KIND_LABELS.get(o.kind, o.kind),
                                                                  o.raised_on))
    today = timezone.localdate()
    facts: dict[int, roll_rules.RollFacts] = {}
    for e in elections:
        roll = rolls.get(e.pk)
        facts[e.pk] = roll_rules.RollFacts(
            body=e.body, election_day=e.election_day, today=today, mode=roll.mode if roll else "all",
            residents_total=roll.residents_total if roll else None, active=active.get(e.pk, 0),
            published_on=roll.published_on if roll else None, open_objections=tuple(objections[e.pk]),
            sources=sources.get(e.rulebook_id, {}),
        )
    return facts


def collect_ages(elections: list[Any]) -> dict[int, roll_rules.AgeFacts]:
    """One query (a second for rulebooks not already loaded): the active voters born after the youngest eligible
    birth date of their election (election day − ``min_voter_age`` years)."""
    sources = _sources(elections)
    young: dict[int, list[roll_rules.YoungVoter]] = {e.pk: [] for e in elections}
    condition = Q()
    for e in elections:
        if e.election_day is not None:
            minimum = int(e.effective_rules().get("min_voter_age", 18))
            condition |= Q(election_id=e.pk,
                           birth_date__gt=roll_rules.youngest_eligible_birth(e.election_day, minimum))
    if condition:
        rows = (Voter.objects.filter(condition, status="active")
                .values_list("election_id", "name", "group", "birth_date").order_by("election_id", "group", "id"))
        for election_id, name, group, birth in rows:
            young[election_id].append(roll_rules.YoungVoter(name, group, birth))
    return {e.pk: roll_rules.AgeFacts(e.body, e.election_day, tuple(young[e.pk]), sources.get(e.rulebook_id, {}))
            for e in elections}


def register() -> None:
    gates.register("voting", "voter_list_empty", "已登记选民", collect=collect_roll,
                   check=roll_rules.gate_voter_list_empty, bodies=BODIES)
    gates.register("voting", "voter_list_published", "选民名单在选举日前规定天数张榜公布", collect=collect_roll,
                   check=roll_rules.gate_voter_list_published, bodies=BODIES)
    gates.register("voting", "voter_objections_decided", "选民名单异议均已处理", collect=collect_roll,
                   check=roll_rules.gate_voter_objections_decided, bodies=BODIES)
    gates.register("voting", "voluntary_floor", "自愿登记的选民达到居民总数的规定比例", collect=collect_roll,
                   check=roll_rules.gate_voluntary_floor, bodies=BODIES)
    # every body: a registered voter is of age on election day, whenever the day or the minimum age changed
    gates.register("voting", "voter_underage", "选民在选举日均年满选举年龄", collect=collect_ages,
                   check=roll_rules.gate_voters_of_age)

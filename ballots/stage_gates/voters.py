"""Gates of the voter roll, checked when a residents' committee election leaves ``voting``: voters registered,
the list published at least ``voter_list_lead_days`` before election day, every objection to it decided, and (自愿
登记) registered voters at least ``voluntary_registration_floor`` of the residents.

The collector reads any number of elections in three queries (rolls, active counts, open objections; a fourth for rulebooks not already loaded).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
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


def register() -> None:
    gates.register("voting", "voter_list_empty", "已登记选民", collect=collect_roll,
                   check=roll_rules.gate_voter_list_empty, bodies=BODIES)
    gates.register("voting", "voter_list_published", "选民名单在选举日前规定天数张榜公布", collect=collect_roll,
                   check=roll_rules.gate_voter_list_published, bodies=BODIES)
    gates.register("voting", "voter_objections_decided", "选民名单异议均已处理", collect=collect_roll,
                   check=roll_rules.gate_voter_objections_decided, bodies=BODIES)
    gates.register("voting", "voluntary_floor", "自愿登记的选民达到居民总数的规定比例", collect=collect_roll,
                   check=roll_rules.gate_voluntary_floor, bodies=BODIES)

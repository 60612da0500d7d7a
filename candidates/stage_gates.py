"""The gates the candidates app owns, registered with the elections app's registry in ready().

Preparation: every incumbent audited with the result published; the residents' election committee of
the allowed size, odd, with a chair and no near relatives. The committee is checked again before leaving
nomination, because members nominated as candidates withdraw during it.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from elections import gates

from . import rules
from .models import Audit, CommitteeMember, Incumbent
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


def register_all() -> None:
    gates.register("preparation", "incumbents_audited", "现任成员均已完成经济责任审计并公布结果",
                   collect=collect_audits, check=rules.gate_audits)
    gates.register("preparation", "election_committee", "居民选举委员会人数、单数、主任、近亲属回避",
                   collect=collect_committee, check=rules.gate_election_committee, bodies=["residents_committee"])
    gates.register("nomination", "election_committee", "居民选举委员会（成员退出递补后）仍符合规定",
                   collect=collect_committee, check=rules.gate_election_committee, bodies=["residents_committee"])

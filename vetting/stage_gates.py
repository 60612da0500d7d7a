"""The gates the vetting app owns, registered with the elections app's registry in ready().

Vetting: every live nomination decided (none reviewing or held). Publicity: the publicity recorded, long
enough and over, covering every formal candidate (one approved after it began — a 递补 — needs a new one);
the party's 批复 and the list's publication after it ended (公示 → 请示批复 → 公布); every objection resolved;
every must-investigate report about a live nomination closed.
Each collector reads many elections in a fixed number of queries.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from candidates.models import Candidate, CandidateList, Nomination
from elections import gates

from . import rules
from .models import Objection, Publicity, Report, Review
from .selectors import departments_by_district


def collect_decisions(elections: list[Any]) -> dict[int, rules.DecisionFacts]:
    ids = [e.pk for e in elections]
    pending = list(
        Nomination.objects.filter(election__in=ids, status__in=["reviewing", "held"])
        .select_related("person", "election__community__parent")
        .order_by("id")
    )
    at_district = {n.pk for n in pending if n.status == "reviewing" and n.level == "district"}
    done: dict[int, list[str]] = {}
    for nomination_id, department in Review.objects.filter(nomination__in=at_district, level="district").values_list(
        "nomination_id", "department"
    ):
        done.setdefault(nomination_id, []).append(department)
    district_ids = {n.election.community.parent.parent_id for n in pending if n.election.community.parent}
    departments = departments_by_district(district_ids) if at_district else {}
    rows: dict[int, list[rules.PendingNomination]] = {pk: [] for pk in ids}
    for n in pending:
        waiting: tuple[str, ...] = ()
        if n.pk in at_district:
            street = n.election.community.parent
            required = departments.get(street.parent_id, rules.DEPARTMENT_CODES) if street else rules.DEPARTMENT_CODES
            waiting = tuple(rules.pending_departments(required, done.get(n.pk, [])))
        rows[n.election_id].append(rules.PendingNomination(n.person.name, n.status, n.level, waiting))
    return {pk: rules.DecisionFacts(tuple(rows[pk])) for pk in ids}


def collect_publicity(elections: list[Any]) -> dict[int, rules.PublicityFacts]:
    """Three queries: the publicities, the formal lists' approval and publication, and the formal lists'
    nominations with the day each was approved."""
    today = timezone.localdate()
    ids = [e.pk for e in elections]
    found = {p.election_id: p for p in Publicity.objects.filter(election__in=ids)}
    lists = {cl.election_id: cl for cl in CandidateList.objects.filter(election__in=ids)}
    listed: dict[int, list[rules.ListedApproval]] = {pk: [] for pk in ids}
    for election_id, name, decided_at in (
        Candidate.objects.filter(election__in=ids)
        .order_by("position", "order", "id")
        .values_list("election_id", "person__name", "nomination__decided_at")
    ):
        day = timezone.localtime(decided_at).date() if decided_at is not None else None
        listed[election_id].append(rules.ListedApproval(name, day))
    facts: dict[int, rules.PublicityFacts] = {}
    for e in elections:
        p, cl = found.get(e.pk), lists.get(e.pk)
        facts[e.pk] = rules.PublicityFacts(
            p.starts_on if p else None, p.ends_on if p else None, today,
            body=e.body, sources=dict(e.rulebook.sources or {}), listed=tuple(listed[e.pk]),
            approval=cl.approval if cl else "", approval_on=cl.approval_on if cl else None,
            published_on=cl.published_on if cl else None,
        )
    return facts


def collect_objections_reports(elections: list[Any]) -> dict[int, rules.ObjectionReportFacts]:
    ids = [e.pk for e in elections]
    objections: dict[int, list[rules.OpenObjection]] = {pk: [] for pk in ids}
    for o in Objection.objects.filter(election__in=ids, status="open").select_related("nomination__person").order_by(
        "received_on", "id"
    ):
        objections[o.election_id].append(
            rules.OpenObjection(o.nomination.person.name if o.nomination else "", o.objector, o.received_on)
        )
    reports: dict[int, list[rules.OpenReport]] = {pk: [] for pk in ids}
    for r in Report.objects.filter(
        election__in=ids, status="open", nomination__status__in=["reviewing", "held", "approved"]
    ).select_related("nomination__person").order_by("due_on", "id"):
        if rules.must_investigate(r.categories):
            reports[r.election_id].append(rules.OpenReport(r.nomination.person.name, r.received_on, r.due_on))
    today = timezone.localdate()
    return {pk: rules.ObjectionReportFacts(tuple(objections[pk]), tuple(reports[pk]), today) for pk in ids}


def register_all() -> None:
    gates.register("vetting", "nominations_decided", "每名被提名人均已完成社区初审、街道全面审查和区级联审",
                   collect=collect_decisions, check=rules.gate_nominations_decided)
    gates.register("publicity", "publicity", "候选人公示已登记、期限足够、已期满且覆盖每名正式候选人；批复和公布在公示期满后",
                   collect=collect_publicity, check=rules.gate_publicity)
    gates.register("publicity", "objections_reports", "公示异议和涉及被提名人的必查举报均已办结",
                   collect=collect_objections_reports, check=rules.gate_objections_reports)

"""Reads of the voter roll, scoped to the caller's jurisdiction (404 outside it): the roll of an election with its
filters and search (name, the tail of the ID number, pinyin or its initials), counts by residents' group and
category, the summary the tab and the API show (the floor, the publication deadline), objections with their
deadlines, and the printable list by group."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from pypinyin import lazy_pinyin

from candidates.strokes import sort_names
from elections.models import Election, User

from ..models import CATEGORIES, REGISTRATION_MODES, RollObjection, Voter, VoterRoll
from ..rules import roll as roll_rules

MODE_LABELS = dict(REGISTRATION_MODES)
# an ID number's tail as typed in the search box: four or more digits, the last may be X
_ID_TAIL = re.compile(r"^\d{3,17}[0-9X]$")
# a pinyin search narrowing nothing (one letter on a large roll) stops here rather than sending a huge IN list
_PINYIN_NAMES_MAX = 20_000


def _path(user: User) -> str | None:
    if user.is_superuser:
        return ""
    return user.jurisdiction.path if user.jurisdiction_id else None


def _in_scope(qs: QuerySet[Any], user: User) -> QuerySet[Any]:
    path = _path(user)
    if path is None:
        return qs.none()
    return qs.filter(election__community__path__startswith=path) if path else qs


def _check_scope(user: User, election: Election) -> None:
    path = _path(user)
    if path is None or not election.community.path.startswith(path):
        raise Http404


# --------------------------------------------------------------------------------------------
# Search by pinyin (Voter keeps no pinyin column: a 100,000-row roll stores in one COPY)
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=50_000)
def _char_keys(ch: str) -> tuple[str, str]:
    if ch.isascii():
        return (ch.lower(), ch.lower()) if ch.isalnum() else ("", "")
    full = "".join(lazy_pinyin(ch, errors="ignore")).lower()
    return full, full[:1]


def pinyin_keys(name: str) -> tuple[str, str]:
    """('zhangsan', 'zs') for 张三, one character at a time (cached: a roll repeats its characters)."""
    keys = [_char_keys(ch) for ch in name]
    return "".join(k[0] for k in keys), "".join(k[1] for k in keys)


def pinyin_matches(name: str, query: str) -> bool:
    full, initials = pinyin_keys(name)
    return initials.startswith(query) or full.startswith(query)


def _search(qs: QuerySet[Voter], q: str) -> QuerySet[Voter]:
    condition = Q(name__icontains=q)
    tail = q.upper().replace(" ", "")
    if _ID_TAIL.match(tail):
        condition |= Q(id_number__endswith=tail)
    lowered = q.lower().replace(" ", "")
    if lowered.isascii() and lowered.isalpha():
        names = [n for n in qs.values_list("name", flat=True).distinct().order_by() if pinyin_matches(n, lowered)]
        condition |= Q(name__in=names[:_PINYIN_NAMES_MAX])
    return qs.filter(condition)


# --------------------------------------------------------------------------------------------
# The roll
# --------------------------------------------------------------------------------------------


def voter_roll(*, election: Election) -> VoterRoll | None:
    return VoterRoll.objects.filter(election=election).select_related("published_by").first()


def voter_list(*, user: User, election: Election, filters: dict[str, Any] | None = None) -> QuerySet[Voter]:
    """The voters of one election (404 outside the user's jurisdiction). Filters: ``group``, ``category``,
    ``status`` (``active`` / ``removed``; all when empty), ``q`` (name, ID tail, pinyin or initials)."""
    _check_scope(user, election)
    filters = filters or {}
    qs = Voter.objects.filter(election=election)
    q = (filters.get("q") or "").strip()
    if q:
        qs = _search(qs, q)
    if filters.get("group"):
        qs = qs.filter(group=filters["group"])
    if filters.get("category"):
        qs = qs.filter(category=filters["category"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.order_by("group", "id")


def voter_get(*, user: User, pk: int, election: Election | None = None) -> Voter:
    qs = _in_scope(Voter.objects.select_related("election", "election__community"), user)
    if election is not None:
        qs = qs.filter(election=election)
    return get_object_or_404(qs, pk=pk)


def roll_groups(*, election: Election) -> list[str]:
    """Every residents' group of the roll, in natural order (2组 before 10组)."""
    groups = Voter.objects.filter(election=election).values_list("group", flat=True).distinct().order_by()
    return sorted(set(groups), key=roll_rules.group_sort_key)


@dataclass(frozen=True)
class RollCounts:
    active: int
    removed: int
    by_group: list[tuple[str, int]]
    by_category: list[tuple[str, str, int]]


def roll_counts(*, election: Election) -> RollCounts:
    """Active voters by group and by category, and the removed ones (two queries)."""
    groups: dict[str, int] = {}
    categories: dict[str, int] = {}
    removed = 0
    for group, category, status, n in (Voter.objects.filter(election=election)
                                       .values_list("group", "category", "status").annotate(n=Count("id"))
                                       .order_by()):
        if status != "active":
            removed += n
            continue
        groups[group] = groups.get(group, 0) + n
        categories[category] = categories.get(category, 0) + n
    return RollCounts(
        active=sum(groups.values()), removed=removed,
        by_group=sorted(groups.items(), key=lambda item: roll_rules.group_sort_key(item[0])),
        by_category=[(code, label, categories.get(code, 0)) for code, label in CATEGORIES],
    )


@dataclass(frozen=True)
class RollSummary:
    roll: VoterRoll | None
    mode: str
    residents_total: int | None
    counts: RollCounts
    election_day: dt.date | None
    lead_days: int
    publish_deadline: dt.date | None
    published_on: dt.date | None
    objection_days: int
    objection_last_day: dt.date | None
    decision_days: int
    floor: Fraction
    open_objections: int
    overdue_objections: int
    today: dt.date

    @property
    def active(self) -> int:
        return self.counts.active

    @property
    def mode_label(self) -> str:
        return MODE_LABELS.get(self.mode, self.mode)

    @property
    def voluntary(self) -> bool:
        return self.mode == "voluntary"

    @property
    def floor_text(self) -> str:
        return roll_rules.percent_text(self.floor)

    @property
    def floor_minimum(self) -> int | None:
        return roll_rules.floor_minimum(self.residents_total, self.floor) if self.residents_total else None

    @property
    def floor_met(self) -> bool | None:
        if not self.voluntary or not self.residents_total:
            return None
        return roll_rules.floor_met(self.active, self.residents_total, self.floor)

    @property
    def floor_shortfall(self) -> int:
        minimum = self.floor_minimum
        return max(0, minimum - self.active) if minimum is not None else 0

    @property
    def published(self) -> bool:
        return self.published_on is not None

    @property
    def published_in_time(self) -> bool | None:
        """None while unpublished or without an election day."""
        if self.published_on is None or self.election_day is None:
            return None
        return not roll_rules.published_late(self.published_on, self.election_day, self.lead_days)

    @property
    def deadline_passed(self) -> bool:
        return self.published_on is None and self.publish_deadline is not None and self.today > self.publish_deadline

    @property
    def objection_window_open(self) -> bool:
        return self.objection_last_day is not None and self.published_on is not None and (
            self.published_on <= self.today <= self.objection_last_day)


def roll_summary(*, election: Election, today: dt.date | None = None) -> RollSummary:
    """What the tab's head and ``GET voter-roll`` show: the mode, counts, the floor, the publication deadline
    ("must be published by election day − 20 days"), the objection window, open and overdue objections."""
    today = today or timezone.localdate()
    numbers = roll_rules.roll_rules(election.effective_rules())
    roll = voter_roll(election=election)
    published_on = roll.published_on if roll else None
    open_raised = list(RollObjection.objects.filter(election=election, decision="").values_list("raised_on",
                                                                                                 flat=True))
    return RollSummary(
        roll=roll, mode=roll.mode if roll else "all", residents_total=roll.residents_total if roll else None,
        counts=roll_counts(election=election), election_day=election.election_day, lead_days=numbers.lead_days,
        publish_deadline=roll_rules.publish_deadline(election.election_day, numbers.lead_days),
        published_on=published_on, objection_days=numbers.objection_days,
        objection_last_day=roll_rules.objection_last_day(published_on, numbers.objection_days)
        if published_on else None,
        decision_days=numbers.decision_days, floor=numbers.floor, open_objections=len(open_raised),
        overdue_objections=sum(1 for r in open_raised if roll_rules.decision_overdue(r, today, numbers.decision_days)),
        today=today,
    )


# --------------------------------------------------------------------------------------------
# Objections
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectionRow:
    objection: RollObjection
    due: dt.date
    overdue: bool  # decided after the due day, or still open after it

    @property
    def open(self) -> bool:
        return not self.objection.decision


def _objection_row(objection: RollObjection, decision_days: int, today: dt.date) -> ObjectionRow:
    due = roll_rules.decision_due(objection.raised_on, decision_days)
    return ObjectionRow(objection, due, roll_rules.decision_overdue(
        objection.raised_on, objection.decided_on or today, decision_days))


def roll_objection_rows(*, election: Election, filters: dict[str, Any] | None = None,
                        today: dt.date | None = None) -> list[ObjectionRow]:
    """Objections of an election, open ones first, each with its due day and overdue mark. Filters: ``open``
    (true/false), ``kind``."""
    filters = filters or {}
    today = today or timezone.localdate()
    days = roll_rules.roll_rules(election.effective_rules()).decision_days
    qs = RollObjection.objects.filter(election=election).select_related("voter", "decided_by", "created_by")
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if str(filters.get("open") or "").lower() in {"true", "1"}:
        qs = qs.filter(decision="")
    elif str(filters.get("open") or "").lower() in {"false", "0"}:
        qs = qs.exclude(decision="")
    rows = [_objection_row(o, days, today) for o in qs]
    return sorted(rows, key=lambda r: (not r.open, r.objection.raised_on, r.objection.pk))


def roll_objection_get(*, user: User, pk: int) -> RollObjection:
    qs = RollObjection.objects.select_related("election", "election__community", "election__rulebook", "voter",
                                              "decided_by")
    return get_object_or_404(_in_scope(qs, user), pk=pk)


def roll_objection_row(*, objection: RollObjection, today: dt.date | None = None) -> ObjectionRow:
    days = roll_rules.roll_rules(objection.election.effective_rules()).decision_days
    return _objection_row(objection, days, today or timezone.localdate())


# --------------------------------------------------------------------------------------------
# The printable list (选民榜): active voters' names by group, 姓氏笔画 order
# --------------------------------------------------------------------------------------------


def voters_by_group(*, election: Election) -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {}
    for group, name in Voter.objects.filter(election=election, status="active").values_list("group", "name"):
        groups.setdefault(group, []).append(name)
    return [(group, sort_names(groups[group])) for group in sorted(groups, key=roll_rules.group_sort_key)]


def voter_by_id_number(*, election: Election, id_number: str) -> Voter | None:
    """The active voter of an election with this ID number (an objection names a voter by it: a select of a
    whole roll would be too long)."""
    number = "".join((id_number or "").split()).upper()
    if not number:
        return None
    return Voter.objects.filter(election=election, status="active", id_number=number).first()

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from elections.models import User

from .models import Person, Relative


def person_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Person]:
    qs = Person.objects.select_related("community", "community__parent")
    if not user.is_superuser:
        if not user.jurisdiction_id:
            return qs.none()
        qs = qs.filter(community__path__startswith=user.jurisdiction.path)
    filters = filters or {}
    q = (filters.get("q") or "").strip()
    if q:
        lowered = q.lower().replace(" ", "")
        condition = Q(name__icontains=q)
        if lowered.isascii() and lowered.isalpha():
            condition |= Q(name_initials__startswith=lowered) | Q(name_pinyin__startswith=lowered)
        if q.isdigit() and len(q) >= 4:
            condition |= Q(id_number__endswith=q.upper())
        qs = qs.filter(condition)
    if filters.get("community"):
        qs = qs.filter(community_id=filters["community"])
    if filters.get("street"):
        qs = qs.filter(community__parent_id=filters["street"])
    if filters.get("sex"):
        qs = qs.filter(sex=filters["sex"])
    if filters.get("education"):
        qs = qs.filter(education=filters["education"])
    if filters.get("party_member") in {"true", "1", True}:
        qs = qs.filter(party_member=True)
    elif filters.get("party_member") in {"false", "0", False}:
        qs = qs.filter(party_member=False)
    return qs


def person_get(*, user: User, pk: int) -> Person:
    return get_object_or_404(person_list(user=user), pk=pk)


def relatives_of(*, person: Person) -> QuerySet[Relative]:
    return Relative.objects.filter(person=person).select_related("relative", "relative__community")


def are_near_relatives(a: Person | int, b: Person | int) -> bool:
    """Whether two people are near relatives (近亲属) — one indexed lookup, links being symmetric."""
    a_id = a if isinstance(a, int) else a.pk
    b_id = b if isinstance(b, int) else b.pk
    return a_id != b_id and Relative.objects.filter(person_id=a_id, relative_id=b_id).exists()


def near_relative_pairs(person_ids: list[int]) -> set[frozenset[int]]:
    """Every near-relative pair among the given people, in one query (for gates over a whole list)."""
    links = Relative.objects.filter(person_id__in=person_ids, relative_id__in=person_ids).values_list(
        "person_id", "relative_id"
    )
    return {frozenset(pair) for pair in links}

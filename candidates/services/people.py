from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from elections.audit import record_event, snapshot
from elections.errors import ApplicationError
from elections.models import Jurisdiction, User

from .. import rules
from ..models import Person, Relative

PERSON_FIELDS = ["name", "sex", "birth_date", "education", "party_member", "community", "phone"]


def _require(user: User, perm: str, obj: Any) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied("您没有权限执行此操作。")


def _person_state(person: Person) -> dict[str, Any]:
    data = snapshot(person, PERSON_FIELDS)
    data["id_number"] = person.masked_id  # the trail never holds a full ID number
    return data


def _clean_person(
    *, name: str, id_number: str, community: Jurisdiction | None, education: str, phone: str,
    exclude_pk: int | None = None,
) -> tuple[dict[str, list[str]], rules.IdInfo | None]:
    errors: dict[str, list[str]] = {}
    info = None
    if not (name or "").strip():
        errors["name"] = ["请填写姓名。"]
    elif len(name.strip()) > 50:
        errors["name"] = ["姓名过长。"]
    try:
        info = rules.parse_id_number(id_number, today=timezone.localdate())
    except rules.InvalidIdNumber as exc:
        errors["id_number"] = [str(exc)]
    if info is not None:
        clash = Person.objects.filter(id_number=info.number)
        if exclude_pk:
            clash = clash.exclude(pk=exclude_pk)
        existing = clash.select_related("community").first()
        if existing is not None:
            errors["id_number"] = [f"该身份证号码已登记（{existing.name}，{existing.community.name}）。"]
    if community is None or community.level != "community":
        errors["community"] = ["请选择所在社区。"]
    if education and education not in rules.EDUCATION_LABELS:
        errors["education"] = ["学历无效。"]
    if phone and (not phone.replace("-", "").isdigit() or len(phone) > 20):
        errors["phone"] = ["联系电话只能包含数字和“-”。"]
    return errors, info


@transaction.atomic
def person_create(
    *,
    actor: User,
    name: str,
    id_number: str,
    community: Jurisdiction,
    education: str = "",
    party_member: bool = False,
    phone: str = "",
) -> Person:
    _require(actor, "candidates.add_person", community)
    errors, info = _clean_person(name=name, id_number=id_number, community=community, education=education, phone=phone)
    if errors or info is None:
        raise ApplicationError("人员信息有误。", errors)
    person = Person.objects.create(
        name=name.strip(), id_number=info.number, sex=info.sex, birth_date=info.birth_date,
        education=education, party_member=party_member, community=community, phone=(phone or "").strip(),
    )
    record_event(actor=actor, action="person.create", obj=person, jurisdiction=community,
                 after=_person_state(person), summary=f"登记人员 {person.name}（{person.masked_id}）")
    return person


@transaction.atomic
def person_update(*, actor: User, person: Person, **changes: Any) -> Person:
    _require(actor, "candidates.change_person", person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if "community" in changes:
        _require(actor, "candidates.change_person", changes["community"])
    before = _person_state(person)
    merged = {
        "name": changes.get("name", person.name),
        "id_number": changes.get("id_number", person.id_number),
        "community": changes.get("community", person.community),
        "education": changes.get("education", person.education),
        "phone": changes.get("phone", person.phone),
    }
    errors, info = _clean_person(**merged, exclude_pk=person.pk)
    if errors or info is None:
        raise ApplicationError("人员信息有误。", errors)
    person.name = merged["name"].strip()
    person.id_number, person.sex, person.birth_date = info.number, info.sex, info.birth_date
    person.community = merged["community"]
    person.education = merged["education"]
    person.phone = (merged["phone"] or "").strip()
    if "party_member" in changes:
        person.party_member = bool(changes["party_member"])
    person.save()
    record_event(actor=actor, action="person.update", obj=person, jurisdiction=person.community, before=before,
                 after=_person_state(person), summary=f"修改人员 {person.name}")
    return person


@transaction.atomic
def relative_add(*, actor: User, person: Person, relative: Person, relation: str) -> Relative:
    """Record that ``relative`` is ``person``'s <relation>, and the inverse link, in one change."""
    _require(actor, "candidates.change_person", person)
    _require(actor, "candidates.change_person", relative)
    errors: dict[str, list[str]] = {}
    if person.pk == relative.pk:
        errors["relative"] = ["不能把本人登记为自己的亲属。"]
    problem = rules.relation_problem(relation, person.birth_date, relative.birth_date)
    if problem:
        errors["relation"] = [problem]
    existing = Relative.objects.filter(person=person, relative=relative).first()
    if existing is not None:
        errors["relative"] = [f"{relative.name}已登记为{person.name}的{existing.get_relation_display()}。"]
    if errors:
        raise ApplicationError("亲属关系有误。", errors)
    link = Relative.objects.create(person=person, relative=relative, relation=relation)
    Relative.objects.create(person=relative, relative=person, relation=rules.inverse_relation(relation))
    record_event(actor=actor, action="relative.add", obj=link, jurisdiction=person.community,
                 after={"person": person.pk, "relative": relative.pk, "relation": relation},
                 summary=f"登记近亲属：{relative.name}是{person.name}的{rules.RELATION_LABELS[relation]}")
    return link


@transaction.atomic
def relative_remove(*, actor: User, person: Person, relative: Person, reason: str) -> None:
    _require(actor, "candidates.change_person", person)
    if not (reason or "").strip():
        raise ApplicationError("删除亲属关系须说明理由。", {"reason": ["请填写理由。"]})
    link = Relative.objects.filter(person=person, relative=relative).first()
    if link is None:
        raise ApplicationError("没有这条亲属关系。", {"relative": ["没有这条亲属关系。"]})
    relation = link.relation
    Relative.objects.filter(person=person, relative=relative).delete()
    Relative.objects.filter(person=relative, relative=person).delete()
    record_event(actor=actor, action="relative.remove", object_type="candidates.relative",
                 object_id=f"{person.pk}-{relative.pk}", jurisdiction=person.community,
                 before={"person": person.pk, "relative": relative.pk, "relation": relation},
                 after={"reason": reason.strip()},
                 summary=f"删除近亲属关系：{relative.name}与{person.name}（{reason.strip()}）")


def person_age_on(person: Person, day: dt.date) -> int:
    return rules.age_on(person.birth_date, day)

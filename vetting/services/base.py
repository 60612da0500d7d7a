"""Shared helpers of the vetting services, and the district office's configuration of its grounds (不得 / 不宜)
and joint-review departments."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from candidates import services as candidate_services
from candidates.models import Nomination
from elections.audit import record_event, snapshot
from elections.errors import ApplicationError, Conflict
from elections.models import Election, Jurisdiction, User
from elections.services import _require

from .. import rules
from ..models import Ground, Review, ReviewDepartment
from ..selectors import (
    departments_for,
)

# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _lock_nomination(nomination: Nomination) -> Nomination:
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("election", "election__community", "election__community__parent", "person")
        .get(pk=nomination.pk)
    )


def _lock_district(district: Jurisdiction | None) -> None:
    """Serialise a district's joint review with changes of its departments (see departments_set)."""
    if district is not None:
        Jurisdiction.objects.select_for_update().filter(pk=district.pk).first()


def _lock_election(election: Election) -> Election:
    return Election.objects.select_for_update(of=("self",)).select_related("community", "rulebook").get(
        pk=election.pk
    )


def _who(nomination: Nomination) -> str:
    return f"{nomination.person.name}（{nomination.get_position_display()}）"


def _check_version(nomination: Nomination, version: int | str | None) -> None:
    if version is None:
        return
    try:
        seen = int(str(version).strip().strip('"'))
    except ValueError:
        raise ApplicationError("版本号有误。", {"version": [f"版本号“{version}”不是整数。"]}) from None
    if seen != nomination.version:
        raise Conflict(
            f"{_who(nomination)}的提名已被他人处理（当前版本 {nomination.version}，您提交的是版本 {seen}），"
            "请刷新后重新审查。"
        )


def _check_district(district: Jurisdiction) -> None:
    if district.level != "district":
        raise ApplicationError("只能为区设置资格审查情形和联审部门。", {"district": [f"“{district.name}”不是区。"]})


def _nomination_of(election: Election, nomination: Nomination | None) -> Nomination | None:
    if nomination is not None and nomination.election_id != election.pk:
        raise ApplicationError("涉及人选有误。", {"nomination": ["该提名不属于本次选举。"]})
    return nomination


def _district_passes(nomination: Nomination) -> list[str]:
    return [
        r.department
        for r in Review.objects.filter(nomination=nomination, level="district")
        if rules.counts_as_pass(r.decision, r.street_decision)
    ]


def _ground_state(ground: Ground) -> dict[str, Any]:
    return snapshot(ground, ["district", "code", "kind", "text", "department", "source", "order", "active"])


# --------------------------------------------------------------------------------------------
# Configuration: a district's grounds and joint-review departments
# --------------------------------------------------------------------------------------------


def _copy_defaults(district: Jurisdiction) -> list[Ground]:
    defaults = list(Ground.objects.filter(district__isnull=True))
    return Ground.objects.bulk_create([
        Ground(district=district, code=g.code, kind=g.kind, text=g.text, department=g.department, source=g.source,
               order=g.order, active=g.active)
        for g in defaults
    ])


@transaction.atomic
def grounds_customise(*, actor: User, district: Jurisdiction) -> list[Ground]:
    """Give the district its own copy of the default grounds, to edit from then on."""
    _require(actor, "vetting.configure", district)
    _check_district(district)
    _lock_district(district)
    if Ground.objects.filter(district=district).exists():
        raise Conflict(f"{district.name}已自定义资格审查情形，请直接修改。")
    copied = _copy_defaults(district)
    record_event(
        actor=actor, action="vetting.grounds_customise", object_type="vetting.ground", object_id=district.pk,
        jurisdiction=district, after={"codes": [g.code for g in copied]},
        summary=f"{district.name}自定义资格审查情形：复制默认的不得、不宜情形共 {len(copied)} 项",
    )
    return copied


def _new_code(district: Jurisdiction, kind: str) -> tuple[str, int]:
    existing = set(Ground.objects.filter(district=district).values_list("code", flat=True))
    orders = Ground.objects.filter(district=district, kind=kind).values_list("order", flat=True)
    order = max(orders, default=0) + 1
    n = order
    while f"{kind}-{n:02d}" in existing:
        n += 1
    return f"{kind}-{n:02d}", order


@transaction.atomic
def ground_save(
    *, actor: User, district: Jurisdiction, code: str | None = None, kind: str, text: str, department: str = "",
    source: str = "", active: bool = True,
) -> Ground:
    """Add a ground (``code`` None) or edit one of the district's grounds. A district still on the defaults
    gets its own copy first."""
    _require(actor, "vetting.configure", district)
    _check_district(district)
    errors: dict[str, list[str]] = {}
    if kind not in rules.GROUND_KIND_LABELS:
        errors["kind"] = ["类别须为不得（ineligible）或不宜（unsuitable）。"]
    if not text.strip():
        errors["text"] = ["请填写情形内容。"]
    if department and department not in rules.DEPARTMENT_LABELS:
        errors["department"] = [f"审查部门“{department}”无效。"]
    if errors:
        raise ApplicationError("资格审查情形有误。", errors)
    _lock_district(district)
    copied = not Ground.objects.filter(district=district).exists()
    if copied:
        _copy_defaults(district)
    if code is None:
        code, order = _new_code(district, kind)
        ground = Ground(district=district, code=code, order=order)
        before = None
    else:
        ground = Ground.objects.filter(district=district, code=code).first()
        if ground is None:
            raise ApplicationError("资格审查情形有误。", {"code": [f"{district.name}没有代码为“{code}”的情形。"]})
        before = _ground_state(ground)
    ground.kind, ground.text, ground.department = kind, text.strip(), department
    ground.source, ground.active = source.strip(), bool(active)
    ground.save()
    verb = "新增" if before is None else "修改"
    record_event(
        actor=actor, action="vetting.ground_save", obj=ground, jurisdiction=district, before=before,
        after=_ground_state(ground),
        summary=f"{district.name}{verb}{rules.GROUND_KIND_LABELS[kind]}情形“{ground.text[:40]}”"
        f"（{rules.department_label(department)}审查{'' if ground.active else '，停用'}）"
        + ("；首次自定义，已复制默认情形" if copied else ""),
    )
    return ground


@transaction.atomic
def departments_set(*, actor: User, district: Jurisdiction, codes: list[str]) -> list[str]:
    """Choose the departments of the district's joint review. Nominations at the district level that every
    remaining department has already passed are approved at once."""
    _require(actor, "vetting.configure", district)
    _check_district(district)
    chosen = list(dict.fromkeys(codes))
    unknown = [c for c in chosen if c not in rules.DEPARTMENT_LABELS]
    if unknown:
        raise ApplicationError("联审部门有误。", {"codes": [f"部门“{'、'.join(map(str, unknown))}”无效。"]})
    if not chosen:
        raise ApplicationError("联审部门有误。", {"codes": ["至少选择一个联审部门。"]})
    _lock_district(district)
    before = departments_for(district)
    for code in rules.DEPARTMENT_CODES:
        ReviewDepartment.objects.update_or_create(district=district, code=code, defaults={"active": code in chosen})
    after = departments_for(district)
    record_event(
        actor=actor, action="vetting.departments_set", object_type="vetting.reviewdepartment",
        object_id=district.pk, jurisdiction=district, before={"departments": before}, after={"departments": after},
        summary=f"{district.name}区级联审部门：" + "、".join(rules.department_label(c) for c in after),
    )
    waiting = Nomination.objects.filter(
        status="reviewing", level="district", election__stage__in=rules.REVIEW_STAGES,
        election__community__path__startswith=district.path,
    ).order_by("id")
    for nomination in waiting:
        locked = _lock_nomination(nomination)  # then look again: a review may have decided it meanwhile
        if locked.status != "reviewing" or locked.level != "district":
            continue
        if rules.district_complete(after, _district_passes(locked)):
            candidate_services.nomination_set_outcome(
                actor=actor, nomination=locked, status="approved", level="",
                outcome="区级联审通过（联审部门调整后，其余部门均已通过）。", action="vetting.review",
            )
    return after

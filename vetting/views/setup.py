"""/vetting/setup/: the district office chooses the departments of the joint review and keeps its lists of
不得 / 不宜 grounds (a copy of the defaults once customised)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_POST

from elections import selectors as org_selectors
from elections.exports import xlsx_response

from .. import rules, selectors, services
from ..forms import DepartmentsForm, GroundForm
from .common import run_form

GROUND_HEADERS = [
    gettext_noop("类别"), gettext_noop("序号"), gettext_noop("情形"), gettext_noop("审查部门"), gettext_noop("依据"),
    gettext_noop("启用"), gettext_noop("代码"),
]


def _district(request: HttpRequest) -> Any:
    """The district being configured: the admin's own; a superuser picks one (?district=)."""
    user = request.user
    districts = org_selectors.jurisdiction_list(user=user).filter(level="district").order_by("path")
    if user.is_superuser:
        chosen = request.POST.get("district") or request.GET.get("district")
        district = districts.filter(pk=chosen).first() if chosen and str(chosen).isdigit() else districts.first()
    else:
        district = user.jurisdiction if user.jurisdiction_id and user.jurisdiction.level == "district" else None
    if district is None or not user.has_perm("vetting.configure", district):
        raise PermissionDenied(gettext("只有区换届办可以设置资格审查情形和联审部门。"))
    return district


def _setup_url(request: HttpRequest, district: Any, anchor: str = "") -> str:
    url = reverse("vetting-setup")
    if request.user.is_superuser:
        url += f"?district={district.pk}"
    return url + (f"#{anchor}" if anchor else "")


def _render(request: HttpRequest, district: Any, bound: dict[str, forms.Form] | None = None,
            status: int = 200) -> HttpResponse:
    bound = bound or {}
    grounds = selectors.grounds_for(district)
    customised = any(g.district_id == district.pk for g in grounds)
    departments = selectors.departments_for(district)
    items = [{"g": g, "form": bound.get(f"ground-{g.code}") or GroundForm(
        initial={"code": g.code, "kind": g.kind, "department": g.department, "text": g.text, "source": g.source,
                 "active": g.active}, auto_id=f"id_g{g.pk}_%s")} for g in grounds]
    return render(request, "vetting/setup.html", {
        "district": district,
        "districts": org_selectors.jurisdiction_list(user=request.user).filter(level="district").order_by("path")
        if request.user.is_superuser else [],
        "customised": customised,
        "departments": departments,
        "departments_form": bound.get("departments") or DepartmentsForm(initial={"codes": departments}),
        "sections": [{"kind": kind, "label": label, "items": [i for i in items if i["g"].kind == kind]}
                     for kind, label in rules.GROUND_KINDS],
        "add_form": bound.get("add") or GroundForm(initial={"kind": "unsuitable", "active": True},
                                                   auto_id="id_gnew_%s"),
        "add_open": "add" in bound,
        "ground_total": len(grounds),
    }, status=status)


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    district = _district(request)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(gettext("%(district)s资格审查情形") % {"district": district.name},
                             [gettext(h) for h in GROUND_HEADERS], (
            [gettext(rules.GROUND_KIND_LABELS[g.kind]), g.order, g.text, gettext(rules.department_label(g.department)),
             g.source, gettext("是") if g.active else gettext("否"), g.code]
            for g in selectors.grounds_for(district)))
    return _render(request, district)


@login_required
@require_POST
def departments_set(request: HttpRequest) -> HttpResponse:
    district = _district(request)
    form = DepartmentsForm(request.POST)
    failed = run_form(
        request, form,
        lambda d: services.departments_set(actor=request.user, district=district, codes=d["codes"]),
        lambda codes: gettext("联审部门已保存：%(departments)s。") % {
            "departments": gettext("、").join(gettext(rules.department_label(c)) for c in codes)},
    )
    if failed:
        return _render(request, district, {"departments": form}, status=failed)
    return redirect(_setup_url(request, district, "departments"))


@login_required
@require_POST
def ground_save(request: HttpRequest) -> HttpResponse:
    district = _district(request)
    code = request.POST.get("code") or None
    existing = {g.code: g for g in selectors.grounds_for(district)}
    auto_id = f"id_g{existing[code].pk}_%s" if code in existing else "id_gnew_%s"
    form = GroundForm(request.POST, auto_id=auto_id)
    failed = run_form(
        request, form,
        lambda d: services.ground_save(actor=request.user, district=district, code=d["code"] or None, kind=d["kind"],
                                       text=d["text"], department=d["department"], source=d["source"],
                                       active=d["active"]),
        lambda g: (gettext("已新增情形：%(text)s") if code is None else gettext("已修改情形：%(text)s")) % {
            "text": g.text[:40]},
    )
    if failed:
        return _render(request, district, {f"ground-{code}" if code else "add": form}, status=failed)
    return redirect(_setup_url(request, district, "grounds"))


@login_required
@require_POST
def grounds_customise(request: HttpRequest) -> HttpResponse:
    district = _district(request)
    form = forms.Form(request.POST)
    failed = run_form(
        request, form, lambda _d: services.grounds_customise(actor=request.user, district=district),
        lambda copied: gettext("已复制默认情形 %(n)s 项，可以开始修改。") % {"n": len(copied)},
    )
    if failed:
        return _render(request, district, status=failed)
    return redirect(_setup_url(request, district, "grounds"))

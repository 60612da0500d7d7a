"""People and their relatives."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from elections import selectors as org_selectors
from elections.errors import ApplicationError
from elections.exports import xlsx_response
from elections.views import apply_errors

from .. import rules, selectors, services
from ..forms import PersonFilterForm, PersonForm, RelativeForm


def _communities(request: HttpRequest):  # noqa: ANN202
    return org_selectors.jurisdiction_list(user=request.user).filter(level="community")


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonFilterForm(request.GET or None, communities=_communities(request))
    people = selectors.person_list(user=request.user, filters=form.filters())
    today = timezone.localdate()
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "人员名单",
            ["姓名", "身份证号码（脱敏）", "性别", "出生日期", "年龄", "学历", "中共党员", "街道", "社区"],
            (
                [p.name, p.masked_id, p.get_sex_display(), p.birth_date, rules.age_on(p.birth_date, today),
                 p.get_education_display(), "是" if p.party_member else "否",
                 p.community.parent.name if p.community.parent else "", p.community.name]
                for p in people.iterator(chunk_size=2000)
            ),
        )
    page = Paginator(people, 100).get_page(request.GET.get("page"))
    rows = [(p, rules.age_on(p.birth_date, today)) for p in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "candidates/person_list.html", {
        "form": form, "page": page, "rows": rows, "query": query.urlencode(),
        "can_add": request.user.is_superuser or request.user.role in {"community_clerk", "street_staff",
                                                                       "district_admin"},
    })


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    communities = _communities(request)
    form = PersonForm(request.POST or None, communities=communities,
                      initial={"community": communities.first() if communities.count() == 1 else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_create(actor=request.user, name=data["name"], id_number=data["id_number"],
                                            community=data["community"], education=data["education"],
                                            party_member=data["party_member"], phone=data["phone"])
            messages.success(request, f"已登记 {person.name}。")
            return redirect("person-detail", pk=person.pk)
        except ApplicationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
    return render(request, "elections/form.html", {"form": form, "title": "登记人员", "back": "/people/"})


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk)
    people = selectors.person_list(user=request.user).exclude(pk=person.pk)
    form = RelativeForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            services.relative_add(actor=request.user, person=person, relative=form.cleaned_data["relative"],
                                  relation=form.cleaned_data["relation"])
            messages.success(request, "近亲属关系已登记（双向）。")
            return redirect("person-detail", pk=pk)
        except ApplicationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
    return render(request, "candidates/person_detail.html", {
        "person": person, "age": rules.age_on(person.birth_date, timezone.localdate()),
        "relatives": selectors.relatives_of(person=person), "form": form,
        "can_change": request.user.has_perm("candidates.change_person", person),
    })


@login_required
@require_POST
def relative_remove(request: HttpRequest, pk: int, relative_pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk)
    relative = selectors.person_get(user=request.user, pk=relative_pk)
    try:
        services.relative_remove(actor=request.user, person=person, relative=relative,
                                 reason=request.POST.get("reason", ""))
        messages.success(request, "近亲属关系已删除。")
    except (ApplicationError, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    return redirect("person-detail", pk=pk)

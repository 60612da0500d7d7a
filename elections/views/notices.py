"""The election's "文书" tab: the documents this election can generate, a 生成 button each, and every version
generated so far with its download link, short SHA-256, time and author."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import extensions, selectors, services
from ..forms import NoticeGenerateForm
from ..notices import kinds
from .common import handle_form
from .core import form_outcome

NOTICES_TAB = "notices"


def _notices_tab(request: HttpRequest, election: Any, bound: dict[str, Any]) -> dict[str, Any]:
    by_kind: dict[str, list[Any]] = {}
    for notice in selectors.notice_list(election=election):
        by_kind.setdefault(notice.kind, []).append(notice)
    rows = [{"kind": spec.kind, "label": spec.label, "versions": by_kind.pop(spec.kind, [])}
            for spec in kinds.available(election)]
    # documents generated earlier of a kind no longer offered still show
    rows += [{"kind": kind, "label": kinds.KIND_LABELS.get(kind, kind), "versions": versions, "retired": True}
             for kind, versions in by_kind.items()]
    return {"notice_rows": rows, "notice_form": bound.get("notice-generate"),
            "can_generate_notice": request.user.has_perm("elections.generate_notice", election)}


@login_required
@require_POST
def notice_generate(request: HttpRequest, pk: int) -> HttpResponse:
    election = selectors.election_get(user=request.user, pk=pk)
    form = NoticeGenerateForm(request.POST, auto_id="id_notice_%s")
    failed = handle_form(
        request, form,
        lambda d: services.notice_generate(actor=request.user, election=election, kind=d["kind"]),
        lambda n: gettext("已生成%(what)s（第%(version)s版）。") % {"what": n.get_kind_display(), "version": n.version},
    )
    return form_outcome(request, election, NOTICES_TAB, "notice-generate", form, failed, "notices")


def register_pages() -> None:
    """Called from ElectionsConfig.ready(): the tab after 工作移交 (85)."""
    extensions.register_tab(NOTICES_TAB, _("文书"), "elections/_tab_notices.html", _notices_tab, order=90)
    extensions.register_urls([path("elections/<int:pk>/notices/generate/", notice_generate, name="notice-generate")])

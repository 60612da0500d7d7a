"""Generating notices (文书): build the kind's data through the registry, render the PDF, store it as a new
version with its SHA-256, record one event.

Keyword-only, atomic, permission-checked (``elections.generate_notice``). The election row is locked so two
clerks generating the same kind at once get versions n and n+1 (the unique constraint holds it too). A
public document never holds an ID or phone number: the rendered HTML is checked before it is set as a PDF.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string

from ..audit import record_event
from ..errors import ApplicationError
from ..models import Election, Notice, User
from ..notices import kinds
from ..notices.render import render_pdf_pages
from .core import _require

__all__ = ["notice_generate"]


@transaction.atomic
def notice_generate(*, actor: User, election: Election, kind: str) -> Notice:
    """Generate the election's document of ``kind`` as its next version."""
    _require(actor, "elections.generate_notice", election)
    spec = kinds.get(kind) if isinstance(kind, str) else None
    if spec is None or not spec.applies(election):
        label = kinds.KIND_LABELS.get(kind) if isinstance(kind, str) else None
        message = f"本选举尚不能生成“{label}”。" if label else f"没有“{kind}”这种文书。"
        raise ApplicationError(message, {"kind": [message]})
    election = Election.objects.select_for_update().select_related("community", "campaign").get(pk=election.pk)
    data = dict(spec.build(election))
    template = data.pop("template", kinds.DEFAULT_TEMPLATE)
    html = render_to_string(template, {"election": election, **data})
    kinds.check_public(html)
    pdf, pages = render_pdf_pages(html)
    latest = Notice.objects.filter(election=election, kind=kind).aggregate(v=Max("version"))["v"] or 0
    notice = Notice(election=election, kind=kind, version=latest + 1, sha256=hashlib.sha256(pdf).hexdigest(),
                    size=len(pdf), pages=pages, created_by=actor)
    notice.file.save(f"{kind}-v{notice.version}.pdf", ContentFile(pdf), save=False)
    notice.save()
    record_event(actor=actor, action="notice.generate", obj=notice, election=election,
                 after={"kind": kind, "version": notice.version, "sha256": notice.sha256, "size": notice.size,
                        "pages": pages},
                 summary=f"生成{spec.label}（第{notice.version}版，{pages}页，SHA-256 {notice.sha256[:12]}…）")
    return notice

"""The documents of the candidates app, registered with the elections app's notice registry
(``elections.notices.kinds``) from ``CandidatesConfig.ready()``: the formal candidate list (正式候选人名单)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from elections.notices import kinds

from .selectors.nomination import candidate_list_status, formal_list
from .views.candidate_list import _issuer, _list_title


def candidate_list_data(election: Any) -> dict[str, Any]:
    """Names per position (seat-plan order), in 姓氏笔画 order (the candidates' ``order``); names only (the
    generating service checks the rendered notice for ID and phone numbers)."""
    positions = [{"label": p.label, "seats": p.seats, "count": len(p.rows),
                  "names": [row.candidate.person.name for row in p.rows]}
                 for p in formal_list(election=election) if p.rows]
    status = candidate_list_status(election=election)
    day = (status.published_on if status else None) or timezone.localdate()
    return {
        "template": "elections/notices/candidate_list.html",
        "title": _list_title(election, ""),
        "paragraphs": [f"根据选举办法，经依法提名、资格审查和公示，现将{election.community.name}"
                       f"{election.get_body_display()}选举正式候选人名单公布如下（按姓氏笔画排序）："],
        "positions": positions,
        "issuer": _issuer(election),
        "date": kinds.cn_date(day),
    }


def register_notices() -> None:
    kinds.register("candidate_list", kinds.KIND_LABELS["candidate_list"], candidate_list_data)

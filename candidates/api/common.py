"""What every API module of the candidates app (and the vetting app's) shares: the election a nested
collection hangs under, the reason of a removal, the version of a write that can race."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter
from rest_framework import viewsets
from rest_framework.request import Request

from elections import selectors as election_selectors
from elections.errors import ApplicationError
from elections.models import Election
from elections.serializers import ReasonSerializer

REASON_PARAMETER = OpenApiParameter("reason", str, description="删除理由（也可放在 JSON 请求体 {\"reason\"} 中）；必填")
IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER,
    description="读取时得到的版本号（ETag），如 \"3\"；也可在请求体中给出 version。版本已变：409",
)


def reason_from(request: Request) -> str:
    """The reason of a removal, from the JSON body or the query string; blank ones the service refuses."""
    body = request.data if isinstance(request.data, dict) else {}
    data = ReasonSerializer(data={"reason": body.get("reason") or request.query_params.get("reason", "")})
    data.is_valid(raise_exception=True)
    return data.validated_data["reason"]


def version_from(request: Request, body_version: Any = None) -> int | None:
    """The version a write was based on: ``version`` in the body, else the ``If-Match`` header
    (``"3"``, ``W/"3"`` or ``3``); None when neither is given. Not a whole number: 400 on ``version``."""
    raw = body_version
    if raw is None:
        header = request.headers.get("If-Match", "").strip()
        if not header or header == "*":
            return None
        raw = header.removeprefix("W/").strip().strip('"')
    text = str(raw).strip()
    if not text.isdigit():
        raise ApplicationError("版本号有误。", {"version": [f"版本号“{raw}”不是整数。"]})
    return int(text)


def etag(version: int) -> str:
    return f'"{version}"'


class ElectionNested(viewsets.GenericViewSet):
    """A collection under /elections/{election_pk}/; the election is looked up in the caller's scope (404)."""

    lookup_value_regex = "[0-9]+"
    filter_backends: list[Any] = []

    def election(self) -> Election:
        return election_selectors.election_get(user=self.request.user, pk=int(self.kwargs["election_pk"]))


class ElectionScoped(viewsets.GenericViewSet):
    """Sub-resources of one election that are single objects (/elections/{id}/<name>/), served as detail
    actions like the elections app's own (rulebook-adoption); the election is looked up in scope (404)."""

    lookup_value_regex = "[0-9]+"
    filter_backends: list[Any] = []

    def election(self) -> Election:
        return election_selectors.election_get(user=self.request.user, pk=int(self.kwargs["pk"]))

"""API of polling stations and proxies (委托投票).

* ``/api/v1/elections/{id}/stations/`` — list, create; ``…/stations/{station}/`` retrieve, PATCH, DELETE.
  (The counting area owns the top-level ``stations/{id}/rounds/{round}/tally/``: nothing is registered at the
  top-level ``stations`` prefix here.)
* ``/api/v1/elections/{id}/proxies/`` — list (filters ``status``, ``holder``, ``q``), create: 400 past the
  holder's limit, for oneself, for someone not a voter of the election, where the rulebook (or a party election)
  allows no proxy.
* ``/api/v1/proxies/{id}/`` — retrieve; DELETE (with a reason) or ``POST …/revoke/`` ``{"reason"}`` revokes.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from candidates.api.common import REASON_PARAMETER, ElectionNested, reason_from
from config.api import query_filters
from elections import selectors as election_selectors

from ..rules import stations as rules
from ..selectors import stations as selectors
from ..serializers.stations import ProxyRevokeSerializer, ProxySerializer, StationSerializer
from ..services import stations as services

_STATE_409 = OpenApiResponse(description="stage or state conflict: {detail}")


class ElectionStationViewSet(ElectionNested):
    """The polling places of one election (中心会场, 投票站, 流动票箱) with their supervisors."""

    serializer_class = StationSerializer

    def _context(self, election: Any) -> dict[str, Any]:
        return {**self.get_serializer_context(), "rules": election.effective_rules()}

    @extend_schema(responses=StationSerializer(many=True))
    def list(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        page = self.paginate_queryset(selectors.station_list(election=election))
        return self.get_paginated_response(StationSerializer(page, many=True, context=self._context(election)).data)

    @extend_schema(request=StationSerializer, responses={201: StationSerializer, 409: _STATE_409},
                   description="400 on ``name`` (blank or taken), ``kind`` (a second central venue; anything but the "
                               "central venue where the rulebook allows only it). A mobile box with fewer supervisors "
                               "than the rulebook asks is recorded (``supervisors_missing``) and blocks leaving "
                               "voting until staffed.")
    def create(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        data = StationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        station = services.station_create(actor=request.user, election=election, **data.validated_data)
        return Response(StationSerializer(station, context=self._context(election)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses=StationSerializer)
    def retrieve(self, request: Request, election_pk: Any = None, pk: Any = None) -> Response:
        election = self.election()
        station = selectors.station_get(user=request.user, pk=int(pk), election=election)
        return Response(StationSerializer(station, context=self._context(election)).data)

    @extend_schema(request=StationSerializer, responses={200: StationSerializer, 409: _STATE_409},
                   description="Change any field; those not given stay.")
    def partial_update(self, request: Request, election_pk: Any = None, pk: Any = None) -> Response:
        election = self.election()
        station = selectors.station_get(user=request.user, pk=int(pk), election=election)
        data = StationSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        station = services.station_update(actor=request.user, station=station, **data.validated_data)
        return Response(StationSerializer(station, context=self._context(election)).data)

    @extend_schema(parameters=[OpenApiParameter("reason", str, description="说明（可选）")],
                   responses={204: None, 409: _STATE_409},
                   description="409 once a tally exists for the station.")
    def destroy(self, request: Request, election_pk: Any = None, pk: Any = None) -> Response:
        station = selectors.station_get(user=request.user, pk=int(pk), election=self.election())
        body = request.data if isinstance(request.data, dict) else {}
        services.station_delete(actor=request.user, station=station,
                                reason=str(body.get("reason") or request.query_params.get("reason", "")))
        return Response(status=status.HTTP_204_NO_CONTENT)


_PROXY_FILTERS = [
    OpenApiParameter("status", str, enum=[code for code, _label in rules.PROXY_STATUSES]),
    OpenApiParameter("holder", int, description="受托人（选民 id）"),
    OpenApiParameter("q", str, description="委托人或受托人姓名，或身份证号后几位"),
]


class ElectionProxyViewSet(ElectionNested):
    """The written proxies of one election: active ones first, then revoked."""

    serializer_class = ProxySerializer

    @extend_schema(parameters=_PROXY_FILTERS, responses=ProxySerializer(many=True))
    def list(self, request: Request, election_pk: Any = None) -> Response:
        filters = query_filters(request.query_params, ["status", "q"], ids=["holder"])
        page = self.paginate_queryset(selectors.proxy_list(user=request.user, election=self.election(),
                                                           filters=filters))
        return self.get_paginated_response(ProxySerializer(page, many=True).data)

    @extend_schema(request=ProxySerializer, responses={201: ProxySerializer, 409: _STATE_409},
                   description="400 when the rulebook (or a party election) allows no proxy, on ``voter``/``holder`` "
                               "not an active voter of this election, the same person, a voter who already gave a "
                               "proxy or holds others', a holder at the limit (``proxy_limit``), who gave a proxy, or "
                               "(``proxy_holder_not_candidate``) a formal candidate; on ``written_on`` in the future "
                               "or after election day.")
    def create(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        data = ProxySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        proxy = services.proxy_create(
            actor=request.user, election=election,
            voter=selectors.voter_in_election(election=election, pk=v["voter_id"]),
            holder=selectors.voter_in_election(election=election, pk=v["holder_id"]),
            written_on=v["written_on"], reason=v.get("reason", ""))
        return Response(ProxySerializer(proxy).data, status=status.HTTP_201_CREATED)


class ProxyViewSet(viewsets.GenericViewSet):
    """One proxy: read it, revoke it (the record stays, as 已撤销, with the reason)."""

    serializer_class = ProxySerializer
    lookup_value_regex = "[0-9]+"
    filter_backends: list[Any] = []

    def _proxy(self, pk: Any) -> Any:
        proxy = selectors.proxy_get(user=self.request.user, pk=int(pk))
        election_selectors.election_get(user=self.request.user, pk=proxy.election_id)  # the same scope, 404
        return proxy

    @extend_schema(responses=ProxySerializer)
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        return Response(ProxySerializer(self._proxy(pk)).data)

    @extend_schema(parameters=[REASON_PARAMETER], responses={204: None, 409: _STATE_409},
                   description="Revoke the proxy; a reason is required (400 without one, 409 when already revoked).")
    def destroy(self, request: Request, pk: Any = None) -> Response:
        proxy = self._proxy(pk)
        services.proxy_revoke(actor=request.user, proxy=proxy, reason=reason_from(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ProxyRevokeSerializer, responses={200: ProxySerializer, 409: _STATE_409},
                   description="Revoke the proxy with ``reason`` (required).")
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: Any = None) -> Response:
        proxy = self._proxy(pk)
        data = ProxyRevokeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proxy = services.proxy_revoke(actor=request.user, proxy=proxy, reason=data.validated_data["reason"])
        return Response(ProxySerializer(proxy).data)


def register_routes(router: Any) -> None:
    router.register(r"elections/(?P<election_pk>[0-9]+)/stations", ElectionStationViewSet, basename="election-station")
    router.register(r"elections/(?P<election_pk>[0-9]+)/proxies", ElectionProxyViewSet, basename="election-proxy")
    router.register("proxies", ProxyViewSet, basename="api-proxy")

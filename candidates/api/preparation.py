"""Preparation: incumbents and their audits and talks, the residents' election committee."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from config.api import query_filters
from elections.errors import ApplicationError
from elections.models import Election
from elections.serializers import ReasonSerializer

from .. import selectors, services
from ..models import CommitteeMember, Incumbent
from ..selectors import AUDIT_STATUS_LABELS, IncumbentRow
from ..serializers import (
    AuditSerializer,
    CommitteeMemberSerializer,
    IncumbentOverviewSerializer,
    IncumbentSerializer,
    IncumbentUpdateSerializer,
    TalkSerializer,
    WithdrawalSerializer,
)
from .common import REASON_PARAMETER, ElectionNested, reason_from


def _row(election: Election, pk: Any) -> IncumbentRow:
    """The incumbent ``pk`` of this election, with its audit and talks (404 when it belongs elsewhere)."""
    for row in selectors.incumbent_rows(election=election):
        if str(row.incumbent.pk) == str(pk):
            return row
    raise Http404


def _member(election: Election, pk: Any) -> CommitteeMember:
    for member in selectors.committee_members(election=election):
        if str(member.pk) == str(pk):
            return member
    raise Http404


class ElectionIncumbentViewSet(ElectionNested):
    """The outgoing committee (现任班子成员) of an election, each with their audit and talk status."""

    serializer_class = IncumbentSerializer

    @extend_schema(responses=IncumbentSerializer(many=True))
    def list(self, request: Request, election_pk: Any = None) -> Response:
        page = self.paginate_queryset(selectors.incumbent_rows(election=self.election()))
        return self.get_paginated_response(IncumbentSerializer(page, many=True).data)

    @extend_schema(request=IncumbentSerializer, responses={201: IncumbentSerializer, 409: OpenApiResponse(
        description="not in preparation")})
    def create(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        data = IncumbentSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)  # the person is in scope: checked by the serializer field
        incumbent = services.incumbent_add(actor=request.user, election=election, **data.validated_data)
        return Response(IncumbentSerializer(_row(election, incumbent.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=IncumbentSerializer)
    def retrieve(self, request: Request, election_pk: Any = None, pk: Any = None) -> Response:
        return Response(IncumbentSerializer(_row(self.election(), pk)).data)

    @extend_schema(request=IncumbentUpdateSerializer, responses=IncumbentSerializer)
    def partial_update(self, request: Request, election_pk: Any = None, pk: Any = None) -> Response:
        election = self.election()
        row = _row(election, pk)
        data = IncumbentUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.incumbent_update(actor=request.user, incumbent=row.incumbent, **data.validated_data)
        return Response(IncumbentSerializer(_row(election, pk)).data)

    @extend_schema(parameters=[REASON_PARAMETER], responses={204: None})
    def destroy(self, request: Request, election_pk: Any = None, pk: Any = None) -> Response:
        row = _row(self.election(), pk)
        services.incumbent_remove(actor=request.user, incumbent=row.incumbent, reason=reason_from(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


_OVERVIEW_FILTERS = [
    OpenApiParameter("campaign", int), OpenApiParameter("street", int), OpenApiParameter("community", int),
    OpenApiParameter("body", str, enum=["party_committee", "residents_committee", "supervision_committee"]),
    OpenApiParameter("audit_status", str, enum=[*AUDIT_STATUS_LABELS, "pending"],
                     description="pending: 尚未完成（除 done 以外的全部）"),
    OpenApiParameter("talked", str, enum=["yes", "no"]),
    OpenApiParameter("q", str, description="姓名，或拼音、拼音首字母"),
]


class IncumbentViewSet(viewsets.GenericViewSet):
    """Incumbents across the caller's jurisdiction (audit and talk progress), and each one's audit and talks."""

    serializer_class = IncumbentOverviewSerializer
    lookup_value_regex = "[0-9]+"
    filter_backends: list[Any] = []

    def _incumbent(self, pk: Any) -> Incumbent:
        return selectors.incumbent_get(user=self.request.user, pk=int(pk))

    @extend_schema(parameters=_OVERVIEW_FILTERS, responses=IncumbentOverviewSerializer(many=True))
    def list(self, request: Request) -> Response:
        filters = query_filters(request.query_params, ["body", "audit_status", "talked", "q"],
                                ids=["campaign", "street", "community"])
        errors = {}
        if filters["audit_status"] and filters["audit_status"] not in {*AUDIT_STATUS_LABELS, "pending"}:
            errors["audit_status"] = ["审计状态须为 missing、unpublished、unhandled、done 或 pending。"]
        if filters["talked"] and filters["talked"] not in {"yes", "no"}:
            errors["talked"] = ["谈话情况须为 yes 或 no。"]
        if errors:
            raise ApplicationError("筛选条件有误。", errors)
        page = self.paginate_queryset(selectors.incumbent_overview(user=request.user, filters=filters))
        return self.get_paginated_response(IncumbentOverviewSerializer(page, many=True).data)

    @extend_schema(responses=IncumbentOverviewSerializer)
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        incumbent = self._incumbent(pk)
        return Response(IncumbentOverviewSerializer(_row(incumbent.election, incumbent.pk)).data)

    @extend_schema(methods=["GET"], responses={200: AuditSerializer, 404: OpenApiResponse(
        description="no audit recorded yet")})
    @extend_schema(methods=["POST"], request=AuditSerializer, responses={201: AuditSerializer, 200: AuditSerializer},
                   description="Record (201) or correct (200) the audit of the incumbent's term. One audit per "
                               "person, community and campaign: it counts for every committee they sat on.")
    @action(detail=True, methods=["get", "post"])
    def audit(self, request: Request, pk: Any = None) -> Response:
        incumbent = self._incumbent(pk)
        existing = services.audit_for(incumbent)
        if request.method == "GET":
            if existing is None:
                raise Http404
            return Response(AuditSerializer(existing).data)
        data = AuditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        audit = services.audit_record(actor=request.user, incumbent=incumbent, **data.validated_data)
        return Response(AuditSerializer(audit).data, status=status.HTTP_200_OK if existing else status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=TalkSerializer(many=True))
    @extend_schema(methods=["POST"], request=TalkSerializer, responses={201: TalkSerializer})
    @action(detail=True, methods=["get", "post"])
    def talks(self, request: Request, pk: Any = None) -> Response:
        incumbent = self._incumbent(pk)
        if request.method == "GET":
            page = self.paginate_queryset(_row(incumbent.election, incumbent.pk).talks)
            return self.get_paginated_response(TalkSerializer(page, many=True).data)
        data = TalkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        talk = services.talk_record(actor=request.user, incumbent=incumbent, **data.validated_data)
        return Response(TalkSerializer(talk).data, status=status.HTTP_201_CREATED)


class ElectionCommitteeMemberViewSet(ElectionNested):
    """The residents' election committee (居民选举委员会): members, alternates, withdrawals and step-ins."""

    serializer_class = CommitteeMemberSerializer

    @extend_schema(responses=CommitteeMemberSerializer(many=True))
    def list(self, request: Request, election_pk: Any = None) -> Response:
        page = self.paginate_queryset(selectors.committee_members(election=self.election()))
        return self.get_paginated_response(CommitteeMemberSerializer(page, many=True).data)

    @extend_schema(request=CommitteeMemberSerializer, responses={201: CommitteeMemberSerializer})
    def create(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        data = CommitteeMemberSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)  # the person is in scope: checked by the serializer field
        member = services.committee_member_add(actor=request.user, election=election, **data.validated_data)
        return Response(CommitteeMemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=CommitteeMemberSerializer)
    def retrieve(self, request: Request, election_pk: Any = None, pk: Any = None) -> Response:
        return Response(CommitteeMemberSerializer(_member(self.election(), pk)).data)

    @extend_schema(request=CommitteeMemberSerializer, responses=CommitteeMemberSerializer,
                   description="Change ``role`` and/or ``votes``; the person is not changed (400 on ``person``).")
    def partial_update(self, request: Request, election_pk: Any = None, pk: Any = None) -> Response:
        member = _member(self.election(), pk)
        data = CommitteeMemberSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        member = services.committee_member_update(actor=request.user, member=member, **data.validated_data)
        return Response(CommitteeMemberSerializer(member).data)

    @extend_schema(parameters=[REASON_PARAMETER], responses={204: None},
                   description="Delete a wrongly entered member (preparation only); a real departure is a withdrawal.")
    def destroy(self, request: Request, election_pk: Any = None, pk: Any = None) -> Response:
        member = _member(self.election(), pk)
        services.committee_member_remove(actor=request.user, member=member, reason=reason_from(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ReasonSerializer, responses=WithdrawalSerializer,
                   description="A member leaves; when a serving member leaves, the alternate with most 推选 votes "
                               "steps in (on equal votes the one recorded first). replacement is null when none.")
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, election_pk: Any = None, pk: Any = None) -> Response:
        member = _member(self.election(), pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        withdrawal = services.committee_member_withdraw(actor=request.user, member=member,
                                                        reason=data.validated_data["reason"])
        return Response(WithdrawalSerializer(withdrawal).data)

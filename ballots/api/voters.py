"""API of the voter roll: voters of an election (register, correct, remove), the roll's settings and summary,
its publication, objections to it and their decisions. Elections and voters outside the caller's jurisdiction
are 404; writes follow the services' permissions (403), stages and states (409)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from candidates import selectors as people
from candidates.api.common import (
    IF_MATCH_PARAMETER,
    REASON_PARAMETER,
    ElectionNested,
    etag,
    reason_from,
    version_from,
)
from config.api import query_filters
from elections import selectors as election_selectors
from elections.errors import ApplicationError
from elections.models import Election

from ..models import CATEGORIES, ROLL_OBJECTION_KINDS, RollObjection, Voter
from ..selectors import voters as selectors
from ..serializers.voters import (
    RollObjectionDecideSerializer,
    RollObjectionSerializer,
    VoterCreateSerializer,
    VoterListPublishSerializer,
    VoterRollSerializer,
    VoterRollUpdateSerializer,
    VoterSerializer,
    VoterUpdateSerializer,
)
from ..services import voters as services

_STATE_409 = OpenApiResponse(description="stage or state conflict (a stale version): {detail}")
_VOTER_FILTERS = [
    OpenApiParameter("group", str, description="居民小组"),
    OpenApiParameter("category", str, enum=[c for c, _ in CATEGORIES]),
    OpenApiParameter("status", str, enum=["active", "removed"], description="默认全部"),
    OpenApiParameter("q", str, description="姓名、拼音或拼音首字母（zs）、身份证号后几位"),
]


def _voter(user: Any, election: Election, pk: Any) -> Voter:
    return selectors.voter_get(user=user, pk=int(pk), election=election)


class ElectionVoterViewSet(ElectionNested):
    """The voter roll of one election. ``id_number`` is write-only (read masked). DELETE removes a voter from
    the roll with a reason: the row is kept with status ``removed`` and the removal recorded."""

    serializer_class = VoterSerializer
    lookup_value_regex = "[0-9]+"  # /voters/import/ belongs to the import's own viewset

    @extend_schema(parameters=_VOTER_FILTERS, responses=VoterSerializer(many=True))
    def list(self, request: Request, election_pk: Any = None) -> Response:
        filters = query_filters(request.query_params, ["group", "category", "status", "q"], ids=[])
        page = self.paginate_queryset(selectors.voter_list(user=request.user, election=self.election(),
                                                           filters=filters))
        return self.get_paginated_response(VoterSerializer(page, many=True).data)

    @extend_schema(request=VoterCreateSerializer, responses={201: VoterSerializer, 409: _STATE_409},
                   description="400 on id_number (invalid, under age on election day, already actively registered "
                               "in this campaign — the message names the community and group), group, category, "
                               "reason (required).")
    def create(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        data = VoterCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        person_pk = v.pop("person")
        if person_pk is not None:
            try:
                person = people.person_get(user=request.user, pk=person_pk)
            except Http404:
                raise ApplicationError("未找到该人员。", {"person": [f"未找到人员 {person_pk}。"]}) from None
            v["name"], v["id_number"] = person.name, person.id_number
        voter = services.voter_register(actor=request.user, election=election, **v)
        return Response(VoterSerializer(voter).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=VoterSerializer)
    def retrieve(self, request: Request, election_pk: Any = None, pk: Any = None) -> Response:
        return Response(VoterSerializer(_voter(request.user, self.election(), pk)).data)

    @extend_schema(request=VoterUpdateSerializer, responses={200: VoterSerializer, 409: _STATE_409},
                   description="Correct an active voter's group or category, with a reason.")
    def partial_update(self, request: Request, election_pk: Any = None, pk: Any = None) -> Response:
        voter = _voter(request.user, self.election(), pk)
        data = VoterUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        voter = services.voter_update(actor=request.user, voter=voter, **data.validated_data)
        return Response(VoterSerializer(voter).data)

    @extend_schema(parameters=[REASON_PARAMETER], responses={200: VoterSerializer, 409: _STATE_409},
                   description="Remove the voter from the roll (reason required): the row stays, status removed.")
    def destroy(self, request: Request, election_pk: Any = None, pk: Any = None) -> Response:
        voter = _voter(request.user, self.election(), pk)
        voter = services.voter_remove(actor=request.user, voter=voter, reason=reason_from(request))
        return Response(VoterSerializer(voter).data)


class ElectionVoterRollViewSet(viewsets.GenericViewSet):
    """Single objects of one election's roll: ``voter-roll`` (settings and summary) and ``voter-list/publish``."""

    serializer_class = VoterRollSerializer
    filter_backends: list[Any] = []
    pagination_class = None

    def election(self) -> Election:
        return election_selectors.election_get(user=self.request.user, pk=int(self.kwargs["election_pk"]))

    def _summary(self, election: Election) -> Response:
        summary = selectors.roll_summary(election=election)
        response = Response(VoterRollSerializer(VoterRollSerializer.from_summary(summary)).data)
        response["ETag"] = etag(summary.roll.version if summary.roll else 1)
        return response

    @extend_schema(methods=["GET"], responses=VoterRollSerializer)
    @extend_schema(methods=["PATCH"], request=VoterRollUpdateSerializer, parameters=[IF_MATCH_PARAMETER],
                   responses={200: VoterRollSerializer, 409: _STATE_409},
                   description="mode all | voluntary; residents_total (required for voluntary).")
    @action(detail=False, methods=["get", "patch"], url_path="voter-roll", url_name="voter-roll")
    def voter_roll(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        if request.method == "PATCH":
            data = VoterRollUpdateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            v = data.validated_data
            current = selectors.roll_summary(election=election)
            services.voter_roll_configure(
                actor=request.user, election=election, mode=v.get("mode", current.mode),
                residents_total=v["residents_total"] if "residents_total" in v else current.residents_total,
                version=version_from(request, v.get("version")),
            )
        return self._summary(election)

    @extend_schema(request=VoterListPublishSerializer, responses={200: VoterRollSerializer, 409: _STATE_409},
                   description="Record (or correct) the day the voter list was posted.")
    @action(detail=False, methods=["post"], url_path="voter-list/publish", url_name="voter-list-publish")
    def publish(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        data = VoterListPublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.voter_list_publish(actor=request.user, election=election,
                                    published_on=data.validated_data["published_on"])
        return self._summary(election)


def _objection_data(objection: RollObjection, rows: Any = None) -> Any:
    return RollObjectionSerializer(objection, context={"rows": rows or {}}).data


def _named_voter(user: Any, voter_pk: int | None, election: Election) -> Voter | None:
    """The voter an objection (or its decision) names by id; 400 when the election has none with that id."""
    if voter_pk is None:
        return None
    try:
        return selectors.voter_get(user=user, pk=voter_pk, election=election)
    except Http404:
        raise ApplicationError("未找到该选民。", {"voter": [f"本次选举没有 id 为 {voter_pk} 的选民。"]}) from None


def _with_etag(response: Response, objection: RollObjection) -> Response:
    response["ETag"] = etag(objection.version)
    return response


class ElectionRollObjectionViewSet(ElectionNested):
    """Objections to one election's voter list, open ones first."""

    serializer_class = RollObjectionSerializer

    @extend_schema(parameters=[OpenApiParameter("open", str, enum=["true", "false"]),
                               OpenApiParameter("kind", str, enum=[k for k, _ in ROLL_OBJECTION_KINDS])],
                   responses=RollObjectionSerializer(many=True))
    def list(self, request: Request, election_pk: Any = None) -> Response:
        filters = query_filters(request.query_params, ["open", "kind"], ids=[])
        rows = selectors.roll_objection_rows(election=self.election(), filters=filters)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(RollObjectionSerializer(
            [r.objection for r in page], many=True, context={"rows": {r.objection.pk: r for r in page}}).data)

    @extend_schema(request=RollObjectionSerializer, responses={201: RollObjectionSerializer, 409: _STATE_409},
                   description="409 before the list is published; 400 on raised_on outside the objection window "
                               "(publication day up to voter_objection_days after it, inclusive).")
    def create(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        data = RollObjectionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        voter = _named_voter(request.user, v.pop("voter_id", None), election)
        objection = services.roll_objection_raise(actor=request.user, election=election, voter=voter, **v)
        row = selectors.roll_objection_row(objection=objection)
        return _with_etag(Response(_objection_data(objection, rows={objection.pk: row}),
                                   status=status.HTTP_201_CREATED), objection)


class RollObjectionViewSet(viewsets.GenericViewSet):
    serializer_class = RollObjectionSerializer
    lookup_value_regex = "[0-9]+"
    filter_backends: list[Any] = []

    def _get(self, pk: Any) -> Response:
        objection = selectors.roll_objection_get(user=self.request.user, pk=int(pk))
        row = selectors.roll_objection_row(objection=objection)
        return _with_etag(Response(_objection_data(objection, rows={objection.pk: row})), objection)

    @extend_schema(responses=RollObjectionSerializer)
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        return self._get(pk)

    @extend_schema(request=RollObjectionDecideSerializer, parameters=[IF_MATCH_PARAMETER],
                   responses={200: RollObjectionSerializer, 409: _STATE_409},
                   description="Upheld 漏登 registers the person; upheld 错登/重登 removes the voter; a decision after "
                               "voter_objection_decision_days is recorded and marked overdue; 409 when already "
                               "decided or on a stale version.")
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: Any = None) -> Response:
        objection = selectors.roll_objection_get(user=request.user, pk=int(pk))
        data = RollObjectionDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        version = version_from(request, v.pop("version", None))
        voter = _named_voter(request.user, v.pop("voter", None), objection.election)
        services.roll_objection_decide(actor=request.user, objection=objection, version=version, voter=voter, **v)
        return self._get(pk)


def register_routes(router: Any) -> None:
    router.register(r"elections/(?P<election_pk>[0-9]+)/voters", ElectionVoterViewSet, basename="election-voter")
    router.register(r"elections/(?P<election_pk>[0-9]+)/roll-objections", ElectionRollObjectionViewSet,
                    basename="election-roll-objection")
    # voter-roll/ and voter-list/publish/: list-level actions under the election's own path
    router.register(r"elections/(?P<election_pk>[0-9]+)", ElectionVoterRollViewSet, basename="election-voter-roll")
    router.register("roll-objections", RollObjectionViewSet, basename="roll-objection")

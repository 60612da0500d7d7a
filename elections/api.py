"""Thin API views: parse, call a service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import FileResponse, Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from config.api import query_filters

from . import gates, rules, selectors, services
from .errors import ApplicationError
from .models import Election
from .serializers import (
    AdvanceSerializer,
    CampaignSerializer,
    ElectionSerializer,
    ElectionUpdateSerializer,
    EventSerializer,
    GatesSerializer,
    HandoverItemSerializer,
    HandoverSerializer,
    JurisdictionSerializer,
    NoticeRequestSerializer,
    NoticeSerializer,
    NotificationSerializer,
    PartyRequestDecisionSerializer,
    PartyRequestSerializer,
    ReasonSerializer,
    RectificationCompleteSerializer,
    RectificationSerializer,
    ReopenSerializer,
    RulebookAdoptionSerializer,
    RulebookSerializer,
    UserSerializer,
)


@extend_schema(
    request=inline_serializer("TokenRequest", {"username": serializers.CharField(), "password": serializers.CharField()}),
    responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    auth=[],
)
@api_view(["POST"])
@permission_classes([AllowAny])
def obtain_token(request: Request) -> Response:
    body = request.data if isinstance(request.data, dict) else {}
    username = body.get("username", "")
    password = body.get("password", "")
    errors = {}
    if not username or not isinstance(username, str):
        errors["username"] = ["请填写用户名。"]
    if not password or not isinstance(password, str):
        errors["password"] = ["请填写密码。"]
    if errors:
        raise ApplicationError("请填写用户名和密码。", errors)
    user = authenticate(request._request, username=username, password=password)
    if user is None:
        raise ApplicationError("用户名或密码错误。", {"non_field_errors": ["用户名或密码错误。"]})
    return Response({"token": services.api_token_for(user=user)})


class JurisdictionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                          viewsets.GenericViewSet):
    serializer_class = JurisdictionSerializer
    filterset_fields = ["level", "parent"]

    def get_queryset(self) -> Any:
        return selectors.jurisdiction_list(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = JurisdictionSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        parent = data.validated_data.get("parent")  # in scope: checked by the serializer field
        node = services.jurisdiction_create(actor=request.user, name=data.validated_data["name"],
                                            code=data.validated_data["code"], level=data.validated_data["level"],
                                            parent=parent)
        return Response(JurisdictionSerializer(node).data, status=status.HTTP_201_CREATED)


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  viewsets.GenericViewSet):
    serializer_class = UserSerializer
    filterset_fields = ["role", "jurisdiction", "department"]

    def get_queryset(self) -> Any:
        return selectors.user_list(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = UserSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = data.validated_data
        jurisdiction = v["jurisdiction"]  # in scope: checked by the serializer field
        user = services.user_create(actor=request.user, username=v["username"], password=v["password"],
                                    full_name=v.get("full_name", ""), role=v["role"], jurisdiction=jurisdiction,
                                    department=v.get("department", ""))
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class RulebookViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RulebookSerializer
    lookup_field = "code"
    filterset_fields = ["body", "kind"]

    def get_queryset(self) -> Any:
        return selectors.rulebook_list(user=self.request.user)


class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      viewsets.GenericViewSet):
    serializer_class = CampaignSerializer
    filterset_fields = ["jurisdiction"]

    def get_queryset(self) -> Any:
        return selectors.campaign_list(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CampaignSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = data.validated_data
        jurisdiction = v["jurisdiction"]  # in scope: checked by the serializer field
        campaign = services.campaign_create(actor=request.user, name=v["name"], jurisdiction=jurisdiction,
                                            milestones=v.get("milestones", []))
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        campaign = self.get_object()
        data = CampaignSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        campaign = services.campaign_update(actor=request.user, campaign=campaign,
                                            name=data.validated_data.get("name"),
                                            milestones=data.validated_data.get("milestones"))
        return Response(CampaignSerializer(campaign).data)


class ElectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      viewsets.GenericViewSet):
    serializer_class = ElectionSerializer

    def get_queryset(self) -> Any:
        return selectors.election_list(
            user=self.request.user,
            filters=query_filters(self.request.query_params, ["body", "kind", "stage", "q"],
                                  ids=["campaign", "street", "community"]),
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ElectionSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = data.validated_data
        campaign, community = v["campaign"], v["community"]  # in scope: checked by the serializer fields
        election = services.election_create(
            actor=request.user, campaign=campaign, community=community, body=v["body"], kind=v["kind"],
            rulebook=v["rulebook"], rule_overrides=v.get("rule_overrides") or {},
            election_day=v.get("election_day"), seats=v.get("seats"),
        )
        return Response(ElectionSerializer(self._fresh(election)).data, status=status.HTTP_201_CREATED)

    def _fresh(self, election: Election) -> Election:
        return selectors.election_get(user=self.request.user, pk=election.pk)

    @extend_schema(request=ElectionUpdateSerializer, responses=ElectionSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        election = self.get_object()
        data = ElectionUpdateSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = data.validated_data
        with transaction.atomic():  # one PATCH, one outcome: a refused half undoes the other
            if "seats" in v:
                election = services.seat_plan_set(actor=request.user, election=election, seats=v["seats"])
            if {"election_day", "rule_overrides", "rulebook"} & set(v):
                election = services.election_update(
                    actor=request.user, election=election, election_day=v.get("election_day", ...),
                    rule_overrides=v.get("rule_overrides"), rulebook=v.get("rulebook"),
                )
        return Response(ElectionSerializer(self._fresh(election)).data)

    @extend_schema(responses=GatesSerializer)
    @action(detail=True, methods=["get"])
    def gates(self, request: Request, pk: Any = None) -> Response:
        election = self.get_object()
        blockers = gates.blockers_for(election)
        return Response({"stage": election.stage, "next": rules.next_stage(election.stage),
                         "blocked_by": [b.as_dict() for b in blockers]})

    @extend_schema(request=AdvanceSerializer, responses={200: ElectionSerializer, 409: OpenApiResponse(
        description="blocked: {detail, blocked_by:[{code,message,source,fix}]}")})
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk: Any = None) -> Response:
        election = self.get_object()
        data = AdvanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        election = services.election_advance(actor=request.user, election=election,
                                             expected_stage=data.validated_data.get("expected_stage"))
        return Response(ElectionSerializer(self._fresh(election)).data)

    @extend_schema(request=ReopenSerializer, responses=ElectionSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: Any = None) -> Response:
        election = self.get_object()
        data = ReopenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        election = services.election_reopen(actor=request.user, election=election,
                                            stage=data.validated_data["stage"], reason=data.validated_data["reason"])
        return Response(ElectionSerializer(self._fresh(election)).data)

    @extend_schema(request=None, responses=ElectionSerializer)
    @action(detail=True, methods=["post"], url_path="seat-plan/approve")
    def approve_seat_plan(self, request: Request, pk: Any = None) -> Response:
        election = services.seat_plan_approve(actor=request.user, election=self.get_object())
        return Response(ElectionSerializer(self._fresh(election)).data)

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk: Any = None) -> Response:
        election = self.get_object()
        page = self.paginate_queryset(selectors.event_list(user=request.user, election=election).order_by("seq"))
        return self.get_paginated_response(EventSerializer(page, many=True).data)

    # ---------------------------------------------------------------- preparation

    @extend_schema(methods=["GET"], responses={200: RulebookAdoptionSerializer,
                                               404: OpenApiResponse(description="not recorded yet")})
    @extend_schema(
        methods=["PUT", "POST"], request=RulebookAdoptionSerializer,
        responses={201: RulebookAdoptionSerializer, 200: RulebookAdoptionSerializer},
        description="Record (201) or correct (200) the meeting that adopted the rulebook; PUT and POST alike.",
    )
    @action(detail=True, methods=["get", "put", "post"], url_path="rulebook-adoption")
    def rulebook_adoption(self, request: Request, pk: Any = None) -> Response:
        election = self.get_object()
        existing = selectors.adoption_for(election=election)
        context = {"rules": election.effective_rules()}
        if request.method == "GET":
            if existing is None:
                raise Http404
            return Response(RulebookAdoptionSerializer(existing, context=context).data)
        data = RulebookAdoptionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        adoption = services.rulebook_adoption_record(actor=request.user, election=election, **data.validated_data)
        return Response(RulebookAdoptionSerializer(adoption, context=context).data,
                        status=status.HTTP_200_OK if existing else status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=PartyRequestSerializer(many=True))
    @extend_schema(methods=["POST"], request=PartyRequestSerializer, responses={201: PartyRequestSerializer})
    @action(detail=True, methods=["get", "post"], url_path="party-requests")
    def party_requests(self, request: Request, pk: Any = None) -> Response:
        election = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(selectors.party_request_list(election=election))
            return self.get_paginated_response(PartyRequestSerializer(page, many=True).data)
        data = PartyRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        party_request = services.party_request_submit(actor=request.user, election=election, **data.validated_data)
        return Response(PartyRequestSerializer(party_request).data, status=status.HTTP_201_CREATED)


    # ---------------------------------------------------------------- handover

    @extend_schema(methods=["GET"], responses=HandoverSerializer)
    @extend_schema(methods=["PUT"], request=HandoverSerializer, responses={
        200: HandoverSerializer, 409: OpenApiResponse(description="not in the handover stage")},
        description="Record or correct the date the new committee took office; the handover is due within "
                    "``handover_days`` of it (``deadline``, inclusive). 400 for a future date, or one later than "
                    "an item already handed over.")
    @action(detail=True, methods=["get", "put"], url_path="handover")
    def handover(self, request: Request, pk: Any = None) -> Response:
        election = self.get_object()
        if request.method == "PUT":
            data = HandoverSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            services.took_office_set(actor=request.user, election=election,
                                     took_office_on=data.validated_data["took_office_on"])
        return Response(HandoverSerializer(selectors.handover_summary(election=election)).data)


def _version_from(request: Request, body_version: Any) -> int | None:
    """``version`` from the body, else the ``If-Match`` header (``"3"``, ``W/"3"`` or ``3``)."""
    raw = body_version
    if raw is None:
        header = request.headers.get("If-Match", "").strip()
        if not header or header == "*":
            return None
        raw = header.removeprefix("W/").strip().strip('"')
    if not str(raw).strip().isdigit():
        raise ApplicationError("版本号有误。", {"version": [f"版本号“{raw}”不是整数。"]})
    return int(str(raw).strip())


_HANDOVER_409 = OpenApiResponse(description="not in the handover stage, or a stale version: {detail}")


class ElectionHandoverItemViewSet(viewsets.GenericViewSet):
    """The items handed from the outgoing to the incoming committee (印章、档案资料、三资台账、办公场所 …),
    each signed by both sides and witnessed by the street. Writes only in the ``handover`` stage."""

    serializer_class = HandoverItemSerializer
    lookup_value_regex = "[0-9]+"
    filter_backends: list[Any] = []

    def election(self) -> Election:
        return selectors.election_get(user=self.request.user, pk=int(self.kwargs["election_pk"]))

    def _context(self, election: Election) -> dict[str, Any]:
        return {**self.get_serializer_context(), "deadline": selectors.handover_summary(election=election)["deadline"]}

    @extend_schema(responses=HandoverItemSerializer(many=True))
    def list(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        page = self.paginate_queryset(selectors.handover_item_list(election=election))
        return self.get_paginated_response(
            HandoverItemSerializer(page, many=True, context=self._context(election)).data)

    @extend_schema(request=HandoverItemSerializer, responses={201: HandoverItemSerializer, 409: _HANDOVER_409},
                   description="400 on ``description`` (blank), ``received_by`` (the same person as ``handed_by``), "
                               "``witness`` (one of the two sides), ``done_on`` (in the future, or before the new "
                               "committee took office). An item may be entered before it is signed.")
    def create(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        data = HandoverItemSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {k: v for k, v in data.validated_data.items() if k != "version"}
        item = services.handover_item_add(actor=request.user, election=election, **values)
        return Response(HandoverItemSerializer(item, context=self._context(election)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses=HandoverItemSerializer)
    def retrieve(self, request: Request, election_pk: Any = None, pk: Any = None) -> Response:
        election = self.election()
        item = selectors.handover_item_get(user=request.user, election=election, pk=int(pk))
        return Response(HandoverItemSerializer(item, context=self._context(election)).data)

    @extend_schema(request=HandoverItemSerializer, responses={200: HandoverItemSerializer, 409: _HANDOVER_409},
                   parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, description="版本号，如 \"3\"")],
                   description="Change any field; those not given stay. ``version`` (or If-Match), when given, must "
                               "be the current one (409 otherwise).")
    def partial_update(self, request: Request, election_pk: Any = None, pk: Any = None) -> Response:
        election = self.election()
        item = selectors.handover_item_get(user=request.user, election=election, pk=int(pk))
        data = HandoverItemSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = _version_from(request, values.pop("version", None))
        item = services.handover_item_update(actor=request.user, item=item, version=version, **values)
        return Response(HandoverItemSerializer(item, context=self._context(election)).data)

    @extend_schema(parameters=[OpenApiParameter("reason", str, description="删除理由（也可放在请求体 {\"reason\"} 中）；必填")],
                   responses={204: None, 409: _HANDOVER_409},
                   description="Remove an item entered by mistake; 400 without a reason. The removal and its "
                               "reason stay in the audit trail.")
    def destroy(self, request: Request, election_pk: Any = None, pk: Any = None) -> Response:
        election = self.election()
        item = selectors.handover_item_get(user=request.user, election=election, pk=int(pk))
        body = request.data if isinstance(request.data, dict) else {}
        reason = ReasonSerializer(data={"reason": body.get("reason") or request.query_params.get("reason", "")})
        reason.is_valid(raise_exception=True)
        services.handover_item_delete(actor=request.user, item=item, reason=reason.validated_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class PartyRequestViewSet(viewsets.GenericViewSet):
    """The requests to convene the members' meeting; the list is the caller's queue of those awaiting a reply."""

    serializer_class = PartyRequestSerializer
    lookup_value_regex = "[0-9]+"
    filter_backends: list[Any] = []

    @extend_schema(responses=PartyRequestSerializer(many=True))
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.party_request_queue(user=request.user))
        return self.get_paginated_response(PartyRequestSerializer(page, many=True).data)

    @extend_schema(responses=PartyRequestSerializer)
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        return Response(PartyRequestSerializer(selectors.party_request_get(user=request.user, pk=int(pk))).data)

    @extend_schema(request=PartyRequestDecisionSerializer, responses={
        200: PartyRequestSerializer, 409: OpenApiResponse(description="already decided, or not in preparation")})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: Any = None) -> Response:
        party_request = selectors.party_request_get(user=request.user, pk=int(pk))
        data = PartyRequestDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        party_request = services.party_request_decide(actor=request.user, request=party_request,
                                                      **data.validated_data)
        return Response(PartyRequestSerializer(party_request).data)


_RECTIFICATION_FILTERS = [
    OpenApiParameter("campaign", int), OpenApiParameter("street", int), OpenApiParameter("community", int),
    OpenApiParameter("category", str, enum=[code for code, _ in rules.RECTIFICATION_CATEGORIES]),
    OpenApiParameter("status", str, enum=["open", "done"]),
]


class RectificationViewSet(viewsets.GenericViewSet):
    """Difficult communities (软弱涣散 / 重点难点) flagged by the street, and their rectification."""

    serializer_class = RectificationSerializer
    lookup_value_regex = "[0-9]+"
    filter_backends: list[Any] = []

    @extend_schema(parameters=_RECTIFICATION_FILTERS, responses=RectificationSerializer(many=True))
    def list(self, request: Request) -> Response:
        filters = query_filters(request.query_params, ["category", "status"], ids=["campaign", "street", "community"])
        errors = {}
        if filters["category"] and filters["category"] not in rules.RECTIFICATION_CATEGORY_LABELS:
            errors["category"] = ["类别须为 weak_lax 或 key_difficult。"]
        if filters["status"] and filters["status"] not in {"open", "done"}:
            errors["status"] = ["状态须为 open 或 done。"]
        if errors:
            raise ApplicationError("筛选条件有误。", errors)
        page = self.paginate_queryset(selectors.rectification_list(user=request.user, filters=filters))
        return self.get_paginated_response(RectificationSerializer(page, many=True).data)

    @extend_schema(responses=RectificationSerializer)
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        return Response(RectificationSerializer(selectors.rectification_get(user=request.user, pk=int(pk))).data)

    @extend_schema(request=RectificationSerializer, responses={201: RectificationSerializer})
    def create(self, request: Request) -> Response:
        data = RectificationSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)  # campaign and community in scope: checked by the serializer fields
        item = services.rectification_flag(actor=request.user, **data.validated_data)
        return Response(RectificationSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RectificationCompleteSerializer, responses={
        200: RectificationSerializer, 409: OpenApiResponse(description="already completed")})
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: Any = None) -> Response:
        item = selectors.rectification_get(user=request.user, pk=int(pk))
        data = RectificationCompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.rectification_complete(actor=request.user, rectification=item, **data.validated_data)
        return Response(RectificationSerializer(item).data)


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer

    def get_queryset(self) -> Any:
        return selectors.notification_list(user=self.request.user)


# ---------------------------------------------------------------- notices (文书)


class ElectionNoticeViewSet(viewsets.GenericViewSet):
    """The election's generated documents (PDF), every version kept; POST generates the next version of one."""

    serializer_class = NoticeSerializer
    filter_backends: list[Any] = []

    def election(self) -> Election:
        return selectors.election_get(user=self.request.user, pk=int(self.kwargs["election_pk"]))

    @extend_schema(responses=NoticeSerializer(many=True))
    def list(self, request: Request, election_pk: Any = None) -> Response:
        page = self.paginate_queryset(selectors.notice_list(election=self.election()))
        return self.get_paginated_response(NoticeSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(request=NoticeRequestSerializer, responses={201: NoticeSerializer},
                   description="Generate the next version of a document: ``kind`` is one of the contract's kinds "
                               "this election can generate (400 otherwise). 403 without ``elections.generate_notice``.")
    def create(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        data = NoticeRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notice = services.notice_generate(actor=request.user, election=election, kind=data.validated_data["kind"])
        return Response(NoticeSerializer(notice, context={"request": request}).data, status=status.HTTP_201_CREATED)


class NoticeViewSet(viewsets.GenericViewSet):
    """One generated document and its PDF, for whoever can see its election (404 otherwise)."""

    serializer_class = NoticeSerializer
    filter_backends: list[Any] = []
    lookup_value_regex = "[0-9]+"

    @extend_schema(responses=NoticeSerializer)
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        notice = selectors.notice_get(user=request.user, pk=int(pk))
        return Response(NoticeSerializer(notice, context={"request": request}).data)

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(description="the PDF")})
    @action(detail=True, methods=["get"], url_path="file")
    def file(self, request: Request, pk: Any = None) -> FileResponse:
        notice = selectors.notice_get(user=request.user, pk=int(pk))
        return notice_file_response(notice)


def notice_file_response(notice: Any) -> FileResponse:
    """The stored PDF, named for the clerk (社区-文书-第n版.pdf), with its hash as the ETag."""
    name = f"{notice.election.community.name}-{notice.get_kind_display()}-第{notice.version}版.pdf"
    response = FileResponse(notice.file.open("rb"), content_type="application/pdf", filename=name)
    response["ETag"] = f'"{notice.sha256}"'
    return response

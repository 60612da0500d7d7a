"""People (人员) and their near-relative links."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from config.api import query_filters
from elections.errors import ApplicationError

from .. import selectors, services
from ..serializers import PersonSerializer, RelativeSerializer


class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    viewsets.GenericViewSet):
    serializer_class = PersonSerializer

    def get_queryset(self) -> Any:
        return selectors.person_list(
            user=self.request.user,
            filters=query_filters(self.request.query_params, ["q", "sex", "education", "party_member"],
                                  ids=["community", "street"]),
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = PersonSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = data.validated_data
        person = services.person_create(
            actor=request.user, name=v["name"], id_number=v["id_number"], community=v["community"],
            education=v.get("education", ""), party_member=v.get("party_member", False), phone=v.get("phone", ""),
        )
        return Response(PersonSerializer(person).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = self.get_object()
        data = PersonSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)  # a new community is in scope: checked by the serializer field
        person = services.person_update(actor=request.user, person=person, **changes)
        return Response(PersonSerializer(person).data)

    @extend_schema(
        request=RelativeSerializer,
        responses={201: inline_serializer("RelativeLink", {"person": serializers.IntegerField(),
                                                           "relative": serializers.IntegerField(),
                                                           "relation": serializers.CharField()})},
    )
    @action(detail=True, methods=["get", "post"])
    def relatives(self, request: Request, pk: Any = None) -> Response:
        person = self.get_object()
        if request.method == "GET":
            return Response([
                {"person": link.person_id, "relative": link.relative_id, "relation": link.relation,
                 "relative_name": link.relative.name}
                for link in selectors.relatives_of(person=person)
            ])
        data = RelativeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        relative = selectors.person_list(user=request.user).filter(pk=data.validated_data["relative"]).first()
        if relative is None:
            raise ApplicationError("亲属关系有误。", {"relative": ["该人员不存在或不在您的管辖范围内。"]})
        link = services.relative_add(actor=request.user, person=person, relative=relative,
                                     relation=data.validated_data["relation"])
        return Response({"person": link.person_id, "relative": link.relative_id, "relation": link.relation},
                        status=status.HTTP_201_CREATED)

    @extend_schema(
        request=inline_serializer("NearRelativeQuery", {"other": serializers.IntegerField()}),
        responses=inline_serializer("NearRelativeAnswer", {"near_relatives": serializers.BooleanField()}),
    )
    @action(detail=True, methods=["get"], url_path="near-relative/(?P<other>[0-9]+)")
    def near_relative(self, request: Request, pk: Any = None, other: Any = None) -> Response:
        person = self.get_object()
        other_person = selectors.person_get(user=request.user, pk=int(other))
        return Response({"near_relatives": selectors.are_near_relatives(person, other_person)})

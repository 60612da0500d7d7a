"""Thin API views of the vetting app: the review queue and overview, reviews and the street's decisions,
batch passes, grounds and departments, publicity, objections and reports."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from candidates import selectors as candidate_selectors
from candidates.api.common import IF_MATCH_PARAMETER, ElectionNested, ElectionScoped, etag, version_from
from candidates.models import Nomination
from candidates.serializers import NominationSerializer
from config.api import query_filters
from elections import selectors as election_selectors
from elections.errors import ApplicationError
from elections.models import Jurisdiction, User
from elections.rules import ROLE_LEVEL

from . import rules, selectors, services
from .models import Review
from .serializers import (
    BatchPassSerializer,
    BatchResultSerializer,
    DepartmentSerializer,
    DepartmentsSetSerializer,
    GroundSerializer,
    ObjectionResolveSerializer,
    ObjectionSerializer,
    PublicitySerializer,
    ReportCloseSerializer,
    ReportSerializer,
    ReviewInputSerializer,
    ReviewResultSerializer,
    ReviewSerializer,
    StreetDecisionSerializer,
    VettingRowSerializer,
)

_STATE_409 = OpenApiResponse(description="stale version, or a stage or state conflict: {detail}")
# The review level each reviewing role works at (a district admin oversees every level, so none by default).
_ROLE_LEVEL = {role: level for role, level in ROLE_LEVEL.items() if role != "district_admin"}


def _nomination(user: User, pk: Any) -> Nomination:
    return candidate_selectors.nomination_get(user=user, pk=int(pk))


def _result(request: Request, review: Review) -> Response:
    """A review with its nomination's new status, level and version (also the ETag)."""
    nomination = _nomination(request.user, review.nomination_id)
    row = selectors.nomination_row(nomination=nomination)
    response = Response({"review": ReviewSerializer(review, context={"grounds": row.grounds}).data,
                         "nomination": NominationSerializer(nomination).data})
    response["ETag"] = etag(nomination.version)
    return response


# --------------------------------------------------------------------------------------------
# The queue, the overview, batch passes
# --------------------------------------------------------------------------------------------

_ROW_FILTERS = [
    OpenApiParameter("election", int), OpenApiParameter("street", int), OpenApiParameter("community", int),
    OpenApiParameter("body", str, enum=["party_committee", "residents_committee", "supervision_committee"]),
    OpenApiParameter("position", str),
    OpenApiParameter("status", str, enum=["reviewing", "held", "approved", "rejected", "withdrawn"]),
    OpenApiParameter("level", str, enum=["community", "street", "district"]),
    OpenApiParameter("flagged", str, enum=["true", "false"], description="true：只看有提示事项的"),
    OpenApiParameter("q", str, description="姓名，或拼音、拼音首字母"),
]


def _row_filters(request: Request) -> dict[str, Any]:
    return query_filters(request.query_params, ["body", "position", "status", "level", "flagged", "q"],
                         ids=["election", "street", "community"])


class VettingQueueViewSet(viewsets.GenericViewSet):
    """The caller's pending reviews, longest waiting first: a community clerk's 初审, the street's 全面审查
    and the 不宜 rejections awaiting its decision, a district reviewer's department's 联审."""

    serializer_class = VettingRowSerializer
    filter_backends: list[Any] = []

    @extend_schema(parameters=_ROW_FILTERS, responses=VettingRowSerializer(many=True))
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.review_queue(user=request.user, filters=_row_filters(request)))
        return self.get_paginated_response(VettingRowSerializer(page, many=True).data)


class VettingOverviewViewSet(viewsets.GenericViewSet):
    """Every nomination in the caller's jurisdiction with where it stands in vetting."""

    serializer_class = VettingRowSerializer
    filter_backends: list[Any] = []

    @extend_schema(parameters=_ROW_FILTERS, responses=VettingRowSerializer(many=True))
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.vetting_overview(user=request.user, filters=_row_filters(request)))
        return self.get_paginated_response(VettingRowSerializer(page, many=True).data)


class BatchPassViewSet(viewsets.GenericViewSet):
    serializer_class = BatchPassSerializer
    filter_backends: list[Any] = []

    @extend_schema(request=BatchPassSerializer, responses=BatchResultSerializer,
                   description="Pass many clean nominations at one level. Each one flagged, with an open objection "
                               "or report, not at that level, or not the caller's to pass is skipped with the "
                               "reason; an id that does not exist or lies outside the caller's jurisdiction is "
                               "skipped as not found.")
    def create(self, request: Request) -> Response:
        data = BatchPassSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(data.validated_data["nominations"]))
        found = {n.pk: n for n in candidate_selectors.nomination_list(user=request.user).filter(pk__in=ids)}
        result = services.review_batch_pass(actor=request.user, nominations=[found[pk] for pk in ids if pk in found],
                                            level=data.validated_data["level"])
        skipped = {n.pk: (n.person.name, reason) for n, reason in result.skipped}
        missing = "提名不存在或不在您的管辖范围内。"
        return Response({
            "passed": [{"nomination": r.nomination_id, "person_name": found[r.nomination_id].person.name,
                        "review": ReviewSerializer(r).data} for r in result.passed],
            "skipped": [{"nomination": pk, "person_name": skipped[pk][0] if pk in skipped else "",
                         "reason": skipped[pk][1] if pk in skipped else missing}
                        for pk in ids if pk in skipped or pk not in found],
        })


# --------------------------------------------------------------------------------------------
# Configuration: the caller district's grounds and joint-review departments
# --------------------------------------------------------------------------------------------

_DISTRICT = OpenApiParameter("district", int, description="超级用户：指定区；其他用户总是本人所在的区")


def _district(request: Request) -> Jurisdiction | None:
    """The caller's district; a superuser (who has none) may name one with ``?district=``."""
    user = request.user
    if user.jurisdiction_id:
        return selectors.district_of(user.jurisdiction)
    pk = query_filters(request.query_params, [], ids=["district"])["district"]
    if not pk:
        return None
    found = election_selectors.jurisdiction_get(user=user, pk=int(pk))
    if found.level != "district":
        raise Http404
    return found


class GroundViewSet(viewsets.GenericViewSet):
    """The 不得 / 不宜 grounds of the caller's district (its own list, or the defaults), each with the
    department that checks it and whether the caller may cite it at their level."""

    serializer_class = GroundSerializer
    filter_backends: list[Any] = []

    @extend_schema(parameters=[_DISTRICT, OpenApiParameter("active", str, enum=["true", "false"]),
                               OpenApiParameter("kind", str, enum=["ineligible", "unsuitable"])],
                   responses=GroundSerializer(many=True))
    def list(self, request: Request) -> Response:
        filters = query_filters(request.query_params, ["active", "kind"], ids=[])
        grounds = selectors.grounds_for(_district(request), active_only=filters["active"] in {"true", "1"})
        if filters["kind"]:
            grounds = [g for g in grounds if g.kind == filters["kind"]]
        context = {"level": _ROLE_LEVEL.get(getattr(request.user, "role", "")),
                   "department": getattr(request.user, "department", "")}
        page = self.paginate_queryset(grounds)
        return self.get_paginated_response(GroundSerializer(page, many=True, context=context).data)


def _departments(district: Jurisdiction | None) -> list[dict[str, Any]]:
    active = set(selectors.departments_for(district))
    return [{"code": code, "name": rules.department_label(code), "active": code in active}
            for code in rules.DEPARTMENT_CODES]


class DepartmentViewSet(viewsets.GenericViewSet):
    """The departments of the caller district's joint review (区级联审); the district office sets them."""

    serializer_class = DepartmentSerializer
    filter_backends: list[Any] = []

    @extend_schema(parameters=[_DISTRICT], responses=DepartmentSerializer(many=True))
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(_departments(_district(request)))
        return self.get_paginated_response(DepartmentSerializer(page, many=True).data)

    @extend_schema(parameters=[_DISTRICT], request=DepartmentsSetSerializer,
                   responses=DepartmentSerializer(many=True),
                   description="District admin: choose the departments that sign off (at least one). Nominations "
                               "at the district level that every remaining department has passed are approved.")
    def create(self, request: Request) -> Response:
        district = _district(request)
        data = DepartmentsSetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if district is None:
            raise ApplicationError("请指定区。", {"district": ["请用 ?district= 指定要设置联审部门的区。"]})
        services.departments_set(actor=request.user, district=district, codes=data.validated_data["codes"])
        return Response(DepartmentSerializer(_departments(district), many=True).data)


# --------------------------------------------------------------------------------------------
# Reviews and the street's decisions
# --------------------------------------------------------------------------------------------


class NominationReviewViewSet(viewsets.GenericViewSet):
    """/nominations/{id}/reviews/: every level's decision so far (审查情况逐级反馈), and a new one."""

    serializer_class = ReviewSerializer
    lookup_value_regex = "[0-9]+"
    filter_backends: list[Any] = []

    @extend_schema(responses=ReviewSerializer(many=True))
    def list(self, request: Request, nomination_pk: Any = None) -> Response:
        nomination = _nomination(request.user, nomination_pk)
        row = selectors.nomination_row(nomination=nomination)
        page = self.paginate_queryset(row.reviews)
        response = self.get_paginated_response(ReviewSerializer(page, many=True, context={"grounds": row.grounds}).data)
        response["ETag"] = etag(nomination.version)
        return response

    @extend_schema(request=ReviewInputSerializer, parameters=[IF_MATCH_PARAMETER],
                   responses={201: ReviewResultSerializer, 409: _STATE_409},
                   description="A pass cites no grounds; a reject cites at least one the caller may cite (400 on "
                               "``grounds``). At the district the department is the caller's own. The nomination's "
                               "``version`` (body or If-Match) must be current, else 409.")
    def create(self, request: Request, nomination_pk: Any = None) -> Response:
        nomination = _nomination(request.user, nomination_pk)
        data = ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        department = v.get("department") or ""
        if department and department != getattr(request.user, "department", ""):
            raise PermissionDenied(f"您不是{rules.department_label(department)}的联审人员，不能提交该部门的联审意见。")
        review = services.review_submit(actor=request.user, nomination=nomination, level=v["level"],
                                        decision=v["decision"], grounds=v.get("grounds") or [], note=v.get("note", ""),
                                        version=version_from(request, v.get("version")))
        response = _result(request, review)
        response.status_code = status.HTTP_201_CREATED
        return response


class ReviewViewSet(viewsets.GenericViewSet):
    serializer_class = ReviewSerializer
    lookup_value_regex = "[0-9]+"
    filter_backends: list[Any] = []

    @extend_schema(responses=ReviewSerializer)
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        review = selectors.review_get(user=request.user, pk=int(pk))
        row = selectors.nomination_row(nomination=review.nomination)
        return Response(ReviewSerializer(review, context={"grounds": row.grounds}).data)

    @extend_schema(request=StreetDecisionSerializer, parameters=[IF_MATCH_PARAMETER],
                   responses={200: ReviewResultSerializer, 409: _STATE_409},
                   description="The street on a rejection that cites only 不宜 grounds: ``overrule`` (counts as a "
                               "pass; the review continues) or ``uphold`` (the nomination is rejected). A reason is "
                               "required.")
    @action(detail=True, methods=["post"], url_path="street-decision")
    def street_decision(self, request: Request, pk: Any = None) -> Response:
        review = selectors.review_get(user=request.user, pk=int(pk))
        data = StreetDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        review = services.held_decide(actor=request.user, review=review, decision=v["decision"], reason=v["reason"],
                                      version=version_from(request, v.get("version")))
        return _result(request, review)


# --------------------------------------------------------------------------------------------
# Publicity and objections
# --------------------------------------------------------------------------------------------


class ElectionVettingViewSet(ElectionScoped):
    """/elections/{id}/publicity/."""

    serializer_class = PublicitySerializer

    @extend_schema(methods=["GET"], responses={200: PublicitySerializer,
                                               404: OpenApiResponse(description="not recorded yet")})
    @extend_schema(methods=["POST"], request=PublicitySerializer,
                   responses={201: PublicitySerializer, 200: PublicitySerializer, 409: _STATE_409},
                   description="Record (201) or change (200, while it is not over) the publicity; the period counts "
                               "both its first and last day and must last publicity_min_days (400 on ``ends_on``).")
    @action(detail=True, methods=["get", "post"])
    def publicity(self, request: Request, pk: Any = None) -> Response:
        election = self.election()
        existing = selectors.publicity_for(election=election)
        if request.method == "GET":
            if existing is None:
                raise Http404
            return Response(PublicitySerializer(existing).data)
        data = PublicitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        publicity = services.publicity_set(actor=request.user, election=election, **data.validated_data)
        return Response(PublicitySerializer(publicity).data,
                        status=status.HTTP_200_OK if existing else status.HTTP_201_CREATED)


class ElectionObjectionViewSet(ElectionNested):
    """Objections raised during the election's publicity."""

    serializer_class = ObjectionSerializer

    def _objection(self, pk: Any) -> Any:
        for objection in selectors.objection_list(election=self.election()):
            if str(objection.pk) == str(pk):
                return objection
        raise Http404

    @extend_schema(responses=ObjectionSerializer(many=True))
    def list(self, request: Request, election_pk: Any = None) -> Response:
        page = self.paginate_queryset(selectors.objection_list(election=self.election()))
        return self.get_paginated_response(ObjectionSerializer(page, many=True).data)

    @extend_schema(request=ObjectionSerializer, responses={201: ObjectionSerializer, 409: _STATE_409})
    def create(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        data = ObjectionSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)  # the nomination is in scope: checked by the field
        v = data.validated_data
        objection = services.objection_register(
            actor=request.user, election=election, nomination=v.get("nomination"), objector=v["objector"],
            contact=v.get("contact", ""), content=v["content"], received_on=v.get("received_on") or timezone.localdate(),
        )
        return Response(ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=ObjectionSerializer)
    def retrieve(self, request: Request, election_pk: Any = None, pk: Any = None) -> Response:
        return Response(ObjectionSerializer(self._objection(pk)).data)


class ObjectionViewSet(viewsets.GenericViewSet):
    serializer_class = ObjectionSerializer
    lookup_value_regex = "[0-9]+"
    filter_backends: list[Any] = []

    @extend_schema(responses=ObjectionSerializer)
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        return Response(ObjectionSerializer(selectors.objection_get(user=request.user, pk=int(pk))).data)

    @extend_schema(request=ObjectionResolveSerializer, responses={200: ObjectionSerializer, 409: _STATE_409},
                   description="Close the objection: upheld rejects the nomination it concerns.")
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: Any = None) -> Response:
        objection = selectors.objection_get(user=request.user, pk=int(pk))
        data = ObjectionResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        objection = services.objection_resolve(actor=request.user, objection=objection, status=v["status"],
                                               finding=v["finding"], resolved_on=v.get("resolved_on"))
        return Response(ObjectionSerializer(selectors.objection_get(user=request.user, pk=objection.pk)).data)


# --------------------------------------------------------------------------------------------
# Reports (举报)
# --------------------------------------------------------------------------------------------

_REPORT_FILTERS = [
    OpenApiParameter("nomination", int),
    OpenApiParameter("status", str, enum=[code for code, _ in rules.REPORT_STATUSES]),
    OpenApiParameter("open", str, enum=["true", "false"]), OpenApiParameter("overdue", str, enum=["true", "false"]),
    OpenApiParameter("must", str, enum=["true", "false"], description="true：属于必查情形"),
]


def _report_filters(request: Request, **fixed: Any) -> dict[str, Any]:
    return {**query_filters(request.query_params, ["status", "open", "overdue", "must"],
                            ids=["election", "nomination"]), **fixed}


class ElectionReportViewSet(ElectionNested):
    """Reports about an election, soonest due first."""

    serializer_class = ReportSerializer

    @extend_schema(parameters=_REPORT_FILTERS, responses=ReportSerializer(many=True))
    def list(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        reports = selectors.report_list(user=request.user, filters=_report_filters(request, election=election.pk))
        page = self.paginate_queryset(reports)
        return self.get_paginated_response(ReportSerializer(page, many=True, context=self.get_serializer_context()).data)

    @extend_schema(request=ReportSerializer, responses={201: ReportSerializer, 409: _STATE_409},
                   description="Register a report; a named reporter makes it 实名 (must be investigated). ``due_on`` "
                               "defaults to report_deadline_days after ``received_on``.")
    def create(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        data = ReportSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = data.validated_data
        report = services.report_register(
            actor=request.user, election=election, nomination=v.get("nomination"), reporter=v.get("reporter", ""),
            contact=v.get("contact", ""), channel=v.get("channel", "phone"), content=v["content"],
            categories=v.get("categories") or [], received_on=v.get("received_on") or timezone.localdate(),
            due_on=v.get("due_on"),
        )
        report = selectors.report_get(user=request.user, pk=report.pk)
        return Response(ReportSerializer(report, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses=ReportSerializer)
    def retrieve(self, request: Request, election_pk: Any = None, pk: Any = None) -> Response:
        election = self.election()
        report = selectors.report_get(user=request.user, pk=int(pk))
        if report.election_id != election.pk:
            raise Http404
        return Response(ReportSerializer(report, context=self.get_serializer_context()).data)


class ReportViewSet(viewsets.GenericViewSet):
    """Reports across the caller's jurisdiction (soonest due first); closing one with its finding."""

    serializer_class = ReportSerializer
    lookup_value_regex = "[0-9]+"
    filter_backends: list[Any] = []

    @extend_schema(parameters=[OpenApiParameter("election", int), *_REPORT_FILTERS],
                   responses=ReportSerializer(many=True))
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.report_list(user=request.user, filters=_report_filters(request)))
        return self.get_paginated_response(ReportSerializer(page, many=True, context=self.get_serializer_context()).data)

    @extend_schema(responses=ReportSerializer)
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        report = selectors.report_get(user=request.user, pk=int(pk))
        return Response(ReportSerializer(report, context=self.get_serializer_context()).data)

    @extend_schema(request=ReportCloseSerializer, responses={200: ReportSerializer, 409: _STATE_409},
                   description="Close with the finding (organisers and the discipline department). A report of a "
                               "must-investigate kind cannot be just filed; a substantiated one may reject the "
                               "nominee it concerns.")
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        report = selectors.report_get(user=request.user, pk=int(pk))
        data = ReportCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.report_close(actor=request.user, report=report, **data.validated_data)
        report = selectors.report_get(user=request.user, pk=report.pk)
        return Response(ReportSerializer(report, context=self.get_serializer_context()).data)

"""API of long jobs and the voter-roll import: upload a file (202 with the job), follow the job, decide the rows
it held back. A job, like its election, is not found outside the caller's jurisdiction (404)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from candidates.api.common import ElectionNested
from config.api import query_filters
from elections.errors import ApplicationError

from ..selectors import voter_import as selectors
from ..serializers.voter_import import (
    HeldDecisionSerializer,
    HeldRowSerializer,
    JobCreatedSerializer,
    JobSerializer,
    VoterImportUploadSerializer,
    job_payload,
)
from ..services import voter_import as services

_400 = OpenApiResponse(description="bad input: {detail, errors}")
_404 = OpenApiResponse(description="not found, or outside the caller's jurisdiction")
_409 = OpenApiResponse(description="the election's stage does not allow it, or the row was already decided: {detail}")
_PAGE = [
    OpenApiParameter("offset", int, description="从第几条起（errors、duplicates、held 同时分页）；默认 0"),
    OpenApiParameter("limit", int, description="至多几条；默认全部，0 只看进度"),
]


def _whole(params: Any, key: str) -> int | None:
    raw = params.get(key)
    if raw in (None, ""):
        return None
    if not str(raw).isdigit():
        raise ApplicationError("分页参数有误。", {key: ["须为非负整数。"]})
    return int(raw)


class ElectionVoterImportViewSet(ElectionNested):
    """POST /elections/{id}/voters/import/: a voter-roll file, imported as a job."""

    parser_classes = [MultiPartParser, FormParser]
    serializer_class = VoterImportUploadSerializer

    @extend_schema(
        request={"multipart/form-data": VoterImportUploadSerializer},
        responses={202: JobCreatedSerializer, 400: _400, 403: OpenApiResponse(description="no permission"),
                   404: _404, 409: _409},
        description="导入选民名单（.xlsx 或 .csv）。文件先保存，再由后台任务逐行核对并登记；返回任务 id，"
                    "用 GET /api/v1/jobs/{job}/ 查看进度、错误行与待处理的重复行。",
    )
    def create(self, request: Request, election_pk: str) -> Response:
        election = self.election()
        upload = VoterImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        services.check_upload_size(file.name, file.size)
        job = services.voter_import_start(actor=request.user, election=election, file_name=file.name,
                                          content=file.read())
        return Response({"job": job.pk}, status=status.HTTP_202_ACCEPTED)


class JobViewSet(viewsets.GenericViewSet):
    """Long jobs (a voter import, …) of the elections in the caller's jurisdiction."""

    serializer_class = JobSerializer
    lookup_value_regex = "[0-9]+"
    filter_backends: list[Any] = []

    @extend_schema(
        parameters=[OpenApiParameter("election", int), OpenApiParameter("kind", str),
                    OpenApiParameter("state", str, enum=["queued", "running", "done", "failed"])],
        responses=JobSerializer(many=True),
        description="任务列表（最新的在前）；列表中不含 errors、duplicates、held 明细。",
    )
    def list(self, request: Request) -> Response:
        filters = query_filters(request.query_params, ["kind", "state"], ids=["election"])
        page = self.paginate_queryset(selectors.job_list(user=request.user, filters=filters))
        data = [job_payload(job, [], limit=0) for job in page]
        return self.get_paginated_response(JobSerializer(data, many=True).data)

    @extend_schema(parameters=_PAGE, responses={200: JobSerializer, 404: _404},
                   description="任务的进度与结果。导入任务：rows 读到的行数，imported 登记人数，errors 每个错误"
                               "（行号含表头），duplicates 与 held 为暂不登记、待处理的行。")
    def retrieve(self, request: Request, pk: str) -> Response:
        job = selectors.job_get(user=request.user, pk=int(pk))
        offset = _whole(request.query_params, "offset") or 0
        limit = _whole(request.query_params, "limit")
        data = job_payload(job, selectors.held_rows(job=job), offset=offset, limit=limit)
        return Response(JobSerializer(data).data)


class HeldRowViewSet(viewsets.GenericViewSet):
    """Rows an import held back (duplicates): the clerk registers or discards each, with a reason."""

    serializer_class = HeldRowSerializer
    lookup_value_regex = "[0-9]+"
    filter_backends: list[Any] = []

    @extend_schema(request=HeldDecisionSerializer, responses={200: HeldRowSerializer, 400: _400, 404: _404,
                                                               409: _409},
                   description="register：重新核对后登记为选民（已在别处登记的，须先在该处除名；街道工作人员可"
                               "办理迁移登记）；discard：不予登记。两者都须填写处理说明，并记入操作记录。")
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        held = selectors.held_row_get(user=request.user, pk=int(pk))
        data = HeldDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        held = services.held_row_decide(actor=request.user, held_row=held, **data.validated_data)
        held = selectors.held_row_get(user=request.user, pk=held.pk)
        return Response(HeldRowSerializer(held).data)


def register_routes(router: Any) -> None:
    router.register(r"elections/(?P<election_pk>[0-9]+)/voters/import", ElectionVoterImportViewSet,
                    basename="election-voter-import")
    # "api-" keeps the API's URL names (…-detail, …-decide) apart from the job pages' own
    router.register("jobs", JobViewSet, basename="api-job")
    router.register("held-rows", HeldRowViewSet, basename="api-held-row")

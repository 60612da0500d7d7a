"""API plumbing shared by every app: pagination and the one mapping of domain errors to responses."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from elections.errors import ApplicationError, StageBlocked


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def query_filters(params: Any, keys: list[str], ids: list[str]) -> dict[str, Any]:
    """The list filters of a request for a selector; an id filter that is not a whole number is a 400."""
    errors = {key: ["须为整数 id。"] for key in ids if params.get(key) and not str(params[key]).isdigit()}
    if errors:
        raise ApplicationError("筛选条件有误。", errors)
    return {key: params.get(key) for key in [*keys, *ids]}


def _flatten(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, list):
                out[key] = [str(v) if not isinstance(v, dict) else str(v) for v in value]
            elif isinstance(value, dict):
                for sub, messages in _flatten(value).items():
                    out[f"{key}.{sub}"] = messages
            else:
                out[key] = [str(value)]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]}
    return {"non_field_errors": [str(detail)]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, StageBlocked):
        return Response(
            {"detail": exc.message, "blocked_by": [b.as_dict() for b in exc.blockers]},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, ApplicationError):
        return Response({"detail": exc.message, "errors": exc.errors}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response({"detail": "输入有误。", "errors": errors}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        return Response({"detail": "未找到。"}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoPermissionDenied):
        return Response({"detail": str(exc) or "您没有权限执行此操作。"}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, exceptions.ValidationError):
        return Response({"detail": "输入有误。", "errors": _flatten(exc.detail)}, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        response.data = {"detail": str(exc), **response.data}
    return response

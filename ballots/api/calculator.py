"""Thin API views of the ballots app: parse, call the calculator or a service, render."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from elections.errors import ApplicationError

from .. import calculator
from ..serializers import CalculationResultSerializer, CalculationSerializer, flatten_errors


@extend_schema(
    summary="计票试算",
    description=(
        "Run the results engine on a count typed in, without an election: a committee checks its count "
        "before announcing it, trainers run exercises, other systems verify published results. Any signed-in "
        "user may call it; nothing is stored and no event is recorded."
    ),
    request=CalculationSerializer,
    responses={
        200: CalculationResultSerializer,
        400: OpenApiResponse(description="inconsistent input: {detail, errors: {field: [messages]}}"),
    },
)
@api_view(["POST"])
def results_calculate(request: Request) -> Response:
    """Calculate a round's result from the numbers in the body.

    Authenticated users of any role (the default permission). Reads no election and writes nothing: no row,
    no event — the calculation is not a record of anything, so there is nothing to audit.
    """
    body = CalculationSerializer(data=request.data)
    if not body.is_valid():
        raise ApplicationError("输入有误。", flatten_errors(body.errors))
    calculation = calculator.calculate(**body.arguments())
    return Response(CalculationResultSerializer(calculation.as_dict()).data)

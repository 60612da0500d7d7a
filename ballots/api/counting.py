"""API of counting: rounds, a station's tally in a round (entered twice by two users), reopening it, the results,
the announcement and the vacancy.

Routes (registered by ``register_routes``):

* ``GET/POST /elections/{id}/rounds/`` — the rounds; start the first one or the one ``next_action`` names;
* ``GET/PUT /stations/{id}/rounds/{round}/tally/`` — ``{round}`` is the round's id; one entry per user, a
  correction with the entry's ``version`` (body) or ``If-Match``; ``POST …/tally/reopen/`` (street);
* ``GET /elections/{id}/results/``, ``POST /elections/{id}/results/announce/``, ``POST /elections/{id}/vacancy/``.

Elections and stations outside the caller's jurisdiction are 404.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from candidates.api.common import IF_MATCH_PARAMETER, ElectionNested, etag, version_from
from elections.errors import ApplicationError

from ..selectors import counting as selectors
from ..serializers.calculator import flatten_errors
from ..serializers.counting import (
    CountingReasonSerializer,
    ElectionResultsSerializer,
    ResultsAnnounceSerializer,
    RoundSerializer,
    TallyInputSerializer,
    TallySerializer,
    tally_data,
)
from ..services import counting as services

_STATE_409 = OpenApiResponse(description="a stage or state conflict (a round still open, nothing to start, a "
                                         "reconciled tally, a stale version …): {detail}")
_BAD_400 = OpenApiResponse(description="bad input: {detail, errors: {field: [messages]}}")


def _results(election: Any) -> Response:
    return Response(ElectionResultsSerializer(selectors.results(election)).data)


class ElectionRoundViewSet(ElectionNested):
    """/elections/{id}/rounds/: the election's rounds (a short list, not paginated) and starting the next one."""

    serializer_class = RoundSerializer

    @extend_schema(responses=RoundSerializer(many=True),
                   description="Every round of the election in order, with its seats per position, the names on its "
                               "ballot (``candidates[].id`` is what a tally's ``votes[].candidate`` names) and the "
                               "state of each station's tally.")
    def list(self, request: Request, election_pk: Any = None) -> Response:
        return Response(RoundSerializer(selectors.rounds_api(self.election()), many=True).data)

    @extend_schema(request=None, responses={201: RoundSerializer, 400: _BAD_400, 409: _STATE_409},
                   description="Start the first round (the formal candidates, the seat plan, registered = the active "
                               "voters, one tally per station), or the one the results' ``next_action`` names: a "
                               "run-off with the carried candidates, a revote among the tied, or the void round "
                               "again. 409 while a round is open or when nothing is to be voted on.")
    def create(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        r = services.round_start(actor=request.user, election=election)
        row = next(x for x in selectors.rounds_api(election) if x["id"] == r.pk)
        return Response(RoundSerializer(row).data, status=status.HTTP_201_CREATED)


class StationRoundTallyViewSet(viewsets.GenericViewSet):
    """/stations/{id}/rounds/{round}/tally/: one station's count in one round."""

    serializer_class = TallySerializer
    lookup_field = "round"
    lookup_url_kwarg = "round"
    lookup_value_regex = "[0-9]+"
    filter_backends: list[Any] = []

    def _tally(self, request: Request, station_pk: Any, round_pk: Any) -> Any:
        station = selectors.station_get(user=request.user, pk=int(station_pk))
        r = selectors.station_round(station=station, pk=int(round_pk))
        tally = selectors.tally_for(station=station, round=r)
        if tally is None:
            raise Http404
        return station, r, tally

    def _answer(self, request: Request, tally: Any, warnings: list[str] | None = None) -> Response:
        view = selectors.tally_view(tally=tally)
        response = Response(TallySerializer(tally_data(view, request.user, warnings)).data)
        mine = view.entry_of(request.user)
        if mine is not None:
            response["ETag"] = etag(mine.version)
        return response

    @extend_schema(methods=["GET"], responses=TallySerializer,
                   description="The tally's state, the caller's own entry (ETag: its version) and, once both "
                               "entries exist, the fields where they differ. Another user's figures are not shown "
                               "before the caller has entered their own (背对背录入).")
    @extend_schema(methods=["PUT"], request=TallyInputSerializer, parameters=[IF_MATCH_PARAMETER],
                   responses={200: TallySerializer, 400: _BAD_400, 409: _STATE_409},
                   description="Enter the tally. The first user's entry → ``entered``; a second, different user's → "
                               "``reconciled`` when equal (the round is counted once every station is), else "
                               "``differs`` with ``differences`` (field, yours, theirs). Correcting one's own entry "
                               "takes its ``version`` (body or If-Match; stale: 409); entering again without it is "
                               "refused (409): the second entry must come from someone else. A reconciled tally "
                               "takes no entry (409) until the street reopens it. More ballots returned than issued "
                               "is accepted and flagged in ``warnings``: it voids the round.")
    @action(detail=True, methods=["get", "put"])
    def tally(self, request: Request, station_pk: Any = None, round: Any = None) -> Response:  # noqa: A002
        station, r, tally = self._tally(request, station_pk, round)
        if request.method == "GET":
            return self._answer(request, tally)
        data = TallyInputSerializer(data=request.data)
        if not data.is_valid():
            raise ApplicationError("计票数字有误，未保存。", flatten_errors(data.errors))
        outcome = services.tally_enter(actor=request.user, station=station, round=r, figures=data.figures(),
                                       version=version_from(request, data.validated_data.get("version")))
        return self._answer(request, outcome.tally, outcome.warnings)

    @extend_schema(request=CountingReasonSerializer, responses={200: TallySerializer, 400: _BAD_400, 409: _STATE_409},
                   description="The street reopens a reconciled tally of the last round (a reason is required): "
                               "both entries stay, their authors correct them; the round's result (and a vacancy "
                               "or announcement decided on it) is cleared until the tally is reconciled again.")
    @action(detail=True, methods=["post"], url_path="tally/reopen")
    def reopen(self, request: Request, station_pk: Any = None, round: Any = None) -> Response:  # noqa: A002
        _station, _r, tally = self._tally(request, station_pk, round)
        data = CountingReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tally = services.tally_reopen(actor=request.user, tally=tally, reason=data.validated_data["reason"])
        return self._answer(request, tally)


class ElectionResultsViewSet(ElectionNested):
    """/elections/{id}/results/: cumulative results; the announcement."""

    serializer_class = ElectionResultsSerializer

    @extend_schema(responses=ElectionResultsSerializer,
                   description="The results across every round: per position the elected (first round, run-offs, "
                               "revotes) and the unfilled seats; each round with its figures, its result and the "
                               "engine's explanation, per candidate and per station. ``next_action``: none, runoff, "
                               "revote, or revote_all (the last round was void and is held again).")
    def list(self, request: Request, election_pk: Any = None) -> Response:
        return _results(self.election())

    @extend_schema(request=ResultsAnnounceSerializer, responses={200: ElectionResultsSerializer, 400: _BAD_400, 409: _STATE_409},
                   description="Record the day the results were announced, once counting is complete (every seat "
                               "filled, or the shortfall decided). Not in the future, not before election day.")
    @action(detail=False, methods=["post"])
    def announce(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        data = ResultsAnnounceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.results_announce(actor=request.user, election=election,
                                  announced_on=data.validated_data["announced_on"])
        return _results(election)


class ElectionVacancyViewSet(ElectionNested):
    """/elections/{id}/vacancy/: the street accepts that unfilled seats stay vacant."""

    serializer_class = CountingReasonSerializer

    @extend_schema(request=CountingReasonSerializer, responses={200: ElectionResultsSerializer, 400: _BAD_400, 409: _STATE_409},
                   description="Street staff: the seats a run-off would fill stay vacant (no further vote), or those "
                               "still unfilled after a run-off are recorded vacant; a reason is required. 409 while a "
                               "round is open, a revote or a repeat is due, or nothing is unfilled.")
    def create(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        data = CountingReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.vacancy_accept(actor=request.user, election=election, reason=data.validated_data["reason"])
        return _results(election)


def register_routes(router: Any) -> None:
    router.register(r"elections/(?P<election_pk>[0-9]+)/rounds", ElectionRoundViewSet, basename="election-round")
    router.register(r"elections/(?P<election_pk>[0-9]+)/results", ElectionResultsViewSet,
                    basename="election-results")
    router.register(r"elections/(?P<election_pk>[0-9]+)/vacancy", ElectionVacancyViewSet,
                    basename="election-vacancy")
    router.register(r"stations/(?P<station_pk>[0-9]+)/rounds", StationRoundTallyViewSet,
                    basename="station-round")

"""Nomination: nominations and their withdrawal and 递补, the 两推 meetings and the preliminary list, 民主测评,
pledges and talks, the formal list, its publication and (party) the street's 批复, structure previews."""

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

from .. import rules, selectors, services
from ..models import Nomination
from ..selectors import CandidateRow
from ..serializers import (
    AppraisalSerializer,
    CandidateBuildSerializer,
    CandidateListSerializer,
    CandidateSerializer,
    ListDecisionSerializer,
    ListVoteOutcomeSerializer,
    ListVoteSerializer,
    NominationCreatedSerializer,
    NominationSerializer,
    NominationUpdateSerializer,
    PledgeSerializer,
    PositionCountSerializer,
    PreliminaryListSerializer,
    PreliminaryNominateSerializer,
    PreliminaryOutcomeSerializer,
    PublishSerializer,
    RecommendationMeetingSerializer,
    StructureSerializer,
    TalkSerializer,
)
from .common import (
    IF_MATCH_PARAMETER,
    REASON_PARAMETER,
    ElectionNested,
    ElectionScoped,
    etag,
    reason_from,
    version_from,
)

_STATE_409 = OpenApiResponse(description="stage or state conflict: {detail}")


def _with_etag(response: Response, nomination: Nomination) -> Response:
    response["ETag"] = etag(nomination.version)
    return response


# --------------------------------------------------------------------------------------------
# Nominations
# --------------------------------------------------------------------------------------------


class ElectionNominationViewSet(ElectionNested):
    """The nominations of one election (every status); POST registers one (status reviewing, at the
    community's 初审)."""

    serializer_class = NominationSerializer

    @extend_schema(responses=NominationSerializer(many=True))
    def list(self, request: Request, election_pk: Any = None) -> Response:
        page = self.paginate_queryset(selectors.nomination_list(user=request.user, election=self.election()))
        return self.get_paginated_response(NominationSerializer(page, many=True).data)

    @extend_schema(request=NominationSerializer, responses={201: NominationCreatedSerializer, 409: _STATE_409},
                   description="400 on ``supporters`` below the channel's threshold (以上: 20 voters means 20 or "
                               "more), on ``channel`` outside the rulebook, on ``person`` (under age, already "
                               "nominated, barred by the other committee) and on ``position``.")
    def create(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        data = NominationSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)  # the person and the replaced nomination are in scope: the fields
        v = data.validated_data
        nomination = services.nomination_submit(
            actor=request.user, election=election, person=v["person"], position=v["position"],
            channel=v["channel"], supporters=v.get("supporters") or [], basis=v.get("basis", ""),
            replaces=v.get("replaces"),
        )
        return _with_etag(Response(NominationCreatedSerializer(nomination).data, status=status.HTTP_201_CREATED),
                          nomination)


_NOMINATION_FILTERS = [
    OpenApiParameter("campaign", int), OpenApiParameter("street", int), OpenApiParameter("community", int),
    OpenApiParameter("body", str, enum=["party_committee", "residents_committee", "supervision_committee"]),
    OpenApiParameter("position", str), OpenApiParameter("channel", str),
    OpenApiParameter("status", str, enum=list(rules.NOMINATION_STATUS_LABELS)),
    OpenApiParameter("level", str, enum=list(rules.REVIEW_LEVEL_LABELS)),
    OpenApiParameter("live", str, enum=["true", "false"], description="true：审查中、待街道决定、审查通过"),
    OpenApiParameter("q", str, description="姓名，或拼音、拼音首字母"),
]


class NominationViewSet(viewsets.GenericViewSet):
    """Nominations across the caller's jurisdiction; one nomination's corrections, withdrawal, 递补 (party),
    the nominee's pledge and talk. A nomination's ``version`` comes back as its ETag."""

    serializer_class = NominationSerializer
    lookup_value_regex = "[0-9]+"
    filter_backends: list[Any] = []

    def _nomination(self, pk: Any) -> Nomination:
        return selectors.nomination_get(user=self.request.user, pk=int(pk))

    @extend_schema(parameters=_NOMINATION_FILTERS, responses=NominationSerializer(many=True))
    def list(self, request: Request) -> Response:
        filters = query_filters(request.query_params, ["body", "position", "channel", "status", "level", "live", "q"],
                                ids=["campaign", "street", "community"])
        page = self.paginate_queryset(selectors.nomination_list(user=request.user, filters=filters))
        return self.get_paginated_response(NominationSerializer(page, many=True).data)

    @extend_schema(responses=NominationSerializer)
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        nomination = self._nomination(pk)
        return _with_etag(Response(NominationSerializer(nomination).data), nomination)

    @extend_schema(request=NominationUpdateSerializer, parameters=[IF_MATCH_PARAMETER],
                   responses={200: NominationSerializer, 409: _STATE_409},
                   description="Correct supporters, basis or position while the nomination awaits the community's "
                               "初审; 409 once it moved on or when the version is stale.")
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        nomination = self._nomination(pk)
        data = NominationUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        version = version_from(request, v.pop("version", None))
        nomination = services.nomination_update(actor=request.user, nomination=nomination, version=version, **v)
        return _with_etag(Response(NominationSerializer(nomination).data), nomination)

    @extend_schema(parameters=[REASON_PARAMETER], responses={204: None, 409: _STATE_409},
                   description="Withdraw the nomination (it stays, as 已撤回, with the reason); a formal candidate "
                               "leaves the list.")
    def destroy(self, request: Request, pk: Any = None) -> Response:
        nomination = self._nomination(pk)
        services.nomination_withdraw(actor=request.user, nomination=nomination, reason=reason_from(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ReasonSerializer, responses={200: NominationSerializer, 409: _STATE_409})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: Any = None) -> Response:
        nomination = self._nomination(pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        nomination = services.nomination_withdraw(actor=request.user, nomination=nomination,
                                                  reason=data.validated_data["reason"])
        return _with_etag(Response(NominationSerializer(nomination).data), nomination)

    @extend_schema(request=None, responses={201: NominationSerializer, 409: _STATE_409},
                   description="递补 (party): the next 两推 qualifier by combined votes not yet nominated is nominated "
                               "in place of this rejected or withdrawn nomination. Residents' committees: POST a "
                               "nomination with ``replaces`` instead.")
    @action(detail=True, methods=["post"], url_path="fill-gap")
    def fill_gap(self, request: Request, pk: Any = None) -> Response:
        nomination = services.nomination_fill_gap(actor=request.user, rejected_nomination=self._nomination(pk))
        return _with_etag(Response(NominationSerializer(nomination).data, status=status.HTTP_201_CREATED),
                          nomination)

    @extend_schema(request=PledgeSerializer, responses={201: PledgeSerializer, 200: PledgeSerializer},
                   description="The nominee signed the discipline pledge (纪律承诺书): 201, or 200 when the date is "
                               "corrected.")
    @action(detail=True, methods=["post"])
    def pledge(self, request: Request, pk: Any = None) -> Response:
        nomination = self._nomination(pk)
        existed = hasattr(nomination, "pledge")
        data = PledgeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pledge = services.pledge_record(actor=request.user, nomination=nomination,
                                        signed_on=data.validated_data["signed_on"])
        return Response(PledgeSerializer(pledge).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(request=TalkSerializer, responses={201: TalkSerializer})
    @action(detail=True, methods=["post"])
    def talk(self, request: Request, pk: Any = None) -> Response:
        nomination = self._nomination(pk)
        data = TalkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        talk = services.nominee_talk_record(actor=request.user, nomination=nomination, **data.validated_data)
        return Response(TalkSerializer(talk).data, status=status.HTTP_201_CREATED)


# --------------------------------------------------------------------------------------------
# 两推 meetings and 民主测评
# --------------------------------------------------------------------------------------------


class ElectionRecommendationMeetingViewSet(ElectionNested):
    """The party's 两推 meetings (党员推荐会议, 居民代表推荐会议) with their results."""

    serializer_class = RecommendationMeetingSerializer

    @extend_schema(responses=RecommendationMeetingSerializer(many=True))
    def list(self, request: Request, election_pk: Any = None) -> Response:
        page = self.paginate_queryset(selectors.recommendation_results(election=self.election()))
        return self.get_paginated_response(RecommendationMeetingSerializer(page, many=True).data)

    @extend_schema(request=RecommendationMeetingSerializer,
                   responses={201: RecommendationMeetingSerializer, 200: RecommendationMeetingSerializer,
                              409: _STATE_409},
                   description="Record a meeting (201), or record its kind again (200: the earlier one is replaced). "
                               "``valid`` is false unless more than half of those expected attended (exactly half "
                               "is not enough).")
    def create(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        data = RecommendationMeetingSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)  # each person is in scope: checked by the field
        v = data.validated_data
        existed = any(m.meeting.kind == v["kind"] for m in selectors.recommendation_results(election=election))
        services.recommendation_meeting_record(
            actor=request.user, election=election, kind=v["kind"], expected=v["expected"], present=v["present"],
            ballots=v["ballots"], held_on=v.get("held_on"),
            results=[(row["person"], row["votes"]) for row in v.get("results") or []],
        )
        view = next(m for m in selectors.recommendation_results(election=election) if m.meeting.kind == v["kind"])
        return Response(RecommendationMeetingSerializer(view).data,
                        status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


class ElectionAppraisalViewSet(ElectionNested):
    """民主测评 of the incumbents at the 两推 meeting."""

    serializer_class = AppraisalSerializer

    @extend_schema(responses=AppraisalSerializer(many=True))
    def list(self, request: Request, election_pk: Any = None) -> Response:
        page = self.paginate_queryset(selectors.appraisal_list(election=self.election()))
        return self.get_paginated_response(AppraisalSerializer(page, many=True).data)

    @extend_schema(request=AppraisalSerializer,
                   responses={201: AppraisalSerializer, 200: AppraisalSerializer, 409: _STATE_409},
                   description="Record (201) or correct (200) the appraisal of an incumbent (400 on ``person`` for "
                               "anyone who is not on the outgoing committee).")
    def create(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        data = AppraisalSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = data.validated_data
        existed = any(row.appraisal.person_id == v["person"].pk for row in selectors.appraisal_list(election=election))
        appraisal = services.appraisal_record(actor=request.user, election=election, **v)
        row = next(r for r in selectors.appraisal_list(election=election) if r.appraisal.pk == appraisal.pk)
        return Response(AppraisalSerializer(row).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


# --------------------------------------------------------------------------------------------
# The formal list (正式候选人)
# --------------------------------------------------------------------------------------------


def _rows(election: Election) -> list[CandidateRow]:
    """The formal list in seat-plan order of positions, each by 姓氏笔画 (``order``)."""
    return [row for position in selectors.formal_list(election=election) for row in position.rows]


def _candidate_row(election: Election, pk: Any) -> CandidateRow:
    for row in _rows(election):
        if str(row.candidate.pk) == str(pk):
            return row
    raise Http404


class ElectionCandidateViewSet(ElectionNested):
    """The formal list: by position (in the seat plan's order), then by 姓氏笔画, with pledge and talk dates."""

    serializer_class = CandidateSerializer

    @extend_schema(responses=CandidateSerializer(many=True))
    def list(self, request: Request, election_pk: Any = None) -> Response:
        page = self.paginate_queryset(_rows(self.election()))
        return self.get_paginated_response(CandidateSerializer(page, many=True).data)

    @extend_schema(request=CandidateSerializer, responses={201: CandidateSerializer, 409: _STATE_409},
                   description="Place one approved nomination of this election on the list (400 on ``nomination`` "
                               "otherwise); 409 once the list is published or outside publicity.")
    def create(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        data = CandidateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        nomination = data.validated_data["nomination"]  # in scope: checked by the field
        if nomination.election_id != election.pk:
            raise ApplicationError("提名有误。", {"nomination": ["该提名不属于本次选举。"]})
        candidate = services.candidate_add(actor=request.user, nomination=nomination)
        return Response(CandidateSerializer(_candidate_row(election, candidate.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses=CandidateSerializer)
    def retrieve(self, request: Request, election_pk: Any = None, pk: Any = None) -> Response:
        return Response(CandidateSerializer(_candidate_row(self.election(), pk)).data)

    @extend_schema(parameters=[REASON_PARAMETER], responses={204: None, 409: _STATE_409},
                   description="Take a candidate off the list (the nomination stays approved); a reason is required.")
    def destroy(self, request: Request, election_pk: Any = None, pk: Any = None) -> Response:
        row = _candidate_row(self.election(), pk)
        services.candidate_remove(actor=request.user, candidate=row.candidate, reason=reason_from(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={201: CandidateBuildSerializer, 200: CandidateBuildSerializer,
                                            409: _STATE_409},
                   description="Place every approved nomination not yet on the list (201 with those added; 200 with "
                               "none when all are already listed). Remove any beyond the margin afterwards.")
    @action(detail=False, methods=["post"])
    def build(self, request: Request, election_pk: Any = None) -> Response:
        election = self.election()
        added = {c.pk for c in services.candidate_list_build(actor=request.user, election=election)}
        rows = [row for row in _rows(election) if row.candidate.pk in added]
        return Response({"added": CandidateSerializer(rows, many=True).data},
                        status=status.HTTP_201_CREATED if rows else status.HTTP_200_OK)


# --------------------------------------------------------------------------------------------
# Single objects of an election: the preliminary list, the formal list's state, structure
# --------------------------------------------------------------------------------------------


def _list_state(election: Election) -> dict[str, Any]:
    return {"list": selectors.candidate_list_status(election=election),
            "margin_problems": selectors.margin_problems_for(election=election),
            "positions": selectors.nomination_summary(election=election)}


def _vote_state(election: Election, view: selectors.ListVoteView | None) -> dict[str, Any]:
    return {"view": view, "needs_vote": selectors.list_vote_needs(election=election)}


class ElectionNominationStageViewSet(ElectionScoped):
    """/elections/{id}/preliminary-list/, /candidate-list/ (with /candidate-list/vote/) and /structure/."""

    serializer_class = CandidateListSerializer

    @extend_schema(responses=PreliminaryListSerializer)
    @action(detail=True, methods=["get"], url_path="preliminary-list")
    def preliminary_list(self, request: Request, pk: Any = None) -> Response:
        return Response(PreliminaryListSerializer(selectors.preliminary_view(election=self.election())).data)

    @extend_schema(request=PreliminaryNominateSerializer,
                   responses={201: PreliminaryOutcomeSerializer, 409: _STATE_409},
                   description="Nominate the preliminary list (party): every selected qualifier not yet nominated "
                               "(position from ``positions``, else member). 400 when there is nobody new to nominate.")
    @action(detail=True, methods=["post"], url_path="preliminary-list/nominate")
    def preliminary_nominate(self, request: Request, pk: Any = None) -> Response:
        election = self.election()
        data = PreliminaryNominateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        positions = {row["person"]: row["position"] for row in data.validated_data.get("positions") or []}
        outcome = services.preliminary_nominate(actor=request.user, election=election, positions=positions)
        created = list(selectors.nomination_list(user=request.user, election=election).filter(
            pk__in=[n.pk for n in outcome.created]))
        return Response({"created": NominationSerializer(created, many=True).data, "skipped": outcome.skipped,
                         "messages": outcome.messages, "size": outcome.ranking.size},
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses=CandidateListSerializer)
    @action(detail=True, methods=["get"], url_path="candidate-list")
    def candidate_list(self, request: Request, pk: Any = None) -> Response:
        return Response(CandidateListSerializer(_list_state(self.election())).data)

    @extend_schema(request=PublishSerializer, responses={200: CandidateListSerializer, 409: _STATE_409},
                   description="Record the publication (张榜公布) of the formal list: 400 when the margin does not "
                               "hold; party: 409 until the street approved the list.")
    @action(detail=True, methods=["post"], url_path="candidate-list/publish")
    def publish(self, request: Request, pk: Any = None) -> Response:
        election = self.election()
        data = PublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.candidate_list_publish(actor=request.user, election=election,
                                        published_on=data.validated_data["published_on"])
        return Response(CandidateListSerializer(_list_state(election)).data)

    @extend_schema(request=None, responses={200: CandidateListSerializer, 409: _STATE_409},
                   description="Party: submit the 候选人预备人选 to the street party committee for its 批复.")
    @action(detail=True, methods=["post"], url_path="candidate-list/submit")
    def submit(self, request: Request, pk: Any = None) -> Response:
        election = self.election()
        services.candidate_list_submit(actor=request.user, election=election)
        return Response(CandidateListSerializer(_list_state(election)).data)

    @extend_schema(request=ListDecisionSerializer, responses={200: CandidateListSerializer, 409: _STATE_409},
                   description="Party: the street's 批复 (street staff only); a return needs its ``reply``.")
    @action(detail=True, methods=["post"], url_path="candidate-list/decide")
    def decide(self, request: Request, pk: Any = None) -> Response:
        election = self.election()
        data = ListDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.candidate_list_decide(actor=request.user, election=election, **data.validated_data)
        return Response(CandidateListSerializer(_list_state(election)).data)

    @extend_schema(methods=["GET"], responses=ListVoteOutcomeSerializer,
                   description="The residents' representatives' meeting's vote on the formal candidates, with its "
                               "outcome per position (``recorded`` false: none yet), and ``needs_vote``: the positions "
                               "with more approved nominees than the margin allows.")
    @extend_schema(methods=["POST"], request=ListVoteSerializer,
                   responses={201: ListVoteOutcomeSerializer, 200: ListVoteOutcomeSerializer, 409: _STATE_409},
                   description="Record the vote (201), or record it again (200: the earlier one is replaced); residents' "
                               "committees only, in publicity, before publication. Every approved nominee of each "
                               "over-full position needs a count (400 on ``results``; so does a nomination not "
                               "approved); 400 on ``present`` unless more than half of those expected attended. Per "
                               "decided position the formal list becomes its ``bound`` nominees with the most votes; "
                               "a tie at the cut leaves the position as it was (``undecided``).")
    @action(detail=True, methods=["get", "post"], url_path="candidate-list/vote")
    def vote(self, request: Request, pk: Any = None) -> Response:
        election = self.election()
        if request.method == "GET":
            return Response(ListVoteOutcomeSerializer(_vote_state(election, selectors.list_vote_view(
                election=election))).data)
        data = ListVoteSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)  # each nomination is in scope: checked by the field
        v = data.validated_data
        existed = selectors.list_vote_view(election=election) is not None
        view = services.candidate_list_vote(
            actor=request.user, election=election, held_on=v["held_on"], expected=v["expected"],
            present=v["present"], ballots=v["ballots"], results=[(r["nomination"], r["votes"]) for r in v["results"]])
        return Response(ListVoteOutcomeSerializer(_vote_state(election, view)).data,
                        status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(responses=StructureSerializer)
    @action(detail=True, methods=["get"])
    def structure(self, request: Request, pk: Any = None) -> Response:
        election = self.election()
        return Response({
            "warnings": selectors.structure_preview(election=election),
            "community_warnings": selectors.community_structure_preview(election=election),
            "positions": PositionCountSerializer(selectors.nomination_summary(election=election), many=True).data,
        })

"""The candidates app's API, by concern: ``people``, ``preparation`` (incumbents, audits, talks, the
residents' election committee), ``nomination`` (nominations, 两推, 民主测评, pledges, talks, the formal list).
``common`` holds what they (and the vetting app's API) share."""

from .nomination import (
    ElectionAppraisalViewSet,
    ElectionCandidateViewSet,
    ElectionNominationStageViewSet,
    ElectionNominationViewSet,
    ElectionRecommendationMeetingViewSet,
    NominationViewSet,
)
from .people import PersonViewSet
from .preparation import ElectionCommitteeMemberViewSet, ElectionIncumbentViewSet, IncumbentViewSet

__all__ = [
    "ElectionAppraisalViewSet", "ElectionCandidateViewSet", "ElectionCommitteeMemberViewSet",
    "ElectionIncumbentViewSet", "ElectionNominationStageViewSet", "ElectionNominationViewSet",
    "ElectionRecommendationMeetingViewSet", "IncumbentViewSet", "NominationViewSet", "PersonViewSet",
]

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from ballots import api as ballot_api
from candidates import api as candidate_api
from elections import api as election_api
from vetting import api as vetting_api

router = DefaultRouter()
router.register("jurisdictions", election_api.JurisdictionViewSet, basename="jurisdiction")
router.register("users", election_api.UserViewSet, basename="user")
router.register("rulebooks", election_api.RulebookViewSet, basename="rulebook")
router.register("campaigns", election_api.CampaignViewSet, basename="campaign")
# single objects of an election (/elections/{id}/publicity/ …) owned by the later apps: detail actions under
# the same prefix, registered first so that the API root's "elections" entry still links the elections list
router.register("elections", candidate_api.ElectionNominationStageViewSet, basename="election-nomination-stage")
router.register("elections", vetting_api.ElectionVettingViewSet, basename="election-vetting")
router.register("elections", election_api.ElectionViewSet, basename="election")
router.register(r"elections/(?P<election_pk>[0-9]+)/handover-items", election_api.ElectionHandoverItemViewSet,
                basename="election-handover-item")
router.register(r"elections/(?P<election_pk>[0-9]+)/notices", election_api.ElectionNoticeViewSet,
                basename="election-notice")
router.register("notices", election_api.NoticeViewSet, basename="notice")
router.register("people", candidate_api.PersonViewSet, basename="person")
router.register(r"elections/(?P<election_pk>[0-9]+)/incumbents", candidate_api.ElectionIncumbentViewSet,
                basename="election-incumbent")
router.register(r"elections/(?P<election_pk>[0-9]+)/committee-members", candidate_api.ElectionCommitteeMemberViewSet,
                basename="election-committee-member")
router.register("incumbents", candidate_api.IncumbentViewSet, basename="incumbent")
# nomination and vetting
router.register(r"elections/(?P<election_pk>[0-9]+)/nominations", candidate_api.ElectionNominationViewSet,
                basename="election-nomination")
router.register(r"elections/(?P<election_pk>[0-9]+)/recommendation-meetings",
                candidate_api.ElectionRecommendationMeetingViewSet, basename="election-recommendation-meeting")
router.register(r"elections/(?P<election_pk>[0-9]+)/appraisals", candidate_api.ElectionAppraisalViewSet,
                basename="election-appraisal")
router.register(r"elections/(?P<election_pk>[0-9]+)/candidates", candidate_api.ElectionCandidateViewSet,
                basename="election-candidate")
router.register(r"elections/(?P<election_pk>[0-9]+)/objections", vetting_api.ElectionObjectionViewSet,
                basename="election-objection")
router.register(r"elections/(?P<election_pk>[0-9]+)/reports", vetting_api.ElectionReportViewSet,
                basename="election-report")
# "api-" keeps its URL names (…-list, …-withdraw, …-fill-gap) apart from the nomination pages' own
router.register("nominations", candidate_api.NominationViewSet, basename="api-nomination")
router.register(r"nominations/(?P<nomination_pk>[0-9]+)/reviews", vetting_api.NominationReviewViewSet,
                basename="nomination-review")
router.register("reviews", vetting_api.ReviewViewSet, basename="review")
router.register("objections", vetting_api.ObjectionViewSet, basename="objection")
router.register("reports", vetting_api.ReportViewSet, basename="report")
router.register("vetting/queue", vetting_api.VettingQueueViewSet, basename="vetting-queue")
router.register("vetting/overview", vetting_api.VettingOverviewViewSet, basename="vetting-overview")
router.register("vetting/batch-pass", vetting_api.BatchPassViewSet, basename="vetting-batch-pass")
router.register("vetting/grounds", vetting_api.GroundViewSet, basename="vetting-ground")
router.register("vetting/departments", vetting_api.DepartmentViewSet, basename="vetting-department")
router.register("party-requests", election_api.PartyRequestViewSet, basename="party-request")
router.register("rectifications", election_api.RectificationViewSet, basename="rectification")
router.register("notifications", election_api.NotificationViewSet, basename="notification")
# voters, import jobs, proxies, stations, rounds, tallies, results (each ballots.api module registers its own)
ballot_api.register_routes(router)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/auth/token/", election_api.obtain_token, name="api-token"),
    path("api/v1/results/calculate/", ballot_api.results_calculate, name="results-calculate"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("people/", include("candidates.urls")),
    path("vetting/", include("vetting.urls")),
    path("", include("elections.urls")),
]

if settings.DEBUG:  # pragma: no cover
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

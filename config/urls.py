from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from candidates import api as candidate_api
from elections import api as election_api

router = DefaultRouter()
router.register("jurisdictions", election_api.JurisdictionViewSet, basename="jurisdiction")
router.register("users", election_api.UserViewSet, basename="user")
router.register("rulebooks", election_api.RulebookViewSet, basename="rulebook")
router.register("campaigns", election_api.CampaignViewSet, basename="campaign")
router.register("elections", election_api.ElectionViewSet, basename="election")
router.register("people", candidate_api.PersonViewSet, basename="person")
router.register(r"elections/(?P<election_pk>[0-9]+)/incumbents", candidate_api.ElectionIncumbentViewSet,
                basename="election-incumbent")
router.register(r"elections/(?P<election_pk>[0-9]+)/committee-members", candidate_api.ElectionCommitteeMemberViewSet,
                basename="election-committee-member")
router.register("incumbents", candidate_api.IncumbentViewSet, basename="incumbent")
router.register("party-requests", election_api.PartyRequestViewSet, basename="party-request")
router.register("rectifications", election_api.RectificationViewSet, basename="rectification")
router.register("notifications", election_api.NotificationViewSet, basename="notification")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/auth/token/", election_api.obtain_token, name="api-token"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("people/", include("candidates.urls")),
    path("", include("elections.urls")),
]

if settings.DEBUG:  # pragma: no cover
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

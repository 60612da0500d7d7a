from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import extensions, views

urlpatterns = [
    path("", views.root, name="root"),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html",
                                                redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("home/", views.home, name="home"),
    path("elections/new/", views.election_create, name="election-create"),
    path("elections/<int:pk>/", views.election_detail, name="election-detail"),
    path("elections/<int:pk>/advance/", views.election_advance, name="election-advance"),
    path("elections/<int:pk>/reopen/", views.election_reopen, name="election-reopen"),
    path("elections/<int:pk>/edit/", views.election_edit, name="election-edit"),
    path("elections/<int:pk>/seat-plan/", views.seat_plan_propose, name="seat-plan-propose"),
    path("elections/<int:pk>/seat-plan/approve/", views.seat_plan_approve, name="seat-plan-approve"),
    path("elections/<int:pk>/adoption/", views.adoption_record, name="adoption-record"),
    path("elections/<int:pk>/rulebook/print/", views.rulebook_print, name="rulebook-print"),
    path("elections/<int:pk>/party-request/", views.party_request_submit, name="party-request-submit"),
    path("party-requests/<int:pk>/decide/", views.party_request_decide, name="party-request-decide"),
    path("rectifications/", views.rectification_list, name="rectification-list"),
    path("rectifications/new/", views.rectification_flag, name="rectification-flag"),
    path("rectifications/<int:pk>/complete/", views.rectification_complete, name="rectification-complete"),
    path("elections/<int:pk>/handover/took-office/", views.took_office_set, name="handover-took-office"),
    path("elections/<int:pk>/handover/items/add/", views.handover_item_add, name="handover-item-add"),
    path("elections/<int:pk>/handover/items/<int:item>/edit/", views.handover_item_edit, name="handover-item-edit"),
    path("elections/<int:pk>/handover/items/<int:item>/delete/", views.handover_item_delete,
         name="handover-item-delete"),
    path("elections/<int:pk>/handover/delay/", views.handover_delay_accept, name="handover-delay"),
    path("elections/<int:pk>/handover/print/", views.handover_print, name="handover-print"),
    path("campaigns/new/", views.campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone-done"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    # pages the later apps register (candidates: /incumbents/ and the election's incumbents and committee)
    path("", include(extensions.urlpatterns)),
]

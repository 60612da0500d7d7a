"""Pages of the vetting app, included at /vetting/."""

from django.urls import path

from . import views

urlpatterns = [
    path("queue/", views.queue, name="vetting-queue"),
    path("queue/batch-pass/", views.batch_pass, name="vetting-batch-pass"),
    path("nominations/<int:pk>/", views.review_page, name="vetting-review"),
    path("nominations/<int:pk>/review/", views.review_submit, name="vetting-review-submit"),
    path("nominations/<int:pk>/decide/", views.held_decide, name="vetting-held-decide"),
    path("overview/", views.overview, name="vetting-overview"),
    path("setup/", views.setup, name="vetting-setup"),
    path("setup/departments/", views.departments_set, name="vetting-departments"),
    path("setup/grounds/", views.ground_save, name="vetting-ground-save"),
    path("setup/grounds/customise/", views.grounds_customise, name="vetting-grounds-customise"),
    path("reports/", views.report_list, name="vetting-reports"),
    path("reports/new/", views.report_register, name="vetting-report-register"),
    path("reports/<int:pk>/close/", views.report_close, name="vetting-report-close"),
    path("elections/<int:pk>/publicity/", views.publicity_set, name="vetting-publicity-set"),
    path("elections/<int:pk>/objections/", views.objection_register, name="vetting-objection-register"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="vetting-objection-resolve"),
]

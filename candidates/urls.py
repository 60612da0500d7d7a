from django.urls import path

from . import views

urlpatterns = [
    path("", views.person_list, name="person-list"),
    path("new/", views.person_create, name="person-create"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/relatives/<int:relative_pk>/remove/", views.relative_remove, name="relative-remove"),
]

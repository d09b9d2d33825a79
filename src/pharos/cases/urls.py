from django.urls import path

from pharos.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("<uuid:public_id>/", views.case_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.case_edit, name="edit"),
    path("<uuid:public_id>/status/", views.case_status, name="status"),
    path("<uuid:public_id>/events/new/", views.event_create, name="event_create"),
    path("<uuid:public_id>/perpetrators/new/", views.perpetrator_create, name="perpetrator_create"),
    path("<uuid:public_id>/history/", views.case_history, name="history"),
]

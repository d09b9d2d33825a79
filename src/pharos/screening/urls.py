from django.urls import path

from pharos.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.screening_list, name="list"),
    path("new/", views.screening_create, name="create"),
    path("case/<uuid:public_id>/new/", views.screening_case_create, name="case_create"),
    path("<uuid:public_id>/", views.screening_detail, name="detail"),
    path("<uuid:public_id>/attach/", views.screening_attach, name="attach"),
]

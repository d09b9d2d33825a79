from django.urls import path

from pharos.persons import views

app_name = "persons"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("<uuid:public_id>/", views.person_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.person_edit, name="edit"),
    path("<uuid:public_id>/history/", views.person_history, name="history"),
    path("<uuid:public_id>/erase/", views.person_erase, name="erase"),
]

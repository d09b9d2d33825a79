from django.urls import path

from pharos.research import views

app_name = "research"
urlpatterns = [
    path("", views.dataset_list, name="list"),
    path("upload/", views.upload, name="upload"),
    path("<uuid:public_id>/", views.dataset_detail, name="detail"),
    path("<uuid:public_id>/rows.csv", views.dataset_download, name="download"),
    path("<uuid:public_id>/delete/", views.dataset_delete, name="delete"),
]

from django.urls import path

from pharos.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.batch_list, name="list"),
    path("upload/", views.upload, name="upload"),
    path("<uuid:public_id>/", views.batch_detail, name="detail"),
    path("<uuid:public_id>/rollback/", views.batch_rollback, name="rollback"),
]

from django.urls import path

from pharos.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.batch_list, name="list"),
    path("upload/", views.upload, name="upload"),
    path("start/", views.upload_start, name="start"),
    path("uploads/<uuid:public_id>/", views.upload_mapping, name="mapping"),
    path("uploads/<uuid:public_id>/import/", views.upload_commit, name="commit"),
    path("uploads/<uuid:public_id>/report/", views.upload_report, name="report"),
    path("uploads/<uuid:public_id>/jobs/<uuid:job_id>/", views.upload_run, name="run"),
    path("uploads/<uuid:public_id>/jobs/<uuid:job_id>/status/", views.upload_run_status, name="run_status"),
    path("<uuid:public_id>/", views.batch_detail, name="detail"),
    path("<uuid:public_id>/rollback/", views.batch_rollback, name="rollback"),
]

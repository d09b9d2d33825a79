from django.urls import path

from pharos.exports import views

app_name = "exports"
urlpatterns = [
    path("", views.export_page, name="export"),
    path("jobs/<uuid:public_id>/file", views.job_file, name="job_file"),
]

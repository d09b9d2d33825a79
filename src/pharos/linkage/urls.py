from django.urls import path

from pharos.linkage import views

app_name = "linkage"
urlpatterns = [
    path("", views.run_list, name="runs"),
    path("runs/start/", views.run_start, name="run_start"),
    path("runs/<uuid:public_id>/", views.run_detail, name="run_detail"),
    path("review/", views.review, name="review"),
    path("review/<uuid:public_id>/decide/", views.pair_decide, name="pair_decide"),
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<uuid:public_id>/", views.project_detail, name="project_detail"),
    path("projects/<uuid:public_id>/link/", views.project_link, name="project_link"),
    path(
        "projects/<uuid:public_id>/participants/<uuid:participant_id>/upload/",
        views.participant_upload,
        name="participant_upload",
    ),
    path(
        "projects/<uuid:public_id>/participants/<uuid:participant_id>/result/",
        views.participant_download,
        name="participant_download",
    ),
]

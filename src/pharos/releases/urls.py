from django.urls import path

from pharos.releases import views

app_name = "releases"
urlpatterns = [
    path("", views.release_list, name="list"),
    path("new", views.release_new, name="new"),
    path("<uuid:public_id>/", views.release_detail, name="detail"),
    path("<uuid:public_id>/approve", views.release_approve, name="approve"),
    path("<uuid:public_id>/publish", views.release_publish, name="publish"),
    path("<uuid:public_id>/files/<str:name>", views.release_file, name="file"),
]

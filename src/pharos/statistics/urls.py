from django.urls import path

from pharos.statistics import views

app_name = "statistics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tables/<slug:name>.<str:fmt>", views.table_download, name="table"),
    path("population/", views.population, name="population"),
]

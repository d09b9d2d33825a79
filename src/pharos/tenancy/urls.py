from django.urls import path

from pharos.tenancy import views

app_name = "tenancy"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("switch/", views.switch, name="switch"),
    path("<uuid:public_id>/", views.organisation, name="organisation"),
]

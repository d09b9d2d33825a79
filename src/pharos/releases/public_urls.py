from django.urls import path

from pharos.releases import public_views

app_name = "publications"
urlpatterns = [
    path("", public_views.portal, name="portal"),
    path("<uuid:public_id>/", public_views.publication, name="detail"),
    path("<uuid:public_id>/files/<str:name>", public_views.publication_file, name="file"),
    path("<uuid:public_id>/yearbook.pdf", public_views.yearbook_pdf, name="yearbook"),
]

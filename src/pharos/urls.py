"""Every URL Pharos serves. The permission-matrix test enumerates this file."""

from django.urls import include, path

from pharos.api import views as api_views
from pharos.api.urls import api

urlpatterns = [
    path("", include("pharos.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("me/", include("pharos.accounts.urls")),
    path("organisations/", include("pharos.tenancy.urls")),
    path("persons/", include("pharos.persons.urls")),
    path("cases/", include("pharos.cases.urls")),
    path("justice/", include("pharos.cases.justice_urls")),
    path("casework/", include("pharos.casework.urls")),
    path("screening/", include("pharos.screening.urls")),
    path("assistance/", include("pharos.assistance.urls")),
    path("referrals/", include("pharos.referrals.urls")),
    path("audit/", include("pharos.audit.urls")),
    path("jobs/", include("pharos.jobs.urls")),
    path("imports/", include("pharos.imports.urls")),
    path("exports/", include("pharos.exports.urls")),
    path("statistics/", include("pharos.statistics.urls")),
    path("research/", include("pharos.research.urls")),
    path("linkage/", include("pharos.linkage.urls")),
    path("releases/", include("pharos.releases.urls")),
    path("publications/", include("pharos.releases.public_urls")),
    path("api/docs", api_views.docs, name="api_docs"),
    path("api/", api.urls),
]

handler404 = "pharos.core.errors.not_found"
handler403 = "pharos.core.errors.permission_denied"
handler500 = "pharos.core.errors.server_error"

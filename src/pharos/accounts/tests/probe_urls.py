"""A URL conf for tests only: one API operation that needs ``persons.view``, behind the real auth."""

from django.http import HttpRequest
from django.urls import path
from ninja import NinjaAPI

from pharos.api.security import PharosSessionAuth, TokenAuth, requires

probe = NinjaAPI(urls_namespace="probe-api", auth=[TokenAuth(), PharosSessionAuth()], docs_url=None)


@probe.get("/persons-probe")
@requires("persons.view")
def persons_probe(request: HttpRequest) -> dict[str, str]:
    return {"ok": "yes"}


urlpatterns = [path("api/", probe.urls)]

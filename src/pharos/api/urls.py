"""The REST API under /api/: one NinjaAPI, a router per module, errors as problem+json."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from pharos.api.problems import problem_response
from pharos.api.security import PharosSessionAuth, TokenAuth

api = NinjaAPI(
    title="Pharos API",
    version="1",
    description="Scoped like the web pages: every call acts for one organisation and is audited.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,  # the accessible reference page is pharos.api.views.docs
    auth=[TokenAuth(), PharosSessionAuth()],
)


@api.exception_handler(ValidationError)
def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return problem_response(422, "Invalid input", "Some fields are not valid.", errors=exc.errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem_response(401, "Not signed in", "Send a personal API token or sign in.")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    titles = {400: "Bad request", 403: "Forbidden", 404: "Not found", 409: "Conflict", 422: "Invalid input"}
    return problem_response(exc.status_code, titles.get(exc.status_code, "Error"), str(exc))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(404, "Not found", "No such resource, or you may not see it.")


for _module in (
    "accounts",
    "tenancy",
    "persons",
    "cases",
    "casework",
    "audit",
    "jobs",
    "exports",
    "imports",
    "research",
    "screening",
    "assistance",
    "referrals",
    "linkage",
    "releases",
):
    api.add_router("/", f"pharos.{_module}.api.router")

"""Error pages that say what happened without saying whether a hidden object exists."""

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        from pharos.api.problems import problem_response

        return problem_response(404, "Not found", "No such resource, or you may not see it.")
    return render(request, "core/404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/forbidden.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the database may be what failed, and context processors query it.
    return HttpResponseServerError(loader.get_template("core/500.html").render())

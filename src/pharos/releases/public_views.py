"""The public portal: published releases only, no sign-in. Nothing here reads a record."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from pharos.core.declare import public
from pharos.releases import presentation, queries, yearbook


@public
@require_http_methods(["GET"])
def portal(request: HttpRequest) -> HttpResponse:
    return render(request, "releases/portal.html", {"releases": queries.published_releases()})


@public
@require_http_methods(["GET"])
def publication(request: HttpRequest, public_id: str) -> HttpResponse:
    release = queries.get_published_release(public_id)
    return render(
        request,
        "releases/publication.html",
        {
            "release": release,
            "tables": presentation.tables_for_display(release.summary),
            "privacy": presentation.privacy_lines(release.summary),
            "files": release.files.filter(public=True),
            "citation": queries.citation(release),
        },
    )


@public
@require_http_methods(["GET"])
def publication_file(request: HttpRequest, public_id: str, name: str) -> HttpResponse:
    release = queries.get_published_release(public_id)
    stored = queries.public_file(release, name)
    response = HttpResponse(bytes(stored.content), content_type=stored.media_type)
    response["Content-Disposition"] = f'attachment; filename="v{release.version}-{stored.name}"'
    response["X-Content-SHA256"] = stored.sha256
    return response


@public
@require_http_methods(["GET"])
def yearbook_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    release = queries.get_published_release(public_id)
    pdf = yearbook.render_pdf(release, language=get_language() or "en")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="yearbook-v{release.version}-{get_language()}.pdf"'
    return response

"""The export page: choose a format, download the file (built in memory, never a temporary file)."""

from __future__ import annotations

import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from pharos.core.declare import access
from pharos.exports import actions, formats, queries
from pharos.exports.forms import ExportForm


def download(request: HttpRequest, fmt: str) -> HttpResponse:
    """Run the export as the request's user and answer the file as an attachment."""
    buffer = io.BytesIO()
    actions.export_create(actor=request.user, fmt=fmt, target=buffer)
    scope = queries.scope_for(request.user)
    code = scope.organisation.code if scope else "export"
    response = HttpResponse(buffer.getvalue(), content_type=formats.media_type(fmt))
    name = formats.file_name(fmt, code, timezone.localdate().isoformat())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@access("exports.run")
@require_http_methods(["GET", "POST"])
def export_page(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return download(request, form.cleaned_data["format"])
    scope = queries.scope_for(request.user)
    return render(
        request,
        "exports/export.html",
        {"form": form, "personal": bool(scope and scope.personal), "justice": bool(scope and scope.justice)},
    )

"""The export page: choose a format, download the file (built in memory, never a temporary file).

An export of more cases than ``PHAROS_EXPORT_JOB_ROWS`` runs as a background job instead: the
page sends the user to the job, whose page offers the file when it is ready.
"""

from __future__ import annotations

import io
import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

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
        fmt = form.cleaned_data["format"]
        if queries.export_size(request.user) > actions.job_threshold():
            job = actions.export_start(actor=request.user, fmt=fmt)
            messages.info(
                request, _("This export is large: it is being prepared. Download it here when it is ready.")
            )
            return redirect("jobs:detail", public_id=job.public_id)
        return download(request, fmt)
    scope = queries.scope_for(request.user)
    return render(
        request,
        "exports/export.html",
        {
            "form": form,
            "personal": bool(scope and scope.personal),
            "justice": bool(scope and scope.justice),
            "threshold": actions.job_threshold(),
        },
    )


@access("exports.run")
@require_GET
def job_file(request: HttpRequest, public_id: uuid.UUID) -> StreamingHttpResponse:
    """The file an export job made, for the user who started it; audited."""
    export = queries.get_export_file_for_user(request.user, public_id)
    response = StreamingHttpResponse(
        actions.export_file_read(actor=request.user, export=export),
        content_type=formats.media_type(export.format),
    )
    name = formats.file_name(export.format, export.organisation.code, export.created_at.date().isoformat())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Content-Length"] = str(export.size)
    response["Cache-Control"] = "no-store"
    return response

"""Import pages: the batches and the upload form, one upload's outcome, rolling a batch back.

The uploaded file lives in a temporary file for the length of the request only (it holds
personal data); larger files go through ``pharos import`` on the command line.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pharos.core.declare import access
from pharos.imports import actions, queries, report
from pharos.imports.forms import UploadForm
from pharos.tenancy.access import acting_membership

LISTED = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form(request: HttpRequest, data: object = None, files: object = None) -> UploadForm:
    names = list(queries.mappings_visible_to(request.user).values_list("name", flat=True))
    return UploadForm(data, files, mappings=names)


@access("imports.run")
@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    batches = queries.batches_visible_to(request.user)[:LISTED]
    return render(request, "imports/list.html", {"batches": batches, "form": _form(request)})


@access("imports.run")
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    form = _form(request, request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "imports/upload.html", {"form": form})
    membership = acting_membership(request.user)
    assert membership is not None  # the middleware let only members with the capability in
    upload = form.cleaned_data["file"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        outcome = actions.import_file(
            actor=request.user,
            organisation=membership.organisation,
            path=path,
            file_name=upload.name,
            mapping_name=form.cleaned_data["mapping"] or None,
            dry_run=form.cleaned_data["action"] != "import",
        )
    if form.cleaned_data["action"] == "report" and outcome.rejected:
        response = HttpResponse(content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="rejected-rows.xlsx"'
        report.write(outcome, response)
        return response
    return render(request, "imports/result.html", {"outcome": outcome, "form": form})


@access("imports.run")
@require_GET
def batch_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    batch = queries.get_batch_for_user(request.user, public_id)
    return render(request, "imports/detail.html", {"batch": batch})


@access("imports.run")
@require_POST
def batch_rollback(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    batch = queries.get_batch_for_user(request.user, public_id)
    try:
        removed = actions.import_batch_rollback(actor=request.user, batch=batch)
    except actions.ImportError_ as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The import was rolled back: %(count)d cases removed.") % {"count": removed}
        )
    return redirect("imports:detail", public_id=batch.public_id)

"""Import pages: the batches, one batch, rolling a batch back, and two ways to import.

- **In the background** (the main way): the file is kept encrypted (``ImportUpload``), the
  person maps its columns (suggested from headers and HXL hashtags, saved as a named
  mapping if they wish), then the dry run and the import run as jobs whose progress the page
  polls; the result page links the annotated report.
- **At once** (``upload``): check or import a small file within the request.

An uploaded file is never on disk in clear: large uploads arrive sealed under a key only the
request holds (``pharos.privacy.uploads``), kept files are sealed attachments, and both are
read through decrypting readers (``reading.Source``).
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pharos.core.declare import access
from pharos.imports import actions, queries, reading, report
from pharos.imports.forms import MappingForm, StartForm, UploadForm
from pharos.imports.models import ImportUpload
from pharos.imports.reading import Refused
from pharos.jobs.actions import job_fail_stale, job_start
from pharos.privacy import files
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
    outcome = actions.import_file(
        actor=request.user,
        organisation=membership.organisation,
        path=reading.Source.of_upload(upload),
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


# --- in the background: upload, map the columns, check and import as jobs -------------------------


@access("imports.run")
@require_http_methods(["GET", "POST"])
def upload_start(request: HttpRequest) -> HttpResponse:
    """Step 1: the file, kept encrypted (``ImportUpload``); then the mapping step."""
    names = list(queries.mappings_visible_to(request.user).values_list("name", flat=True))
    form = StartForm(request.POST or None, request.FILES or None, mappings=names)
    if request.method == "POST" and form.is_valid():
        membership = acting_membership(request.user)
        assert membership is not None
        upload = form.cleaned_data["file"]
        try:
            stored = actions.import_upload_store(
                actor=request.user,
                organisation=membership.organisation,
                content=upload,
                file_name=upload.name,
                mapping_name=form.cleaned_data["mapping"] or None,
            )
        except (Refused, files.AttachmentTooLarge) as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("imports:mapping", public_id=stored.public_id)
    return render(request, "imports/start.html", {"form": form})


@access("imports.run")
@require_http_methods(["GET", "POST"])
def upload_mapping(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Step 2: which column is which field; then a dry run or the import, as a job."""
    upload = queries.get_upload_for_user(request.user, public_id)
    form = MappingForm(
        request.POST or None, headers=upload.headers, hxl=upload.hxl, initial_columns=upload.columns
    )
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        upload = actions.import_upload_map(actor=request.user, upload=upload, mapping=mapping)
        if form.cleaned_data["save_as"]:
            actions.import_mapping_save(
                actor=request.user,
                organisation=upload.organisation,
                name=form.cleaned_data["save_as"],
                mapping={h: t for h, t in mapping.items() if t},
            )
        job = job_start(
            actor=request.user,
            kind="imports.file",
            params=_job_params(upload, dry_run=request.POST.get("run") != "import"),
            organisation=upload.organisation,
        )
        return redirect("imports:run", public_id=upload.public_id, job_id=job.public_id)
    return render(request, "imports/mapping.html", {"upload": upload, "form": form})


def _job_params(upload: ImportUpload, *, dry_run: bool) -> dict[str, object]:
    return {
        "organisation": upload.organisation_id,
        "upload": str(upload.public_id),
        "columns": upload.columns,
        "file_name": "",
        "dry_run": dry_run,
    }


@access("imports.run")
@require_POST
def upload_commit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """After a clean dry run: the import itself, as a job, with the same mapping."""
    upload = queries.get_upload_for_user(request.user, public_id)
    job = job_start(
        actor=request.user,
        kind="imports.file",
        params=_job_params(upload, dry_run=False),
        organisation=upload.organisation,
    )
    return redirect("imports:run", public_id=upload.public_id, job_id=job.public_id)


@access("imports.run")
@require_GET
def upload_run(request: HttpRequest, public_id: uuid.UUID, job_id: uuid.UUID) -> HttpResponse:
    """Step 3: the job's progress (polled live), then its report."""
    return render(request, "imports/run.html", _run_context(request, public_id, job_id))


@access("imports.run")
@require_GET
def upload_run_status(request: HttpRequest, public_id: uuid.UUID, job_id: uuid.UUID) -> HttpResponse:
    """The status fragment alone: htmx polls it every second until the job is finished."""
    return render(request, "imports/run.html#status", _run_context(request, public_id, job_id))


def _run_context(request: HttpRequest, public_id: uuid.UUID, job_id: uuid.UUID) -> dict[str, object]:
    job_fail_stale()  # a job whose process was killed must not show "running" forever
    upload = queries.get_upload_for_user(request.user, public_id)
    job = queries.get_upload_job_for_user(request.user, upload, job_id)
    return {"upload": upload, "job": job, "result": job.result or {}}


@access("imports.run")
@require_GET
def upload_report(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The rejected rows as an annotated spreadsheet: checked again now, from the encrypted
    file (the cells are personal data, so no job keeps them)."""
    upload = queries.get_upload_for_user(request.user, public_id)
    if upload.attachment is None:
        raise Http404("The file is gone")
    outcome = actions.import_file(
        actor=request.user,
        organisation=upload.organisation,
        path=reading.Source.of_attachment(upload.attachment),
        columns_given=upload.columns,
        dry_run=True,
    )
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="rejected-rows.xlsx"'
    report.write(outcome, response)
    return response

"""Research dataset pages: the list and upload, one dataset's summary, its rows as CSV, deletion.

An uploaded file lives in a temporary file for the length of the request (CTDC's data are
synthetic, not about anyone); files too large to upload go through ``pharos import``.
"""

from __future__ import annotations

import csv
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pharos.core.declare import access
from pharos.research import actions, queries, report
from pharos.research.forms import DatasetUploadForm
from pharos.tenancy.access import acting_membership, can

LISTED = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROBLEMS_SHOWN = 200


@access("research.view")
@require_GET
def dataset_list(request: HttpRequest) -> HttpResponse:
    datasets = queries.datasets_visible_to(request.user)[:LISTED]
    context = {
        "datasets": datasets,
        "form": DatasetUploadForm(),
        "can_manage": can(request.user, "research.manage"),
    }
    return render(request, "research/list.html", context)


@access("research.manage")
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    form = DatasetUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "research/upload.html", {"form": form})
    membership = acting_membership(request.user)
    assert membership is not None  # the middleware let only members with the capability in
    upload = form.cleaned_data["file"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        outcome = actions.research_dataset_load(
            actor=request.user,
            organisation=membership.organisation,
            path=path,
            file_name=upload.name,
            name=form.cleaned_data["name"],
            layout=form.cleaned_data["layout"] or None,
            source=form.cleaned_data["source"],
        )
    if outcome.dataset is not None:
        if outcome.status == "already_loaded":
            messages.info(request, _("This file was loaded before; nothing was changed."))
        else:
            messages.success(
                request, _("The dataset was loaded: %(rows)d rows.") % {"rows": outcome.dataset.row_count}
            )
        return redirect("research:detail", public_id=outcome.dataset.public_id)
    if request.POST.get("report") and outcome.rejected:
        response = HttpResponse(content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="rejected-rows.xlsx"'
        report.write(outcome, response)
        return response
    problems = [(row.number, p) for row in outcome.rejected for p in row.problems][:PROBLEMS_SHOWN]
    return render(
        request, "research/upload.html", {"form": form, "outcome": outcome, "problems": problems}, status=422
    )


@access("research.view")
@require_GET
def dataset_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    dataset = queries.get_dataset_for_user(request.user, public_id)
    context = {
        "dataset": dataset,
        "summary": queries.summary_table(dataset),
        "can_manage": can(request.user, "research.manage"),
    }
    return render(request, "research/detail.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@access("research.view")
@require_GET
def dataset_download(request: HttpRequest, public_id: uuid.UUID) -> StreamingHttpResponse:
    dataset = queries.get_dataset_for_user(request.user, public_id)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(dataset.columns)
        for row in queries.dataset_rows(dataset):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{dataset.layout}-{dataset.public_id}.csv"'
    return response


@access("research.manage")
@require_POST
def dataset_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    dataset = queries.get_dataset_for_user(request.user, public_id, "research.manage")
    rows = actions.research_dataset_delete(actor=request.user, dataset=dataset)
    messages.success(request, _("The dataset was deleted (%(rows)d rows).") % {"rows": rows})
    return redirect("research:list")

"""Pages of background jobs: the list, one job, and its live status fragment (htmx)."""

from __future__ import annotations

import uuid

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pharos.core.declare import access
from pharos.jobs import actions, queries
from pharos.tenancy import access as tenancy_access

PAGE_SIZE = 50


@access("jobs.view")
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    actions.job_fail_stale()  # a job whose process was killed must not show "running" forever
    page = Paginator(queries.jobs_visible_to(request.user, "jobs.view"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "jobs/list.html",
        {"page": page, "can_verify": tenancy_access.can(request.user, "audit.verify")},
    )


@access("jobs.view")
@require_GET
def job_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return render(request, "jobs/detail.html", _context(request, public_id))


@access("jobs.view")
@require_GET
def job_progress(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The status fragment alone: htmx polls it every second until the job is finished."""
    return render(request, "jobs/detail.html#status", _context(request, public_id))


def _context(request: HttpRequest, public_id: uuid.UUID) -> dict[str, object]:
    actions.job_fail_stale()
    job = queries.get_job_for_user(request.user, public_id, "jobs.view")
    return {"job": job, "log_lines": queries.log_lines(job)}

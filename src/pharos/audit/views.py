"""The audit log page (with its CSV and JSON twins) and starting a verification job."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from pharos.audit import actions, exports, queries
from pharos.audit.events import EVENTS
from pharos.audit.forms import AuditFilterForm
from pharos.core.declare import access
from pharos.jobs.actions import job_start
from pharos.tenancy import access as tenancy_access

PAGE_SIZE = 50


@access("audit.view")
@require_GET
def log_view(request: HttpRequest) -> HttpResponseBase:
    """The acting organisation's audit events, filtered; ``?format=csv|json`` for the twins."""
    form = AuditFilterForm(request.GET)
    filters = form.filters()
    events = queries.filter_events(queries.events_visible_to(request.user, "audit.view"), filters)
    output = request.GET.get("format", "html")
    if output == "csv":
        actions.audit_log_read(actor=request.user, filters=filters.as_data(), output="csv")
        return exports.csv_response(events, "audit-log.csv")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # read before this reading is itself logged
    output = "json" if output == "json" else "html"
    actions.audit_log_read(actor=request.user, filters=filters.as_data(), output=output, page=page.number)
    if output == "json":
        return JsonResponse(exports.page_json(page, filters=filters.as_data()))
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "page": page,
            "event_names": sorted(EVENTS),
            "can_verify": tenancy_access.can(request.user, "audit.verify"),
        },
    )


@access("audit.verify")
@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    """Start a background verification of the whole chain and follow it on the job page."""
    membership = tenancy_access.acting_membership(request.user)
    assert membership is not None  # CapabilityMiddleware let only acting members through
    job = job_start(actor=request.user, kind="audit.verify", params={}, organisation=membership.organisation)
    return redirect("jobs:detail", public_id=job.public_id)

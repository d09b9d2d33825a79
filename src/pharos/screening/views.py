"""Screening pages: the organisation's screenings, a new screening (alone or on a case), one
screening with its result, and linking an early screening to the case opened since.

Every page that shows a screening records it in the audit log.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pharos.cases.models import VictimCase
from pharos.cases.queries import get_case_for_user
from pharos.core.declare import access
from pharos.screening import actions, display, indicators, queries
from pharos.screening.forms import AttachForm, ListChoiceForm, ScreeningForm
from pharos.tenancy import access as tenancy_access
from pharos.tenancy.models import Organisation

PAGE_SIZE = 50


def _organisation(request: HttpRequest) -> Organisation:
    membership = tenancy_access.acting_membership(request.user)
    assert membership is not None  # the capability check passed
    return membership.organisation


@access("screening.run")
@require_GET
def screening_list(request: HttpRequest) -> HttpResponse:
    found = queries.screenings_for_list(queries.screenings_visible_to(request.user))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    actions.screening_list(actor=request.user, screenings=list(page.object_list))
    return render(request, "screening/list.html", {"page_obj": page, "screenings": page.object_list})


def _screen(request: HttpRequest, case: VictimCase | None) -> HttpResponse:
    chooser = ListChoiceForm(request.GET or None)
    key = chooser.cleaned_data["indicator_list"] if chooser.is_valid() else ""
    if not key:
        return render(
            request,
            "screening/choose.html",
            {"chooser": ListChoiceForm(), "case": case, "lists": indicators.lists()},
        )
    form = ScreeningForm(
        request.POST if request.method == "POST" else None,
        indicator_list=indicators.get_list(key),
        with_alias=case is None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            screening = actions.screening_run(
                actor=request.user,
                organisation=_organisation(request),
                indicator_list=key,
                present=form.present(),
                screened_on=form.cleaned_data["screened_on"],
                case=case,
                alias=form.cleaned_data.get("alias", ""),
                notes=form.cleaned_data["notes"],
            )
        except (actions.ScreeningError, ValueError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The screening was saved."))
            return redirect("screening:detail", public_id=screening.public_id)
    return render(request, "screening/form.html", {"form": form, "case": case, "list_key": key})


@access("screening.run")
@require_http_methods(["GET", "POST"])
def screening_create(request: HttpRequest) -> HttpResponse:
    return _screen(request, None)


@access("screening.run")
@require_http_methods(["GET", "POST"])
def screening_case_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _screen(request, get_case_for_user(request.user, public_id, "cases.change"))


@access("screening.run")
@require_GET
def screening_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    screening = queries.get_screening_for_user(request.user, public_id)
    actions.screening_view(actor=request.user, screening=screening)
    result = display.result_of(screening)
    context: dict[str, Any] = {
        "screening": screening,
        "result": result,
        "rows": display.rows(result) if result else [],
        "attach_form": AttachForm() if screening.case_id is None else None,
        "source": indicators.source(),
    }
    return render(request, "screening/detail.html", context)


@access("screening.run")
@require_POST
def screening_attach(request: HttpRequest, public_id: UUID) -> HttpResponse:
    screening = queries.get_screening_for_user(request.user, public_id)
    form = AttachForm(request.POST)
    if form.is_valid():
        case = queries.find_case_for_attach(request.user, form.cleaned_data["case_reference"])
        if case is None:
            messages.error(request, _("No case of your organisation has this reference."))
        else:
            try:
                actions.screening_attach(actor=request.user, screening=screening, case=case)
            except ValueError as exc:  # ScreeningError, or CaseError for a closed case
                messages.error(request, str(exc))
            else:
                messages.success(
                    request, _("The screening is now on case %(reference)s.") % {"reference": case.reference}
                )
    else:
        messages.error(request, _("Give the reference of a victim case."))
    return redirect("screening:detail", public_id=screening.public_id)

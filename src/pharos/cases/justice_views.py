"""Pages of the criminal-justice records: suspects, proceedings and each defendant's outcome.

Read and written by law enforcement and prosecutors (``justice.*``); case workers of an NGO
do not see them. Every page that shows a record records it in the audit log.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pharos.audit.queries import history_for
from pharos.cases import actions, display, queries
from pharos.cases.fields import held_codes
from pharos.cases.forms import (
    DefendantForm,
    ProceedingForm,
    SuspectForm,
    defendant_initial,
    proceeding_initial,
    suspect_initial,
)
from pharos.cases.validation import Vocabulary
from pharos.cases.views import HISTORY_LIMIT, PAGE_SIZE, _organisation, _posted, attempt
from pharos.core.declare import access
from pharos.tenancy import access as tenancy_access


@access("justice.view")
@require_GET
def suspect_list(request: HttpRequest) -> HttpResponse:
    found = queries.suspects_visible_to(request.user).only(
        "id", "public_id", "reference", "organisation_id", "sex", "age", "citizenships", "roles", "created_at"
    )
    page = Paginator(found.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    suspects = display.label_all(page.object_list, Vocabulary(), ("sex", "roles", "citizenships"))
    actions.suspect_list(actor=request.user, suspects=suspects)
    return render(
        request,
        "cases/suspect_list.html",
        {
            "page_obj": page,
            "suspects": suspects,
            "can_change": tenancy_access.can(request.user, "justice.change"),
        },
    )


@access("justice.change")
@require_http_methods(["GET", "POST"])
def suspect_create(request: HttpRequest) -> HttpResponse:
    form = SuspectForm(_posted(request), initial={"sex": "unknown"})
    if request.method == "POST" and form.is_valid():
        suspect = attempt(
            form,
            lambda: actions.suspect_register(
                actor=request.user,
                organisation=_organisation(request),
                values=form.suspect(),
                vocabulary=form.vocabulary,
            ),
        )
        if suspect is not None:
            messages.success(
                request, _("Suspect %(reference)s was registered.") % {"reference": suspect.reference}
            )
            return redirect("justice:suspect_detail", public_id=suspect.public_id)
    return render(request, "cases/suspect_form.html", {"form": form, "suspect": None})


@access("justice.view")
@require_GET
def suspect_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    suspect = queries.get_suspect_for_user(request.user, public_id)
    actions.suspect_view(actor=request.user, suspect=suspect)
    return render(
        request,
        "cases/suspect_detail.html",
        {
            "suspect": suspect,
            "labels": display.labels_of(suspect, Vocabulary()),
            "defendants": list(queries.proceedings_of_suspect(request.user, suspect)),
            "can_change": tenancy_access.can(request.user, "justice.change"),
            "can_history": tenancy_access.can(request.user, "justice.history"),
        },
    )


@access("justice.change")
@require_http_methods(["GET", "POST"])
def suspect_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    suspect = queries.get_suspect_for_user(request.user, public_id, "justice.change")
    form = SuspectForm(_posted(request), initial=suspect_initial(suspect), keep=held_codes(suspect))
    if request.method == "POST" and form.is_valid():
        changed = attempt(
            form,
            lambda: actions.suspect_change(
                actor=request.user, suspect=suspect, changes=form.suspect(), vocabulary=form.vocabulary
            ),
        )
        if changed is not None:
            messages.success(
                request, _("Suspect %(reference)s was changed.") % {"reference": suspect.reference}
            )
            return redirect("justice:suspect_detail", public_id=suspect.public_id)
    elif request.method == "GET":
        actions.suspect_view(actor=request.user, suspect=suspect, purpose="edit")
    return render(request, "cases/suspect_form.html", {"form": form, "suspect": suspect})


@access("justice.history")
@require_GET
def suspect_history(request: HttpRequest, public_id: UUID) -> HttpResponse:
    suspect = queries.get_suspect_for_user(request.user, public_id, "justice.history")
    actions.suspect_history_view(actor=request.user, suspect=suspect)
    return _history(request, suspect, "justice:suspect_detail", "justice:suspect_list", _("Suspects"))


def _history(request: HttpRequest, record: object, back: str, list_url: str, list_label: str) -> HttpResponse:
    events = list(history_for(record)[:HISTORY_LIMIT])  # type: ignore[arg-type]
    return render(
        request,
        "cases/history.html",
        {
            "record": record,
            "events": events,
            "limited": len(events) == HISTORY_LIMIT,
            "back_url": back if tenancy_access.can(request.user, "justice.view") else "",
            "list_url": list_url,
            "list_label": list_label,
        },
    )


@access("justice.view")
@require_GET
def proceeding_list(request: HttpRequest) -> HttpResponse:
    found = queries.proceedings_visible_to(request.user).only(
        "id",
        "public_id",
        "reference",
        "organisation_id",
        "offence",
        "stage",
        "forms_of_exploitation",
        "investigation_opened_on",
        "created_at",
    )
    page = Paginator(found.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    proceedings = display.label_all(page.object_list, Vocabulary(), ("forms_of_exploitation",))
    actions.proceeding_list(actor=request.user, proceedings=proceedings)
    return render(
        request,
        "cases/proceeding_list.html",
        {
            "page_obj": page,
            "proceedings": proceedings,
            "can_change": tenancy_access.can(request.user, "justice.change"),
        },
    )


@access("justice.change")
@require_http_methods(["GET", "POST"])
def proceeding_create(request: HttpRequest) -> HttpResponse:
    form = ProceedingForm(_posted(request), user=request.user, initial={"stage": "investigation"})
    if request.method == "POST" and form.is_valid():
        proceeding = attempt(
            form,
            lambda: actions.proceeding_record(
                actor=request.user,
                organisation=_organisation(request),
                values=form.proceeding(),
                suspects=form.cleaned_data["suspects"],
                cases=form.cleaned_data["cases"],
                vocabulary=form.vocabulary,
            ),
        )
        if proceeding is not None:
            messages.success(
                request, _("Proceeding %(reference)s was recorded.") % {"reference": proceeding.reference}
            )
            return redirect("justice:proceeding_detail", public_id=proceeding.public_id)
    return render(request, "cases/proceeding_form.html", {"form": form, "proceeding": None})


@access("justice.view")
@require_GET
def proceeding_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    proceeding = queries.get_proceeding_for_user(request.user, public_id)
    actions.proceeding_view(actor=request.user, proceeding=proceeding)
    vocabulary = Vocabulary()
    defendants = list(queries.defendants_for(request.user, proceeding))
    display.label_all([d.suspect for d in defendants], vocabulary, ("sex", "citizenships"))
    return render(
        request,
        "cases/proceeding_detail.html",
        {
            "proceeding": proceeding,
            "labels": display.labels_of(proceeding, vocabulary),
            "defendants": defendants,
            "victims": list(queries.victims_for(request.user, proceeding)),
            "can_change": tenancy_access.can(request.user, "justice.change"),
            "can_history": tenancy_access.can(request.user, "justice.history"),
        },
    )


@access("justice.change")
@require_http_methods(["GET", "POST"])
def proceeding_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    proceeding = queries.get_proceeding_for_user(request.user, public_id, "justice.change")
    suspects = [d.suspect for d in queries.defendants_for(request.user, proceeding, "justice.change")]
    initial = proceeding_initial(proceeding, suspects, queries.victims_for(request.user, proceeding))
    form = ProceedingForm(_posted(request), user=request.user, initial=initial, keep=held_codes(proceeding))
    if request.method == "POST" and form.is_valid():
        changed = attempt(
            form,
            lambda: actions.proceeding_change(
                actor=request.user,
                proceeding=proceeding,
                changes=form.proceeding(),
                suspects=form.cleaned_data["suspects"],
                cases=form.cleaned_data["cases"],
                vocabulary=form.vocabulary,
            ),
        )
        if changed is not None:
            messages.success(
                request, _("Proceeding %(reference)s was changed.") % {"reference": proceeding.reference}
            )
            return redirect("justice:proceeding_detail", public_id=proceeding.public_id)
    elif request.method == "GET":
        actions.proceeding_view(actor=request.user, proceeding=proceeding, purpose="edit")
    return render(request, "cases/proceeding_form.html", {"form": form, "proceeding": proceeding})


@access("justice.history")
@require_GET
def proceeding_history(request: HttpRequest, public_id: UUID) -> HttpResponse:
    proceeding = queries.get_proceeding_for_user(request.user, public_id, "justice.history")
    actions.proceeding_history_view(actor=request.user, proceeding=proceeding)
    return _history(
        request, proceeding, "justice:proceeding_detail", "justice:proceeding_list", _("Proceedings")
    )


@access("justice.change")
@require_http_methods(["GET", "POST"])
def defendant_outcome(request: HttpRequest, public_id: UUID, defendant_id: UUID) -> HttpResponse:
    proceeding = queries.get_proceeding_for_user(request.user, public_id, "justice.change")
    defendant = queries.get_defendant_for_user(request.user, proceeding, defendant_id)
    form = DefendantForm(_posted(request), initial=defendant_initial(defendant))
    if request.method == "POST" and form.is_valid():
        changed = attempt(
            form,
            lambda: actions.defendant_outcome_record(
                actor=request.user,
                defendant=defendant,
                values=form.outcome_values(),
                vocabulary=form.vocabulary,
            ),
        )
        if changed is not None:
            messages.success(
                request,
                _("The outcome for %(suspect)s was recorded.") % {"suspect": defendant.suspect.reference},
            )
            return redirect("justice:proceeding_detail", public_id=proceeding.public_id)
    return render(
        request, "cases/defendant_form.html", {"form": form, "proceeding": proceeding, "defendant": defendant}
    )

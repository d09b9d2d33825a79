"""Pages of the persons module: list and search, register, see, change, history, erase.

Every page that shows a person's identifiers records it in the audit log (viewed, listed).
Names never go into a URL, a message or a log line: search is a POST, messages name the
reference.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pharos.audit.queries import history_for
from pharos.core.declare import access
from pharos.persons import actions, queries
from pharos.persons.forms import EraseForm, PersonForm, PersonSearchForm, initial_for
from pharos.tenancy import access as tenancy_access
from pharos.tenancy.models import Country

PAGE_SIZE = 50
HISTORY_LIMIT = 500


@access("persons.view")
@require_http_methods(["GET", "POST"])
def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.POST if request.method == "POST" else None)
    text = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    found = queries.for_list(
        queries.search_persons(request.user, text) if text else queries.persons_visible_to(request.user)
    )
    # A search is a POST (names stay out of URLs and logs) and shows its first page only.
    page = Paginator(found, PAGE_SIZE).get_page(1 if text else request.GET.get("page"))
    persons = list(page.object_list)
    actions.person_list(actor=request.user, persons=persons)
    return render(
        request,
        "persons/list.html",
        {
            "form": form,
            "page_obj": page,
            "persons": persons,
            "searched": bool(text),
            "can_create": tenancy_access.can(request.user, "persons.create"),
        },
    )


@access("persons.create")
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        membership = tenancy_access.acting_membership(request.user)
        assert membership is not None  # the capability check passed
        person = actions.person_register(
            actor=request.user, organisation=membership.organisation, **form.changes()
        )
        messages.success(request, _("Person %(reference)s was registered.") % {"reference": person.reference})
        from pharos.referrals.views import duplicate_redirect

        detail = reverse("persons:detail", args=[person.public_id])
        return duplicate_redirect(request, person, detail) or redirect(detail)
    return render(request, "persons/form.html", {"form": form, "person": None})


@access("persons.view")
@require_GET
def person_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    person = queries.get_person_for_user(request.user, public_id, "persons.view")
    actions.person_view(actor=request.user, person=person)
    countries = Country.objects.filter(code__in=person.citizenships).order_by("code")
    cases = None
    if tenancy_access.can(request.user, "cases.view"):
        from pharos.cases.queries import cases_visible_to

        cases = list(cases_visible_to(request.user).filter(person=person).order_by("-registered_on"))
    return render(
        request,
        "persons/detail.html",
        {
            "person": person,
            "countries": countries,
            "cases": cases,
            "can_open_case": tenancy_access.can(request.user, "cases.create") and not person.is_erased,
            "can_change": tenancy_access.can(request.user, "persons.change"),
            "can_history": tenancy_access.can(request.user, "persons.history"),
            "can_erase": tenancy_access.can(request.user, "persons.erase"),
        },
    )


@access("persons.change")
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    person = queries.get_person_for_user(request.user, public_id, "persons.change")
    if person.is_erased:
        messages.error(request, _("This person's personal data was erased; the record cannot be changed."))
        return redirect("persons:detail", public_id=person.public_id)
    if request.method == "POST":
        form = PersonForm(request.POST, initial=initial_for(person))
        if form.is_valid():
            changed = actions.person_change(actor=request.user, person=person, changes=form.changes())
            if changed:
                messages.success(
                    request, _("Person %(reference)s was changed.") % {"reference": person.reference}
                )
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("persons:detail", public_id=person.public_id)
    else:
        actions.person_view(actor=request.user, person=person, purpose="edit")
        form = PersonForm(initial=initial_for(person))
    return render(request, "persons/form.html", {"form": form, "person": person})


@access("persons.history")
@require_GET
def person_history(request: HttpRequest, public_id: UUID) -> HttpResponse:
    person = queries.get_person_for_user(request.user, public_id, "persons.history")
    actions.person_history_view(actor=request.user, person=person)
    events = list(history_for(person)[:HISTORY_LIMIT])
    return render(
        request,
        "persons/history.html",
        {
            "person": person,
            "events": events,
            "limited": len(events) == HISTORY_LIMIT,
            "can_view": tenancy_access.can(request.user, "persons.view"),
        },
    )


@access("persons.erase")
@require_http_methods(["GET", "POST"])
def person_erase(request: HttpRequest, public_id: UUID) -> HttpResponse:
    person = queries.get_person_for_user(request.user, public_id, "persons.erase")
    form = EraseForm(request.POST if request.method == "POST" else None, expected=person.reference)
    if request.method == "POST" and not person.is_erased and form.is_valid():
        actions.person_erase(actor=request.user, person=person)
        messages.success(
            request, _("The personal data of %(reference)s was erased.") % {"reference": person.reference}
        )
        return redirect("persons:erase", public_id=person.public_id)
    return render(request, "persons/erase.html", {"person": person, "form": form})

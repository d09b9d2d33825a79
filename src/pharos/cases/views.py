"""Pages of victim cases: list with filters, open, see, change, status decisions, events,
perpetrator accounts, and who viewed or changed a case.

Every page that shows a case records it in the audit log; the detail page also records that
the person's identifiers were shown. Case lists show no names, only references.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pharos.audit.queries import history_for
from pharos.cases import actions, display, queries
from pharos.cases.fields import held_codes
from pharos.cases.forms import (
    CaseCreateForm,
    CaseFilterForm,
    CaseForm,
    CodedForm,
    EventForm,
    PerpetratorAccountForm,
    StatusDecisionForm,
    case_initial,
    create_initial,
    decision_org_type_for,
)
from pharos.cases.validation import Invalid, Vocabulary
from pharos.core.declare import access
from pharos.persons.actions import person_view
from pharos.persons.forms import PersonForm
from pharos.tenancy import access as tenancy_access
from pharos.tenancy.models import Organisation

PAGE_SIZE = 50
HISTORY_LIMIT = 500


def attempt(form: CodedForm, write: Callable[[], Any]) -> Any:
    """Run an action; show its refusal on the form instead of failing (returns None then)."""
    try:
        return write()
    except Invalid as exc:
        form.absorb(exc.problems)
    except actions.CaseError as exc:
        form.add_error(None, str(exc))
    return None


def _posted(request: HttpRequest) -> Any:
    """The submitted data on a POST (even an empty one), None on a GET: binds a form or not."""
    return request.POST if request.method == "POST" else None


def _organisation(request: HttpRequest) -> Organisation:
    membership = tenancy_access.acting_membership(request.user)
    assert membership is not None  # the capability check passed
    return membership.organisation


@access("cases.view")
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    vocabulary = Vocabulary()
    visible = queries.cases_visible_to(request.user)
    filter_form = CaseFilterForm(
        request.GET if request.GET else None, vocabulary=vocabulary, years=queries.case_years(visible)
    )
    filters = filter_form.filters()
    found = queries.cases_for_list(queries.filter_cases(visible, filters))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    cases = display.label_all(
        page.object_list,
        vocabulary,
        ("trafficking_status", "forms_of_exploitation", "country_of_exploitation"),
    )
    actions.case_list(actor=request.user, cases=cases)
    return render(
        request,
        "cases/list.html",
        {
            "filter_form": filter_form,
            "filtered": bool(filters.as_query()),
            "page_obj": page,
            "cases": cases,
            "can_create": tenancy_access.can(request.user, "cases.create"),
        },
    )


@access("cases.create")
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    initial = create_initial(organisation, request.GET.get("person", ""))
    form = CaseCreateForm(_posted(request), user=request.user, initial=initial)
    person_form = PersonForm(prefix="person")
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        if person is None:
            person_form = PersonForm(request.POST, prefix="person")
        if person is not None or person_form.is_valid():
            case = attempt(
                form,
                lambda: actions.case_register(
                    actor=request.user,
                    organisation=organisation,
                    person=person,
                    new_person=None if person is not None else person_form.changes(),
                    facts=form.facts(),
                    decision=form.decision(),
                    vocabulary=form.vocabulary,
                ),
            )
            if case is not None:
                messages.success(
                    request, _("Victim case %(reference)s was opened.") % {"reference": case.reference}
                )
                from pharos.referrals.views import duplicate_redirect

                detail = reverse("cases:detail", args=[case.public_id])
                warned = duplicate_redirect(request, case.person, detail) if person is None else None
                return warned or redirect(detail)
    return render(request, "cases/form.html", {"form": form, "person_form": person_form, "case": None})


@access("cases.view")
@require_GET
def case_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case = queries.get_case_for_user(request.user, public_id, "cases.view")
    actions.case_view(actor=request.user, case=case)
    person_view(actor=request.user, person=case.person, purpose="case")
    vocabulary = Vocabulary()
    can_justice = tenancy_access.can(request.user, "justice.view")
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "labels": display.labels_of(case, vocabulary),
            "citizenships": [f"{vocabulary.country_name(c)} ({c})" for c in case.person.citizenships or []],
            "decisions": display.label_all(queries.decisions_for(request.user, case), vocabulary),
            "events": display.label_all(queries.events_for(request.user, case), vocabulary),
            "accounts": display.label_all(queries.accounts_for(request.user, case), vocabulary),
            "proceedings": list(queries.proceedings_for_case(request.user, case)) if can_justice else None,
            "can_change": tenancy_access.can(request.user, "cases.change"),
            "can_history": tenancy_access.can(request.user, "cases.history"),
            "can_person": tenancy_access.can(request.user, "persons.view"),
        },
    )


@access("cases.change")
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case = queries.get_case_for_user(request.user, public_id, "cases.change")
    initial = case_initial(case)
    form = CaseForm(_posted(request), initial=initial, keep=held_codes(case))
    if request.method == "POST" and form.is_valid():
        changed = attempt(
            form,
            lambda: actions.case_change(
                actor=request.user, case=case, changes=form.facts(), vocabulary=form.vocabulary
            ),
        )
        if changed is not None:
            if changed:
                messages.success(
                    request, _("Victim case %(reference)s was changed.") % {"reference": case.reference}
                )
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("cases:detail", public_id=case.public_id)
    elif request.method == "GET":
        actions.case_view(actor=request.user, case=case, purpose="edit")
    return render(request, "cases/form.html", {"form": form, "person_form": None, "case": case})


def _case_subform(
    request: HttpRequest,
    public_id: UUID,
    form_class: type[CodedForm],
    write: Callable[..., Any],
    template: str,
    success: str,
    initial: dict[str, Any] | None = None,
) -> HttpResponse:
    """A form that adds something to a case (a decision, an event, an account)."""
    case = queries.get_case_for_user(request.user, public_id, "cases.change")
    form = form_class(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        made = attempt(form, lambda: write(case, form))
        if made is not None:
            messages.success(request, success % {"reference": case.reference})
            return redirect("cases:detail", public_id=case.public_id)
    return render(request, template, {"form": form, "case": case})


@access("cases.change")
@require_http_methods(["GET", "POST"])
def case_status(request: HttpRequest, public_id: UUID) -> HttpResponse:
    organisation = _organisation(request)
    return _case_subform(
        request,
        public_id,
        StatusDecisionForm,
        lambda case, form: actions.case_status_decide(
            actor=request.user, case=case, decision=form.decision(), vocabulary=form.vocabulary
        ),
        "cases/status_form.html",
        _("A status decision was recorded on %(reference)s."),
        initial={
            "decided_on": timezone.localdate().isoformat(),
            "decision_org": organisation.code,
            "decision_org_type": decision_org_type_for(organisation),
        },
    )


@access("cases.change")
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _case_subform(
        request,
        public_id,
        EventForm,
        lambda case, form: actions.event_add(
            actor=request.user, case=case, values=form.event(), vocabulary=form.vocabulary
        ),
        "cases/event_form.html",
        _("An event was added to %(reference)s."),
    )


@access("cases.change")
@require_http_methods(["GET", "POST"])
def perpetrator_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _case_subform(
        request,
        public_id,
        PerpetratorAccountForm,
        lambda case, form: actions.perpetrator_account_add(
            actor=request.user, case=case, values=form.account(), vocabulary=form.vocabulary
        ),
        "cases/perpetrator_form.html",
        _("A perpetrator account was added to %(reference)s."),
    )


@access("cases.history")
@require_GET
def case_history(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case = queries.get_case_for_user(request.user, public_id, "cases.history")
    actions.case_history_view(actor=request.user, case=case)
    events = list(history_for(case)[:HISTORY_LIMIT])
    return render(
        request,
        "cases/history.html",
        {
            "record": case,
            "events": events,
            "limited": len(events) == HISTORY_LIMIT,
            "back_url": "cases:detail" if tenancy_access.can(request.user, "cases.view") else "",
            "list_url": "cases:list",
            "list_label": _("Victim cases"),
        },
    )

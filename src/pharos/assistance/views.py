"""Pages of the assistance pathway: the case's five stages with their measures, a form per
measure, the end of a reflection period, plan reviews, the organisation's due dates, and the
countries' reflection period rules.

The case is looked up with ``cases.queries.get_case_for_user`` (same visibility as the case
page); reading the pathway is audited.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pharos.assistance import actions, display, measures, queries
from pharos.assistance import models as m
from pharos.assistance.forms import (
    PlanReviewForm,
    ReflectionEndForm,
    ReflectionRuleForm,
    StageForm,
    StageLeaveForm,
    measure_form,
)
from pharos.cases.models import VictimCase
from pharos.cases.queries import get_case_for_user
from pharos.core.declare import access
from pharos.tenancy import access as tenancy_access
from pharos.tenancy.models import Country

DUE_HORIZON_DAYS = 14


def _kind(slug: str) -> measures.MeasureKind:
    try:
        return measures.get(slug)
    except LookupError as exc:
        raise Http404("No such kind of measure.") from exc


def _refused(form: Any, exc: Exception) -> None:
    """Show an action's refusal on the form: field problems on their fields, the rest on top."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))


def _back(case: VictimCase) -> HttpResponse:
    return redirect("assistance:pathway", public_id=case.public_id)


@access("assistance.view")
@require_GET
def pathway(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case = get_case_for_user(request.user, public_id)
    actions.pathway_view(actor=request.user, case=case)
    today = timezone.localdate()
    stages = queries.pathway(request.user, case)
    return render(
        request,
        "assistance/pathway.html",
        {
            "case": case,
            "stages": display.stage_rows(stages, today),
            "reflections": display.reflection_rows(queries.reflection_periods_for(request.user, case), today),
            "reviews": list(queries.plan_reviews_for(request.user, case)),
            "pre_return": queries.has_pre_return_assessment(request.user, case),
            "can_manage": tenancy_access.can(request.user, "assistance.manage"),
            "stage_form": StageForm(initial={"entered_on": today.isoformat()}),
            "leave_form": StageLeaveForm(
                initial={"left_on": today.isoformat(), "stage": m.Stage.PROCEEDINGS}
            ),
        },
    )


@access("assistance.manage")
@require_POST
def stage_enter(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case = get_case_for_user(request.user, public_id, "cases.change")
    form = StageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a stage and a date."))
        return _back(case)
    try:
        entry = actions.stage_enter(
            actor=request.user,
            case=case,
            stage=form.cleaned_data["stage"],
            entered_on=form.cleaned_data["entered_on"],
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        if entry is None:
            messages.info(request, _("The case is in this stage already."))
        else:
            messages.success(
                request, _("The case entered the stage “%(stage)s”.") % {"stage": entry.get_stage_display()}
            )
    return _back(case)


@access("assistance.manage")
@require_POST
def stage_leave(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case = get_case_for_user(request.user, public_id, "cases.change")
    form = StageLeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a stage and a date."))
        return _back(case)
    try:
        actions.stage_leave(
            actor=request.user,
            case=case,
            stage=form.cleaned_data["stage"],
            left_on=form.cleaned_data["left_on"],
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The stage was ended."))
    return _back(case)


def _initial(case: VictimCase, kind: measures.MeasureKind) -> dict[str, Any]:
    today = timezone.localdate().isoformat()
    initial: dict[str, Any] = {kind.model.DATE_FIELD: today} if kind.model.DATE_FIELD else {}
    if kind.model is m.ReflectionPeriod:
        duration, warning, basis = actions.reflection_rule(case.organisation.country)
        initial.update(duration_days=duration, warning_days=warning, legal_basis=basis)
    return initial


@access("assistance.manage")
@require_http_methods(["GET", "POST"])
def measure_create(request: HttpRequest, public_id: UUID, kind: str) -> HttpResponse:
    found = _kind(kind)
    case = get_case_for_user(request.user, public_id, "cases.change")
    form = measure_form(found)(
        request.POST if request.method == "POST" else None, initial=_initial(case, found)
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.measure_record(actor=request.user, case=case, kind=found, values=form.values())
        except (ValidationError, ValueError) as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Recorded: %(what)s.") % {"what": found.model._meta.verbose_name})
            return _back(case)
    return render(
        request, "assistance/measure_form.html", {"form": form, "case": case, "kind": found, "measure": None}
    )


@access("assistance.manage")
@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, public_id: UUID, kind: str, measure_id: UUID) -> HttpResponse:
    found = _kind(kind)
    case = get_case_for_user(request.user, public_id, "cases.change")
    record = queries.get_measure_for_user(request.user, case, found, measure_id, queries.MANAGE)
    form = measure_form(found)(request.POST if request.method == "POST" else None, instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.measure_change(
                actor=request.user, record=record, kind=found, values=form.values()
            )
        except (ValidationError, ValueError) as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Changed.") if changed else _("Nothing was changed."))
            return _back(case)
    return render(
        request,
        "assistance/measure_form.html",
        {"form": form, "case": case, "kind": found, "measure": record},
    )


@access("assistance.manage")
@require_http_methods(["GET", "POST"])
def reflection_end(request: HttpRequest, public_id: UUID, measure_id: UUID) -> HttpResponse:
    case = get_case_for_user(request.user, public_id, "cases.change")
    period = queries.get_measure_for_user(
        request.user, case, measures.KINDS["reflection-period"], measure_id, queries.MANAGE
    )
    assert isinstance(period, m.ReflectionPeriod)
    form = ReflectionEndForm(
        request.POST if request.method == "POST" else None,
        initial={"ended_on": timezone.localdate().isoformat()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.reflection_end(actor=request.user, period=period, **form.cleaned_data)
        except (ValidationError, ValueError) as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The end of the reflection period was recorded."))
            return _back(case)
    return render(request, "assistance/reflection_end.html", {"form": form, "case": case, "period": period})


@access("assistance.manage")
@require_http_methods(["GET", "POST"])
def plan_review(request: HttpRequest, public_id: UUID, measure_id: UUID) -> HttpResponse:
    case = get_case_for_user(request.user, public_id, "cases.change")
    plan = queries.get_measure_for_user(
        request.user, case, measures.KINDS["support-plan"], measure_id, queries.MANAGE
    )
    assert isinstance(plan, m.SupportPlan)
    form = PlanReviewForm(
        request.POST if request.method == "POST" else None,
        initial={"reviewed_on": timezone.localdate().isoformat()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.plan_review(actor=request.user, plan=plan, **form.cleaned_data)
        except (ValidationError, ValueError) as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The review of the plan was recorded."))
            return _back(case)
    return render(request, "assistance/plan_review.html", {"form": form, "case": case, "plan": plan})


@access("assistance.view")
@require_GET
def due(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    items = queries.due_items(request.user, today=today, horizon_days=DUE_HORIZON_DAYS)
    actions.due_view(actor=request.user, cases=list({item.case.pk: item.case for item in items}.values()))
    return render(
        request,
        "assistance/due.html",
        {"items": display.due_rows(items), "today": today, "horizon": DUE_HORIZON_DAYS},
    )


@access("assistance.view")
@require_GET
def rules(request: HttpRequest) -> HttpResponse:
    membership = tenancy_access.acting_membership(request.user)
    assert membership is not None
    country = membership.organisation.country
    duration, warning, basis = actions.reflection_rule(country)
    return render(
        request,
        "assistance/rules.html",
        {
            "country": country,
            "rule": {"duration_days": duration, "warning_days": warning, "legal_basis": basis},
            "rules": list(m.ReflectionRule.objects.select_related("country")),
            "form": ReflectionRuleForm(
                initial={"duration_days": duration, "warning_days": warning, "legal_basis": basis}
            )
            if tenancy_access.can(request.user, "assistance.rules")
            else None,
        },
    )


@access("assistance.rules")
@require_POST
def rule_set(request: HttpRequest) -> HttpResponse:
    membership = tenancy_access.acting_membership(request.user)
    assert membership is not None
    country: Country = membership.organisation.country
    form = ReflectionRuleForm(request.POST)
    if form.is_valid():
        actions.reflection_rule_set(actor=request.user, country=country, **form.cleaned_data)
        messages.success(
            request, _("The reflection period rule of %(country)s was saved.") % {"country": country.name}
        )
    else:
        messages.error(request, _("The rule was not saved: check the numbers."))
    return redirect("assistance:rules")

"""API operations of the assistance pathway: the twin of the pages, scoped and audited the same way.

Measures are sent as JSON objects whose keys are the fields of the kind (see
``GET /api/assistance/kinds``); organisations are named by their code. Field problems
answer 422 with every field and message; a refusal (closed case, stage order) answers 409.
"""

from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Body, Field, Router, Schema, Status
from ninja.errors import HttpError

from pharos.api.problems import problem_response
from pharos.api.security import requires
from pharos.assistance import actions, measures, queries
from pharos.assistance import models as m
from pharos.assistance.forms import (
    PlanReviewForm,
    ReflectionEndForm,
    ReflectionRuleForm,
    StageForm,
    StageLeaveForm,
    measure_form,
)
from pharos.cases.queries import get_case_for_user
from pharos.tenancy import access

router = Router(tags=["assistance"])
# A measure is a JSON object whose keys depend on its kind (GET /api/assistance/kinds).
_JSON_OBJECT = Body(...)


class KindOut(Schema):
    kind: str
    stage: str
    label: str
    fields: list[str]


class StageOut(Schema):
    stage: str
    label: str
    entered_on: date | None
    left_on: date | None
    current: bool
    measures: dict[str, list[dict[str, Any]]]


class PathwayOut(Schema):
    case: UUID
    reference: str
    stages: list[StageOut]


class StageIn(Schema):
    stage: str = Field(..., description="identification, first_assistance, long_term, return or proceedings.")
    on: date


class ReflectionEndIn(Schema):
    ended_on: date
    end_reason: str = Field(..., description="; ".join(m.ReflectionEnd.values))
    end_note: str = ""


class PlanReviewIn(Schema):
    reviewed_on: date
    outcome: str = ""
    next_review_on: date | None = None


class DueOut(Schema):
    case: UUID
    reference: str
    what: str
    due_on: date
    state: str
    measure: UUID


class RuleIn(Schema):
    duration_days: int
    warning_days: int
    legal_basis: str = ""


class RuleOut(Schema):
    country: str
    duration_days: int
    warning_days: int
    legal_basis: str


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "code"):
        return value.code
    return str(value)


def measure_dict(record: m.AssistanceRecord, kind: measures.MeasureKind) -> dict[str, Any]:
    data: dict[str, Any] = {"public_id": str(record.public_id), "kind": kind.slug}
    for name in kind.fields:
        data[name] = _plain(getattr(record, name))
    if isinstance(record, m.ReflectionPeriod):
        data.update(
            ends_on=record.ends_on.isoformat(),
            ended_on=_plain(record.ended_on),
            end_reason=record.end_reason,
            state=record.state_on(timezone.localdate()),
        )
    if isinstance(record, m.RiskAssessment):
        data["assessor"] = getattr(record.assessor, "email", None)
    return data


def _kind(slug: str) -> measures.MeasureKind:
    try:
        return measures.get(slug)
    except LookupError as exc:
        raise HttpError(404, "No such kind of measure.") from exc


def _invalid(errors: dict[str, list[str]]) -> HttpResponse:
    return problem_response(
        422,
        "Invalid input",
        "Some fields are not valid.",
        errors=[
            {"loc": ["body"] if name in ("__all__", None) else ["body", name], "msg": msg, "type": "invalid"}
            for name, msgs in errors.items()
            for msg in msgs
        ],
    )


def _run(write: Any) -> Any:
    try:
        return write()
    except ValidationError as exc:
        return _invalid(exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages})
    except ValueError as exc:
        return problem_response(409, "Conflict", str(exc))


def _form_errors(form: Any) -> HttpResponse:
    return _invalid({name: [str(e) for e in errs] for name, errs in form.errors.items()})


@router.get("/assistance/kinds", response=list[KindOut], summary="The kinds of measure and their fields")
@requires("assistance.view")
def kinds(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"kind": k.slug, "stage": k.stage, "label": str(k.label), "fields": list(k.fields)}
        for k in measures.KINDS.values()
    ]


@router.get(
    "/cases/{public_id}/pathway", response=PathwayOut, summary="The five stages of a case and their measures"
)
@requires("assistance.view")
def get_pathway(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    """The reading is audited."""
    case = get_case_for_user(request.user, public_id)
    actions.pathway_view(actor=request.user, case=case, purpose="api")
    return {
        "case": case.public_id,
        "reference": case.reference,
        "stages": [
            {
                "stage": s.stage,
                "label": s.label,
                "entered_on": s.entered_on,
                "left_on": s.left_on,
                "current": s.current,
                "measures": {kind.slug: [measure_dict(r, kind) for r in items] for kind, items in s.kinds},
            }
            for s in queries.pathway(request.user, case)
        ],
    }


@router.post(
    "/cases/{public_id}/pathway/stage-entries",
    response={201: dict[str, Any], 200: dict[str, Any], 409: dict[str, Any], 422: dict[str, Any]},
    summary="Move the case to a stage",
)
@requires("assistance.manage")
def enter_stage(request: HttpRequest, public_id: UUID, payload: StageIn) -> Any:
    case = get_case_for_user(request.user, public_id, "cases.change")
    form = StageForm({"stage": payload.stage, "entered_on": payload.on})
    if not form.is_valid():
        return _form_errors(form)
    entry = _run(lambda: actions.stage_enter(actor=request.user, case=case, **form.cleaned_data))
    if isinstance(entry, HttpResponse):
        return entry
    return Status(201 if entry is not None else 200, {"stage": payload.stage, "entered": entry is not None})


@router.post(
    "/cases/{public_id}/pathway/stage-exits",
    response={200: dict[str, Any], 409: dict[str, Any], 422: dict[str, Any]},
    summary="End a current stage",
)
@requires("assistance.manage")
def leave_stage(request: HttpRequest, public_id: UUID, payload: StageIn) -> Any:
    case = get_case_for_user(request.user, public_id, "cases.change")
    form = StageLeaveForm({"stage": payload.stage, "left_on": payload.on})
    if not form.is_valid():
        return _form_errors(form)
    entry = _run(lambda: actions.stage_leave(actor=request.user, case=case, **form.cleaned_data))
    if isinstance(entry, HttpResponse):
        return entry
    return Status(200, {"stage": entry.stage, "left_on": entry.left_on.isoformat()})


@router.post(
    "/cases/{public_id}/pathway/measures/{kind}",
    response={201: dict[str, Any], 404: dict[str, Any], 409: dict[str, Any], 422: dict[str, Any]},
    summary="Record a measure of the pathway",
)
@requires("assistance.manage")
def create_measure(
    request: HttpRequest, public_id: UUID, kind: str, payload: dict[str, Any] = _JSON_OBJECT
) -> Any:
    """``kind``: crisis-need, risk-assessment, support-plan, reflection-period, residence-permit,
    service, return-plan, proceeding-role, protection-measure or compensation-claim."""
    found = _kind(kind)
    case = get_case_for_user(request.user, public_id, "cases.change")
    unknown = set(payload) - set(found.fields)
    if unknown:
        return _invalid({name: ["Not a field of this kind of measure."] for name in sorted(unknown)})
    form = measure_form(found)(payload)
    if not form.is_valid():
        return _form_errors(form)
    values = {k: v for k, v in form.values().items() if k in payload}
    record = _run(lambda: actions.measure_record(actor=request.user, case=case, kind=found, values=values))
    if isinstance(record, HttpResponse):
        return record
    return Status(201, measure_dict(record, found))


def _current(record: m.AssistanceRecord, kind: measures.MeasureKind) -> dict[str, Any]:
    data = {}
    for name in kind.fields:
        value = getattr(record, name)
        field = record._meta.get_field(name)
        data[name] = value.code if isinstance(field, models.ForeignKey) and value is not None else value
    return data


@router.patch(
    "/cases/{public_id}/pathway/measures/{kind}/{measure_id}",
    response={200: dict[str, Any], 404: dict[str, Any], 409: dict[str, Any], 422: dict[str, Any]},
    summary="Change a measure of the pathway",
)
@requires("assistance.manage")
def change_measure(
    request: HttpRequest, public_id: UUID, kind: str, measure_id: UUID, payload: dict[str, Any] = _JSON_OBJECT
) -> Any:
    """Only the fields sent change; ``null`` clears a field."""
    found = _kind(kind)
    case = get_case_for_user(request.user, public_id, "cases.change")
    record = queries.get_measure_for_user(request.user, case, found, measure_id, queries.MANAGE)
    unknown = set(payload) - set(found.fields)
    if unknown:
        return _invalid({name: ["Not a field of this kind of measure."] for name in sorted(unknown)})
    form = measure_form(found)({**_current(record, found), **payload}, instance=record)
    if not form.is_valid():
        return _form_errors(form)
    done = _run(
        lambda: actions.measure_change(actor=request.user, record=record, kind=found, values=form.values())
    )
    if isinstance(done, HttpResponse):
        return done
    return Status(200, measure_dict(record, found))


@router.post(
    "/cases/{public_id}/pathway/reflection-periods/{measure_id}/end",
    response={200: dict[str, Any], 404: dict[str, Any], 409: dict[str, Any], 422: dict[str, Any]},
    summary="Record the end of a reflection period",
)
@requires("assistance.manage")
def end_reflection(request: HttpRequest, public_id: UUID, measure_id: UUID, payload: ReflectionEndIn) -> Any:
    kind = measures.KINDS["reflection-period"]
    case = get_case_for_user(request.user, public_id, "cases.change")
    period = queries.get_measure_for_user(request.user, case, kind, measure_id, queries.MANAGE)
    form = ReflectionEndForm(payload.model_dump())
    if not form.is_valid():
        return _form_errors(form)
    done = _run(lambda: actions.reflection_end(actor=request.user, period=period, **form.cleaned_data))  # type: ignore[arg-type]
    if isinstance(done, HttpResponse):
        return done
    return Status(200, measure_dict(done, kind))


@router.post(
    "/cases/{public_id}/pathway/support-plans/{measure_id}/reviews",
    response={201: dict[str, Any], 404: dict[str, Any], 409: dict[str, Any], 422: dict[str, Any]},
    summary="Record a review of a support and safety plan",
)
@requires("assistance.manage")
def review_plan(request: HttpRequest, public_id: UUID, measure_id: UUID, payload: PlanReviewIn) -> Any:
    kind = measures.KINDS["support-plan"]
    case = get_case_for_user(request.user, public_id, "cases.change")
    plan = queries.get_measure_for_user(request.user, case, kind, measure_id, queries.MANAGE)
    form = PlanReviewForm({k: v for k, v in payload.model_dump().items() if v is not None})
    if not form.is_valid():
        return _form_errors(form)
    review = _run(lambda: actions.plan_review(actor=request.user, plan=plan, **form.cleaned_data))  # type: ignore[arg-type]
    if isinstance(review, HttpResponse):
        return review
    return Status(201, {"public_id": str(review.public_id), "plan": measure_dict(plan, kind)})


@router.get("/assistance/due", response=list[DueOut], summary="Due dates of the pathway on visible cases")
@requires("assistance.view")
def due(request: HttpRequest, horizon_days: int = 14) -> list[dict[str, Any]]:
    """Reflection periods in their warning time or past their end, reviews due within the horizon."""
    items = queries.due_items(
        request.user, today=timezone.localdate(), horizon_days=max(0, min(horizon_days, 365))
    )
    actions.due_view(actor=request.user, cases=list({i.case.pk: i.case for i in items}.values()))
    return [
        {
            "case": i.case.public_id,
            "reference": i.case.reference,
            "what": i.what,
            "due_on": i.due_on,
            "state": i.state,
            "measure": i.measure.public_id,
        }
        for i in items
    ]


def _rule_out(request: HttpRequest) -> dict[str, Any]:
    membership = access.acting_membership(request.user)
    assert membership is not None
    country = membership.organisation.country
    duration, warning, basis = actions.reflection_rule(country)
    return {"country": country.code, "duration_days": duration, "warning_days": warning, "legal_basis": basis}


@router.get(
    "/assistance/reflection-rule", response=RuleOut, summary="The reflection period rule of your country"
)
@requires("assistance.view")
def get_rule(request: HttpRequest) -> dict[str, Any]:
    return _rule_out(request)


@router.put(
    "/assistance/reflection-rule",
    response={200: RuleOut, 422: dict[str, Any]},
    summary="Set the reflection period rule of your country",
)
@requires("assistance.rules")
def set_rule(request: HttpRequest, payload: RuleIn) -> Any:
    form = ReflectionRuleForm(payload.model_dump())
    if not form.is_valid():
        return _form_errors(form)
    membership = access.acting_membership(request.user)
    assert membership is not None
    actions.reflection_rule_set(
        actor=request.user, country=membership.organisation.country, **form.cleaned_data
    )
    return Status(200, _rule_out(request))

"""API operations of victim cases and criminal-justice records: the twin of the pages.

Scoped like the pages (404 for another organisation's record), audited like the pages,
validated by the same forms and so by ``pharos.cases.validation``: a 422 problem+json lists
every field with what is wrong and, for coded values, the nearest valid codes
(``suggestions``). Codes are stored and returned as codes; ``labels`` gives them in the
language of the request.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from pharos.api.problems import problem_response
from pharos.api.security import requires
from pharos.cases import actions, display, queries
from pharos.cases.fields import held_codes
from pharos.cases.forms import (
    CaseCreateForm,
    CaseForm,
    CodedForm,
    DefendantForm,
    EventForm,
    PerpetratorAccountForm,
    ProceedingForm,
    StatusDecisionForm,
    SuspectForm,
    case_initial,
    defendant_initial,
    form_data_from_json,
    proceeding_initial,
    suspect_initial,
)
from pharos.cases.models import (
    Defendant,
    PerpetratorAccount,
    Proceeding,
    StatusDecision,
    Suspect,
    TraffickingEvent,
    VictimCase,
)
from pharos.cases.validation import Invalid, Vocabulary
from pharos.tenancy import access

router = Router(tags=["cases"])

MAX_LIMIT = 200
_CASE_LISTS = (
    "forms_of_exploitation",
    "sex_exploitation_types",
    "means_of_control",
    "recruitment_methods",
    "recruiter_relationships",
)


# --- schemas -------------------------------------------------------------------------------------


class CaseFactsIn(Schema):
    """A case's facts (HTCDS ``vic_`` fields); on PATCH only the fields sent change (null clears)."""

    registered_on: date | None = None
    identified_by: str | None = Field(
        None, description="Code of the identifying organisation, if it uses Pharos."
    )
    identified_by_name: str | None = None
    age_at_recruitment: int | None = None
    age_at_exploitation: int | None = None
    age_at_identification: int | None = None
    country_of_exploitation: str | None = Field(None, description="ISO 3166-1 alpha-2 code.")
    forms_of_exploitation: list[str] | None = Field(None, description="Codes of pharos.form_of_exploitation.")
    labour_sector: str | None = Field(None, description="Code of isic.section.")
    sex_exploitation_types: list[str] | None = Field(
        None, description="Codes of htcds.vic_TypeOfSexExploitation."
    )
    means_of_control: list[str] | None = Field(None, description="Codes of pharos.means_of_control.")
    recruitment_methods: list[str] | None = Field(None, description="Codes of htcds.vic_MethodOfRecruitment.")
    recruiter_relationships: list[str] | None = Field(
        None, description="Codes of pharos.recruiter_relationship."
    )
    notes: str | None = None


class DecisionIn(Schema):
    status: str = Field(..., description="Code of pharos.victim_status.")
    decision_org_type: str = Field(..., description="Code of htcds.vic_TraffickingStatusDecisionMakingOrg.")
    decided_on: date
    decision_org: str | None = Field(
        None, description="Code of the deciding organisation, if it uses Pharos."
    )
    note: str | None = None


class CaseIn(CaseFactsIn):
    """A new case: the person (public id or reference) and the first status decision."""

    person: str = Field(..., description="Public id or reference of a person of your organisation.")
    status: str = Field(..., description="Code of pharos.victim_status.")
    decision_org_type: str = Field(..., description="Code of htcds.vic_TraffickingStatusDecisionMakingOrg.")
    decided_on: date
    decision_org: str | None = None


class DecisionOut(Schema):
    public_id: UUID
    status: str
    decision_org_type: str
    decision_org: str | None
    decided_on: date
    note: str | None


class EventIn(Schema):
    event_type: str = Field(..., description="Code of pharos.trafficking_event_type.")
    country: str | None = None
    occurred_on: date | None = None
    place: str | None = None
    description: str | None = None


class EventOut(Schema):
    public_id: UUID
    event_type: str
    country: str
    occurred_on: date | None
    place: str | None
    description: str | None


class PerpetratorAccountIn(Schema):
    sex: str | None = Field(None, description="Code of unodc.sex.")
    age_group: str | None = Field(None, description="Code of ctdc.age_broad.")
    citizenship: str | None = None
    relationship: str | None = Field(None, description="Code of pharos.recruiter_relationship.")
    roles: list[str] | None = Field(None, description="Codes of htcds.per_RoleInProcess.")
    role_details: str | None = None
    paid_money: bool | None = None


class PerpetratorAccountOut(Schema):
    public_id: UUID
    sex: str
    age_group: str
    citizenship: str
    relationship: str
    roles: list[str]
    role_details: str | None
    paid_money: bool | None


class CaseSummaryOut(Schema):
    public_id: UUID
    reference: str
    person: str
    trafficking_status: str
    status_decided_on: date | None
    registered_on: date
    forms_of_exploitation: list[str]
    country_of_exploitation: str


class CaseOut(CaseSummaryOut):
    person_id: UUID
    organisation: str
    status_decision_org_type: str
    status_decision_org: str | None
    identified_by: str | None
    identified_by_name: str
    age_at_recruitment: int | None
    age_at_exploitation: int | None
    age_at_identification: int | None
    labour_sector: str
    sex_exploitation_types: list[str]
    means_of_control: list[str]
    recruitment_methods: list[str]
    recruiter_relationships: list[str]
    notes: str | None
    labels: dict[str, Any]
    decisions: list[DecisionOut]
    events: list[EventOut]
    perpetrator_accounts: list[PerpetratorAccountOut]
    external_id: str
    import_batch: UUID | None
    created_at: datetime
    updated_at: datetime


class CasePage(Schema):
    items: list[CaseSummaryOut]
    count: int


class FieldError(Schema):
    loc: list[str]
    msg: str
    type: str
    suggestions: list[str] = []


class InvalidOut(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError]


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str


class SuspectIn(Schema):
    first_name: str | None = None
    second_name: str | None = None
    birth_date: date | None = None
    identity_number: str | None = None
    sex: str | None = Field(None, description="Code of unodc.sex.")
    age: int | None = None
    citizenships: list[str] | None = None
    roles: list[str] | None = Field(None, description="Codes of htcds.per_RoleInProcess.")
    notes: str | None = None


class SuspectOut(Schema):
    public_id: UUID
    reference: str
    first_name: str | None
    second_name: str | None
    birth_date: date | None
    identity_number: str | None
    sex: str
    age: int | None
    citizenships: list[str]
    roles: list[str]
    notes: str | None
    labels: dict[str, Any]
    created_at: datetime


class SuspectPage(Schema):
    items: list[SuspectOut]
    count: int


class ProceedingIn(Schema):
    file_number: str | None = None
    offence: str | None = None
    stage: str | None = Field(None, description="investigation, prosecution, trial or closed (only forward).")
    forms_of_exploitation: list[str] | None = None
    investigation_opened_on: date | None = None
    prosecution_started_on: date | None = None
    trial_started_on: date | None = None
    closed_on: date | None = None
    currency: str | None = None
    assets_confiscated: Decimal | None = None
    compensation_awarded: Decimal | None = None
    notes: str | None = None
    suspects: list[str] | None = Field(None, description="References of suspects (replaces the list).")
    cases: list[str] | None = Field(None, description="References of victim cases (replaces the list).")


class DefendantOut(Schema):
    public_id: UUID
    suspect: str
    outcome: str
    decided_on: date | None
    final: bool
    sentence_months: int | None
    sentence_suspended: bool
    fine: Decimal | None


class ProceedingOut(Schema):
    public_id: UUID
    reference: str
    file_number: str | None
    offence: str
    stage: str
    forms_of_exploitation: list[str]
    investigation_opened_on: date | None
    prosecution_started_on: date | None
    trial_started_on: date | None
    closed_on: date | None
    currency: str
    assets_confiscated: Decimal | None
    compensation_awarded: Decimal | None
    notes: str | None
    defendants: list[DefendantOut]
    cases: list[str]
    created_at: datetime


class ProceedingPage(Schema):
    items: list[ProceedingOut]
    count: int


class DefendantIn(Schema):
    outcome: str | None = Field(None, description="pending, convicted, acquitted or discontinued.")
    decided_on: date | None = None
    final: bool | None = None
    sentence_months: int | None = None
    sentence_suspended: bool | None = None
    fine: Decimal | None = None


# --- helpers -------------------------------------------------------------------------------------


def _invalid(form: CodedForm) -> HttpResponse:
    suggestions = {(p.field, p.message): list(p.suggestions) for p in form.problems}
    errors: list[dict[str, Any]] = []
    for name, items in form.errors.get_json_data().items():
        loc = ["body"] if name == "__all__" else ["body", name]
        errors.extend(
            {
                "loc": loc,
                "msg": item["message"],
                "type": item["code"] or "invalid",
                "suggestions": suggestions.get((name, item["message"]), []),
            }
            for item in items
        )
    return problem_response(422, "Invalid input", "Some fields are not valid.", errors=errors)


def _write(form: CodedForm, write: Any) -> Any:
    """Run an action; its refusals become 422 (field problems) or 409 (anything else)."""
    try:
        return write()
    except Invalid as exc:
        form.absorb(exc.problems)
        return _invalid(form)
    except actions.CaseError as exc:
        return problem_response(409, "Conflict", str(exc))


def _limits(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, MAX_LIMIT)), max(0, offset)


def _data(payload: Schema, lists: tuple[str, ...] = ()) -> dict[str, Any]:
    return form_data_from_json(payload.model_dump(exclude_unset=True), lists)


def _summary(case: VictimCase) -> dict[str, Any]:
    return {
        "public_id": case.public_id,
        "reference": case.reference,
        "person": case.person.reference,
        "trafficking_status": case.trafficking_status,
        "status_decided_on": case.status_decided_on,
        "registered_on": case.registered_on,
        "forms_of_exploitation": list(case.forms_of_exploitation or []),
        "country_of_exploitation": case.country_of_exploitation,
    }


def _decision(decision: StatusDecision) -> dict[str, Any]:
    return {
        "public_id": decision.public_id,
        "status": decision.status,
        "decision_org_type": decision.decision_org_type,
        "decision_org": decision.decision_org.code if decision.decision_org else None,
        "decided_on": decision.decided_on,
        "note": decision.note,
    }


def _event(event: TraffickingEvent) -> dict[str, Any]:
    return {
        "public_id": event.public_id,
        "event_type": event.event_type,
        "country": event.country,
        "occurred_on": event.occurred_on,
        "place": event.place,
        "description": event.description,
    }


def _account(account: PerpetratorAccount) -> dict[str, Any]:
    return {
        "public_id": account.public_id,
        "sex": account.sex,
        "age_group": account.age_group,
        "citizenship": account.citizenship,
        "relationship": account.relationship,
        "roles": list(account.roles or []),
        "role_details": account.role_details,
        "paid_money": account.paid_money,
    }


def _full(request: HttpRequest, case: VictimCase) -> dict[str, Any]:
    user = request.user
    return {
        **_summary(case),
        "person_id": case.person.public_id,
        "organisation": case.organisation.code,
        "status_decision_org_type": case.status_decision_org_type,
        "status_decision_org": case.status_decision_org.code if case.status_decision_org else None,
        "identified_by": case.identified_by.code if case.identified_by else None,
        "identified_by_name": case.identified_by_name,
        "age_at_recruitment": case.age_at_recruitment,
        "age_at_exploitation": case.age_at_exploitation,
        "age_at_identification": case.age_at_identification,
        "labour_sector": case.labour_sector,
        "sex_exploitation_types": list(case.sex_exploitation_types or []),
        "means_of_control": list(case.means_of_control or []),
        "recruitment_methods": list(case.recruitment_methods or []),
        "recruiter_relationships": list(case.recruiter_relationships or []),
        "notes": case.notes,
        "labels": display.labels_of(case, Vocabulary()),
        "decisions": [_decision(d) for d in queries.decisions_for(user, case)],
        "events": [_event(e) for e in queries.events_for(user, case)],
        "perpetrator_accounts": [_account(a) for a in queries.accounts_for(user, case)],
        "external_id": case.external_id,
        "import_batch": case.import_batch,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }


def _fresh(request: HttpRequest, case: VictimCase) -> dict[str, Any]:
    return _full(request, queries.get_case_for_user(request.user, case.public_id))


# --- victim cases --------------------------------------------------------------------------------


@router.get("/cases", response=CasePage, summary="Victim cases of the organisation, newest first")
@requires("cases.view")
def list_cases(
    request: HttpRequest,
    status: str = "",
    form: str = "",
    year: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Filter by current ``status``, a ``form`` of exploitation, the ``year`` registered.
    Every case returned is recorded in the audit log."""
    limit, offset = _limits(limit, offset)
    filters = queries.CaseFilter(status=status, form=form, year=year)
    found = queries.cases_for_list(queries.filter_cases(queries.cases_visible_to(request.user), filters))
    cases = list(found[offset : offset + limit])
    actions.case_list(actor=request.user, cases=cases)
    return {"items": [_summary(c) for c in cases], "count": found.count()}


@router.post(
    "/cases", response={201: CaseOut, 409: ProblemOut, 422: InvalidOut}, summary="Open a victim case"
)
@requires("cases.create")
def create_case(request: HttpRequest, payload: CaseIn) -> Any:
    """For a person already registered (``POST /api/persons`` first), with the first status decision."""
    form = CaseCreateForm(_data(payload, _CASE_LISTS), user=request.user)
    if not form.is_valid():
        return _invalid(form)
    if form.cleaned_data["person"] is None:
        form.add_error("person", _("Give the public id or the reference of a registered person."))
        return _invalid(form)
    membership = access.acting_membership(request.user)
    assert membership is not None  # requires() checked the capability
    case = _write(
        form,
        lambda: actions.case_register(
            actor=request.user,
            organisation=membership.organisation,
            person=form.cleaned_data["person"],
            facts=form.facts(),
            decision=form.decision(),
            vocabulary=form.vocabulary,
        ),
    )
    if isinstance(case, HttpResponse):
        return case
    return Status(201, _fresh(request, case))


@router.get("/cases/{public_id}", response=CaseOut, summary="One victim case")
@requires("cases.view")
def get_case(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    """The whole case with its decisions, events and perpetrator accounts; the reading is audited."""
    case = queries.get_case_for_user(request.user, public_id, "cases.view")
    actions.case_view(actor=request.user, case=case, purpose="api")
    return _full(request, case)


@router.patch(
    "/cases/{public_id}",
    response={200: CaseOut, 409: ProblemOut, 422: InvalidOut},
    summary="Change a victim case",
)
@requires("cases.change")
def change_case(request: HttpRequest, public_id: UUID, payload: CaseFactsIn) -> Any:
    """Only the fields sent change; ``null`` clears a field. The status changes through decisions."""
    case = queries.get_case_for_user(request.user, public_id, "cases.change")
    form = CaseForm({**case_initial(case), **_data(payload, _CASE_LISTS)}, keep=held_codes(case))
    if not form.is_valid():
        return _invalid(form)
    done = _write(
        form,
        lambda: actions.case_change(
            actor=request.user, case=case, changes=form.facts(), vocabulary=form.vocabulary
        ),
    )
    if isinstance(done, HttpResponse):
        return done
    return Status(200, _fresh(request, case))


def _add_to_case(request: HttpRequest, public_id: UUID, form: CodedForm, write: Any) -> Any:
    case = queries.get_case_for_user(request.user, public_id, "cases.change")
    if not form.is_valid():
        return _invalid(form)
    made = _write(form, lambda: write(case))
    if isinstance(made, HttpResponse):
        return made
    return Status(201, _fresh(request, case))


@router.post(
    "/cases/{public_id}/status-decisions",
    response={201: CaseOut, 409: ProblemOut, 422: InvalidOut},
    summary="Record a status decision",
)
@requires("cases.change")
def decide_status(request: HttpRequest, public_id: UUID, payload: DecisionIn) -> Any:
    """Added to the history; the latest decision (by date) is the current status."""
    form = StatusDecisionForm(_data(payload))
    return _add_to_case(
        request,
        public_id,
        form,
        lambda case: actions.case_status_decide(
            actor=request.user, case=case, decision=form.decision(), vocabulary=form.vocabulary
        ),
    )


@router.post(
    "/cases/{public_id}/events",
    response={201: CaseOut, 409: ProblemOut, 422: InvalidOut},
    summary="Add an event",
)
@requires("cases.change")
def add_event(request: HttpRequest, public_id: UUID, payload: EventIn) -> Any:
    form = EventForm(_data(payload))
    return _add_to_case(
        request,
        public_id,
        form,
        lambda case: actions.event_add(
            actor=request.user, case=case, values=form.event(), vocabulary=form.vocabulary
        ),
    )


@router.post(
    "/cases/{public_id}/perpetrator-accounts",
    response={201: CaseOut, 409: ProblemOut, 422: InvalidOut},
    summary="Add a perpetrator account given by the victim",
)
@requires("cases.change")
def add_perpetrator_account(request: HttpRequest, public_id: UUID, payload: PerpetratorAccountIn) -> Any:
    form = PerpetratorAccountForm(_data(payload, ("roles",)))
    return _add_to_case(
        request,
        public_id,
        form,
        lambda case: actions.perpetrator_account_add(
            actor=request.user, case=case, values=form.account(), vocabulary=form.vocabulary
        ),
    )


# --- suspects ------------------------------------------------------------------------------------


def _suspect(suspect: Suspect, vocabulary: Vocabulary) -> dict[str, Any]:
    return {
        "public_id": suspect.public_id,
        "reference": suspect.reference,
        "first_name": suspect.first_name,
        "second_name": suspect.second_name,
        "birth_date": suspect.birth_date,
        "identity_number": suspect.identity_number,
        "sex": suspect.sex,
        "age": suspect.age,
        "citizenships": list(suspect.citizenships or []),
        "roles": list(suspect.roles or []),
        "notes": suspect.notes,
        "labels": display.labels_of(suspect, vocabulary),
        "created_at": suspect.created_at,
    }


@router.get("/suspects", response=SuspectPage, summary="Suspects of the organisation, newest first")
@requires("justice.view")
def list_suspects(request: HttpRequest, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Every suspect returned is recorded in the audit log."""
    limit, offset = _limits(limit, offset)
    found = queries.suspects_visible_to(request.user).order_by("-created_at", "-id")
    suspects = list(found[offset : offset + limit])
    actions.suspect_list(actor=request.user, suspects=suspects)
    vocabulary = Vocabulary()
    return {"items": [_suspect(s, vocabulary) for s in suspects], "count": found.count()}


@router.post(
    "/suspects", response={201: SuspectOut, 409: ProblemOut, 422: InvalidOut}, summary="Register a suspect"
)
@requires("justice.change")
def create_suspect(request: HttpRequest, payload: SuspectIn) -> Any:
    form = SuspectForm({"sex": "unknown", **_data(payload, ("citizenships", "roles"))})
    if not form.is_valid():
        return _invalid(form)
    membership = access.acting_membership(request.user)
    assert membership is not None
    suspect = _write(
        form,
        lambda: actions.suspect_register(
            actor=request.user,
            organisation=membership.organisation,
            values=form.suspect(),
            vocabulary=form.vocabulary,
        ),
    )
    if isinstance(suspect, HttpResponse):
        return suspect
    return Status(201, _suspect(suspect, form.vocabulary))


@router.get("/suspects/{public_id}", response=SuspectOut, summary="One suspect")
@requires("justice.view")
def get_suspect(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    suspect = queries.get_suspect_for_user(request.user, public_id)
    actions.suspect_view(actor=request.user, suspect=suspect, purpose="api")
    return _suspect(suspect, Vocabulary())


@router.patch(
    "/suspects/{public_id}",
    response={200: SuspectOut, 409: ProblemOut, 422: InvalidOut},
    summary="Change a suspect",
)
@requires("justice.change")
def change_suspect(request: HttpRequest, public_id: UUID, payload: SuspectIn) -> Any:
    suspect = queries.get_suspect_for_user(request.user, public_id, "justice.change")
    form = SuspectForm(
        {**suspect_initial(suspect), **_data(payload, ("citizenships", "roles"))}, keep=held_codes(suspect)
    )
    if not form.is_valid():
        return _invalid(form)
    done = _write(
        form,
        lambda: actions.suspect_change(
            actor=request.user, suspect=suspect, changes=form.suspect(), vocabulary=form.vocabulary
        ),
    )
    if isinstance(done, HttpResponse):
        return done
    return Status(200, _suspect(suspect, form.vocabulary))


# --- proceedings ---------------------------------------------------------------------------------


def _defendant(defendant: Defendant) -> dict[str, Any]:
    return {
        "public_id": defendant.public_id,
        "suspect": defendant.suspect.reference,
        "outcome": defendant.outcome,
        "decided_on": defendant.decided_on,
        "final": defendant.final,
        "sentence_months": defendant.sentence_months,
        "sentence_suspended": defendant.sentence_suspended,
        "fine": defendant.fine,
    }


def _proceeding(request: HttpRequest, proceeding: Proceeding) -> dict[str, Any]:
    fields = (
        "public_id",
        "reference",
        "file_number",
        "offence",
        "stage",
        "investigation_opened_on",
        "prosecution_started_on",
        "trial_started_on",
        "closed_on",
        "currency",
        "assets_confiscated",
        "compensation_awarded",
        "notes",
        "created_at",
    )
    links = queries.victim_links(request.user, proceeding)
    return {
        **{name: getattr(proceeding, name) for name in fields},
        "forms_of_exploitation": list(proceeding.forms_of_exploitation or []),
        "defendants": [_defendant(d) for d in queries.defendants_for(request.user, proceeding)],
        "cases": list(links.order_by("case__reference").values_list("case__reference", flat=True)),
    }


@router.get("/proceedings", response=ProceedingPage, summary="Criminal proceedings of the organisation")
@requires("justice.view")
def list_proceedings(request: HttpRequest, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Every proceeding returned is recorded in the audit log."""
    limit, offset = _limits(limit, offset)
    found = queries.proceedings_visible_to(request.user).order_by("-created_at", "-id")
    proceedings = list(found[offset : offset + limit])
    actions.proceeding_list(actor=request.user, proceedings=proceedings)
    return {"items": [_proceeding(request, p) for p in proceedings], "count": found.count()}


@router.post(
    "/proceedings",
    response={201: ProceedingOut, 409: ProblemOut, 422: InvalidOut},
    summary="Record a proceeding",
)
@requires("justice.change")
def create_proceeding(request: HttpRequest, payload: ProceedingIn) -> Any:
    """Suspects and victim cases are named by their references."""
    form = ProceedingForm(
        {"stage": "investigation", **_data(payload, ("forms_of_exploitation", "suspects", "cases"))},
        user=request.user,
    )
    if not form.is_valid():
        return _invalid(form)
    membership = access.acting_membership(request.user)
    assert membership is not None
    proceeding = _write(
        form,
        lambda: actions.proceeding_record(
            actor=request.user,
            organisation=membership.organisation,
            values=form.proceeding(),
            suspects=form.cleaned_data["suspects"],
            cases=form.cleaned_data["cases"],
            vocabulary=form.vocabulary,
        ),
    )
    if isinstance(proceeding, HttpResponse):
        return proceeding
    return Status(201, _proceeding(request, proceeding))


@router.get("/proceedings/{public_id}", response=ProceedingOut, summary="One proceeding")
@requires("justice.view")
def get_proceeding(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    proceeding = queries.get_proceeding_for_user(request.user, public_id)
    actions.proceeding_view(actor=request.user, proceeding=proceeding, purpose="api")
    return _proceeding(request, proceeding)


@router.patch(
    "/proceedings/{public_id}",
    response={200: ProceedingOut, 409: ProblemOut, 422: InvalidOut},
    summary="Change a proceeding",
)
@requires("justice.change")
def change_proceeding(request: HttpRequest, public_id: UUID, payload: ProceedingIn) -> Any:
    """Only the fields sent change; ``suspects`` and ``cases``, when sent, replace the links."""
    proceeding = queries.get_proceeding_for_user(request.user, public_id, "justice.change")
    suspects = [d.suspect for d in queries.defendants_for(request.user, proceeding, "justice.change")]
    initial = proceeding_initial(proceeding, suspects, queries.victims_for(request.user, proceeding))
    sent = _data(payload, ("forms_of_exploitation", "suspects", "cases"))
    form = ProceedingForm({**initial, **sent}, user=request.user, keep=held_codes(proceeding))
    if not form.is_valid():
        return _invalid(form)
    done = _write(
        form,
        lambda: actions.proceeding_change(
            actor=request.user,
            proceeding=proceeding,
            changes=form.proceeding(),
            suspects=form.cleaned_data["suspects"] if "suspects" in sent else None,
            cases=form.cleaned_data["cases"] if "cases" in sent else None,
            vocabulary=form.vocabulary,
        ),
    )
    if isinstance(done, HttpResponse):
        return done
    return Status(200, _proceeding(request, queries.get_proceeding_for_user(request.user, public_id)))


@router.patch(
    "/proceedings/{public_id}/defendants/{defendant_id}",
    response={200: DefendantOut, 409: ProblemOut, 422: InvalidOut},
    summary="Record the outcome for a defendant",
)
@requires("justice.change")
def record_outcome(request: HttpRequest, public_id: UUID, defendant_id: UUID, payload: DefendantIn) -> Any:
    proceeding = queries.get_proceeding_for_user(request.user, public_id, "justice.change")
    defendant = queries.get_defendant_for_user(request.user, proceeding, defendant_id)
    form = DefendantForm({**defendant_initial(defendant), **_data(payload)})
    if not form.is_valid():
        return _invalid(form)
    done = _write(
        form,
        lambda: actions.defendant_outcome_record(
            actor=request.user, defendant=defendant, values=form.outcome_values(), vocabulary=form.vocabulary
        ),
    )
    if isinstance(done, HttpResponse):
        return done
    return Status(200, _defendant(defendant))

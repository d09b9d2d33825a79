"""API operations of the persons module: the twin of the pages, through the same actions.

Scoped like the pages (404 for another organisation's person), audited like the pages
(every person listed or returned is recorded), validated by the same PersonForm (422
problem+json listing the fields and what is wrong with each).
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.forms import Form
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from pharos.api.problems import problem_response
from pharos.api.security import requires
from pharos.audit.models import AuditEvent
from pharos.audit.queries import history_for
from pharos.persons import actions, queries
from pharos.persons.forms import PersonForm, form_data_from_json, initial_for
from pharos.persons.models import Gender, Person
from pharos.tenancy import access

router = Router(tags=["persons"])

MAX_LIMIT = 200


class PersonIn(Schema):
    """Fields of a person; on PATCH only the fields sent change (null clears one)."""

    first_name: str | None = None
    second_name: str | None = Field(None, description="Family name.")
    aliases: list[str] | None = Field(None, description="Other names: nicknames, spellings.")
    birth_date: date | None = None
    gender: str | None = Field(None, description=f"One of: {', '.join(Gender.values)}.")
    citizenships: list[str] | None = Field(None, description="ISO 3166-1 alpha-2 codes (and XK).")
    identity_number: str | None = None
    contact: str | None = None
    narrative: str | None = None


class PersonSummaryOut(Schema):
    public_id: UUID
    reference: str
    first_name: str | None
    second_name: str | None
    aliases: list[str]
    gender: str
    citizenships: list[str]
    created_at: datetime
    erased: bool


class PersonOut(PersonSummaryOut):
    birth_date: date | None
    identity_number: str | None
    contact: str | None
    narrative: str | None
    organisation: str
    updated_at: datetime
    erased_at: datetime | None


class PersonPage(Schema):
    items: list[PersonSummaryOut]
    count: int


class HistoryEventOut(Schema):
    seq: int
    occurred_at: datetime
    action: str
    label: str
    actor: str
    organisation: str | None
    source: str
    redacted: bool


class HistoryPage(Schema):
    items: list[HistoryEventOut]
    count: int


class FieldError(Schema):
    loc: list[str]
    msg: str
    type: str


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str


class InvalidOut(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError]


def _summary(person: Person) -> dict[str, Any]:
    return {
        "public_id": person.public_id,
        "reference": person.reference,
        "first_name": person.first_name,
        "second_name": person.second_name,
        "aliases": list(person.aliases or []),
        "gender": person.gender,
        "citizenships": list(person.citizenships or []),
        "created_at": person.created_at,
        "erased": person.is_erased,
    }


def _full(person: Person) -> dict[str, Any]:
    return {
        **_summary(person),
        "birth_date": person.birth_date,
        "identity_number": person.identity_number,
        "contact": person.contact,
        "narrative": person.narrative,
        "organisation": person.organisation.code,
        "updated_at": person.updated_at,
        "erased_at": person.erased_at,
    }


def _invalid(form: Form) -> HttpResponse:
    errors: list[dict[str, Any]] = []
    for name, items in form.errors.get_json_data().items():
        loc = ["body"] if name == "__all__" else ["body", name]
        errors.extend(
            {"loc": loc, "msg": item["message"], "type": item["code"] or "invalid"} for item in items
        )
    return problem_response(422, "Invalid input", "Some fields are not valid.", errors=errors)


def _limits(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, MAX_LIMIT)), max(0, offset)


@router.get("/persons", response=PersonPage, summary="Persons of the organisation, newest first")
@requires("persons.view")
def list_persons(request: HttpRequest, q: str = "", limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """``q`` matches a full name or alias exactly (case and accents ignored), an identity
    number, or a reference. Every person returned is recorded in the audit log."""
    limit, offset = _limits(limit, offset)
    found = queries.for_list(
        queries.search_persons(request.user, q) if q.strip() else queries.persons_visible_to(request.user)
    )
    persons = list(found[offset : offset + limit])
    actions.person_list(actor=request.user, persons=persons)
    return {"items": [_summary(p) for p in persons], "count": found.count()}


@router.post("/persons", response={201: PersonOut, 422: InvalidOut}, summary="Register a person")
@requires("persons.create")
def create_person(request: HttpRequest, payload: PersonIn) -> Any:
    """As little as an alias is enough. Validated like the page's form."""
    data = {"gender": Gender.UNKNOWN, **form_data_from_json(payload.model_dump(exclude_unset=True))}
    form = PersonForm(data)
    if not form.is_valid():
        return _invalid(form)
    membership = access.acting_membership(request.user)
    assert membership is not None  # requires() checked the capability
    person = actions.person_register(
        actor=request.user, organisation=membership.organisation, **form.changes()
    )
    return Status(201, _full(person))


@router.get("/persons/{public_id}", response=PersonOut, summary="One person")
@requires("persons.view")
def get_person(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    """The whole record; the reading is recorded in the audit log."""
    person = queries.get_person_for_user(request.user, public_id, "persons.view")
    actions.person_view(actor=request.user, person=person, purpose="api")
    return _full(person)


@router.patch(
    "/persons/{public_id}",
    response={200: PersonOut, 409: ProblemOut, 422: InvalidOut},
    summary="Change a person",
)
@requires("persons.change")
def change_person(request: HttpRequest, public_id: UUID, payload: PersonIn) -> Any:
    """Only the fields sent change; ``null`` clears a field. Validated like the page's form."""
    person = queries.get_person_for_user(request.user, public_id, "persons.change")
    if person.is_erased:
        return problem_response(
            409, "Conflict", "This person's personal data was erased; the record cannot be changed."
        )
    form = PersonForm({**initial_for(person), **form_data_from_json(payload.model_dump(exclude_unset=True))})
    if not form.is_valid():
        return _invalid(form)
    actions.person_change(actor=request.user, person=person, changes=form.changes())
    return Status(200, _full(person))


def _event(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at,
        "action": event.action,
        "label": event.label,
        "actor": event.actor_label,
        "organisation": event.organisation.code if event.organisation else None,
        "source": event.source,
        "redacted": event.is_redacted,
    }


@router.get("/persons/{public_id}/history", response=HistoryPage, summary="Who viewed or changed a person")
@requires("persons.history")
def person_history(request: HttpRequest, public_id: UUID, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Audit events about the person, newest first; looking is itself recorded."""
    limit, offset = _limits(limit, offset)
    person = queries.get_person_for_user(request.user, public_id, "persons.history")
    actions.person_history_view(actor=request.user, person=person)
    events = history_for(person)
    return {"items": [_event(e) for e in events[offset : offset + limit]], "count": events.count()}

"""API operations of screenings: the twin of the pages, scoped and audited the same way."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from pharos.api.security import requires
from pharos.cases.queries import get_case_for_user
from pharos.screening import actions, display, indicators, queries
from pharos.tenancy import access

router = Router(tags=["screening"])
MAX_LIMIT = 200


class IndicatorOut(Schema):
    id: str
    text: str
    grade: str


class DimensionOut(Schema):
    key: str
    label: str
    element: str
    indicators: list[IndicatorOut]


class ListOut(Schema):
    key: str
    label: str
    age: str
    available: bool
    verification: str = Field(..., description="secondary: transcribed from a copy; missing: not found.")
    dimensions: list[DimensionOut]


class ListsOut(Schema):
    source: dict[str, Any]
    lists: list[ListOut]


class ScreeningIn(Schema):
    indicator_list: str = Field(..., description="adult_labour, adult_sexual, child_labour or child_sexual.")
    present: list[str] = Field(default_factory=list, description="Ids of the indicators found.")
    screened_on: date
    case: UUID | None = Field(None, description="Public id of a victim case; else give an alias.")
    alias: str = ""
    notes: str = ""


class DimensionResultOut(Schema):
    key: str
    strong: int
    medium: int
    weak: int
    positive: bool
    found: list[str]


class ScreeningOut(Schema):
    public_id: UUID
    case: UUID | None
    indicator_list: str
    screened_on: date
    overall: bool = Field(
        ..., description="The combination rule is met: a screening aid, not a legal determination."
    )
    positive_dimensions: list[str]
    rule: str
    created_at: datetime
    alias: str | None = None
    notes: str | None = None
    present: list[str] | None = None
    dimensions: list[DimensionResultOut] | None = None


class ScreeningPage(Schema):
    items: list[ScreeningOut]
    count: int


@router.get("/screening/lists", response=ListsOut, summary="The ILO–EC indicator lists and their source")
@requires("screening.run")
def indicator_lists(request: HttpRequest) -> dict[str, Any]:
    """Texts in the language of the request; lists not found in the publication have no dimensions."""
    return {
        "source": indicators.source(),
        "lists": [
            {
                "key": found.key,
                "label": gettext(found.label),
                "age": found.age,
                "available": found.available,
                "verification": found.verification,
                "dimensions": [
                    {
                        "key": d.key,
                        "label": gettext(d.label),
                        "element": d.element,
                        "indicators": [
                            {"id": i.id, "text": gettext(i.text), "grade": i.grade} for i in d.indicators
                        ],
                    }
                    for d in found.dimensions
                ],
            }
            for found in indicators.lists().values()
        ],
    }


@router.get("/screenings", response=ScreeningPage, summary="Screenings of the organisation, newest first")
@requires("screening.run")
def list_screenings(
    request: HttpRequest, case: UUID | None = None, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """Without alias, notes or indicators; every screening returned is recorded in the audit log."""
    found = queries.screenings_visible_to(request.user)
    if case is not None:
        found = found.filter(case=get_case_for_user(request.user, case))
    found = queries.screenings_for_list(found)
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, offset)
    items = list(found[offset : offset + limit])
    actions.screening_list(actor=request.user, screenings=items)
    return {"items": [display.as_dict(s, full=False) for s in items], "count": found.count()}


@router.post("/screenings", response={201: ScreeningOut}, summary="Record a screening")
@requires("screening.run")
def create_screening(request: HttpRequest, payload: ScreeningIn) -> Any:
    """The rule is applied on the server; 422 for an unknown list or indicator, or no alias and no case."""
    case = get_case_for_user(request.user, payload.case, "cases.change") if payload.case else None
    membership = access.acting_membership(request.user)
    assert membership is not None  # @requires passed
    try:
        screening = actions.screening_run(
            actor=request.user,
            organisation=membership.organisation,
            indicator_list=payload.indicator_list,
            present=payload.present,
            screened_on=payload.screened_on,
            case=case,
            alias=payload.alias,
            notes=payload.notes,
        )
    except ValueError as exc:
        raise HttpError(422, str(exc)) from exc
    return Status(201, display.as_dict(screening, full=True))


@router.get("/screenings/{public_id}", response=ScreeningOut, summary="One screening with its result")
@requires("screening.run")
def get_screening(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    screening = queries.get_screening_for_user(request.user, public_id)
    actions.screening_view(actor=request.user, screening=screening, purpose="api")
    return display.as_dict(screening, full=True)

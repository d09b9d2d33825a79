"""API operations of consent, referrals and break-the-glass: the twin of the pages.

Scoped like the pages: a case's consent and referrals are its organisation's; a receiver
reads a referred case only at ``/referrals/{id}/disclosed``, which returns the disclosed
sections and nothing else. Refusals of the state machine or of consent answer 409.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status

from pharos.api.problems import problem_response
from pharos.api.security import requires
from pharos.cases.queries import get_case_for_user
from pharos.referrals import actions, queries, sections
from pharos.referrals.forms import BreakGlassForm, ConsentForm, ReferralForm
from pharos.referrals.models import Consent, Purpose, Referral
from pharos.tenancy.models import Organisation

router = Router(tags=["referrals"])
MAX_LIMIT = 200


class ConsentIn(Schema):
    purpose: Purpose
    given: bool = True
    stated_on: date
    recipient: str | None = None  # organisation code, for the purpose "sharing"
    note: str | None = None


class WithdrawIn(Schema):
    purpose: Purpose
    recipient: str | None = None
    stated_on: date
    note: str | None = None


class ConsentOut(Schema):
    public_id: UUID
    purpose: str
    recipient: str | None
    given: bool
    stated_on: date
    recorded_at: datetime


class ConsentStateOut(Schema):
    purpose: str
    recipient: str | None
    allowed: bool
    basis: str


class ConsentsOut(Schema):
    current: list[ConsentStateOut]
    history: list[ConsentOut]


class ReferralIn(Schema):
    recipient: str  # organisation code
    sections: list[str]
    message: str | None = None
    respond_by: date | None = None
    complete_by: date | None = None


class SendIn(Schema):
    override_reason: str | None = None


class TextIn(Schema):
    text: str | None = None


class ReferralOut(Schema):
    public_id: UUID
    case: str | None  # the case reference, for the referring organisation only
    sender: str
    recipient: str
    state: str
    sections: list[str]
    respond_by: date | None
    complete_by: date | None
    overdue: bool
    consent_overridden: bool
    sent_at: datetime | None
    response_note: str | None
    feedback: str | None


class ReferralPage(Schema):
    items: list[ReferralOut]
    count: int


class SectionOut(Schema):
    code: str
    label: str
    blocks: list[dict[str, Any]]


class DisclosedOut(Schema):
    referral: UUID
    sender: str
    sections: list[SectionOut]


class BreakGlassIn(Schema):
    case_reference: str
    reason: str


class GrantOut(Schema):
    public_id: UUID
    case: str
    organisation: str
    expires_at: datetime
    sections: list[SectionOut]


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str | None = None


def _conflict(write: Callable[[], Any]) -> Any:
    try:
        return write()
    except actions.ReferralError as exc:
        return problem_response(409, "Conflict", str(exc))


def _invalid(form: Any) -> Any:
    return problem_response(
        422, "Invalid input", "Some fields are not valid.", errors=form.errors.get_json_data()
    )


def _org_pk(code: str | None) -> str:
    if not code:
        return ""
    found = Organisation.objects.filter(code=code).values_list("pk", flat=True).first()
    return str(found or "0")


def _referral(referral: Referral, *, sender_view: bool) -> dict[str, Any]:
    return {
        "public_id": referral.public_id,
        "case": referral.case.reference if sender_view else None,
        "sender": referral.organisation.code,
        "recipient": referral.recipient.code,
        "state": referral.state,
        "sections": referral.sections,
        "respond_by": referral.respond_by,
        "complete_by": referral.complete_by,
        "overdue": referral.is_overdue,
        "consent_overridden": referral.consent_overridden,
        "sent_at": referral.sent_at,
        "response_note": referral.response_note,
        "feedback": referral.feedback,
    }


def _sections(found: list[Any]) -> list[dict[str, Any]]:
    return [
        {"code": s.code, "label": str(s.label), "blocks": [b.as_json() for b in blocks]}
        for s, blocks in found
    ]


def _consent_out(item: Consent) -> dict[str, Any]:
    return {
        "public_id": item.public_id,
        "purpose": item.purpose,
        "recipient": item.recipient.code if item.recipient else None,
        "given": item.given,
        "stated_on": item.stated_on,
        "recorded_at": item.recorded_at,
    }


# --- consent ------------------------------------------------------------------------------------------------


@router.get("/cases/{public_id}/consents", response=ConsentsOut, summary="A case's consent: now and history")
@requires("consent.view")
def list_consents(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    case = get_case_for_user(request.user, public_id, "cases.view")
    actions.consent_view(actor=request.user, case=case, purpose="api")
    return {
        "current": [
            {
                "purpose": s.purpose,
                "recipient": s.recipient.code if s.recipient else None,
                "allowed": s.answer.allowed,
                "basis": s.answer.basis,
            }
            for s in queries.consent_summary(case)
        ],
        "history": [_consent_out(c) for c in queries.consents_for(request.user, case)],
    }


def _record(request: HttpRequest, public_id: UUID, data: dict[str, Any]) -> Any:
    case = get_case_for_user(request.user, public_id, "cases.view")
    form = ConsentForm({**data, "recipient": _org_pk(data.get("recipient"))}, own=case.organisation)
    if not form.is_valid():
        return _invalid(form)
    clean = form.cleaned_data
    made = _conflict(
        lambda: actions.consent_record(
            actor=request.user,
            case=case,
            purpose=clean["purpose"],
            given=clean["given"],
            stated_on=clean["stated_on"],
            recipient=clean["recipient"],
            note=clean["note"],
        )
    )
    return made if not isinstance(made, Consent) else Status(201, _consent_out(made))


@router.post(
    "/cases/{public_id}/consents",
    response={201: ConsentOut, 409: ProblemOut, 422: ProblemOut},
    summary="Record consent given or withdrawn",
)
@requires("consent.record")
def record_consent(request: HttpRequest, public_id: UUID, payload: ConsentIn) -> Any:
    data = payload.model_dump()
    data["given"] = "yes" if payload.given else "no"
    return _record(request, public_id, data)


@router.post(
    "/cases/{public_id}/consents/withdraw",
    response={201: ConsentOut, 409: ProblemOut, 422: ProblemOut},
    summary="Withdraw consent for a purpose (pending referrals without consent are revoked)",
)
@requires("consent.record")
def withdraw_consent(request: HttpRequest, public_id: UUID, payload: WithdrawIn) -> Any:
    return _record(request, public_id, {**payload.model_dump(), "given": "no"})


# --- referrals ------------------------------------------------------------------------------------------------


@router.get("/referrals", response=ReferralPage, summary="Referrals sent or received")
@requires("referrals.view")
def list_referrals(
    request: HttpRequest,
    direction: str = "incoming",
    state: str = "",
    overdue: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """``direction``: incoming (default) or outgoing; ``overdue`` keeps those past their due date."""
    outgoing = direction == "outgoing"
    found = queries.filter_referrals(
        queries.outgoing(request.user) if outgoing else queries.incoming(request.user), state, overdue
    ).select_related("organisation", "recipient", "case")
    limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, offset)
    items = list(found[offset : offset + limit])
    return {"items": [_referral(r, sender_view=outgoing) for r in items], "count": found.count()}


@router.post(
    "/cases/{public_id}/referrals",
    response={201: ReferralOut, 409: ProblemOut, 422: ProblemOut},
    summary="Draft a referral of a case",
)
@requires("referrals.send")
def create_referral(request: HttpRequest, public_id: UUID, payload: ReferralIn) -> Any:
    case = get_case_for_user(request.user, public_id, "cases.view")
    data = {**payload.model_dump(), "recipient": _org_pk(payload.recipient)}
    form = ReferralForm(data, own=case.organisation)
    if not form.is_valid():
        return _invalid(form)
    clean = form.cleaned_data
    made = _conflict(
        lambda: actions.referral_create(
            actor=request.user,
            case=case,
            recipient=clean["recipient"],
            sections_chosen=clean["sections"],
            message=clean["message"],
            respond_by=clean["respond_by"],
            complete_by=clean["complete_by"],
        )
    )
    return made if not isinstance(made, Referral) else Status(201, _referral(made, sender_view=True))


@router.get("/referrals/{public_id}", response=ReferralOut, summary="One referral (its state, not the case)")
@requires("referrals.view")
def get_referral(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    referral = queries.get_referral_for_user(request.user, public_id)
    sender = queries.is_sender(request.user, referral)
    if sender:
        actions.referral_view(actor=request.user, referral=referral, purpose="api")
    return _referral(referral, sender_view=sender)


@router.get(
    "/referrals/{public_id}/disclosed",
    response=DisclosedOut,
    summary="The receiver's view: the disclosed sections of the referred case, nothing else",
)
@requires("referrals.receive")
def disclosed(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    referral = queries.get_referral_for_user(request.user, public_id, "referrals.receive")
    codes = queries.disclosed_codes(referral)
    found = sections.read(referral.case, codes) if codes else []
    if codes:
        actions.referral_disclosed_view(actor=request.user, referral=referral, codes=codes, purpose="api")
    return {
        "referral": referral.public_id,
        "sender": referral.organisation.code,
        "sections": _sections(found),
    }


def _step(request: HttpRequest, public_id: UUID, capability: str, write: Callable[[Referral], Any]) -> Any:
    referral = queries.get_referral_for_user(request.user, public_id, capability)
    done = _conflict(lambda: write(referral))
    if not isinstance(done, Referral):
        return done
    return _referral(done, sender_view=queries.is_sender(request.user, done))


_STEP = {200: ReferralOut, 409: ProblemOut}


@router.post("/referrals/{public_id}/send", response=_STEP, summary="Send a draft referral")
@requires("referrals.send")
def send_referral(request: HttpRequest, public_id: UUID, payload: SendIn) -> Any:
    """Needs consent to refer and to share with the receiver; ``override_reason`` (a risk to
    life) sends without it and needs ``consent.override``."""
    return _step(
        request,
        public_id,
        "referrals.send",
        lambda r: actions.referral_send(
            actor=request.user, referral=r, override_reason=payload.override_reason
        ),
    )


@router.post("/referrals/{public_id}/accept", response=_STEP, summary="Accept a referral received")
@requires("referrals.receive")
def accept_referral(request: HttpRequest, public_id: UUID, payload: TextIn) -> Any:
    return _step(
        request,
        public_id,
        "referrals.receive",
        lambda r: actions.referral_accept(actor=request.user, referral=r, note=payload.text),
    )


@router.post("/referrals/{public_id}/decline", response=_STEP, summary="Decline a referral received")
@requires("referrals.receive")
def decline_referral(request: HttpRequest, public_id: UUID, payload: TextIn) -> Any:
    return _step(
        request,
        public_id,
        "referrals.receive",
        lambda r: actions.referral_decline(actor=request.user, referral=r, reason=payload.text or ""),
    )


@router.post("/referrals/{public_id}/complete", response=_STEP, summary="Report a referral completed")
@requires("referrals.receive")
def complete_referral(request: HttpRequest, public_id: UUID, payload: TextIn) -> Any:
    return _step(
        request,
        public_id,
        "referrals.receive",
        lambda r: actions.referral_complete(actor=request.user, referral=r, feedback=payload.text),
    )


@router.post("/referrals/{public_id}/revoke", response=_STEP, summary="Revoke a referral sent")
@requires("referrals.send")
def revoke_referral(request: HttpRequest, public_id: UUID, payload: TextIn) -> Any:
    return _step(
        request,
        public_id,
        "referrals.send",
        lambda r: actions.referral_revoke(actor=request.user, referral=r, reason=payload.text),
    )


# --- break the glass ---------------------------------------------------------------------------------------------


def _grant(grant: Any) -> dict[str, Any]:
    codes = [s.code for s in sections.all_sections()]
    return {
        "public_id": grant.public_id,
        "case": grant.case.reference,
        "organisation": grant.case_organisation.code,
        "expires_at": grant.expires_at,
        "sections": _sections(sections.read(grant.case, codes)),
    }


@router.post(
    "/break-glass",
    response={201: GrantOut, 404: ProblemOut, 409: ProblemOut, 422: ProblemOut},
    summary="Open another organisation's case in an emergency",
)
@requires("cases.break_glass")
def open_break_glass(request: HttpRequest, payload: BreakGlassIn) -> Any:
    """Time-limited; the owning organisation is notified; every reading is audited in its log."""
    form = BreakGlassForm({"reference": payload.case_reference, "reason": payload.reason})
    if not form.is_valid():
        return _invalid(form)
    case = queries.find_case_anywhere(form.cleaned_data["reference"])
    if case is None:
        return problem_response(404, "Not found", "No such resource, or you may not see it.")
    grant = _conflict(lambda: actions.break_glass_open(actor=request.user, case=case, reason=payload.reason))
    if not hasattr(grant, "expires_at"):
        return grant
    actions.break_glass_read(actor=request.user, grant=grant, purpose="api")
    return Status(201, _grant(grant))


@router.get("/break-glass/{public_id}", response=GrantOut, summary="Read a case under an unexpired grant")
@requires("cases.break_glass")
def read_break_glass(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    grant = queries.get_grant_for_user(request.user, public_id)
    actions.break_glass_read(actor=request.user, grant=grant, purpose="api")
    return _grant(grant)

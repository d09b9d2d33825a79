"""Reads of consent, referrals, break-the-glass grants, notifications and possible matches.

``consent_check`` is the one answer to "may this case's data go there for this purpose";
referrals, shares and exports all ask it. The latest word counts: a consent statement
(given or withdrawn) or a risk-to-life override, whichever was recorded last.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from pharos.referrals.models import (
    DISCLOSING,
    BreakGlassGrant,
    Consent,
    ConsentOverride,
    Notification,
    PossibleMatch,
    Purpose,
    Referral,
    ReferralEvent,
    State,
)
from pharos.tenancy import access

_CONSENT_REASON = "consent of a case the caller already reached in its scope"


@dataclass(frozen=True)
class ConsentAnswer:
    """Whether data may go for a purpose, and on what basis (given, override, withdrawn, missing)."""

    allowed: bool
    basis: str

    def __bool__(self) -> bool:
        return self.allowed


def _statements(case: Any, purpose: str, recipient: Any) -> QuerySet[Consent]:
    return Consent.objects.unscoped(_CONSENT_REASON).filter(case=case, purpose=purpose, recipient=recipient)


def consent_check(case: Any, purpose: str, recipient: Any = None) -> ConsentAnswer:
    """May ``case``'s data be used for ``purpose`` (and, for sharing, go to ``recipient``)?

    The latest consent statement decides; a risk-to-life override recorded after it allows.
    Sharing needs a named recipient; for the other purposes ``recipient`` is ignored.
    """
    purpose = Purpose(purpose)
    if purpose != Purpose.SHARING:
        recipient = None
    elif recipient is None:
        return ConsentAnswer(False, "missing")
    latest = _statements(case, purpose, recipient).order_by("-recorded_at", "-id").first()
    overrides = ConsentOverride.objects.unscoped(_CONSENT_REASON).filter(
        case=case, purpose=purpose, recipient=recipient
    )
    if latest is not None:
        overrides = overrides.filter(made_at__gt=latest.recorded_at)
    if overrides.exists():
        return ConsentAnswer(True, "override")
    if latest is None:
        return ConsentAnswer(False, "missing")
    return ConsentAnswer(latest.given, "given" if latest.given else "withdrawn")


def cases_refusing(purpose: str) -> QuerySet[Any]:
    """Ids of the cases ``consent_check(case, purpose)`` refuses because consent was withdrawn.

    The set form of ``consent_check`` for bulk reads (exports of thousands of cases): the
    latest statement per case is a withdrawal and no override was recorded after it. Cases
    without any statement are not in it: their use for this purpose follows the law the
    organisation works under, as before consent was recorded in Pharos.
    """
    purpose = Purpose(purpose)
    statements = Consent.objects.unscoped(_CONSENT_REASON).filter(purpose=purpose, recipient__isnull=True)
    latest = statements.filter(case=OuterRef("case")).order_by("-recorded_at", "-id").values("pk")[:1]
    later_override = ConsentOverride.objects.unscoped(_CONSENT_REASON).filter(
        case=OuterRef("case"), purpose=purpose, made_at__gt=OuterRef("recorded_at")
    )
    return (
        statements.annotate(latest=Subquery(latest))
        .filter(pk=F("latest"), given=False)
        .exclude(Exists(later_override))
        .values("case_id")
    )


def referral_consent(case: Any, recipient: Any) -> ConsentAnswer:
    """A referral needs consent to refer and to share with the receiving organisation."""
    refer = consent_check(case, Purpose.REFERRAL)
    if not refer:
        return refer
    share = consent_check(case, Purpose.SHARING, recipient)
    if not share:
        return share
    basis = "override" if "override" in (refer.basis, share.basis) else "given"
    return ConsentAnswer(True, basis)


def consents_for(user: Any, case: Any) -> QuerySet[Consent]:
    """The consent history of a visible case, newest first."""
    return (  # type: ignore[no-any-return]
        Consent.objects.visible_to(user, "consent.view")
        .filter(case=case)
        .select_related("recipient", "recorded_by")
        .order_by("-recorded_at", "-id")
    )


def overrides_for(user: Any, case: Any) -> QuerySet[ConsentOverride]:
    return (  # type: ignore[no-any-return]
        ConsentOverride.objects.visible_to(user, "consent.view")
        .filter(case=case)
        .select_related("recipient", "made_by")
        .order_by("-made_at", "-id")
    )


@dataclass(frozen=True)
class ConsentState:
    purpose: str
    label: str
    recipient: Any
    answer: ConsentAnswer
    latest: Consent | None


def consent_summary(case: Any) -> list[ConsentState]:
    """The current answer per purpose (and per named recipient for sharing)."""
    history = list(
        Consent.objects.unscoped(_CONSENT_REASON)
        .filter(case=case)
        .select_related("recipient")
        .order_by("-recorded_at", "-id")
    )
    keys: list[tuple[str, Any]] = [(p.value, None) for p in Purpose if p != Purpose.SHARING]
    for statement in history:
        if statement.purpose == Purpose.SHARING and (Purpose.SHARING.value, statement.recipient) not in keys:
            keys.append((Purpose.SHARING.value, statement.recipient))
    found = []
    for purpose, recipient in keys:
        latest = next((s for s in history if s.purpose == purpose and s.recipient == recipient), None)
        found.append(
            ConsentState(
                purpose=purpose,
                label=str(Purpose(purpose).label),
                recipient=recipient,
                answer=consent_check(case, purpose, recipient),
                latest=latest,
            )
        )
    return found


# --- referrals -------------------------------------------------------------------------------------


def referrals_visible_to(user: Any, capability: str = "referrals.view") -> QuerySet[Referral]:
    return Referral.objects.visible_to(user, capability)  # type: ignore[no-any-return]


def outgoing(user: Any) -> QuerySet[Referral]:
    """The referrals the user's organisation made (drafts included)."""
    membership = access.acting_membership(user)
    visible = referrals_visible_to(user)
    if membership is None:
        return visible.none()
    return visible.filter(organisation_id=membership.organisation_id).select_related("case", "recipient")


def incoming(user: Any) -> QuerySet[Referral]:
    """The referrals sent to the user's organisation (never a draft)."""
    membership = access.acting_membership(user)
    visible = referrals_visible_to(user)
    if membership is None:
        return visible.none()
    return visible.filter(recipient_id=membership.organisation_id).select_related("case", "organisation")


def filter_referrals(
    referrals: QuerySet[Referral], state: str = "", overdue: bool = False
) -> QuerySet[Referral]:
    """Narrow by state, or to the overdue ones (no answer or no completion by the due date)."""
    if state in State.values:
        referrals = referrals.filter(state=state)
    if overdue:
        today = timezone.localdate()
        referrals = referrals.filter(
            Q(state=State.SENT, respond_by__lt=today) | Q(state=State.ACCEPTED, complete_by__lt=today)
        )
    return referrals.order_by("-created_at", "-id")


def get_referral_for_user(user: Any, public_id: Any, capability: str = "referrals.view") -> Referral:
    """One referral the user's organisation sent or received; Http404 otherwise."""
    try:
        return (  # type: ignore[no-any-return]
            referrals_visible_to(user, capability)
            .select_related("case", "case__person", "organisation", "recipient", "created_by")
            .get(public_id=public_id)
        )
    except (Referral.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such referral.") from exc


def referrals_of_case(user: Any, case: Any) -> QuerySet[Referral]:
    """The referrals the case's own organisation made of it (the receiver never calls this)."""
    return referrals_visible_to(user, "referrals.send").filter(case=case).select_related("recipient")


def events_of(referral: Referral) -> QuerySet[ReferralEvent]:
    return ReferralEvent.objects.filter(referral=referral).select_related("actor", "organisation")


def is_receiver(user: Any, referral: Referral) -> bool:
    membership = access.acting_membership(user)
    return membership is not None and referral.recipient_id == membership.organisation_id


def is_sender(user: Any, referral: Referral) -> bool:
    membership = access.acting_membership(user)
    return membership is not None and referral.organisation_id == membership.organisation_id


def disclosed_codes(referral: Referral) -> list[str]:
    """The sections the receiver may read now: none unless the referral is live and consent holds."""
    from pharos.referrals import sections

    if referral.state not in DISCLOSING:
        return []
    if not referral_consent(referral.case, referral.recipient):
        return []
    return sections.known(referral.sections)


# --- break the glass ---------------------------------------------------------------------------------


def active_grant(user: Any, case_public_id: Any) -> BreakGlassGrant | None:
    """The user's unexpired emergency grant on a case, for the organisation they act for."""
    try:
        return (  # type: ignore[no-any-return]
            BreakGlassGrant.objects.visible_to(user, "cases.break_glass")
            .filter(user=user, case__public_id=case_public_id, expires_at__gt=timezone.now())
            .select_related("case", "case__person", "case_organisation")
            .order_by("-expires_at")
            .first()
        )
    except (ValueError, ValidationError):
        return None


def get_grant_for_user(user: Any, public_id: Any) -> BreakGlassGrant:
    """An unexpired grant of this user; Http404 for one missing, someone else's or expired."""
    try:
        return (  # type: ignore[no-any-return]
            BreakGlassGrant.objects.visible_to(user, "cases.break_glass")
            .filter(user=user, expires_at__gt=timezone.now())
            .select_related("case", "case__person", "case_organisation")
            .get(public_id=public_id)
        )
    except (BreakGlassGrant.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such access.") from exc


def find_case_anywhere(reference: str) -> Any:
    """A case of any organisation by exact reference, for a break-the-glass request (None if none)."""
    from pharos.cases.models import VictimCase

    reference = reference.strip()
    if not reference:
        return None
    return (
        VictimCase.objects.unscoped("break-the-glass look-up by exact reference; the opening is audited")
        .select_related("organisation")
        .filter(reference__iexact=reference)
        .first()
    )


# --- notifications and possible matches ---------------------------------------------------------------


def notifications_for(user: Any) -> QuerySet[Notification]:
    return (  # type: ignore[no-any-return]
        Notification.objects.visible_to(user, "cases.view")
        .select_related("from_organisation", "case", "referral")
        .order_by("-created_at", "-id")
    )


def matches_for(user: Any, person: Any) -> QuerySet[PossibleMatch]:
    """The possible matches found for one of the organisation's persons (other side's name only)."""
    return (  # type: ignore[no-any-return]
        PossibleMatch.objects.visible_to(user, "referrals.contact")
        .filter(person=person)
        .select_related("other_organisation")
        .order_by("other_organisation__name", "id")
    )


def get_match_for_user(user: Any, public_id: Any) -> PossibleMatch:
    try:
        return (  # type: ignore[no-any-return]
            PossibleMatch.objects.visible_to(user, "referrals.contact")
            .select_related("person", "other_person", "other_organisation")
            .get(public_id=public_id)
        )
    except (PossibleMatch.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such match.") from exc

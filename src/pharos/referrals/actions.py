"""Writes of consent, referrals, break-the-glass access and the duplicate warning.

Each function runs in one transaction and records its audit event with personal values
masked. A referral's state changes only here: every transition locks the row, checks the
state it starts from, writes a ``ReferralEvent`` and the audit entry. Consent is checked
with ``queries.consent_check`` on every send, acceptance and read; withdrawing consent
revokes the case's pending referrals that no longer have it.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pharos.audit import log
from pharos.referrals import hooks, matching, queries, sections
from pharos.referrals.models import (
    PENDING,
    BreakGlassGrant,
    Consent,
    ConsentOverride,
    Notification,
    NotificationKind,
    PersonMatchKey,
    PossibleMatch,
    Purpose,
    Referral,
    ReferralEvent,
    State,
)
from pharos.tenancy import access
from pharos.tenancy.models import Membership, Organisation

_LOCK_REASON = "locking a record the caller already looked up in its scope"
BREAK_GLASS_HOURS_DEFAULT = 4
logger = logging.getLogger(__name__)


class ReferralError(ValueError):
    """A write was refused (the message says why, in the user's language)."""


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _acting(actor: Any) -> Organisation:
    membership = access.acting_membership(actor)
    if membership is None:
        raise ReferralError(_("You do not act for an organisation."))
    return membership.organisation


def _require(actor: Any, capability: str) -> None:
    if not access.can(actor, capability):
        raise ReferralError(_("Your role does not allow this."))


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _purpose_label(purpose: str, recipient: Organisation | None) -> str:
    label = str(Purpose(purpose).label)
    return f"{label} ({recipient.name})" if recipient is not None else label


# --- consent ------------------------------------------------------------------------------------------


def consent_record(
    *,
    actor: Any,
    case: Any,
    purpose: str,
    given: bool,
    stated_on: datetime.date,
    recipient: Organisation | None = None,
    note: str | None = None,
) -> Consent:
    """Record that the person gave or withdrew consent for a purpose (history is kept).

    A withdrawal revokes the case's draft and sent referrals that no longer have consent.
    """
    purpose = Purpose(purpose)
    if purpose == Purpose.SHARING and recipient is None:
        raise ReferralError(_("Consent to share names the organisation it is shared with."))
    if purpose != Purpose.SHARING:
        recipient = None
    with transaction.atomic():
        made = Consent.objects.create(
            organisation=case.organisation,
            case=case,
            purpose=purpose,
            recipient=recipient,
            given=given,
            stated_on=stated_on,
            note=_text(note),
            recorded_by=_user(actor),
        )
        log.record(
            "referrals.consent.recorded",
            actor=actor,
            target=case,
            organisation=case.organisation,
            data={
                "reference": case.reference,
                "purpose": purpose.value,
                "given": given,
                "recipient": recipient.code if recipient else None,
                "stated_on": stated_on.isoformat(),
                "note": made.note,
            },
            personal=Consent.PERSONAL_FIELDS,
        )
        kind = "referrals.consent.given" if given else "referrals.consent.withdrawn"
        hooks.timeline(actor, case, kind, purpose=_purpose_label(purpose, recipient))
        if not given:
            _revoke_unconsented(actor, case)
    return made


def _revoke_unconsented(actor: Any, case: Any) -> list[Referral]:
    """Pending referrals of the case whose consent is gone are revoked (the share is blocked)."""
    revoked = []
    pending = Referral.objects.unscoped(_LOCK_REASON).filter(case=case, state__in=PENDING)
    for referral in pending.select_related("recipient"):
        if not queries.referral_consent(case, referral.recipient):
            revoked.append(
                _transition(
                    actor,
                    referral,
                    PENDING,
                    State.REVOKED,
                    "referrals.referral.blocked",
                    revoked_at=timezone.now(),
                    revoke_reason=str(_("Consent was withdrawn.")),
                )
            )
    return revoked


def consent_override(
    *,
    actor: Any,
    case: Any,
    purpose: str,
    reason: str,
    recipient: Organisation | None = None,
    referral: Referral | None = None,
) -> ConsentOverride:
    """Use a case's data without consent because of a risk to life: capability and reason required."""
    _require(actor, "consent.override")
    if not _text(reason):
        raise ReferralError(_("Say what risk to life makes it necessary to act without consent."))
    purpose = Purpose(purpose)
    with transaction.atomic():
        made = ConsentOverride.objects.create(
            organisation=case.organisation,
            case=case,
            purpose=purpose,
            recipient=recipient if purpose == Purpose.SHARING else None,
            referral=referral,
            reason=_text(reason),
            made_by=_user(actor),
        )
        log.record(
            "referrals.consent.overridden",
            actor=actor,
            target=case,
            organisation=case.organisation,
            data={
                "reference": case.reference,
                "purpose": purpose.value,
                "recipient": recipient.code if recipient else None,
                "referral": str(referral.public_id) if referral else None,
                "reason": made.reason,
            },
            personal=ConsentOverride.PERSONAL_FIELDS,
        )
        hooks.timeline(
            actor, case, "referrals.consent.overridden", purpose=_purpose_label(purpose, recipient)
        )
    return made


# --- referrals ------------------------------------------------------------------------------------------


def _transition(
    actor: Any, referral: Referral, allowed: Iterable[str], to: str, event: str, **changes: Any
) -> Referral:
    """Move a locked referral from one of ``allowed`` states to ``to``, with its event and audit."""
    with transaction.atomic():
        locked = (
            Referral.objects.unscoped(_LOCK_REASON)
            .select_for_update()
            .select_related("case", "recipient", "organisation")
            .get(pk=referral.pk)
        )
        if locked.state not in allowed:
            raise ReferralError(
                _("This referral is %(state)s; it cannot be changed that way.")
                % {"state": locked.get_state_display()}
            )
        before = locked.state
        locked.state = to
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save()
        membership = access.acting_membership(actor)
        ReferralEvent.objects.create(
            referral=locked,
            from_state=before,
            to_state=to,
            actor=_user(actor),
            organisation=membership.organisation if membership else locked.organisation,
        )
        log.record(
            event,
            actor=actor,
            target=locked,
            data={
                "case": locked.case.reference,
                "recipient": locked.recipient.code,
                "from": before,
                "to": to,
                **{name: changes[name] for name in Referral.PERSONAL_FIELDS if name in changes},
            },
            personal=Referral.PERSONAL_FIELDS,
        )
        hooks.timeline(actor, locked.case, f"referrals.referral.{to}", organisation=locked.recipient.name)
    for name in ("state", *changes):
        setattr(referral, name, getattr(locked, name))
    return referral


def referral_create(
    *,
    actor: Any,
    case: Any,
    recipient: Organisation,
    sections_chosen: Iterable[str],
    message: str | None = None,
    respond_by: datetime.date | None = None,
    complete_by: datetime.date | None = None,
) -> Referral:
    """A draft referral of ``case`` to ``recipient`` disclosing the chosen sections."""
    chosen = sections.known(sections_chosen)
    if not chosen:
        raise ReferralError(_("Choose at least one section the receiver may see."))
    if recipient.pk == case.organisation_id or not recipient.is_active:
        raise ReferralError(_("Refer to another active organisation."))
    if respond_by and complete_by and complete_by < respond_by:
        raise ReferralError(_("The completion date cannot be before the answer date."))
    with transaction.atomic():
        referral = Referral.objects.create(
            organisation=case.organisation,
            case=case,
            recipient=recipient,
            sections=chosen,
            message=_text(message),
            respond_by=respond_by,
            complete_by=complete_by,
            created_by=_user(actor),
        )
        ReferralEvent.objects.create(
            referral=referral, to_state=State.DRAFT, actor=_user(actor), organisation=case.organisation
        )
        log.record(
            "referrals.referral.created",
            actor=actor,
            target=referral,
            data={
                "case": case.reference,
                "recipient": recipient.code,
                "sections": chosen,
                "message": referral.message,
            },
            personal=Referral.PERSONAL_FIELDS,
        )
        hooks.timeline(actor, case, "referrals.referral.draft", organisation=recipient.name)
    return referral


def referral_send(*, actor: Any, referral: Referral, override_reason: str | None = None) -> Referral:
    """Send a draft: needs consent to refer and to share with the receiver, or an override.

    ``override_reason`` (a risk to life) overrides missing or withdrawn consent for this
    referral; it needs the capability ``consent.override``.
    """
    with transaction.atomic():
        consent = queries.referral_consent(referral.case, referral.recipient)
        overridden = False
        if not consent:
            if not _text(override_reason):
                raise ReferralError(
                    _("The person has not consented to this referral and to sharing with %(org)s.")
                    % {"org": referral.recipient.name}
                )
            for purpose in (Purpose.REFERRAL, Purpose.SHARING):
                consent_override(
                    actor=actor,
                    case=referral.case,
                    purpose=purpose,
                    reason=override_reason or "",
                    recipient=referral.recipient,
                    referral=referral,
                )
            overridden = True
        _transition(
            actor,
            referral,
            (State.DRAFT,),
            State.SENT,
            "referrals.referral.sent",
            sent_at=timezone.now(),
            consent_overridden=overridden,
        )
        Notification.objects.create(
            organisation=referral.recipient,
            kind=NotificationKind.REFERRAL,
            from_organisation=referral.organisation,
            referral=referral,
            data={"respond_by": referral.respond_by.isoformat() if referral.respond_by else None},
        )
    return referral


def _receiver_only(actor: Any, referral: Referral) -> None:
    if not queries.is_receiver(actor, referral):
        raise ReferralError(_("Only the receiving organisation can answer a referral."))


def referral_accept(*, actor: Any, referral: Referral, note: str | None = None) -> Referral:
    """The receiver accepts a sent referral (refused when consent was withdrawn meanwhile)."""
    _receiver_only(actor, referral)
    if not queries.referral_consent(referral.case, referral.recipient):
        raise ReferralError(_("The person's consent to this referral was withdrawn."))
    return _transition(
        actor,
        referral,
        (State.SENT,),
        State.ACCEPTED,
        "referrals.referral.accepted",
        responded_at=timezone.now(),
        response_note=_text(note),
    )


def referral_decline(*, actor: Any, referral: Referral, reason: str) -> Referral:
    """The receiver declines a sent referral, saying why."""
    _receiver_only(actor, referral)
    if not _text(reason):
        raise ReferralError(_("Say why the referral is declined."))
    return _transition(
        actor,
        referral,
        (State.SENT,),
        State.DECLINED,
        "referrals.referral.declined",
        responded_at=timezone.now(),
        response_note=_text(reason),
    )


def referral_complete(*, actor: Any, referral: Referral, feedback: str | None = None) -> Referral:
    """The receiver reports the referral done, with feedback to the sender."""
    _receiver_only(actor, referral)
    return _transition(
        actor,
        referral,
        (State.ACCEPTED,),
        State.COMPLETED,
        "referrals.referral.completed",
        completed_at=timezone.now(),
        feedback=_text(feedback),
    )


def referral_revoke(*, actor: Any, referral: Referral, reason: str | None = None) -> Referral:
    """The sender takes a referral back; the receiver loses access to the disclosed sections."""
    if not queries.is_sender(actor, referral):
        raise ReferralError(_("Only the referring organisation can revoke a referral."))
    return _transition(
        actor,
        referral,
        (State.DRAFT, State.SENT, State.ACCEPTED),
        State.REVOKED,
        "referrals.referral.revoked",
        revoked_at=timezone.now(),
        revoke_reason=_text(reason),
    )


def consent_view(*, actor: Any, case: Any, purpose: str = "page") -> None:
    """Record that ``actor`` read a case's consent history (its notes may be personal)."""
    with transaction.atomic():
        log.record(
            "referrals.consent.viewed",
            actor=actor,
            target=case,
            data={"reference": case.reference, "purpose": purpose},
        )


def referral_view(*, actor: Any, referral: Referral, purpose: str = "page") -> None:
    """Record that the referring organisation read a referral (its message and answers)."""
    with transaction.atomic():
        log.record(
            "referrals.referral.viewed",
            actor=actor,
            target=referral,
            data={"case": referral.case.reference, "purpose": purpose},
        )


def referral_disclosed_view(
    *, actor: Any, referral: Referral, codes: list[str], purpose: str = "page"
) -> None:
    """Record that the receiver read the disclosed sections (on the case, for its access log)."""
    with transaction.atomic():
        log.record(
            "referrals.referral.disclosed_viewed",
            actor=actor,
            target=referral.case,
            data={
                "reference": referral.case.reference,
                "referral": str(referral.public_id),
                "sections": codes,
                "purpose": purpose,
            },
        )


# --- break the glass ---------------------------------------------------------------------------------------


def _break_glass_hours() -> int:
    return int(getattr(settings, "PHAROS_BREAK_GLASS_HOURS", BREAK_GLASS_HOURS_DEFAULT))


def break_glass_open(*, actor: Any, case: Any, reason: str) -> BreakGlassGrant:
    """Open another organisation's case in an emergency, for a few hours; its owner is told."""
    _require(actor, "cases.break_glass")
    organisation = _acting(actor)
    if not _text(reason):
        raise ReferralError(_("Say what emergency makes it necessary to open this case."))
    if case.organisation_id == organisation.pk:
        raise ReferralError(_("This case belongs to your organisation: open it from the case list."))
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            organisation=organisation,
            case=case,
            case_organisation=case.organisation,
            user=actor,
            reason=_text(reason),
            opened_at=now,
            expires_at=now + datetime.timedelta(hours=_break_glass_hours()),
        )
        Notification.objects.create(
            organisation=case.organisation,
            kind=NotificationKind.BREAK_GLASS,
            from_organisation=organisation,
            case=case,
            data={"by": actor.email, "expires_at": grant.expires_at.isoformat()},
        )
        log.record(
            "referrals.break_glass.opened",
            actor=actor,
            target=case,
            organisation=case.organisation,
            data={
                "reference": case.reference,
                "by_organisation": organisation.code,
                "expires_at": grant.expires_at.isoformat(),
                "reason": grant.reason,
            },
            personal=BreakGlassGrant.PERSONAL_FIELDS,
        )
        hooks.timeline(actor, case, "referrals.break_glass.opened", organisation=organisation.name)
        transaction.on_commit(lambda: _mail_owner(case, organisation))
    return grant


def _mail_owner(case: Any, by: Organisation) -> None:
    """Tell the owning organisation's case workers by e-mail (no personal data in it)."""
    members = Membership.objects.filter(organisation=case.organisation, is_active=True).select_related("user")
    recipients = sorted(
        {m.user.email for m in members if m.has("cases.view") and m.user.email and m.user.is_active}
    )
    if not recipients:
        return
    try:
        send_mail(
            _("Emergency access to a case of your organisation"),
            _(
                "%(organisation)s opened victim case %(reference)s under break-the-glass access. "
                "The reason and every reading are in your audit log; see your Pharos notifications."
            )
            % {"organisation": by.name, "reference": case.reference},
            None,
            recipients,
        )
    except OSError:  # the notification row is the record; a mail server down must not undo it
        logger.warning("break-the-glass mail to organisation %s failed", case.organisation_id, exc_info=True)


def break_glass_read(*, actor: Any, grant: BreakGlassGrant, purpose: str = "page") -> None:
    """Record a reading under a break-the-glass grant (in the owning organisation's log)."""
    with transaction.atomic():
        log.record(
            "referrals.break_glass.read",
            actor=actor,
            target=grant.case,
            organisation=grant.case_organisation,
            data={"reference": grant.case.reference, "grant": str(grant.public_id), "purpose": purpose},
        )


# --- duplicates at registration ------------------------------------------------------------------------------


def match_keys_refresh(*, person: Any) -> int:
    """Rebuild a person's fuzzy match digests (derived data, like the name index)."""
    PersonMatchKey.objects.filter(person_id=person.pk).delete()
    made = PersonMatchKey.objects.bulk_create(
        [PersonMatchKey(person_id=person.pk, digest=d) for d in sorted(matching.digests(person))]
    )
    return len(made)


def duplicate_check(*, actor: Any, person: Any) -> list[PossibleMatch]:
    """Find persons of other organisations who may be ``person``; record the matches, reveal none."""
    from pharos.persons.models import Person

    everyone = Person.objects.unscoped("duplicate check across organisations; only the holder is revealed")
    others = everyone.exclude(organisation_id=person.organisation_id).filter(erased_at__isnull=True)
    exact: set[int] = set()
    if person.name_index:
        exact |= set(others.filter(name_index=person.name_index).values_list("pk", flat=True))
    if person.identity_index:
        exact |= set(others.filter(identity_index=person.identity_index).values_list("pk", flat=True))
    digests = list(PersonMatchKey.objects.filter(person_id=person.pk).values_list("digest", flat=True))
    fuzzy = set(
        others.filter(
            pk__in=PersonMatchKey.objects.filter(digest__in=digests).values("person_id")
        ).values_list("pk", flat=True)
    )
    found: list[PossibleMatch] = []
    with transaction.atomic():
        for other in everyone.filter(pk__in=exact | fuzzy).only("pk", "organisation_id").order_by("pk"):
            match, _made = PossibleMatch.objects.unscoped(_LOCK_REASON).get_or_create(
                organisation_id=person.organisation_id,
                person=person,
                other_person=other,
                defaults={"other_organisation_id": other.organisation_id, "exact": other.pk in exact},
            )
            found.append(match)
        if found:
            log.record(
                "referrals.match.found",
                actor=actor,
                target=person,
                data={
                    "person": person.reference,
                    "organisations": sorted({str(m.other_organisation_id) for m in found}),
                    "exact": sum(1 for m in found if m.exact),
                },
            )
    return found


def contact_request(*, actor: Any, match: PossibleMatch) -> PossibleMatch:
    """Ask the organisation holding a possible match to get in touch (nothing of either record is sent)."""
    organisation = _acting(actor)
    with transaction.atomic():
        locked = PossibleMatch.objects.unscoped(_LOCK_REASON).select_for_update().get(pk=match.pk)
        if locked.contact_requested_at is not None:
            raise ReferralError(_("Contact was already requested."))
        locked.contact_requested_at = timezone.now()
        locked.save(update_fields=["contact_requested_at"])
        Notification.objects.create(
            organisation_id=locked.other_organisation_id,
            kind=NotificationKind.CONTACT_REQUEST,
            from_organisation=organisation,
            data={"person_reference": match.other_person.reference, "contact": actor.email},
        )
        log.record(
            "referrals.contact.requested",
            actor=actor,
            target=match.person,
            data={"person": match.person.reference, "to_organisation": match.other_organisation.code},
        )
    match.contact_requested_at = locked.contact_requested_at
    return match


def referrals_erase_for_person(*, actor: Any, person: Any) -> None:
    """With a person's erasure: their match keys and matches go, free text of their referrals is blanked."""
    PersonMatchKey.objects.filter(person_id=person.pk).delete()
    PossibleMatch.objects.unscoped("erasing a person").filter(person=person).delete()
    PossibleMatch.objects.unscoped("erasing a person").filter(other_person=person).delete()
    blank = dict.fromkeys(Referral.PERSONAL_FIELDS)
    for referral in Referral.objects.unscoped("erasing a person").filter(case__person=person):
        for name, value in blank.items():
            setattr(referral, name, value)
        referral.save()
    for model, names in (
        (Consent, ("note",)),
        (ConsentOverride, ("reason",)),
        (BreakGlassGrant, ("reason",)),
    ):
        for row in model.objects.unscoped("erasing a person").filter(case__person=person):  # type: ignore[attr-defined]
            for name in names:
                setattr(row, name, None)
            row.save()

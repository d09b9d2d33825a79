"""What referrals adds to case work: timeline entries on the case and a part of the person's export.

Registered once from ``ReferralsConfig.ready`` through ``pharos.casework.registry``; entries
carry codes, organisation names and dates only (anything typed stays in the referral's
encrypted fields).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from pharos.referrals.models import Consent, ConsentOverride, Referral

TIMELINE = {
    "referrals.referral.draft": _("Referral to %(organisation)s drafted"),
    "referrals.referral.sent": _("Referred to %(organisation)s"),
    "referrals.referral.accepted": _("Referral accepted by %(organisation)s"),
    "referrals.referral.declined": _("Referral declined by %(organisation)s"),
    "referrals.referral.completed": _("Referral completed by %(organisation)s"),
    "referrals.referral.revoked": _("Referral to %(organisation)s revoked"),
    "referrals.consent.given": _("Consent given: %(purpose)s"),
    "referrals.consent.withdrawn": _("Consent withdrawn: %(purpose)s"),
    "referrals.consent.overridden": _("Consent overridden for a risk to life: %(purpose)s"),
    "referrals.break_glass.opened": _("Opened in an emergency by %(organisation)s"),
}
_REASON = "the person's own export, already authorised for their cases"


def register() -> None:
    from pharos.casework.registry import export_section, timeline_kind

    for kind, label in TIMELINE.items():
        timeline_kind(kind, label)
    export_section("referrals", _("Consent and referrals"))(person_export)


def timeline(actor: Any, case: Any, kind: str, **data: Any) -> None:
    """Add a timeline entry to the case (inside the caller's transaction)."""
    from pharos.casework.actions import timeline_add

    timeline_add(actor=actor, case=case, kind=kind, data={k: str(v) for k, v in data.items()})


def person_export(person: Any, cases: list[Any]) -> list[dict[str, Any]]:
    """Every consent statement, override and referral held about the person's cases."""
    out: list[dict[str, Any]] = []
    for item in Consent.objects.unscoped(_REASON).filter(case__in=cases).select_related("case", "recipient"):
        out.append(
            {
                "type": "consent",
                "case": item.case.reference,
                "purpose": item.purpose,
                "recipient": item.recipient.name if item.recipient else None,
                "given": item.given,
                "stated_on": item.stated_on.isoformat(),
                "note": item.note,
            }
        )
    for override in ConsentOverride.objects.unscoped(_REASON).filter(case__in=cases).select_related("case"):
        out.append(
            {
                "type": "consent_override",
                "case": override.case.reference,
                "purpose": override.purpose,
                "reason": override.reason,
                "made_at": override.made_at.isoformat(),
            }
        )
    for referral in (
        Referral.objects.unscoped(_REASON).filter(case__in=cases).select_related("case", "recipient")
    ):
        out.append(
            {
                "type": "referral",
                "case": referral.case.reference,
                "recipient": referral.recipient.name,
                "state": referral.state,
                "sections": referral.sections,
                "sent_at": referral.sent_at.isoformat() if referral.sent_at else None,
                "message": referral.message,
                "feedback": referral.feedback,
            }
        )
    return out

"""The registry of audit event names. An action may only record a name listed here.

Each name carries the label the audit pages show ("what happened"), translated when shown.
"""

from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENTS: Final[dict[str, Promise]] = {
    # accounts
    "accounts.user.signed_in": _("A user signed in"),
    "accounts.user.signed_out": _("A user signed out"),
    "accounts.user.sign_in_failed": _("A sign-in failed"),
    "accounts.user.locked_out": _("An account was locked after repeated failures"),
    "accounts.user.language_changed": _("A user chose another language"),
    "accounts.user.acting_changed": _("A user switched the organisation they act for"),
    "accounts.user.created": _("A user was created"),
    "accounts.two_factor.activated": _("Two-factor sign-in was activated"),
    "accounts.two_factor.deactivated": _("Two-factor sign-in was removed"),
    "accounts.password.reset": _("A password was reset"),
    "accounts.password.changed": _("A user changed their password"),
    "accounts.token.created": _("A personal API token was created"),
    "accounts.token.revoked": _("A personal API token was revoked"),
    # tenancy
    "tenancy.organisation.created": _("An organisation was created"),
    "tenancy.organisation.changed": _("An organisation was changed"),
    "tenancy.membership.created": _("A membership was granted"),
    "tenancy.membership.changed": _("A membership was changed"),
    "tenancy.reference.loaded": _("Reference data (countries, regions) was loaded or updated"),
    # persons
    "persons.person.created": _("A person was registered"),
    "persons.person.changed": _("A person record was changed"),
    "persons.person.viewed": _("A person record was viewed"),
    "persons.person.listed": _("A person record was shown in a list"),
    "persons.person.history_viewed": _("Who viewed or changed a person record was looked at"),
    "persons.person.erased": _("A person's personal data was erased"),
    "persons.person.exported": _("A person record was exported"),
    # cases: victim side
    "cases.case.created": _("A victim case was opened"),
    "cases.case.changed": _("A victim case was changed"),
    "cases.case.viewed": _("A victim case was viewed"),
    "cases.case.listed": _("A victim case was shown in a list"),
    "cases.case.history_viewed": _("Who viewed or changed a victim case was looked at"),
    "cases.case.status_decided": _("A decision on a person's trafficking status was recorded"),
    "cases.event.added": _("A trafficking event was added to a victim case"),
    "cases.perpetrator_account.added": _("A victim's account of a perpetrator was added"),
    "cases.case.erased": _("The free text of a victim case was erased with the person's personal data"),
    # exports
    "exports.export.created": _("Records were exported to a file"),
    # imports
    "imports.batch.previewed": _("A file was checked for import (dry run)"),
    "imports.batch.committed": _("A file was imported"),
    "imports.batch.refused": _("A file was refused for import"),
    "imports.batch.rolled_back": _("An import was rolled back"),
    "imports.mapping.saved": _("A column mapping for imports was saved"),
    # cases: criminal justice
    "cases.suspect.registered": _("A suspect was registered"),
    "cases.suspect.changed": _("A suspect record was changed"),
    "cases.suspect.viewed": _("A suspect record was viewed"),
    "cases.suspect.listed": _("A suspect record was shown in a list"),
    "cases.suspect.history_viewed": _("Who viewed or changed a suspect record was looked at"),
    "cases.proceeding.recorded": _("A criminal proceeding was recorded"),
    "cases.proceeding.changed": _("A criminal proceeding was changed"),
    "cases.proceeding.viewed": _("A criminal proceeding was viewed"),
    "cases.proceeding.listed": _("A criminal proceeding was shown in a list"),
    "cases.proceeding.history_viewed": _("Who viewed or changed a criminal proceeding was looked at"),
    "cases.defendant.outcome_recorded": _("The outcome for a defendant was recorded"),
    # standards
    "standards.codelists.loaded": _("Code lists were loaded or updated from the repository files"),
    # audit
    "audit.log.viewed": _("The audit log was read"),
    "audit.log.redacted": _("Personal data in audit entries was redacted"),
    "audit.chain.verified": _("The audit chain was verified"),
    # jobs and keys
    "jobs.job.created": _("A background job was started"),
    "jobs.job.finished": _("A background job finished"),
    "privacy.keys.rotated": _("Personal data was re-encrypted under the newest key"),
}


def describe(action: str) -> Promise:
    """The label of a registered event; an unregistered name is a programming error."""
    if action not in EVENTS:
        raise LookupError(f"Audit event {action!r} is not in pharos.audit.events.EVENTS")
    return EVENTS[action]


def label(action: str) -> str:
    """The label to show for a stored event, in the active language (the raw name if unknown)."""
    found = EVENTS.get(action)
    return str(found) if found is not None else action

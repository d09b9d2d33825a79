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
    "persons.person.created_many": _("Persons were registered together (a batch of an import)"),
    "persons.person.changed": _("A person record was changed"),
    "persons.person.viewed": _("A person record was viewed"),
    "persons.person.listed": _("A person record was shown in a list"),
    "persons.person.history_viewed": _("Who viewed or changed a person record was looked at"),
    "persons.person.erased": _("A person's personal data was erased"),
    "persons.person.exported": _("A person record was exported"),
    # cases: victim side
    "cases.case.created": _("A victim case was opened"),
    "cases.case.created_many": _("Victim cases were opened together (a batch of an import)"),
    "cases.case.changed": _("A victim case was changed"),
    "cases.case.viewed": _("A victim case was viewed"),
    "cases.case.listed": _("A victim case was shown in a list"),
    "cases.case.history_viewed": _("Who viewed or changed a victim case was looked at"),
    "cases.case.status_decided": _("A decision on a person's trafficking status was recorded"),
    "cases.event.added": _("A trafficking event was added to a victim case"),
    "cases.perpetrator_account.added": _("A victim's account of a perpetrator was added"),
    "cases.case.erased": _("The free text of a victim case was erased with the person's personal data"),
    # casework: the case worker's day
    "casework.task.created": _("A task was set on a victim case"),
    "casework.task.completed": _("A task on a victim case was marked done"),
    "casework.note.added": _("A note was added to a victim case"),
    "casework.attachment.added": _("A file was attached to a victim case"),
    "casework.attachment.refused": _("A file was refused for a victim case (type or size)"),
    "casework.attachment.downloaded": _("A file of a victim case was downloaded"),
    "casework.case.assigned": _("A victim case was assigned to a case worker"),
    "casework.case.transferred": _("A victim case was transferred to another case worker"),
    "casework.closure.requested": _("The closure of a victim case was requested"),
    "casework.closure.approved": _("The closure of a victim case was approved"),
    "casework.closure.rejected": _("The closure of a victim case was rejected"),
    "casework.case.reopened": _("A closed victim case was reopened"),
    "casework.case.erased": _("The personal data of a closed victim case was erased"),
    "casework.caseload.viewed": _("A caseload or task list was viewed"),
    "casework.person.exported": _("Everything held about a person was exported"),
    "casework.retention.changed": _("The retention period of a country was changed"),
    "casework.retention.applied": _("The personal data of cases past their retention period was erased"),
    # screening (ILO–EC indicators)
    "screening.screening.recorded": _("A screening on the trafficking indicators was recorded"),
    "screening.screening.attached": _("A screening was put on a victim case"),
    "screening.screening.viewed": _("A screening on the trafficking indicators was viewed"),
    "screening.screening.listed": _("A screening was shown in a list"),
    # assistance: the five stages of the referral pathway
    "assistance.stage.entered": _("A victim case entered a stage of the referral pathway"),
    "assistance.stage.left": _("A victim case left a stage of the referral pathway"),
    "assistance.measure.recorded": _("An assistance measure was recorded on a victim case"),
    "assistance.measure.changed": _("An assistance measure of a victim case was changed"),
    "assistance.reflection.started": _("A recovery and reflection period was started"),
    "assistance.reflection.ended": _("A recovery and reflection period was ended"),
    "assistance.plan.reviewed": _("An individual support and safety plan was reviewed"),
    "assistance.pathway.viewed": _("The assistance pathway of a victim case was viewed"),
    "assistance.due.viewed": _("The list of assistance due dates was viewed"),
    "assistance.rule.changed": _("The reflection period rule of a country was changed"),
    # referrals, consent, break-the-glass, duplicate warnings
    "referrals.consent.recorded": _("A person's consent for a purpose was recorded as given or withdrawn"),
    "referrals.consent.overridden": _("Consent was overridden because of a risk to life"),
    "referrals.consent.viewed": _("The consent record of a victim case was read"),
    "referrals.referral.viewed": _("A referral was read by the referring organisation"),
    "referrals.referral.created": _("A referral to another organisation was drafted"),
    "referrals.referral.sent": _("A referral was sent to another organisation"),
    "referrals.referral.accepted": _("A referral was accepted by the receiving organisation"),
    "referrals.referral.declined": _("A referral was declined by the receiving organisation"),
    "referrals.referral.completed": _("A referral was reported completed by the receiving organisation"),
    "referrals.referral.revoked": _("A referral was revoked by the referring organisation"),
    "referrals.referral.blocked": _("A pending referral was stopped because consent was withdrawn"),
    "referrals.referral.disclosed_viewed": _("The disclosed sections of a referred case were read"),
    "referrals.break_glass.opened": _(
        "A case was opened by another organisation under break-the-glass access"
    ),
    "referrals.break_glass.read": _("A case was read under break-the-glass access"),
    "referrals.match.found": _("A possible match with another organisation's person was found"),
    "referrals.contact.requested": _("Contact was requested about a possible shared person"),
    # exports
    "exports.export.created": _("Records were exported to a file"),
    "exports.export.queued": _("A large export was started as a background job"),
    "exports.export.downloaded": _("The file of an export job was downloaded"),
    # research datasets
    "research.dataset.loaded": _("A research dataset was loaded"),
    "research.dataset.refused": _("A research dataset file was refused"),
    "research.dataset.deleted": _("A research dataset was deleted"),
    # imports
    "imports.batch.previewed": _("A file was checked for import (dry run)"),
    "imports.batch.committed": _("A file was imported"),
    "imports.batch.refused": _("A file was refused for import"),
    "imports.batch.rolled_back": _("An import was rolled back"),
    "imports.mapping.saved": _("A column mapping for imports was saved"),
    "imports.upload.stored": _("A file was uploaded for import (kept encrypted)"),
    "imports.upload.mapped": _("The columns of an uploaded file were mapped"),
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
    # record linkage
    "linkage.run.started": _("A record-linkage run was started"),
    "linkage.run.completed": _("A record-linkage run finished and its clusters were stored"),
    "linkage.pair.viewed": _("A pair of records was shown for review"),
    "linkage.pair.confirmed": _("A reviewer decided two records are the same person"),
    "linkage.pair.rejected": _("A reviewer decided two records are different persons"),
    "linkage.project.created": _("A privacy-preserving linkage project was created"),
    "linkage.project.encodings_uploaded": _("Encoded records were uploaded to a linkage project"),
    "linkage.project.linked": _("A linkage project's encodings were linked"),
    "linkage.project.result_downloaded": _("A participant's linkage result was downloaded"),
    # statistics
    "statistics.population.uploaded": _("A population table for statistical rates was uploaded"),
    "statistics.tables.built": _("The standard statistical tables were written to files"),
    # releases
    "releases.release.started": _("A statistical release was started"),
    "releases.release.built": _("A statistical release was built"),
    "releases.release.failed": _("A statistical release could not be built"),
    "releases.release.changed": _("A statistical release was retitled"),
    "releases.release.approved": _("A statistical release was approved"),
    "releases.release.published": _("A statistical release was published"),
    "releases.budget.spent": _("Privacy budget was spent on a release"),
    "releases.budget.changed": _("The privacy budget of a dataset was changed"),
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

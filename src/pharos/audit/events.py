"""The registry of audit event names. An action may only record a name listed here."""

from typing import Final

EVENTS: Final[dict[str, str]] = {
    # accounts
    "accounts.user.signed_in": "A user signed in",
    "accounts.user.signed_out": "A user signed out",
    "accounts.user.sign_in_failed": "A sign-in failed",
    "accounts.user.locked_out": "An account was locked after repeated failures",
    "accounts.user.language_changed": "A user chose another language",
    "accounts.user.acting_changed": "A user switched the organisation they act for",
    "accounts.user.created": "A user was created",
    "accounts.two_factor.activated": "Two-factor sign-in was activated",
    "accounts.two_factor.deactivated": "Two-factor sign-in was removed",
    "accounts.password.reset": "A password was reset",
    "accounts.token.created": "A personal API token was created",
    "accounts.token.revoked": "A personal API token was revoked",
    # tenancy
    "tenancy.organisation.created": "An organisation was created",
    "tenancy.organisation.changed": "An organisation was changed",
    "tenancy.membership.created": "A membership was granted",
    "tenancy.membership.changed": "A membership was changed",
    # persons
    "persons.person.created": "A person was registered",
    "persons.person.changed": "A person record was changed",
    "persons.person.viewed": "A person record was viewed",
    "persons.person.listed": "A person record was shown in a list",
    "persons.person.history_viewed": "Who viewed or changed a person record was looked at",
    "persons.person.erased": "A person's personal data was erased",
    "persons.person.exported": "A person record was exported",
    # audit
    "audit.log.viewed": "The audit log was read",
    "audit.log.redacted": "Personal data in audit entries was redacted",
    "audit.chain.verified": "The audit chain was verified",
    # jobs and keys
    "jobs.job.created": "A background job was started",
    "jobs.job.finished": "A background job finished",
    "privacy.keys.rotated": "Personal data was re-encrypted under the newest key",
}


def describe(action: str) -> str:
    if action not in EVENTS:
        raise LookupError(f"Audit event {action!r} is not in pharos.audit.events.EVENTS")
    return EVENTS[action]

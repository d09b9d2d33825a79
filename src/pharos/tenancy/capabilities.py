"""The capabilities Pharos grants, in one registry.

A capability is a dotted name (``persons.view``) checked by CapabilityMiddleware on
pages and by ``pharos.api.security`` on API operations. ``personal`` marks the ones that
reach personal data: a role holding any of them requires two-factor sign-in.
"""

from dataclasses import dataclass
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Capability:
    name: str
    label: Promise
    personal: bool = False


_ALL: Final = [
    Capability("persons.view", _("See person records of the organisation"), personal=True),
    Capability("persons.create", _("Register persons"), personal=True),
    Capability("persons.change", _("Change person records"), personal=True),
    Capability("persons.erase", _("Erase a person's personal data"), personal=True),
    Capability("persons.history", _("See who viewed or changed a person record"), personal=True),
    Capability("cases.view", _("See victim cases of the organisation"), personal=True),
    Capability("cases.create", _("Open victim cases"), personal=True),
    Capability("cases.change", _("Change victim cases and record status decisions"), personal=True),
    Capability("cases.history", _("See who viewed or changed a victim case"), personal=True),
    Capability("imports.run", _("Import case records from files and roll imports back"), personal=True),
    Capability("exports.run", _("Export case records and statistics to reporting formats"), personal=True),
    Capability("justice.view", _("See suspects and criminal proceedings"), personal=True),
    Capability("justice.change", _("Register suspects and record criminal proceedings"), personal=True),
    Capability("justice.history", _("See who viewed or changed a criminal-justice record"), personal=True),
    Capability("audit.view", _("Read the organisation's audit log"), personal=True),
    Capability("audit.verify", _("Verify the integrity of the audit log")),
    Capability("jobs.view", _("Follow the organisation's background jobs")),
    Capability("tenancy.directory", _("See the directory of organisations")),
    Capability("tenancy.members", _("See and manage the organisation's members")),
    Capability("system.keys", _("Rotate the encryption keys")),
]

CAPABILITIES: Final[dict[str, Capability]] = {c.name: c for c in _ALL}


def get(name: str) -> Capability:
    """The capability called ``name``; an unknown name is a programming error."""
    try:
        return CAPABILITIES[name]
    except KeyError:
        raise LookupError(f"Unknown capability {name!r}; add it to pharos.tenancy.capabilities") from None

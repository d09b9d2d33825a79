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
    Capability("cases.assign", _("Take on or assign a victim case nobody holds yet"), personal=True),
    Capability("cases.transfer", _("Transfer a victim case to another case worker"), personal=True),
    Capability("cases.close", _("Ask for a victim case to be closed"), personal=True),
    Capability("cases.approve_closure", _("Approve or reject the closure of a victim case"), personal=True),
    Capability("cases.reopen", _("Reopen a closed victim case"), personal=True),
    Capability("cases.export_person", _("Export everything held about one person"), personal=True),
    Capability("cases.retention", _("Set how long closed cases are kept and erase expired ones")),
    Capability("screening.run", _("Screen persons on the ILO–EC trafficking indicators"), personal=True),
    Capability("assistance.view", _("See the assistance pathway of victim cases"), personal=True),
    Capability("assistance.manage", _("Record assistance measures on victim cases"), personal=True),
    Capability("assistance.rules", _("Set the reflection period rule of a country")),
    Capability(
        "cases.break_glass",
        _("Open another organisation's case in an emergency (time-limited, audited, owner told)"),
        personal=True,
    ),
    Capability("consent.view", _("See a victim case's consent for each purpose"), personal=True),
    Capability("consent.record", _("Record a person's consent given or withdrawn"), personal=True),
    Capability(
        "consent.override", _("Act without consent because of a risk to life (with a reason)"), personal=True
    ),
    Capability("referrals.view", _("See referrals the organisation sent or received"), personal=True),
    Capability(
        "referrals.send", _("Refer victim cases to other organisations and revoke referrals"), personal=True
    ),
    Capability(
        "referrals.receive", _("Answer referrals and read the sections disclosed with them"), personal=True
    ),
    Capability(
        "referrals.contact", _("See possible duplicates held elsewhere and ask for contact"), personal=True
    ),
    Capability("imports.run", _("Import case records from files and roll imports back"), personal=True),
    Capability("exports.run", _("Export case records and statistics to reporting formats"), personal=True),
    Capability("justice.view", _("See suspects and criminal proceedings"), personal=True),
    Capability("justice.change", _("Register suspects and record criminal proceedings"), personal=True),
    Capability("justice.history", _("See who viewed or changed a criminal-justice record"), personal=True),
    Capability("stats.view", _("See statistics of the organisation's records (counts, no personal data)")),
    Capability("stats.population", _("Upload the population figures used for statistical rates")),
    Capability("releases.view", _("See the organisation's statistical releases, published or not")),
    Capability("releases.build", _("Build statistical releases (counts only, no personal data)")),
    Capability("releases.review", _("Review and approve statistical releases; set the privacy budget")),
    Capability("releases.publish", _("Publish approved statistical releases on the public portal")),
    Capability("audit.view", _("Read the organisation's audit log"), personal=True),
    Capability("audit.verify", _("Verify the integrity of the audit log")),
    Capability("jobs.view", _("Follow the organisation's background jobs")),
    Capability("research.view", _("See research datasets (CTDC synthetic data) and their summaries")),
    Capability("research.manage", _("Load and delete research datasets")),
    Capability("linkage.view", _("See record-linkage runs and unique-person counts")),
    Capability("linkage.run", _("Run record linkage over the persons of the organisation or country")),
    Capability("linkage.review", _("Review uncertain record pairs: same person or not"), personal=True),
    Capability("linkage.projects", _("Run privacy-preserving linkage projects with other data holders")),
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

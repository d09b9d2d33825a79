"""What every page needs: the acting organisation, the switcher and the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext_lazy as _

from pharos.tenancy import access

# (url name, label, capability): only modules that exist, only those the role may use.
NAVIGATION = [
    ("persons:list", _("Persons"), "persons.view"),
    ("cases:list", _("Victim cases"), "cases.view"),
    ("casework:caseload", _("Caseload"), "cases.view"),
    ("screening:list", _("Screening"), "screening.run"),
    ("assistance:due", _("Due dates"), "assistance.view"),
    ("referrals:incoming", _("Referrals"), "referrals.view"),
    ("referrals:notifications", _("Notifications"), "cases.view"),
    ("justice:proceeding_list", _("Criminal justice"), "justice.view"),
    ("exports:export", _("Exports"), "exports.run"),
    ("statistics:dashboard", _("Statistics"), "stats.view"),
    ("research:list", _("Research datasets"), "research.view"),
    ("releases:list", _("Statistical releases"), "releases.view"),
    ("tenancy:directory", _("Organisations"), "tenancy.directory"),
    ("audit:log", _("Audit log"), "audit.view"),
    ("linkage:runs", _("Record linkage"), "linkage.view"),
    ("jobs:list", _("Jobs"), "jobs.view"),
]

# One sentence per module for the home page's cards, by url name (optional).
PURPOSES = {
    "persons:list": _("Register and find the persons your organisation assists, and their records."),
    "cases:list": _(
        "Victim cases: trafficking status, forms of exploitation, events and perpetrators, on HTCDS."
    ),
    "casework:caseload": _("Your cases and deadlines: tasks due and overdue, notes, files, closure."),
    "referrals:incoming": _(
        "Referrals to and from other organisations, with what the person consented to share."
    ),
    "referrals:notifications": _(
        "Referrals received, emergency openings of your cases, requests for contact."
    ),
    "justice:proceeding_list": _(
        "Suspects and criminal proceedings: investigation, prosecution, verdicts and sentences."
    ),
    "exports:export": _(
        "Download the organisation's records in HTCDS, CTDC, Eurostat, UNODC, HXL or SDMX layouts."
    ),
    "research:list": _("CTDC synthetic datasets loaded for analysis, kept apart from case records."),
    "tenancy:directory": _("The organisations taking part in the referral mechanism, and how to reach them."),
    "audit:log": _("Who read or changed what, and when: the tamper-evident audit trail."),
    "linkage:runs": _("Count each person once across organisations: linkage runs, review queue, projects."),
    "statistics:dashboard": _("Standard figures (Eurostat, UNODC, SDG 16.2.2), each person counted once."),
    "jobs:list": _("Long tasks running in the background (imports, exports, checks) and their progress."),
}


def pharos(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    acting = access.acting_membership(user)
    nav = []
    if acting is not None:
        nav = [
            {
                "url": reverse(name),
                "label": label,
                "purpose": PURPOSES.get(name, ""),
                "active": request.path.startswith(reverse(name)),
            }
            for name, label, capability in NAVIGATION
            if acting.has(capability)
        ]
    return {
        "acting_membership": acting,
        "my_memberships": access.memberships_of(user) if user is not None else [],
        "navigation": nav,
        "text_direction": "rtl" if get_language_bidi() else "ltr",
        "request_id": getattr(request, "request_id", ""),
    }

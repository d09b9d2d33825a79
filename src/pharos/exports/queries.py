"""Reads for exports: the records an export may contain, always within the acting user's scope.

Victim cases are read with the ``exports.run`` scope; criminal-justice records only when the
user also holds ``justice.view``; person identifiers only with ``persons.view``. When personal
fields are not allowed they are never loaded (``only``), so they are never decrypted.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.http import Http404

from pharos.cases.models import Defendant, Outcome, Proceeding, Suspect, VictimCase
from pharos.exports.models import ExportFile
from pharos.standards.queries import UnknownCode, map_code
from pharos.tenancy.access import acting_membership, can
from pharos.tenancy.models import Country, Organisation

EXPORT_CAPABILITY = "exports.run"
PERSONAL_CAPABILITY = "persons.view"
JUSTICE_CAPABILITY = "justice.view"
PROGRESS_STEP = 500

_CASE_FIELDS = (
    "id",
    "reference",
    "organisation__code",
    "organisation__country__code",
    "person__reference",
    "person__gender",
    "person__citizenships",
    *VictimCase.HTCDS.keys(),
)
_PERSONAL_PERSON_FIELDS = (
    "person__first_name",
    "person__second_name",
    "person__birth_date",
    "person__identity_number",
)


@dataclass(frozen=True)
class Scope:
    """Who exports, for which organisation, and what they may include.

    ``progress``, when given, is told every ``PROGRESS_STEP`` cases read (an export job's bar).
    """

    user: Any
    organisation: Organisation
    personal: bool
    justice: bool
    progress: Callable[[int], None] | None = None


def scope_for(user: Any) -> Scope | None:
    """The export scope of the user's acting membership; None when they may not export."""
    membership = acting_membership(user)
    if membership is None or not membership.has(EXPORT_CAPABILITY):
        return None
    return Scope(
        user=user,
        organisation=membership.organisation,
        personal=can(user, PERSONAL_CAPABILITY),
        justice=can(user, JUSTICE_CAPABILITY),
    )


def victim_cases(scope: Scope) -> Iterator[VictimCase]:
    """Visible victim cases, oldest registration first; personal person fields only when allowed."""
    from pharos.referrals.queries import cases_refusing

    fields = _CASE_FIELDS + (_PERSONAL_PERSON_FIELDS if scope.personal else ())
    rows = (
        VictimCase.objects.visible_to(scope.user, EXPORT_CAPABILITY)
        # A person who withdrew consent to statistical use is in no export (pharos.referrals).
        .exclude(pk__in=cases_refusing("statistics"))
        .select_related("person", "organisation__country")
        .only(*fields)
        .order_by("registered_on", "id")
    )
    if scope.progress is None:
        yield from rows.iterator(chunk_size=2000)
        return
    read = 0
    for case in rows.iterator(chunk_size=2000):
        yield case
        read += 1
        if read % PROGRESS_STEP == 0:
            scope.progress(PROGRESS_STEP)
    if read % PROGRESS_STEP:
        scope.progress(read % PROGRESS_STEP)


def export_size(user: Any) -> int:
    """How many victim cases an export by ``user`` reads (what decides whether it runs as a job)."""
    return int(VictimCase.objects.visible_to(user, EXPORT_CAPABILITY).count())


@dataclass
class Offender:
    """One suspect's counted facts: sex, citizenships, and the years they reached each stage."""

    sex: str
    citizenships: list[str]
    suspected: int | None
    prosecuted: set[int] = field(default_factory=set)
    convicted: set[int] = field(default_factory=set)


def offenders(scope: Scope) -> list[Offender]:
    """Suspects with the years they were suspected, prosecuted and convicted (empty without justice.view)."""
    if not scope.justice:
        return []
    found: dict[int, Offender] = {}
    for suspect in Suspect.objects.visible_to(scope.user, JUSTICE_CAPABILITY).only(
        "id", "sex", "citizenships", "created_at"
    ):
        found[suspect.pk] = Offender(
            sex=suspect.sex or "unknown",
            citizenships=list(suspect.citizenships or []),
            suspected=suspect.created_at.year if suspect.created_at else None,
        )
    proceedings: dict[int, Proceeding] = {
        p.pk: p
        for p in Proceeding.objects.visible_to(scope.user, JUSTICE_CAPABILITY).only(
            "id", "stage", "prosecution_started_on", "created_at"
        )
    }
    for defendant in Defendant.objects.visible_to(scope.user, JUSTICE_CAPABILITY).only(
        "suspect_id", "proceeding_id", "outcome", "decided_on"
    ):
        offender = found.get(defendant.suspect_id)
        proceeding = proceedings.get(defendant.proceeding_id)
        if offender is None or proceeding is None:
            continue
        if proceeding.stage != "investigation":
            started = proceeding.prosecution_started_on or proceeding.created_at.date()
            offender.prosecuted.add(started.year)
        if defendant.outcome == Outcome.CONVICTED:
            offender.convicted.add((defendant.decided_on or date.today()).year)
    return list(found.values())


class Mapper:
    """``map_code`` with a cache; a code a list does not know maps to None (and is counted as unknown)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, str], Any] = {}

    def __call__(self, list_key: str, code: str, to: str) -> Any:
        key = (list_key, code, to)
        if key not in self._cache:
            try:
                self._cache[key] = map_code(list_key, code, to) if code else None
            except UnknownCode:
                self._cache[key] = None
        return self._cache[key]

    def many(self, list_key: str, codes: list[str] | None, to: str) -> list[str]:
        """The distinct categories several codes map to, in first-seen order."""
        found: list[str] = []
        for code in codes or []:
            mapped = self(list_key, code, to)
            for value in mapped if isinstance(mapped, list) else [mapped]:
                if value and value not in found:
                    found.append(value)
        return found


def alpha3_codes() -> dict[str, str]:
    """ISO alpha-2 → alpha-3 from the country reference table (CTDC uses alpha-3)."""
    return {code: alpha3 or code for code, alpha3 in Country.objects.values_list("code", "alpha3")}


def get_export_file_for_user(user: Any, job_public_id: uuid.UUID | str) -> ExportFile:
    """The file of an export job, for the user who started it only; 404 for anyone else."""
    try:
        found: ExportFile = (
            ExportFile.objects.visible_to(user, EXPORT_CAPABILITY)
            .select_related("organisation")
            .get(job__public_id=job_public_id, created_by=user)
        )
    except (ExportFile.DoesNotExist, ValueError) as exc:
        raise Http404("No such export file") from exc
    return found

"""Reads about victim cases and criminal-justice records, always within what the user may see.

Child records (decisions, events, perpetrator accounts, defendants, linked victims) are
read through their own scoped managers with the same capability as their parent: a
reverse relation would bypass the scope, so there is none.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from pharos.cases.models import (
    Defendant,
    PerpetratorAccount,
    Proceeding,
    ProceedingVictim,
    StatusDecision,
    Suspect,
    TraffickingEvent,
    VictimCase,
)
from pharos.persons.models import Person
from pharos.persons.queries import get_person_for_user, persons_visible_to

CASE_LIST_FIELDS = (
    "id",
    "public_id",
    "reference",
    "organisation_id",
    "person__reference",
    "trafficking_status",
    "status_decided_on",
    "registered_on",
    "forms_of_exploitation",
    "country_of_exploitation",
)
_REFERENCE = re.compile(r"^[A-Za-z]{2}-[A-Za-z0-9-]+-\d{4}-\d{5,}$")


def cases_visible_to(user: Any, capability: str = "cases.view") -> QuerySet[VictimCase]:
    """The victim cases the user, acting for their organisation, may reach with ``capability``."""
    return VictimCase.objects.visible_to(user, capability)  # type: ignore[no-any-return]


def get_case_for_user(user: Any, public_id: Any, capability: str = "cases.view") -> VictimCase:
    """One visible case by public id; Http404 for one that is missing or not the user's."""
    try:
        return (
            cases_visible_to(user, capability)
            .select_related(
                "person", "organisation__country", "identified_by", "status_decision_org", "source_org"
            )
            .get(public_id=public_id)
        )  # type: ignore[no-any-return]
    except (VictimCase.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such case.") from exc


@dataclass(frozen=True)
class CaseFilter:
    """What a reader narrowed the case list to; every field optional."""

    status: str = ""
    form: str = ""
    year: int | None = None

    def as_query(self) -> dict[str, str]:
        values = {"status": self.status, "form": self.form, "year": str(self.year or "")}
        return {k: v for k, v in values.items() if v}


def filter_cases(cases: QuerySet[VictimCase], filters: CaseFilter) -> QuerySet[VictimCase]:
    """Narrow ``cases``: by current status, by a form of exploitation among several, by year registered."""
    if filters.status:
        cases = cases.filter(trafficking_status=filters.status)
    if filters.form:
        # JSON containment is not on SQLite: match the quoted code inside the stored list.
        cases = cases.filter(forms_of_exploitation__icontains=f'"{filters.form}"')
    if filters.year:
        cases = cases.filter(registered_on__year=filters.year)
    return cases


def case_years(cases: QuerySet[VictimCase]) -> list[int]:
    """The years in which visible cases were registered, newest first (for the filter)."""
    return sorted({d.year for d in cases.dates("registered_on", "year")}, reverse=True)


def cases_for_list(cases: QuerySet[VictimCase]) -> QuerySet[VictimCase]:
    """Only the columns a list shows (no person identifiers), newest first."""
    return cases.select_related("person").only(*CASE_LIST_FIELDS).order_by("-registered_on", "-id")


def decisions_for(user: Any, case: VictimCase, capability: str = "cases.view") -> QuerySet[StatusDecision]:
    return (
        StatusDecision.objects.visible_to(user, capability)
        .filter(case=case)
        .select_related("decision_org", "recorded_by")
        .order_by("-decided_on", "-id")
    )  # type: ignore[no-any-return]


def events_for(user: Any, case: VictimCase, capability: str = "cases.view") -> QuerySet[TraffickingEvent]:
    return (
        TraffickingEvent.objects.visible_to(user, capability).filter(case=case).order_by("occurred_on", "id")
    )  # type: ignore[no-any-return]


def accounts_for(user: Any, case: VictimCase, capability: str = "cases.view") -> QuerySet[PerpetratorAccount]:
    return PerpetratorAccount.objects.visible_to(user, capability).filter(case=case).order_by("id")  # type: ignore[no-any-return]


def proceedings_for_case(user: Any, case: VictimCase) -> QuerySet[Proceeding]:
    """The proceedings that concern a case, for a reader who may see criminal-justice records."""
    links = ProceedingVictim.objects.visible_to(user, "justice.view").filter(case=case)
    return proceedings_visible_to(user).filter(pk__in=links.values("proceeding_id")).order_by("-created_at")


def find_person(user: Any, text: str, capability: str = "persons.view") -> Person | None:
    """A visible person by public id or exact reference; None when there is no such person."""
    text = text.strip()
    if not text:
        return None
    try:
        return get_person_for_user(user, uuid.UUID(text), capability)
    except ValueError:
        pass
    except Http404:
        return None
    if not _REFERENCE.match(text):
        return None
    found: Person | None = persons_visible_to(user, capability).filter(reference__iexact=text).first()
    return found


# --- criminal justice ----------------------------------------------------------------------------


def suspects_visible_to(user: Any, capability: str = "justice.view") -> QuerySet[Suspect]:
    return Suspect.objects.visible_to(user, capability)  # type: ignore[no-any-return]


def get_suspect_for_user(user: Any, public_id: Any, capability: str = "justice.view") -> Suspect:
    try:
        return (
            suspects_visible_to(user, capability)
            .select_related("organisation__country")
            .get(public_id=public_id)
        )  # type: ignore[no-any-return]
    except (Suspect.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such suspect.") from exc


def proceedings_visible_to(user: Any, capability: str = "justice.view") -> QuerySet[Proceeding]:
    return Proceeding.objects.visible_to(user, capability)  # type: ignore[no-any-return]


def get_proceeding_for_user(user: Any, public_id: Any, capability: str = "justice.view") -> Proceeding:
    try:
        return (
            proceedings_visible_to(user, capability)
            .select_related("organisation__country")
            .get(public_id=public_id)
        )  # type: ignore[no-any-return]
    except (Proceeding.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such proceeding.") from exc


def defendants_for(
    user: Any, proceeding: Proceeding, capability: str = "justice.view"
) -> QuerySet[Defendant]:
    return (
        Defendant.objects.visible_to(user, capability)
        .filter(proceeding=proceeding)
        .select_related("suspect")
        .order_by("id")
    )  # type: ignore[no-any-return]


def get_defendant_for_user(
    user: Any, proceeding: Proceeding, public_id: Any, capability: str = "justice.change"
) -> Defendant:
    try:
        return defendants_for(user, proceeding, capability).get(public_id=public_id)  # type: ignore[no-any-return]
    except (Defendant.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such defendant.") from exc


def victim_links(user: Any, proceeding: Proceeding) -> QuerySet[ProceedingVictim]:
    """The links of a proceeding to victim cases (references only: no victim case capability needed)."""
    return ProceedingVictim.objects.visible_to(user, "justice.view").filter(proceeding=proceeding)  # type: ignore[no-any-return]


def victims_for(user: Any, proceeding: Proceeding) -> QuerySet[VictimCase]:
    """The victim cases a proceeding concerns, for a reader who may also see victim cases."""
    links = ProceedingVictim.objects.visible_to(user, "justice.view").filter(proceeding=proceeding)
    return cases_visible_to(user).filter(pk__in=links.values("case_id")).order_by("reference")


def proceedings_of_suspect(user: Any, suspect: Suspect) -> QuerySet[Defendant]:
    return (
        Defendant.objects.visible_to(user, "justice.view")
        .filter(suspect=suspect)
        .select_related("proceeding")
        .order_by("-proceeding__created_at")
    )  # type: ignore[no-any-return]


def find_by_references(records: QuerySet[Any], references: Iterable[str]) -> tuple[list[Any], list[str]]:
    """The records with these references (any case), in the order given, and the references not found."""
    wanted = [r.strip() for r in references if r.strip()]
    if not wanted:
        return [], []
    condition = Q(pk__in=[])
    for reference in wanted:
        condition |= Q(reference__iexact=reference)
    found = {r.reference.upper(): r for r in records.filter(condition)}
    records_found = [found[r.upper()] for r in dict.fromkeys(wanted) if r.upper() in found]
    missing = [r for r in dict.fromkeys(wanted) if r.upper() not in found]
    return records_found, missing

"""One row of an HTCDS file → the facts, first decision and person of a victim case.

Validation is ``cases.validation``'s (one ``Vocabulary`` per batch), so a value refused in the
form is refused in the import with the same explanation and the same nearest valid values.
What this module adds is what only files have: an HTCDS status spelt ``…OfTrafficking``, a
year of registration instead of a date, cells that start a spreadsheet formula, and the
column each problem came from.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pharos.cases import validation
from pharos.cases.validation import Problem, Vocabulary
from pharos.persons.models import Gender

# Pharos field → the target column it comes from (for pointing at the rejected cell).
FIELD_TARGET: Final[dict[str, str]] = {
    "external_id": "record_id",
    "first_name": "prs_FirstName",
    "second_name": "prs_SecondName",
    "birth_date": "prs_Birthdate",
    "gender": "prs_Gender",
    "citizenships": "prs_Citizenship",
    "status": "vic_TraffickingStatus",
    "decision_org_type": "vic_TraffickingStatusDecisionMakingOrg",
    "decided_on": "vic_RegistrationDate",
    "registered_on": "vic_RegistrationDate",
    "country_of_exploitation": "vic_CountryOfExploitation",
    "forms_of_exploitation": "vic_TypeOfExploitation",
    "labour_sector": "vic_ForcedLabourIndustry",
    "sex_exploitation_types": "vic_TypeOfSexExploitation",
    "means_of_control": "vic_MethodsOfControl",
    "recruitment_methods": "vic_MethodOfRecruitment",
    "recruiter_relationships": "vic_RecruiterRelationship",
    "age_at_recruitment": "vic_AgeAtRecruitment",
    "age_at_exploitation": "vic_AgeAtExploitation",
    "age_at_identification": "vic_AgeAtIdentification",
    "consent": "con_Consent",
}
# The XLSForm's ``consent`` choices (names and labels); an empty answer is allowed, as the
# question is optional in the form.
_CONSENT_YES: Final = frozenset({"true", "yes", "1"})
_CONSENT_NO: Final = frozenset({"false", "no", "0"})
_FACTS: Final = {
    target: name
    for name, target in FIELD_TARGET.items()
    if name in validation.CASE_RULES and name != "registered_on"
}
# HTCDS 2.0 spells the statuses out; Pharos's list has the short codes.
_STATUS: Final = {
    "possiblevictimoftrafficking": "PossibleVictim",
    "actualvictimoftrafficking": "ActualVictim",
    "notavictimoftrafficking": "NotAVictim",
    "notvictimoftrafficking": "NotAVictim",
}
# A file that does not say who decided: HTCDS's own catch-all, rather than refusing the row.
DEFAULT_DECISION_ORG_TYPE: Final = "Other"
FORMULA_START: Final = ("=", "+", "-", "@", "\t=", "\r=")
_NUMBER: Final = re.compile(r"^[+-]?\d+([.,]\d+)?$")
_YEAR: Final = re.compile(r"^\d{4}$")
# HTCDS writes an ISIC section with its name ("C_Manufacturing"); Pharos keeps the letter.
_ISIC: Final = re.compile(r"^([A-U])_[A-Za-z]+$")
_GENDERS: Final = {
    **{g.value.casefold(): g.value for g in Gender},
    # What files outside HTCDS write (sex rather than gender, as most case files record it).
    "female": Gender.FEMININE.value,
    "f": Gender.FEMININE.value,
    "male": Gender.MASCULINE.value,
    "m": Gender.MASCULINE.value,
    "unknown": Gender.UNKNOWN.value,
}


@dataclass
class Row:
    """One data row: its number in the file, the cells by target, and what was found."""

    number: int
    cells: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    decision: dict[str, Any] = field(default_factory=dict)
    person: dict[str, Any] = field(default_factory=dict)
    external_id: str = ""
    # What the case rules returned for the facts and the decision: what is stored, as is.
    clean_facts: dict[str, Any] = field(default_factory=dict)
    clean_decision: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def is_formula(text: str) -> bool:
    """Text a spreadsheet would evaluate (CSV injection); plain signed numbers are not."""
    return text.startswith(FORMULA_START) and not _NUMBER.match(text)


def _formula_problems(cells: Mapping[str, str]) -> list[Problem]:
    names = {target: name for name, target in FIELD_TARGET.items()}
    return [
        Problem(
            names.get(target, target),
            "formula",
            _(
                "The cell starts like a spreadsheet formula (%(start)s); formulas are never run or "
                "imported. Remove the leading character or type the value itself."
            )
            % {"start": value[:1]},
            value=value[:100],
        )
        for target, value in cells.items()
        if is_formula(value.strip())
    ]


def _registered_on(cells: Mapping[str, str]) -> str:
    day = cells.get("vic_RegistrationDate", "").strip()
    if day:
        return day
    year = cells.get("vic_YearOfRegistration", "").strip()
    return f"{year}-01-01" if _YEAR.match(year) else year


def _person(cells: Mapping[str, str], vocabulary: Vocabulary, problems: list[Problem]) -> dict[str, Any]:
    person: dict[str, Any] = {
        "first_name": cells.get("prs_FirstName", "").strip() or None,
        "second_name": cells.get("prs_SecondName", "").strip() or None,
    }
    if not (person["first_name"] or person["second_name"]):
        problems.append(
            Problem("first_name", "required", _("Give the person's first name, family name or both."))
        )
    birth, found = validation.check_date(
        "birth_date",
        gettext_lazy("Date of birth"),
        cells.get("prs_Birthdate", ""),
        today=timezone.localdate(),
        earliest=validation.EARLIEST_BIRTH_DATE,
    )
    problems.extend(found)
    person["birth_date"] = birth
    gender_text = cells.get("prs_Gender", "").strip()
    gender = _GENDERS.get(gender_text.replace(" ", "").casefold()) if gender_text else Gender.UNKNOWN.value
    if gender is None:
        nearest = difflib.get_close_matches(gender_text, [g.value for g in Gender], n=3, cutoff=0.4)
        problems.append(
            Problem(
                "gender",
                "unknown",
                _("“%(value)s” is not a gender of HTCDS 2.0.") % {"value": gender_text},
                value=gender_text,
                suggestions=tuple(nearest or [g.value for g in Gender]),
            )
        )
    person["gender"] = gender or Gender.UNKNOWN.value
    citizenships, found = validation.check_countries(
        "citizenships", gettext_lazy("Citizenship"), cells.get("prs_Citizenship", ""), vocabulary=vocabulary
    )
    problems.extend(found)
    person["citizenships"] = citizenships or []
    return person


def _consent_problems(cells: Mapping[str, str]) -> list[Problem]:
    """A submission whose person said no to being recorded is refused, whatever else it holds."""
    answer = cells.get("con_Consent", "").strip()
    if not answer or answer.casefold() in _CONSENT_YES:
        return []
    if answer.casefold() in _CONSENT_NO:
        message = _(
            "The person did not consent to being recorded (consent: %(value)s), so this record is "
            "not imported. Delete the row, or, if the answer was entered by mistake, correct it at "
            "the source first."
        )
        return [Problem("consent", "no_consent", message % {"value": answer}, value=answer[:100])]
    return [
        Problem(
            "consent",
            "unknown",
            _("“%(value)s” is not an answer to the consent question.") % {"value": answer[:100]},
            value=answer[:100],
            suggestions=("TRUE", "FALSE"),
        )
    ]


def convert(number: int, cells: Mapping[str, str], vocabulary: Vocabulary) -> Row:
    """Check one row; ``row.problems`` lists every rejected cell, the clean values are kept."""
    row = Row(number=number, cells=dict(cells))
    row.problems.extend(_formula_problems(cells))
    if row.problems:
        return row  # a formula cell is never checked further nor kept
    row.problems.extend(_consent_problems(cells))
    if row.problems:
        return row  # nothing of a refusing person is checked further nor kept
    row.external_id = cells.get("record_id", "").strip()[:200]
    registered = _registered_on(cells)
    facts: dict[str, Any] = {"registered_on": registered}
    for target, name in _FACTS.items():
        if cells.get(target, "").strip():
            facts[name] = cells[target].strip()
    sector = _ISIC.match(facts.get("labour_sector", ""))
    if sector:
        facts["labour_sector"] = sector.group(1)
    status = cells.get("vic_TraffickingStatus", "").strip()
    decision = {
        "status": _STATUS.get(status.casefold(), status),
        "decision_org_type": cells.get("vic_TraffickingStatusDecisionMakingOrg", "").strip()
        or DEFAULT_DECISION_ORG_TYPE,
        "decided_on": registered,
    }
    row.clean_facts, found = validation.check_case(facts, vocabulary=vocabulary)
    row.problems.extend(found)
    row.clean_decision, found = validation.check_decision(decision, vocabulary=vocabulary)
    # The decision date is the registration date: say it once, on the registration column.
    row.problems.extend(p for p in found if p.field != "decided_on")
    row.person = _person(cells, vocabulary, row.problems)
    row.facts, row.decision = facts, decision
    return row

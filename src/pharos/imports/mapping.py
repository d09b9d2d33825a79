"""Which column of a file holds which field: suggestions from headers and HXL hashtags.

Targets are the HTCDS column names Pharos imports (the generator's layout and the HTCDS
Excel template's, whose ``vic_TraffickinStatusDecisionMakingOrg`` is misspelt), plus
``record_id`` for the row's identifier in the source system. A header matches a target by
its name, its human label in the template's second row, or a known alias, ignoring case,
spaces and punctuation; an HXL hashtag row (``#affected+name+first``) is matched the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

IGNORE: Final = ""

# target → the names a column of that target goes by (after squeezing).
TARGETS: Final[dict[str, tuple[str, ...]]] = {
    "record_id": ("record_id", "id", "instanceid", "meta/instanceid", "case id", "#meta+id"),
    "prs_FirstName": ("prs_FirstName", "first name", "given name", "#affected+name+first"),
    "prs_SecondName": (
        "prs_SecondName",
        "second name",
        "family name",
        "surname",
        "last name",
        "#affected+name+last",
    ),
    "prs_Birthdate": ("prs_Birthdate", "birthdate", "date of birth", "#date+birth"),
    "prs_Gender": ("prs_Gender", "gender", "sex", "#affected+gender"),
    "prs_Citizenship": ("prs_Citizenship", "citizenship", "nationality", "#affected+nationality"),
    "vic_TraffickingStatus": ("vic_TraffickingStatus", "trafficking status", "#status+trafficking"),
    "vic_TraffickingStatusDecisionMakingOrg": (
        "vic_TraffickingStatusDecisionMakingOrg",
        "vic_TraffickinStatusDecisionMakingOrg",
        "trafficking status decision making organization",
        "trafficking status decision making organisation",
    ),
    "vic_RegistrationDate": ("vic_RegistrationDate", "registration date", "#date+reported"),
    "vic_YearOfRegistration": ("vic_YearOfRegistration", "year of registration", "#date+year"),
    "vic_CountryOfExploitation": (
        "vic_CountryOfExploitation",
        "country of exploitation",
        "#country+exploitation",
    ),
    "vic_TypeOfExploitation": ("vic_TypeOfExploitation", "type of exploitation"),
    "vic_ForcedLabourIndustry": ("vic_ForcedLabourIndustry", "forced labour industry"),
    "vic_TypeOfSexExploitation": ("vic_TypeOfSexExploitation", "type of sex exploitation"),
    "vic_MethodsOfControl": ("vic_MethodsOfControl", "methods of control"),
    "vic_MethodOfRecruitment": ("vic_MethodOfRecruitment", "method of recruitment"),
    "vic_RecruiterRelationship": ("vic_RecruiterRelationship", "recruiter relationship"),
    "vic_AgeAtRecruitment": ("vic_AgeAtRecruitment", "vic_AgeWhenTrafficked", "age at recruitment"),
    "vic_AgeAtExploitation": ("vic_AgeAtExploitation", "age at exploitation"),
    "vic_AgeAtIdentification": ("vic_AgeAtIdentification", "age at identification"),
    # The HTCDS XLSForm's consent question: a submission answered "No" is never imported.
    "con_Consent": ("con_Consent", "consent"),
}
_SQUEEZE: Final = re.compile(r"[\W_]+")


def squeeze(text: str) -> str:
    return _SQUEEZE.sub("", text).casefold()


_BY_NAME: Final[dict[str, str]] = {squeeze(alias): t for t, aliases in TARGETS.items() for alias in aliases}
# HXL tags keep their order-free attributes apart: "#affected +first +name" == "#affected+name+first".


def _hxl_key(tag: str) -> str:
    parts = [p.strip().casefold() for p in tag.replace(" ", "").split("+")]
    return "+".join([parts[0], *sorted(p for p in parts[1:] if p)])


_BY_HXL: Final[dict[str, str]] = {
    _hxl_key(alias): t for t, aliases in TARGETS.items() for alias in aliases if alias.startswith("#")
}


def target_for(header: str) -> str:
    """The target a header or HXL hashtag stands for; ``IGNORE`` when none."""
    text = header.strip()
    if text.startswith("#"):
        return _BY_HXL.get(_hxl_key(text), IGNORE)
    return _BY_NAME.get(squeeze(text), IGNORE)


def is_hxl_row(row: Sequence[str]) -> bool:
    cells = [c.strip() for c in row if c.strip()]
    return bool(cells) and all(c.startswith("#") for c in cells)


def suggest(headers: Sequence[str], hxl: Sequence[str] = ()) -> dict[str, str]:
    """header → target for each header; a header with no match maps to ``IGNORE``.

    The first column naming a target wins; a later duplicate is ignored.
    """
    found: dict[str, str] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        target = target_for(header)
        if not target and index < len(hxl):
            target = target_for(hxl[index])
        if target in used:
            target = IGNORE
        if target:
            used.add(target)
        found.setdefault(header, target)
    return found


def apply(saved: Mapping[str, str], headers: Sequence[str], hxl: Sequence[str] = ()) -> dict[str, str]:
    """A saved mapping over the suggestions: saved choices win, new headers get suggestions."""
    mapping = suggest(headers, hxl)
    for header in headers:
        if header in saved:
            mapping[header] = saved[header] if saved[header] in TARGETS else IGNORE
    return mapping


def looks_like_labels(row: Sequence[str], headers: Sequence[str]) -> bool:
    """The HTCDS template's second header row ("First Name" under ``prs_FirstName``)."""
    pairs = [(cell, header) for cell, header in zip(row, headers, strict=False) if cell.strip()]
    if len(pairs) < 3:
        return False
    alike = sum(
        1 for cell, header in pairs if target_for(cell) or squeeze(cell) == squeeze(header.split("_", 1)[-1])
    )
    return alike * 2 >= len(pairs)

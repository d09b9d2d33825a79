"""Reads of the code lists loaded in the database (reference data: no tenant scope).

``codes`` answers "what may be chosen on this date", ``label`` "what does this stored code
mean" (also for codes closed since the record was made) and ``map_code`` "which category of
another standard does it count in".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language

from pharos.standards.codelists import MAPPING_TARGETS, Mapping
from pharos.standards.models import Code, CodeList


class UnknownCode(LookupError):
    """A list key or a code that the loaded code lists do not have."""


@dataclass(frozen=True)
class Choice:
    """One selectable code with its label in the requested language."""

    code: str
    label: str
    verified: bool


def _language(language: str | None) -> str:
    return (language or get_language() or "en").lower().replace("_", "-")


def get_code_list(list_key: str) -> CodeList:
    found = CodeList.objects.filter(key=list_key).first()
    if found is None:
        raise UnknownCode(f"No code list {list_key!r} is loaded (run `pharos codelists load`)")
    return found


def codes(list_key: str, on: date | None = None, language: str | None = None) -> list[Choice]:
    """The codes of a list valid on ``on`` (today by default), in display order."""
    day = on or timezone.localdate()
    wanted = _language(language)
    rows = (
        Code.objects.filter(code_list=get_code_list(list_key), valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("sort_order", "code")
    )
    return [Choice(code=row.code, label=row.label_in(wanted), verified=row.verified) for row in rows]


def _version(list_key: str, code: str, on: date | None) -> Code:
    """The version of a code valid on ``on``, else its latest version, closed or not."""
    rows = list(Code.objects.filter(code_list__key=list_key, code=code).order_by("-valid_from"))
    if not rows:
        raise UnknownCode(f"{list_key}: no code {code!r}")
    if on is not None:
        for row in rows:
            if row.valid_on(on):
                return row
    return rows[0]


def label(list_key: str, code: str, language: str | None = None, *, on: date | None = None) -> str:
    """The label of a stored code; the code itself when the list does not know it.

    Closed codes keep their label, so an old record still reads as it did when it was made.
    """
    try:
        return _version(list_key, code, on).label_in(_language(language))
    except UnknownCode:
        return code


def labels(list_key: str, language: str | None = None) -> dict[str, str]:
    """Every code of a list (closed ones too) with its latest label: for tables and exports."""
    wanted = _language(language)
    found: dict[str, str] = {}
    for row in Code.objects.filter(code_list__key=list_key).order_by("code", "valid_from"):
        found[row.code] = row.label_in(wanted)
    return found


def map_code(list_key: str, code: str, to: str = "eurostat", *, on: date | None = None) -> Mapping:
    """The category of standard ``to`` (htcds, ctdc, eurostat, unodc) that ``code`` counts in.

    None when the list says the code has no counterpart there; ``UnknownCode`` when the code
    is not in the list at all (statistics must not silently drop a record).
    """
    if to not in MAPPING_TARGETS:
        raise ValueError(f"Mapping target must be one of {MAPPING_TARGETS}, not {to!r}")
    mapped: Mapping = _version(list_key, code, on).mappings.get(to)
    return mapped


def resolve(list_key: str, value: str, *, on: date | None = None) -> str | None:
    """The code for a value as found in a file: the code, an alias, or an English label.

    Matching ignores case and surrounding spaces (``"DebtBondage "``, ``"Unaquainted"``).
    """
    wanted = value.strip().casefold()
    if not wanted:
        return None
    rows = Code.objects.filter(code_list__key=list_key)
    if on is not None:
        rows = rows.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    for row in rows.order_by("sort_order", "-valid_from"):
        candidates = [row.code, str(row.labels.get("en", "")), *row.aliases]
        if any(wanted == str(c).strip().casefold() for c in candidates):
            return row.code
    return None

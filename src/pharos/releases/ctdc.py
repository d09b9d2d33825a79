"""The CTDC layout as a DP release sees it: the public codebook of every column, and the
conversion of an HTCDS file (what ``pharos generate`` writes) to CTDC rows without a database.

The codebook is public knowledge (code lists, ISO countries, a year range), so a DP release
never learns a column's values from the records (PRIVACY_RELEASE.md §3.5 point 4).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from pharos.standards.codelists import read_all

# The same as pharos.exports.formats.CTDC_COLUMNS (a test keeps them equal); repeated here so the
# benchmark and this module load without Django's app registry.
CTDC_COLUMNS: tuple[str, ...] = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "traffickMonths",
    "meansDebtBondageEarnings",
    "meansThreats",
    "meansAbusePsyPhySex",
    "meansFalsePromises",
    "meansDrugsAlcohol",
    "meansDenyBasicNeeds",
    "meansExcessiveWorkHours",
    "meansWithholdDocs",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "typeOfLabourAgriculture",
    "typeOfLabourConstruction",
    "typeOfLabourDomesticWork",
    "typeOfLabourHospitality",
    "typeOfSexProstitution",
    "typeOfSexPornography",
    "recruiterRelationIntimatePartner",
    "recruiterRelationFriend",
    "recruiterRelationFamily",
    "recruiterRelationOther",
)
_AGE_BANDS: tuple[tuple[int, str], ...] = (
    (8, "0--8"),
    (17, "9--17"),
    (20, "18--20"),
    (23, "21--23"),
    (26, "24--26"),
    (29, "27--29"),
    (38, "30--38"),
    (47, "39--47"),
)


def _ctdc_age(age: int) -> str:
    for limit, band in _AGE_BANDS:
        if age <= limit:
            return band
    return "48+"


COUNTRY_COLUMNS = ("citizenship", "CountryOfExploitation")
# Not a CTDC column: identified or presumed victim (Eurostat's split, the statistics module's
# status tables). Releases measure and publish it; synthetic microdata keep the CTDC layout.
STATUS = "status"
STATUS_VALUES = ("identified", "presumed")
# Columns a DP release measures: traffickMonths is always empty in our CTDC export.
DP_COLUMNS: tuple[str, ...] = (*(c for c in CTDC_COLUMNS if c != "traffickMonths"), STATUS)
FLAG_COLUMNS: tuple[str, ...] = CTDC_COLUMNS[6:]


@cache
def countries() -> list[dict[str, Any]]:
    """The ISO country table (codes, alpha-3, names in the five languages): public reference data."""
    path = Path(__file__).resolve().parent.parent / "tenancy" / "data" / "countries.json"
    return list(json.loads(path.read_text(encoding="utf-8"))["countries"])


def codebook(first_year: int, last_year: int, *, alpha3: bool = True) -> dict[str, list[str]]:
    """The values each CTDC column may take: public, so a DP release may rely on it."""
    lists = read_all()
    codes = [str(c["alpha3"] if alpha3 else c["code"]) for c in countries()]
    book: dict[str, list[str]] = {
        "yearOfRegistration": [str(y) for y in range(first_year, last_year + 1)],
        "gender": [e.code for e in lists["ctdc.gender"].codes],
        "ageBroad": [e.code for e in lists["ctdc.age_broad"].codes],
        "citizenship": codes,
        "CountryOfExploitation": codes,
        STATUS: list(STATUS_VALUES),
    }
    for column in FLAG_COLUMNS:
        book[column] = ["1"]
    return book


@cache
def _ctdc_mappings() -> dict[str, dict[str, str]]:
    """HTCDS code → CTDC value for the lists the generator's file uses."""
    out: dict[str, dict[str, str]] = {}
    for key, parsed in read_all().items():
        mapping = {e.code: e.mappings.get("ctdc") for e in parsed.codes}
        out[key] = {k: v for k, v in mapping.items() if isinstance(v, str)}
    return out


_FLAG_LISTS = {
    "vic_TypeOfExploitation": "htcds.vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry": "htcds.vic_ForcedLabourIndustry",
    "vic_TypeOfSexExploitation": "htcds.vic_TypeOfSexExploitation",
    "vic_MethodsOfControl": "htcds.vic_MethodsOfControl",
    "vic_RecruiterRelationship": "pharos.recruiter_relationship",
}
_NOT_VICTIM = "NotAVictimOfTrafficking"


@cache
def _status_of() -> dict[str, str]:
    """HTCDS trafficking status → identified / presumed (the code list's Eurostat mapping)."""
    codes = read_all()["htcds.vic_TraffickingStatus"].codes
    found: dict[str, str] = {}
    for entry in codes:
        mapped = entry.mappings.get("eurostat")
        if isinstance(mapped, str):
            found[entry.code] = mapped
    return found


def rows_from_htcds_csv(path: Path) -> Iterator[dict[str, str]]:
    """CTDC rows (alpha-2 countries) of the registered victims in an HTCDS CSV file."""
    maps = _ctdc_mappings()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for source in csv.DictReader(handle):
            if source.get("vic_TraffickingStatus") == _NOT_VICTIM:
                continue
            status = _status_of().get(source.get("vic_TraffickingStatus") or "")
            flags: set[str] = set()
            for column, key in _FLAG_LISTS.items():
                for code in (source.get(column) or "").split(";"):
                    mapped = maps.get(key, {}).get(code.strip())
                    if mapped:
                        flags.add(mapped)
            age = source.get("vic_AgeAtIdentification") or ""
            row = dict.fromkeys(CTDC_COLUMNS, "")
            row.update(
                {
                    "yearOfRegistration": source.get("vic_YearOfRegistration", ""),
                    "gender": maps.get("htcds.prs_Gender", {}).get(source.get("prs_Gender", ""), ""),
                    "ageBroad": _ctdc_age(int(age)) if age.isdigit() else "",
                    "citizenship": (source.get("prs_Citizenship") or "").split(";")[0],
                    "CountryOfExploitation": source.get("vic_CountryOfExploitation", ""),
                    STATUS: status or "",
                }
            )
            for column in FLAG_COLUMNS:
                row[column] = "1" if column in flags else ""
            yield row

"""CTDC's published research layouts: their columns, code lists, detection and row checks.

- ``ctdc-global``: the Global Synthetic Dataset v2024, 27 variables (codebook v2, Feb 2024;
  ``STANDARDS.md`` §3.2). Flags are ``1`` or empty (NULL); countries ISO 3166-1 alpha-3.
- ``ctdc-vp``: the Victim-Perpetrator Synthetic Dataset, 16 variables (VP codebook v1;
  ``STANDARDS.md`` §3.4). Empty is missing; several values in one cell are ``;``-joined.

CTDC's files may not be redistributed: these are the layouts only, and the tests build their
own files from these code lists. A value is checked against its column's list; a rejected
cell gets the same kind of explanation (with the nearest valid values) as a case import.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from django.utils.translation import gettext as _

from pharos.cases.validation import Problem

GLOBAL: Final = "ctdc-global"
VICTIM_PERPETRATOR: Final = "ctdc-vp"
FLAG: Final = ("1",)
NULLS: Final = frozenset({"", "NULL", "null", "NA"})  # the codebook writes NULL; the CSVs leave it empty
UN_REGIONS: Final = ("Africa", "Americas/Oceania", "Asia", "Europe")
COUNTRIES_FILE: Final = Path(__file__).resolve().parents[1] / "tenancy" / "data" / "countries.json"
FIRST_YEAR: Final = 2002  # the Global Synthetic Dataset starts in 2002


@dataclass(frozen=True)
class Column:
    """One variable: the codes it takes (empty: free), aliases spelt otherwise, whether ``;``-lists."""

    name: str
    codes: tuple[str, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)
    multiple: bool = False
    kind: str = "code"  # "code", "year" or "country"


@dataclass(frozen=True)
class Layout:
    key: str
    title: str
    source: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _flags(*names: str) -> tuple[Column, ...]:
    return tuple(Column(n, FLAG) for n in names)


LAYOUTS: Final[dict[str, Layout]] = {
    GLOBAL: Layout(
        key=GLOBAL,
        title="CTDC Global Synthetic Dataset (27 variables)",
        source="Counter-Trafficking Data Collaborative (CTDC), Global Synthetic Dataset, codebook v2 (2024)",
        columns=(
            Column("yearOfRegistration", kind="year"),
            Column("gender", ("Man", "Woman", "Trans/Transgender/NonConforming")),
            Column(
                "ageBroad",
                ("0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+"),
                aliases={"09--17": "9--17"},
            ),
            Column("citizenship", kind="country"),
            Column("CountryOfExploitation", kind="country"),
            Column("traffickMonths", ("0--12 (0-1 yr)", "13--24 (1-2 yrs)", "25+ (2+ yrs)")),
            *_flags(
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
            ),
        ),
    ),
    VICTIM_PERPETRATOR: Layout(
        key=VICTIM_PERPETRATOR,
        title="CTDC Victim-Perpetrator Synthetic Dataset (16 variables)",
        source="Counter-Trafficking Data Collaborative (CTDC), Victim-Perpetrator Synthetic Dataset, codebook v1",
        columns=(
            Column("yearRegister", ("2005-2013", "2014-2018", "2019", "2020", "2021-2022")),
            Column("gender", ("Female", "Male")),
            Column("majorityStatus", ("Adult", "Minor")),
            *_flags("isForcedLabour", "isSexualExploit"),
            Column("UN_COO_Region", UN_REGIONS),
            Column("UN_COE_Region", UN_REGIONS),
            *_flags("IP_RecruiterBroker", "IP_TransactionProcess", "IP_ControlAbuseKidnap", "IP_Exploiter"),
            Column(
                "IP_Relation",
                ("FamilyIntimatePartner", "FriendAcquaintance", "StrangerUnknownOther"),
                multiple=True,
            ),
            Column("IP_Gender", ("Female", "Male"), multiple=True),
            Column("IP_ageBroad", ("0--29", "30--38", "39--47", "48+"), multiple=True),
            Column("IP_citizen_UNRegion", UN_REGIONS, multiple=True),
            Column("IP_PayMoney", ("No", "Yes"), multiple=True),
        ),
    ),
}


def detect(headers: Sequence[str]) -> Layout | None:
    """The layout whose columns are all in the header row (CTDC files carry exactly these)."""
    present = {h.strip() for h in headers}
    for layout in LAYOUTS.values():
        if set(layout.names) <= present:
            return layout
    return None


def missing(layout: Layout, headers: Sequence[str]) -> list[str]:
    present = {h.strip() for h in headers}
    return [name for name in layout.names if name not in present]


@functools.cache
def alpha3_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-3 codes from the reference file the organisations' countries come from."""
    data = json.loads(COUNTRIES_FILE.read_text(encoding="utf-8"))
    return frozenset(c["alpha3"] for c in data["countries"] if c.get("alpha3"))


def _unknown(column: Column, value: str, valid: Sequence[str]) -> Problem:
    nearest = difflib.get_close_matches(value, list(valid), n=5, cutoff=0.5)
    return Problem(
        column.name,
        "unknown",
        _("“%(value)s” is not a code of %(column)s.") % {"value": value, "column": column.name},
        value=value[:100],
        suggestions=tuple(nearest or list(valid)[:8]),
    )


def _check_one(column: Column, value: str, this_year: int) -> tuple[str, Problem | None]:
    if column.kind == "year":
        if not (value.isdigit() and FIRST_YEAR <= int(value) <= this_year):
            return "", Problem(
                column.name,
                "year",
                _("“%(value)s” is not a year from %(first)d to %(last)d.")
                % {"value": value, "first": FIRST_YEAR, "last": this_year},
                value=value[:100],
            )
        return value, None
    if column.kind == "country":
        code = value.upper()
        if code not in alpha3_codes():
            return "", _unknown(column, value, sorted(alpha3_codes()))
        return code, None
    code = column.aliases.get(value, value)
    if code not in column.codes:
        folded = {c.casefold(): c for c in column.codes}
        if code.casefold() in folded:
            return folded[code.casefold()], None
        return "", _unknown(column, value, column.codes)
    return code, None


def check(row: Mapping[str, str], layout: Layout) -> tuple[dict[str, str], list[Problem]]:
    """The row's values by column (codes in their canonical spelling) and what is wrong."""
    this_year = datetime.date.today().year
    clean: dict[str, str] = {}
    problems: list[Problem] = []
    for column in layout.columns:
        text = (row.get(column.name) or "").strip()
        if text in NULLS:
            clean[column.name] = ""
            continue
        parts = [p.strip() for p in text.split(";")] if column.multiple else [text]
        values = []
        for part in parts:
            if not part:
                continue
            value, problem = _check_one(column, part, this_year)
            if problem is not None:
                problems.append(problem)
            else:
                values.append(value)
        clean[column.name] = ";".join(values)
    return clean, problems

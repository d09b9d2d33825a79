"""The export formats: each builds a ``Table`` from the scoped records; writers put it in a file.

Case-level formats (HTCDS, CTDC) have a row per victim case; HXL, Eurostat, UNODC and SDMX
are aggregate counts built through the code lists' mappings (``standards.queries.map_code``).
See ``docs/data-standard.md`` ("Exports") for the layouts.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Final

from pharos.cases.models import FORMS_OF_EXPLOITATION, VictimCase
from pharos.exports import queries
from pharos.exports.queries import Mapper, Scope

FORMATS: Final = ("htcds-csv", "htcds-xlsx", "ctdc", "hxl", "eurostat", "unodc", "sdmx")
GENDER: Final = "htcds.prs_Gender"
NOT_APPLICABLE: Final = "_Z"
UNKNOWN: Final = "UNK"
# A cell starting with one of these is a formula (or becomes one) in Excel and LibreOffice.
FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
EU27: Final = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)

PERSONAL_COLUMNS: Final = {
    "prs_FirstName": "first_name",
    "prs_SecondName": "second_name",
    "prs_Birthdate": "birth_date",
    "prs_IdentityNumber": "identity_number",
}
HTCDS_COLUMNS: Final = (
    "pharos_CaseReference",
    "pharos_PersonReference",
    "pharos_Organisation",
    *PERSONAL_COLUMNS,
    "prs_Gender",
    "prs_Citizenship",
    *VictimCase.HTCDS.values(),
)
CTDC_COLUMNS: Final = (
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
CTDC_AGE_BANDS: Final = ((8, "0--8"), (17, "9--17"), (20, "18--20"), (23, "21--23"), (26, "24--26"))
CTDC_AGE_BANDS_OLDER: Final = ((29, "27--29"), (38, "30--38"), (47, "39--47"))
HXL_COLUMNS: Final = (
    ("Year", "#date+year"),
    ("Reporting country", "#country+code+reporting"),
    ("Country of exploitation", "#country+code+exploitation"),
    ("Form of exploitation", "#indicator+exploitation+code"),
    ("Victims", "#affected+total"),
    ("Female", "#affected+f"),
    ("Male", "#affected+m"),
    ("Children", "#affected+children"),
    ("Adults", "#affected+adults"),
)
EUROSTAT_DIMENSIONS: Final = (
    "TABLE",
    "GEO",
    "TIME_PERIOD",
    "VICT_STAT",
    "SEX",
    "AGE",
    "CITIZEN",
    "EXPLOIT",
    "LEG_STAT",
)
UNODC_DIMENSIONS: Final = ("TABLE", "GEO", "TIME_PERIOD", "AGE_SEX", "FORM", "CITIZENSHIP", "LEG_STAT", "SEX")
SDMX_DATAFLOW: Final = "PHAROS:THB_EUROSTAT(1.0)"


@dataclass
class Table:
    """What a writer puts in a file: columns, rows, notes (CSV comment lines, XLSX notes sheet)."""

    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    hashtags: list[str] | None = None
    personal: bool = False


def neutralise(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


# --- case-level formats --------------------------------------------------------------------------


def _status_counted(case: VictimCase, mapper: Mapper) -> str | None:
    """``identified`` or ``presumed`` for a registered victim; None for "not a victim"."""
    return mapper(
        VictimCase._meta.get_field("trafficking_status").list_key, case.trafficking_status, "eurostat"
    )  # type: ignore[attr-defined, no-any-return]


def _htcds_value(mapper: Mapper, name: str, value: Any) -> str:
    list_key = getattr(VictimCase._meta.get_field(name), "list_key", "")
    if not list_key:
        return "" if value is None else str(value)

    def one(code: str) -> str:
        mapped = mapper(list_key, code, "htcds")
        if mapped is None and list_key.startswith("htcds."):
            return code
        return ";".join(mapped) if isinstance(mapped, list) else (mapped or "")

    if isinstance(value, list):
        return ";".join(dict.fromkeys(v for v in (one(c) for c in value) if v))
    return one(value) if value else ""


def build_htcds(scope: Scope) -> Table:
    mapper = Mapper()
    table = Table(columns=list(HTCDS_COLUMNS), personal=scope.personal)
    if not scope.personal:
        table.notes.append(
            "Personal fields (" + ", ".join(PERSONAL_COLUMNS) + ") are left empty: the exporting "
            "user does not hold persons.view."
        )
    for case in queries.victim_cases(scope):
        person = case.person
        personal = [
            (getattr(person, attr) or "") if scope.personal else "" for attr in PERSONAL_COLUMNS.values()
        ]
        row: list[Any] = [case.reference, person.reference, case.organisation.code, *personal]
        row.append(person.gender)
        row.append(";".join(person.citizenships or []))
        row.extend(_htcds_value(mapper, name, getattr(case, name)) for name in VictimCase.HTCDS)
        table.rows.append([("" if v is None else str(v)) for v in row])
    return table


def _ctdc_age(age: int | None) -> str:
    if age is None:
        return ""
    for limit, band in CTDC_AGE_BANDS + CTDC_AGE_BANDS_OLDER:
        if age <= limit:
            return band
    return "48+"


def build_ctdc(scope: Scope) -> Table:
    """CTDC Global Synthetic Dataset layout (27 variables); never any personal field."""
    mapper = Mapper()
    alpha3 = queries.alpha3_codes()
    plain = dataclasses.replace(scope, personal=False)
    table = Table(columns=list(CTDC_COLUMNS))
    table.notes.append("Layout of CTDC's Global Synthetic Dataset v2024; NULL is an empty cell.")
    for case in queries.victim_cases(plain):
        if _status_counted(case, mapper) is None:
            continue
        table.rows.append(ctdc_values(case, mapper, alpha3))
    return table


def ctdc_values(case: VictimCase, mapper: Mapper, alpha3: dict[str, str]) -> list[str]:
    """A victim case's values in CTDC_COLUMNS order (countries as alpha-3 where ``alpha3`` knows them)."""
    flags: set[str] = set()
    flags.update(mapper.many("pharos.means_of_control", case.means_of_control, "ctdc"))
    flags.update(mapper.many(FORMS_OF_EXPLOITATION, case.forms_of_exploitation, "ctdc"))
    flags.update(mapper.many("isic.section", [case.labour_sector] if case.labour_sector else [], "ctdc"))
    flags.update(mapper.many("htcds.vic_TypeOfSexExploitation", case.sex_exploitation_types, "ctdc"))
    flags.update(mapper.many("pharos.recruiter_relationship", case.recruiter_relationships, "ctdc"))
    citizenships = case.person.citizenships or []
    row = [
        str(case.registered_on.year),
        mapper(GENDER, case.person.gender, "ctdc") or "",
        _ctdc_age(case.age_at_identification),
        alpha3.get(citizenships[0], citizenships[0]) if citizenships else "",
        alpha3.get(case.country_of_exploitation, case.country_of_exploitation),
        "",
    ]
    row.extend("1" if column in flags else "" for column in CTDC_COLUMNS[6:])
    return row


# --- aggregates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Victim:
    """The counted facts of one registered victim."""

    year: int
    geo: str
    status: str
    sex: str
    child: bool | None
    citizenships: tuple[str, ...]
    forms: tuple[str, ...]
    country_of_exploitation: str


def _victims(scope: Scope) -> Iterable[Victim]:
    mapper = Mapper()
    plain = dataclasses.replace(scope, personal=False)
    for case in queries.victim_cases(plain):
        status = _status_counted(case, mapper)
        if status is None:
            continue
        age = case.age_at_identification
        yield Victim(
            year=case.registered_on.year,
            geo=case.organisation.country.code,
            status=status,
            sex=mapper(GENDER, case.person.gender, "eurostat") or UNKNOWN,
            child=None if age is None else age < 18,
            citizenships=tuple(case.person.citizenships or []),
            forms=tuple(case.forms_of_exploitation or []),
            country_of_exploitation=case.country_of_exploitation,
        )


def _age(child: bool | None) -> str:
    return UNKNOWN if child is None else ("Y_LT18" if child else "Y_GE18")


def _citizen_group(victim: Victim) -> str:
    if not victim.citizenships:
        return UNKNOWN
    if victim.geo in victim.citizenships:
        return "NAT"
    if EU27.intersection(victim.citizenships):
        return "EU27_2020_FOR"
    return "NEU27_2020_FOR"


def _aggregate(dimensions: tuple[str, ...], counts: Counter[tuple[str, ...]]) -> Table:
    table = Table(columns=[*dimensions, "OBS_VALUE"])
    for key in sorted(counts):
        table.rows.append([*key, counts[key]])
    return table


def _key(dimensions: tuple[str, ...], **values: Any) -> tuple[str, ...]:
    return tuple(str(values.get(d, NOT_APPLICABLE)) for d in dimensions)


def build_eurostat(scope: Scope) -> Table:
    """Eurostat crim_thb breakdowns: victims by sex, age, citizenship, form; offenders by stage and sex."""
    dims = EUROSTAT_DIMENSIONS
    mapper = Mapper()
    counts: Counter[tuple[str, ...]] = Counter()
    for v in _victims(scope):
        base = {"GEO": v.geo, "TIME_PERIOD": v.year, "VICT_STAT": v.status, "LEG_STAT": "victim"}
        counts[_key(dims, TABLE="VICT_SEX", SEX=v.sex, **base)] += 1
        counts[_key(dims, TABLE="VICT_AGE_SEX", SEX=v.sex, AGE=_age(v.child), **base)] += 1
        counts[_key(dims, TABLE="VICT_CITIZEN", CITIZEN=_citizen_group(v), **base)] += 1
        for form in mapper.many(FORMS_OF_EXPLOITATION, list(v.forms), "eurostat") or [UNKNOWN]:
            counts[_key(dims, TABLE="VICT_EXPLOIT", EXPLOIT=form, **base)] += 1
    geo = scope.organisation.country.code
    for o in queries.offenders(scope):
        sex = mapper("unodc.sex", o.sex, "eurostat") or UNKNOWN
        stages = [("suspected", {o.suspected} if o.suspected else set()), ("prosecuted", o.prosecuted)]
        for stage, years in [*stages, ("convicted", o.convicted)]:
            for year in years:
                counts[
                    _key(dims, TABLE="OFFENDERS_SEX", GEO=geo, TIME_PERIOD=year, LEG_STAT=stage, SEX=sex)
                ] += 1
    table = _aggregate(dims, counts)
    table.notes.append("Eurostat THB (crim_thb) breakdowns; _Z = not applicable, UNK = unknown.")
    if not scope.justice:
        table.notes.append("No offender counts: the exporting user does not hold justice.view.")
    return table


def _unodc_age_sex(sex: str, child: bool | None) -> str:
    if sex not in ("female", "male") or child is None:
        return "unknown"
    return {("female", True): "girls", ("female", False): "women", ("male", True): "boys"}.get(
        (sex, child), "men"
    )


def build_unodc(scope: Scope) -> Table:
    """UNODC GLOTIP tables: victims by age/sex, form and citizenship; persons by stage, sex, citizenship."""
    dims = UNODC_DIMENSIONS
    mapper = Mapper()
    counts: Counter[tuple[str, ...]] = Counter()
    for v in _victims(scope):
        sex = {"F": "female", "M": "male"}.get(v.sex, "unknown")
        group = _unodc_age_sex(sex, v.child)
        base = {"GEO": v.geo, "TIME_PERIOD": v.year, "AGE_SEX": group}
        counts[_key(dims, TABLE="VICTIMS_AGE_SEX", **base)] += 1
        for form in mapper.many(FORMS_OF_EXPLOITATION, list(v.forms), "unodc") or ["unknown"]:
            counts[_key(dims, TABLE="VICTIMS_FORM", FORM=form, **base)] += 1
        for citizenship in v.citizenships or (UNKNOWN,):
            counts[
                _key(
                    dims, TABLE="VICTIMS_CITIZENSHIP", GEO=v.geo, TIME_PERIOD=v.year, CITIZENSHIP=citizenship
                )
            ] += 1
    geo = scope.organisation.country.code
    for o in queries.offenders(scope):
        sex = o.sex if o.sex in ("female", "male") else "unknown"
        stages = [("suspected", {o.suspected} if o.suspected else set()), ("prosecuted", o.prosecuted)]
        for stage, years in [*stages, ("convicted", o.convicted)]:
            for year in years:
                counts[
                    _key(dims, TABLE="PERSONS_SEX", GEO=geo, TIME_PERIOD=year, LEG_STAT=stage, SEX=sex)
                ] += 1
        for year in o.convicted:
            for citizenship in o.citizenships or [UNKNOWN]:
                counts[
                    _key(
                        dims,
                        TABLE="CONVICTED_CITIZENSHIP",
                        GEO=geo,
                        TIME_PERIOD=year,
                        CITIZENSHIP=citizenship,
                    )
                ] += 1
    table = _aggregate(dims, counts)
    table.notes.append("UNODC GLOTIP questionnaire tables; _Z = not applicable.")
    if not scope.justice:
        table.notes.append("No offender counts: the exporting user does not hold justice.view.")
    return table


def build_sdmx(scope: Scope) -> Table:
    """SDMX-CSV (version 1) of the Eurostat aggregates: DATAFLOW, the dimensions, OBS_VALUE."""
    eurostat = build_eurostat(scope)
    table = Table(columns=["DATAFLOW", *eurostat.columns])
    table.rows = [[SDMX_DATAFLOW, *row] for row in eurostat.rows]
    return table


def build_hxl(scope: Scope) -> Table:
    """Victims per year, country of exploitation and form, with HXL hashtags under the header."""
    counts: dict[tuple[Any, ...], Counter[str]] = {}
    for v in _victims(scope):
        for form in v.forms or (UNKNOWN,):
            cell = counts.setdefault((v.year, v.geo, v.country_of_exploitation or UNKNOWN, form), Counter())
            cell["total"] += 1
            cell[{"F": "f", "M": "m"}.get(v.sex, "")] += 1
            cell["" if v.child is None else ("children" if v.child else "adults")] += 1
    table = Table(columns=[c for c, _ in HXL_COLUMNS], hashtags=[t for _, t in HXL_COLUMNS])
    for key in sorted(counts):
        c = counts[key]
        table.rows.append([*key, c["total"], c["f"], c["m"], c["children"], c["adults"]])
    return table


BUILDERS: Final[dict[str, Callable[[Scope], Table]]] = {
    "htcds-csv": build_htcds,
    "htcds-xlsx": build_htcds,
    "ctdc": build_ctdc,
    "hxl": build_hxl,
    "eurostat": build_eurostat,
    "unodc": build_unodc,
    "sdmx": build_sdmx,
}


# --- writers -------------------------------------------------------------------------------------


def write_csv(table: Table, target: BinaryIO, *, comments: bool = True) -> None:
    """UTF-8 with a BOM (so Excel reads it as UTF-8); notes as leading ``#`` lines; formulas neutralised."""
    handle = io.TextIOWrapper(target, encoding="utf-8-sig", newline="", write_through=True)
    try:
        if comments:
            for note in table.notes:
                handle.write("# " + note.replace("\n", " ") + "\r\n")
        writer = csv.writer(handle)
        writer.writerow(table.columns)
        if table.hashtags:
            writer.writerow(table.hashtags)
        for row in table.rows:
            writer.writerow([neutralise(v) for v in row])
        handle.flush()
    finally:
        handle.detach()  # the caller owns ``target``


def write_xlsx(table: Table, target: BinaryIO) -> None:
    """One data sheet, one notes sheet; every text cell is stored as text, never as a formula."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "data"
    sheet.append(table.columns)
    for row in table.rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # "=…" would otherwise be stored as a formula
    notes = book.create_sheet("notes")
    for note in table.notes or ["No notes."]:
        notes.append([note])
        notes.cell(row=notes.max_row, column=1).data_type = "s"
    book.save(target)


def write(fmt: str, table: Table, target: BinaryIO) -> None:
    """Write ``table`` in the file layout of ``fmt`` to a binary stream (never a temporary file)."""
    if fmt == "htcds-xlsx":
        write_xlsx(table, target)
    else:
        # SDMX-CSV and HXL readers expect the header on the first line: no comment lines there.
        write_csv(table, target, comments=fmt not in ("sdmx", "hxl"))


def media_type(fmt: str) -> str:
    if fmt == "htcds-xlsx":
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return "text/csv; charset=utf-8"


def file_name(fmt: str, organisation_code: str, day: str) -> str:
    extension = "xlsx" if fmt == "htcds-xlsx" else "csv"
    return f"pharos-{organisation_code}-{fmt}-{day}.{extension}"

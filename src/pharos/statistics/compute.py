"""Compute the standard tables with DuckDB over Arrow copies of the records.

Pipeline: ``extract`` reads the clear columns once into Arrow; DuckDB (in memory, no files)
maps codes to the Eurostat categories, reduces case records to **one row per person unit,
reporting country and year** (``units`` decides what one person is), and counts each table
with ``GROUP BY CUBE`` so every margin is counted from the records (``count(DISTINCT unit)``),
not summed from cells. How one person with several records in a year is described:

- status: ``identified`` if any record says so, else ``presumed`` (records with "not a
  victim" are not registered victims and are left out);
- sex: a known sex from any record, else unknown;
- age group: from the age at identification of the earliest record that has one;
- citizenships, forms of exploitation, types of identifying organisation: the union over
  the records (multi-select, see CTDC's denominator rule in ``tables``).

Suspects are counted once per stage (suspected, prosecuted, convicted) and year; forms of
exploitation come from the proceedings they are defendants in.
"""

# The SQL below is assembled from column names and codes defined in this module, code lists and
# settings, never from request input: hence S608 is silenced for the file.
# ruff: noqa: S608
from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import duckdb
import pyarrow as pa
from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext as _

from pharos.cases.models import DECISION_ORG_TYPE, FORMS_OF_EXPLOITATION, VICTIM_STATUS
from pharos.exports.formats import EU27, GENDER
from pharos.exports.queries import Mapper
from pharos.statistics import extract, units
from pharos.statistics.queries import StatsScope
from pharos.statistics.tables import TOTAL, UNKNOWN, Cell, Dimension, StandardTable

SEX_LIST: Final = "unodc.sex"

# (code, English label, member countries): the first group whose list holds one of the
# person's citizenships wins, after "national" (the reporting country itself). A person with
# citizenships but none listed falls in OTHER_GROUP. Override with PHAROS_STATS_CITIZENSHIP_GROUPS.
DEFAULT_CITIZENSHIP_GROUPS: Final = (("EU27_2020_FOR", "Other EU country", tuple(sorted(EU27))),)
OTHER_GROUP: Final = ("NEU27_2020_FOR", "Non-EU country")
NATIONAL_GROUP: Final = "NAT"


@dataclass(frozen=True)
class Data:
    """The Arrow copies one computation reads."""

    victims: pa.Table
    suspects: pa.Table
    defendants: pa.Table
    proceedings: pa.Table


def load(scope: StatsScope) -> Data:
    empty = pa.table({})
    if not scope.justice:
        return Data(extract.victims(scope), empty, empty, empty)
    return Data(
        extract.victims(scope), extract.suspects(scope), extract.defendants(scope), extract.proceedings(scope)
    )


def citizenship_groups() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    configured = getattr(settings, "PHAROS_STATS_CITIZENSHIP_GROUPS", None)
    return tuple(configured) if configured else DEFAULT_CITIZENSHIP_GROUPS


# --- code mappings -------------------------------------------------------------------------------


def _map_table(list_key: str, codes: Sequence[str], to: str) -> pa.Table:
    mapper = Mapper()
    rows: dict[str, list[str | None]] = {"code": [], "mapped": []}
    for code in codes:
        mapped: list[str | None] = list(mapper.many(list_key, [code], to)) or [None]
        for value in mapped:
            rows["code"].append(code)
            rows["mapped"].append(value)
    return pa.table(rows, schema=pa.schema([("code", pa.string()), ("mapped", pa.string())]))


def _distinct(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    return [row[0] for row in con.execute(sql).fetchall() if row[0]]


# --- the person-level view -----------------------------------------------------------------------


def _case_when_group() -> str:
    parts = ["WHEN len(cits) = 0 THEN 'UNK'", f"WHEN list_contains(cits, country) THEN '{NATIONAL_GROUP}'"]
    for code, _label, countries in citizenship_groups():
        members = ", ".join(f"'{c}'" for c in countries if c.isalnum())
        parts.append(f"WHEN list_has_any(cits, [{members}]::VARCHAR[]) THEN '{code}'")
    return "CASE " + " ".join(parts) + f" ELSE '{OTHER_GROUP[0]}' END"


def prepare(con: duckdb.DuckDBPyConnection, data: Data) -> None:
    """Register the Arrow data and build the person-level table ``py``."""
    con.register("cases", data.victims)
    statuses = _distinct(con, "SELECT DISTINCT status FROM cases")
    genders = _distinct(con, "SELECT DISTINCT gender FROM cases")
    con.register("status_map", _map_table(VICTIM_STATUS, statuses, "eurostat"))
    con.register("sex_map", _map_table(GENDER, genders, "eurostat"))
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE c AS
        SELECT case_id, unit, country, year, registered_on, s.mapped AS status, age,
               coalesce(nullif(org_type, ''), 'UNK') AS org_type,
               coalesce(g.mapped, 'UNK') AS sex,
               coalesce(from_json(citizenships, '["VARCHAR"]'), []::VARCHAR[]) AS cits,
               coalesce(from_json(forms, '["VARCHAR"]'), []::VARCHAR[]) AS forms
        FROM cases
        JOIN status_map s ON cases.status = s.code
        LEFT JOIN sex_map g ON cases.gender = g.code
        WHERE s.mapped IS NOT NULL
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE py AS
        SELECT *,
               CASE WHEN age IS NULL THEN 'UNK' WHEN age < 18 THEN 'Y_LT18' ELSE 'Y_GE18' END AS age_group,
               {_case_when_group()} AS cit_group
        FROM (
            SELECT unit, country, CAST(year AS VARCHAR) AS year,
                   CASE WHEN bool_or(status = 'identified') THEN 'identified' ELSE 'presumed' END AS status,
                   coalesce(max(sex) FILTER (WHERE sex <> 'UNK'), 'UNK') AS sex,
                   arg_min(age, registered_on) FILTER (WHERE age IS NOT NULL) AS age,
                   list_distinct(flatten(list(cits))) AS cits,
                   list_distinct(flatten(list(forms))) AS forms,
                   list_distinct(flatten(list([org_type]))) AS org_types
            FROM c GROUP BY unit, country, year
        )
        """
    )
    forms = _distinct(con, "SELECT DISTINCT unnest(forms) FROM py")
    con.register("form_map", _map_table(FORMS_OF_EXPLOITATION, forms, "eurostat"))


# --- counting ------------------------------------------------------------------------------------


def cube(con: duckdb.DuckDBPyConnection, source: str, dims: Sequence[str], multi: str | None) -> list[Cell]:
    """Cells and margins of ``source`` over ``dims``: distinct units, with CTDC shares for ``multi``."""
    keys = ", ".join(
        f"CASE WHEN grouping({d}) = 1 THEN '{TOTAL}' ELSE CAST({d} AS VARCHAR) END" for d in dims
    )
    known = f", count(DISTINCT unit) FILTER (WHERE {multi} <> '{UNKNOWN}')" if multi else ""
    rows = con.execute(
        f"SELECT {keys}, count(DISTINCT unit){known} FROM ({source}) GROUP BY CUBE ({', '.join(dims)})"
    ).fetchall()
    width = len(dims)
    if not multi:
        return [Cell(key=tuple(r[:width]), count=int(r[width])) for r in rows]
    position = list(dims).index(multi)
    knowns = {tuple(r[:width]): int(r[width + 1]) for r in rows if r[position] == TOTAL}
    cells = []
    for r in rows:
        key = tuple(r[:width])
        count = int(r[width])
        if key[position] in (TOTAL, UNKNOWN):
            cells.append(Cell(key=key, count=count))
            continue
        denominator = knowns.get((*key[:position], TOTAL, *key[position + 1 :]), 0)
        share = round(count / denominator, 4) if denominator else None
        cells.append(Cell(key=key, count=count, values={"share": share, "denominator": denominator}))
    return cells


def _table(
    name: str,
    title: str,
    dims: list[Dimension],
    entries: list[Cell],
    *,
    standard: str,
    notes: Sequence[str] = (),
) -> StandardTable:
    multi = next((d for d in dims if d.multi_select), None)
    ordered = sorted(entries, key=lambda c: c.key)
    return StandardTable(
        name=name,
        title=title,
        dimensions=dims,
        cells=[c for c in ordered if not c.is_margin],
        margins=[c for c in ordered if c.is_margin],
        measures=("share", "denominator") if multi else (),
        standard=standard,
        notes=[units.source_name(), *notes],
    )


# --- labels --------------------------------------------------------------------------------------


class Labels:
    """Dimension labels in the active language, read once per computation."""

    def __init__(self) -> None:
        from pharos.standards.queries import labels
        from pharos.tenancy.models import Country

        self.codelist = labels
        self.countries = {c.code: c.name for c in Country.objects.all()}

    def of(self, list_key: str) -> dict[str, str]:
        try:
            return {**self.codelist(list_key), UNKNOWN: _("Unknown"), TOTAL: _("Total")}
        except Exception:
            return {UNKNOWN: _("Unknown"), TOTAL: _("Total")}

    def country(self) -> Dimension:
        return Dimension("country", _("Reporting country"), {**self.countries, TOTAL: _("All countries")})

    def year(self) -> Dimension:
        return Dimension("year", _("Year of registration"), {TOTAL: _("All years")})


def victim_tables(con: duckdb.DuckDBPyConnection, labels: Labels) -> list[StandardTable]:
    country, year = labels.country(), labels.year()
    status = Dimension(
        "status",
        _("Status"),
        {
            "identified": _("Identified"),
            "presumed": _("Presumed"),
            TOTAL: _("Registered (identified and presumed)"),
        },
    )
    sex = Dimension("sex", _("Sex"), labels.of("eurostat.sex"))
    age = Dimension("age_group", _("Age group"), labels.of("eurostat.age_group"))
    groups = {NATIONAL_GROUP: _("Nationals of the reporting country"), OTHER_GROUP[0]: _(OTHER_GROUP[1])}
    groups.update({code: _(label) for code, label, _members in citizenship_groups()})
    cit_group = Dimension("citizenship_group", _("Citizenship group"), {**groups, UNKNOWN: _("Unknown")})
    citizenship = Dimension(
        "citizenship", _("Citizenship"), {**labels.countries, UNKNOWN: _("Unknown")}, multi_select=True
    )
    form = Dimension(
        "form", _("Form of exploitation"), labels.of("eurostat.exploitation_form"), multi_select=True
    )
    form_detail = Dimension(
        "form_detail",
        _("Form of exploitation (detailed)"),
        labels.of(FORMS_OF_EXPLOITATION),
        multi_select=True,
    )
    org_type = Dimension(
        "org_type", _("Type of identifying organisation"), labels.of(DECISION_ORG_TYPE), multi_select=True
    )
    base = "SELECT unit, country, year"
    unk = f"'{UNKNOWN}'"

    def explode(column: str, alias: str) -> str:
        return (
            f"{base}, unnest(CASE WHEN len({column}) = 0 THEN [{unk}] ELSE {column} END) AS {alias} FROM py"
        )

    forms_eurostat = (
        f"SELECT unit, country, year, coalesce(m.mapped, {unk}) AS form FROM ({explode('forms', 'f')}) x "
        "LEFT JOIN form_map m ON x.f = m.code"
    )
    eurostat = "Eurostat crim_thb; UNODC GLOTIP"
    specs: list[tuple[str, str, list[Dimension], str, str | None, str]] = [
        (
            "victims_status",
            _("Registered victims by status"),
            [country, year, status],
            f"{base}, status FROM py",
            None,
            eurostat,
        ),
        (
            "victims_sex_age",
            _("Registered victims by sex and age group"),
            [country, year, sex, age],
            f"{base}, sex, age_group FROM py",
            None,
            eurostat,
        ),
        (
            "victims_citizenship_group",
            _("Registered victims by citizenship group"),
            [country, year, cit_group],
            f"{base}, cit_group AS citizenship_group FROM py",
            None,
            "Eurostat crim_thb",
        ),
        (
            "victims_citizenship",
            _("Registered victims by citizenship"),
            [country, year, citizenship],
            explode("cits", "citizenship"),
            "citizenship",
            "UNODC GLOTIP",
        ),
        (
            "victims_form",
            _("Registered victims by form of exploitation"),
            [country, year, form],
            forms_eurostat,
            "form",
            eurostat,
        ),
        (
            "victims_form_detail",
            _("Registered victims by detailed form of exploitation"),
            [country, year, form_detail],
            explode("forms", "form_detail"),
            "form_detail",
            "Directive 2011/36/EU as amended; CTDC",
        ),
        (
            "victims_org_type",
            _("Registered victims by type of identifying organisation"),
            [country, year, org_type],
            f"{base}, unnest(CASE WHEN len(list_filter(org_types, lambda t: t <> {unk})) = 0 THEN [{unk}] "
            f"ELSE list_filter(org_types, lambda t: t <> {unk}) END) AS org_type FROM py",
            "org_type",
            "HTCDS vic_TraffickingStatusDecisionMakingOrg",
        ),
    ]
    tables = []
    for name, title, dims, source, multi, standard in specs:
        tables.append(
            _table(name, title, dims, cube(con, source, [d.name for d in dims], multi), standard=standard)
        )
    return tables


def offender_tables(con: duckdb.DuckDBPyConnection, data: Data, labels: Labels) -> list[StandardTable]:
    """Suspected, prosecuted and convicted persons by sex and by form of exploitation."""
    con.register("suspects", data.suspects)
    con.register("defendants", data.defendants)
    con.register("proceedings", data.proceedings)
    con.register(
        "unodc_sex_map", _map_table(SEX_LIST, _distinct(con, "SELECT DISTINCT sex FROM suspects"), "eurostat")
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE p AS
        SELECT proceeding_id, stage, prosecuted_year, opened_year,
               coalesce(from_json(forms, '["VARCHAR"]'), []::VARCHAR[]) AS forms
        FROM proceedings
        """
    )
    pforms = _distinct(con, "SELECT DISTINCT unnest(forms) FROM p")
    con.register("pform_map", _map_table(FORMS_OF_EXPLOITATION, pforms, "eurostat"))
    this_year = datetime.date.today().year
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE stages AS
        WITH s AS (
            SELECT s.suspect_id, s.country, coalesce(m.mapped, 'UNK') AS sex, s.year
            FROM suspects s LEFT JOIN unodc_sex_map m ON s.sex = m.code
        ),
        links AS (
            SELECT d.suspect_id, d.outcome, d.decided_year, p.*
            FROM defendants d JOIN p USING (proceeding_id)
        ),
        staged AS (
            SELECT suspect_id, 'suspected' AS stage, NULL::INTEGER AS year, NULL::VARCHAR[] AS forms FROM s
            UNION ALL
            SELECT suspect_id, 'prosecuted', coalesce(prosecuted_year, opened_year), forms
            FROM links WHERE stage <> 'investigation'
            UNION ALL
            SELECT suspect_id, 'convicted', coalesce(decided_year, {this_year}), forms
            FROM links WHERE outcome = 'convicted'
        ),
        all_forms AS (
            SELECT suspect_id, list_distinct(flatten(list(forms))) AS forms FROM links GROUP BY suspect_id
        )
        SELECT 's' || s.suspect_id AS unit, s.country, CAST(coalesce(st.year, s.year) AS VARCHAR) AS year,
               st.stage, s.sex,
               coalesce(CASE WHEN st.stage = 'suspected' THEN a.forms ELSE st.forms END, []::VARCHAR[]) AS forms
        FROM staged st JOIN s USING (suspect_id) LEFT JOIN all_forms a USING (suspect_id)
        """
    )
    country, year = labels.country(), labels.year()
    stage = Dimension(
        "stage",
        _("Stage"),
        {
            "suspected": _("Suspected"),
            "prosecuted": _("Prosecuted"),
            "convicted": _("Convicted"),
            TOTAL: _("Total"),
        },
    )
    sex = Dimension("sex", _("Sex"), labels.of("eurostat.sex"))
    form = Dimension(
        "form", _("Form of exploitation"), labels.of("eurostat.exploitation_form"), multi_select=True
    )
    standard = "Eurostat crim_thb; UNODC GLOTIP"
    by_sex = cube(
        con, "SELECT unit, country, year, stage, sex FROM stages", ["country", "year", "stage", "sex"], None
    )
    forms_source = (
        "SELECT unit, country, year, stage, coalesce(m.mapped, 'UNK') AS form FROM ("
        "SELECT unit, country, year, stage, unnest(CASE WHEN len(forms) = 0 THEN ['UNK'] ELSE forms END) AS f "
        "FROM stages) x LEFT JOIN pform_map m ON x.f = m.code"
    )
    by_form = cube(con, forms_source, ["country", "year", "stage", "form"], "form")
    note = _("Margins over the stage count each person once, whatever the stages they reached.")
    return [
        _table(
            "offenders_sex",
            _("Suspected, prosecuted and convicted persons by sex"),
            [country, year, stage, sex],
            by_sex,
            standard=standard,
            notes=[note],
        ),
        _table(
            "offenders_form",
            _("Suspected, prosecuted and convicted persons by form of exploitation"),
            [country, year, stage, form],
            by_form,
            standard=standard,
            notes=[note],
        ),
    ]


def sdg_table(sex_age: StandardTable, population: dict[tuple[str, str, str, str], int]) -> StandardTable:
    """SDG 16.2.2: victims per 100,000 population, by sex and age group, where a population is known."""
    entries = []
    for cell in sex_age.entries():
        if cell.key[0] == TOTAL:
            continue
        people = population.get(cell.key)  # type: ignore[arg-type]
        rate = round(cell.count * 100_000 / people, 3) if people and cell.count is not None else None
        entries.append(
            Cell(key=cell.key, count=cell.count, values={"population": people, "rate_per_100000": rate})
        )
    table = _table(
        "sdg_16_2_2",
        _("Victims of trafficking per 100,000 population (SDG 16.2.2)"),
        sex_age.dimensions,
        entries,
        standard="SDG indicator 16.2.2",
        notes=[
            _(
                "Rates only where the coordinator uploaded a population for the country, year, sex and age group."
            )
        ],
    )
    table.measures = ("population", "rate_per_100000")
    return table


REFERRAL_INDICATORS: Final = (
    "days_to_referral",
    "reflection_period_share",
    "services_per_person",
    "referral_acceptance_rate",
    "days_to_acceptance",
)


def referral_ready() -> bool:
    return apps.is_installed("pharos.referrals") and apps.is_installed("pharos.assistance")


def referral_table(con: duckdb.DuckDBPyConnection | None, scope: StatsScope, labels: Labels) -> StandardTable:
    """Referral-mechanism indicators by country and year of registration (``count`` = over how many).

    - ``days_to_referral``: median days from registration (identification) to the first referral
      sent, over persons with a referral;
    - ``reflection_period_share``: persons with a reflection period / registered persons;
    - ``services_per_person``: services recorded on their cases / registered persons;
    - ``referral_acceptance_rate``: referrals accepted (or completed) / referrals answered;
    - ``days_to_acceptance``: median days from sending to acceptance.
    """
    indicator = Dimension(
        "indicator",
        _("Indicator"),
        {
            "days_to_referral": _("Days from identification to referral (median)"),
            "reflection_period_share": _("Share granted a reflection period"),
            "services_per_person": _("Services per person"),
            "referral_acceptance_rate": _("Referral acceptance rate"),
            "days_to_acceptance": _("Days from referral to acceptance (median)"),
        },
    )
    dims = [labels.country(), labels.year(), indicator]
    if con is None or not referral_ready():
        table = StandardTable(
            name="referral_indicators",
            title=_("Referral-mechanism indicators"),
            dimensions=dims,
            measures=("value",),
            standard="ICMPD TRM/NRM",
            available=False,
        )
        table.notes.append(_("Not available yet: the referral and assistance modules are not installed."))
        return table
    from pharos.assistance.models import ReflectionPeriod, Service

    con.register("referrals", extract.referrals(scope))
    con.register("reflections", extract.case_links(scope, ReflectionPeriod))
    con.register("services", extract.case_links(scope, Service))
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE rc AS
        SELECT case_id, unit, country, CAST(year AS VARCHAR) AS year, CAST(registered_on AS DATE) AS registered
        FROM c;
        CREATE OR REPLACE TEMP TABLE rr AS
        SELECT r.*, rc.unit, rc.country, rc.year, rc.registered,
               CAST(substr(sent_at, 1, 10) AS DATE) AS sent, CAST(substr(responded_at, 1, 10) AS DATE) AS answered
        FROM referrals r JOIN rc USING (case_id)
        """
    )
    cube_of = "GROUP BY CUBE (country, year)"
    keys = ", ".join(f"CASE WHEN grouping({d}) = 1 THEN '{TOTAL}' ELSE {d} END" for d in ("country", "year"))
    sqls = {
        "days_to_referral": f"""
            SELECT {keys}, count(DISTINCT unit), median(days) FROM (
                SELECT unit, country, year, min(date_diff('day', registered, sent)) AS days
                FROM rr WHERE sent IS NOT NULL GROUP BY unit, country, year) {cube_of}""",
        "reflection_period_share": f"""
            SELECT {keys}, count(DISTINCT unit) FILTER (WHERE has),
                   count(DISTINCT unit) FILTER (WHERE has) / count(DISTINCT unit) FROM (
                SELECT unit, country, year, bool_or(case_id IN (SELECT case_id FROM reflections)) AS has
                FROM rc GROUP BY unit, country, year) {cube_of}""",
        "services_per_person": f"""
            SELECT {keys}, count(DISTINCT unit), sum(n) / count(DISTINCT unit) FROM (
                SELECT unit, country, year, count(s.case_id) AS n
                FROM rc LEFT JOIN services s USING (case_id) GROUP BY unit, country, year) {cube_of}""",
        "referral_acceptance_rate": f"""
            SELECT {keys}, count(*), avg(CASE WHEN state IN ('accepted', 'completed') THEN 1.0 ELSE 0.0 END)
            FROM rr WHERE state IN ('accepted', 'completed', 'declined') AND answered IS NOT NULL {cube_of}""",
        "days_to_acceptance": f"""
            SELECT {keys}, count(*), median(date_diff('day', sent, answered))
            FROM rr WHERE state IN ('accepted', 'completed') AND sent IS NOT NULL AND answered IS NOT NULL
            {cube_of}""",
    }
    entries = []
    for name, sql in sqls.items():
        for country, year, n, value in con.execute(sql).fetchall():
            value = None if value is None else round(float(value), 3)
            entries.append(Cell(key=(country, year, name), count=int(n), values={"value": value}))
    table = _table(
        "referral_indicators",
        _("Referral-mechanism indicators"),
        dims,
        entries,
        standard="ICMPD TRM/NRM",
        notes=[_("Count: the persons (or, for acceptance, the referrals) an indicator is computed over.")],
    )
    table.measures = ("value",)
    return table


def standard_tables(
    scope: StatsScope, *, population: dict[tuple[str, str, str, str], int] | None = None
) -> list[StandardTable]:
    """Every standard table for the scope, raw (disclosure control is the caller's, see ``service``)."""
    from pharos.statistics.population import population_index

    data = load(scope)
    labels = Labels()
    with duckdb.connect(":memory:") as con:
        prepare(con, data)
        tables = victim_tables(con, labels)
        if scope.justice:
            tables.extend(offender_tables(con, data, labels))
        referral = referral_table(con, scope, labels)
    sex_age = next(t for t in tables if t.name == "victims_sex_age")
    tables.append(sdg_table(sex_age, population if population is not None else population_index()))
    tables.append(referral)
    return tables

"""What a release contains, computed from CTDC-layout rows: the tables, the files, the privacy
statement. Pure functions (no database); ``actions.release_build`` stores the result.

Every method publishes the same set of tables (``TABLES``), so releases can be compared:

- ``suppression``: exact counts, threshold and secondary suppression (``disclosure``), then
  random unbiased rounding;
- ``dp``: all combinations of length 1-3 measured once with OpenDP (``dp``); the tables are
  read off those counts (post-processing, no further privacy cost);
- ``synthetic``: the same DP measurement, plus synthetic microdata in the CTDC layout
  sampled from it (``synthesis``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_noop

from pharos.releases import ctdc, disclosure, dp, justice, synthesis, utility
from pharos.releases.dp import rng_for

SDMX_DATAFLOW = "PHAROS:THB_RELEASE(1.0)"
FORM_COLUMNS = ("isForcedLabour", "isSexualExploit", "isOtherExploit")


@dataclass(frozen=True)
class TableSpec:
    key: str
    title: str  # an English msgid, translated where shown
    columns: tuple[str, ...]  # CTDC columns; "form" stands for the forms-of-exploitation flags


TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "year_sex", gettext_noop("Registered victims by year and sex"), ("yearOfRegistration", "gender")
    ),
    TableSpec(
        "year_age",
        gettext_noop("Registered victims by year and age group"),
        ("yearOfRegistration", "ageBroad"),
    ),
    TableSpec("sex_age", gettext_noop("Registered victims by sex and age group"), ("gender", "ageBroad")),
    TableSpec(
        "exploitation_country_sex",
        gettext_noop("Registered victims by country of exploitation and sex"),
        ("CountryOfExploitation", "gender"),
    ),
    TableSpec(
        "form_sex", gettext_noop("Registered victims by form of exploitation and sex"), ("form", "gender")
    ),
    # Citizenship (Eurostat's and UNODC's breakdown; CTDC keeps the first citizenship), and the
    # form of exploitation by year and by age group, as the statistics module's standard set has.
    TableSpec(
        "citizenship_sex",
        gettext_noop("Registered victims by citizenship and sex"),
        ("citizenship", "gender"),
    ),
    TableSpec(
        "year_form",
        gettext_noop("Registered victims by year and form of exploitation"),
        ("yearOfRegistration", "form"),
    ),
    TableSpec(
        "form_age",
        gettext_noop("Registered victims by form of exploitation and age group"),
        ("form", "ageBroad"),
    ),
    # Identified and presumed victims: Eurostat's first split (not a CTDC column).
    TableSpec(
        "year_status",
        gettext_noop("Registered victims by year and status (identified or presumed)"),
        ("yearOfRegistration", ctdc.STATUS),
    ),
    TableSpec(
        "status_sex",
        gettext_noop("Registered victims by status and sex"),
        (ctdc.STATUS, "gender"),
    ),
)
DIMENSION_TITLES = {
    "yearOfRegistration": gettext_noop("Year of registration"),
    "gender": gettext_noop("Sex"),
    "ageBroad": gettext_noop("Age group"),
    "CountryOfExploitation": gettext_noop("Country of exploitation"),
    "citizenship": gettext_noop("Citizenship"),
    "form": gettext_noop("Form of exploitation"),
    ctdc.STATUS: gettext_noop("Status"),
    "offenceForm": gettext_noop("Form of exploitation"),
}
STATUS_LABELS = {
    "identified": gettext_noop("Identified victim"),
    "presumed": gettext_noop("Presumed victim"),
}
FORM_LABELS = {
    "isForcedLabour": gettext_noop("Forced labour"),
    "isSexualExploit": gettext_noop("Sexual exploitation"),
    "isOtherExploit": gettext_noop("Other exploitation"),
}


@dataclass
class Content:
    """A built release before it is stored: the portal summary, the files, the internal utility report."""

    summary: dict[str, Any]
    files: dict[str, tuple[str, bytes, bool]] = field(default_factory=dict)  # name -> (type, bytes, public)
    utility: dict[str, Any] = field(default_factory=dict)
    rho: float = 0.0

    def content_hash(self) -> str:
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(
                name.encode() + b"\0" + hashlib.sha256(self.files[name][1]).hexdigest().encode() + b"\n"
            )
        return digest.hexdigest()


# --- tables -----------------------------------------------------------------------------------


def _table_key(spec: TableSpec, row: dict[str, str]) -> list[tuple[str, ...]]:
    """The cells one record counts in: several for the multi-select form of exploitation."""
    parts: list[list[str]] = []
    for column in spec.columns:
        if column == "form":
            parts.append([f for f in FORM_COLUMNS if row.get(f)])
        else:
            value = row.get(column) or ""
            parts.append([value] if value else [])
    keys: list[tuple[str, ...]] = [()]
    for options in parts:
        keys = [(*k, o) for k in keys for o in options]
    return keys


def exact_table(spec: TableSpec, rows: Sequence[dict[str, str]]) -> disclosure.CountTable:
    cells: Counter[tuple[str, ...]] = Counter()
    for row in rows:
        for key in _table_key(spec, row):
            cells[key] += 1
    multi = tuple(i for i, c in enumerate(spec.columns) if c == "form")
    return disclosure.CountTable(spec.key, spec.title, spec.columns, dict(cells), multi=multi)


def _combo_column(column: str, value: str) -> tuple[str, str]:
    return (value, "1") if column == "form" else (column, value)


def dp_table(spec: TableSpec, aggregates: dp.DpAggregates) -> disclosure.ProtectedTable:
    """A table read off DP combination counts; an unreleased cell is shown as not published."""
    order = {c: i for i, c in enumerate(aggregates.columns)}
    values: list[list[str]] = []
    for column in spec.columns:
        if column == "form":
            values.append([f for f in FORM_COLUMNS if ((f, "1"),) in aggregates.counts])
        else:
            values.append(sorted({c[0][1] for c in aggregates.counts if len(c) == 1 and c[0][0] == column}))

    def count(parts: Sequence[tuple[str, str]]) -> int | None:
        combo = tuple(sorted(parts, key=lambda a: order[a[0]]))
        return aggregates.counts.get(combo)

    cells: dict[tuple[str, ...], int | None] = {}
    for a in values[0]:
        for b in values[1]:
            cells[(a, b)] = count([_combo_column(spec.columns[0], a), _combo_column(spec.columns[1], b)])
    margins: dict[tuple[int, ...], dict[tuple[str, ...], int | None]] = {
        (0,): {(a,): count([_combo_column(spec.columns[0], a)]) for a in values[0]},
    }
    if "form" not in spec.columns:
        margins[(1,)] = {(b,): count([_combo_column(spec.columns[1], b)]) for b in values[1]}
    return disclosure.ProtectedTable(
        key=spec.key,
        title=spec.title,
        dimensions=spec.columns,
        cells={k: v for k, v in cells.items() if v is not None},
        margins=margins,
        method="dp",
    )


def _table_summary(table: disclosure.ProtectedTable) -> dict[str, Any]:
    return {
        "key": table.key,
        "title": str(table.title),
        "dimensions": list(table.dimensions),
        "rows": table.rows(),
        "parameters": table.parameters,
    }


# --- files ------------------------------------------------------------------------------------


def _csv(
    header: Sequence[str], rows: Sequence[Sequence[Any]], notes: Sequence[str] = (), *, comments: bool = True
) -> bytes:
    from pharos.exports.formats import Table, write_csv

    target = io.BytesIO()
    table = Table(columns=list(header), rows=[list(r) for r in rows], notes=list(notes))
    write_csv(table, target, comments=comments)
    return target.getvalue()


def _long_rows(tables: Sequence[dict[str, Any]]) -> list[list[Any]]:
    out: list[list[Any]] = []
    for t in tables:
        dims = t["dimensions"]
        for row in t["rows"]:
            *codes, value = row
            out.append(
                [
                    t["key"],
                    dims[0],
                    codes[0],
                    dims[1] if len(dims) > 1 else "",
                    codes[1] if len(codes) > 1 else "",
                    "" if value is None else value,
                    "" if value is not None else "suppressed",
                ]
            )
    return out


LONG_HEADER = ("table", "dimension_1", "code_1", "dimension_2", "code_2", "count", "flag")


def table_files(tables: Sequence[dict[str, Any]], notes: Sequence[str]) -> dict[str, tuple[str, bytes, bool]]:
    """The tables as CSV, XLSX (text cells never formulas), JSON and SDMX-CSV."""
    from pharos.exports.formats import Table, write_xlsx

    long_rows = _long_rows(tables)
    xlsx = io.BytesIO()
    write_xlsx(Table(columns=list(LONG_HEADER), rows=long_rows, notes=list(notes)), xlsx)
    # SDMX-CSV: CONF_STATUS "C" (confidential) marks a suppressed value, "F" a free one.
    sdmx_rows = [[SDMX_DATAFLOW, r[0], r[2], r[4], r[5], "C" if r[6] else "F"] for r in long_rows]
    return {
        "tables.csv": ("text/csv; charset=utf-8", _csv(LONG_HEADER, long_rows, notes), True),
        "tables.xlsx": (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            xlsx.getvalue(),
            True,
        ),
        "tables.json": (
            "application/json",
            json.dumps({"tables": list(tables), "notes": list(notes)}, ensure_ascii=False, indent=1).encode(),
            True,
        ),
        "tables.sdmx.csv": (
            "text/csv; charset=utf-8",
            _csv(
                ("DATAFLOW", "TABLE", "DIM_1", "DIM_2", "OBS_VALUE", "CONF_STATUS"), sdmx_rows, comments=False
            ),
            True,
        ),
    }


# --- the three methods ----------------------------------------------------------------------------


RECORD_UNIT = "one registered victim record"
PERSON_UNIT = "one person (a registered victim), counted once whatever the number of their cases"


def _unit_note(unit: str) -> str:
    if unit == PERSON_UNIT:
        return "Each person is counted once, whatever the number of their cases (the year is that of their first registration)."
    return "Each record is counted once (records of the same person are not merged)."


def build_suppression(
    rows: Sequence[dict[str, str]],
    *,
    threshold: int,
    rounding_base: int,
    seed: int | None,
    unit: str = RECORD_UNIT,
    justice_rows: Sequence[dict[str, str]] | None = None,
) -> Content:
    """``justice_rows`` (one per suspect, ``justice.row``) adds the criminal-justice tables."""
    rng = rng_for(seed)
    tables = []
    for spec in TABLES:
        protected = disclosure.suppress_table(exact_table(spec, rows), threshold)
        if rounding_base > 1:
            protected = disclosure.round_table(protected, rounding_base, rng)
        tables.append(_table_summary(protected))
    if justice_rows is not None:
        tables.extend(
            _table_summary(t)
            for t in justice.suppressed_tables(
                justice_rows, threshold=threshold, rounding_base=rounding_base, rng=rng
            )
        )
    privacy = {"method": "suppression", "threshold": threshold, "rounding_base": rounding_base, "unit": unit}
    notes = [
        _unit_note(unit),
        f"Counts from 1 to {threshold - 1} are suppressed, with further counts suppressed so that totals cannot rebuild them.",
        f"Published counts are randomly rounded to a multiple of {rounding_base} (unbiased); totals are rounded on their own."
        if rounding_base > 1
        else "Counts are not rounded.",
    ]
    summary = {"tables": tables, "privacy": privacy, "notes": notes}
    return Content(summary=summary, files=table_files(tables, notes))


def build_dp(
    rows: Sequence[dict[str, str]],
    *,
    params: dp.DpParameters,
    domains: dict[str, list[str]],
    synthetic: bool,
    unit: str = RECORD_UNIT,
    justice_rows: Sequence[dict[str, str]] | None = None,
) -> Content:
    """``justice_rows`` adds the criminal-justice tables, on ``justice.JUSTICE_SHARE`` of the budget."""
    columns = ctdc.DP_COLUMNS
    total_rho = dp.rho_for(params.epsilon, params.delta)
    if justice_rows is not None:
        params = dataclasses.replace(params, budget_share=1 - justice.JUSTICE_SHARE)
    aggregates = dp.measure_combinations(rows, columns, domains, params)
    truth = dp.true_counts(rows, columns, params.max_length)
    tables = [_table_summary(dp_table(spec, aggregates)) for spec in TABLES]
    justice_sigma = None
    if justice_rows is not None:
        measured, justice_sigma = justice.dp_tables(justice_rows, total_rho * justice.JUSTICE_SHARE)
        tables.extend(_table_summary(t) for t in measured)
    privacy = {
        "method": "synthetic" if synthetic else "dp",
        "epsilon": params.epsilon,
        "delta": params.delta,
        "rho": total_rho,
        "accounting": "zCDP (OpenDP make_gaussian, discrete Gaussian), converted with make_zCDP_to_approxDP",
        "unit": unit,
        **params.as_dict(),
        "sigmas": {str(k): round(v, 3) for k, v in aggregates.sigmas.items()},
    }
    notes = [
        f"Differentially private counts: epsilon {params.epsilon:g}, delta {params.delta:.3g}; "
        f"all combinations of up to {params.max_length} attributes measured once.",
        "A combination that is absent may exist; small published counts are dominated by noise.",
        _unit_note(unit),
    ]
    if justice_sigma is not None:
        privacy["justice"] = {
            "budget_share": justice.JUSTICE_SHARE,
            "sensitivity": round(justice.SENSITIVITY, 4),
            "sigma": round(justice_sigma, 3),
        }
        notes.append(
            f"Criminal-justice tables: {justice.JUSTICE_SHARE:.0%} of the budget, Gaussian noise of "
            f"standard deviation {justice_sigma:.1f} on every cell (counted per suspect)."
        )
    agg_rows = [
        [len(combo), ";".join(f"{c}:{v}" for c, v in combo), n]
        for combo, n in sorted(aggregates.counts.items(), key=lambda x: (len(x[0]), x[0]))
    ]
    files = table_files(tables, notes)
    files["aggregates.csv"] = (
        "text/csv; charset=utf-8",
        _csv(("length", "combination", "count"), agg_rows, notes),
        True,
    )
    report = utility.utility_report(truth, aggregates.counts, max_length=params.max_length)
    if synthetic:
        records = synthesis.synthesize(aggregates, seed=params.seed)
        microdata = [[r.get(c, "") for c in ctdc.CTDC_COLUMNS] for r in records]
        synth_notes = ["Synthetic records for exploration; use the aggregate file for numbers.", *notes]
        files["synthetic.csv"] = (
            "text/csv; charset=utf-8",
            _csv(ctdc.CTDC_COLUMNS, microdata, synth_notes),
            True,
        )
        synth_counts = dp.true_counts(records, columns, params.max_length)
        report["synthetic"] = utility.utility_report(truth, synth_counts, max_length=params.max_length)
        report["synthetic_records"] = len(records)
    files["utility.json"] = ("application/json", json.dumps(report, indent=1).encode(), False)
    summary = {"tables": tables, "privacy": privacy, "notes": notes}
    return Content(summary=summary, files=files, utility=report, rho=total_rho)

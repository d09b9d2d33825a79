"""Writes of the statistics module: uploading a population table, writing the standard tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from pharos.audit import log
from pharos.statistics import population, queries
from pharos.statistics.disclosure import suppress_table
from pharos.statistics.models import PopulationEstimate
from pharos.statistics.tables import StandardTable, build_standard_tables
from pharos.tenancy.access import acting_membership
from pharos.tenancy.models import Country


class PopulationRefused(PermissionError):
    """The user may not upload population figures, or not for these countries."""


def population_upload(*, actor: Any, text: str, source: str = "") -> int:
    """Replace the population rows of the (country, year) pairs in the CSV; returns rows stored.

    A coordinator uploads figures for their own organisation's country only; the command line
    (``actor=None``) may load any country. Raises ``PopulationFileError`` for a bad file.
    """
    membership = acting_membership(actor) if actor is not None else None
    if actor is not None and (membership is None or not membership.has(queries.POPULATION_CAPABILITY)):
        raise PopulationRefused("This user may not upload population figures (stats.population).")
    countries = {c.code: c for c in Country.objects.all()}
    rows = population.parse(text, known_countries=set(countries))
    if membership is not None:
        own = membership.organisation.country.code
        others = sorted({r.country for r in rows} - {own})
        if others:
            raise population.PopulationFileError(
                [f"Rows for other countries than {own} are not accepted: {', '.join(others)}."]
            )
    with transaction.atomic():
        for country, year in {(r.country, r.year) for r in rows}:
            PopulationEstimate.objects.filter(country=countries[country], year=year).delete()
        PopulationEstimate.objects.bulk_create(
            PopulationEstimate(
                country=countries[r.country],
                year=r.year,
                sex=r.sex,
                age_group=r.age_group,
                population=r.population,
                source=r.source or source,
                uploaded_by=actor,
            )
            for r in rows
        )
        log.record(
            "statistics.population.uploaded",
            actor=actor,
            organisation=membership.organisation if membership else None,
            data={"rows": len(rows), "countries": sorted({r.country for r in rows})},
        )
    return len(rows)


def tables_write(
    *, actor: Any, scope: queries.StatsScope, out: Path, threshold: int | None = None
) -> list[StandardTable]:
    """Write every standard table as ``<name>.csv`` and ``<name>.json`` into ``out``."""
    tables = build_standard_tables(scope)
    if threshold:
        tables = [suppress_table(t, threshold) for t in tables]
    out.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        for table in tables:
            (out / f"{table.name}.csv").write_text(table.to_csv(), encoding="utf-8")
            (out / f"{table.name}.json").write_text(table.to_json(), encoding="utf-8")
        log.record(
            "statistics.tables.built",
            actor=actor,
            data={"tables": [t.name for t in tables], "threshold": threshold or 0},
        )
    return tables

"""Population tables: read the uploaded CSV (country, year, sex, age group, population) and index it.

The CSV has the header ``country,year,sex,age_group,population`` (an optional ``source``
column is kept); ``sex`` is ``F``, ``M`` or ``_T``; ``age_group`` is ``Y_LT18``, ``Y_GE18`` or
``_T``. Every problem is reported with its line number; nothing is stored unless the whole
file is valid.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from pharos.statistics.models import AGE_GROUPS, SEXES, PopulationEstimate

COLUMNS = ("country", "year", "sex", "age_group", "population")
MAX_ROWS = 20_000


@dataclass(frozen=True)
class PopulationRow:
    country: str
    year: int
    sex: str
    age_group: str
    population: int
    source: str = ""


class PopulationFileError(ValueError):
    """The file cannot be used; ``problems`` says why, line by line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def parse(text: str, *, known_countries: set[str]) -> list[PopulationRow]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise PopulationFileError([_("Missing columns: %(columns)s") % {"columns": ", ".join(missing)}])
    rows: list[PopulationRow] = []
    problems: list[str] = []
    seen: set[tuple[str, int, str, str]] = set()
    sexes, ages = {c for c, _label in SEXES}, {c for c, _label in AGE_GROUPS}
    for line, raw in enumerate(reader, start=2):
        if line > MAX_ROWS:
            problems.append(_("The file has more than %(n)d rows.") % {"n": MAX_ROWS})
            break
        country = (raw.get("country") or "").strip().upper()
        sex = (raw.get("sex") or "").strip()
        age = (raw.get("age_group") or "").strip()
        try:
            year = int((raw.get("year") or "").strip())
            people = int((raw.get("population") or "").strip().replace("_", ""))
        except ValueError:
            problems.append(_("Line %(line)d: year and population must be whole numbers.") % {"line": line})
            continue
        if country not in known_countries:
            problems.append(
                _("Line %(line)d: unknown country code %(code)s.") % {"line": line, "code": country}
            )
        elif sex not in sexes or age not in ages:
            problems.append(
                _("Line %(line)d: sex must be F, M or _T and age group Y_LT18, Y_GE18 or _T.")
                % {"line": line}
            )
        elif people <= 0 or not 1900 <= year <= 2200:
            problems.append(_("Line %(line)d: the year or the population is out of range.") % {"line": line})
        elif (country, year, sex, age) in seen:
            problems.append(
                _("Line %(line)d: this country, year, sex and age group appear twice.") % {"line": line}
            )
        else:
            seen.add((country, year, sex, age))
            rows.append(
                PopulationRow(country, year, sex, age, people, (raw.get("source") or "").strip()[:500])
            )
    if problems:
        raise PopulationFileError(problems)
    if not rows:
        raise PopulationFileError([_("The file has no rows.")])
    return rows


def population_index() -> dict[tuple[str, str, str, str], int]:
    """(country, year, sex, age group) → population, the key order of the SDG table."""
    return {
        (code, str(year), sex, age): people
        for code, year, sex, age, people in PopulationEstimate.objects.values_list(
            "country__code", "year", "sex", "age_group", "population"
        )
    }

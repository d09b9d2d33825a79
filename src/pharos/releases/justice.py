"""The criminal-justice tables of a release: suspected, prosecuted and convicted persons by sex and
by form of exploitation (Eurostat crim_thb, UNODC GLOTIP), as the statistics module counts them.

One row per suspect (``queries.justice_rows``): their sex, the stages they reached (flags) and the
forms of exploitation of their proceedings (flags, ``unknown`` when none is recorded). Pure
functions; ``build`` publishes the tables with the release's method:

- suppression: exact counts with threshold and secondary suppression, then rounding;
- dp: every cell of both tables measured once with OpenDP's Gaussian mechanism on a share of the
  release's budget (``JUSTICE_SHARE``). The domain is public and small (3 stages x 3 sexes,
  3 stages x 4 forms), so every cell is published (no threshold: nothing can be fabricated
  beyond the codebook), clamped at zero. One suspect is in at most 3 cells of the first table
  and 3 x 4 of the second: L2 sensitivity sqrt(15), whatever the data.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_noop

from pharos.releases import disclosure, dp

STAGE_COLUMNS: tuple[str, ...] = ("stageSuspected", "stageProsecuted", "stageConvicted")
OFFENCE_FORM_COLUMNS: tuple[str, ...] = ("offenceSexual", "offenceLabour", "offenceOther", "offenceUnknown")
SEXES: tuple[str, ...] = ("F", "M", "UNK")  # eurostat.sex
# eurostat.exploitation_form code -> flag column
FORM_FLAGS = {
    "sexual": "offenceSexual",
    "labour": "offenceLabour",
    "other": "offenceOther",
    "unknown": "offenceUnknown",
}
MULTI_COLUMNS = {"stage": STAGE_COLUMNS, "offenceForm": OFFENCE_FORM_COLUMNS}
# Share of a DP release's rho spent on these tables (the victims' combinations get the rest).
JUSTICE_SHARE = 0.2
SENSITIVITY = math.sqrt(len(STAGE_COLUMNS) * (1 + len(OFFENCE_FORM_COLUMNS)))

TABLES: tuple[tuple[str, str, tuple[str, str]], ...] = (
    ("offenders_sex", gettext_noop("Suspected, prosecuted and convicted persons by sex"), ("stage", "sex")),
    (
        "offenders_form",
        gettext_noop("Suspected, prosecuted and convicted persons by form of exploitation"),
        ("stage", "offenceForm"),
    ),
)
DIMENSION_TITLES = {"stage": gettext_noop("Stage"), "sex": gettext_noop("Sex")}
LABELS = {
    "stageSuspected": gettext_noop("Suspected"),
    "stageProsecuted": gettext_noop("Prosecuted"),
    "stageConvicted": gettext_noop("Convicted"),
    "offenceSexual": gettext_noop("Sexual exploitation"),
    "offenceLabour": gettext_noop("Forced labour"),
    "offenceOther": gettext_noop("Other exploitation"),
    "offenceUnknown": gettext_noop("Unknown"),
    "F": gettext_noop("Female"),
    "M": gettext_noop("Male"),
    "UNK": gettext_noop("Unknown"),
}


def row(*, sex: str, prosecuted: bool, convicted: bool, forms: Sequence[str]) -> dict[str, str]:
    """One suspect: ``sex`` a eurostat.sex code, ``forms`` eurostat.exploitation_form codes."""
    out = {"sex": sex if sex in SEXES else "UNK", "stageSuspected": "1"}
    out["stageProsecuted"] = "1" if prosecuted else ""
    out["stageConvicted"] = "1" if convicted else ""
    flags = {FORM_FLAGS[f] for f in forms if f in FORM_FLAGS} or {"offenceUnknown"}
    for column in OFFENCE_FORM_COLUMNS:
        out[column] = "1" if column in flags else ""
    return out


def _axes(columns: Sequence[str]) -> list[tuple[str, ...]]:
    return [MULTI_COLUMNS.get(c, SEXES) for c in columns]


def _keys(columns: Sequence[str], suspect: dict[str, str]) -> list[tuple[str, ...]]:
    """The cells one suspect counts in (several: one per stage reached, and per form)."""
    parts = [
        [f for f in MULTI_COLUMNS[c] if suspect.get(f)] if c in MULTI_COLUMNS else [suspect["sex"]]
        for c in columns
    ]
    return list(itertools.product(*parts))


def exact_tables(rows: Sequence[dict[str, str]]) -> list[disclosure.CountTable]:
    out = []
    for key, title, columns in TABLES:
        cells = dict.fromkeys(itertools.product(*_axes(columns)), 0)
        for suspect in rows:
            for cell in _keys(columns, suspect):
                cells[cell] += 1
        multi = tuple(i for i, c in enumerate(columns) if c in MULTI_COLUMNS)
        out.append(disclosure.CountTable(key, title, columns, cells, multi=multi))
    return out


def dp_tables(rows: Sequence[dict[str, str]], rho: float) -> tuple[list[disclosure.ProtectedTable], float]:
    """Both tables with Gaussian noise on every cell, spending ``rho``; returns them and sigma."""
    exact = exact_tables(rows)
    order = [(table, cell) for table in exact for cell in sorted(table.cells)]
    noisy, sigma = dp.gaussian_counts([t.cells[c] for t, c in order], SENSITIVITY, rho, whole=False)
    measured = {(t.key, c): v for (t, c), v in zip(order, noisy, strict=True)}
    out = []
    for table in exact:
        cells: dict[tuple[str, ...], int | None] = {
            c: max(0, measured[(table.key, c)]) for c in sorted(table.cells)
        }
        margins: dict[tuple[int, ...], dict[tuple[str, ...], int | None]] = {}
        if table.dimensions[1] == "sex":  # persons at each stage: the sum over sex (post-processing)
            margins[(0,)] = {
                (stage,): max(0, sum(measured[(table.key, (stage, s))] for s in SEXES))
                for stage in STAGE_COLUMNS
            }
        out.append(
            disclosure.ProtectedTable(
                key=table.key,
                title=table.title,
                dimensions=table.dimensions,
                cells=cells,
                margins=margins,
                method="dp",
            )
        )
    return out, sigma


def suppressed_tables(
    rows: Sequence[dict[str, str]], *, threshold: int, rounding_base: int, rng: Any
) -> list[disclosure.ProtectedTable]:
    out = []
    for table in exact_tables(rows):
        protected = disclosure.suppress_table(table, threshold)
        if rounding_base > 1:
            protected = disclosure.round_table(protected, rounding_base, rng)
        out.append(protected)
    return out

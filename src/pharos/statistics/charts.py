"""From a ``StandardTable`` to what a dashboard shows: series, Vega-Lite specs and text alternatives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.templatetags.static import static
from django.utils.translation import gettext as _

from pharos.statistics.tables import TOTAL, StandardTable

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
KOSOVO_NAME = "Kosovo"  # world-atlas gives Kosovo a name but no ISO numeric id


@dataclass
class Chart:
    """One figure: its title, the table rows it shows (also its data table) and a Vega-Lite spec."""

    slug: str
    title: str
    table: StandardTable
    by: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    spec: dict[str, Any] = field(default_factory=dict)
    summary: str = ""
    columns: list[str] = field(default_factory=list)
    suppressed: int = 0


def series(table: StandardTable, by: list[str], filters: dict[str, str]) -> list[dict[str, Any]]:
    """Entries broken down by ``by``; other dimensions at the filter's code, or their total."""
    names = table.dimension_names
    wanted: list[tuple[int, str | None]] = []
    for position, name in enumerate(names):
        if name in by:
            wanted.append((position, None))
        else:
            wanted.append((position, filters.get(name) or TOTAL))
    rows = []
    for cell in table.entries():
        if any((cell.key[p] == TOTAL) if code is None else (cell.key[p] != code) for p, code in wanted):
            continue
        row: dict[str, Any] = {}
        for name in by:
            code = cell.key[names.index(name)]
            row[name] = code
            row[f"{name}_label"] = table.dimension(name).label(code)
        row["labels"] = [row[f"{name}_label"] for name in by]
        row["count"] = cell.count
        row.update(cell.values)
        measure = next(
            (cell.values[m] for m in ("share", "rate_per_100000", "value") if m in cell.values), None
        )
        row["measure"] = "" if measure is None else f"{measure:g}"
        rows.append(row)
    return sorted(rows, key=lambda r: tuple(str(r[n]) for n in by))


def _summary(chart: Chart, kind: str) -> str:
    shown = [r for r in chart.rows if r["count"] is not None]
    top = sorted(shown, key=lambda r: -r["count"])[:5]
    parts = ", ".join(f"{' / '.join(str(r[f'{n}_label']) for n in chart.by)}: {r['count']}" for r in top)
    text = _("%(kind)s of %(title)s.") % {"kind": kind, "title": chart.title}
    if parts:
        text += " " + _("Largest values: %(values)s.") % {"values": parts}
    else:
        text += " " + _("No figures to show.")
    if chart.suppressed:
        text += " " + _("%(n)d values are hidden to protect the persons counted.") % {"n": chart.suppressed}
    return text


def bar_chart(
    slug: str, table: StandardTable, by: list[str], filters: dict[str, str], *, title: str = ""
) -> Chart:
    chart = Chart(slug=slug, title=title or table.title, table=table, by=by)
    chart.rows = series(table, by, filters)
    chart.suppressed = sum(1 for r in chart.rows if r["count"] is None)
    x, color = by[0], (by[1] if len(by) > 1 else None)
    encoding: dict[str, Any] = {
        "x": {"field": f"{x}_label", "type": "nominal", "title": table.dimension(x).title, "sort": None},
        "y": {"field": "count", "type": "quantitative", "title": _("Persons")},
    }
    if color:
        encoding["color"] = {
            "field": f"{color}_label",
            "type": "nominal",
            "title": table.dimension(color).title,
        }
        encoding["xOffset"] = {"field": f"{color}_label"}
    chart.spec = {
        "$schema": VEGA_LITE_SCHEMA,
        "data": {"values": [r for r in chart.rows if r["count"] is not None]},
        "mark": {"type": "bar"},
        "encoding": encoding,
        "width": "container",
        "height": 220,
        "config": {"font": "Noto Sans, Noto Sans Arabic, sans-serif"},
    }
    chart.columns = [table.dimension(n).title for n in by]
    chart.summary = _summary(chart, _("Bar chart"))
    return chart


def choropleth(
    slug: str,
    table: StandardTable,
    dimension: str,
    filters: dict[str, str],
    numeric: dict[str, str],
    *,
    title: str = "",
) -> Chart:
    """A world map shaded by the count per country code of ``dimension`` (ISO alpha-2 codes)."""
    chart = Chart(slug=slug, title=title or table.title, table=table, by=[dimension])
    chart.rows = [r for r in series(table, [dimension], filters) if r[dimension] not in ("UNK",)]
    chart.suppressed = sum(1 for r in chart.rows if r["count"] is None)
    values = []
    for row in chart.rows:
        code = row[dimension]
        key = KOSOVO_NAME if code == "XK" else numeric.get(code, "")
        if key and row["count"] is not None:
            values.append({"key": key, "count": row["count"], "label": row[f"{dimension}_label"]})
    chart.spec = {
        "$schema": VEGA_LITE_SCHEMA,
        "width": "container",
        "height": 320,
        "data": {
            "url": static("vendor/world-atlas/countries-50m.json"),
            "format": {"type": "topojson", "feature": "countries"},
        },
        "transform": [
            {"calculate": "datum.id ? datum.id : datum.properties.name", "as": "key"},
            {
                "lookup": "key",
                "from": {"data": {"values": values}, "key": "key", "fields": ["count", "label"]},
            },
        ],
        "projection": {"type": "equalEarth"},
        # Countries without figures in grey underneath, those with figures shaded on top.
        "layer": [
            {"mark": {"type": "geoshape", "fill": "#e9ecef", "stroke": "#5c636a", "strokeWidth": 0.3}},
            {
                "transform": [{"filter": "isValid(datum.count)"}],
                "mark": {"type": "geoshape", "stroke": "#5c636a", "strokeWidth": 0.3},
                "encoding": {
                    "color": {
                        "field": "count",
                        "type": "quantitative",
                        "title": _("Persons"),
                        "scale": {"scheme": "blues"},
                    }
                },
            },
        ],
        "config": {"font": "Noto Sans, Noto Sans Arabic, sans-serif"},
    }
    chart.columns = [table.dimension(dimension).title]
    chart.summary = _summary(chart, _("World map"))
    return chart

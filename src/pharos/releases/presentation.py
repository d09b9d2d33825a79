"""How a release's frozen summary is shown: translated titles and labels, tables as rows."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.utils.translation import get_language, gettext

from pharos.releases import build, ctdc, justice
from pharos.standards.codelists import read_all


def dimension_title(name: str) -> str:
    return gettext(build.DIMENSION_TITLES.get(name) or justice.DIMENSION_TITLES.get(name, name))


@cache
def _value_names() -> dict[str, dict[str, dict[str, str]]]:
    """Dimension -> code -> names by language, from the public code lists and country table."""
    gender = {e.code: e.labels for e in read_all()["ctdc.gender"].codes}
    countries: dict[str, dict[str, str]] = {}
    for country in ctdc.countries():
        countries[str(country["alpha3"])] = countries[str(country["code"])] = dict(country["names"])
    return {"gender": gender, "citizenship": countries, "CountryOfExploitation": countries}


def code_label(code: str, dimension: str = "") -> str:
    names = _value_names().get(dimension, {}).get(code)
    if names:
        language = (get_language() or "en").lower()
        return names.get(language) or names.get(language.split("-")[0]) or names.get("en") or code
    if code == "_T":
        return gettext("Total")
    if code in build.FORM_LABELS:
        return gettext(build.FORM_LABELS[code])
    if code in build.STATUS_LABELS:
        return gettext(build.STATUS_LABELS[code])
    if code in justice.LABELS:
        return gettext(justice.LABELS[code])
    return code


def tables_for_display(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Each table as a caption, column headers and rows of (labels, count or None)."""
    titles = {t.key: t.title for t in build.TABLES} | {key: title for key, title, _ in justice.TABLES}
    out = []
    for table in summary.get("tables", []):
        dims = table["dimensions"]
        rows = [
            {
                "labels": [code_label(str(c), d) for c, d in zip(row[:-1], dims, strict=True)],
                "count": row[-1],
                "total": "_T" in row[:-1],
            }
            for row in table["rows"]
        ]
        title = gettext(titles.get(table["key"], table["title"]))
        headers = [dimension_title(d) for d in dims]
        out.append(
            {
                "key": table["key"],
                "title": title,
                "headers": headers,
                "rows": rows,
                "spec": chart_spec(title, headers, rows),
            }
        )
    return out


def chart_spec(title: str, headers: list[str], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A Vega-Lite stacked bar chart of the published interior cells (the table beside it has them all)."""
    values = [
        {"a": r["labels"][0], "b": r["labels"][1] if len(r["labels"]) > 1 else "", "n": r["count"]}
        for r in rows
        if not r["total"] and r["count"] is not None
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": title,
        "data": {"values": values},
        "mark": "bar",
        "width": "container",
        "height": 220,
        "encoding": {
            "x": {"field": "a", "type": "nominal", "title": headers[0]},
            "y": {"field": "n", "type": "quantitative", "title": gettext("Persons")},
            "color": {"field": "b", "type": "nominal", "title": headers[1] if len(headers) > 1 else ""},
        },
    }


def _unit_lines(privacy: dict[str, Any]) -> list[str]:
    if privacy.get("unit") != build.PERSON_UNIT:
        return []
    return [
        gettext(
            "Each person is counted once, whatever the number of their cases; the year is that of their first registration."
        )
    ]


def privacy_lines(summary: dict[str, Any]) -> list[str]:
    privacy = summary.get("privacy", {})
    method = privacy.get("method")
    if method == "suppression":
        lines = [
            *_unit_lines(privacy),
            gettext(
                "Counts from 1 to %(below)s are suppressed, and further counts are suppressed so that no hidden "
                "count can be worked out from the totals."
            )
            % {"below": int(privacy.get("threshold", 10)) - 1},
        ]
        if int(privacy.get("rounding_base", 1)) > 1:
            lines.append(
                gettext(
                    "Published counts are randomly rounded to a multiple of %(base)s, without bias; totals are rounded separately and may not add up."
                )
                % {"base": privacy["rounding_base"]}
            )
        return lines
    lines = [
        *_unit_lines(privacy),
        gettext(
            "Counts are differentially private (epsilon %(epsilon)s, delta %(delta)s, zero-concentrated accounting): "
            "random noise of known size is added, so no published number depends much on any one person."
        )
        % {"epsilon": f"{privacy.get('epsilon', 0):g}", "delta": f"{privacy.get('delta', 0):.2g}"},
        gettext(
            "Every combination of up to three characteristics was measured once; a combination that is not shown "
            "may still exist, and small counts are dominated by noise."
        ),
    ]
    measured = privacy.get("justice")
    if measured:
        lines.append(
            gettext(
                "The criminal-justice tables count suspects; they took %(share)s %% of the budget, and every cell "
                "carries noise with a standard deviation of %(sigma)s."
            )
            % {
                "share": round(100 * float(measured["budget_share"])),
                "sigma": f"{float(measured['sigma']):.1f}",
            }
        )
    if method == "synthetic":
        lines.append(
            gettext(
                "The synthetic records were generated from the published counts only: they describe no real person "
                "and are for exploration; use the tables for numbers."
            )
        )
    return lines

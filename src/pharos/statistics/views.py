"""The statistics dashboard, the CSV/JSON twin of every table, and the population upload page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pharos.core.declare import access
from pharos.statistics import actions, charts, queries, service
from pharos.statistics.forms import FilterForm, PopulationForm
from pharos.statistics.models import PopulationEstimate
from pharos.statistics.population import PopulationFileError
from pharos.statistics.tables import TOTAL, StandardTable
from pharos.tenancy.models import Country

FILTERS = ("year", "sex", "form")


def _scope(request: HttpRequest) -> queries.StatsScope:
    scope = queries.scope_for(request.user)
    if scope is None:  # the middleware already required stats.view; this is the safety net
        raise Http404
    return scope


def _choices(tables: dict[str, StandardTable]) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for name, source in (("year", "victims_status"), ("sex", "victims_sex_age"), ("form", "victims_form")):
        table = tables[source]
        position = table.dimension_names.index(name)
        codes = sorted({c.key[position] for c in table.cells} - {TOTAL}, reverse=name == "year")
        found[name] = [(code, table.dimension(name).label(code)) for code in codes]
    return found


def _figures(
    scope: queries.StatsScope, tables: dict[str, StandardTable], filters: dict[str, str]
) -> list[charts.Chart]:
    numeric = dict(Country.objects.exclude(numeric="").values_list("code", "numeric"))
    figures = [
        charts.bar_chart("status", tables["victims_status"], ["year", "status"], filters),
        charts.bar_chart("sex-age", tables["victims_sex_age"], ["sex", "age_group"], filters),
        charts.bar_chart("form", tables["victims_form"], ["form"], filters),
        charts.bar_chart(
            "citizenship-group", tables["victims_citizenship_group"], ["citizenship_group"], filters
        ),
        charts.choropleth(
            "citizenship-map",
            tables["victims_citizenship"],
            "citizenship",
            filters,
            numeric,
            title=_("Registered victims by citizenship (map)"),
        ),
        charts.bar_chart("org-type", tables["victims_org_type"], ["org_type"], filters),
        charts.bar_chart(
            "sdg",
            tables["sdg_16_2_2"],
            ["country"],
            filters,
            title=_("Victims per 100,000 population (SDG 16.2.2)"),
        ),
    ]
    if len(scope.countries) > 1:
        figures.insert(
            0,
            charts.bar_chart(
                "countries",
                tables["victims_status"],
                ["country", "status"],
                filters,
                title=_("Registered victims: comparison of countries"),
            ),
        )
    if "offenders_sex" in tables:
        figures.append(charts.bar_chart("offenders", tables["offenders_sex"], ["stage", "sex"], filters))
    return figures


@access("stats.view")
@require_http_methods(["GET"])
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    tables = {t.name: t for t in service.tables_for(scope)}
    form = FilterForm(request.GET or None, choices=_choices(tables))
    filters = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}
    query = urlencode(filters)

    def figures_html() -> str:
        figures = _figures(scope, tables, filters)
        referral = tables["referral_indicators"]
        context = {
            "figures": figures,
            "query": query,
            "referral": referral,
            "referral_rows": charts.series(referral, ["country", "year", "indicator"], filters),
        }
        return render_to_string("statistics/_figures.html", context)

    def filters_html() -> str:
        return render_to_string("statistics/_filters.html", {"form": form})

    key = "dashboard:" + "&".join(f"{k}={v}" for k, v in sorted(filters.items()))
    # A valid filter form renders the same for everyone in the scope: cache it with the figures
    # (rendering its selects costs more than the rest of the page). An invalid one shows errors.
    filters_part = (
        service.fragment(scope, "filters:" + key, filters_html)
        if (not form.is_bound or form.is_valid())
        else filters_html()
    )
    return render(
        request,
        "statistics/dashboard.html",
        {
            "filters_html": mark_safe(filters_part),
            "figures_html": mark_safe(service.fragment(scope, key, figures_html)),
            "protected": not scope.victims_raw,
            "threshold": queries.threshold(),
            "countries": scope.countries,
        },
    )


@access("stats.view")
@require_http_methods(["GET"])
def table_download(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    """The twin of a dashboard table: the whole table (filters applied) as CSV or JSON."""
    if fmt not in ("csv", "json"):
        raise Http404
    table = next((t for t in service.tables_for(_scope(request)) if t.name == name), None)
    if table is None:
        raise Http404
    table = table.filtered(**{k: request.GET.get(k, "") for k in FILTERS})
    if fmt == "csv":
        response = HttpResponse(table.to_csv(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(table.to_json(), content_type="application/json")
    response["Content-Disposition"] = f'inline; filename="{name}.{fmt}"'
    return response


@access("stats.population")
@require_http_methods(["GET", "POST"])
def population(request: HttpRequest) -> HttpResponse:
    form = PopulationForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            stored = actions.population_upload(
                actor=request.user, text=form.cleaned_data["file"], source=form.cleaned_data["source"]
            )
        except PopulationFileError as error:
            problems = error.problems
        else:
            service.clear()
            messages.success(request, _("%(n)d population figures stored.") % {"n": stored})
            return redirect("statistics:population")
    rows = PopulationEstimate.objects.select_related("country").order_by(
        "country__code", "-year", "sex", "age_group"
    )
    return render(
        request, "statistics/population.html", {"form": form, "problems": problems, "rows": rows[:300]}
    )

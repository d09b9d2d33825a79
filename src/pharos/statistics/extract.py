"""Read the non-personal columns statistics need from the database once, into Arrow tables.

Only clear, non-identifying columns are selected (no encrypted field is loaded, so nothing is
decrypted). Multi-valued columns (citizenships, forms of exploitation) are read as their JSON
text and parsed by DuckDB later, which is much faster than parsing a million lists in Python.
Rows go straight from the DB cursor into Arrow arrays, without model instances.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from django.db import connections
from django.db.models import CharField, TextField
from django.db.models.functions import Cast, ExtractYear

from pharos.cases.models import Defendant, Proceeding, Suspect, VictimCase
from pharos.statistics import units
from pharos.statistics.queries import JUSTICE_CAPABILITY, STATS_CAPABILITY, StatsScope

CHUNK = 50_000

VICTIM_SCHEMA = pa.schema(
    [
        ("case_id", pa.int64()),
        ("person_id", pa.int64()),
        ("country", pa.string()),
        ("year", pa.int32()),
        ("registered_on", pa.string()),
        ("status", pa.string()),
        ("age", pa.int32()),
        ("org_type", pa.string()),
        ("gender", pa.string()),
        ("citizenships", pa.string()),
        ("forms", pa.string()),
    ]
)
SUSPECT_SCHEMA = pa.schema(
    [("suspect_id", pa.int64()), ("country", pa.string()), ("sex", pa.string()), ("year", pa.int32())]
)
DEFENDANT_SCHEMA = pa.schema(
    [
        ("suspect_id", pa.int64()),
        ("proceeding_id", pa.int64()),
        ("outcome", pa.string()),
        ("decided_year", pa.int32()),
    ]
)
PROCEEDING_SCHEMA = pa.schema(
    [
        ("proceeding_id", pa.int64()),
        ("stage", pa.string()),
        ("prosecuted_year", pa.int32()),
        ("opened_year", pa.int32()),
        ("forms", pa.string()),
    ]
)


def _to_arrow(queryset: Any, schema: pa.Schema) -> pa.Table:
    """Run the values() queryset's SQL on a raw cursor and stream the rows into Arrow."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    batches: list[pa.RecordBatch] = []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            columns = list(zip(*rows, strict=True))
            arrays = [
                pa.array([None if v is None else str(v) for v in col], type=f.type)
                if f.type == pa.string()
                else pa.array(col, type=f.type)
                for col, f in zip(columns, schema, strict=True)
            ]
            batches.append(pa.RecordBatch.from_arrays(arrays, schema=schema))
    return pa.Table.from_batches(batches, schema=schema)


def _json_text(name: str) -> Cast:
    return Cast(name, output_field=TextField())


def victims(scope: StatsScope) -> pa.Table:
    """One row per victim case in scope, with the person unit (``unit``) appended."""
    queryset = (
        scope.rows(VictimCase, STATS_CAPABILITY)
        .order_by()
        .annotate(
            _year=ExtractYear("registered_on"),
            _registered=Cast("registered_on", output_field=CharField()),
            _cits=_json_text("person__citizenships"),
            _forms=_json_text("forms_of_exploitation"),
        )
        .values_list(
            "id",
            "person_id",
            "organisation__country__code",
            "_year",
            "_registered",
            "trafficking_status",
            "age_at_identification",
            "status_decision_org_type",
            "person__gender",
            "_cits",
            "_forms",
        )
    )
    if scope.countries and scope.everything:
        queryset = queryset.filter(organisation__country__code__in=scope.countries)
    table = _to_arrow(queryset, VICTIM_SCHEMA)
    return table.append_column("unit", units.person_units(table.column("person_id").combine_chunks()))


def suspects(scope: StatsScope) -> pa.Table:
    queryset = (
        scope.rows(Suspect, JUSTICE_CAPABILITY)
        .order_by()
        .annotate(_year=ExtractYear("created_at"))
        .values_list("id", "organisation__country__code", "sex", "_year")
    )
    if scope.countries and scope.everything:
        queryset = queryset.filter(organisation__country__code__in=scope.countries)
    return _to_arrow(queryset, SUSPECT_SCHEMA)


def defendants(scope: StatsScope) -> pa.Table:
    queryset = (
        scope.rows(Defendant, JUSTICE_CAPABILITY)
        .order_by()
        .annotate(_year=ExtractYear("decided_on"))
        .values_list("suspect_id", "proceeding_id", "outcome", "_year")
    )
    return _to_arrow(queryset, DEFENDANT_SCHEMA)


def proceedings(scope: StatsScope) -> pa.Table:
    queryset = (
        scope.rows(Proceeding, JUSTICE_CAPABILITY)
        .order_by()
        .annotate(
            _prosecuted=ExtractYear("prosecution_started_on"),
            _opened=ExtractYear("created_at"),
            _forms=_json_text("forms_of_exploitation"),
        )
        .values_list("id", "stage", "_prosecuted", "_opened", "_forms")
    )
    return _to_arrow(queryset, PROCEEDING_SCHEMA)


REFERRAL_SCHEMA = pa.schema(
    [("case_id", pa.int64()), ("state", pa.string()), ("sent_at", pa.string()), ("responded_at", pa.string())]
)
CASE_LINK_SCHEMA = pa.schema([("case_id", pa.int64())])


def referrals(scope: StatsScope) -> pa.Table:
    """Referrals the scope's organisations sent (state and the dates of sending and answering)."""
    from pharos.referrals.models import Referral

    queryset = (
        scope.rows(Referral, "referrals.send")
        .order_by()
        .annotate(
            _sent=Cast("sent_at", output_field=CharField()),
            _responded=Cast("responded_at", output_field=CharField()),
        )
        .values_list("case_id", "state", "_sent", "_responded")
    )
    return _to_arrow(queryset, REFERRAL_SCHEMA)


def case_links(scope: StatsScope, model: Any) -> pa.Table:
    """One row per record of an assistance model (reflection periods, services): its case id."""
    return _to_arrow(scope.rows(model, "assistance.view").order_by().values_list("case_id"), CASE_LINK_SCHEMA)

"""The tables a user is shown: computed once per scope and data version, then disclosure-controlled.

Computing the full set over a million records takes seconds, so pages read a cached copy. The
cache key holds the scope, the language (labels) and a cheap data version (count and latest
change of the victim cases and suspects in scope), so a new or changed record is reflected
on the next page view. Cached tables are kept in this process only (aggregates, no personal
data, but still nothing to put in a shared cache). Entries do not expire by age: the data
version in the key already retires them when the data change, and recomputing unchanged tables
(minutes at a million cases) on a timer would only make some unlucky page view wait. The
least recently used entries go beyond ``MAX_ENTRIES``.

Disclosure control: tables of a user who could not open the records (``StatsScope.victims_raw``
/ ``justice_raw``) go through ``protect`` = ``disclosure.suppress_table`` (threshold plus
secondary suppression). The releases module's ``suppress_table`` (an LP audit of every hidden
cell) is not used here: it assumes margins are sums of cells, which multi-select tables break,
and it did not finish within 5 minutes on the 192-cell sex-by-age table of the benchmark,
too slow for a page.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from django.db.models import Count, Max
from django.utils.translation import get_language

from pharos.cases.models import Suspect, VictimCase
from pharos.statistics import disclosure, queries
from pharos.statistics.tables import StandardTable, build_standard_tables

OFFENDER_TABLES = ("offenders_sex", "offenders_form")
MAX_ENTRIES = 256
_cache: OrderedDict[str, Any] = OrderedDict()
_lock = threading.Lock()


def _get(key: str) -> Any:
    with _lock:
        if key not in _cache:
            return None
        _cache.move_to_end(key)
        return _cache[key]


def _put(key: str, value: Any) -> None:
    with _lock:
        _cache[key] = value
        _cache.move_to_end(key)
        while len(_cache) > MAX_ENTRIES:
            _cache.popitem(last=False)


VERSION_TTL_SECONDS = 15
_versions: dict[str, tuple[float, str]] = {}


def data_version(scope: queries.StatsScope) -> str:
    """The scope's data version, re-read at most every VERSION_TTL_SECONDS (two aggregate queries)."""
    now = time.monotonic()
    hit = _versions.get(scope.key)
    if hit and now - hit[0] < VERSION_TTL_SECONDS:
        return hit[1]
    version = _read_version(scope)
    _versions[scope.key] = (now, version)
    return version


def _read_version(scope: queries.StatsScope) -> str:
    victims = scope.rows(VictimCase).aggregate(n=Count("id"), last=Max("updated_at"))
    suspects = scope.rows(Suspect, queries.JUSTICE_CAPABILITY).aggregate(
        n=Count("id"), last=Max("updated_at")
    )
    return f"{victims['n']}/{victims['last']}/{suspects['n']}/{suspects['last']}"


def protect(table: StandardTable, threshold: int) -> StandardTable:
    """``table`` with threshold and secondary suppression applied (see the module docstring)."""
    return disclosure.suppress_table(table, threshold)


def raw_tables(scope: queries.StatsScope) -> list[StandardTable]:
    """The scope's full set, cached per data version and language."""
    key = f"{scope.key}|{get_language()}|{data_version(scope)}"
    hit = _get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    tables = build_standard_tables(scope)
    _put(key, tables)
    return tables


def tables_for(scope: queries.StatsScope) -> list[StandardTable]:
    """What this scope's user may be shown: raw where they see the records, protected elsewhere."""
    key = f"shown|{scope.key}|{get_language()}|{data_version(scope)}"
    hit = _get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    threshold = queries.threshold()
    shown = []
    for table in raw_tables(scope):
        raw = scope.justice_raw if table.name in OFFENDER_TABLES else scope.victims_raw
        shown.append(table if raw or not table.available else protect(table, threshold))
    _put(key, shown)
    return shown


def fragment(scope: queries.StatsScope, name: str, render: Any) -> str:
    """A rendered part of a page, cached like the tables (same scope, language and data version)."""
    key = f"fragment|{name}|{scope.key}|{get_language()}|{data_version(scope)}"
    hit = _get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    html = str(render())
    _put(key, html)
    return html


def clear() -> None:
    with _lock:
        _cache.clear()
        _versions.clear()

"""The tables a user is shown: computed once per scope and data version, then disclosure-controlled.

Computing the full set over a million records takes seconds, so pages read a cached copy. The
cache key holds the scope, the language (labels) and a cheap data version (count and latest
change of the victim cases and suspects in scope), so a new or changed record is reflected
on the next page view. Cached tables and fragments live at two levels: this process (a dict,
no copying) and Django's ``default`` cache, which production sets to the database cache, so
the server processes share one computation instead of each spending minutes on it; the
entries are aggregates, never personal data, and the shared copy sits in the same database
as the records. Entries do not expire by age: the data
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

import hashlib
import threading
import time
from collections import OrderedDict
from typing import Any

from django.core.cache import caches
from django.db.models import Count, Max
from django.utils.translation import get_language

from pharos.cases.models import Suspect, VictimCase
from pharos.statistics import disclosure, queries
from pharos.statistics.models import PopulationEstimate
from pharos.statistics.tables import StandardTable, build_standard_tables

OFFENDER_TABLES = ("offenders_sex", "offenders_form")
MAX_ENTRIES = 256
_cache: OrderedDict[str, Any] = OrderedDict()
_lock = threading.Lock()


SHARED_TIMEOUT_SECONDS = 7 * 24 * 3600  # the data version retires entries long before


GENERATION_KEY = "pharos-stats:generation"


def _shared_key(key: str) -> str:
    generation = caches["default"].get(GENERATION_KEY, 0)
    return f"pharos-stats:{generation}:" + hashlib.sha256(key.encode()).hexdigest()


def _get(key: str) -> Any:
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    found = caches["default"].get(_shared_key(key))
    if found is not None:
        _remember(key, found)
    return found


def _remember(key: str, value: Any) -> None:
    with _lock:
        _cache[key] = value
        _cache.move_to_end(key)
        while len(_cache) > MAX_ENTRIES:
            _cache.popitem(last=False)


def _put(key: str, value: Any) -> None:
    _remember(key, value)
    caches["default"].set(_shared_key(key), value, SHARED_TIMEOUT_SECONDS)


VERSION_TTL_SECONDS = 15
_versions: dict[str, tuple[float, str]] = {}


_version_lock = threading.Lock()
_refreshing: set[str] = set()


def data_version(scope: queries.StatsScope) -> str:
    """The scope's data version, re-read at most every VERSION_TTL_SECONDS.

    The read is two aggregates over the scope's records (about 0.1 s at a million cases). When
    it is due, one request of the process re-reads it and the others go on with the version
    they have, so concurrent pages never queue behind the same scan.
    """
    now = time.monotonic()
    with _version_lock:
        hit = _versions.get(scope.key)
        if hit and (now - hit[0] < VERSION_TTL_SECONDS or scope.key in _refreshing):
            return hit[1]
        _refreshing.add(scope.key)
    try:
        version = _read_version(scope)
    finally:
        with _version_lock:
            _refreshing.discard(scope.key)
    with _version_lock:
        _versions[scope.key] = (time.monotonic(), version)
    return version


def _read_version(scope: queries.StatsScope) -> str:
    victims = scope.rows(VictimCase).aggregate(n=Count("id"), last=Max("updated_at"))
    suspects = scope.rows(Suspect, queries.JUSTICE_CAPABILITY).aggregate(
        n=Count("id"), last=Max("updated_at")
    )
    # Population figures feed SDG 16.2.2: a new upload is a new version for every process.
    population = PopulationEstimate.objects.aggregate(n=Count("id"), last=Max("uploaded_at"))
    return (
        f"{victims['n']}/{victims['last']}/{suspects['n']}/{suspects['last']}"
        f"/{population['n']}/{population['last']}"
    )


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
    """Forget every copy: this process's, and the shared ones (by moving to a new generation)."""
    with _lock:
        _cache.clear()
        _versions.clear()
    shared = caches["default"]
    try:
        shared.incr(GENERATION_KEY)
    except ValueError:  # no generation yet
        shared.set(GENERATION_KEY, 1, None)

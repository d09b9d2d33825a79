"""How records read on pages and in the API: codes as labels in the UI language.

Labels come from a ``Vocabulary`` loaded once per page, so a list of fifty cases costs no
more queries than a list of two. Closed codes keep their label (ADR 0006).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from pharos.cases.fields import coded_fields
from pharos.cases.validation import Vocabulary

_COUNTRY_FIELDS = ("country_of_exploitation", "country", "citizenship")


def labels_of(
    record: models.Model, vocabulary: Vocabulary, names: Iterable[str] | None = None
) -> dict[str, Any]:
    """Label (or list of labels) of each coded field and country of ``record``, by field name."""
    wanted = set(names) if names is not None else None
    found: dict[str, Any] = {}
    for name, (key, multiple) in coded_fields(type(record)).items():
        if wanted is not None and name not in wanted:
            continue
        value = getattr(record, name)
        if multiple:
            found[name] = vocabulary.labels(key, value or [])
        else:
            found[name] = vocabulary.label(key, value) if value else ""
    for name in _COUNTRY_FIELDS:
        if (wanted is None or name in wanted) and hasattr(record, name):
            code = getattr(record, name)
            found[name] = f"{vocabulary.country_name(code)} ({code})" if code else ""
    if (wanted is None or "citizenships" in wanted) and hasattr(record, "citizenships"):
        found["citizenships"] = [f"{vocabulary.country_name(c)} ({c})" for c in record.citizenships or []]
    return found


def label_all[T: models.Model](
    records: Iterable[T], vocabulary: Vocabulary, names: Iterable[str] | None = None
) -> list[T]:
    """Attach ``labels`` to each record (for templates) and return them as a list."""
    chosen = list(names) if names is not None else None
    out = list(records)
    for record in out:
        record.labels = labels_of(record, vocabulary, chosen)  # type: ignore[attr-defined]
    return out

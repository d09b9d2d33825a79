"""Personal values never enter the audit log in clear.

Actions pass the data they want logged; values of fields listed as personal are
replaced by a fixed marker, so the log says *that* a name changed, not what to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

MASK = "•••"


def mask(data: Mapping[str, Any], personal: Iterable[str]) -> dict[str, Any]:
    hidden = set(personal)
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in hidden:
            out[key] = None if value in (None, "", [], {}) else MASK
        elif isinstance(value, Mapping):
            out[key] = mask(value, hidden)
        else:
            out[key] = value
    return out

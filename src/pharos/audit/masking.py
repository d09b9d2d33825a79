"""Personal values never enter the audit log in clear.

Actions pass the data they want logged; values of fields listed as personal are
replaced by a fixed marker, so the log says *that* a name changed, not what to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

MASK = "•••"


def mask(data: Mapping[str, Any], personal: Iterable[str]) -> dict[str, Any]:
    """A copy of ``data`` with the value of every key named in ``personal`` masked, at any depth."""
    hidden = set(personal)
    return {key: _mask_value(key, value, hidden) for key, value in data.items()}


def _mask_value(key: Any, value: Any, hidden: set[str]) -> Any:
    if key in hidden:
        return None if _is_empty(value) else MASK
    if isinstance(value, Mapping):
        return mask(value, hidden)
    if isinstance(value, list | tuple):
        # A list of changes ({"field": …, "old": …}) is masked item by item.
        return [_mask_value(None, item, hidden) for item in value]
    return value


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple | dict) and len(value) == 0)

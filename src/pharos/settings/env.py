"""Typed readers of the environment that fail loudly.

Every setting that comes from outside goes through one of these functions, so a
typo in a deployment (``DEBUG=ture``, a missing key file) stops the process at
start-up with a message naming the variable, instead of running half-configured.
Secrets may be given directly (``NAME``) or as a path in ``NAME_FILE``, the form
container orchestrators mount secrets in.
"""

import os
from pathlib import Path
from typing import Final

_TRUE: Final = {"1", "true", "yes", "on"}
_FALSE: Final = {"0", "false", "no", "off", ""}
_MISSING: Final = object()


class ImproperlyConfiguredEnv(RuntimeError):
    """A variable is missing or holds a value of the wrong type."""


def _raw(name: str) -> str | None:
    """The value of ``name``, or the content of the file named by ``name_FILE``."""
    value = os.environ.get(name)
    file_name = os.environ.get(f"{name}_FILE")
    if value is not None and file_name is not None:
        raise ImproperlyConfiguredEnv(f"Set either {name} or {name}_FILE, not both.")
    if file_name is not None:
        path = Path(file_name)
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfiguredEnv(f"{name}_FILE={file_name} cannot be read: {exc}") from exc
    return value


def env_str(name: str, default: str | object = _MISSING) -> str:
    value = _raw(name)
    if value is None:
        if default is _MISSING:
            raise ImproperlyConfiguredEnv(f"The environment variable {name} is required.")
        return str(default)
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfiguredEnv(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfiguredEnv(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]

"""The kinds of background job Pharos knows, and what each one runs.

A module registers its long work in its ``tasks.py``::

    @job_kind("audit.verify", label=_("Audit log verification"), capability="audit.verify")
    def verify(job: Job, reporter: Reporter) -> dict[str, Any]:
        ...

The callable gets the Job row and a Reporter (progress and log lines) and returns a small
JSON result (counts, codes; never personal data). ``capability`` is what the person who
starts the job must hold, checked again when the job runs. The jobs app imports every
app's ``tasks`` module when Django starts, so registration needs nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

if TYPE_CHECKING:
    from pharos.jobs.models import Job
    from pharos.jobs.runner import Reporter

JobFunction = Callable[["Job", "Reporter"], dict[str, Any] | None]


@dataclass(frozen=True)
class JobKind:
    name: str
    label: Promise | str
    capability: str | None
    run: JobFunction


_KINDS: dict[str, JobKind] = {}


def job_kind(
    name: str, *, label: Promise | str | None = None, capability: str | None = None
) -> Callable[[JobFunction], JobFunction]:
    """Register the decorated function as the work of jobs of kind ``name``."""
    if capability is not None:
        from pharos.tenancy import capabilities

        capabilities.get(capability)

    def register(func: JobFunction) -> JobFunction:
        existing = _KINDS.get(name)
        if existing is not None and existing.run.__qualname__ != func.__qualname__:
            raise ImproperlyConfigured(f"Job kind {name!r} is registered twice")
        _KINDS[name] = JobKind(name=name, label=label or name, capability=capability, run=func)
        return func

    return register


def get(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"Unknown job kind {name!r}; register it with @job_kind") from None


def label(name: str) -> str:
    """The kind's label in the active language; the raw name for a kind no longer registered."""
    found = _KINDS.get(name)
    return str(found.label) if found is not None else name


def names() -> list[str]:
    return sorted(_KINDS)

"""Reads for statistics: which records a user's figures cover, and whether they see them raw.

A user's statistics cover the records of every organisation they hold ``stats.view`` in
(the acting membership and their other active memberships): a regional analyst with
memberships in North Macedonia and Albania compares both countries. Each membership's rows
are chosen by the model's own ``visibility_filter`` (as ``visible_to`` does), so a wider
visibility rule later (referrals) widens statistics the same way.

Figures are shown **unsuppressed** only when the user could open the records themselves:
victim tables when every covered membership also holds ``cases.view``, offender tables when
every covered membership holds ``justice.view``. Otherwise ``disclosure.suppress_table``
applies (threshold ``PHAROS_STATS_THRESHOLD``, default 10).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.conf import settings
from django.db.models import Q

from pharos.tenancy.access import acting_membership, memberships_of
from pharos.tenancy.models import Membership

STATS_CAPABILITY = "stats.view"
POPULATION_CAPABILITY = "stats.population"
RECORDS_CAPABILITY = "cases.view"
JUSTICE_CAPABILITY = "justice.view"
DEFAULT_THRESHOLD = 10


@dataclass(frozen=True)
class StatsScope:
    """Whose records the tables count, and how they may be shown.

    ``memberships`` empty with ``everything`` True is the system scope (command line,
    releases built by the system); otherwise rows are those the memberships may reach.
    """

    memberships: tuple[Membership, ...] = ()
    everything: bool = False
    victims_raw: bool = False
    justice: bool = False
    justice_raw: bool = False
    reason: str = ""
    countries: tuple[str, ...] = field(default=())

    def rows(self, model: Any, capability: str = STATS_CAPABILITY) -> Any:
        """The model's rows this scope covers (scoped queryset)."""
        if self.everything:
            return model.objects.unscoped(self.reason or "statistics: system scope")
        if not self.memberships:
            return model.objects.none().unscoped("statistics: empty scope")
        condition = reduce(operator.or_, (model.visibility_filter(m, capability) for m in self.memberships))
        return model.objects.unscoped("statistics: union of the user's stats.view memberships").filter(
            condition
        )

    @property
    def key(self) -> str:
        """A cache key part: the same key means the same rows and the same treatment."""
        if self.everything:
            return "all"
        ids = ",".join(str(m.pk) for m in self.memberships)
        return f"m{ids}:{int(self.victims_raw)}{int(self.justice)}{int(self.justice_raw)}"


def system_scope(reason: str, *, countries: tuple[str, ...] = ()) -> StatsScope:
    """Every record (for the command line and system jobs), shown raw."""
    return StatsScope(
        everything=True, victims_raw=True, justice=True, justice_raw=True, reason=reason, countries=countries
    )


def scope_for(user: Any) -> StatsScope | None:
    """The user's statistics scope; None when the acting membership lacks ``stats.view``."""
    acting = acting_membership(user)
    if acting is None or not acting.has(STATS_CAPABILITY):
        return None
    covered = [m for m in memberships_of(user) if m.has(STATS_CAPABILITY)]
    if acting.pk not in {m.pk for m in covered}:
        covered.insert(0, acting)
    return StatsScope(
        memberships=tuple(covered),
        victims_raw=all(m.has(RECORDS_CAPABILITY) for m in covered),
        justice=True,
        justice_raw=all(m.has(JUSTICE_CAPABILITY) for m in covered),
        countries=tuple(sorted({m.organisation.country.code for m in covered})),
    )


def threshold() -> int:
    return int(getattr(settings, "PHAROS_STATS_THRESHOLD", DEFAULT_THRESHOLD))


def organisations_q(scope: StatsScope, prefix: str = "") -> Q:
    """A Q limiting another model to the scope's organisations (for joins)."""
    if scope.everything:
        return Q()
    return Q(**{f"{prefix}organisation_id__in": [m.organisation_id for m in scope.memberships]})

"""Querysets that refuse to run until they are scoped to what a user may see.

Tenant data is only ever read through ``Model.objects.visible_to(user, capability)``.
A queryset that reaches the database without that call (or an explicit, named
``unscoped(reason)`` for system work such as key rotation) raises UnscopedQuery:
forgetting the scope fails loudly in tests instead of leaking another
organisation's records in production. The pattern follows NetBox's RestrictedQuerySet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.db import models

if TYPE_CHECKING:
    from pharos.accounts.models import User


class UnscopedQuery(RuntimeError):
    """Tenant data was queried without visible_to() or unscoped()."""


class ScopedQuerySet(models.QuerySet):  # type: ignore[type-arg]
    _pharos_scope: str | None = None

    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]
        clone._pharos_scope = self._pharos_scope
        return clone  # type: ignore[no-any-return]

    def _scoped(self, scope: str) -> Self:
        clone = self._chain()  # type: ignore[attr-defined]
        clone._pharos_scope = scope
        return clone  # type: ignore[no-any-return]

    def _require_scope(self) -> None:
        if self._pharos_scope is None:
            raise UnscopedQuery(f"{self.model.__name__} was queried without visible_to(user, capability).")

    def visible_to(self, user: User | Any, capability: str) -> Self:
        """Rows the user, acting for their current organisation, may reach with ``capability``."""
        from pharos.tenancy import access

        membership = access.acting_membership(user)
        if membership is None or not membership.has(capability):
            return self.none()._scoped(capability)
        scope = self.model.visibility_filter(membership, capability)  # type: ignore[attr-defined]
        return self.filter(scope)._scoped(capability)

    def unscoped(self, reason: str) -> Self:
        """All rows, for system work that is itself authorised elsewhere (say why)."""
        if not reason:
            raise ValueError("unscoped() needs a reason")
        return self._scoped(f"unscoped:{reason}")

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._require_scope()
        super()._fetch_all()  # type: ignore[misc]

    def count(self) -> int:
        self._require_scope()
        return super().count()

    def exists(self) -> bool:
        self._require_scope()
        return super().exists()

    def iterator(self, chunk_size: int | None = None) -> Any:
        self._require_scope()
        return super().iterator(chunk_size=chunk_size)

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._require_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._require_scope()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._require_scope()
        return super().delete()


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    """Default manager of tenant models; its base manager stays plain for Django internals."""

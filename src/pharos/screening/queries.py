"""Reads of screenings, always within what the user may see (404 for missing and not yours)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from pharos.cases.models import VictimCase
from pharos.screening.models import Screening

CAPABILITY = "screening.run"


def screenings_visible_to(user: Any, capability: str = CAPABILITY) -> QuerySet[Screening]:
    return Screening.objects.visible_to(user, capability)  # type: ignore[no-any-return]


def get_screening_for_user(user: Any, public_id: Any, capability: str = CAPABILITY) -> Screening:
    try:
        return (
            screenings_visible_to(user, capability)
            .select_related("case", "screened_by")
            .get(public_id=public_id)
        )  # type: ignore[no-any-return]
    except (Screening.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such screening.") from exc


def screenings_for_case(user: Any, case: VictimCase) -> QuerySet[Screening]:
    return screenings_visible_to(user).filter(case=case).select_related("screened_by")


def screenings_for_list(screenings: QuerySet[Screening]) -> QuerySet[Screening]:
    """Newest first, without the encrypted columns (lists show no alias)."""
    return (
        screenings.select_related("case", "screened_by")
        .defer("alias", "present", "notes")
        .order_by("-screened_on", "-id")
    )


def find_case_for_attach(user: Any, reference: str) -> VictimCase | None:
    """A case of the user's organisation they may change, by its reference (None if not found)."""
    return VictimCase.objects.visible_to(user, "cases.change").filter(reference=reference.strip()).first()  # type: ignore[no-any-return]

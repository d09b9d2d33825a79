"""Writes about screenings, and their audited reads.

One function per verb, one transaction each, an audit entry inside it. The audit data names
the list, the date and the rule's result, never the alias, the notes or which indicators
were found (they describe what happened to the person).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pharos.audit import log
from pharos.cases.actions import refuse_if_closed
from pharos.cases.models import VictimCase
from pharos.screening import indicators
from pharos.screening.models import Screening
from pharos.tenancy import access
from pharos.tenancy.models import Organisation

_LOCK_REASON = "locking a record the caller already looked up in its scope"


class ScreeningError(ValueError):
    """A screening was refused (the message says why, in the user's language)."""


def _acting_organisation(actor: Any, fallback: Organisation) -> Organisation:
    membership = access.acting_membership(actor)
    return membership.organisation if membership is not None else fallback


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _check_case(actor: Any, case: VictimCase | None, organisation: Organisation) -> None:
    if case is None:
        return
    # The caller found the case in its scope (its own, or one referred to it).
    refuse_if_closed(VictimCase.objects.unscoped(_LOCK_REASON).select_for_update().get(pk=case.pk))


def screening_run(
    *,
    actor: Any,
    organisation: Organisation,
    indicator_list: str,
    present: Iterable[str],
    screened_on: datetime.date,
    case: VictimCase | None = None,
    alias: str = "",
    notes: str = "",
) -> Screening:
    """Record a screening and the result of the combination rule (on a case, or with an alias)."""
    alias = (alias or "").strip()
    if case is None and not alias:
        raise ScreeningError(_("Give at least an alias, or screen from a case."))
    if screened_on > timezone.localdate():
        raise ScreeningError(_("The date of the screening cannot be in the future."))
    try:
        result = indicators.evaluate(indicator_list, present)
    except LookupError as exc:
        raise ScreeningError(_("This list of indicators is not available.")) from exc
    except ValueError as exc:
        raise ScreeningError(_("Some indicators are not on the chosen list.")) from exc
    found = [i.id for d in result.dimensions for i in d.found]
    with transaction.atomic():
        _check_case(actor, case, organisation)
        screening = Screening.objects.create(
            organisation=organisation,
            case=case,
            alias=alias or None,
            indicator_list=indicator_list,
            screened_on=screened_on,
            present=found,
            notes=(notes or "").strip() or None,
            overall=result.overall,
            positive_dimensions=result.positive_dimensions,
            screened_by=_user(actor),
        )
        log.record(
            "screening.screening.recorded",
            actor=actor,
            target=case if case is not None else screening,
            organisation=_acting_organisation(actor, organisation),
            data={
                "screening": str(screening.public_id),
                "reference": case.reference if case is not None else "",
                "list": indicator_list,
                "screened_on": screened_on.isoformat(),
                "overall": result.overall,
                "positive_dimensions": result.positive_dimensions,
                "alias": alias,
                "notes": notes,
            },
            personal=("alias", "notes"),
        )
    return screening


def screening_attach(*, actor: Any, screening: Screening, case: VictimCase) -> Screening:
    """Link a screening made before registration (alias only) to the case opened since."""
    with transaction.atomic():
        locked = Screening.objects.unscoped(_LOCK_REASON).select_for_update().get(pk=screening.pk)
        if locked.case_id is not None:
            raise ScreeningError(_("This screening is already on a case."))
        _check_case(actor, case, locked.organisation)
        locked.case = case
        locked.save(update_fields=["case"])
        log.record(
            "screening.screening.attached",
            actor=actor,
            target=case,
            organisation=_acting_organisation(actor, locked.organisation),
            data={"screening": str(locked.public_id), "reference": case.reference},
        )
    screening.case = case
    return screening


def screening_view(*, actor: Any, screening: Screening, purpose: str = "detail") -> Screening:
    """Record that ``actor`` saw a screening (``purpose``: detail, api)."""
    with transaction.atomic():
        log.record(
            "screening.screening.viewed",
            actor=actor,
            target=screening,
            organisation=_acting_organisation(actor, screening.organisation),
            data={"purpose": purpose, "case": str(screening.case.public_id) if screening.case else ""},
        )
    return screening


def screening_list(*, actor: Any, screenings: Sequence[Screening]) -> int:
    """Record that each of ``screenings`` was shown on a list; returns how many."""
    if not screenings:
        return 0
    with transaction.atomic():
        return len(log.record_many("screening.screening.listed", targets=list(screenings), actor=actor))


def screenings_erase_for_case(*, actor: Any, case: VictimCase) -> int:
    """Blank alias, notes and indicators found of the case's screenings (erasure, retention).

    Sent with casework's ``case_erasing`` inside its transaction; the list used, the date and
    the rule's result stay as anonymous facts.
    """
    return (
        Screening.objects.unscoped("erasing the personal data of a case")
        .filter(case=case, erased_at__isnull=True)
        .update(alias=None, notes=None, present=None, erased_at=timezone.now())
    )

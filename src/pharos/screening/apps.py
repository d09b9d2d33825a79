from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "pharos.screening"
    label = "screening"

    def ready(self) -> None:
        from pharos.casework.events import case_erasing
        from pharos.casework.registry import export_section

        case_erasing.connect(_erase_screenings, dispatch_uid="screening-erase-for-case")
        export_section("screening", _("Screenings on the trafficking indicators"))(_screenings_of)


def _erase_screenings(sender: Any, *, actor: Any, case: Any, **kwargs: Any) -> None:
    from pharos.screening.actions import screenings_erase_for_case

    screenings_erase_for_case(actor=actor, case=case)


def _screenings_of(person: Any, cases: list[Any]) -> list[dict[str, Any]]:
    """The screenings on the person's cases, for the export of everything held about them."""
    from pharos.screening.models import Screening

    found = Screening.objects.unscoped("export of everything held about a person (authorised by casework)")
    return [
        {
            "case": s.case.reference if s.case else "",
            "indicator_list": s.indicator_list,
            "screened_on": s.screened_on.isoformat(),
            "alias": s.alias,
            "indicators_found": s.found,
            "overall": s.overall,
            "positive_dimensions": list(s.positive_dimensions or []),
            "notes": s.notes,
        }
        for s in found.filter(case__in=cases).select_related("case")
    ]

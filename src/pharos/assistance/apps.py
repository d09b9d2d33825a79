from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "pharos.assistance"
    label = "assistance"

    def ready(self) -> None:
        from pharos.assistance import export
        from pharos.casework.events import case_erasing
        from pharos.casework.registry import export_section, timeline_kind

        case_erasing.connect(_erase_assistance, dispatch_uid="assistance-erase-for-case")
        timeline_kind("assistance.stage.entered", _("Pathway: entered the stage %(stage)s"))
        timeline_kind("assistance.stage.left", _("Pathway: left the stage %(stage)s"))
        timeline_kind("assistance.measure.recorded", _("Assistance measure recorded (%(kind)s)"))
        timeline_kind("assistance.reflection.started", _("Recovery and reflection period started"))
        timeline_kind(
            "assistance.reflection.ended", _("Recovery and reflection period ended (%(end_reason)s)")
        )
        timeline_kind("assistance.plan.reviewed", _("Support and safety plan reviewed"))
        export_section("assistance", _("Assistance pathway"))(export.measures_of)


def _erase_assistance(sender: Any, *, actor: Any, case: Any, **kwargs: Any) -> None:
    from pharos.assistance.actions import assistance_erase_for_case

    assistance_erase_for_case(actor=actor, case=case)

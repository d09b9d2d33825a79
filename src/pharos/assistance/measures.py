"""The kinds of measure a case's pathway holds: model, stage, form fields and list columns.

One registry so pages, API and actions treat every measure alike; a kind is the URL slug.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pharos.assistance import models as m


@dataclass(frozen=True)
class MeasureKind:
    slug: str
    model: type[m.AssistanceRecord]
    label: Promise
    add_label: Promise
    fields: tuple[str, ...]
    columns: tuple[str, ...]

    @property
    def stage(self) -> str:
        return self.model.STAGE


KINDS: dict[str, MeasureKind] = {
    k.slug: k
    for k in (
        MeasureKind(
            "crisis-need",
            m.CrisisNeed,
            _("Crisis needs"),
            _("Record a crisis need"),
            ("need", "identified_on", "met_on", "details"),
            ("need", "identified_on", "met_on", "details"),
        ),
        MeasureKind(
            "risk-assessment",
            m.RiskAssessment,
            _("Risk assessments"),
            _("Record a risk assessment"),
            ("kind", "assessed_on", "level", "assessor_name", "country", "next_review_on", "findings"),
            ("assessed_on", "kind", "level", "assessor", "country", "next_review_on", "findings"),
        ),
        MeasureKind(
            "support-plan",
            m.SupportPlan,
            _("Individual support and safety plans"),
            _("Record a support and safety plan"),
            (
                "agreed_on",
                "place",
                "immediate_needs",
                "planned_steps",
                "organisations_contacted",
                "safety_plan",
                "valid_until",
                "next_review_on",
                "agreed_by_person",
            ),
            (
                "agreed_on",
                "valid_until",
                "next_review_on",
                "agreed_by_person",
                "planned_steps",
                "safety_plan",
            ),
        ),
        MeasureKind(
            "reflection-period",
            m.ReflectionPeriod,
            _("Recovery and reflection periods"),
            _("Start a recovery and reflection period"),
            ("started_on", "duration_days", "warning_days", "legal_basis"),
            ("started_on", "duration_days", "ends_on", "ended_on", "end_reason"),
        ),
        MeasureKind(
            "residence-permit",
            m.ResidencePermit,
            _("Residence permits"),
            _("Record a residence permit"),
            ("permit_type", "status", "applied_on", "valid_from", "valid_until", "document_number"),
            ("permit_type", "status", "applied_on", "valid_from", "valid_until"),
        ),
        MeasureKind(
            "service",
            m.Service,
            _("Services"),
            _("Record a service"),
            ("service_type", "provider", "provider_name", "started_on", "ended_on", "outcome", "notes"),
            ("service_type", "provider", "started_on", "ended_on", "outcome", "notes"),
        ),
        MeasureKind(
            "return-plan",
            m.ReturnPlan,
            _("Return: decision, reception and reintegration"),
            _("Record a return decision and plan"),
            (
                "decision",
                "decided_on",
                "informed",
                "country",
                "reception_org",
                "reception_name",
                "reception_arrangements",
                "arrival_on",
                "reintegration_plan",
                "reintegration_review_on",
            ),
            (
                "decided_on",
                "decision",
                "informed",
                "country",
                "reception_org",
                "arrival_on",
                "reintegration_review_on",
            ),
        ),
        MeasureKind(
            "proceeding-role",
            m.ProceedingRole,
            _("Part in proceedings (witness status)"),
            _("Record a part in proceedings"),
            ("role", "since", "until", "file_number", "notes"),
            ("role", "since", "until", "file_number"),
        ),
        MeasureKind(
            "protection-measure",
            m.ProtectionMeasure,
            _("Protection measures"),
            _("Record a protection measure"),
            ("measure", "granted_on", "ended_on", "authority", "notes"),
            ("measure", "granted_on", "ended_on", "authority"),
        ),
        MeasureKind(
            "compensation-claim",
            m.CompensationClaim,
            _("Compensation claims"),
            _("Record a compensation claim"),
            (
                "kind",
                "status",
                "filed_on",
                "decided_on",
                "currency",
                "amount_claimed",
                "amount_awarded",
                "amount_paid",
                "notes",
            ),
            (
                "kind",
                "status",
                "filed_on",
                "decided_on",
                "currency",
                "amount_claimed",
                "amount_awarded",
                "amount_paid",
            ),
        ),
    )
}


def get(slug: str) -> MeasureKind:
    """The kind called ``slug``; LookupError for an unknown one (pages answer 404)."""
    try:
        return KINDS[slug]
    except KeyError:
        raise LookupError(slug) from None


def kinds_of_stage(stage: str) -> list[MeasureKind]:
    return [k for k in KINDS.values() if k.stage == stage]

"""Writes of the releases module: start and build a release, approve it, publish it; the ledger.

State machine: building → built → approved → published (building → failed on error). Every
step locks the row, checks the current state and the actor's capability, and writes its audit
entry in the same transaction. The reviewer who approves must not be the person who built the
release. A published release never changes (also guarded in the model).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pharos.audit import log
from pharos.jobs import actions as job_actions
from pharos.releases import build, ctdc, dp, queries
from pharos.releases.models import (
    ImmutableRelease,
    Method,
    PrivacyLedger,
    PrivacySpend,
    Release,
    ReleaseFile,
    Status,
)
from pharos.releases.queries import BUILD, DATASET, PUBLISH, REVIEW
from pharos.tenancy.access import acting_membership
from pharos.tenancy.models import Organisation

DEFAULT_THRESHOLD = 10
DEFAULT_ROUNDING = 5


class ReleaseRefused(Exception):
    """The release cannot move as asked (wrong state, same person, unknown method)."""


def _membership_with(actor: Any, capability: str) -> Any:
    membership = acting_membership(actor)
    if membership is None or not membership.has(capability):
        raise PermissionDenied(f"This needs {capability} in the organisation the user acts for.")
    return membership


def _locked(release: Release) -> Release:
    return (
        Release.objects.unscoped("lock a release the caller already reached")
        .select_for_update()
        .get(pk=release.pk)
    )  # type: ignore[no-any-return]


def default_budget() -> tuple[float, float]:
    epsilon = float(getattr(settings, "PHAROS_DP_EPSILON_BUDGET", 12.0))
    delta = float(getattr(settings, "PHAROS_DP_DELTA", 1e-6))
    return epsilon, delta


def ledger_get_or_create(*, organisation: Organisation) -> PrivacyLedger:
    """The organisation's ledger of the victims dataset (created with the configured budget)."""
    epsilon, delta = default_budget()
    ledger, _created = PrivacyLedger.objects.unscoped("the ledger of the acting organisation").get_or_create(
        organisation=organisation, dataset=DATASET, defaults={"epsilon_budget": epsilon, "delta": delta}
    )
    return ledger  # type: ignore[no-any-return]


def ledger_spend(
    *, actor: Any, ledger: PrivacyLedger, epsilon: float, release: Release | None
) -> PrivacySpend:
    """Spend (epsilon, the ledger's delta) or refuse with BudgetExceeded; the row is locked meanwhile."""
    with transaction.atomic():
        locked = (
            PrivacyLedger.objects.unscoped("lock the ledger to spend").select_for_update().get(pk=ledger.pk)
        )
        budget = dp.Budget(locked.epsilon_budget, locked.delta, locked.spent_rho)
        rho = dp.rho_for(epsilon, locked.delta)
        budget.spend(rho)  # raises BudgetExceeded
        locked.spent_rho = budget.spent_rho
        locked.save(update_fields=["spent_rho"])
        spend = PrivacySpend.objects.create(
            ledger=locked,
            release=release,
            epsilon=epsilon,
            delta=locked.delta,
            rho=rho,
            spent_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        log.record(
            "releases.budget.spent",
            actor=actor,
            organisation=locked.organisation,
            target=locked,
            data={"epsilon": epsilon, "delta": locked.delta, "rho": rho, "spent_rho": locked.spent_rho},
        )
    ledger.spent_rho = locked.spent_rho
    return spend


def ledger_set_budget(*, actor: Any, epsilon: float, delta: float) -> PrivacyLedger:
    """Set the total budget of the acting organisation's ledger (reviewers only; never below what is spent)."""
    membership = _membership_with(actor, REVIEW)
    ledger = ledger_get_or_create(organisation=membership.organisation)
    with transaction.atomic():
        locked = PrivacyLedger.objects.unscoped("lock the ledger").select_for_update().get(pk=ledger.pk)
        if locked.spent_rho > 0 and delta != locked.delta:
            raise ReleaseRefused(_("delta cannot change once budget has been spent."))
        if dp.rho_for(epsilon, delta) < locked.spent_rho:
            raise ReleaseRefused(_("The budget cannot be set below what has been spent."))
        before = locked.epsilon_budget
        locked.epsilon_budget, locked.delta = epsilon, delta
        locked.save(update_fields=["epsilon_budget", "delta"])
        log.record(
            "releases.budget.changed",
            actor=actor,
            organisation=locked.organisation,
            target=locked,
            data={"epsilon_before": before, "epsilon": epsilon, "delta": delta},
        )
    return locked  # type: ignore[no-any-return]


def release_start(
    *, actor: Any, title: str, method: str, parameters: dict[str, Any], enqueue: bool = True
) -> Release:
    """Create the release (building) and the job that builds it, for the acting organisation."""
    if method not in Method.values:
        raise ReleaseRefused(f"Unknown method {method!r}.")
    membership = _membership_with(actor, BUILD)
    organisation = membership.organisation
    with transaction.atomic():
        latest = (
            Release.objects.unscoped("next version number")
            .filter(organisation=organisation)
            .aggregate(v=Max("version"))["v"]
        )
        release = Release.objects.create(
            organisation=organisation,
            title=title,
            version=(latest or 0) + 1,
            method=method,
            parameters=parameters,
            built_by=actor,
        )
        log.record(
            "releases.release.started",
            actor=actor,
            organisation=organisation,
            target=release,
            data={"method": method, "version": release.version, "parameters": parameters},
        )
        job = job_actions.job_start(
            actor=actor,
            kind="releases.build",
            params={"release": str(release.public_id)},
            organisation=organisation,
            enqueue=enqueue,
        )
        release.job = job
        release.save(update_fields=["job"])
    return release


def compute(
    *,
    method: str,
    parameters: dict[str, Any],
    rows: Sequence[dict[str, str]],
    spend: Callable[[float, float], None] | None = None,
    first_year: int = 2000,
    countries: Sequence[str] | None = None,
    unit: str = build.RECORD_UNIT,
    justice_rows: Sequence[dict[str, str]] | None = None,
) -> build.Content:
    """The content of a release from CTDC rows; ``spend(epsilon, delta)`` is called before any noise.

    ``unit`` says what one row is (``build.PERSON_UNIT`` for ``queries.ctdc_rows``): the notes
    and the privacy statement name it. ``justice_rows`` (``queries.justice_rows``) adds the
    criminal-justice tables.
    """
    seed = parameters.get("seed")
    if method == Method.SUPPRESSION:
        return build.build_suppression(
            rows,
            threshold=int(parameters.get("threshold", DEFAULT_THRESHOLD)),
            rounding_base=int(parameters.get("rounding_base", DEFAULT_ROUNDING)),
            seed=seed,
            unit=unit,
            justice_rows=justice_rows,
        )
    epsilon = float(parameters["epsilon"])
    delta = float(parameters.get("delta") or dp.default_delta(len(rows)))
    if spend is not None:
        spend(epsilon, delta)
    params = dp.DpParameters(
        epsilon=epsilon,
        delta=delta,
        seed=seed,
    )
    last_year = timezone.now().year
    alpha3 = parameters.get("alpha3", True)
    domains = ctdc.codebook(first_year, last_year, alpha3=alpha3)
    if countries is not None:  # the reference table of the installation (public, like the code lists)
        for column in ctdc.COUNTRY_COLUMNS:
            domains[column] = list(countries)
    return build.build_dp(
        rows,
        params=params,
        domains=domains,
        synthetic=method == Method.SYNTHETIC,
        unit=unit,
        justice_rows=justice_rows,
    )


def release_build(
    *,
    actor: Any,
    release: Release,
    rows: Sequence[dict[str, str]],
    justice_rows: Sequence[dict[str, str]] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Release:
    """Compute and store the release's content (the job's work); spends budget first for DP methods."""
    if release.status != Status.BUILDING:
        raise ReleaseRefused(_("Only a release being built can be built."))
    ledger = ledger_get_or_create(organisation=release.organisation)

    def spend(epsilon: float, _delta: float) -> None:
        ledger_spend(actor=actor, ledger=ledger, epsilon=epsilon, release=release)

    parameters = dict(release.parameters)
    if release.method != Method.SUPPRESSION:
        parameters["delta"] = ledger.delta  # one delta per ledger: spends add up in rho
    try:
        content = compute(
            method=release.method,
            parameters=parameters,
            rows=rows,
            spend=spend,
            countries=queries.country_codes(),
            unit=build.PERSON_UNIT,
            justice_rows=justice_rows,
        )
    except dp.BudgetExceeded as exc:
        _fail(actor=actor, release=release, reason="budget", detail=str(exc))
        raise
    if progress:
        progress(len(rows))
    with transaction.atomic():
        locked = _locked(release)
        if locked.status != Status.BUILDING:
            raise ReleaseRefused(_("The release is no longer being built."))
        for name, (media_type, data, public) in sorted(content.files.items()):
            import hashlib

            ReleaseFile.objects.create(
                release=locked,
                name=name,
                media_type=media_type,
                content=data,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                public=public,
            )
        locked.summary = {**content.summary, "records": len(rows)}
        locked.utility = content.utility
        locked.content_hash = content.content_hash()
        locked.status = Status.BUILT
        locked.built_at = timezone.now()
        locked.save()
        log.record(
            "releases.release.built",
            actor=actor,
            organisation=locked.organisation,
            target=locked,
            data={"method": locked.method, "files": len(content.files), "hash": locked.content_hash},
        )
    return locked


def _fail(*, actor: Any, release: Release, reason: str, detail: str) -> None:
    with transaction.atomic():
        locked = _locked(release)
        if locked.status != Status.BUILDING:
            return
        locked.status = Status.FAILED
        locked.summary = {"error": reason, "detail": detail}
        locked.save(update_fields=["status", "summary"])
        log.record(
            "releases.release.failed",
            actor=actor,
            organisation=locked.organisation,
            target=locked,
            data={"reason": reason},
        )


def release_fail(*, actor: Any, release: Release, detail: str) -> None:
    """Mark a release whose build stopped as failed (the job calls this)."""
    _fail(actor=actor, release=release, reason="error", detail=detail)


def release_approve(*, actor: Any, release: Release) -> Release:
    """A reviewer (not the builder) approves a built release."""
    _membership_with(actor, REVIEW)
    with transaction.atomic():
        locked = _locked(release)
        if locked.status != Status.BUILT:
            raise ReleaseRefused(_("Only a release awaiting review can be approved."))
        if locked.built_by_id == actor.pk:
            raise ReleaseRefused(_("The person who built a release cannot approve it."))
        locked.status = Status.APPROVED
        locked.approved_by = actor
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at"])
        log.record(
            "releases.release.approved", actor=actor, organisation=locked.organisation, target=locked, data={}
        )
    return locked


def release_publish(*, actor: Any, release: Release) -> Release:
    """Publish an approved release: from now on it is public and never changes."""
    _membership_with(actor, PUBLISH)
    with transaction.atomic():
        locked = _locked(release)
        if locked.status == Status.PUBLISHED:
            raise ImmutableRelease(_("This release is published already and never changes."))
        if locked.status != Status.APPROVED:
            raise ReleaseRefused(_("Only an approved release can be published."))
        if locked.built_by_id == actor.pk:
            raise ReleaseRefused(_("The person who built a release cannot publish it."))
        locked.status = Status.PUBLISHED
        locked.published_by = actor
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_by", "published_at"])
        log.record(
            "releases.release.published",
            actor=actor,
            organisation=locked.organisation,
            target=locked,
            data={"hash": locked.content_hash, "version": locked.version},
        )
    return locked


def release_change(*, actor: Any, release: Release, title: str) -> Release:
    """Retitle a release that is not published yet (a published one never changes)."""
    _membership_with(actor, BUILD)
    with transaction.atomic():
        locked = _locked(release)
        if locked.status == Status.PUBLISHED:
            raise ImmutableRelease(_("A published release never changes."))
        locked.title = title
        locked.save(update_fields=["title"])
        log.record(
            "releases.release.changed", actor=actor, organisation=locked.organisation, target=locked, data={}
        )
    return locked

"""Writes of record linkage: start and complete runs, decide pairs, PPRL projects.

Every function is one transaction with its audit entry. Audit data holds counts, states and
public ids, never a name: a run is audited by how many records, pairs and clusters it made.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from pharos.audit import log
from pharos.jobs.actions import job_start
from pharos.linkage.models import (
    CandidatePair,
    ClusterMember,
    LinkageProject,
    LinkageRun,
    PairDecision,
    PairState,
    Participant,
    RunScope,
    Verdict,
)
from pharos.privacy import files
from pharos.tenancy import access
from pharos.tenancy.models import Membership, Organisation

RUN_JOB = "linkage.dedup"
LINK_JOB = "linkage.pprl_link"
_RUN_REASON = "a linkage run's own rows, by the action that owns them"
_PROJECT_REASON = "a linkage project's own rows, by the action that owns them"
# The only column names an encodings file (pharos.linkage.engine.pprl.encode) has besides
# source and record_id: Bloom-filter words and their bit counts, keyed hashes, keyed blocking
# keys, the age halves and the year-only flag. Anything else (a name, a date, a code in
# clear) makes the upload fail, and so does a column of text or dates.
ENCODED_COLUMN = re.compile(r"^(?:[a-z]+_(?:\d+|pop)|[a-z0-9]+_h|bk_[a-z]+|age_b[01]|dob_year_only)$")


class LinkageError(ValueError):
    """A linkage write was refused (the message says why, without personal data)."""


def _membership(actor: Any, capability: str) -> Membership:
    membership = access.acting_membership(actor)
    if membership is None or not membership.has(capability):
        raise PermissionDenied(f"needs {capability}")
    return membership


# --- runs -----------------------------------------------------------------------------------------


def run_start(*, actor: Any, scope: str, parameters: dict[str, float]) -> LinkageRun:
    """Queue a de-duplication of the persons in ``scope`` for the actor's organisation."""
    membership = _membership(actor, "linkage.run")
    if scope not in RunScope.values:
        raise LinkageError(f"Unknown scope {scope!r}.")
    organisation = membership.organisation
    with transaction.atomic():
        run = LinkageRun.objects.unscoped(_RUN_REASON).create(
            organisation=organisation,
            scope=scope,
            country=organisation.country if scope == RunScope.COUNTRY else None,
            started_by=actor,
            parameters=dict(parameters),
        )
        run.job = job_start(
            actor=actor, kind=RUN_JOB, params={"run": str(run.public_id)}, organisation=organisation
        )
        run.save(update_fields=["job"])
        log.record(
            "linkage.run.started",
            actor=actor,
            target=run,
            organisation=organisation,
            data={"scope": scope, "parameters": dict(parameters)},
        )
    return run


@dataclass(frozen=True)
class RunOutcome:
    """What a run found, keyed by person primary keys (the job maps record ids back)."""

    records: int
    pairs_scored: int
    clusters: int
    merged: int
    members: Sequence[tuple[int, str, float]]  # person, cluster key, probability
    review: Sequence[tuple[int, int, float]]  # person a < person b, probability
    decisions_applied: int


def run_complete(*, actor: Any, run: LinkageRun, outcome: RunOutcome) -> LinkageRun:
    """Store a run's clusters and review pairs with its counts; safe against a second call."""
    with transaction.atomic():
        locked = LinkageRun.objects.unscoped(_RUN_REASON).select_for_update().get(pk=run.pk)
        if locked.completed_at is not None:
            return locked
        ClusterMember.objects.filter(run=locked).delete()
        CandidatePair.objects.filter(run=locked).delete()
        ClusterMember.objects.bulk_create(
            [
                ClusterMember(run=locked, person_id=p, cluster_key=k, probability=pr)
                for p, k, pr in outcome.members
            ],
            batch_size=2000,
        )
        decided = _decisions_between(
            {a for a, _b, _p in outcome.review} | {b for _a, b, _p in outcome.review}
        )
        pairs = []
        for a, b, probability in outcome.review:
            decision = decided.get((a, b))
            pair = CandidatePair(run=locked, person_a_id=a, person_b_id=b, probability=probability)
            if decision is not None:  # decided in an earlier run: shown as decided, not queued again
                pair.state = (
                    PairState.CONFIRMED if decision.verdict == Verdict.CONFIRM else PairState.REJECTED
                )
                pair.decided_by_id, pair.decided_at = decision.decided_by_id, decision.decided_at
            pairs.append(pair)
        CandidatePair.objects.bulk_create(pairs, batch_size=2000)
        locked.records, locked.pairs_scored = outcome.records, outcome.pairs_scored
        locked.clusters, locked.merged = outcome.clusters, outcome.merged
        locked.review_pairs = sum(1 for p in pairs if p.state == PairState.PENDING)
        locked.decisions_applied = outcome.decisions_applied
        locked.completed_at = timezone.now()
        locked.save()
        log.record(
            "linkage.run.completed",
            actor=actor,
            target=locked,
            organisation=locked.organisation,
            data={
                "records": locked.records,
                "pairs_scored": locked.pairs_scored,
                "clusters": locked.clusters,
                "merged": locked.merged,
                "review_pairs": locked.review_pairs,
                "decisions_applied": locked.decisions_applied,
            },
        )
    return locked


def _decisions_between(person_ids: Iterable[int]) -> dict[tuple[int, int], PairDecision]:
    ids = list(person_ids)
    if not ids:
        return {}
    found = PairDecision.objects.filter(person_a_id__in=ids, person_b_id__in=ids)
    return {(d.person_a_id, d.person_b_id): d for d in found}


# --- review ---------------------------------------------------------------------------------------


def pair_decide(*, actor: Any, pair: CandidatePair, verdict: str) -> CandidatePair:
    """Record a reviewer's verdict on ``pair``; the next run respects it (``PairDecision``)."""
    _membership(actor, "linkage.review")
    if verdict not in Verdict.values:
        raise LinkageError(f"Unknown verdict {verdict!r}.")
    now = timezone.now()
    with transaction.atomic():
        locked = CandidatePair.objects.select_for_update().select_related("run").get(pk=pair.pk)
        locked.state = PairState.CONFIRMED if verdict == Verdict.CONFIRM else PairState.REJECTED
        locked.decided_by, locked.decided_at = actor, now
        locked.save(update_fields=["state", "decided_by", "decided_at"])
        PairDecision.objects.update_or_create(
            person_a_id=locked.person_a_id,
            person_b_id=locked.person_b_id,
            defaults={"verdict": verdict, "decided_by": actor, "decided_at": now, "source_pair": locked},
        )
        log.record(
            "linkage.pair.confirmed" if verdict == Verdict.CONFIRM else "linkage.pair.rejected",
            actor=actor,
            target=locked,
            data={"run": str(locked.run.public_id), "probability": round(locked.probability, 4)},
        )
    for name in ("state", "decided_by", "decided_at"):
        setattr(pair, name, getattr(locked, name))
    return pair


def pair_view(*, actor: Any, pairs: Sequence[CandidatePair]) -> int:
    """Record that the personal data of both records of each of ``pairs`` was shown to ``actor``."""
    if not pairs:
        return 0
    with transaction.atomic():
        events = log.record_many("linkage.pair.viewed", targets=list(pairs), actor=actor)
    return len(events)


# --- PPRL projects --------------------------------------------------------------------------------


def project_create(
    *,
    actor: Any,
    name: str,
    key_custodian: str,
    purpose: str = "",
    organisations: Iterable[tuple[Organisation, str]] = (),
    external: Iterable[tuple[str, str]] = (),
) -> LinkageProject:
    """A project run by the actor's organisation as linkage unit.

    ``organisations`` are (organisation, source name) pairs of this instance, ``external``
    (name, source name) pairs of data holders elsewhere.
    """
    membership = _membership(actor, "linkage.projects")
    from pharos.linkage.engine.pprl import check_source
    from pharos.linkage.engine.records import InputError

    sources = [s for _o, s in organisations] + [s for _n, s in external]
    if len(sources) < 2:
        raise LinkageError("A linkage project needs at least two participants.")
    if len(set(sources)) != len(sources):
        raise LinkageError("Each participant needs a source name of its own.")
    try:
        for source in sources:
            check_source(source)
    except InputError as exc:
        raise LinkageError(str(exc)) from exc
    if not key_custodian.strip():
        raise LinkageError("Name who holds the shared secret.")
    with transaction.atomic():
        project = LinkageProject.objects.unscoped(_PROJECT_REASON).create(
            organisation=membership.organisation,
            name=name.strip(),
            purpose=purpose.strip(),
            key_custodian=key_custodian.strip(),
            created_by=actor,
        )
        Participant.objects.bulk_create(
            [Participant(project=project, organisation=o, source=s) for o, s in organisations]
            + [Participant(project=project, external_name=n.strip(), source=s) for n, s in external]
        )
        log.record(
            "linkage.project.created",
            actor=actor,
            target=project,
            organisation=membership.organisation,
            data={"participants": len(sources), "sources": sources},
        )
    return project


def check_encodings(data: bytes, source: str) -> int:
    """The number of records in an encodings file, or LinkageError if it is not one for ``source``.

    Refused: files not made by ``pharos pprl encode``, files of another source, and any
    column beyond the encodings (a clear identifier would show up as one).
    """
    from pharos.linkage.engine.pprl import META_KEY

    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowInvalid, OSError) as exc:
        raise LinkageError("This is not an encodings file made by `pharos pprl encode`.") from exc
    if META_KEY not in (table.schema.metadata or {}):
        raise LinkageError("This is not an encodings file made by `pharos pprl encode`.")
    clear = ("source", "record_id")
    extra = [c for c in table.column_names if c not in clear and not ENCODED_COLUMN.match(c)]
    if extra:
        raise LinkageError(
            "The file holds columns that are not encodings ({}); only encodings may be uploaded.".format(
                ", ".join(sorted(extra)[:5])
            )
        )
    for name in table.column_names:
        kind = table.schema.field(name).type
        if name not in clear and not (
            pa.types.is_integer(kind) or pa.types.is_boolean(kind) or _int_list(kind)
        ):
            raise LinkageError(f"Column {name} is not an encoding (encodings are numbers only).")
    sources = set(table.column("source").unique().to_pylist())
    if sources != {source}:
        raise LinkageError(f"The file was encoded for another source; encode it with --source {source}.")
    return int(table.num_rows)


def _int_list(kind: pa.DataType) -> bool:
    return bool(pa.types.is_list(kind) and pa.types.is_integer(kind.value_type))


def participant_upload(*, actor: Any, participant: Participant, data: bytes, file_name: str) -> Participant:
    """Store a participant's encodings (checked, then encrypted at rest) in place of earlier ones."""
    _membership(actor, "linkage.projects")
    if len(data) > files.max_bytes():
        raise LinkageError(
            f"The file is larger than this instance accepts ({files.max_bytes() // (1024 * 1024)} MiB); "
            "link it with `pharos pprl link` instead."
        )
    records = check_encodings(data, participant.source)
    with transaction.atomic():
        locked = Participant.objects.select_for_update().select_related("project").get(pk=participant.pk)
        old = locked.encodings
        locked.encodings = files.attachment_store(
            content=data, file_name=file_name, content_type="application/vnd.apache.parquet"
        )
        locked.encoded_records, locked.uploaded_at = records, timezone.now()
        locked.save(update_fields=["encodings", "encoded_records", "uploaded_at"])
        if old is not None:
            files.attachment_erase(old)
        log.record(
            "linkage.project.encodings_uploaded",
            actor=actor,
            target=locked.project,
            data={"source": locked.source, "records": records},
        )
    return locked


def project_link_start(*, actor: Any, project: LinkageProject) -> LinkageProject:
    """Queue the link of every participant's encodings (all must be uploaded)."""
    membership = _membership(actor, "linkage.projects")
    if membership.organisation_id != project.organisation_id:
        raise PermissionDenied("Only the linkage unit links a project.")
    participants = list(project.participants.all())
    if any(p.encodings_id is None for p in participants):
        raise LinkageError("Every participant's encodings must be uploaded before linking.")
    with transaction.atomic():
        locked = LinkageProject.objects.unscoped(_PROJECT_REASON).select_for_update().get(pk=project.pk)
        locked.job = job_start(
            actor=actor,
            kind=LINK_JOB,
            params={"project": str(project.public_id)},
            organisation=membership.organisation,
        )
        locked.save(update_fields=["job"])
    return locked


def project_link_complete(
    *,
    actor: Any,
    project: LinkageProject,
    totals: dict[str, int],
    results: dict[str, tuple[bytes, dict[str, Any]]],
) -> LinkageProject:
    """Store each participant's own result file (encrypted) and counts, and the totals."""
    with transaction.atomic():
        locked = LinkageProject.objects.unscoped(_PROJECT_REASON).select_for_update().get(pk=project.pk)
        for participant in locked.participants.select_for_update():
            content, counts = results.get(participant.source, (b"", {}))
            old = participant.result
            participant.result = files.attachment_store(
                content=content, file_name=f"{participant.source}.zip", content_type="application/zip"
            )
            participant.counts = counts
            participant.save(update_fields=["result", "counts"])
            if old is not None:
                files.attachment_erase(old)
        locked.totals, locked.linked_at = dict(totals), timezone.now()
        locked.save(update_fields=["totals", "linked_at"])
        log.record(
            "linkage.project.linked",
            actor=actor,
            target=locked,
            organisation=locked.organisation,
            data=totals,
        )
    return locked


def participant_result_download(*, actor: Any, participant: Participant) -> bytes:
    """The participant's own result (its records, a person id, known elsewhere or not); audited."""
    if participant.result is None:
        raise LinkageError("This project has not been linked yet.")
    with transaction.atomic():
        log.record(
            "linkage.project.result_downloaded",
            actor=actor,
            target=participant.project,
            data={"source": participant.source},
        )
    return files.attachment_read(participant.result)

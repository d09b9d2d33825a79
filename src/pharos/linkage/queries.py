"""Reads of record linkage: unique-person counts, "also known to", runs, review pairs, projects.

**For statistics** (``pharos.statistics``):

- ``person_cluster_map(organisations=None, persons=None) -> dict[int, str]``: every person of
  the given organisations (primary key) mapped to the stable key of its cluster in the runs
  in force; a person no run linked to anyone maps to its own key (its public id as text). Two
  persons are the same person exactly when their keys are equal.
- ``unique_person_count(organisations=None, persons=None) -> UniqueCount``: (unique persons,
  records merged), i.e. ``len(set(keys))`` and ``len(keys) - len(set(keys))``.
- ``person_clusters(person_ids) -> dict[int, str]``: only the linked persons among
  ``person_ids`` (the interface ``pharos.statistics.units`` asks for).

The *runs in force* are, per country, the latest completed run over the whole country and,
for an organisation whose country has no such run, the latest completed run over that
organisation alone. Their scopes never overlap, so a person is in at most one of them.

These two functions count; they show nothing about a person and take no user: the caller
(the statistics module) decides who may see a count. Everything else here takes the user
and answers within what the user may see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from pharos.linkage.models import (
    CandidatePair,
    ClusterMember,
    LinkageProject,
    LinkageRun,
    PairState,
    Participant,
    RunScope,
)
from pharos.persons.models import Person
from pharos.tenancy import access
from pharos.tenancy.models import Organisation

_COUNT_REASON = "unique-person counts for statistics (counts only, no personal data)"
_RUNS_REASON = "the linkage runs in force, to count and to name organisations (no record content)"


class UniqueCount(NamedTuple):
    """How many persons a set of records stands for, and how many records were merged."""

    persons: int
    merged: int


# --- counts for statistics ----------------------------------------------------------------------


def runs_in_force() -> list[LinkageRun]:
    """Per country the latest completed country run; else per organisation its latest own run."""
    completed = (
        LinkageRun.objects.unscoped(_RUNS_REASON)
        .filter(completed_at__isnull=False)
        .order_by("-completed_at", "-id")
    )
    chosen: list[LinkageRun] = []
    countries: set[int] = set()
    organisations: set[int] = set()
    for run in completed.filter(scope=RunScope.COUNTRY).only("id", "country_id", "completed_at"):
        if run.country_id not in countries:
            countries.add(run.country_id)
            chosen.append(run)
    own = completed.filter(scope=RunScope.ORGANISATION).exclude(organisation__country_id__in=countries)
    for run in own.only("id", "organisation_id", "completed_at"):
        if run.organisation_id not in organisations:
            organisations.add(run.organisation_id)
            chosen.append(run)
    return chosen


def _organisation_ids(organisations: Iterable[Organisation | int] | None) -> list[int] | None:
    if organisations is None:
        return None
    return [o.pk if isinstance(o, Organisation) else int(o) for o in organisations]


def person_cluster_map(
    organisations: Iterable[Organisation | int] | None = None,
    persons: QuerySet[Person] | None = None,
) -> dict[int, str]:
    """Person primary key → cluster key, for the persons of ``organisations`` (all when None).

    ``persons`` narrows further (say, the persons of the cases a statistic counts); it may be
    any Person queryset, scoped or not, and is used only for its primary keys.
    """
    rows = Person.objects.unscoped(_COUNT_REASON)
    ids = _organisation_ids(organisations)
    if ids is not None:
        rows = rows.filter(organisation_id__in=ids)
    if persons is not None:
        rows = rows.filter(pk__in=persons.values("pk"))
    keys = {pk: str(public_id) for pk, public_id in rows.values_list("pk", "public_id").iterator()}
    if not keys:
        return keys
    runs = [run.pk for run in runs_in_force()]
    members = ClusterMember.objects.filter(run_id__in=runs).values_list("person_id", "cluster_key")
    for person_id, cluster_key in members.iterator():
        if person_id in keys:
            keys[person_id] = cluster_key
    return keys


def person_clusters(person_ids: Iterable[int]) -> dict[int, str]:
    """Person primary key → cluster key, for those of ``person_ids`` a run in force linked to
    another person; a person left out is a cluster of its own (``pharos.statistics.units``)."""
    wanted = set(person_ids)
    if not wanted:
        return {}
    runs = [run.pk for run in runs_in_force()]
    members = ClusterMember.objects.filter(run_id__in=runs).values_list("person_id", "cluster_key")
    return {person_id: key for person_id, key in members.iterator() if person_id in wanted}


def unique_person_count(
    organisations: Iterable[Organisation | int] | None = None,
    persons: QuerySet[Person] | None = None,
) -> UniqueCount:
    """(unique persons, records merged) for the persons ``person_cluster_map`` would map."""
    keys = person_cluster_map(organisations, persons)
    unique = len(set(keys.values()))
    return UniqueCount(persons=unique, merged=len(keys) - unique)


# --- "also known to organisation X" -------------------------------------------------------------


@dataclass(frozen=True)
class KnownElsewhere:
    """What a user may learn about the other records of a person's cluster."""

    visible: list[Person]  # other records of the same person the user may open
    organisations: list[Organisation]  # organisations whose records the user may not see


def known_elsewhere(user: Any, person: Person) -> KnownElsewhere:
    """The other records the runs in force put in ``person``'s cluster.

    Records the user may see with ``persons.view`` are returned (to link to); of the others
    only the organisation is, never the record, its reference or how sure the match is.
    """
    empty = KnownElsewhere(visible=[], organisations=[])
    runs = [run.pk for run in runs_in_force()]
    mine = ClusterMember.objects.filter(run_id__in=runs, person_id=person.pk).first()
    if mine is None:
        return empty
    others = list(
        ClusterMember.objects.filter(run_id=mine.run_id, cluster_key=mine.cluster_key)
        .exclude(person_id=person.pk)
        .values_list("person_id", flat=True)
    )
    if not others:
        return empty
    visible = list(
        Person.objects.visible_to(user, "persons.view").filter(pk__in=others).order_by("reference")
    )
    hidden = set(others) - {p.pk for p in visible}
    org_ids = (
        Person.objects.unscoped("only the organisations of records the user may not see")
        .filter(pk__in=hidden)
        .values("organisation_id")
    )
    organisations = list(Organisation.objects.filter(pk__in=org_ids).order_by("name"))
    return KnownElsewhere(visible=visible, organisations=organisations)


# --- runs and the review queue ------------------------------------------------------------------


def runs_visible_to(user: Any) -> QuerySet[LinkageRun]:
    return LinkageRun.objects.visible_to(user, "linkage.view").select_related("job", "country")  # type: ignore[no-any-return]


def get_run_for_user(user: Any, public_id: Any, capability: str = "linkage.view") -> LinkageRun:
    """One run of the user's organisation; Http404 for a missing one or another's."""
    try:
        return (
            LinkageRun.objects.visible_to(user, capability)
            .select_related("job", "country", "organisation")
            .get(public_id=public_id)
        )  # type: ignore[no-any-return]
    except (LinkageRun.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such linkage run.") from exc


def latest_runs(user: Any, capability: str = "linkage.review") -> list[LinkageRun]:
    """The latest completed run of the user's organisation for each scope (older ones are
    superseded: their pairs were scored again, and their decisions carried over)."""
    visible = LinkageRun.objects.visible_to(user, capability).filter(completed_at__isnull=False)
    found = []
    for scope in RunScope.values:
        run = visible.filter(scope=scope).order_by("-completed_at", "-id").first()
        if run is not None:
            found.append(run)
    return found


def pairs_for_review(user: Any, *, state: str = "", run: LinkageRun | None = None) -> QuerySet[CandidatePair]:
    """The candidate pairs of the latest runs of the user's organisation, most likely first."""
    found = CandidatePair.objects.filter(run__in=[r.pk for r in latest_runs(user)]).select_related(
        "run", "person_a__organisation", "person_b__organisation", "decided_by"
    )
    if run is not None:
        found = found.filter(run=run)
    if state in PairState.values:
        found = found.filter(state=state)
    return found.order_by("-run__created_at", "-probability", "id")


def get_pair_for_user(user: Any, public_id: Any) -> CandidatePair:
    try:
        return pairs_for_review(user).get(public_id=public_id)
    except (CandidatePair.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such pair.") from exc


def may_see_both(user: Any, pair: CandidatePair) -> bool:
    """Whether the user may see the personal data of both records of ``pair``."""
    if not access.can(user, "persons.view"):
        return False
    ids = {pair.person_a_id, pair.person_b_id}
    return Person.objects.visible_to(user, "persons.view").filter(pk__in=ids).count() == len(ids)


def persons_seen_by(user: Any, ids: Iterable[int]) -> set[int]:
    """Which of the person ids the user may see with ``persons.view`` (one query)."""
    if not access.can(user, "persons.view"):
        return set()
    return set(
        Person.objects.visible_to(user, "persons.view").filter(pk__in=list(ids)).values_list("pk", flat=True)
    )


def only_seen(user: Any, pairs: QuerySet[CandidatePair]) -> QuerySet[CandidatePair]:
    """Only the pairs whose two records the user may see with ``persons.view``."""
    if not access.can(user, "persons.view"):
        return pairs.none()
    visible = Person.objects.visible_to(user, "persons.view").values("pk")
    return pairs.filter(person_a__in=visible, person_b__in=visible)


# --- PPRL projects ------------------------------------------------------------------------------


def projects_visible_to(user: Any) -> QuerySet[LinkageProject]:
    return LinkageProject.objects.visible_to(user, "linkage.projects").select_related("organisation")  # type: ignore[no-any-return]


def get_project_for_user(user: Any, public_id: Any) -> LinkageProject:
    try:
        return projects_visible_to(user).get(public_id=public_id)  # type: ignore[no-any-return]
    except (LinkageProject.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such project.") from exc


def is_linkage_unit(user: Any, project: LinkageProject) -> bool:
    membership = access.acting_membership(user)
    return membership is not None and membership.organisation_id == project.organisation_id


def get_participant_for_user(user: Any, project: LinkageProject, public_id: Any) -> Participant:
    """A participant the user may act for: any, for the linkage unit; its own, for a participant."""
    condition = Q(project=project)
    if not is_linkage_unit(user, project):
        membership = access.acting_membership(user)
        condition &= Q(organisation_id=getattr(membership, "organisation_id", None))
    try:
        return Participant.objects.select_related("organisation", "result", "encodings").get(
            condition, public_id=public_id
        )
    except (Participant.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such participant.") from exc


# --- what a run links (system reads inside the job) ---------------------------------------------


def persons_in_scope(run: LinkageRun) -> QuerySet[Person]:
    """The persons a run links: of its organisation, or of every active organisation of its
    country. Erased persons are left out (nothing is left to compare)."""
    persons = Person.objects.unscoped("a linkage run started by a holder of linkage.run, inside its job")
    if run.scope == RunScope.COUNTRY:
        persons = persons.filter(organisation__country_id=run.country_id, organisation__is_active=True)
    else:
        persons = persons.filter(organisation_id=run.organisation_id)
    return persons.filter(erased_at__isnull=True)

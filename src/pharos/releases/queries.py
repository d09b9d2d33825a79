"""Reads of the releases module: an organisation's releases (scoped), the published ones (public),
and the CTDC-layout rows a release is built from (counts only, never a personal field)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from pharos.releases.models import PrivacyLedger, Release, ReleaseFile, Status

VIEW = "releases.view"
BUILD = "releases.build"
REVIEW = "releases.review"
PUBLISH = "releases.publish"
DATASET = "ctdc-victims"


def releases_visible_to(user: Any, capability: str = VIEW) -> QuerySet[Release]:
    return Release.objects.visible_to(user, capability).select_related("organisation")  # type: ignore[no-any-return]


def get_release_for_user(user: Any, public_id: Any, capability: str = VIEW) -> Release:
    """One release of the user's organisation; Http404 for one that is missing or not theirs."""
    try:
        return releases_visible_to(user, capability).get(public_id=public_id)
    except (Release.DoesNotExist, ValueError):
        raise Http404 from None


def published_releases() -> QuerySet[Release]:
    """Every published release, for the public portal (nothing else ever leaves this query)."""
    return (  # type: ignore[no-any-return]
        Release.objects.unscoped("public portal: published releases only")
        .filter(status=Status.PUBLISHED)
        .select_related("organisation")
        .order_by("-published_at")
    )


def get_published_release(public_id: Any) -> Release:
    try:
        return published_releases().get(public_id=public_id)
    except (Release.DoesNotExist, ValueError):
        raise Http404 from None


def public_file(release: Release, name: str) -> ReleaseFile:
    try:
        return release.files.get(name=name, public=True)
    except ReleaseFile.DoesNotExist:
        raise Http404 from None


def ledger_of(user: Any) -> PrivacyLedger | None:
    return PrivacyLedger.objects.visible_to(user, VIEW).filter(dataset=DATASET).first()  # type: ignore[no-any-return]


def country_codes() -> list[str]:
    """Every country of the reference table, as the CTDC layout writes it (alpha-3): public data."""
    from pharos.tenancy.models import Country

    return [alpha3 or code for code, alpha3 in Country.objects.values_list("code", "alpha3")]


def citation(release: Release) -> str:
    """How to cite a release: organisation, title, version, date, identifier and content hash."""
    day = (release.published_at or release.built_at or release.created_at).date().isoformat()
    return (
        f"{release.organisation.name}. {release.title}, version {release.version} ({day}). "
        f"Pharos statistical release {release.public_id}, SHA-256 {release.content_hash[:16]}."
    )


# CTDC columns a person's later cases fill when the first left them empty (the rest are flags).
_SCALAR_COLUMNS = ("gender", "ageBroad", "citizenship", "CountryOfExploitation")
_CHUNK = 2000


def ctdc_rows(user: Any, capability: str = BUILD) -> Iterator[dict[str, str]]:
    """The organisation's registered victims in the CTDC layout, one row per person.

    A person is counted once, as the statistics module counts them (``pharos.statistics.units``:
    the record-linkage cluster when there is one, else the person record), whatever the number
    of their cases: the row is their first registration (year, age, country of exploitation),
    with every form of exploitation, means of control, sector and recruiter relationship any of
    their cases records, and "identified" when any case identified them. One row per person is also what a DP release's guarantee is about:
    a person with three cases would otherwise weigh three records.
    """
    from pharos.cases.models import VictimCase
    from pharos.exports.queries import Mapper, alpha3_codes

    mapper, alpha3 = Mapper(), alpha3_codes()
    cases = (
        VictimCase.objects.visible_to(user, capability)
        .select_related("person")
        .only(
            "registered_on",
            "trafficking_status",
            "age_at_identification",
            "country_of_exploitation",
            "means_of_control",
            "forms_of_exploitation",
            "labour_sector",
            "sex_exploitation_types",
            "recruiter_relationships",
            "person__gender",
            "person__citizenships",
        )
        .order_by("registered_on", "id")
    )
    persons: dict[str, dict[str, str]] = {}
    chunk: list[Any] = []
    for case in cases.iterator(chunk_size=_CHUNK):
        chunk.append(case)
        if len(chunk) == _CHUNK:
            _merge(persons, chunk, mapper, alpha3)
            chunk = []
    _merge(persons, chunk, mapper, alpha3)
    yield from persons.values()


def _merge(persons: dict[str, dict[str, str]], cases: list[Any], mapper: Any, alpha3: dict[str, str]) -> None:
    """Add ``cases`` (in registration order) to ``persons``, keyed by the person's unit."""
    from pharos.releases.ctdc import FLAG_COLUMNS, STATUS
    from pharos.statistics.units import person_units

    if not cases:
        return
    units = person_units([case.person_id for case in cases]).to_pylist()
    for case, unit in zip(cases, units, strict=True):
        row = _ctdc_row(case, mapper, alpha3)
        if row is None:
            continue
        first = persons.get(unit)
        if first is None:
            persons[unit] = row
            continue
        for column in _SCALAR_COLUMNS:
            first[column] = first[column] or row[column]
        for column in FLAG_COLUMNS:
            first[column] = first[column] or row[column]
        if row[STATUS] == "identified":  # identified in any of their cases
            first[STATUS] = "identified"


def _ctdc_row(case: Any, mapper: Any, alpha3: dict[str, str]) -> dict[str, str] | None:
    """One case in the CTDC layout with its status; None for a case that is not a registered victim."""
    from pharos.exports import formats
    from pharos.releases.ctdc import CTDC_COLUMNS, STATUS

    status = formats._status_counted(case, mapper)
    if status is None:
        return None
    row = dict(zip(CTDC_COLUMNS, formats.ctdc_values(case, mapper, alpha3), strict=True))
    row[STATUS] = status
    return row


def justice_rows(user: Any, capability: str = BUILD) -> list[dict[str, str]]:
    """One row per suspect the builder's scope holds (``justice.row``), counted as the statistics
    module counts them: prosecuted once a proceeding is past investigation, convicted when a
    defendant's outcome is a conviction; the forms are those of all their proceedings."""
    from pharos.cases.models import FORMS_OF_EXPLOITATION, SEX, Defendant, Suspect
    from pharos.exports.queries import Mapper
    from pharos.releases import justice

    mapper = Mapper()
    reached: dict[int, dict[str, Any]] = {}
    links = (
        Defendant.objects.visible_to(user, capability)
        .order_by()
        .values_list("suspect_id", "outcome", "proceeding__stage", "proceeding__forms_of_exploitation")
    )
    for suspect_id, outcome, stage, forms in links.iterator(chunk_size=2000):
        found = reached.setdefault(suspect_id, {"prosecuted": False, "convicted": False, "forms": set()})
        found["prosecuted"] |= stage != "investigation"
        found["convicted"] |= outcome == "convicted"
        found["forms"].update(mapper.many(FORMS_OF_EXPLOITATION, forms, "eurostat"))
    rows = []
    suspects = Suspect.objects.visible_to(user, capability).order_by("id").values_list("id", "sex")
    for suspect_id, sex in suspects.iterator(chunk_size=2000):
        found = reached.get(suspect_id, {"prosecuted": False, "convicted": False, "forms": set()})
        rows.append(
            justice.row(
                sex=mapper(SEX, sex, "eurostat") or "UNK",
                prosecuted=found["prosecuted"],
                convicted=found["convicted"],
                forms=sorted(found["forms"]),
            )
        )
    return rows

"""Writes about persons: register, change, erase, and the audited reads (view, list, history).

Every function records its audit event in its own transaction with the personal fields
masked; the event data names which fields were given or changed, never their values.
Validation that a person can act on lives in forms.PersonForm (used by pages and API);
these functions check only what must hold whoever calls them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pharos.audit import log
from pharos.persons.events import person_erasing, person_names_changed
from pharos.persons.models import Gender, Person, PersonNameKey, PersonReferenceCounter
from pharos.privacy import cipher
from pharos.tenancy import access
from pharos.tenancy.models import Organisation

EDITABLE = (*Person.PERSONAL_FIELDS, "gender", "citizenships")
_TEXT = ("first_name", "second_name", "identity_number", "contact", "narrative")
_LOCK_REASON = "locking a person the caller already looked up in its scope"


class PersonError(ValueError):
    """A write to a person was refused (the message says why)."""


def _acting_organisation(actor: Any, fallback: Organisation) -> Organisation:
    membership = access.acting_membership(actor)
    return membership.organisation if membership is not None else fallback


def _clean(name: str, value: Any) -> Any:
    """Empty text, lists and dates are stored as NULL, so 'nothing recorded' has one form."""
    if name in _TEXT:
        return ("" if value is None else str(value)).strip() or None
    if name == "aliases":
        items = [" ".join(str(a).split()) for a in (value or [])]
        return list(dict.fromkeys(a for a in items if a)) or None
    if name == "citizenships":
        return list(dict.fromkeys(str(c).upper() for c in (value or [])))
    if name == "gender":
        if value not in Gender.values:
            raise PersonError(f"Unknown gender {value!r}.")
        return value
    if name == "birth_date":
        if value is not None and not isinstance(value, datetime.date):
            raise PersonError("birth_date must be a date.")
        return value
    raise PersonError(f"{name!r} is not a field of a person that can be set.")


def _next_reference(organisation: Organisation) -> str:
    """MK-ORGCODE-2026-00001: the next number of the organisation's year, under a row lock."""
    year = timezone.localdate().year
    counter, _created = PersonReferenceCounter.objects.get_or_create(organisation=organisation, year=year)
    # The UPDATE takes the row lock until commit: concurrent registrations queue here.
    PersonReferenceCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    number = PersonReferenceCounter.objects.values_list("last", flat=True).get(pk=counter.pk)
    return f"{organisation.country.code}-{organisation.code.upper()}-{year}-{number:05d}"


def _rebuild_name_keys(person: Person) -> None:
    PersonNameKey.objects.filter(person=person).delete()
    digests = {cipher.blind_index(name, context=PersonNameKey.CONTEXT) for name in person.name_variants()}
    PersonNameKey.objects.bulk_create([PersonNameKey(person=person, digest=d) for d in sorted(digests) if d])
    person_names_changed.send(sender=Person, person=person)


def _given(values: Mapping[str, Any]) -> list[str]:
    return [name for name in EDITABLE if values.get(name) not in (None, "", [], ())]


def person_register(
    *,
    actor: Any,
    organisation: Organisation,
    first_name: str | None = None,
    second_name: str | None = None,
    aliases: Sequence[str] | None = None,
    birth_date: datetime.date | None = None,
    identity_number: str | None = None,
    contact: str | None = None,
    narrative: str | None = None,
    gender: str = Gender.UNKNOWN,
    citizenships: Iterable[str] = (),
) -> Person:
    """Register a person for ``organisation`` with as little as an alias; returns the new Person."""
    values = {
        name: _clean(name, value)
        for name, value in {
            "first_name": first_name,
            "second_name": second_name,
            "aliases": list(aliases or []),
            "birth_date": birth_date,
            "identity_number": identity_number,
            "contact": contact,
            "narrative": narrative,
            "gender": gender,
            "citizenships": list(citizenships),
        }.items()
    }
    if not (values["first_name"] or values["second_name"] or values["aliases"]):
        raise PersonError("A person needs at least a first name, a family name or an alias.")
    with transaction.atomic():
        person = Person(
            organisation=organisation,
            reference=_next_reference(organisation),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            **values,
        )
        person.save()
        _rebuild_name_keys(person)
        log.record(
            "persons.person.created",
            actor=actor,
            target=person,
            organisation=_acting_organisation(actor, organisation),
            data={"reference": person.reference, "fields": _given(values)},
            personal=Person.PERSONAL_FIELDS,
        )
    return person


def _next_references(organisation: Organisation, count: int) -> list[str]:
    """``count`` consecutive references, reserved with one UPDATE of the row-locked counter."""
    year = timezone.localdate().year
    counter, _created = PersonReferenceCounter.objects.get_or_create(organisation=organisation, year=year)
    PersonReferenceCounter.objects.filter(pk=counter.pk).update(last=F("last") + count)
    last = PersonReferenceCounter.objects.values_list("last", flat=True).get(pk=counter.pk)
    prefix = f"{organisation.country.code}-{organisation.code.upper()}"
    return [f"{prefix}-{year}-{number:05d}" for number in range(last - count + 1, last + 1)]


def person_register_many(
    *, actor: Any, organisation: Organisation, persons: Sequence[Mapping[str, Any]], source: str = ""
) -> list[Person]:
    """Register several persons at once (a batch of an import); returns them, saved, in order.

    Each mapping holds ``person_register``'s keyword arguments and is cleaned the same way.
    One INSERT per table instead of one per person, and **one** audit entry for the lot:
    it names the count, the first and last reference and ``source`` (the import batch),
    which is what an auditor needs to find them; each person's case keeps its provenance.
    """
    if not persons:
        return []
    fields = EDITABLE  # the same names person_register takes
    cleaned: list[dict[str, Any]] = []
    for given in persons:
        unknown = set(given) - set(fields)
        if unknown:
            raise PersonError(f"{sorted(unknown)} are not fields of a person that can be set.")
        values = {name: _clean(name, given.get(name)) for name in fields if name != "gender"}
        values["gender"] = _clean("gender", given.get("gender") or Gender.UNKNOWN)
        if not (values["first_name"] or values["second_name"] or values["aliases"]):
            raise PersonError("A person needs at least a first name, a family name or an alias.")
        cleaned.append(values)
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        references = _next_references(organisation, len(cleaned))
        created = Person.objects.bulk_create(
            [
                Person(organisation=organisation, reference=reference, created_by=user, **values)
                for reference, values in zip(references, cleaned, strict=True)
            ]
        )
        PersonNameKey.objects.bulk_create(
            [
                PersonNameKey(person=person, digest=digest)
                for person in created
                for digest in sorted(
                    {cipher.blind_index(n, context=PersonNameKey.CONTEXT) for n in person.name_variants()}
                )
                if digest
            ]
        )
        log.record(
            "persons.person.created_many",
            actor=actor,
            organisation=_acting_organisation(actor, organisation),
            target_key=("persons.person", references[0][:64]),
            data={"count": len(created), "first": references[0], "last": references[-1], "source": source},
        )
    return created


def person_change(*, actor: Any, person: Person, changes: Mapping[str, Any]) -> list[str]:
    """Apply ``changes`` (field → new value); returns the names of the fields that changed.

    Nothing is written, and nothing audited, when no value differs.
    """
    cleaned = {name: _clean(name, value) for name, value in changes.items()}
    with transaction.atomic():
        locked = Person.objects.unscoped(_LOCK_REASON).select_for_update().get(pk=person.pk)
        if locked.erased_at is not None:
            raise PersonError("This person's personal data was erased; the record cannot be changed.")
        changed = [name for name in EDITABLE if name in cleaned and getattr(locked, name) != cleaned[name]]
        if not changed:
            return []
        for name in changed:
            setattr(locked, name, cleaned[name])
        if not (locked.first_name or locked.second_name or locked.aliases):
            raise PersonError("A person needs at least a first name, a family name or an alias.")
        locked.save()
        if {"first_name", "second_name", "aliases", "birth_date"} & set(changed):
            _rebuild_name_keys(locked)
        log.record(
            "persons.person.changed",
            actor=actor,
            target=locked,
            organisation=_acting_organisation(actor, locked.organisation),
            data={"reference": locked.reference, "changed": changed},
            personal=Person.PERSONAL_FIELDS,
        )
    for name in (*changed, "updated_at", "name_index", "identity_index"):
        setattr(person, name, getattr(locked, name))
    return changed


def person_view(*, actor: Any, person: Person, purpose: str = "detail") -> Person:
    """Record that ``actor`` saw the person's record (``purpose``: detail, edit, api)."""
    with transaction.atomic():
        log.record(
            "persons.person.viewed",
            actor=actor,
            target=person,
            organisation=_acting_organisation(actor, person.organisation),
            data={"reference": person.reference, "purpose": purpose},
        )
    return person


def person_list(*, actor: Any, persons: Sequence[Person]) -> int:
    """Record that each of ``persons`` was shown to ``actor`` on a list; returns how many."""
    if not persons:
        return 0
    with transaction.atomic():
        events = log.record_many("persons.person.listed", targets=list(persons), actor=actor)
    return len(events)


def person_history_view(*, actor: Any, person: Person) -> Person:
    """Record that ``actor`` looked at who viewed or changed the person."""
    with transaction.atomic():
        log.record(
            "persons.person.history_viewed",
            actor=actor,
            target=person,
            organisation=_acting_organisation(actor, person.organisation),
            data={"reference": person.reference},
        )
    return person


def person_erase(*, actor: Any, person: Person, reason: str = "erasure request") -> Person:
    """Blank every identifier and blind index, keep the facts, and redact the person's audit data.

    Gender, citizenship and the record's dates stay (statistics count them); the audit
    events about the person stay too, their data replaced by a redaction marker.
    """
    from pharos.audit.actions import audit_redact_target

    with transaction.atomic():
        locked = Person.objects.unscoped(_LOCK_REASON).select_for_update().get(pk=person.pk)
        if locked.erased_at is not None:
            raise PersonError("This person's personal data was erased already.")
        erased = [name for name in Person.PERSONAL_FIELDS if getattr(locked, name) not in (None, "", [])]
        for name in Person.PERSONAL_FIELDS:
            setattr(locked, name, None)
        locked.erased_at = timezone.now()
        locked.save()  # the blind indexes recompute to "" from the blanked sources
        PersonNameKey.objects.filter(person=locked).delete()
        person_erasing.send(sender=Person, actor=actor, person=locked)
        target_type, target_id = log.target_ref(locked)
        redacted = audit_redact_target(
            actor=actor, target_type=target_type, target_id=target_id, reason=reason
        )
        log.record(
            "persons.person.erased",
            actor=actor,
            target=locked,
            organisation=_acting_organisation(actor, locked.organisation),
            data={"reference": locked.reference, "fields": erased, "redacted_events": len(redacted)},
            personal=Person.PERSONAL_FIELDS,
        )
    for name in (*Person.PERSONAL_FIELDS, "erased_at", "updated_at", "name_index", "identity_index"):
        setattr(person, name, getattr(locked, name))
    return person

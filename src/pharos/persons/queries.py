"""Reads about persons, always within what the user may see with a capability.

Names are encrypted, so search is exact: a full name or an alias goes through the blind
index (case, accents and spacing ignored), an identity number through its own blind index,
a reference through plain SQL. Fuzzy matching belongs to the linkage module.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from pharos.persons.models import Person, PersonNameKey
from pharos.privacy import cipher

# MK-ORG-CODE-2026-00001, or its tail 2026-00001.
REFERENCE = re.compile(r"^[A-Za-z]{2}-[A-Za-z0-9-]+-\d{4}-\d{5,}$")
REFERENCE_TAIL = re.compile(r"^\d{4}-\d{5,}$")

# What a list page needs: the narrative, contact and identity number stay in the database.
LIST_FIELDS = (
    "id",
    "public_id",
    "reference",
    "organisation_id",
    "first_name",
    "second_name",
    "aliases",
    "gender",
    "citizenships",
    "created_at",
    "erased_at",
)


def persons_visible_to(user: Any, capability: str = "persons.view") -> QuerySet[Person]:
    """The persons the user, acting for their organisation, may reach with ``capability``."""
    return Person.objects.visible_to(user, capability)  # type: ignore[no-any-return]


def get_person_for_user(user: Any, public_id: Any, capability: str = "persons.view") -> Person:
    """One visible person by public id; Http404 for one that is missing or not the user's."""
    try:
        return (
            persons_visible_to(user, capability)
            .select_related("organisation__country")
            .get(public_id=public_id)
        )  # type: ignore[no-any-return]
    except (Person.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such person.") from exc


def name_digest(name: str) -> str:
    """The blind index of a full name or alias ("" for an empty one)."""
    return cipher.blind_index(name, context=PersonNameKey.CONTEXT)


def find_by_name_index(user: Any, name: str, capability: str = "persons.view") -> QuerySet[Person]:
    """Visible persons with exactly this full name (either order) or alias."""
    visible = persons_visible_to(user, capability)
    digest = name_digest(name)
    if not digest:
        return visible.none()
    return visible.filter(pk__in=PersonNameKey.objects.filter(digest=digest).values("person_id"))


def search_persons(user: Any, text: str, capability: str = "persons.view") -> QuerySet[Person]:
    """Visible persons matching ``text`` exactly: a name or alias, an identity number, a reference."""
    visible = persons_visible_to(user, capability)
    text = " ".join(text.split())
    if not text:
        return visible
    # Only text shaped like a reference reaches SQL as such: a name or an identity number
    # typed here must not end up in a query (nor in a database log), only its digest.
    # Every branch is an index look-up so PostgreSQL can OR bitmaps instead of scanning the
    # organisation's persons (bench/caseload): references are issued in upper case, so the
    # typed text and its upper case are matched exactly (not UPPER(reference), which no
    # index serves), and the name keys are read first, as a short list of ids.
    condition = Q(pk__in=[])
    if REFERENCE.match(text):
        condition |= Q(reference__in=list(dict.fromkeys((text, text.upper()))))
    elif REFERENCE_TAIL.match(text):
        condition |= Q(reference__endswith=f"-{text}")
    digest = name_digest(text)
    if digest:
        named = list(PersonNameKey.objects.filter(digest=digest).values_list("person_id", flat=True))
        condition |= Q(pk__in=named)
    identity = Person._meta.get_field("identity_index").lookup_value(text)  # type: ignore[union-attr]
    if identity:
        condition |= Q(identity_index=identity)
    return visible.filter(condition)


def for_list(persons: QuerySet[Person]) -> QuerySet[Person]:
    """Only the columns a list shows, newest first."""
    return persons.only(*LIST_FIELDS).order_by("-created_at", "-id")

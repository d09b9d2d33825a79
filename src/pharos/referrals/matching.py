"""Blind keys for the fuzzy duplicate check at registration.

Names are encrypted, so no query can compare them: instead each person carries keyed
digests of their name *skeletons* (``pharos.linkage.engine.names``: the same consonant
skeleton for "Iuliia", "Yuliya" and "Julija", for "محمد" and "Mohammed") together with part
of the birth date. Two persons sharing a digest are a possible match. Two digests per
name (skeleton + birth year, skeleton + day and month) tolerate a typo in either half of
the date; name order and transliteration are absorbed by sorting the skeletons. A person
without a birth date gets no key: a name skeleton alone matches far too many people.
"""

from __future__ import annotations

from typing import Any

from pharos.linkage.engine import names
from pharos.privacy import cipher

CONTEXT_YEAR = "referrals.match.skeleton_year"
CONTEXT_DAY = "referrals.match.skeleton_day"


def skeleton(name: str) -> str:
    """The sorted consonant skeletons of a name's words ("" when none has one)."""
    keys = sorted(k for k in (names.key(names.fold(word)) for word in name.split()) if k)
    return " ".join(keys)


def digests(person: Any) -> set[str]:
    """The match digests of a person (empty without a birth date or a usable name)."""
    born = getattr(person, "birth_date", None)
    if born is None or getattr(person, "erased_at", None) is not None:
        return set()
    found: set[str] = set()
    for name in person.name_variants():
        shape = skeleton(name)
        if not shape:
            continue
        found.add(cipher.blind_index_of([shape, str(born.year)], context=CONTEXT_YEAR))
        found.add(cipher.blind_index_of([shape, born.strftime("%m-%d")], context=CONTEXT_DAY))
    return {d for d in found if d}

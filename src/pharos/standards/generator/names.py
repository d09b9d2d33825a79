"""Name lists by name culture (``data/names/*.json``), typed for the generator.

Each file holds small, plausible lists of female and male first names and family names in
the script people write them in at home: Cyrillic for Russian, Ukrainian, Bulgarian,
Macedonian, Serbian and (as in older documents) Central Asian names; Arabic script with the
Latin spellings agencies use for Arabic names; Latin for the rest. Slavic family names
take their feminine form by the rules in ``feminine_surnames`` (Иванов → Иванова).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

NAMES_DIR = Path(__file__).resolve().parent / "data" / "names"
PLACES_FILE = Path(__file__).resolve().parent / "data" / "places.json"


@dataclass(frozen=True)
class Name:
    """A name as written at home, with the Latin spellings used abroad (Arabic names only)."""

    native: str
    latin: tuple[str, ...] = ()


@dataclass(frozen=True)
class Culture:
    code: str
    script: str  # "Cyrl", "Arab" or "Latn"
    national_scheme: str | None
    female: tuple[Name, ...]
    male: tuple[Name, ...]
    surnames: tuple[Name, ...]
    feminine_surnames: tuple[tuple[str, str], ...]

    def feminine(self, surname: Name) -> Name:
        """The feminine form of a family name (Slavic cultures), else the name itself."""
        for suffix, replacement in self.feminine_surnames:
            if surname.native.endswith(suffix):
                return Name(surname.native[: -len(suffix)] + replacement, surname.latin)
        return surname


def _name(item: object) -> Name:
    if isinstance(item, str):
        return Name(item)
    assert isinstance(item, dict)
    return Name(str(item["ar"]), tuple(str(v) for v in item["latin"]))


@cache
def cultures() -> dict[str, Culture]:
    found: dict[str, Culture] = {}
    for path in sorted(NAMES_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found[data["culture"]] = Culture(
            code=data["culture"],
            script=data["script"],
            national_scheme=data.get("national_scheme"),
            female=tuple(_name(n) for n in data["female"]),
            male=tuple(_name(n) for n in data["male"]),
            surnames=tuple(_name(n) for n in data["surnames"]),
            feminine_surnames=tuple((a, b) for a, b in data.get("feminine_surnames", [])),
        )
    return found


@cache
def places() -> dict[str, dict[str, object]]:
    data = json.loads(PLACES_FILE.read_text(encoding="utf-8"))
    return dict(data["countries"])

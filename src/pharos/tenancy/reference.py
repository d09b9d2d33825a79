"""Reference data files: countries (ISO 3166-1 plus XK) and regional groupings with dated membership.

The files in ``tenancy/data`` are the source of truth; ``reference_data_load`` (``pharos
reference load``) brings the database in line with them. This module only reads and checks
the files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
COUNTRIES_FILE = DATA_DIR / "countries.json"
REGIONS_FILE = DATA_DIR / "regions.json"


class ReferenceDataError(ValueError):
    """A reference file is malformed (the message names the entry)."""


@dataclass(frozen=True)
class CountryRow:
    code: str
    alpha3: str
    numeric: str
    names: dict[str, str]
    footnote: str = ""


@dataclass(frozen=True)
class MemberRow:
    country: str
    valid_from: date | None
    valid_to: date | None


@dataclass(frozen=True)
class RegionRow:
    code: str
    names: dict[str, str]
    members: tuple[MemberRow, ...]


def _date(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ReferenceDataError(f"{where}: {value!r} is not a date (YYYY-MM-DD).") from exc


def read_countries(path: Path = COUNTRIES_FILE) -> list[CountryRow]:
    document = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    for entry in document["countries"]:
        code = str(entry.get("code", ""))
        if len(code) != 2 or not code.isalpha() or not code.isupper():
            raise ReferenceDataError(f"{path.name}: {code!r} is not a two-letter country code.")
        names = {str(k): str(v) for k, v in (entry.get("names") or {}).items()}
        if "en" not in names:
            raise ReferenceDataError(f"{path.name}: {code} has no English name.")
        rows.append(
            CountryRow(
                code=code,
                alpha3=str(entry.get("alpha3", "")),
                numeric=str(entry.get("numeric", "")),
                names=names,
                footnote=str(entry.get("footnote", "")),
            )
        )
    return rows


def read_regions(path: Path = REGIONS_FILE) -> list[RegionRow]:
    document = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    for entry in document["regions"]:
        code = str(entry["code"])
        members = []
        for member in entry.get("members", []):
            if not member or len(member) > 3:
                raise ReferenceDataError(f"{path.name}: {code} has a malformed member {member!r}.")
            where = f"{path.name}: {code}/{member[0]}"
            valid_from = _date(member[1] if len(member) > 1 else None, where)
            valid_to = _date(member[2] if len(member) > 2 else None, where)
            if valid_from and valid_to and valid_to < valid_from:
                raise ReferenceDataError(f"{where}: membership ends before it starts.")
            members.append(MemberRow(country=str(member[0]), valid_from=valid_from, valid_to=valid_to))
        rows.append(
            RegionRow(
                code=code,
                names={str(k): str(v) for k, v in (entry.get("names") or {}).items()},
                members=tuple(members),
            )
        )
    return rows

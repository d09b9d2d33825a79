"""The code-list files in ``standards/data/codelists/``: read, check and write them.

One JSON file per list, named after its key (``htcds.vic_TypeOfExploitation.json``). The
files in the repository are the source of truth; ``pharos codelists load`` copies them into
the database (``actions.codelists_load``). This module needs no database, so the synthetic
data generator and the tests read the same files directly.

File layout (see ``docs/data-standard.md``)::

    {
      "key": "htcds.vic_TypeOfExploitation",
      "title": {"en": "…", "fr": "…", "pt-br": "…", "ru": "…", "ar": "…"},
      "source": "citation of the standard",
      "version": "2.0",
      "valid_from": "2021-12-24",        # default for every code of the list
      "multiple": true,                  # several codes per record allowed
      "deprecated": false,
      "notes": "",
      "mapping_lists": {"ctdc": "ctdc.exploitation_type", …},   # which list each mapping points into
      "codes": [
        {
          "code": "ForcedLabour",
          "labels": {"en": "…", "fr": "…", "pt-br": "…", "ru": "…", "ar": "…"},
          "mappings": {"htcds": "ForcedLabour", "ctdc": "isForcedLabour", "eurostat": "labour", "unodc": "forced_labour"},
          "verified": true,              # false: a mapping rests on an [unverified] source, see notes
          "valid_from": "…", "valid_to": "…", "aliases": ["…"], "notes": "…"   # optional
        }
      ]
    }

The order of ``codes`` is the display order. ``json.dumps`` would put every label on its own
line; ``dump`` writes one line per attribute so a changed label is a one-line diff.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

LANGUAGES: tuple[str, ...] = ("en", "fr", "pt-br", "ru", "ar")
MAPPING_TARGETS: tuple[str, ...] = ("htcds", "ctdc", "eurostat", "unodc")
DATA_DIR = Path(__file__).resolve().parent / "data" / "codelists"

Mapping = str | list[str] | None


class CodeListError(ValueError):
    """A code-list file that cannot be loaded as it is."""


@dataclass(frozen=True)
class CodeEntry:
    """One code as written in a file."""

    code: str
    labels: dict[str, str]
    valid_from: date
    valid_to: date | None
    sort_order: int
    mappings: dict[str, Mapping]
    verified: bool = True
    aliases: tuple[str, ...] = ()
    notes: str = ""

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class CodeListFile:
    """One list as written in a file."""

    key: str
    title: dict[str, str]
    source: str
    version: str
    multiple: bool
    deprecated: bool
    notes: str
    codes: tuple[CodeEntry, ...]
    sha256: str
    path: Path | None = None
    valid_from: date | None = None
    mapping_lists: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def code_set(self, on: date | None = None) -> set[str]:
        """The codes valid on ``on`` (every code ever listed when ``on`` is None)."""
        return {c.code for c in self.codes if on is None or c.valid_on(on)}

    def entry(self, code: str) -> CodeEntry:
        found = [c for c in self.codes if c.code == code]
        if not found:
            raise KeyError(f"{self.key}: no code {code!r}")
        return max(found, key=lambda c: c.valid_from)


def _date(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise CodeListError(f"{where}: {value!r} is not an ISO date (YYYY-MM-DD)") from exc


def parse(raw: bytes, *, path: Path | None = None) -> CodeListFile:
    """Check and read one file's bytes. Raises ``CodeListError`` naming the problem."""
    where = str(path.name if path else "<code list>")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CodeListError(f"{where}: not UTF-8 JSON ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("key"), str) or not data["key"]:
        raise CodeListError(f"{where}: the file must be an object with a 'key'")
    key = data["key"]
    if path is not None and path.stem != key:
        raise CodeListError(f"{where}: the file name must be the key ({key}.json)")
    list_from = _date(data.get("valid_from"), where)
    raw_codes = data.get("codes")
    if not isinstance(raw_codes, list) or not raw_codes:
        raise CodeListError(f"{where}: 'codes' must be a non-empty list")
    entries: list[CodeEntry] = []
    seen: set[tuple[str, date]] = set()
    for position, item in enumerate(raw_codes, start=1):
        spot = f"{where}, code #{position}"
        if not isinstance(item, dict) or not isinstance(item.get("code"), str) or not item["code"].strip():
            raise CodeListError(f"{spot}: every code needs a non-empty 'code'")
        code = item["code"]
        if code != code.strip():
            raise CodeListError(f"{spot}: code {code!r} has surrounding spaces")
        valid_from = _date(item.get("valid_from"), spot) or list_from
        if valid_from is None:
            raise CodeListError(f"{spot}: no valid_from on the code or the list")
        valid_to = _date(item.get("valid_to"), spot)
        if (code, valid_from) in seen:
            raise CodeListError(f"{spot}: {code!r} is listed twice from {valid_from}")
        seen.add((code, valid_from))
        labels = item.get("labels") or {}
        mappings = item.get("mappings") or {}
        if not isinstance(labels, dict) or not isinstance(mappings, dict):
            raise CodeListError(f"{spot}: 'labels' and 'mappings' must be objects")
        unknown = set(mappings) - set(MAPPING_TARGETS)
        if unknown:
            raise CodeListError(f"{spot}: unknown mapping target(s) {sorted(unknown)}")
        entries.append(
            CodeEntry(
                code=code,
                labels={str(k): str(v) for k, v in labels.items()},
                valid_from=valid_from,
                valid_to=valid_to,
                sort_order=position,
                mappings=dict(mappings),
                verified=bool(item.get("verified", True)),
                aliases=tuple(str(a) for a in item.get("aliases", ())),
                notes=str(item.get("notes", "")),
            )
        )
    mapping_lists = data.get("mapping_lists") or {}
    if not isinstance(mapping_lists, dict) or set(mapping_lists) - set(MAPPING_TARGETS):
        raise CodeListError(f"{where}: 'mapping_lists' must map {list(MAPPING_TARGETS)} to list keys")
    known = {"key", "title", "source", "version", "valid_from", "multiple", "deprecated", "notes", "codes"}
    known.add("mapping_lists")
    return CodeListFile(
        key=key,
        title={str(k): str(v) for k, v in (data.get("title") or {}).items()},
        source=str(data.get("source", "")),
        version=str(data.get("version", "")),
        multiple=bool(data.get("multiple", False)),
        deprecated=bool(data.get("deprecated", False)),
        notes=str(data.get("notes", "")),
        codes=tuple(entries),
        sha256=hashlib.sha256(raw).hexdigest(),
        path=path,
        valid_from=list_from,
        mapping_lists={str(k): str(v) for k, v in mapping_lists.items()},
        extra={k: v for k, v in data.items() if k not in known},
    )


def read_file(path: Path) -> CodeListFile:
    return parse(path.read_bytes(), path=path)


def read_all(directory: Path | None = None) -> dict[str, CodeListFile]:
    """Every list in ``directory`` (the shipped files by default), by key."""
    folder = directory or DATA_DIR
    lists: dict[str, CodeListFile] = {}
    for path in sorted(folder.glob("*.json")):
        parsed = read_file(path)
        lists[parsed.key] = parsed
    return lists


def missing_labels(parsed: CodeListFile) -> list[str]:
    """Every (title or code, language) without a text: empty when the list is complete."""
    problems = [
        f"{parsed.key}: title [{lang}]" for lang in LANGUAGES if not parsed.title.get(lang, "").strip()
    ]
    for entry in parsed.codes:
        problems.extend(
            f"{parsed.key}:{entry.code} [{lang}]"
            for lang in LANGUAGES
            if not entry.labels.get(lang, "").strip()
        )
    return problems


# --- writing -----------------------------------------------------------------------------------


def _inline(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _ordered_labels(labels: dict[str, str]) -> dict[str, str]:
    ordered = {lang: labels.get(lang, "") for lang in LANGUAGES}
    ordered.update({k: v for k, v in labels.items() if k not in ordered})
    return ordered


def dump(data: dict[str, Any]) -> str:
    """Canonical text of a list: one attribute a line, labels in the UI language order."""
    head_keys = [
        "key",
        "title",
        "source",
        "version",
        "valid_from",
        "multiple",
        "deprecated",
        "notes",
        "mapping_lists",
    ]
    lines = ["{"]
    head = [k for k in head_keys if k in data] + [k for k in data if k not in head_keys and k != "codes"]
    for k in head:
        value = _ordered_labels(data[k]) if k == "title" else data[k]
        lines.append(f"  {_inline(k)}: {_inline(value)},")
    lines.append('  "codes": [')
    codes: Iterable[dict[str, Any]] = data.get("codes", [])
    rendered = []
    for item in codes:
        order = ["code", "labels", "mappings", "verified", "valid_from", "valid_to", "aliases", "notes"]
        keys = [k for k in order if k in item] + [k for k in item if k not in order]
        body = []
        for k in keys:
            value = _ordered_labels(item[k]) if k == "labels" else item[k]
            body.append(f"      {_inline(k)}: {_inline(value)}")
        rendered.append("    {\n" + ",\n".join(body) + "\n    }")
    lines.append(",\n".join(rendered))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"

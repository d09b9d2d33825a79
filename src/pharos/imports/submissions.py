"""Submissions of the HTCDS XLSForm exported by ODK Central or KoboToolbox, read as HTCDS rows.

IOM publishes HTCDS 2.0 as an XLSForm too (``data/htcds_xlsform.xlsx``, read here with
openpyxl: its ``survey`` sheet names the fields, its ``choices`` sheet the picklists). The
field names of the form *are* the HTCDS column names (``prs_First_Name`` squeezes to
``prs_FirstName``), so a submissions file is turned into an HTCDS table and the ordinary
import (mapping, validation, all-or-nothing commit, provenance, report) does the rest.

What the platforms write, and what is done with it:

- **ODK Central** CSV (``submissions.csv``): ``SubmissionDate``, ``meta-instanceID``, the
  fields (with their group path joined by ``-`` unless "remove group names" was chosen),
  then ``KEY``, ``SubmitterID``, ``SubmitterName``, ``AttachmentsPresent``, …, ``Edits``,
  ``FormVersion``. ``KEY`` is the instanceID of the *first* version of a submission and
  stays the same when it is edited; ``meta-instanceID`` is the current version's.
- **KoboToolbox** CSV (``;``-delimited, XML names with ``/``-joined groups, or labels), with
  ``_id``, ``_uuid`` (the instanceID without ``uuid:``), ``_submission_time``; a
  select_multiple may be followed by one ``question/choice`` column per choice (1/0), which
  is ignored in favour of the question's own column. Kobo's JSON is the ``results`` list of
  the API v2 ``/data.json``, keys like ``group/field``, ``meta/instanceID``, ``_uuid``, and
  ``meta/rootUuid`` (the first version's id) or ``meta/deprecatedID`` after an edit.
  Nested objects (ODK Central's OData JSON) are flattened with ``/``.
- **select_multiple** answers are space-separated choice names (or labels, which may hold
  spaces: the longest known label wins). They become ``;``-separated, as in HTCDS files.
- **Identity**: the record id of a submission is its *first* instanceID (``KEY``,
  ``meta/rootUuid`` or ``__id``; else the ``deprecatedID`` it replaces; else its own
  instanceID), always written ``uuid:<id>``. So the same submission exported from Central
  and from Kobo, in any file, is one record, and importing it again changes nothing; an
  edited submission is recognised as the record already held and is not applied (a held case
  is changed on its page, where the change is audited). A submission edited twice on a
  server that gives neither ``KEY`` nor ``rootUuid`` cannot be traced to its first version.
- The registration date is the day the form was started (``start``, else ``end``, else the
  submission time): the form has no registration field of its own.

Detection is by content: a file whose header (or JSON keys) holds a platform's meta column
(``SubmissionDate``, ``KEY``, ``_uuid``, ``_submission_time``, ``meta/instanceID``, …) and at
least one field of the form is read here; anything else is an ordinary HTCDS file.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from django.utils.translation import gettext as _

from pharos.imports import mapping, reading
from pharos.imports.reading import Refused

FORM_PATH: Final = Path(__file__).parent / "data" / "htcds_xlsform.xlsx"
RECORD_ID: Final = "instanceID"  # the output column: an alias of ``record_id`` in mapping.TARGETS
REGISTRATION: Final = "vic_RegistrationDate"
# The first instanceID of a submission (stable across edits), most reliable first.
ROOT_IDS: Final = ("KEY", "meta/rootUuid", "meta-rootUuid", "rootUuid", "__id")
DEPRECATED_IDS: Final = ("meta/deprecatedID", "meta-deprecatedID", "deprecatedID")
INSTANCE_IDS: Final = ("meta/instanceID", "meta-instanceID", "instanceID", "_uuid")
WHEN: Final = (
    "start",
    "end",
    "today",
    "SubmissionDate",
    "_submission_time",
    "__system/submissionDate",
)
# A column only ODK Central or KoboToolbox writes: one of them makes a file a submissions export.
MARKERS: Final = frozenset(
    m.casefold()
    for m in (
        "SubmissionDate",
        "KEY",
        "_uuid",
        "_submission_time",
        "meta-instanceID",
        "meta/instanceID",
        "meta/rootUuid",
        "__id",
        "formhub/uuid",
        "__version__",
    )
)
_DAY: Final = re.compile(r"^\d{4}-\d{2}-\d{2}")
_UUID: Final = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_SPACES: Final = re.compile(r"\s+")


def _clean(text: Any) -> str:
    """Text with non-breaking spaces (the form's labels have them) and outer blanks removed."""
    return _SPACES.sub(" ", str(text or "").replace("\xa0", " ")).strip()


@dataclass(frozen=True)
class Question:
    """One question of the form: its name, type, picklist and label."""

    name: str
    kind: str
    list_name: str = ""
    label: str = ""


@dataclass
class Form:
    """The survey and choices of an XLSForm, with look-ups by name and by label."""

    questions: dict[str, Question] = field(default_factory=dict)
    choices: dict[str, dict[str, str]] = field(default_factory=dict)  # list → name → label
    by_label: dict[str, str] = field(default_factory=dict)  # casefolded label → question name

    def question(self, text: str) -> Question | None:
        found = self.questions.get(text)
        if found is None:
            name = self.by_label.get(_clean(text).casefold())
            found = self.questions.get(name) if name else None
        return found

    def choice(self, list_name: str, text: str) -> str:
        """The choice name ``text`` stands for (a name or a label); ``text`` itself if none."""
        names = self.choices.get(list_name, {})
        cleaned = _clean(text)
        if cleaned in names:
            return cleaned
        folded = cleaned.casefold()
        for name, label in names.items():
            if folded in (name.casefold(), label.casefold()):
                return name
        return cleaned

    def choice_list(self, list_name: str, text: str) -> list[str]:
        """A select_multiple answer split into choice names; an unknown word is kept as is.

        Names have no spaces, labels may ("Forced Labour"): the longest run of words that is a
        name or a label is taken first, so labels exported by Kobo split right.
        """
        words = _clean(text).split(" ") if _clean(text) else []
        known: dict[str, str] = {}
        for name, label in self.choices.get(list_name, {}).items():
            known[name.casefold()] = name
            known.setdefault(label.casefold(), name)
        found: list[str] = []
        start = 0
        while start < len(words):
            for end in range(len(words), start, -1):
                match = known.get(" ".join(words[start:end]).casefold())
                if match is not None:
                    found.append(match)
                    start = end
                    break
            else:
                found.append(words[start])
                start += 1
        return list(dict.fromkeys(found))


def load(path: Path) -> Form:
    """Read an XLSForm's ``survey`` and ``choices`` sheets (a file of the repository, trusted)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        form = Form()
        for row in _table(book["choices"]):
            list_name, name = _clean(row.get("list_name")), _clean(row.get("name"))
            if list_name and name:
                form.choices.setdefault(list_name, {})[name] = _clean(row.get("label")) or name
        for row in _table(book["survey"]):
            kind, _space, list_name = _clean(row.get("type")).partition(" ")
            name = _clean(row.get("name"))
            if not name or (kind in ("begin", "end") and list_name in ("group", "repeat")):
                continue
            question = Question(name=name, kind=kind, list_name=list_name, label=_clean(row.get("label")))
            form.questions.setdefault(name, question)
            if question.label:
                form.by_label.setdefault(question.label.casefold(), name)
    finally:
        book.close()
    return form


def _table(sheet: Any) -> Iterator[dict[str, Any]]:
    rows = sheet.iter_rows(values_only=True)
    header = [_clean(h) for h in next(rows, ())]
    for values in rows:
        yield dict(zip(header, values, strict=False))


@functools.cache
def htcds_form() -> Form:
    return load(FORM_PATH)


# --- reading a submissions file ------------------------------------------------------------------


@dataclass
class Plan:
    """Which column of the file feeds which output column."""

    questions: list[tuple[int, Question]] = field(default_factory=list)
    passthrough: list[tuple[int, str]] = field(default_factory=list)  # HTCDS columns outside the form
    roots: list[int] = field(default_factory=list)
    deprecated: list[int] = field(default_factory=list)
    instances: list[int] = field(default_factory=list)
    when: list[int] = field(default_factory=list)

    @property
    def adds_registration(self) -> bool:
        return REGISTRATION not in (h for _i, h in self.passthrough)

    @property
    def header(self) -> list[str]:
        names = [q.name for _i, q in self.questions] + [h for _i, h in self.passthrough]
        return [RECORD_ID, *names, *([REGISTRATION] if self.adds_registration else [])]


def _candidates(header: str) -> Iterator[str]:
    """The header, its last ``/`` segment, then shorter and shorter ``-`` suffixes of it."""
    yield header
    last = header.rsplit("/", 1)[-1]
    yield last
    dashed = last.split("-")
    for index in range(1, len(dashed)):
        yield "-".join(dashed[index:])


def _resolve(form: Form, text: str, *, by_label: bool) -> Question | None:
    for candidate in _candidates(text):
        found = form.questions.get(candidate)
        if found is None and by_label:
            found = form.question(candidate)
        if found is not None:
            return found
    return None


def _position(headers: Sequence[str], names: Iterable[str]) -> list[int]:
    wanted = [n.casefold() for n in names]
    found = {h.strip().casefold(): i for i, h in reversed(list(enumerate(headers)))}
    return [found[w] for w in wanted if w in found]


def plan_for(headers: Sequence[str], form: Form) -> Plan | None:
    """The plan for a header row, or None when it is not a submissions export of the form."""
    if not MARKERS.intersection(h.strip().casefold() for h in headers):
        return None
    plan = Plan(
        roots=_position(headers, ROOT_IDS),
        deprecated=_position(headers, DEPRECATED_IDS),
        instances=_position(headers, INSTANCE_IDS),
        when=_position(headers, WHEN),
    )
    found: dict[int, Question] = {}
    skipped: set[int] = set()
    for index, header in enumerate(headers):
        text = header.strip()
        prefix = text.rsplit("/", 1)[0] if "/" in text else ""
        parent = _resolve(form, prefix, by_label=True) if prefix else None
        if parent is not None and parent.kind == "select_multiple":
            skipped.add(index)  # Kobo's one-column-per-choice copy of a select_multiple (1/0)
    # Names first, labels second: ODK Central's own "Status" column must not take the label
    # of cas_Status when the cas_Status column is there by name.
    for by_label in (False, True):
        used = {q.name for q in found.values()}
        for index, header in enumerate(headers):
            if index in skipped or index in found:
                continue
            question = _resolve(form, header.strip(), by_label=by_label)
            if question is None or question.name in used:
                continue
            used.add(question.name)
            if question.kind not in ("start", "end", "today", "calculate"):
                found[index] = question
    plan.questions = sorted(found.items())
    targets = {mapping.target_for(q.name) for q in found.values()}
    for index, header in enumerate(headers):
        if index in skipped or index in found:
            continue
        text = header.strip()
        target = next((mapping.target_for(c) for c in _candidates(text) if mapping.target_for(c)), "")
        if target and target != "record_id" and target not in targets:
            targets.add(target)
            plan.passthrough.append((index, text.rsplit("/", 1)[-1]))
    if not plan.questions:
        return None
    return plan


def record_id(value: str) -> str:
    """``uuid:<id>`` for any spelling of an instanceID (``uuid:`` prefix or not, any case)."""
    bare = value.strip()
    if bare.casefold().startswith("uuid:"):
        bare = bare[5:].strip()
    if _UUID.match(bare):
        bare = bare.lower()
    return f"uuid:{bare}" if bare else ""


def _first(row: Sequence[str], indexes: Iterable[int]) -> str:
    for index in indexes:
        if index < len(row) and str(row[index]).strip():
            return str(row[index]).strip()
    return ""


def convert(number: int, row: Sequence[str], plan: Plan, form: Form) -> list[str]:
    """One submission as a row under ``plan.header``; a submission without an id is refused."""
    identity = _first(row, plan.roots) or _first(row, plan.deprecated) or _first(row, plan.instances)
    if not identity:
        raise Refused(
            _(
                "Row %(row)d has no instanceID: every submission exported by ODK Central or "
                "KoboToolbox carries one (meta/instanceID, KEY or _uuid). Export the data again."
            )
            % {"row": number}
        )
    cells = [record_id(identity)]
    for index, question in plan.questions:
        value = str(row[index]) if index < len(row) and row[index] is not None else ""
        if question.kind == "select_one" and value.strip():
            value = form.choice(question.list_name, value)
        elif question.kind == "select_multiple":
            value = ";".join(form.choice_list(question.list_name, value))
        cells.append(value.strip())
    cells.extend((str(row[i]) if i < len(row) else "").strip() for i, _h in plan.passthrough)
    if plan.adds_registration:
        when = _first(row, plan.when)
        cells.append(when[:10] if _DAY.match(when) else when)
    return cells


def _tabular(source: reading.Source) -> Iterator[list[str]]:
    return reading.csv_rows(source)


def _flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, name + "/"))
        elif isinstance(value, list):
            if all(not isinstance(v, Mapping | list) for v in value):
                flat[name] = " ".join(str(v) for v in value)
        elif value is not None:
            flat[name] = value if isinstance(value, str) else json.dumps(value)
    return flat


def _json_records(source: reading.Source) -> list[dict[str, str]] | None:
    """The submissions of a JSON export, flattened; None when the file is not JSON at all."""
    with source.open() as handle:
        head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith((b"{", b"[")):
            return None
        handle.seek(0)
        content = handle.read()
    try:
        data = json.loads(content)
    except (ValueError, RecursionError) as exc:
        raise Refused(_("The JSON file is malformed and cannot be read.")) from exc
    if isinstance(data, dict):
        data = data.get("results", data.get("value"))
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise Refused(
            _(
                "This JSON file is not a KoboToolbox or ODK Central export of submissions (a "
                "“results” list of submissions)."
            )
        )
    return [_flatten(r) for r in data]


def rows(item: Path | reading.Source) -> Iterator[list[str]] | None:
    """The file as HTCDS rows (header first) if it holds form submissions; None if it does not."""
    path = reading.as_source(item)
    form = htcds_form()
    records = _json_records(path)
    if records is not None:
        if not records:
            raise Refused(_("The file has a header row but no data rows."))
        keys = list(dict.fromkeys(k for record in records for k in record))
        found = plan_for(keys, form)
        if found is None:
            raise Refused(_("The JSON file holds no answers to the HTCDS form."))
        return _from_json(records, keys, found, form)
    if reading.kind_of(path) != "csv":
        return None  # spreadsheets are HTCDS files (the platforms export submissions as CSV)
    source = _tabular(path)
    headers = next((r for r in source if any(c.strip() for c in r)), None)
    if headers is None:
        return None
    plan = plan_for(headers, form)
    if plan is None:
        return None
    return _from_table(_tabular(path), plan, form)


def _from_json(
    records: list[dict[str, str]], headers: list[str], plan: Plan, form: Form
) -> Iterator[list[str]]:
    yield plan.header
    for number, record in enumerate(records, start=2):  # row 1 is the (virtual) header
        yield convert(number, [record.get(h, "") for h in headers], plan, form)


def _from_table(source: Iterator[list[str]], plan: Plan, form: Form) -> Iterator[list[str]]:
    header_seen = False
    for number, row in enumerate(source, start=1):
        if not header_seen:
            if any(c.strip() for c in row):
                header_seen = True
                yield plan.header
            else:
                yield row
            continue
        yield convert(number, row, plan, form) if any(c.strip() for c in row) else row

"""Submission files of IOM's HTCDS XLSForm, built from the real form as the platforms export them.

The form's ``survey`` and ``choices`` sheets are read here with openpyxl, independently of the
code under test, and each writer lays the answers out as ODK Central or KoboToolbox does
(see ``pharos.imports.submissions`` for the sources).
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

REPO = Path(__file__).resolve().parents[4]
SHARED_FORM = REPO.parent / "shared" / "reference" / "htcds" / "htcds_xlsform.xlsx"
VENDORED_FORM = REPO / "src" / "pharos" / "imports" / "data" / "htcds_xlsform.xlsx"
FORM = SHARED_FORM if SHARED_FORM.exists() else VENDORED_FORM
ODK_TAIL = (
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
)


@dataclass
class RealForm:
    """Survey rows (name → (type, list)), labels, and the choices of each list."""

    questions: dict[str, tuple[str, str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def names(self, list_name: str) -> list[str]:
        return [name for name, _label in self.choices[list_name]]

    def label(self, list_name: str, name: str) -> str:
        return dict(self.choices[list_name])[name]

    def list_of(self, question: str) -> str:
        return self.questions[question][1]


def read_form(path: Path = FORM) -> RealForm:
    book = load_workbook(path, read_only=True)
    form = RealForm()
    rows = book["survey"].iter_rows(values_only=True)
    header = list(next(rows))
    for row in rows:
        values = dict(zip(header, row, strict=False))
        kind, _sp, list_name = str(values["type"] or "").partition(" ")
        if values["name"]:
            form.questions[values["name"]] = (kind, list_name)
            form.labels[values["name"]] = str(values.get("label") or "").replace("\xa0", " ").strip()
    rows = book["choices"].iter_rows(values_only=True)
    header = list(next(rows))
    for row in rows:
        values = dict(zip(header, row, strict=False))
        if values["list_name"] and values["name"]:
            label = str(values["label"] or "").replace("\xa0", " ").strip()
            form.choices.setdefault(values["list_name"], []).append((str(values["name"]).strip(), label))
    book.close()
    return form


def answers(form: RealForm, **overrides: str) -> dict[str, str]:
    """One complete, valid submission: every answer a name from the form's own choices."""
    exploitation = form.names(form.list_of("vic_TypeOfExploitation"))
    control = form.names(form.list_of("vic_Methods_of_Control"))
    values = {
        "start": "2024-03-05T10:15:00.000+01:00",
        "end": "2024-03-05T10:40:00.000+01:00",
        "con_Consent": "TRUE",
        "prs_First_Name": "Ana",
        "prs_Second_Name": "Petrova",
        "prs_Birthdate": "1990-05-01",
        "prs_Gender": form.names("gender")[0],
        "prs_Citizenship": "MK",
        "vic_MethodOfRecruitment": form.names(form.list_of("vic_MethodOfRecruitment"))[2],
        "vic_TraffickingStatus": form.names("traffickingstatus")[1],
        "vic_TraffickingStatusDecisionMakingOrg": form.names("traffickingstatusdecisionmakingorg")[0],
        "vic_Methods_of_Control": " ".join([control[0], control[4]]),
        "vic_TypeOfExploitation": " ".join(exploitation[:2]),
        "vic_ForcedLabourIndustry": form.names(form.list_of("vic_ForcedLabourIndustry"))[2],
        "vic_TypeOfSexExploitation": form.names(form.list_of("vic_TypeOfSexExploitation"))[0],
        "cas_Status": form.names("status")[0],
    }
    values.update(overrides)
    return values


def instance_id() -> str:
    return f"uuid:{uuid.uuid4()}"


def _fields(form: RealForm) -> list[str]:
    return [n for n, (kind, _l) in form.questions.items() if kind not in ("calculate", "start", "end")]


def odk_central_csv(
    form: RealForm,
    submissions: list[tuple[str, dict[str, str]]],
    *,
    groups: dict[str, str] | None = None,
    keys: dict[str, str] | None = None,
) -> bytes:
    """ODK Central's submissions.csv: ``groups`` puts fields under a group path (``grp-field``);
    ``keys`` gives the KEY (first version's id) of an edited submission."""
    groups, keys = groups or {}, keys or {}
    fields = ["start", "end", *_fields(form)]
    header = ["SubmissionDate", *[f"{groups[f]}-{f}" if f in groups else f for f in fields]]
    header += ["meta-instanceID", *ODK_TAIL]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for instance, values in submissions:
        key = keys.get(instance, instance)
        edits = "1" if key != instance else "0"
        tail = [key, "5", "collector", "0", "0", "", "", "collect:abc", edits, "2.0"]
        writer.writerow(["2024-03-05T09:41:00.000Z", *[values.get(f, "") for f in fields], instance, *tail])
    return out.getvalue().encode("utf-8")


def kobo_csv(form: RealForm, submissions: list[tuple[str, dict[str, str]]], *, labels: bool = False) -> bytes:
    """KoboToolbox's CSV export: ``;``-separated, XML names (or labels), the split select_multiple
    columns after each select_multiple, ``_uuid`` without ``uuid:``."""
    fields = _fields(form)
    columns: list[tuple[str, str, str]] = []  # (header, field, choice for a split column)
    for name in fields:
        kind, list_name = form.questions[name]
        columns.append((form.labels[name] if labels else name, name, ""))
        if kind == "select_multiple":
            for choice, label in form.choices[list_name]:
                head = f"{form.labels[name]}/{label}" if labels else f"{name}/{choice}"
                columns.append((head, name, choice))
    meta = ["_id", "_uuid", "_submission_time", "_validation_status", "_status", "__version__", "_index"]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL)
    writer.writerow(["start", "end", *[c[0] for c in columns], *meta])
    for index, (instance, values) in enumerate(submissions, start=1):
        row = [values.get("start", ""), values.get("end", "")]
        for _head, name, choice in columns:
            kind, list_name = form.questions[name]
            answer = values.get(name, "")
            if choice:
                row.append("1" if choice in answer.split() else "0")
            elif labels and kind == "select_one" and answer:
                row.append(form.label(list_name, answer) if answer in form.names(list_name) else answer)
            elif labels and kind == "select_multiple":
                row.append(
                    " ".join(
                        form.label(list_name, a) if a in form.names(list_name) else a for a in answer.split()
                    )
                )
            else:
                row.append(answer)
        bare = instance.removeprefix("uuid:")
        row += [str(1000 + index), bare, "2024-03-05T09:41:00", "", "submitted_via_web", "vAbc", str(index)]
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def kobo_json(
    form: RealForm,
    submissions: list[tuple[str, dict[str, str]]],
    *,
    deprecated: dict[str, str] | None = None,
    groups: dict[str, str] | None = None,
) -> bytes:
    """The API v2 ``/data.json`` page: ``results`` with ``group/field`` keys; empty answers left
    out, as Kobo does; ``deprecated`` gives the ``meta/deprecatedID`` of an edited submission."""
    deprecated, groups = deprecated or {}, groups or {}
    results = []
    for index, (instance, values) in enumerate(submissions, start=1):
        record: dict[str, object] = {"_id": 2000 + index, "formhub/uuid": "f7bef041e8624f09946bff05ee5cbd4b"}
        for name, answer in values.items():
            if answer:
                record[f"{groups[name]}/{name}" if name in groups else name] = answer
        record["__version__"] = "vSmt4GQA3C9uBMLPEVfgND"
        record["meta/instanceID"] = instance
        if instance in deprecated:
            record["meta/deprecatedID"] = deprecated[instance]
        record["_uuid"] = instance.removeprefix("uuid:")
        record["_submission_time"] = "2024-03-05T09:41:00"
        record["_attachments"] = []
        record["_geolocation"] = [None, None]
        results.append(record)
    page = {"count": len(results), "next": None, "previous": None, "results": results}
    return json.dumps(page).encode("utf-8")

"""The permission matrix: every URL pattern and every API operation, for every persona.

The lists of URLs and operations are read from the URL conf and the OpenAPI schema, so a new
page or endpoint without a row here fails ``test_every_url_has_a_row`` /
``test_every_api_operation_has_a_row`` until someone decides who may reach it.

Personas (``pharos.testing.cast`` with the member as a statistician):
- anon: not signed in;
- owner: case worker of organisation A, who created the objects;
- member: statistician of organisation A (no personal data);
- outsider: case worker of organisation B in another country.
An object URL of organisation A must answer 404 to the outsider: the same answer as for an
object that does not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from pharos import testing
from pharos.core.declare import declaration_of

LOGIN = "login"  # a redirect to the sign-in page
PERSONAS = ("anon", "owner", "member", "outsider")


@dataclass
class Row:
    """Expected status per persona for one URL (GET unless ``method`` says otherwise)."""

    owner: int | str
    member: int | str
    outsider: int | str
    anon: int | str = LOGIN
    method: str = "get"
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda world: {})
    data: dict[str, Any] | Callable[[Any], dict[str, Any]] = field(default_factory=dict)

    def data_for(self, world: Any) -> dict[str, Any]:
        return self.data(world) if callable(self.data) else self.data


# ---------------------------------------------------------------------------------------------
# The world the rows refer to: objects owned by organisation A.
@dataclass
class World:
    cast: testing.Cast
    person: Any
    job: Any
    token: Any
    membership_b: Any
    case: Any = None
    suspect: Any = None
    proceeding: Any = None
    defendant: Any = None


def _person(w: World) -> dict[str, Any]:
    return {"public_id": w.person.public_id}


def _job(w: World) -> dict[str, Any]:
    return {"public_id": w.job.public_id}


def _case(w: World) -> dict[str, Any]:
    return {"public_id": w.case.public_id}


def _suspect(w: World) -> dict[str, Any]:
    return {"public_id": w.suspect.public_id}


def _proceeding(w: World) -> dict[str, Any]:
    return {"public_id": w.proceeding.public_id}


def _defendant(w: World) -> dict[str, Any]:
    return {"public_id": w.proceeding.public_id, "defendant_id": w.defendant.public_id}


def _new_case(w: World) -> dict[str, Any]:
    return {
        "person": w.person.reference,
        "status": "PossibleVictim",
        "decision_org_type": "NGO",
        "decided_on": "2025-01-01",
        "registered_on": "2025-01-01",
        "forms_of_exploitation": ["ForcedLabour"],
    }


def _linkage_run(w: World) -> dict[str, Any]:
    from pharos.linkage.models import LinkageRun

    run, _created = LinkageRun.objects.unscoped("the matrix's run of organisation A").get_or_create(
        organisation=w.cast.org_a, defaults={"scope": "organisation"}
    )
    return {"public_id": run.public_id}


def _linkage_pair(w: World) -> dict[str, Any]:
    # Nobody in the cast may review: the capability check answers before any lookup.
    return {"public_id": uuid.uuid4()}


def _linkage_participant(w: World) -> dict[str, Any]:
    return {"public_id": uuid.uuid4(), "participant_id": uuid.uuid4()}


def _release(w: World) -> dict[str, Any]:
    """A published release of organisation A with one file (made directly: the build is tested elsewhere)."""
    from pharos.releases.models import Release, ReleaseFile

    release = (
        Release.objects.unscoped("the matrix's release of organisation A")
        .filter(organisation=w.cast.org_a)
        .first()
    )
    if release is None:
        release = Release.objects.create(
            organisation=w.cast.org_a,
            title="Matrix",
            version=1,
            method="suppression",
            status="published",
            summary={"tables": [], "privacy": {"method": "suppression", "threshold": 10}},
            content_hash="0" * 64,
        )
        ReleaseFile.objects.create(
            release=release, name="tables.csv", media_type="text/csv", content=b"a\n", sha256="0" * 64, size=2
        )
    return {"public_id": release.public_id}


def _batch(w: World) -> dict[str, Any]:
    from pharos.imports.models import ImportBatch

    batch, _created = ImportBatch.objects.unscoped("the matrix's batch of organisation A").get_or_create(
        organisation=w.cast.org_a,
        file_name="matrix.csv",
        defaults={"status": "committed", "file_sha256": "0" * 64},
    )
    return {"public_id": batch.public_id}


def _upload(w: World) -> dict[str, Any]:
    from pharos.imports.models import ImportUpload
    from pharos.privacy import files

    found = ImportUpload.objects.unscoped("the matrix's upload of organisation A").filter(
        organisation=w.cast.org_a
    )
    upload = found.first() or ImportUpload.objects.create(
        organisation=w.cast.org_a,
        attachment=files.attachment_store(
            content=b"vic_TraffickingStatus\nActualVictim\n", file_name="m.csv"
        ),
        file_sha256="0" * 64,
        headers=["vic_TraffickingStatus"],
        columns={"vic_TraffickingStatus": "vic_TraffickingStatus"},
    )
    return {"public_id": upload.public_id}


def _upload_job(w: World) -> dict[str, Any]:
    from pharos.jobs.models import Job

    upload_id = _upload(w)["public_id"]
    job, _created = Job.objects.unscoped("the matrix's import job of organisation A").get_or_create(
        kind="imports.file",
        organisation=w.cast.org_a,
        params={"upload": str(upload_id), "dry_run": True},
        defaults={"status": "succeeded", "result": {"rows": 1, "rejected": 0, "created": 0, "skipped": 0}},
    )
    return {"public_id": upload_id, "job_id": job.public_id}


def _dataset(w: World) -> dict[str, Any]:
    from pharos.research.models import ResearchDataset

    dataset, _created = ResearchDataset.objects.unscoped(
        "the matrix's dataset of organisation A"
    ).get_or_create(
        organisation=w.cast.org_a,
        file_sha256="1" * 64,
        defaults={"name": "matrix", "layout": "ctdc-vp", "file_name": "vp.csv", "columns": ["gender"]},
    )
    return {"public_id": dataset.public_id}


def _export_job(w: World) -> dict[str, Any]:
    """An export job the owner started, with its (empty) file."""
    from pharos.exports.models import ExportFile
    from pharos.jobs.models import Job

    job = Job.objects.unscoped("the matrix's export job").create(
        kind="exports.file", organisation=w.cast.org_a, created_by=w.cast.owner, status="succeeded"
    )
    ExportFile.objects.unscoped("the matrix's export file").create(
        organisation=w.cast.org_a, job=job, format="ctdc", created_by=w.cast.owner
    )
    return {"public_id": job.public_id}


_DECISION = {"status": "ActualVictim", "decision_org_type": "Police", "decided_on": "2025-02-01"}


def _cw_task(w: World) -> dict[str, Any]:
    """A task on the case of organisation A (the same one however often asked)."""
    import datetime

    from pharos.casework.actions import task_create

    task = task_create(
        actor=w.cast.owner,
        case=w.case,
        kind="follow_up",
        title="Matrix",
        due_on=datetime.date(2026, 12, 1),
        source="matrix",
    )
    return {"public_id": task.public_id}


def _cw_attachment(w: World) -> dict[str, Any]:
    from pharos.casework.actions import attachment_add
    from pharos.casework.models import CaseAttachment

    found = CaseAttachment.objects.unscoped("the matrix's file of organisation A").filter(case=w.case).first()
    if found is None:
        found = attachment_add(
            actor=w.cast.owner, case=w.case, content=b"%PDF-1.4\n%%EOF\n", file_name="m.pdf"
        )
    return {"public_id": found.public_id}


def _cw_closure(w: World) -> dict[str, Any]:
    from pharos.casework.actions import closure_request
    from pharos.casework.models import ClosureRequest

    found = (
        ClosureRequest.objects.unscoped("the matrix's closure request of organisation A")
        .filter(case=w.case)
        .first()
    )
    if found is None:
        found = closure_request(actor=w.cast.owner, case=w.case, reason="goals_reached")
    return {"public_id": found.public_id}


def _measure(w: World, slug: str, values: dict[str, Any]) -> dict[str, Any]:
    """A measure of the pathway on the case of organisation A (made once per world)."""
    from pharos.assistance import measures
    from pharos.assistance.actions import measure_record

    cache = w.__dict__.setdefault("_measures", {})
    if slug not in cache:
        cache[slug] = measure_record(actor=w.cast.owner, case=w.case, kind=measures.get(slug), values=values)
    return {"public_id": w.case.public_id, "measure_id": cache[slug].public_id}


def _reflection(w: World) -> dict[str, Any]:
    import datetime

    return _measure(w, "reflection-period", {"started_on": datetime.date(2025, 2, 1)})


def _plan(w: World) -> dict[str, Any]:
    import datetime

    return _measure(w, "support-plan", {"agreed_on": datetime.date(2025, 2, 1)})


def _screening(w: World) -> dict[str, Any]:
    import datetime

    from pharos.screening.actions import screening_run

    found = w.__dict__.get("_screening")
    if found is None:
        found = w.__dict__["_screening"] = screening_run(
            actor=w.cast.owner,
            organisation=w.cast.org_a,
            indicator_list="adult_labour",
            present=["deceptive_recruitment.nature_of_job"],
            screened_on=datetime.date(2025, 1, 1),
            alias="Matrix",
        )
    return {"public_id": found.public_id}


def _referral(w: World) -> dict[str, Any]:
    """A referral of A's case sent to organisation C (no persona works there)."""
    import datetime

    from pharos.referrals import actions

    found = w.__dict__.get("_referral")
    if found is None:
        org_c = testing.organisation("org-c", country_code="MK", name="Organisation C")
        day = datetime.date(2025, 1, 2)
        actions.consent_record(actor=w.cast.owner, case=w.case, purpose="referral", given=True, stated_on=day)
        actions.consent_record(
            actor=w.cast.owner, case=w.case, purpose="sharing", given=True, stated_on=day, recipient=org_c
        )
        found = actions.referral_create(
            actor=w.cast.owner, case=w.case, recipient=org_c, sections_chosen=["identity"]
        )
        found = w.__dict__["_referral"] = actions.referral_send(actor=w.cast.owner, referral=found)
    return {"public_id": found.public_id}


def _match(w: World) -> dict[str, Any]:
    """A possible match of A's person with a person of organisation B."""
    from pharos.persons.actions import person_register
    from pharos.referrals.models import PossibleMatch

    found = w.__dict__.get("_match")
    if found is None:
        theirs = person_register(actor=w.cast.outsider, organisation=w.cast.org_b, first_name="Matrix")
        found = w.__dict__["_match"] = PossibleMatch.objects.unscoped("the matrix's match").create(
            organisation=w.cast.org_a, person=w.person, other_person=theirs, other_organisation=w.cast.org_b
        )
    return {"public_id": found.public_id}


_CONSENT = {"purpose": "research", "given": True, "stated_on": "2025-01-02"}


ROWS: dict[str, Row] = {
    # core
    "core:home": Row(owner=200, member=200, outsider=200),
    "api_docs": Row(owner=200, member=200, outsider=200, anon=200),
    "core:health": Row(owner=200, member=200, outsider=200, anon=200),
    "core:set_language": Row(
        owner=302, member=302, outsider=302, anon=302, method="post", data={"language": "fr"}
    ),
    # organisations
    "tenancy:directory": Row(owner=200, member=200, outsider=200),
    "tenancy:organisation": Row(
        owner=200, member=200, outsider=200, kwargs=lambda w: {"public_id": w.cast.org_a.public_id}
    ),
    "tenancy:switch": Row(
        owner=404, member=404, outsider=404, method="post", data={"membership": str(uuid.uuid4())}
    ),
    # accounts
    "accounts:tokens": Row(owner=200, member=200, outsider=200),
    "accounts:token_revoke": Row(
        owner=302, member=404, outsider=404, method="post", kwargs=lambda w: {"public_id": w.token.public_id}
    ),
    # persons
    "persons:list": Row(owner=200, member=403, outsider=200),
    "persons:create": Row(owner=200, member=403, outsider=200),
    "persons:detail": Row(owner=200, member=403, outsider=404, kwargs=_person),
    "persons:edit": Row(owner=200, member=403, outsider=404, kwargs=_person),
    "persons:history": Row(owner=200, member=403, outsider=404, kwargs=_person),
    "persons:erase": Row(owner=403, member=403, outsider=403, kwargs=_person),
    # victim cases (the owner is a case worker; the member a statistician)
    "cases:list": Row(owner=200, member=403, outsider=200),
    "cases:create": Row(owner=200, member=403, outsider=200),
    "cases:detail": Row(owner=200, member=403, outsider=404, kwargs=_case),
    "cases:edit": Row(owner=200, member=403, outsider=404, kwargs=_case),
    "cases:status": Row(owner=200, member=403, outsider=404, kwargs=_case),
    "cases:event_create": Row(owner=200, member=403, outsider=404, kwargs=_case),
    "cases:perpetrator_create": Row(owner=200, member=403, outsider=404, kwargs=_case),
    "cases:history": Row(owner=200, member=403, outsider=404, kwargs=_case),
    # screening and the assistance pathway (case workers; the statistician sees neither)
    "screening:list": Row(owner=200, member=403, outsider=200),
    "screening:create": Row(owner=200, member=403, outsider=200),
    "screening:case_create": Row(owner=200, member=403, outsider=404, kwargs=_case),
    "screening:detail": Row(owner=200, member=403, outsider=404, kwargs=_screening),
    "screening:attach": Row(
        owner=302, member=403, outsider=404, method="post", kwargs=_screening, data={"case_reference": "x"}
    ),
    "assistance:due": Row(owner=200, member=403, outsider=200),
    "assistance:rules": Row(owner=200, member=403, outsider=200),
    "assistance:rule_set": Row(owner=403, member=403, outsider=403, method="post"),
    "assistance:pathway": Row(owner=200, member=403, outsider=404, kwargs=_case),
    "assistance:stage_enter": Row(
        owner=302,
        member=403,
        outsider=404,
        method="post",
        kwargs=_case,
        data={"stage": "proceedings", "entered_on": "2025-02-01"},
    ),
    "assistance:stage_leave": Row(
        owner=302, member=403, outsider=404, method="post", kwargs=_case, data={"stage": "proceedings"}
    ),
    "assistance:measure_create": Row(
        owner=200,
        member=403,
        outsider=404,
        kwargs=lambda w: {"public_id": w.case.public_id, "kind": "service"},
    ),
    "assistance:measure_edit": Row(
        owner=200, member=403, outsider=404, kwargs=lambda w: {**_reflection(w), "kind": "reflection-period"}
    ),
    "assistance:reflection_end": Row(owner=200, member=403, outsider=404, kwargs=_reflection),
    "assistance:plan_review": Row(owner=200, member=403, outsider=404, kwargs=_plan),
    # case work (the owner is a case worker; supervisor and coordinator pages are tested in casework/tests)
    "casework:caseload": Row(owner=200, member=403, outsider=200),
    "casework:tasks": Row(owner=200, member=403, outsider=200),
    "casework:task_done": Row(owner=302, member=403, outsider=404, method="post", kwargs=_cw_task),
    "casework:case": Row(owner=200, member=403, outsider=404, kwargs=_case),
    "casework:task_create": Row(owner=200, member=403, outsider=404, kwargs=_case),
    "casework:note_create": Row(owner=200, member=403, outsider=404, kwargs=_case),
    "casework:attachment_create": Row(owner=200, member=403, outsider=404, kwargs=_case),
    "casework:attachment_download": Row(owner=200, member=403, outsider=404, kwargs=_cw_attachment),
    "casework:assign": Row(owner=200, member=403, outsider=404, kwargs=_case),
    "casework:closure_request": Row(owner=200, member=403, outsider=404, kwargs=_case),
    "casework:reopen": Row(owner=403, member=403, outsider=403, kwargs=_case),
    "casework:closures": Row(owner=403, member=403, outsider=403),
    "casework:closure_decide": Row(owner=403, member=403, outsider=403, kwargs=_cw_closure),
    "casework:person_export": Row(
        owner=403, member=403, outsider=403, kwargs=lambda w: {"public_id": w.person.public_id, "fmt": "json"}
    ),
    "casework:retention": Row(owner=403, member=403, outsider=403),
    "casework:retention_run": Row(owner=403, member=403, outsider=403, method="post"),
    # criminal justice: police and prosecutors only (tested with them in cases/tests/test_justice.py)
    "justice:suspect_list": Row(owner=403, member=403, outsider=403),
    "justice:suspect_create": Row(owner=403, member=403, outsider=403),
    "justice:suspect_detail": Row(owner=403, member=403, outsider=403, kwargs=_suspect),
    "justice:suspect_edit": Row(owner=403, member=403, outsider=403, kwargs=_suspect),
    "justice:suspect_history": Row(owner=403, member=403, outsider=403, kwargs=_suspect),
    "justice:proceeding_list": Row(owner=403, member=403, outsider=403),
    "justice:proceeding_create": Row(owner=403, member=403, outsider=403),
    "justice:proceeding_detail": Row(owner=403, member=403, outsider=403, kwargs=_proceeding),
    "justice:proceeding_edit": Row(owner=403, member=403, outsider=403, kwargs=_proceeding),
    "justice:proceeding_history": Row(owner=403, member=403, outsider=403, kwargs=_proceeding),
    "justice:defendant_outcome": Row(owner=403, member=403, outsider=403, kwargs=_defendant),
    # audit
    "audit:log": Row(owner=403, member=403, outsider=403),
    "audit:verify": Row(owner=403, member=403, outsider=403, method="post"),
    # jobs
    "jobs:list": Row(owner=200, member=200, outsider=200),
    "jobs:detail": Row(owner=200, member=200, outsider=404, kwargs=_job),
    "jobs:progress": Row(owner=200, member=200, outsider=404, kwargs=_job),
    # imports
    "imports:list": Row(owner=200, member=403, outsider=200),
    "imports:upload": Row(owner=200, member=403, outsider=200),
    "imports:detail": Row(owner=200, member=403, outsider=404, kwargs=_batch),
    "imports:rollback": Row(owner=302, member=403, outsider=404, method="post", kwargs=_batch),
    "imports:start": Row(owner=200, member=403, outsider=200),
    "imports:mapping": Row(owner=200, member=403, outsider=404, kwargs=_upload),
    "imports:commit": Row(owner=302, member=403, outsider=404, method="post", kwargs=_upload),
    "imports:report": Row(owner=200, member=403, outsider=404, kwargs=_upload),
    "imports:run": Row(owner=200, member=403, outsider=404, kwargs=_upload_job),
    "imports:run_status": Row(owner=200, member=403, outsider=404, kwargs=_upload_job),
    # exports (scoped to the acting organisation; tested further in exports/tests)
    "exports:export": Row(owner=200, member=403, outsider=200),
    # statistical releases (the member is a statistician: builds, cannot review or publish)
    "releases:list": Row(owner=403, member=200, outsider=403),
    "releases:new": Row(owner=403, member=200, outsider=403),
    "releases:detail": Row(owner=403, member=200, outsider=403, kwargs=_release),
    "releases:approve": Row(owner=403, member=403, outsider=403, method="post", kwargs=_release),
    "releases:publish": Row(owner=403, member=403, outsider=403, method="post", kwargs=_release),
    "releases:file": Row(
        owner=403, member=200, outsider=403, kwargs=lambda w: {**_release(w), "name": "tables.csv"}
    ),
    # the public portal: published releases, no sign-in
    "publications:portal": Row(owner=200, member=200, outsider=200, anon=200),
    "publications:detail": Row(owner=200, member=200, outsider=200, anon=200, kwargs=_release),
    "publications:file": Row(
        owner=200, member=200, outsider=200, anon=200, kwargs=lambda w: {**_release(w), "name": "tables.csv"}
    ),
    "publications:yearbook": Row(owner=200, member=200, outsider=200, anon=200, kwargs=_release),
    # the file of an export job: its starter only (the owner); anyone else in or out gets a 404
    "exports:job_file": Row(owner=200, member=403, outsider=404, kwargs=_export_job),
    # research datasets: statisticians (the member) load and read them; case workers do not
    "research:list": Row(owner=403, member=200, outsider=403),
    "research:upload": Row(owner=403, member=200, outsider=403),
    "research:detail": Row(owner=403, member=200, outsider=403, kwargs=_dataset),
    "research:download": Row(owner=403, member=200, outsider=403, kwargs=_dataset),
    "research:delete": Row(owner=403, member=302, outsider=403, method="post", kwargs=_dataset),
    # record linkage: coordinators run and review; a statistician sees runs and counts
    "linkage:runs": Row(owner=403, member=200, outsider=403),
    "linkage:run_start": Row(owner=403, member=403, outsider=403, method="post"),
    "linkage:run_detail": Row(owner=403, member=200, outsider=403, kwargs=_linkage_run),
    "linkage:review": Row(owner=403, member=403, outsider=403),
    "linkage:pair_decide": Row(
        owner=403, member=403, outsider=403, method="post", kwargs=_linkage_pair, data={"verdict": "confirm"}
    ),
    "linkage:projects": Row(owner=403, member=403, outsider=403),
    "linkage:project_create": Row(owner=403, member=403, outsider=403),
    "linkage:project_detail": Row(owner=403, member=403, outsider=403, kwargs=_linkage_pair),
    "linkage:project_link": Row(owner=403, member=403, outsider=403, method="post", kwargs=_linkage_pair),
    "linkage:participant_upload": Row(
        owner=403, member=403, outsider=403, method="post", kwargs=_linkage_participant
    ),
    "linkage:participant_download": Row(owner=403, member=403, outsider=403, kwargs=_linkage_participant),
    # statistics: aggregates for stats.view (the statistician member), suppressed for roles
    # without case records; the population upload is the coordinator's (none of the personas)
    "statistics:dashboard": Row(owner=403, member=200, outsider=403),
    "statistics:table": Row(
        owner=403, member=200, outsider=403, kwargs=lambda w: {"name": "victims_status", "fmt": "csv"}
    ),
    "statistics:population": Row(owner=403, member=403, outsider=403),
    # referrals and consent (a referral of A to organisation C; break-the-glass is for supervisors
    # and police, none of the personas; the receiver's side is tested in referrals/tests)
    "referrals:incoming": Row(owner=200, member=403, outsider=200),
    "referrals:outgoing": Row(owner=200, member=403, outsider=200),
    "referrals:create": Row(owner=200, member=403, outsider=404, kwargs=_case),
    "referrals:consent": Row(owner=200, member=403, outsider=404, kwargs=_case),
    "referrals:detail": Row(owner=200, member=403, outsider=404, kwargs=_referral),
    "referrals:send": Row(owner=302, member=403, outsider=404, method="post", kwargs=_referral),
    "referrals:accept": Row(owner=404, member=403, outsider=404, method="post", kwargs=_referral),
    "referrals:decline": Row(owner=404, member=403, outsider=404, method="post", kwargs=_referral),
    "referrals:complete": Row(owner=404, member=403, outsider=404, method="post", kwargs=_referral),
    "referrals:revoke": Row(owner=302, member=403, outsider=404, method="post", kwargs=_referral),
    "referrals:notifications": Row(owner=200, member=403, outsider=200),
    "referrals:break_glass": Row(owner=403, member=403, outsider=403),
    "referrals:break_glass_case": Row(
        owner=403, member=403, outsider=403, kwargs=lambda w: {"public_id": uuid.uuid4()}
    ),
    "referrals:matches": Row(owner=200, member=403, outsider=404, kwargs=_person),
    "referrals:contact": Row(owner=302, member=403, outsider=404, method="post", kwargs=_match),
}

# allauth's own pages guard themselves (sign-in, reset, two-factor set-up); they must answer
# without a server error for anyone. Signup is disabled.
THIRD_PARTY_PREFIXES = ("account_", "mfa_")

API_ROWS: dict[tuple[str, str], Row] = {
    ("get", "/api/me"): Row(owner=200, member=200, outsider=200, anon=401),
    ("get", "/api/countries"): Row(owner=200, member=200, outsider=200, anon=401),
    ("get", "/api/regions"): Row(owner=200, member=200, outsider=200, anon=401),
    ("get", "/api/organisations"): Row(owner=200, member=200, outsider=200, anon=401),
    ("get", "/api/organisations/{public_id}"): Row(
        owner=200, member=200, outsider=200, anon=401, kwargs=lambda w: {"public_id": w.cast.org_a.public_id}
    ),
    ("get", "/api/persons"): Row(owner=200, member=403, outsider=200, anon=401),
    ("post", "/api/persons"): Row(owner=201, member=403, outsider=201, anon=401, data={"aliases": ["X"]}),
    ("get", "/api/persons/{public_id}"): Row(owner=200, member=403, outsider=404, anon=401, kwargs=_person),
    ("patch", "/api/persons/{public_id}"): Row(
        owner=200, member=403, outsider=404, anon=401, kwargs=_person, data={"gender": "Feminine"}
    ),
    ("get", "/api/persons/{public_id}/history"): Row(
        owner=200, member=403, outsider=404, anon=401, kwargs=_person
    ),
    ("get", "/api/cases"): Row(owner=200, member=403, outsider=200, anon=401),
    # The outsider names a person of organisation A: not theirs, so refused as invalid input.
    ("post", "/api/cases"): Row(owner=201, member=403, outsider=422, anon=401, data=_new_case),
    ("get", "/api/cases/{public_id}"): Row(owner=200, member=403, outsider=404, anon=401, kwargs=_case),
    ("patch", "/api/cases/{public_id}"): Row(
        owner=200, member=403, outsider=404, anon=401, kwargs=_case, data={"labour_sector": "A"}
    ),
    ("post", "/api/cases/{public_id}/status-decisions"): Row(
        owner=201, member=403, outsider=404, anon=401, kwargs=_case, data=_DECISION
    ),
    ("post", "/api/cases/{public_id}/events"): Row(
        owner=201, member=403, outsider=404, anon=401, kwargs=_case, data={"event_type": "Transit"}
    ),
    ("post", "/api/cases/{public_id}/perpetrator-accounts"): Row(
        owner=201, member=403, outsider=404, anon=401, kwargs=_case, data={"roles": ["Exploiter"]}
    ),
    ("get", "/api/screening/lists"): Row(owner=200, member=403, outsider=200, anon=401),
    ("get", "/api/screenings"): Row(owner=200, member=403, outsider=200, anon=401),
    ("post", "/api/screenings"): Row(
        owner=201,
        member=403,
        outsider=201,
        anon=401,
        data={"indicator_list": "adult_labour", "screened_on": "2025-01-01", "alias": "X"},
    ),
    ("get", "/api/screenings/{public_id}"): Row(
        owner=200, member=403, outsider=404, anon=401, kwargs=_screening
    ),
    ("get", "/api/assistance/kinds"): Row(owner=200, member=403, outsider=200, anon=401),
    ("get", "/api/assistance/due"): Row(owner=200, member=403, outsider=200, anon=401),
    ("get", "/api/assistance/reflection-rule"): Row(owner=200, member=403, outsider=200, anon=401),
    ("put", "/api/assistance/reflection-rule"): Row(
        owner=403, member=403, outsider=403, anon=401, data={"duration_days": 45, "warning_days": 7}
    ),
    ("get", "/api/cases/{public_id}/pathway"): Row(
        owner=200, member=403, outsider=404, anon=401, kwargs=_case
    ),
    ("post", "/api/cases/{public_id}/pathway/stage-entries"): Row(
        owner=201,
        member=403,
        outsider=404,
        anon=401,
        kwargs=_case,
        data={"stage": "proceedings", "on": "2025-02-01"},
    ),
    # The case is not in the proceedings stage: the owner's request is refused as a conflict.
    ("post", "/api/cases/{public_id}/pathway/stage-exits"): Row(
        owner=409,
        member=403,
        outsider=404,
        anon=401,
        kwargs=_case,
        data={"stage": "proceedings", "on": "2025-03-01"},
    ),
    ("post", "/api/cases/{public_id}/pathway/measures/{kind}"): Row(
        owner=201,
        member=403,
        outsider=404,
        anon=401,
        kwargs=lambda w: {"public_id": w.case.public_id, "kind": "service"},
        data={
            "service_type": "shelter",
            "provider_name": "Shelter X",
            "started_on": "2025-02-01",
            "outcome": "ongoing",
        },
    ),
    ("patch", "/api/cases/{public_id}/pathway/measures/{kind}/{measure_id}"): Row(
        owner=200,
        member=403,
        outsider=404,
        anon=401,
        kwargs=lambda w: {**_reflection(w), "kind": "reflection-period"},
        data={"duration_days": 45},
    ),
    ("post", "/api/cases/{public_id}/pathway/reflection-periods/{measure_id}/end"): Row(
        owner=200,
        member=403,
        outsider=404,
        anon=401,
        kwargs=_reflection,
        data={"ended_on": "2025-02-10", "end_reason": "cooperation"},
    ),
    ("post", "/api/cases/{public_id}/pathway/support-plans/{measure_id}/reviews"): Row(
        owner=201, member=403, outsider=404, anon=401, kwargs=_plan, data={"reviewed_on": "2025-02-10"}
    ),
    ("get", "/api/caseload"): Row(owner=200, member=403, outsider=200, anon=401),
    ("get", "/api/tasks"): Row(owner=200, member=403, outsider=200, anon=401),
    ("post", "/api/cases/{public_id}/tasks"): Row(
        owner=201,
        member=403,
        outsider=404,
        anon=401,
        kwargs=_case,
        data={"title": "Call", "due_on": "2026-12-01"},
    ),
    ("post", "/api/tasks/{public_id}/done"): Row(
        owner=200, member=403, outsider=404, anon=401, kwargs=_cw_task
    ),
    ("get", "/api/cases/{public_id}/notes"): Row(owner=200, member=403, outsider=404, anon=401, kwargs=_case),
    ("post", "/api/cases/{public_id}/notes"): Row(
        owner=201, member=403, outsider=404, anon=401, kwargs=_case, data={"text": "A note"}
    ),
    ("get", "/api/cases/{public_id}/timeline"): Row(
        owner=200, member=403, outsider=404, anon=401, kwargs=_case
    ),
    ("put", "/api/cases/{public_id}/assignment"): Row(
        owner=200,
        member=403,
        outsider=404,
        anon=401,
        kwargs=_case,
        data=lambda w: {"worker": str(w.cast.owner.public_id)},
    ),
    ("post", "/api/cases/{public_id}/closure-requests"): Row(
        owner=201, member=403, outsider=404, anon=401, kwargs=_case, data={"reason": "goals_reached"}
    ),
    ("post", "/api/closure-requests/{public_id}/decision"): Row(
        owner=403, member=403, outsider=403, anon=401, kwargs=_cw_closure, data={"approve": True}
    ),
    ("post", "/api/cases/{public_id}/reopen"): Row(
        owner=403, member=403, outsider=403, anon=401, kwargs=_case, data={"reason": "back"}
    ),
    ("get", "/api/persons/{public_id}/export"): Row(
        owner=403, member=403, outsider=403, anon=401, kwargs=_person
    ),
    ("get", "/api/suspects"): Row(owner=403, member=403, outsider=403, anon=401),
    ("post", "/api/suspects"): Row(owner=403, member=403, outsider=403, anon=401, data={"sex": "male"}),
    ("get", "/api/suspects/{public_id}"): Row(owner=403, member=403, outsider=403, anon=401, kwargs=_suspect),
    ("patch", "/api/suspects/{public_id}"): Row(
        owner=403, member=403, outsider=403, anon=401, kwargs=_suspect, data={"age": 30}
    ),
    ("get", "/api/proceedings"): Row(owner=403, member=403, outsider=403, anon=401),
    ("post", "/api/proceedings"): Row(owner=403, member=403, outsider=403, anon=401, data={"offence": "x"}),
    ("get", "/api/proceedings/{public_id}"): Row(
        owner=403, member=403, outsider=403, anon=401, kwargs=_proceeding
    ),
    ("patch", "/api/proceedings/{public_id}"): Row(
        owner=403, member=403, outsider=403, anon=401, kwargs=_proceeding, data={"offence": "y"}
    ),
    ("patch", "/api/proceedings/{public_id}/defendants/{defendant_id}"): Row(
        owner=403, member=403, outsider=403, anon=401, kwargs=_defendant, data={"outcome": "pending"}
    ),
    ("get", "/api/audit/events"): Row(owner=403, member=403, outsider=403, anon=401),
    ("get", "/api/jobs/{public_id}"): Row(owner=200, member=200, outsider=404, anon=401, kwargs=_job),
    ("get", "/api/imports/batches"): Row(owner=200, member=403, outsider=200, anon=401),
    ("get", "/api/imports/batches/{public_id}"): Row(
        owner=200, member=403, outsider=404, anon=401, kwargs=_batch
    ),
    ("post", "/api/imports/batches/{public_id}/rollback"): Row(
        owner=200, member=403, outsider=404, anon=401, kwargs=_batch
    ),
    ("get", "/api/research/datasets"): Row(owner=403, member=200, outsider=403, anon=401),
    ("get", "/api/research/datasets/{public_id}"): Row(
        owner=403, member=200, outsider=403, anon=401, kwargs=_dataset
    ),
    ("get", "/api/exports/{fmt}"): Row(
        owner=200, member=403, outsider=200, anon=401, kwargs=lambda w: {"fmt": "ctdc"}
    ),
    ("get", "/api/linkage/runs"): Row(owner=403, member=200, outsider=403, anon=401),
    ("post", "/api/linkage/runs"): Row(
        owner=403, member=403, outsider=403, anon=401, data={"scope": "country"}
    ),
    ("get", "/api/linkage/runs/{public_id}"): Row(
        owner=403, member=200, outsider=403, anon=401, kwargs=_linkage_run
    ),
    ("get", "/api/linkage/counts"): Row(owner=403, member=200, outsider=403, anon=401),
    ("get", "/api/linkage/pairs"): Row(owner=403, member=403, outsider=403, anon=401),
    ("post", "/api/linkage/pairs/{public_id}/decision"): Row(
        owner=403, member=403, outsider=403, anon=401, kwargs=_linkage_pair, data={"verdict": "reject"}
    ),
    ("get", "/api/linkage/projects"): Row(owner=403, member=403, outsider=403, anon=401),
    ("get", "/api/linkage/projects/{public_id}"): Row(
        owner=403, member=403, outsider=403, anon=401, kwargs=_linkage_pair
    ),
    # referrals and consent
    ("get", "/api/cases/{public_id}/consents"): Row(
        owner=200, member=403, outsider=404, anon=401, kwargs=_case
    ),
    ("post", "/api/cases/{public_id}/consents"): Row(
        owner=201, member=403, outsider=404, anon=401, kwargs=_case, data=_CONSENT
    ),
    ("post", "/api/cases/{public_id}/consents/withdraw"): Row(
        owner=201, member=403, outsider=404, anon=401, kwargs=_case, data=_CONSENT
    ),
    ("get", "/api/referrals"): Row(owner=200, member=403, outsider=200, anon=401),
    ("post", "/api/cases/{public_id}/referrals"): Row(
        owner=201,
        member=403,
        outsider=404,
        anon=401,
        kwargs=_case,
        data={"recipient": "org-b", "sections": ["identity"]},
    ),
    ("get", "/api/referrals/{public_id}"): Row(
        owner=200, member=403, outsider=404, anon=401, kwargs=_referral
    ),
    ("get", "/api/referrals/{public_id}/disclosed"): Row(
        owner=404, member=403, outsider=404, anon=401, kwargs=_referral
    ),
    ("post", "/api/referrals/{public_id}/send"): Row(
        owner=409, member=403, outsider=404, anon=401, kwargs=_referral
    ),
    ("post", "/api/referrals/{public_id}/accept"): Row(
        owner=404, member=403, outsider=404, anon=401, kwargs=_referral
    ),
    ("post", "/api/referrals/{public_id}/decline"): Row(
        owner=404, member=403, outsider=404, anon=401, kwargs=_referral
    ),
    ("post", "/api/referrals/{public_id}/complete"): Row(
        owner=404, member=403, outsider=404, anon=401, kwargs=_referral
    ),
    ("post", "/api/referrals/{public_id}/revoke"): Row(
        owner=200, member=403, outsider=404, anon=401, kwargs=_referral
    ),
    ("post", "/api/break-glass"): Row(
        owner=403, member=403, outsider=403, anon=401, data={"case_reference": "x", "reason": "x"}
    ),
    ("get", "/api/break-glass/{public_id}"): Row(
        owner=403, member=403, outsider=403, anon=401, kwargs=lambda w: {"public_id": uuid.uuid4()}
    ),
    ("get", "/api/releases"): Row(owner=403, member=200, outsider=403, anon=401),
    ("get", "/api/releases/{public_id}"): Row(owner=403, member=200, outsider=403, anon=401, kwargs=_release),
}


# ---------------------------------------------------------------------------------------------
def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from _walk(entry, prefix + str(entry.pattern), f"{namespace}{ns}:" if ns else namespace)
        else:
            name = f"{namespace}{entry.name}" if entry.name else f"{prefix}{entry.pattern}"
            yield name, entry


def url_patterns() -> list[tuple[str, URLPattern]]:
    return [(name, p) for name, p in _walk(get_resolver()) if not name.startswith("api:")]


def api_operations(client: Client) -> list[tuple[str, str]]:
    schema = client.get("/api/openapi.json").json()
    return [(method, path) for path, ops in schema["paths"].items() for method in ops]


def test_every_url_has_a_row() -> None:
    missing = [
        name
        for name, _p in url_patterns()
        if name not in ROWS and not name.split(":")[-1].startswith(THIRD_PARTY_PREFIXES)
    ]
    assert not missing, f"URLs without a permission-matrix row: {missing}"


def test_every_url_declares_its_access() -> None:
    undeclared = [name for name, p in url_patterns() if declaration_of(p.callback) is None]
    assert not undeclared, f"Views without an access declaration: {undeclared}"


def test_no_row_is_stale() -> None:
    names = {name for name, _p in url_patterns()}
    assert not set(ROWS) - names


@pytest.mark.django_db
def test_every_api_operation_has_a_row(client: Client) -> None:
    operations = set(api_operations(client))
    assert not operations - set(API_ROWS), (
        f"API operations without a row: {sorted(operations - set(API_ROWS))}"
    )
    assert not set(API_ROWS) - operations, f"Stale API rows: {sorted(set(API_ROWS) - operations)}"


@pytest.mark.django_db
def test_every_api_operation_declares_a_capability() -> None:
    from pharos.api.urls import api

    undeclared = []
    for router_prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                if declaration_of(operation.view_func) is None:
                    undeclared.append(f"{operation.methods} {router_prefix}{path}")
    assert not undeclared, f"API operations without @requires: {undeclared}"


# ---------------------------------------------------------------------------------------------
@pytest.fixture
def world(db: None) -> World:
    from pharos.accounts.actions import token_create
    from pharos.jobs.models import Job
    from pharos.persons.actions import person_register

    cast = testing.cast(member_role="statistician")
    person = person_register(
        actor=cast.owner, organisation=cast.org_a, first_name="Matrix", second_name="Person"
    )
    job = Job.objects.unscoped("test world").create(
        kind="audit.verify", organisation=cast.org_a, created_by=cast.owner
    )
    membership = cast.owner.memberships.get()
    token, _raw = token_create(actor=cast.owner, user=cast.owner, membership=membership, name="matrix")
    case, suspect, proceeding, defendant = _justice_world(cast, person)
    return World(
        cast=cast,
        person=person,
        job=job,
        token=token,
        membership_b=cast.outsider.memberships.get(),
        case=case,
        suspect=suspect,
        proceeding=proceeding,
        defendant=defendant,
    )


def _justice_world(cast: testing.Cast, person: Any) -> tuple[Any, Any, Any, Any]:
    """A victim case of the person, and a suspect in a proceeding about it (organisation A)."""
    import datetime

    from pharos.cases import actions
    from pharos.cases.models import Defendant

    testing.codelists()
    police = testing.member(cast.org_a, "law_enforcement", email="police@a.example.org")
    case = actions.case_register(
        actor=cast.owner,
        organisation=cast.org_a,
        person=person,
        facts={"registered_on": datetime.date(2025, 1, 1)},
        decision={
            "status": "PossibleVictim",
            "decision_org_type": "NGO",
            "decided_on": datetime.date(2025, 1, 1),
        },
    )
    suspect = actions.suspect_register(actor=police, organisation=cast.org_a, values={"sex": "male"})
    proceeding = actions.proceeding_record(
        actor=police, organisation=cast.org_a, values={}, suspects=[suspect], cases=[case]
    )
    defendant = Defendant.objects.unscoped("test world").get(proceeding=proceeding)
    return case, suspect, proceeding, defendant


def _client(world: World, persona: str) -> Client:
    client = Client()
    if persona != "anon":
        client.force_login(getattr(world.cast, persona))
    return client


def _check(response: Any, expected: int | str) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and "/accounts/login/" in response["Location"]
    return response.status_code == expected


@pytest.mark.parametrize("name", sorted(ROWS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_url_answers_each_persona_as_the_matrix_says(world: World, name: str, persona: str) -> None:
    from django.urls import reverse

    row = ROWS[name]
    url = reverse(name, kwargs=row.kwargs(world))
    response = getattr(_client(world, persona), row.method)(url, row.data_for(world))
    expected = getattr(row, persona)
    assert _check(response, expected), (
        f"{row.method.upper()} {url} as {persona}: {response.status_code}, expected {expected}"
    )


@pytest.mark.parametrize(
    "name", [n for n, _p in url_patterns() if n.split(":")[-1].startswith(THIRD_PARTY_PREFIXES)]
)
def test_third_party_pages_never_fail(world: World, name: str) -> None:
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse(name)
    except NoReverseMatch:
        pytest.skip(f"{name} needs arguments from an e-mail link")
    for persona in ("anon", "owner"):
        response = _client(world, persona).get(url)
        assert response.status_code < 500, f"{url} as {persona}: {response.status_code}"


@pytest.mark.parametrize("operation", sorted(API_ROWS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_api_answers_each_persona_as_the_matrix_says(
    world: World, operation: tuple[str, str], persona: str
) -> None:
    import json

    method, path = operation
    row = API_ROWS[operation]
    url = path.format(**{k: str(v) for k, v in row.kwargs(world).items()})
    client = _client(world, persona)
    if method == "get":
        response = client.get(url, row.data_for(world))
    else:
        response = getattr(client, method)(
            url, json.dumps(row.data_for(world)), content_type="application/json"
        )
    expected = getattr(row, persona)
    assert response.status_code == expected, (
        f"{method.upper()} {url} as {persona}: {response.status_code} {response.content[:300]!r}, expected {expected}"
    )
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/problem+json")

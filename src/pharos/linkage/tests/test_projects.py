"""PPRL projects: create, upload encodings (checked), link as a job, each participant's own result."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pharos import testing
from pharos.audit.models import AuditEvent
from pharos.jobs.models import JobStatus
from pharos.linkage.engine import pprl
from pharos.linkage.engine.records import REQUIRED
from pharos.linkage.models import LinkageProject, Participant
from pharos.linkage.tests.conftest import Generated

pytestmark = pytest.mark.django_db

SECRET = b"0123456789abcdef0123456789abcdef-shared-by-the-data-holders"


@pytest.fixture(scope="module")
def encodings(generated: Generated, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The generated records split between two holders, each file encoded by its holder."""
    folder = tmp_path_factory.mktemp("pprl-project")
    rows = generated.rows()
    found = {}
    for index, source in enumerate(("police-mk", "shelter-mk")):
        path = folder / f"{source}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(REQUIRED), extrasaction="ignore")
            writer.writeheader()
            writer.writerows(row for i, row in enumerate(rows) if i % 2 == index)
        out = folder / f"{source}.parquet"
        pprl.encode(path, SECRET, out, source_name=source, use_context=False, seed=7)
        found[source] = out.read_bytes()
    return found


class World:
    def __init__(self) -> None:
        self.police = testing.organisation("police-mk", country_code="MK", name="Police MK")
        self.shelter = testing.organisation("shelter-mk", country_code="MK", name="Shelter MK")
        self.unit = testing.member(self.police, "national_coordinator", email="unit@police.example.org")
        self.shelter_lead = testing.member(
            self.shelter, "national_coordinator", email="lead@shelter.example.org"
        )
        self.worker = testing.member(self.shelter, "case_worker", email="worker@shelter.example.org")


@pytest.fixture
def world() -> World:
    return World()


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _create(world: World) -> LinkageProject:
    response = _client(world.unit).post(
        reverse("linkage:project_create"),
        {
            "name": "MK 2026 count",
            "key_custodian": "Shelter MK (data protection officer)",
            "organisations": [world.police.pk, world.shelter.pk],
            "external": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return LinkageProject.objects.unscoped("test").get()


def _upload(user: Any, project: LinkageProject, source: str, data: bytes, name: str = "enc.parquet") -> Any:
    participant = Participant.objects.get(project=project, source=source)
    return _client(user).post(
        reverse(
            "linkage:participant_upload",
            kwargs={"public_id": project.public_id, "participant_id": participant.public_id},
        ),
        {"file": SimpleUploadedFile(name, data)},
        follow=True,
    )


def test_a_participant_downloads_only_its_own_records_and_the_totals(
    world: World, encodings: dict[str, bytes], django_capture_on_commit_callbacks: Any
) -> None:
    project = _create(world)
    assert AuditEvent.objects.filter(action="linkage.project.created").count() == 1
    _upload(world.unit, project, "police-mk", encodings["police-mk"])
    # The shelter uploads its own encodings (the unit could not make them: it has no secret).
    _upload(world.shelter_lead, project, "shelter-mk", encodings["shelter-mk"])
    assert Participant.objects.filter(project=project, encoded_records__gt=0).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(world.unit).post(
            reverse("linkage:project_link", kwargs={"public_id": project.public_id})
        )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.job is not None
    assert project.job.status == JobStatus.SUCCEEDED, project.job.error
    records = sum(pq.read_metadata(io.BytesIO(data)).num_rows for data in encodings.values())
    assert project.totals["records"] == records
    assert 0 < project.totals["persons"] < records

    shelter = Participant.objects.get(project=project, source="shelter-mk")
    police = Participant.objects.get(project=project, source="police-mk")
    download = _client(world.shelter_lead).get(
        reverse(
            "linkage:participant_download",
            kwargs={"public_id": project.public_id, "participant_id": shelter.public_id},
        )
    )
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert sorted(archive.namelist()) == ["shelter-mk.csv", "shelter-mk.totals.json"]
    rows = list(csv.DictReader(io.StringIO(archive.read("shelter-mk.csv").decode())))
    shelter_ids = {r["record_id"] for r in pq.read_table(io.BytesIO(encodings["shelter-mk"])).to_pylist()}
    assert {r["record_id"] for r in rows} == shelter_ids
    assert set(rows[0]) == {"record_id", "person", "also_known_elsewhere"}
    assert any(r["also_known_elsewhere"] == "yes" for r in rows)
    totals = json.loads(archive.read("shelter-mk.totals.json"))
    assert totals["totals"] == project.totals
    # Not the police's result: 404, as for a participant that does not exist.
    other = _client(world.shelter_lead).get(
        reverse(
            "linkage:participant_download",
            kwargs={"public_id": project.public_id, "participant_id": police.public_id},
        )
    )
    assert other.status_code == 404
    assert AuditEvent.objects.filter(action="linkage.project.result_downloaded").count() == 1
    assert AuditEvent.objects.filter(action="linkage.project.linked").count() == 1


def test_uploads_with_clear_identifiers_are_refused(world: World, encodings: dict[str, bytes]) -> None:
    project = _create(world)
    table = pq.read_table(io.BytesIO(encodings["police-mk"]))
    leaky = table.append_column("prs_FirstName", pa.array(["Ivana"] * table.num_rows))
    buffer = io.BytesIO()
    pq.write_table(leaky, buffer)
    page = _upload(world.unit, project, "police-mk", buffer.getvalue()).content.decode()
    assert "not encodings" in page
    page = _upload(
        world.unit, project, "police-mk", b"record_id,prs_FirstName\n1,Ivana\n", "x.csv"
    ).content.decode()
    assert "not an encodings file" in page
    page = _upload(world.unit, project, "police-mk", encodings["shelter-mk"]).content.decode()
    assert "another source" in page
    assert not Participant.objects.filter(project=project, encodings__isnull=False).exists()


def test_a_case_worker_has_no_projects(world: World) -> None:
    assert _client(world.worker).get(reverse("linkage:projects")).status_code == 403


def test_the_shelter_sees_the_project_but_cannot_link_it(world: World) -> None:
    project = _create(world)
    assert (
        _client(world.shelter_lead)
        .get(reverse("linkage:project_detail", kwargs={"public_id": project.public_id}))
        .status_code
        == 200
    )
    response = _client(world.shelter_lead).post(
        reverse("linkage:project_link", kwargs={"public_id": project.public_id})
    )
    assert response.status_code == 403


def test_an_encodings_file_over_the_size_limit_is_refused_with_its_size(
    world: World, encodings: dict[str, bytes], settings: Any
) -> None:
    project = _create(world)
    settings.PHAROS_ATTACHMENT_MAX_BYTES = 1024 * 1024
    page = _upload(world.unit, project, "police-mk", b"\0" * (3 * 1024 * 1024 + 5)).content.decode()
    assert "The file is 4 MB; files here may be at most 1 MB." in page
    assert not Participant.objects.filter(project=project, encodings__isnull=False).exists()

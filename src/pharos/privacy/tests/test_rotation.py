"""Key rotation: interrupted and resumed, nothing lost, old key removable afterwards."""

from __future__ import annotations

import base64
import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import TextField
from django.db.models.functions import Cast

from pharos.audit.models import AuditEvent
from pharos.jobs.models import Job, JobStatus
from pharos.persons.actions import person_register
from pharos.persons.models import Person
from pharos.privacy import cipher, files, keys, rotation
from pharos.privacy.models import EncryptedAttachment, RotationCheckpoint

KEY_A = "ka:" + base64.urlsafe_b64encode(b"\x0a" * 32).decode()
KEY_B = "kb:" + base64.urlsafe_b64encode(b"\x0b" * 32).decode()


class Interrupted(Exception):
    pass


class StopAfterFirstBatch:
    """A reporter that 'kills' the run once the first batch is committed."""

    def __init__(self) -> None:
        self.count: int | None = None
        self.done = 0
        self.lines: list[str] = []

    def total(self, count: int | None) -> None:
        self.count = count

    def advance(self, amount: int = 1) -> None:
        self.done += amount
        raise Interrupted

    def log(self, message: str, level: str = "info", **params) -> None:
        self.lines.append(message % params)


class Recorder(StopAfterFirstBatch):
    def advance(self, amount: int = 1) -> None:
        self.done += amount


@pytest.fixture
def use_keys(settings):
    def use(*entries: str) -> None:
        settings.PHAROS_FIELD_KEYS = list(entries)
        keys.reset_cache()

    yield use
    keys.reset_cache()


def key_ids(field: str = "first_name") -> list[str]:
    raw = (
        Person.objects.unscoped("test")
        .order_by("pk")
        .annotate(raw=Cast(field, TextField()))
        .values_list("raw", flat=True)
    )
    return [cipher.key_id_of(token) for token in raw if token is not None]


def all_key_ids() -> set[str]:
    found = set()
    for field in Person.PERSONAL_FIELDS:
        found.update(key_ids(field))
    return found


def register_five(cast) -> list[Person]:
    return [
        person_register(
            actor=cast.owner,
            organisation=cast.org_a,
            first_name=f"Name{i}",
            second_name="Rotated",
            aliases=[f"Alias{i}"],
            birth_date=datetime.date(1990, 1, i + 1),
            narrative="notes" if i % 2 else None,
        )
        for i in range(5)
    ]


def plain_values() -> list[tuple]:
    return [
        (p.first_name, p.second_name, p.aliases, p.birth_date, p.narrative)
        for p in Person.objects.unscoped("test").order_by("pk")
    ]


@pytest.mark.django_db
def test_interrupted_rotation_resumes_and_the_old_key_can_go(cast, use_keys) -> None:
    use_keys(KEY_A)
    register_five(cast)
    before = plain_values()
    assert all_key_ids() == {"ka"}

    use_keys(KEY_B, KEY_A)
    reporter = StopAfterFirstBatch()
    with pytest.raises(Interrupted):
        rotation.rotate(batch_size=2, reporter=reporter)
    assert reporter.count == 5
    # The first batch (two rows, every field) is committed under B; the rest is still under A.
    assert key_ids("first_name") == ["kb", "kb", "ka", "ka", "ka"]
    assert key_ids("birth_date") == ["kb", "kb", "ka", "ka", "ka"]
    assert plain_values() == before
    checkpoint = RotationCheckpoint.objects.get(model="persons.person")
    assert checkpoint.key_id == "kb"
    assert checkpoint.rotated_rows == 2
    assert checkpoint.finished_at is None
    interrupted = AuditEvent.objects.filter(action="privacy.keys.rotated").get()
    assert interrupted.data["finished"] is False
    assert interrupted.data["rows"]["persons.person"] == 2

    reporter = Recorder()
    result = rotation.rotate(batch_size=2, reporter=reporter)
    assert reporter.count == 3
    assert reporter.done == 3
    assert result.finished
    assert result.rows["persons.person"] == 3
    assert all_key_ids() == {"kb"}
    assert plain_values() == before
    checkpoint.refresh_from_db()
    assert checkpoint.finished_at is not None
    done = AuditEvent.objects.filter(action="privacy.keys.rotated").order_by("-seq").first()
    assert done.data["finished"] is True
    assert done.data["key_id"] == "kb"

    use_keys(KEY_B)
    assert plain_values() == before
    # Nothing left to do: a third run touches no row.
    assert rotation.rotate(batch_size=2).rows["persons.person"] == 0


@pytest.mark.django_db
def test_rotation_keeps_blind_indexes_and_updated_at(cast, use_keys) -> None:
    use_keys(KEY_A)
    person = register_five(cast)[0]
    use_keys(KEY_B, KEY_A)
    rotation.rotate(batch_size=10)
    fresh = Person.objects.unscoped("test").get(pk=person.pk)
    assert fresh.name_index == person.name_index
    assert fresh.updated_at == person.updated_at


@pytest.mark.django_db
def test_rotation_moves_attachments_to_new_blobs(
    settings, tmp_path: Path, use_keys, django_capture_on_commit_callbacks
) -> None:
    settings.MEDIA_ROOT = tmp_path
    use_keys(KEY_A)
    attachment = files.attachment_store(content=b"scan", file_name="scan.pdf", content_type="application/pdf")
    old_blob = attachment.blob
    use_keys(KEY_B, KEY_A)
    with django_capture_on_commit_callbacks(execute=True):
        result = rotation.rotate(batch_size=1)
    assert result.attachments == 1
    fresh = EncryptedAttachment.objects.get(pk=attachment.pk)
    assert fresh.key_id == "kb"
    assert fresh.blob != old_blob
    assert not (tmp_path / old_blob).exists()
    use_keys(KEY_B)
    assert files.attachment_read(fresh) == b"scan"
    assert fresh.file_name == "scan.pdf"


@pytest.mark.django_db
def test_rotation_stops_on_a_value_that_does_not_authenticate(cast, use_keys) -> None:
    use_keys(KEY_A)
    person = register_five(cast)[0]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE persons_person SET contact = first_name WHERE id = %s", [person.pk])
    use_keys(KEY_B, KEY_A)
    with pytest.raises(rotation.RotationError, match=f"persons.person row {person.pk}, field contact"):
        rotation.rotate(batch_size=10)


@pytest.mark.django_db
def test_status_counts_values_per_key(cast, use_keys) -> None:
    use_keys(KEY_A)
    register_five(cast)
    use_keys(KEY_B, KEY_A)
    fields, _attachments, _checkpoints = rotation.status()
    first = next(s for s in fields if (s.model, s.field) == ("persons.person", "first_name"))
    assert first.by_key == {"kb": 0, "ka": 5}
    assert first.unknown == 0
    narrative = next(s for s in fields if (s.model, s.field) == ("persons.person", "narrative"))
    assert narrative.by_key["ka"] == 2
    assert narrative.empty == 3
    use_keys(KEY_B)
    fields, _attachments, _checkpoints = rotation.status()
    first = next(s for s in fields if (s.model, s.field) == ("persons.person", "first_name"))
    assert first.unknown == 5


@pytest.mark.django_db
def test_keys_command(cast, use_keys, capsys) -> None:
    use_keys(KEY_A)
    register_five(cast)
    use_keys(KEY_B, KEY_A)
    call_command("keys", "status")
    out = capsys.readouterr().out
    assert "persons.person.first_name" in out
    assert "not under the active key" in out

    call_command("keys", "rotate", "--batch-size", "2")
    out = capsys.readouterr().out
    assert "under key kb" in out
    job = Job.objects.unscoped("test").get(kind="privacy.keys.rotate")
    assert job.status == JobStatus.SUCCEEDED
    assert job.progress_done == 5
    assert all_key_ids() == {"kb"}

    call_command("keys", "status")
    assert "Everything is under the active key" in capsys.readouterr().out

    call_command("keys", "generate", "--id", "k2027")
    key_id, secret = capsys.readouterr().out.strip().split(":")
    assert key_id == "k2027"
    assert len(base64.urlsafe_b64decode(secret)) == 32
    assert keys.parse_field_key(f"{key_id}:{secret}").key_id == "k2027"

"""The case worker's pages: caseload, tasks, the case's work page, files, closure, export."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pharos.audit.models import AuditEvent
from pharos.cases.models import CaseState, VictimCase
from pharos.casework import actions
from pharos.casework.models import CaseAttachment, ClosureRequest, Task
from pharos.casework.tests.conftest import SECRET, open_case
from pharos.tenancy import access

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _assign(world, case, worker) -> None:
    access.set_acting(world.supervisor, world.supervisor.memberships.get())
    actions.case_assign(actor=world.supervisor, case=case, worker=worker)


def test_caseload_shows_my_cases_with_overdue_first(world, client_for) -> None:
    today = timezone.localdate()
    calm = open_case(world.owner, world.org_a, first_name="Calmina")
    _assign(world, world.case, world.owner)
    _assign(world, calm, world.owner)
    actions.task_create(
        actor=world.owner,
        case=world.case,
        kind="follow_up",
        title="Call",
        due_on=today - datetime.timedelta(days=2),
    )
    actions.task_create(
        actor=world.owner,
        case=calm,
        kind="follow_up",
        title="Visit",
        due_on=today + datetime.timedelta(days=3),
    )
    open_case(world.supervisor, world.org_a, first_name="Unassignia")
    response = client_for(world.owner).get(reverse("casework:caseload"))
    assert response.status_code == 200
    cases = response.context["cases"]
    assert [c.pk for c in cases] == [world.case.pk, calm.pk]
    assert cases[0].has_overdue
    assert not cases[1].has_overdue
    assert "Overdue" in response.content.decode()
    overdue_only = client_for(world.owner).get(
        reverse("casework:caseload"), {"overdue": "1", "scope": "mine"}
    )
    assert [c.pk for c in overdue_only.context["cases"]] == [world.case.pk]
    unassigned = client_for(world.owner).get(reverse("casework:caseload"), {"scope": "unassigned"})
    assert len(unassigned.context["cases"]) == 1
    assert AuditEvent.objects.filter(action="cases.case.listed", actor=world.owner).count() >= 2


def test_caseload_search_by_reference_and_by_exact_name(world, client_for) -> None:
    other = open_case(world.owner, world.org_a, first_name="Otherina")
    client = client_for(world.owner)
    by_name = client.get(reverse("casework:caseload"), {"scope": "organisation", "q": "quokkarina z"})
    assert [c.pk for c in by_name.context["cases"]] == [world.case.pk]
    by_reference = client.get(reverse("casework:caseload"), {"scope": "organisation", "q": other.reference})
    assert [c.pk for c in by_reference.context["cases"]] == [other.pk]
    by_part = client.get(reverse("casework:caseload"), {"scope": "organisation", "q": "Quokka"})
    assert list(by_part.context["cases"]) == []


def test_caseload_query_count_does_not_grow_with_the_page(world, client_for) -> None:
    client = client_for(world.owner)
    url = reverse("casework:caseload") + "?scope=organisation"
    client.get(url)  # warm the code-list cache

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for n in range(6):
        case = open_case(world.owner, world.org_a, first_name=f"Many{n}")
        actions.task_create(
            actor=world.owner, case=case, kind="follow_up", title="x", due_on=datetime.date(2020, 1, 1)
        )
    many = count()
    assert many == few
    assert many <= 21


def test_overdue_view_lists_only_open_tasks_past_due(world, client_for) -> None:
    today = timezone.localdate()
    _assign(world, world.case, world.owner)
    late = actions.task_create(
        actor=world.owner,
        case=world.case,
        kind="plan_review",
        title="Plan",
        due_on=today - datetime.timedelta(days=1),
    )
    actions.task_create(
        actor=world.owner,
        case=world.case,
        kind="follow_up",
        title="Later",
        due_on=today + datetime.timedelta(days=20),
    )
    done = actions.task_create(
        actor=world.owner,
        case=world.case,
        kind="custom",
        title="Done",
        due_on=today - datetime.timedelta(days=5),
    )
    actions.task_complete(actor=world.owner, task=done)
    response = client_for(world.owner).get(reverse("casework:tasks"), {"when": "overdue"})
    assert [t.pk for t in response.context["tasks"]] == [late.pk]
    everyone = client_for(world.supervisor).get(
        reverse("casework:tasks"), {"when": "open", "scope": "organisation"}
    )
    assert len(everyone.context["tasks"]) == 2
    outsider = client_for(world.outsider).get(
        reverse("casework:tasks"), {"when": "open", "scope": "organisation"}
    )
    assert list(outsider.context["tasks"]) == []


def test_task_created_and_completed_from_the_pages(world, client_for) -> None:
    client = client_for(world.owner)
    response = client.post(
        reverse("casework:task_create", args=[world.case.public_id]),
        {"kind": "follow_up", "title": "Call the shelter", "due_on": "2026-12-24", "assignee": ""},
    )
    assert response.status_code == 302
    task = Task.objects.unscoped("test").get(case=world.case)
    assert task.title == "Call the shelter"
    page = client.get(reverse("casework:case", args=[world.case.public_id]))
    assert "Call the shelter" in page.content.decode()
    assert client.post(reverse("casework:task_done", args=[task.public_id])).status_code == 302
    task.refresh_from_db()
    assert task.done_at is not None
    assert (
        client_for(world.outsider).post(reverse("casework:task_done", args=[task.public_id])).status_code
        == 404
    )


def test_notes_are_encrypted_and_shown_on_the_timeline(world, client_for) -> None:
    client = client_for(world.owner)
    client.post(reverse("casework:note_create", args=[world.case.public_id]), {"text": SECRET})
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM casework_casenote")
        stored = cursor.fetchone()[0]
    assert SECRET not in stored
    page = client.get(reverse("casework:case", args=[world.case.public_id])).content.decode()
    assert SECRET in page
    assert "Note added" in page
    assert "Status decided" in page


def test_attachment_with_wrong_content_type_is_refused(world, client_for) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.owner)
    url = reverse("casework:attachment_create", args=[world.case.public_id])
    fake = SimpleUploadedFile(
        "report.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100, content_type="application/pdf"
    )
    response = client.post(url, {"file": fake, "document_type": "legal"})
    assert response.status_code == 422
    assert "not accepted" in response.content.decode()
    assert not CaseAttachment.objects.unscoped("test").exists()
    refused = AuditEvent.objects.get(action="casework.attachment.refused")
    assert refused.data["problem"] == "type"
    disguised = SimpleUploadedFile(
        "photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, content_type="application/pdf"
    )
    assert client.post(url, {"file": disguised, "document_type": "photo"}).status_code == 422


def test_attachment_too_large_is_refused(world, client_for, settings) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.PHAROS_CASE_ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048, content_type="application/pdf")
    response = client_for(world.owner).post(
        reverse("casework:attachment_create", args=[world.case.public_id]),
        {"file": big, "document_type": "legal"},
    )
    assert response.status_code == 422
    assert AuditEvent.objects.get(action="casework.attachment.refused").data["problem"] == "size"


def test_attachment_upload_and_audited_download(world, client_for) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.owner)
    upload = SimpleUploadedFile("statement.pdf", PDF, content_type="application/octet-stream")
    response = client.post(
        reverse("casework:attachment_create", args=[world.case.public_id]),
        {"file": upload, "document_type": "statement"},
    )
    assert response.status_code == 302
    item = CaseAttachment.objects.unscoped("test").get(case=world.case)
    assert item.media_type == "application/pdf"
    download = client.get(reverse("casework:attachment_download", args=[item.public_id]))
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="casework.attachment.downloaded", actor=world.owner).count() == 1
    assert (
        client_for(world.outsider)
        .get(reverse("casework:attachment_download", args=[item.public_id]))
        .status_code
        == 404
    )


def test_closure_flow_on_the_pages(world, client_for) -> None:
    worker = client_for(world.owner)
    response = worker.post(
        reverse("casework:closure_request", args=[world.case.public_id]), {"reason": "goals_reached"}
    )
    assert response.status_code == 302
    request = ClosureRequest.objects.unscoped("test").get(case=world.case)
    assert worker.get(reverse("casework:closure_decide", args=[request.public_id])).status_code == 403
    boss = client_for(world.supervisor)
    listing = boss.get(reverse("casework:closures"))
    assert world.case.reference in listing.content.decode()
    response = boss.post(
        reverse("casework:closure_decide", args=[request.public_id]), {"decision": "approve", "note": ""}
    )
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.state == CaseState.CLOSED
    # Closed: no more notes, and the page offers reopening only.
    refused = worker.post(reverse("casework:note_create", args=[world.case.public_id]), {"text": "late"})
    assert refused.status_code == 422
    assert "closed" in refused.content.decode()
    page = boss.get(reverse("casework:case", args=[world.case.public_id])).content.decode()
    assert reverse("casework:reopen", args=[world.case.public_id]) in page
    assert reverse("casework:task_create", args=[world.case.public_id]) not in page
    response = boss.post(reverse("casework:reopen", args=[world.case.public_id]), {"reason": "Came back"})
    assert response.status_code == 302
    assert VictimCase.objects.unscoped("test").get(pk=world.case.pk).state == CaseState.OPEN


def test_supervisor_cannot_approve_own_closure_on_the_page(world, client_for) -> None:
    boss = client_for(world.supervisor)
    boss.post(reverse("casework:closure_request", args=[world.case.public_id]), {"reason": "declined"})
    request = ClosureRequest.objects.unscoped("test").get(case=world.case)
    response = boss.post(
        reverse("casework:closure_decide", args=[request.public_id]), {"decision": "approve"}
    )
    assert response.status_code == 422
    assert "your own" in response.content.decode()
    world.case.refresh_from_db()
    assert world.case.state == CaseState.CLOSURE_REQUESTED


def test_person_export_json_and_pdf(world, client_for) -> None:
    actions.note_add(actor=world.owner, case=world.case, text=SECRET)
    actions.task_create(
        actor=world.owner,
        case=world.case,
        kind="plan_review",
        title="Review",
        due_on=datetime.date(2026, 1, 5),
    )
    boss = client_for(world.supervisor)
    url = reverse("casework:person_export", args=[world.case.person.public_id, "json"])
    response = boss.get(url)
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["person"]["first_name"] == "Quokkarina"
    assert data["cases"][0]["notes"][0]["text"] == SECRET
    assert data["cases"][0]["tasks"][0]["title"] == "Review"
    event = AuditEvent.objects.get(action="casework.person.exported")
    assert event.data["format"] == "json"
    assert event.data["counts"]["notes"] == 1
    pdf = boss.get(reverse("casework:person_export", args=[world.case.person.public_id, "pdf"]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert client_for(world.owner).get(url).status_code == 403
    assert client_for(world.outsider).get(url).status_code == 403


def test_person_export_pdf_renders_arabic(world, client_for) -> None:
    from django.utils import translation

    from pharos.casework import export

    actions.note_add(actor=world.owner, case=world.case, text="ملاحظة سرية عن الحالة")
    access.set_acting(world.supervisor, world.supervisor.memberships.get())
    data = export.collect(world.supervisor, world.case.person)
    with translation.override("ar"):
        pdf = export.render_pdf(data, base_url="http://testserver/", uncompressed_pdf=True)
    assert pdf.startswith(b"%PDF")
    assert b"/Lang (ar)" in pdf or b"/Lang(ar)" in pdf
    # The note is typeset with a font that has Arabic glyphs (no missing-glyph boxes).
    assert b"DejaVu-Sans" in pdf


def test_caseload_filters_by_the_current_stage_of_the_pathway(world, client_for) -> None:
    from pharos.casework.queries import stage_model

    entries = stage_model()
    if entries is None:
        pytest.skip("pharos.assistance (the pathway) is not installed")
    other = open_case(world.owner, world.org_a, first_name="Stagina")
    entries.objects.unscoped("test").create(
        organisation=world.org_a,
        case=world.case,
        stage="first_assistance",
        entered_on=datetime.date(2025, 3, 1),
    )
    entries.objects.unscoped("test").create(
        organisation=world.org_a,
        case=other,
        stage="first_assistance",
        entered_on=datetime.date(2025, 1, 1),
        left_on=datetime.date(2025, 2, 1),
    )
    response = client_for(world.owner).get(
        reverse("casework:caseload"), {"scope": "organisation", "stage": "first_assistance"}
    )
    assert [c.pk for c in response.context["cases"]] == [world.case.pk]


def test_pages_render_right_to_left_in_arabic(world, client_for) -> None:
    from django.utils import translation

    client = client_for(world.owner)
    client.cookies["django_language"] = "ar"
    with translation.override("ar"):
        for url in (
            reverse("casework:caseload"),
            reverse("casework:tasks"),
            reverse("casework:case", args=[world.case.public_id]),
            reverse("casework:closure_request", args=[world.case.public_id]),
        ):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="ar")
            assert response.status_code == 200, url
            assert 'dir="rtl"' in response.content.decode(), url

"""The audit log page, its CSV and JSON twins, the API, and starting a verification."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pharos import testing
from pharos.audit import log, queries
from pharos.audit.models import AuditEvent
from pharos.jobs.models import Job, JobStatus
from pharos.tenancy import access
from pharos.tenancy.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditors(cast: testing.Cast) -> dict[str, Any]:
    return {
        "a": testing.member(cast.org_a, "auditor", email="auditor@a.example.org"),
        "b": testing.member(cast.org_b, "auditor", email="auditor@b.example.org"),
    }


def act(user: Any) -> Any:
    """The user acting for their (only) organisation, as the middleware would set it."""
    access.set_acting(user, Membership.objects.select_related("organisation__country").get(user=user))
    return user


def write(action: str, actor: Any, **kwargs: Any) -> AuditEvent:
    with transaction.atomic():
        return log.record(action, actor=act(actor), **kwargs)


def test_the_log_shows_the_acting_organisations_events_only(cast, auditors, client_for) -> None:
    write("accounts.user.language_changed", cast.owner, data={"language": "fr"})
    write("accounts.user.language_changed", cast.outsider, data={"language": "ru"})

    response = client_for(auditors["a"]).get(reverse("audit:log"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "owner@a.example.org" in body
    assert "outsider@b.example.org" not in body
    assert "A user chose another language" in body  # the label, not the dotted name
    assert "<caption>" in body


def test_reading_the_log_is_itself_recorded_with_the_filters(cast, auditors, client_for) -> None:
    client_for(auditors["a"]).get(
        reverse("audit:log"), {"action": "accounts.", "actor": "owner@a.example.org"}
    )

    viewed = AuditEvent.objects.filter(action="audit.log.viewed").get()
    assert viewed.actor == auditors["a"]
    assert viewed.organisation == cast.org_a
    assert viewed.data["filters"] == {"action": "accounts.", "actor": "owner@a.example.org"}
    assert viewed.data["format"] == "html"


def test_filters_narrow_the_log(cast, auditors, client_for) -> None:
    changed = write("tenancy.organisation.changed", cast.owner, target=cast.org_a, data={})
    write("accounts.user.language_changed", cast.member, data={"language": "fr"})
    old = write("accounts.user.language_changed", cast.owner, data={"language": "ar"})
    client = client_for(auditors["a"])

    def seqs(**params: str) -> set[int]:
        data = client.get(reverse("audit:log"), {"format": "json", **params}).json()
        return {row["seq"] for row in data["results"] if row["action"] != "audit.log.viewed"}

    everything = seqs()
    assert len(everything) == 3
    assert seqs(action="tenancy.") == {changed.seq}
    assert seqs(actor="MEMBER@a.example.org") == everything - {changed.seq, old.seq}
    assert seqs(target=changed.target_id) == {changed.seq}
    today = timezone.now().date()
    assert seqs(date_from=today.isoformat(), date_to=today.isoformat()) == everything
    assert seqs(date_to=(today - timedelta(days=1)).isoformat()) == set()


def test_an_invalid_filter_is_explained_and_not_applied(auditors, client_for) -> None:
    response = client_for(auditors["a"]).get(
        reverse("audit:log"), {"date_from": "2026-02-10", "date_to": "2026-02-01"}
    )

    assert response.status_code == 200
    assert "data-pharos-error-summary" in response.content.decode()
    assert "The end date is before the start date." in response.content.decode()


def test_csv_twin_downloads_the_filtered_list_and_is_recorded(cast, auditors, client_for) -> None:
    write("accounts.user.language_changed", cast.owner, data={"note": "=HYPERLINK(1)"})
    write("tenancy.organisation.changed", cast.owner, target=cast.org_a, data={})

    response = client_for(auditors["a"]).get(reverse("audit:log"), {"format": "csv", "action": "accounts."})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["action"] for r in rows] == ["accounts.user.language_changed"]
    assert rows[0]["actor"] == "owner@a.example.org"
    viewed = AuditEvent.objects.filter(action="audit.log.viewed").get()
    assert viewed.data["format"] == "csv"


def test_csv_cells_cannot_start_a_formula(cast, auditors, client_for) -> None:
    with transaction.atomic():
        log.record("accounts.user.language_changed", actor="=cmd|' /C calc'!A0", data={})

    # An event without organisation is not in an organisation's log; check the writer itself.
    from pharos.audit.exports import csv_lines

    lines = list(csv_lines(AuditEvent.objects.all()))
    assert "'=cmd" in lines[1]


def test_the_log_is_paginated_by_fifty(cast, auditors, client_for) -> None:
    with transaction.atomic():
        log.record_many("tenancy.organisation.changed", targets=[cast.org_a] * 51, actor=act(cast.owner))
    client = client_for(auditors["a"])

    first = client.get(reverse("audit:log"), {"format": "json"}).json()
    second = client.get(reverse("audit:log"), {"format": "json", "page": 2}).json()

    assert first["count"] == 51
    assert len(first["results"]) == 50
    assert len(second["results"]) == 2  # the 51st event and the first page's "viewed" event


def test_the_log_page_does_not_query_per_row(cast, auditors, client_for) -> None:
    client = client_for(auditors["a"])
    client.get(reverse("audit:log"))  # warm the session

    def queries_for(n: int) -> int:
        with transaction.atomic():
            log.record_many("tenancy.organisation.changed", targets=[cast.org_a] * n, actor=act(cast.owner))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("audit:log")).status_code == 200
        return len(captured.captured_queries)

    assert queries_for(2) == queries_for(30)


def test_roles_without_audit_view_cannot_read_the_log(cast, client_for) -> None:
    write("accounts.user.language_changed", cast.owner, data={})
    statistician = testing.member(cast.org_a, "statistician")

    assert client_for(statistician).get(reverse("audit:log")).status_code == 403
    assert client_for(statistician).get("/api/audit/events").status_code == 403
    assert queries.events_visible_to(act(cast.owner)).count() == 0
    assert queries.events_visible_to(act(statistician)).count() == 0


def test_history_for_returns_one_targets_events_from_every_organisation(cast) -> None:
    mine = write("tenancy.organisation.changed", cast.owner, target=cast.org_a, data={})
    theirs = write("tenancy.organisation.changed", cast.outsider, target=cast.org_a, data={})
    write("tenancy.organisation.changed", cast.owner, target=cast.org_b, data={})

    history = list(queries.history_for(cast.org_a))

    assert [e.seq for e in history] == [theirs.seq, mine.seq]
    assert {e.organisation for e in history} == {cast.org_a, cast.org_b}


def test_history_include_renders_who_what_and_from_where(cast, rf) -> None:
    from django.template.loader import render_to_string

    write("tenancy.organisation.changed", cast.owner, target=cast.org_a, data={})

    html = render_to_string("audit/_history_table.html", {"events": queries.history_for(cast.org_a)})

    assert "owner@a.example.org" in html
    assert "Organisation A" in html
    assert "An organisation was changed" in html
    assert "<caption>" in html
    assert 'scope="col"' in html


def test_verify_button_starts_a_job_and_shows_its_result(
    cast, auditors, client_for, django_capture_on_commit_callbacks
) -> None:
    write("accounts.user.language_changed", cast.owner, data={})
    client = client_for(auditors["a"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audit:verify"))

    job = Job.objects.unscoped("test").get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", kwargs={"public_id": job.public_id})
    assert job.status == JobStatus.SUCCEEDED
    assert job.organisation == cast.org_a
    assert job.result["intact"] is True
    page = client.get(response["Location"]).content.decode()
    assert "Audit chain intact" in page
    verified = AuditEvent.objects.get(action="audit.chain.verified")
    assert verified.actor == auditors["a"]
    assert verified.organisation == cast.org_a


def test_api_lists_the_organisations_events(cast, auditors, client_for) -> None:
    write("accounts.user.language_changed", cast.owner, data={})
    write("accounts.user.language_changed", cast.outsider, data={})
    client = client_for(auditors["a"])

    body = client.get("/api/audit/events", {"action": "accounts."}).json()

    assert body["count"] == 1
    assert body["results"][0]["actor"] == "owner@a.example.org"
    assert body["results"][0]["organisation"] == "org-a"
    viewed = AuditEvent.objects.filter(action="audit.log.viewed").get()
    assert viewed.data["format"] == "api"


def test_api_errors_are_problem_details(auditors, client_for) -> None:
    client = client_for(auditors["a"])

    bad_dates = client.get("/api/audit/events", {"date_from": "2026-02-10", "date_to": "2026-02-01"})
    far_page = client.get("/api/audit/events", {"page": 40})
    not_a_date = client.get("/api/audit/events", {"date_from": "soon"})

    assert bad_dates.status_code == 422
    assert far_page.status_code == 404
    assert not_a_date.status_code == 422
    for response in (bad_dates, far_page, not_a_date):
        assert response["Content-Type"].startswith("application/problem+json")

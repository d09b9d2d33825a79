"""Dashboard, CSV/JSON twins and population upload: who may reach them and what they show."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pharos import testing
from pharos.statistics.models import PopulationEstimate
from pharos.statistics.tests.test_tables import data  # noqa: F401 - the shared fixture

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "dashboard", "population"),
    [
        ("statistician", 200, 403),
        ("national_coordinator", 200, 200),
        ("case_worker", 403, 403),
        ("trainer", 403, 403),
    ],
)
def test_who_reaches_the_statistics_pages(data, client_for, role, dashboard, population) -> None:  # noqa: F811
    client = client_for(testing.member(data.org_a, role))
    assert client.get(reverse("statistics:dashboard")).status_code == dashboard
    twin = reverse("statistics:table", kwargs={"name": "victims_status", "fmt": "json"})
    assert client.get(twin).status_code == dashboard
    assert client.get(reverse("statistics:population")).status_code == population


def test_the_dashboard_has_charts_with_text_alternatives_tables_and_twins(data, client_for) -> None:  # noqa: F811
    client = client_for(testing.member(data.org_a, "national_coordinator"))
    page = client.get(reverse("statistics:dashboard"), {"year": "2025"}).content.decode()
    assert 'role="img" aria-label="Bar chart of Registered victims by status.' in page
    assert "<caption>Data of the chart: Registered victims by status</caption>" in page
    assert reverse("statistics:table", kwargs={"name": "victims_form", "fmt": "csv"}) + "?year=2025" in page
    assert "vendor/vega-embed/vega-embed.min.js" in page
    assert "cdn" not in page.lower()


def test_the_twins_answer_the_filtered_table(data, client_for) -> None:  # noqa: F811
    client = client_for(testing.member(data.org_a, "national_coordinator"))
    url = reverse("statistics:table", kwargs={"name": "victims_status", "fmt": "json"})
    body = json.loads(client.get(url, {"year": "2025"}).content)
    total = [m for m in body["margins"] if m["country"] == "MK" and m["status"] == "_T"]
    assert total == [{"country": "MK", "year": "2025", "status": "_T", "count": 3}]
    csv_text = client.get(url.replace(".json", ".csv")).content.decode()
    assert csv_text.startswith("country,year,status,count,suppressed\n")
    assert client.get(url.replace(".json", ".xml")).status_code == 404


def test_a_statistician_sees_hidden_small_counts(data, client_for) -> None:  # noqa: F811
    client = client_for(testing.member(data.org_a, "statistician"))
    url = reverse("statistics:table", kwargs={"name": "victims_status", "fmt": "json"})
    body = json.loads(client.get(url).content)
    assert body["disclosure"].startswith("threshold 10")
    assert all(c["count"] is None for c in body["cells"] + body["margins"])
    assert "counts below 10 are hidden" in client.get(reverse("statistics:dashboard")).content.decode()


def test_the_coordinator_uploads_a_population_table(data, client_for) -> None:  # noqa: F811
    client = client_for(testing.member(data.org_a, "national_coordinator"))
    good = SimpleUploadedFile("p.csv", b"country,year,sex,age_group,population\nMK,2025,_T,_T,1830000\n")
    response = client.post(
        reverse("statistics:population"), {"file": good, "source": "State Statistical Office"}
    )
    assert response.status_code == 302
    assert PopulationEstimate.objects.get().population == 1_830_000
    bad = SimpleUploadedFile("p.csv", b"country,year,sex,age_group,population\nMK,2025,X,_T,10\n")
    page = client.post(reverse("statistics:population"), {"file": bad}).content.decode()
    assert "Line 2: sex must be F, M or _T" in page

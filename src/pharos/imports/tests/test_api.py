"""The imports API: batches of the acting organisation only, and rollback through the action."""

from pharos.cases.models import VictimCase
from pharos.imports import actions


def test_batches_are_listed_for_their_organisation_only(cast, client_for, generated):
    actions.import_file(actor=None, organisation=cast.org_a, path=generated(5))
    owner = client_for(cast.owner).get("/api/imports/batches").json()
    outsider = client_for(cast.outsider).get("/api/imports/batches").json()
    assert [b["status"] for b in owner] == ["committed"]
    assert outsider == []


def test_rollback_through_the_api_removes_the_cases_once(cast, client_for, generated):
    outcome = actions.import_file(actor=None, organisation=cast.org_a, path=generated(5))
    client = client_for(cast.owner)
    url = f"/api/imports/batches/{outcome.batch.public_id}/rollback"
    response = client.post(url)
    assert response.status_code == 200
    assert response.json()["cases_removed"] == outcome.records_created
    assert response.json()["batch"]["status"] == "rolled_back"
    assert not VictimCase.objects.unscoped("test").exists()
    again = client.post(url)
    assert again.status_code == 409
    assert again["Content-Type"].startswith("application/problem+json")

"""The OpenAPI document validates, names its security schemes, and documents problem errors."""

from __future__ import annotations

import pytest
from django.test import Client
from openapi_spec_validator import validate


@pytest.mark.django_db
def test_schema_validates_as_openapi() -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert {"TokenAuth", "PharosSessionAuth"} <= set(schema["components"]["securitySchemes"])
    assert schema["paths"], "the API has operations"


@pytest.mark.django_db
def test_docs_page_lists_every_operation_without_a_cdn() -> None:
    page = Client().get("/api/docs").content.decode()
    schema = Client().get("/api/openapi.json").json()
    for path in schema["paths"]:
        assert path in page
    for host in ("cdn.", "unpkg", "jsdelivr"):
        assert host not in page


@pytest.mark.django_db
def test_errors_are_problem_details() -> None:
    response = Client().get("/api/me")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401
    assert body["title"]
    missing = Client().get("/api/no-such-thing")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"

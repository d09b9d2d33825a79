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


def _batch(w: World) -> dict[str, Any]:
    from pharos.imports.models import ImportBatch

    batch, _created = ImportBatch.objects.unscoped("the matrix's batch of organisation A").get_or_create(
        organisation=w.cast.org_a,
        file_name="matrix.csv",
        defaults={"status": "committed", "file_sha256": "0" * 64},
    )
    return {"public_id": batch.public_id}


_DECISION = {"status": "ActualVictim", "decision_org_type": "Police", "decided_on": "2025-02-01"}


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
    # exports (scoped to the acting organisation; tested further in exports/tests)
    "exports:export": Row(owner=200, member=403, outsider=200),
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
    ("get", "/api/exports/{fmt}"): Row(
        owner=200, member=403, outsider=200, anon=401, kwargs=lambda w: {"fmt": "ctdc"}
    ),
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

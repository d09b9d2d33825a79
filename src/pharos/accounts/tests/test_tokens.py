"""Personal API tokens: made once, stored as a fingerprint, acting for one membership, revocable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from pharos import testing
from pharos.accounts import actions
from pharos.accounts.models import ApiToken, hash_token
from pharos.accounts.tests.conftest import sign_in
from pharos.audit.models import AuditEvent
from pharos.tenancy.models import Membership

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def make_token(user, organisation=None, **kwargs) -> tuple[ApiToken, str]:
    membership = user.memberships.get(**({"organisation": organisation} if organisation else {}))
    return actions.token_create(actor=user, user=user, membership=membership, name="script", **kwargs)


def test_a_token_is_shown_once_and_only_its_fingerprint_is_stored(cast: testing.Cast) -> None:
    token, raw = make_token(cast.owner)

    assert raw.startswith("pht_")
    assert len(raw) == 44
    assert token.token_hash == hash_token(raw)
    assert raw not in token.token_hash
    assert token.hint == raw[:12]
    event = AuditEvent.objects.get(action="accounts.token.created")
    assert raw not in str(event.data)
    assert raw[12:20] not in str(event.data)
    assert event.organisation == cast.org_a


def test_a_token_authenticates_api_me_and_acts_for_its_organisation(cast: testing.Cast) -> None:
    Membership.objects.create(user=cast.owner, organisation=cast.org_b, role="statistician")
    _token, raw = make_token(cast.owner, cast.org_b)

    response = Client().get("/api/me", headers=bearer(raw))

    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "owner@a.example.org"
    assert body["acting"]["organisation_code"] == "org-b"
    assert body["acting"]["role"] == "statistician"
    assert "persons.view" not in body["acting"]["capabilities"]
    assert {m["organisation_code"] for m in body["memberships"]} == {"org-a", "org-b"}
    assert ApiToken.objects.get(pk=_token.pk).last_used_at is not None


@pytest.mark.parametrize("raw", ["pht_not-a-real-token-0000000000000000000000", "something-else", ""])
def test_an_unknown_token_gets_401_problem(cast: testing.Cast, raw: str) -> None:
    response = Client().get("/api/me", headers=bearer(raw))

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_revoked_token_gets_401(cast: testing.Cast) -> None:
    token, raw = make_token(cast.owner)
    assert Client().get("/api/me", headers=bearer(raw)).status_code == 200

    actions.token_revoke(actor=cast.owner, token=token)
    response = Client().get("/api/me", headers=bearer(raw))

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert (
        AuditEvent.objects.filter(action="accounts.token.revoked", target_id=str(token.public_id)).count()
        == 1
    )
    actions.token_revoke(actor=cast.owner, token=token)  # twice changes nothing
    assert AuditEvent.objects.filter(action="accounts.token.revoked").count() == 1


def test_an_expired_token_gets_401(cast: testing.Cast) -> None:
    token, raw = make_token(cast.owner, expires_at=timezone.now() + timedelta(days=1))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = Client().get("/api/me", headers=bearer(raw))

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.urls("pharos.accounts.tests.probe_urls")
def test_a_statistician_token_is_refused_an_operation_on_personal_data(cast: testing.Cast) -> None:
    stats = testing.member(cast.org_a, "statistician", email="stats@a.example.org", two_factor=False)
    _token, raw = make_token(stats)
    _owner_token, owner_raw = make_token(cast.owner)

    assert Client().get("/api/persons-probe", headers=bearer(raw)).status_code == 403
    assert Client().get("/api/persons-probe", headers=bearer(owner_raw)).status_code == 200


def test_a_token_for_someone_elses_membership_is_refused(cast: testing.Cast) -> None:
    with pytest.raises(actions.TokenRefused):
        actions.token_create(
            actor=cast.owner, user=cast.owner, membership=cast.outsider.memberships.get(), name="x"
        )


def test_a_role_that_needs_two_factor_gets_no_token_without_it(cast: testing.Cast) -> None:
    newcomer = testing.member(cast.org_a, "case_worker", email="new@a.example.org", two_factor=False)

    with pytest.raises(actions.TokenRefused, match="two-factor"):
        make_token(newcomer)


# --- the page /me/tokens/ ---------------------------------------------------------------------
def signed_in_owner() -> Client:
    client = Client()
    sign_in(client, "owner@a.example.org")
    return client


def test_the_page_creates_a_token_and_shows_it_once(cast: testing.Cast) -> None:
    client = signed_in_owner()
    membership = cast.owner.memberships.get()

    response = client.post(
        "/me/tokens/", {"name": "nightly export", "membership": str(membership.public_id), "expires": "30"}
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=cast.owner)
    raw = response.context["raw_token"]
    assert token.token_hash == hash_token(raw)
    assert raw in response.content.decode()
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    again = client.get("/me/tokens/").content.decode()
    assert "nightly export" in again
    assert raw not in again
    assert token.hint in again


def test_the_page_offers_only_the_users_own_memberships(cast: testing.Cast) -> None:
    client = signed_in_owner()

    response = client.post(
        "/me/tokens/", {"name": "x", "membership": str(cast.outsider.memberships.get().public_id)}
    )

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_page_lists_only_the_users_own_tokens(cast: testing.Cast) -> None:
    make_token(cast.owner)
    outsider_token, _raw = make_token(cast.outsider)
    client = signed_in_owner()

    tokens = client.get("/me/tokens/").context["tokens"]

    assert [t.user for t in tokens] == [cast.owner]
    assert outsider_token.hint not in client.get("/me/tokens/").content.decode()


def test_revoking_from_the_page(cast: testing.Cast) -> None:
    token, raw = make_token(cast.owner)
    client = signed_in_owner()

    response = client.post(f"/me/tokens/{token.public_id}/revoke/")

    assert response.status_code == 302
    assert response["Location"] == "/me/tokens/"
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert Client().get("/api/me", headers=bearer(raw)).status_code == 401


def test_revoking_someone_elses_token_is_not_found(cast: testing.Cast) -> None:
    token, raw = make_token(cast.outsider)
    client = signed_in_owner()

    response = client.post(f"/me/tokens/{token.public_id}/revoke/")

    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert Client().get("/api/me", headers=bearer(raw)).status_code == 200

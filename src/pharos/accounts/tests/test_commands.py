"""``pharos user create`` and ``pharos token create|revoke|list`` as an administrator uses them."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from pharos import testing
from pharos.accounts.models import ApiToken, User, hash_token
from pharos.audit.models import AuditEvent
from pharos.tenancy.models import Membership

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_user_create_prints_a_password_that_signs_in(cast: testing.Cast) -> None:
    out, _err = run(
        "user", "create", "--email", "Stats@A.example.org", "--org", "org-a", "--role", "statistician"
    )

    password = out.split("Initial password (shown once): ")[1].split()[0]
    user = User.objects.get(email="stats@a.example.org")
    assert user.check_password(password)
    assert len(password) >= 20
    assert Membership.objects.get(user=user).role == "statistician"
    response = Client().post("/accounts/login/", {"login": "stats@a.example.org", "password": password})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert AuditEvent.objects.filter(action="accounts.user.created", target_id=str(user.public_id)).exists()
    assert AuditEvent.objects.filter(action="tenancy.membership.created").exists()
    assert password not in str(list(AuditEvent.objects.values("data")))


def test_user_create_for_an_existing_user_only_adds_the_membership(cast: testing.Cast) -> None:
    before = User.objects.get(pk=cast.owner.pk).password

    out, _err = run("user", "create", "--email", "owner@a.example.org", "--org", "org-b", "--role", "trainer")

    assert "password is unchanged" in out
    assert User.objects.get(pk=cast.owner.pk).password == before
    assert {m.organisation.code for m in cast.owner.memberships.all()} == {"org-a", "org-b"}


def test_user_create_for_an_unknown_organisation_fails(cast: testing.Cast) -> None:
    with pytest.raises(CommandError, match="No organisation"):
        run("user", "create", "--email", "x@example.org", "--org", "nope", "--role", "trainer")
    assert not User.objects.filter(email="x@example.org").exists()


def test_token_create_prints_a_working_token_once(cast: testing.Cast) -> None:
    out, err = run("token", "create", "--user", "owner@a.example.org", "--org", "org-a", "--name", "backup")

    raw = out.strip()
    assert raw.startswith("pht_")
    token = ApiToken.objects.get(token_hash=hash_token(raw))
    assert token.name == "backup"
    assert token.expires_at is None
    assert "shown only this once" in err
    response = Client().get("/api/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.json()["acting"]["organisation_code"] == "org-a"


def test_token_create_with_expiry(cast: testing.Cast) -> None:
    out, _err = run(
        "token", "create", "--user", "owner@a.example.org", "--org", "org-a", "--expires-days", "7"
    )

    assert ApiToken.objects.get(token_hash=hash_token(out.strip())).expires_at is not None


def test_token_create_refuses_an_organisation_the_user_is_not_in(cast: testing.Cast) -> None:
    with pytest.raises(CommandError, match="no active membership in organisation 'org-b'"):
        run("token", "create", "--user", "owner@a.example.org", "--org", "org-b")
    assert not ApiToken.objects.exists()


def test_token_create_asks_which_role_when_there_are_several(cast: testing.Cast) -> None:
    Membership.objects.create(user=cast.owner, organisation=cast.org_a, role="statistician")

    with pytest.raises(CommandError, match="--role"):
        run("token", "create", "--user", "owner@a.example.org", "--org", "org-a")
    out, _err = run(
        "token", "create", "--user", "owner@a.example.org", "--org", "org-a", "--role", "statistician"
    )

    assert ApiToken.objects.get(token_hash=hash_token(out.strip())).membership.role == "statistician"


def test_token_create_exits_with_1_and_a_message_on_the_command_line(
    cast: testing.Cast, capsys: pytest.CaptureFixture[str]
) -> None:
    from pharos.__main__ import main

    with pytest.raises(SystemExit) as exited:
        main(["pharos", "token", "create", "--user", "owner@a.example.org", "--org", "org-b"])

    assert exited.value.code == 1
    assert "owner@a.example.org has no active membership in organisation 'org-b'" in capsys.readouterr().err


def test_token_list_and_revoke_by_hint(cast: testing.Cast) -> None:
    out, _err = run("token", "create", "--user", "owner@a.example.org", "--org", "org-a", "--name", "nightly")
    raw = out.strip()
    token = ApiToken.objects.get(token_hash=hash_token(raw))

    listing, _err = run("token", "list", "--user", "owner@a.example.org")
    assert str(token.public_id) in listing
    assert "nightly" in listing
    assert "active" in listing
    assert raw not in listing

    out, _err = run("token", "revoke", token.hint)

    assert "Revoked" in out
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert Client().get("/api/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert "revoked" in run("token", "list", "--user", "owner@a.example.org")[0]


def test_token_revoke_by_id_and_unknown(cast: testing.Cast) -> None:
    run("token", "create", "--user", "owner@a.example.org", "--org", "org-a")
    token = ApiToken.objects.get()

    run("token", "revoke", str(token.public_id))

    assert ApiToken.objects.get().revoked_at is not None
    with pytest.raises(CommandError, match="No token matches"):
        run("token", "revoke", "pht_doesnotexist")

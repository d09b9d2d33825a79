"""Creating organisations and granting memberships (used by the demo data and the CLI)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from pharos import testing
from pharos.audit.models import AuditEvent
from pharos.tenancy.actions import TenancyError, membership_grant, organisation_create
from pharos.tenancy.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def test_organisation_create_checks_codes_and_is_audited() -> None:
    testing.country("MK")

    org = organisation_create(
        actor=None,
        code="mk-new",
        name="New NGO",
        country_code="mk",
        org_type="NGO",
        referral_roles=["service_provider", "identifying_body"],
    )

    assert org.country.code == "MK"
    assert org.referral_roles == ["service_provider", "identifying_body"]
    event = AuditEvent.objects.get(action="tenancy.organisation.created")
    assert event.organisation == org
    assert event.country_code == "MK"
    for wrong in (
        {"country_code": "ZZ"},
        {"org_type": "Club"},
        {"referral_roles": ["boss"]},
        {"code": "mk-new"},
    ):
        arguments = {"code": "mk-other", "name": "x", "country_code": "MK", "org_type": "NGO"} | wrong
        with pytest.raises(TenancyError):
            organisation_create(actor=None, **arguments)
    assert Organisation.objects.count() == 1


def test_membership_grant_is_idempotent_and_reactivates(cast: testing.Cast) -> None:
    user = testing.user("new@example.org")

    first = membership_grant(actor=cast.owner, user=user, organisation=cast.org_a, role="trainer")
    again = membership_grant(actor=cast.owner, user=user, organisation=cast.org_a, role="trainer")
    Membership.objects.filter(pk=first.pk).update(is_active=False)
    back = membership_grant(actor=cast.owner, user=user, organisation=cast.org_a, role="trainer")

    assert first.pk == again.pk == back.pk
    assert back.is_active
    actions = list(AuditEvent.objects.filter(target_id=str(first.public_id)).values_list("action", flat=True))
    assert actions == ["tenancy.membership.created", "tenancy.membership.changed"]
    with pytest.raises(TenancyError):
        membership_grant(actor=None, user=user, organisation=cast.org_a, role="king")


def test_org_create_command() -> None:
    testing.country("AL")
    out = io.StringIO()

    call_command(
        "org",
        "create",
        "--code",
        "al-new",
        "--name",
        "Tirana Help",
        "--country",
        "AL",
        "--type",
        "NGO",
        "--referral-role",
        "service_provider",
        stdout=out,
    )

    assert "Created al-new" in out.getvalue()
    assert Organisation.objects.get(code="al-new").referral_roles == ["service_provider"]
    with pytest.raises(CommandError, match="exists already"):
        call_command("org", "create", "--code", "al-new", "--name", "x", "--country", "AL", "--type", "NGO")

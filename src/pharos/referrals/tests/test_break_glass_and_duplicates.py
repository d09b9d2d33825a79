"""Break-the-glass access, the duplicate warning at registration, and consent in exports."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from pharos import testing
from pharos.audit.models import AuditEvent
from pharos.exports.actions import export_create
from pharos.persons.actions import person_change, person_register
from pharos.referrals import actions
from pharos.referrals.models import BreakGlassGrant, Notification, PossibleMatch
from pharos.referrals.tests.conftest import FIRST_NAME, SECRET_PLACE, acting

pytestmark = pytest.mark.django_db


@pytest.fixture
def police_b(world):
    return acting(testing.member(world.cast.org_b, "law_enforcement", email="police@b.example.org"))


# --- break the glass ------------------------------------------------------------------------------------------


def test_break_glass_opens_for_hours_audits_every_read_and_tells_the_owner(
    world, police_b, client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for(police_b)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("referrals:break_glass"),
            {"reference": world.case.reference, "reason": "Kidnapping in progress"},
        )
    grant = BreakGlassGrant.objects.unscoped("test").get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"{grant.public_id}/")
    assert datetime.timedelta(hours=3) < grant.expires_at - timezone.now() <= datetime.timedelta(hours=4)
    page = client.get(response["Location"]).content.decode()
    assert FIRST_NAME in page
    assert SECRET_PLACE in page
    client.get(response["Location"])
    reads = AuditEvent.objects.filter(action="referrals.break_glass.read")
    assert reads.count() == 2
    assert all(e.organisation_id == world.cast.org_a.pk for e in reads)
    opened = AuditEvent.objects.get(action="referrals.break_glass.opened")
    assert "Kidnapping" not in json.dumps(opened.data)
    # The owner is told: a notification on its page and an e-mail to its case workers.
    note = Notification.objects.unscoped("test").get(organisation=world.cast.org_a, kind="break_glass")
    assert note.case_id == world.case.pk
    inbox = client_for(world.cast.owner).get(reverse("referrals:notifications")).content.decode()
    assert world.case.reference in inbox
    assert "break-the-glass" in inbox
    assert len(mail.outbox) == 1
    assert "owner@a.example.org" in mail.outbox[0].to
    assert FIRST_NAME not in mail.outbox[0].body
    # The case's own pages stay closed to the breaker.
    assert client.get(reverse("cases:detail", args=[world.case.public_id])).status_code == 404


def test_break_glass_expires(world, police_b, client_for) -> None:
    grant = actions.break_glass_open(actor=police_b, case=world.case, reason="Child at risk")
    url = reverse("referrals:break_glass_case", args=[grant.public_id])
    client = client_for(police_b)
    assert client.get(url).status_code == 200
    BreakGlassGrant.objects.unscoped("test").filter(pk=grant.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get(url).status_code == 404
    assert client.get(f"/api/break-glass/{grant.public_id}").status_code == 404


def test_break_glass_needs_the_capability_and_a_reason(world, police_b, client_for) -> None:
    assert client_for(world.cast.outsider).get(reverse("referrals:break_glass")).status_code == 403
    with pytest.raises(actions.ReferralError):
        actions.break_glass_open(actor=world.cast.outsider, case=world.case, reason="x")
    with pytest.raises(actions.ReferralError):
        actions.break_glass_open(actor=police_b, case=world.case, reason="  ")
    api = client_for(police_b).post(
        "/api/break-glass",
        json.dumps({"case_reference": world.case.reference, "reason": ""}),
        content_type="application/json",
    )
    assert api.status_code == 422
    assert not BreakGlassGrant.objects.unscoped("test").exists()


def test_break_glass_in_the_api(world, police_b, client_for) -> None:
    body = client_for(police_b).post(
        "/api/break-glass",
        json.dumps({"case_reference": world.case.reference, "reason": "Trafficker at the door"}),
        content_type="application/json",
    )
    assert body.status_code == 201
    codes = [s["code"] for s in body.json()["sections"]]
    assert "identity" in codes
    assert "events" in codes
    grant = body.json()["public_id"]
    assert client_for(world.cast.outsider).get(f"/api/break-glass/{grant}").status_code == 403


# --- duplicate warning --------------------------------------------------------------------------------------------


def _register_in_b(client, first: str, second: str, born: str):
    return client.post(
        reverse("persons:create"),
        {"first_name": first, "second_name": second, "birth_date": born, "gender": "Feminine"},
    )


def test_a_transliterated_name_with_the_same_birth_date_warns_and_names_only_the_organisation(
    world, client_for
) -> None:
    person_register(
        actor=world.cast.owner,
        organisation=world.cast.org_a,
        first_name="Yuliya",
        second_name="Shevchenko",
        birth_date=datetime.date(1991, 7, 9),
    )
    client = client_for(world.cast.outsider)
    response = _register_in_b(client, "Iuliia", "Chevtchenko", "1991-07-09")
    assert response.status_code == 302
    assert "/matches/" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "A possible match is held by Organisation A" in page
    assert "Yuliya" not in page
    assert "MK-ORG-A" not in page
    match = PossibleMatch.objects.unscoped("test").get()
    assert not match.exact
    assert client.post(reverse("referrals:contact", args=[match.public_id])).status_code == 302
    note = Notification.objects.unscoped("test").get(organisation=world.cast.org_a, kind="contact_request")
    assert note.data["person_reference"] == match.other_person.reference
    inbox = client_for(world.cast.owner).get(reverse("referrals:notifications")).content.decode()
    assert match.other_person.reference in inbox
    assert "Iuliia" not in inbox
    assert AuditEvent.objects.filter(action="referrals.contact.requested").count() == 1
    # The contact is asked once; the other organisation cannot act on this match.
    assert (
        client_for(world.cast.owner).post(reverse("referrals:contact", args=[match.public_id])).status_code
        == 404
    )


def test_the_blind_index_finds_an_exact_match_and_a_different_person_does_not_warn(world, client_for) -> None:
    client = client_for(world.cast.outsider)
    response = _register_in_b(client, FIRST_NAME, "Zed", "1990-05-04")
    assert "/matches/" in response["Location"]
    assert PossibleMatch.objects.unscoped("test").get().exact
    other = _register_in_b(client, "Ana", "Petrovska", "1990-05-04")
    assert "/persons/" in other["Location"]
    assert "/matches/" not in other["Location"]


def test_a_match_inside_ones_own_organisation_is_not_a_warning(world, client_for) -> None:
    response = _register_in_b(client_for(world.cast.owner), FIRST_NAME, "Zed", "1990-05-04")
    assert "/matches/" not in response["Location"]


def test_match_keys_follow_a_change_of_birth_date(world) -> None:
    theirs = person_register(
        actor=world.cast.outsider, organisation=world.cast.org_b, first_name=FIRST_NAME, second_name="Zedd"
    )
    assert actions.duplicate_check(actor=world.cast.outsider, person=theirs) == []
    person_change(actor=world.cast.outsider, person=theirs, changes={"birth_date": datetime.date(1990, 5, 4)})
    found = actions.duplicate_check(actor=world.cast.outsider, person=theirs)
    assert [m.other_organisation_id for m in found] == [world.cast.org_a.pk]


def test_case_registration_with_a_new_person_warns_too(world, client_for) -> None:
    response = client_for(world.cast.outsider).post(
        reverse("cases:create"),
        {
            "person": "",
            "person-first_name": "Zed",
            "person-second_name": FIRST_NAME,
            "person-birth_date": "1990-05-04",
            "person-gender": "Feminine",
            "status": "PossibleVictim",
            "decision_org_type": "NGO",
            "decided_on": "2025-04-02",
            "registered_on": "2025-04-01",
        },
    )
    assert response.status_code == 302
    assert "/matches/" in response["Location"]


# --- exports respect consent to statistics -------------------------------------------------------------------------


def test_a_case_whose_person_withdrew_consent_to_statistics_is_in_no_export(world) -> None:
    def rows() -> int:
        return export_create(actor=world.cast.owner, fmt="htcds-csv", target=io.BytesIO()).rows

    assert rows() == 1
    actions.consent_record(
        actor=world.cast.owner,
        case=world.case,
        purpose="statistics",
        given=False,
        stated_on=datetime.date(2025, 3, 2),
    )
    assert rows() == 0
    actions.consent_record(
        actor=world.cast.owner,
        case=world.case,
        purpose="statistics",
        given=True,
        stated_on=datetime.date(2025, 3, 3),
    )
    assert rows() == 1


def test_the_command_builds_keys_for_persons_registered_without_them(world) -> None:
    from django.core.management import call_command

    from pharos.referrals.models import PersonMatchKey

    PersonMatchKey.objects.all().delete()
    theirs = person_register(
        actor=world.cast.outsider,
        organisation=world.cast.org_b,
        first_name=FIRST_NAME,
        second_name="Zed",
        birth_date=datetime.date(1990, 5, 4),
    )
    PersonMatchKey.objects.filter(person=theirs).delete()
    assert actions.duplicate_check(actor=world.cast.outsider, person=theirs)[0].exact  # blind index only
    PossibleMatch.objects.unscoped("test").all().delete()
    call_command("match_keys", stdout=io.StringIO())
    assert PersonMatchKey.objects.filter(person=world.person).exists()
    assert PersonMatchKey.objects.filter(person=theirs).exists()


def test_erasing_the_person_erases_their_keys_matches_and_referral_text(world) -> None:
    from pharos.persons.actions import person_erase
    from pharos.referrals.models import PersonMatchKey, Referral
    from pharos.referrals.tests.conftest import sent

    referral = sent(world)
    theirs = person_register(
        actor=world.cast.outsider,
        organisation=world.cast.org_b,
        first_name=FIRST_NAME,
        second_name="Zed",
        birth_date=datetime.date(1990, 5, 4),
    )
    assert actions.duplicate_check(actor=world.cast.outsider, person=theirs)
    person_erase(actor=world.cast.owner, person=world.person)
    assert not PersonMatchKey.objects.filter(person=world.person).exists()
    assert not PossibleMatch.objects.unscoped("test").exists()
    assert Referral.objects.unscoped("test").get(pk=referral.pk).message is None

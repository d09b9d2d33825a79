"""Consent per purpose and referrals between organisations: who sees what, and when it stops."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse

from pharos.audit.models import AuditEvent
from pharos.referrals import actions, queries, sections
from pharos.referrals.models import ConsentOverride, Notification, Referral, State
from pharos.referrals.tests.conftest import FIRST_NAME, SECRET_PLACE, consent_to_refer, draft, sent

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 3, 2)


def send(client, url: str, body: dict | None = None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


# --- consent ---------------------------------------------------------------------------------------------


def test_the_latest_word_on_consent_counts_and_an_override_needs_to_come_after_it(world) -> None:
    case, owner = world.case, world.cast.owner
    assert queries.consent_check(case, "statistics").basis == "missing"
    actions.consent_record(actor=owner, case=case, purpose="statistics", given=True, stated_on=DAY)
    assert queries.consent_check(case, "statistics")
    actions.consent_record(actor=owner, case=case, purpose="statistics", given=False, stated_on=DAY)
    assert queries.consent_check(case, "statistics").basis == "withdrawn"
    actions.consent_override(
        actor=world.supervisor, case=case, purpose="statistics", reason="Threat by the exploiter"
    )
    assert queries.consent_check(case, "statistics").basis == "override"
    actions.consent_record(actor=owner, case=case, purpose="statistics", given=False, stated_on=DAY)
    assert not queries.consent_check(case, "statistics")


def test_sharing_is_consented_per_named_organisation(world) -> None:
    b, c = world.cast.org_b, world.org_c
    actions.consent_record(
        actor=world.cast.owner, case=world.case, purpose="sharing", given=True, stated_on=DAY, recipient=b
    )
    assert queries.consent_check(world.case, "sharing", b)
    assert not queries.consent_check(world.case, "sharing", c)
    assert not queries.consent_check(world.case, "sharing")
    with pytest.raises(actions.ReferralError):
        actions.consent_record(
            actor=world.cast.owner, case=world.case, purpose="sharing", given=True, stated_on=DAY
        )


def test_consent_page_records_and_keeps_the_history(world, client_for) -> None:
    client = client_for(world.cast.owner)
    url = reverse("referrals:consent", args=[world.case.public_id])
    for given in ("yes", "no"):
        response = client.post(url, {"purpose": "research", "given": given, "stated_on": "2025-03-02"})
        assert response.status_code == 302
    page = client.get(url).content.decode()
    assert page.count("Research") >= 3  # the current row and both statements of the history
    assert "Withdrawn" in page
    assert not queries.consent_check(world.case, "research")


def test_reading_consent_and_a_referral_is_audited(world, client_for) -> None:
    referral = sent(world)
    client = client_for(world.cast.owner)
    client.get(reverse("referrals:consent", args=[world.case.public_id]))
    client.get(reverse("referrals:detail", args=[referral.public_id]))
    assert AuditEvent.objects.filter(action="referrals.consent.viewed").count() == 1
    assert AuditEvent.objects.filter(action="referrals.referral.viewed").count() == 1


def test_the_referral_lists_cost_the_same_queries_for_one_or_many(world, client_for) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sent(world)
    client = client_for(world.cast.outsider)
    url = reverse("referrals:incoming")

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries_run:
            assert client.get(url).status_code == 200
        return len(queries_run)

    cost()  # the first page of a session also stores the acting organisation in it
    one = cost()
    for _ in range(5):
        actions.referral_send(actor=world.cast.owner, referral=draft(world))
    assert cost() == one


def test_consent_of_a_case_is_hidden_from_other_organisations(world, client_for) -> None:
    url = reverse("referrals:consent", args=[world.case.public_id])
    assert client_for(world.cast.outsider).get(url).status_code == 404
    api = client_for(world.cast.outsider).get(f"/api/cases/{world.case.public_id}/consents")
    assert api.status_code == 404


# --- sending and overriding ----------------------------------------------------------------------------------


def test_a_referral_is_not_sent_without_consent_to_refer_and_to_share_with_the_receiver(world) -> None:
    referral = draft(world)
    with pytest.raises(actions.ReferralError, match="not consented"):
        actions.referral_send(actor=world.cast.owner, referral=referral)
    consent_to_refer(world, recipient=world.org_c)  # consent to share with C, not with B
    with pytest.raises(actions.ReferralError):
        actions.referral_send(actor=world.cast.owner, referral=referral)
    consent_to_refer(world)
    actions.referral_send(actor=world.cast.owner, referral=referral)
    referral.refresh_from_db()
    assert referral.state == State.SENT
    assert (
        Notification.objects.unscoped("test")
        .filter(organisation=world.cast.org_b, referral=referral)
        .exists()
    )


def test_override_needs_the_capability_and_a_reason_and_shows_on_the_case(world, client_for) -> None:
    referral = draft(world)
    with pytest.raises(actions.ReferralError, match="role"):
        actions.referral_send(actor=world.cast.owner, referral=referral, override_reason="Risk to life")
    with pytest.raises(actions.ReferralError):
        actions.referral_send(actor=world.supervisor, referral=referral, override_reason="   ")
    assert not ConsentOverride.objects.unscoped("test").exists()
    actions.referral_send(
        actor=world.supervisor, referral=referral, override_reason="Exploiter is looking for her"
    )
    referral.refresh_from_db()
    assert referral.state == State.SENT
    assert referral.consent_overridden
    assert ConsentOverride.objects.unscoped("test").filter(case=world.case).count() == 2
    event = AuditEvent.objects.filter(action="referrals.consent.overridden").first()
    assert event is not None
    assert "Exploiter" not in json.dumps(event.data)
    case_page = client_for(world.cast.owner).get(reverse("cases:detail", args=[world.case.public_id]))
    assert "overridden" in case_page.content.decode()
    consent_page = client_for(world.cast.owner).get(reverse("referrals:consent", args=[world.case.public_id]))
    assert "Exploiter is looking for her" in consent_page.content.decode()


# --- consent withdrawal --------------------------------------------------------------------------------------


def test_consent_withdrawal_blocks_a_pending_share(world, client_for) -> None:
    pending = sent(world, ("identity",))
    in_draft = draft(world)
    receiver = client_for(world.cast.outsider)
    url = reverse("referrals:detail", args=[pending.public_id])
    assert FIRST_NAME in receiver.get(url).content.decode()
    actions.consent_record(
        actor=world.cast.owner,
        case=world.case,
        purpose="sharing",
        given=False,
        stated_on=DAY,
        recipient=world.cast.org_b,
    )
    for referral in (pending, in_draft):
        referral.refresh_from_db()
        assert referral.state == State.REVOKED
    assert FIRST_NAME not in receiver.get(url).content.decode()
    assert receiver.get(f"/api/referrals/{pending.public_id}/disclosed").json()["sections"] == []
    with pytest.raises(actions.ReferralError):
        actions.referral_accept(actor=world.cast.outsider, referral=pending)
    assert AuditEvent.objects.filter(action="referrals.referral.blocked").count() == 2


def test_withdrawal_after_acceptance_hides_the_disclosed_sections(world, client_for) -> None:
    referral = sent(world)
    actions.referral_accept(actor=world.cast.outsider, referral=referral)
    actions.consent_record(
        actor=world.cast.owner, case=world.case, purpose="referral", given=False, stated_on=DAY
    )
    page = client_for(world.cast.outsider).get(reverse("referrals:detail", args=[referral.public_id]))
    assert FIRST_NAME not in page.content.decode()


# --- what the receiver sees ----------------------------------------------------------------------------------


def test_the_receiver_sees_only_the_disclosed_sections_on_the_page(world, client_for) -> None:
    referral = sent(world, ("identity",))
    receiver = client_for(world.cast.outsider)
    page = receiver.get(reverse("referrals:detail", args=[referral.public_id])).content.decode()
    assert FIRST_NAME in page
    assert 'data-section="identity"' in page
    for hidden in (SECRET_PLACE, world.case.reference, 'data-section="events"', 'data-section="status"'):
        assert hidden not in page
    seen = AuditEvent.objects.get(action="referrals.referral.disclosed_viewed")
    assert seen.target_id == str(world.case.public_id)
    assert seen.data["sections"] == ["identity"]


def test_the_receiver_sees_more_only_when_more_was_chosen(world, client_for) -> None:
    referral = sent(world, ("identity", "events"))
    page = client_for(world.cast.outsider).get(reverse("referrals:detail", args=[referral.public_id]))
    assert SECRET_PLACE in page.content.decode()


def test_the_receiver_still_gets_404_on_every_case_url(world, client_for) -> None:
    sent(world, ("identity", "events", "status"))
    receiver = client_for(world.cast.outsider)
    public_id = world.case.public_id
    for name in ("cases:detail", "cases:edit", "cases:history", "referrals:consent", "referrals:create"):
        status = receiver.get(reverse(name, args=[public_id])).status_code
        assert status == 404, name
    assert receiver.get(f"/api/cases/{public_id}").status_code == 404
    assert receiver.get(f"/api/cases/{public_id}/consents").status_code == 404


def test_the_receiver_sees_only_the_disclosed_sections_in_the_api(world, client_for) -> None:
    referral = sent(world, ("identity",))
    receiver = client_for(world.cast.outsider)
    body = receiver.get(f"/api/referrals/{referral.public_id}/disclosed").json()
    assert [s["code"] for s in body["sections"]] == ["identity"]
    assert body["sections"][0]["blocks"][0]["fields"]["first_name"] == FIRST_NAME
    assert SECRET_PLACE not in json.dumps(body)
    assert world.case.reference not in json.dumps(body)
    meta = receiver.get(f"/api/referrals/{referral.public_id}").json()
    assert meta["case"] is None
    assert meta["state"] == "sent"
    listed = receiver.get("/api/referrals", {"direction": "incoming"}).json()
    assert listed["count"] == 1
    assert listed["items"][0]["case"] is None


def test_a_stranger_to_the_referral_gets_404(world, client_for) -> None:
    referral = sent(world)
    stranger = client_for(world.stranger)
    assert stranger.get(reverse("referrals:detail", args=[referral.public_id])).status_code == 404
    assert stranger.get(f"/api/referrals/{referral.public_id}").status_code == 404
    assert stranger.get(f"/api/referrals/{referral.public_id}/disclosed").status_code == 404
    assert send(stranger, f"/api/referrals/{referral.public_id}/accept").status_code == 404
    assert stranger.get("/api/referrals", {"direction": "incoming"}).json()["count"] == 0


def test_a_draft_is_invisible_to_the_receiver(world, client_for) -> None:
    referral = draft(world)
    assert (
        client_for(world.cast.outsider)
        .get(reverse("referrals:detail", args=[referral.public_id]))
        .status_code
        == 404
    )


# --- the state machine ----------------------------------------------------------------------------------------


def test_accept_then_complete_with_feedback_ends_the_disclosure(world, client_for) -> None:
    referral = sent(world)
    receiver = client_for(world.cast.outsider)
    assert (
        receiver.post(reverse("referrals:accept", args=[referral.public_id]), {"text": "Bed 4"}).status_code
        == 302
    )
    done = send(
        receiver, f"/api/referrals/{referral.public_id}/complete", {"text": "Moved to long-term care"}
    )
    assert done.status_code == 200
    assert done.json()["state"] == "completed"
    referral.refresh_from_db()
    assert referral.feedback == "Moved to long-term care"
    assert (
        FIRST_NAME
        not in receiver.get(reverse("referrals:detail", args=[referral.public_id])).content.decode()
    )
    states = [e.to_state for e in queries.events_of(referral)]
    assert states == ["draft", "sent", "accepted", "completed"]
    from pharos.casework.models import TimelineEntry

    kinds = set(TimelineEntry.objects.unscoped("test").filter(case=world.case).values_list("kind", flat=True))
    assert {"referrals.referral.sent", "referrals.referral.completed", "referrals.consent.given"} <= kinds


def test_the_persons_export_holds_consent_and_referrals(world) -> None:
    from pharos.referrals import hooks

    sent(world)
    exported = hooks.person_export(world.person, [world.case])
    assert {item["type"] for item in exported} == {"consent", "referral"}
    assert any(item.get("message") == "Needs a shelter bed tonight" for item in exported)


def test_each_side_may_only_do_its_own_steps(world, client_for) -> None:
    referral = sent(world)
    with pytest.raises(actions.ReferralError):
        actions.referral_accept(actor=world.cast.owner, referral=referral)
    with pytest.raises(actions.ReferralError):
        actions.referral_revoke(actor=world.cast.outsider, referral=referral)
    # The receiver's role has referrals.send, but the referral is not its own to revoke: 404.
    assert (
        send(client_for(world.cast.outsider), f"/api/referrals/{referral.public_id}/revoke").status_code
        == 404
    )
    with pytest.raises(actions.ReferralError, match="why"):
        actions.referral_decline(actor=world.cast.outsider, referral=referral, reason="")
    actions.referral_decline(actor=world.cast.outsider, referral=referral, reason="No bed free")
    again = send(client_for(world.cast.outsider), f"/api/referrals/{referral.public_id}/accept")
    assert again.status_code == 409


def test_the_sender_revokes_and_the_receiver_loses_access(world, client_for) -> None:
    referral = sent(world)
    response = client_for(world.cast.owner).post(
        reverse("referrals:revoke", args=[referral.public_id]), {"text": "Found another place"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == State.REVOKED
    assert (
        client_for(world.cast.outsider)
        .get(f"/api/referrals/{referral.public_id}/disclosed")
        .json()["sections"]
        == []
    )


def test_create_and_send_from_the_case_page(world, client_for) -> None:
    consent_to_refer(world)
    client = client_for(world.cast.owner)
    case_page = client.get(reverse("cases:detail", args=[world.case.public_id])).content.decode()
    create_url = reverse("referrals:create", args=[world.case.public_id])
    assert create_url in case_page
    response = client.post(
        create_url,
        {
            "recipient": world.cast.org_b.pk,
            "sections": ["identity", "status"],
            "respond_by": "2025-03-03",
            "send": "1",
        },
    )
    referral = Referral.objects.unscoped("test").get()
    assert response.status_code == 302
    assert referral.state == State.SENT
    assert referral.sections == ["identity", "status"]


def test_overdue_referrals_are_flagged_and_filtered(world, client_for) -> None:
    late = sent(world, respond_by=datetime.date(2020, 1, 1))
    client = client_for(world.cast.outsider)
    page = client.get(reverse("referrals:incoming"), {"overdue": "on"}).content.decode()
    assert str(late.public_id) in page
    assert "Overdue" in page
    assert client.get("/api/referrals", {"overdue": True}).json()["count"] == 1
    actions.referral_accept(actor=world.cast.outsider, referral=late)
    assert client.get("/api/referrals", {"overdue": True}).json()["count"] == 0


def test_the_api_creates_and_sends_with_consent(world, client_for) -> None:
    client = client_for(world.cast.owner)
    base = f"/api/cases/{world.case.public_id}"
    for purpose, recipient in (("referral", None), ("sharing", "org-b")):
        made = send(
            client,
            f"{base}/consents",
            {"purpose": purpose, "recipient": recipient, "stated_on": "2025-03-02"},
        )
        assert made.status_code == 201
    created = send(client, f"{base}/referrals", {"recipient": "org-b", "sections": ["identity"]})
    assert created.status_code == 201
    public_id = created.json()["public_id"]
    withdrawn = send(client, f"{base}/consents/withdraw", {"purpose": "referral", "stated_on": "2025-03-03"})
    assert withdrawn.status_code == 201
    assert client.get(f"/api/referrals/{public_id}").json()["state"] == "revoked"
    current = {c["purpose"]: c["basis"] for c in client.get(f"{base}/consents").json()["current"]}
    assert current["referral"] == "withdrawn"


def test_unknown_sections_are_refused_and_the_registry_takes_new_ones(world) -> None:
    with pytest.raises(actions.ReferralError):
        draft(world, ("no-such-section",))
    section = sections.Section(
        "matrix-test", "Test section", lambda case: [sections.Block("x", [("k", "K", "v")])]
    )
    sections.register(section)
    try:
        assert "matrix-test" in dict(sections.choices())
        with pytest.raises(ValueError, match="already registered"):
            sections.register(sections.Section("matrix-test", "Other", lambda case: []))
    finally:
        sections._SECTIONS.pop("matrix-test")


def test_the_api_schema_describes_every_referral_operation() -> None:
    from ninja import NinjaAPI

    from pharos.referrals.api import router

    api = NinjaAPI(urls_namespace="referrals-schema-test")
    api.add_router("/", router)
    paths = api.get_openapi_schema(path_prefix="/api/")["paths"]
    operations = {(method, path) for path, ops in paths.items() for method in ops}
    assert ("get", "/api/referrals/{public_id}/disclosed") in operations
    assert ("post", "/api/cases/{public_id}/consents/withdraw") in operations
    assert len(operations) == 14

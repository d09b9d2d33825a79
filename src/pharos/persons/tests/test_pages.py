"""The persons pages: who may do what, what is recorded, and what a person sees when input is wrong."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from pharos import testing
from pharos.audit import chain
from pharos.audit.models import AuditEvent
from pharos.persons.actions import person_register
from pharos.persons.models import Person, PersonNameKey

pytestmark = pytest.mark.django_db

NAMES = ("Quokkarina", "Zyxwaldovska")


def register(cast, **fields) -> Person:
    values = {"first_name": NAMES[0], "second_name": NAMES[1], **fields}
    return person_register(actor=cast.owner, organisation=cast.org_a, **values)


def events(action: str, person: Person | None = None):
    found = AuditEvent.objects.filter(action=action)
    if person is not None:
        found = found.filter(target_id=str(person.public_id))
    return found


def form_data(**overrides) -> dict:
    data = {
        "first_name": "Ana Maria",
        "second_name": "Petrovska",
        "aliases": "Ani\nAnka",
        "birth_date": "1999-04-12",
        "gender": "Feminine",
        "citizenships": ["MK"],
        "identity_number": "MK-998877",
        "contact": "+389 70 111 222",
        "narrative": "Met at the border crossing.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# -- owner: register, see, change ---------------------------------------------------------
def test_owner_registers_sees_and_changes_a_person(cast, client_for) -> None:
    client = client_for(cast.owner)
    response = client.post(reverse("persons:create"), form_data())
    person = Person.objects.unscoped("test").get()
    assert response.status_code == 302
    assert response["Location"] == reverse("persons:detail", args=[person.public_id])
    assert person.organisation == cast.org_a
    assert person.created_by == cast.owner
    assert person.aliases == ["Ani", "Anka"]
    assert person.citizenships == ["MK"]

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Ana Maria Petrovska" in page.content.decode()
    assert person.reference in page.content.decode()

    edit = client.get(reverse("persons:edit", args=[person.public_id]))
    assert edit.status_code == 200
    assert "Petrovska" in edit.content.decode()
    response = client.post(
        reverse("persons:edit", args=[person.public_id]), form_data(second_name="Petrovski")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.second_name == "Petrovski"
    changed = events("persons.person.changed", person).get()
    assert changed.data["changed"] == ["second_name"]
    assert "Petrovsk" not in str(changed.data)


def test_registration_needs_as_little_as_an_alias(cast, client_for) -> None:
    response = client_for(cast.owner).post(
        reverse("persons:create"), {"aliases": "Lina", "gender": "Feminine"}
    )
    assert response.status_code == 302
    person = Person.objects.unscoped("test").get()
    assert person.aliases == ["Lina"]
    assert person.first_name is None
    assert person.display_name == "Lina"


def test_references_count_per_organisation_and_year(cast) -> None:
    year = timezone.localdate().year
    first, second = register(cast), register(cast)
    other = person_register(actor=cast.outsider, organisation=cast.org_b, aliases=["X"])
    assert first.reference == f"MK-ORG-A-{year}-00001"
    assert second.reference == f"MK-ORG-A-{year}-00002"
    assert other.reference == f"AL-ORG-B-{year}-00001"


# -- who may not --------------------------------------------------------------------------
def test_outsider_gets_404_for_another_organisations_person(cast, client_for) -> None:
    person = register(cast)
    client = client_for(cast.outsider)
    for name in ("persons:detail", "persons:edit", "persons:history"):
        assert client.get(reverse(name, args=[person.public_id])).status_code == 404, name
    assert client.post(reverse("persons:edit", args=[person.public_id]), form_data()).status_code == 404
    # A national coordinator of B may erase B's persons, not A's: same 404 as for a missing one.
    admin_b = testing.member(cast.org_b, "national_coordinator")
    admin_client = client_for(admin_b)
    url = reverse("persons:erase", args=[person.public_id])
    assert admin_client.get(url).status_code == 404
    assert admin_client.post(url, {"reference": person.reference}).status_code == 404
    person.refresh_from_db()
    assert person.first_name == NAMES[0]
    assert person.erased_at is None

    listing = client.get(reverse("persons:list")).content.decode()
    assert person.reference not in listing
    assert NAMES[0] not in listing
    searched = client.post(reverse("persons:list"), {"q": " ".join(NAMES)}).content.decode()
    assert person.reference not in searched
    assert "No person matches" in searched
    assert not events("persons.person.viewed", person).exists()


def test_member_without_persons_view_gets_403(client_for) -> None:
    cast = testing.cast(member_role="statistician")
    person = register(cast)
    client = client_for(cast.member)
    assert client.get(reverse("persons:list")).status_code == 403
    assert client.get(reverse("persons:create")).status_code == 403
    for name in ("persons:detail", "persons:edit", "persons:history", "persons:erase"):
        assert client.get(reverse(name, args=[person.public_id])).status_code == 403, name
    assert "Zyx" not in client.get(reverse("persons:detail", args=[person.public_id])).content.decode()


# -- audit --------------------------------------------------------------------------------
def test_every_detail_view_is_recorded_without_plaintext(cast, client_for) -> None:
    person = register(
        cast, aliases=["Quokkalias"], birth_date=datetime.date(1991, 2, 3), identity_number="QQ4455"
    )
    client = client_for(cast.owner)
    for _ in range(2):
        assert client.get(reverse("persons:detail", args=[person.public_id])).status_code == 200
    viewed = list(events("persons.person.viewed", person))
    assert len(viewed) == 2
    assert {e.actor for e in viewed} == {cast.owner}
    assert {e.organisation for e in viewed} == {cast.org_a}
    for event in AuditEvent.objects.all():
        text = str(event.data) + event.actor_label + event.target_id
        for secret in (*NAMES, "Quokkalias", "1991-02-03", "QQ4455"):
            assert secret not in text


def test_list_records_every_person_shown(cast, client_for) -> None:
    people = [register(cast) for _ in range(3)]
    response = client_for(cast.owner).get(reverse("persons:list"))
    assert response.status_code == 200
    listed = events("persons.person.listed")
    assert sorted(e.target_id for e in listed) == sorted(str(p.public_id) for p in people)


def test_list_page_query_count_is_pinned(cast, client_for, django_assert_max_num_queries) -> None:
    client = client_for(cast.owner)
    register(cast)
    client.get(reverse("persons:list"))  # warm the session and the acting membership
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("persons:list")).status_code == 200
    for _ in range(20):
        register(cast, aliases=["More"])
    with django_assert_max_num_queries(20) as many:
        client.get(reverse("persons:list"))
    assert len(many) == len(few)
    assert events("persons.person.listed").count() == 1 + 1 + 21  # warm-up, first, second page load


def test_history_shows_who_viewed_and_is_itself_recorded(cast, client_for) -> None:
    person = register(cast)
    client = client_for(cast.owner)
    client.get(reverse("persons:detail", args=[person.public_id]))
    response = client.get(reverse("persons:history", args=[person.public_id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "owner@a.example.org" in page
    assert "A person record was viewed" in page
    assert events("persons.person.history_viewed", person).count() == 1


# -- search -------------------------------------------------------------------------------
def test_search_is_exact_but_forgiving_on_case_spacing_and_accents(cast, client_for) -> None:
    wanted = register(
        cast, first_name="Ána María", second_name="Petrovska", aliases=["Ani"], identity_number="MK-1"
    )
    register(cast, first_name="Ana", second_name="Petrova")
    client = client_for(cast.owner)

    def found(q: str) -> bool:
        response = client.post(reverse("persons:list"), {"q": q})
        assert response.status_code == 200
        return wanted.reference in response.content.decode()

    assert found("ana  MARIA petrovska")
    assert found("Petrovska Ana Maria")
    assert found("ANI")
    assert found("mk-1")
    assert found(wanted.reference.lower())
    assert found(wanted.reference.split("-", 3)[3])  # the year and number alone
    assert not found("Ana")
    assert not found("Petrovsk")


# -- bad input ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"birth_date": "2999-01-01"}, "cannot be in the future"),
        ({"birth_date": "1850-05-05"}, "cannot be before 1900"),
        ({"birth_date": "1999-02-30"}, "Enter a valid date"),
        ({"citizenships": ["ZZ"]}, "Select a valid choice"),
        (
            {"first_name": "", "second_name": "", "aliases": "  \n "},
            "at least a first name, a family name or an alias",
        ),
        ({"gender": "Other"}, "Select a valid choice"),
    ],
)
def test_bad_input_changes_nothing_and_says_what_is_wrong(cast, client_for, overrides, message) -> None:
    client = client_for(cast.owner)
    response = client.post(reverse("persons:create"), form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not Person.objects.unscoped("test").exists()

    person = register(cast)
    response = client.post(reverse("persons:edit", args=[person.public_id]), form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    fresh = Person.objects.unscoped("test").get(pk=person.pk)
    assert (fresh.first_name, fresh.second_name, fresh.birth_date) == (NAMES[0], NAMES[1], None)
    assert not events("persons.person.changed").exists()


# -- erasure ------------------------------------------------------------------------------
def test_erasure_removes_identifiers_and_redacts_the_audit_data(cast, client_for) -> None:
    person = register(
        cast,
        aliases=["Quokkalias"],
        birth_date=datetime.date(1991, 2, 3),
        identity_number="QQ4455",
        contact="+389 1",
        narrative="story",
        gender="Feminine",
        citizenships=["MK", "AL"],
    )
    client_for(cast.owner).get(reverse("persons:detail", args=[person.public_id]))
    before = set(AuditEvent.objects.filter(target_id=str(person.public_id)).values_list("seq", flat=True))
    admin = testing.member(cast.org_a, "national_coordinator")
    client = client_for(admin)
    url = reverse("persons:erase", args=[person.public_id])

    page = client.get(url)
    assert page.status_code == 200
    assert person.reference in page.content.decode()
    assert NAMES[0] not in page.content.decode()
    wrong = client.post(url, {"reference": "MK-NOPE"})
    assert wrong.status_code == 200
    assert "This is not the reference" in wrong.content.decode()
    assert Person.objects.unscoped("test").get(pk=person.pk).erased_at is None

    response = client.post(url, {"reference": person.reference.lower()})
    assert response.status_code == 302
    fresh = Person.objects.unscoped("test").get(pk=person.pk)
    assert fresh.erased_at is not None
    assert all(getattr(fresh, name) is None for name in Person.PERSONAL_FIELDS)
    assert fresh.name_index == ""
    assert fresh.identity_index == ""
    assert not PersonNameKey.objects.filter(person=fresh).exists()
    assert (fresh.gender, fresh.citizenships, fresh.reference) == ("Feminine", ["MK", "AL"], person.reference)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT first_name, aliases, birth_date, narrative FROM persons_person WHERE id = %s", [person.pk]
        )
        assert cursor.fetchone() == (None, None, None, None)

    # Every earlier event about the person is still there, its data blanked.
    kept = AuditEvent.objects.filter(seq__in=before)
    assert set(kept.values_list("seq", flat=True)) == before
    assert all(e.data == chain.REDACTED and e.redacted_at is not None for e in kept)
    erased = events("persons.person.erased", person).get()
    assert erased.redacted_at is None
    assert erased.actor == admin
    assert sorted(erased.data["fields"]) == sorted(
        ["first_name", "second_name", "aliases", "birth_date", "identity_number", "contact", "narrative"]
    )
    assert chain.verify_all().broken is None

    # The owner still sees the record, without identifiers; it cannot be changed or found by name.
    owner = client_for(cast.owner)
    detail = owner.get(reverse("persons:detail", args=[person.public_id])).content.decode()
    assert "[erased]" in detail
    assert NAMES[0] not in detail
    assert owner.get(reverse("persons:edit", args=[person.public_id])).status_code == 302
    assert (
        person.reference not in owner.post(reverse("persons:list"), {"q": " ".join(NAMES)}).content.decode()
    )
    assert "was erased" in client.post(url, {"reference": person.reference}).content.decode()

"""Encrypted fields and the blind index: what the database holds, and what fails loudly."""

from __future__ import annotations

import base64
import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast

from pharos.persons.actions import person_register
from pharos.persons.models import Person
from pharos.privacy import cipher, keys
from pharos.privacy.models import EncryptedAttachment

KEY_A = "ka:" + base64.urlsafe_b64encode(b"\x0a" * 32).decode()
KEY_B = "kb:" + base64.urlsafe_b64encode(b"\x0b" * 32).decode()
BLIND_1 = base64.urlsafe_b64encode(b"\x21" * 32).decode()
BLIND_2 = base64.urlsafe_b64encode(b"\x22" * 32).decode()


@pytest.fixture
def use_keys(settings):
    """Set PHAROS_FIELD_KEYS (newest first) for the rest of the test."""

    def use(*entries: str) -> None:
        settings.PHAROS_FIELD_KEYS = list(entries)
        keys.reset_cache()

    yield use
    keys.reset_cache()


def raw_column(model, pk, column: str) -> str | None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE id = %s', [pk])
        return cursor.fetchone()[0]


def test_round_trip_and_format(use_keys) -> None:
    use_keys(KEY_A)
    token = cipher.encrypt("Ana María".encode(), context="persons.person.first_name")
    assert token.startswith("pX1.ka.")
    assert cipher.key_id_of(token) == "ka"
    assert cipher.decrypt(token, context="persons.person.first_name").decode() == "Ana María"
    # A fresh nonce each time: equal names do not give equal ciphertexts.
    assert token != cipher.encrypt("Ana María".encode(), context="persons.person.first_name")


@pytest.mark.django_db
def test_model_fields_store_ciphertext_and_read_back_plain_values(cast) -> None:
    person = person_register(
        actor=cast.owner,
        organisation=cast.org_a,
        first_name="Ana",
        second_name="Petrovska",
        aliases=["Ani", "Анa"],
        birth_date=datetime.date(1999, 4, 12),
        identity_number="MK123",
    )
    stored = raw_column(Person, person.pk, "first_name")
    assert stored.startswith("pX1.t1.")
    assert "Ana" not in stored
    assert raw_column(Person, person.pk, "birth_date").startswith("pX1.")
    fresh = Person.objects.unscoped("test").get(pk=person.pk)
    assert (fresh.first_name, fresh.second_name) == ("Ana", "Petrovska")
    assert fresh.aliases == ["Ani", "Анa"]
    assert fresh.birth_date == datetime.date(1999, 4, 12)
    assert fresh.contact is None
    assert raw_column(Person, person.pk, "contact") is None


def test_tampered_ciphertext_fails_authentication(use_keys) -> None:
    use_keys(KEY_A)
    token = cipher.encrypt(b"Ana", context="persons.person.first_name")
    head, body = token.rsplit(".", 1)
    flipped = body[:10] + ("A" if body[10] != "A" else "B") + body[11:]
    with pytest.raises(cipher.DecryptionError):
        cipher.decrypt(f"{head}.{flipped}", context="persons.person.first_name")
    with pytest.raises(cipher.DecryptionError):
        cipher.decrypt(f"{head}.{body[:20]}", context="persons.person.first_name")
    with pytest.raises(cipher.DecryptionError):
        cipher.decrypt("Ana", context="persons.person.first_name")


def test_changing_the_key_id_in_the_header_fails(use_keys) -> None:
    use_keys(KEY_A, KEY_B)
    token = cipher.encrypt(b"Ana", context="persons.person.first_name")
    with pytest.raises(cipher.DecryptionError):
        cipher.decrypt(token.replace("pX1.ka.", "pX1.kb.", 1), context="persons.person.first_name")


@pytest.mark.django_db
def test_value_moved_to_another_column_does_not_decrypt(cast) -> None:
    person = person_register(
        actor=cast.owner, organisation=cast.org_a, first_name="Ana", second_name="Petrovska"
    )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE persons_person SET second_name = first_name WHERE id = %s", [person.pk])
    with pytest.raises(cipher.DecryptionError):
        Person.objects.unscoped("test").get(pk=person.pk)


@pytest.mark.django_db
def test_value_moved_to_another_model_does_not_decrypt(cast) -> None:
    person = person_register(actor=cast.owner, organisation=cast.org_a, first_name="Ana")
    attachment = EncryptedAttachment.objects.create(file_name="scan.pdf", content_type="application/pdf")
    token = raw_column(Person, person.pk, "first_name")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE privacy_encryptedattachment SET file_name = %s WHERE id = %s", [token, attachment.pk]
        )
    with pytest.raises(cipher.DecryptionError):
        EncryptedAttachment.objects.get(pk=attachment.pk)


def test_unknown_key_id_fails_loudly(use_keys) -> None:
    use_keys(KEY_A)
    token = cipher.encrypt(b"Ana", context="persons.person.first_name")
    use_keys(KEY_B)
    with pytest.raises(keys.UnknownKeyError, match="'ka'"):
        cipher.decrypt(token, context="persons.person.first_name")


@pytest.mark.django_db
def test_filters_on_encrypted_fields_raise_type_error() -> None:
    people = Person.objects.unscoped("test")
    with pytest.raises(TypeError, match="blind index"):
        list(people.filter(first_name="Ana"))
    with pytest.raises(TypeError):
        list(people.filter(first_name__icontains="an"))
    with pytest.raises(TypeError):
        list(people.filter(birth_date__year=1999))
    with pytest.raises(TypeError):
        list(people.filter(second_name__in=["Petrovska"]))
    with pytest.raises(TypeError):
        list(EncryptedAttachment.objects.exclude(file_name__startswith="scan"))
    # "Is anything recorded" stays answerable.
    assert list(people.filter(first_name=None)) == []
    assert list(people.filter(contact__isnull=False)) == []


def test_blind_index_ignores_case_spacing_and_accents(settings) -> None:
    settings.PHAROS_BLIND_INDEX_KEY = BLIND_1
    keys.reset_cache()
    context = "persons.person.name"
    assert cipher.blind_index("Ana  MARIA", context=context) == cipher.blind_index(
        "ana maria", context=context
    )
    assert cipher.blind_index(" Ána\tMaría ", context=context) == cipher.blind_index(
        "ana maria", context=context
    )
    assert cipher.blind_index("ana maria", context=context) != cipher.blind_index(
        "ana marija", context=context
    )
    assert cipher.blind_index("", context=context) == ""
    # Another index (context) gives an unrelated digest for the same name.
    assert cipher.blind_index("ana maria", context=context) != cipher.blind_index(
        "ana maria", context="other.x"
    )


def test_blind_index_differs_under_another_key(settings) -> None:
    context = "persons.person.name"
    settings.PHAROS_BLIND_INDEX_KEY = BLIND_1
    keys.reset_cache()
    first = cipher.blind_index("Ana  MARIA", context=context)
    settings.PHAROS_BLIND_INDEX_KEY = BLIND_2
    keys.reset_cache()
    assert cipher.blind_index("ana maria", context=context) != first
    keys.reset_cache()


def test_blind_index_of_parts_keeps_fields_apart(settings) -> None:
    settings.PHAROS_BLIND_INDEX_KEY = BLIND_1
    keys.reset_cache()
    context = "persons.person.name_index"
    assert cipher.blind_index_of(["Ana Maria", ""], context=context) != cipher.blind_index_of(
        ["Ana", "Maria"], context=context
    )
    assert cipher.blind_index_of(["ANA", "maria"], context=context) == cipher.blind_index_of(
        ["ana", "Maria"], context=context
    )


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([], "empty"),
        (["nocolon"], "id:base64key"),
        (["a.b:" + base64.urlsafe_b64encode(b"\x01" * 32).decode()], "id:base64key"),
        (["k1:" + base64.urlsafe_b64encode(b"\x01" * 16).decode()], "32 bytes"),
        (["k1:!!!notbase64"], "32 bytes|base64"),
        ([KEY_A, KEY_A.replace("ka:", "kc:")], "same key"),
        ([KEY_A, KEY_B.replace("kb:", "ka:")], "same id"),
    ],
)
def test_bad_key_settings_fail_loudly(use_keys, entries, message) -> None:
    use_keys(*entries)
    with pytest.raises(ImproperlyConfigured, match=message):
        keys.field_keys()


def test_blind_index_key_must_differ_from_field_keys(settings, use_keys) -> None:
    use_keys(KEY_A)
    settings.PHAROS_BLIND_INDEX_KEY = KEY_A.split(":", 1)[1]
    keys.reset_cache()
    with pytest.raises(ImproperlyConfigured, match="differ"):
        keys.blind_index_key()


def test_secret_is_not_in_the_repr() -> None:
    key = keys.parse_field_key(KEY_A)
    assert KEY_A.split(":", 1)[1] not in repr(key)
    assert "secret" not in repr(key)


@pytest.mark.django_db
def test_raw_tokens_can_be_read_without_decrypting(cast) -> None:
    person_register(actor=cast.owner, organisation=cast.org_a, first_name="Ana")
    raw = (
        Person.objects.unscoped("test")
        .annotate(raw=Cast("first_name", TextField()))
        .values_list("raw", flat=True)
    )
    assert all(cipher.key_id_of(token) == "t1" for token in raw)

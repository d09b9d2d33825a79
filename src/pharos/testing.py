"""Builders for tests: countries, organisations, users and the three personas.

Every tenant test uses the same cast: ``owner`` and ``member`` work in organisation A
(North Macedonia), ``outsider`` in organisation B (Albania). The owner creates the
objects; the member is a colleague with a role that may not see personal data unless a
test says otherwise; the outsider must get 404 on every object of A.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import Any

from pharos.accounts.models import User
from pharos.tenancy.models import Country, Membership, Organisation

_counter = itertools.count(1)
PASSWORD = "correct horse battery staple 42"


def country(code: str = "MK", name: str | None = None) -> Country:
    obj, _ = Country.objects.get_or_create(
        code=code, defaults={"alpha3": code + "X", "names": {"en": name or code}}
    )
    return obj


def organisation(
    code: str | None = None, *, country_code: str = "MK", org_type: str = "NGO", **extra: Any
) -> Organisation:
    n = next(_counter)
    return Organisation.objects.create(
        code=code or f"org-{n}",
        name=extra.pop("name", f"Organisation {n}"),
        country=country(country_code),
        org_type=org_type,
        **extra,
    )


def user(email: str | None = None, *, password: str = PASSWORD, **extra: Any) -> User:
    n = next(_counter)
    return User.objects.create_user(email or f"user{n}@example.org", password, **extra)


def member(
    org: Organisation, role: str = "case_worker", *, email: str | None = None, two_factor: bool = True
) -> User:
    person = user(email)
    Membership.objects.create(user=person, organisation=org, role=role)
    if two_factor:
        enrol_totp(person)
    return person


TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def enrol_totp(person: User, secret: str = TOTP_SECRET) -> None:
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(person, secret)


@dataclass
class Cast:
    org_a: Organisation
    org_b: Organisation
    owner: User
    member: User
    outsider: User


def cast(member_role: str = "case_worker") -> Cast:
    org_a = organisation("org-a", country_code="MK", name="Organisation A")
    org_b = organisation("org-b", country_code="AL", name="Organisation B")
    return Cast(
        org_a=org_a,
        org_b=org_b,
        owner=member(org_a, "case_worker", email="owner@a.example.org"),
        member=member(org_a, member_role, email="member@a.example.org"),
        outsider=member(org_b, "case_worker", email="outsider@b.example.org"),
    )


def codelists() -> None:
    """The shipped code lists in the database, as ``pharos codelists load`` leaves a fresh one.

    Two bulk inserts (the files are parsed once per test process), so a test that needs
    codes costs milliseconds; tests of loading itself call ``standards.actions.codelists_load``.
    """
    from pharos.standards.models import Code, CodeList

    if CodeList.objects.exists():
        return
    parsed = _parsed_codelists()
    lists = CodeList.objects.bulk_create(
        [
            CodeList(
                key=p.key,
                title=p.title,
                source=p.source,
                version=p.version,
                multiple=p.multiple,
                deprecated=p.deprecated,
                notes=p.notes,
                mapping_lists=p.mapping_lists,
                file_sha256=p.sha256,
            )
            for p in parsed
        ]
    )
    Code.objects.bulk_create(
        [
            Code(
                code_list=code_list,
                code=e.code,
                labels=e.labels,
                valid_from=e.valid_from,
                valid_to=e.valid_to,
                sort_order=e.sort_order,
                mappings=e.mappings,
                verified=e.verified,
                aliases=list(e.aliases),
                notes=e.notes,
            )
            for code_list, p in zip(lists, parsed, strict=True)
            for e in p.codes
        ]
    )


@functools.cache
def _parsed_codelists() -> tuple[Any, ...]:
    from pharos.standards import codelists as files

    return tuple(files.read_all().values())

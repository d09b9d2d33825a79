"""``pharos match_keys``: build the duplicate-warning keys of persons registered without them.

Persons registered one by one get their keys in the same transaction; persons that came in
before this module existed, or through a bulk import that bypasses ``person_register``,
get them here. Safe to run twice: each person's keys are rebuilt from its current names.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from pharos.persons.models import Person
from pharos.referrals.actions import match_keys_refresh
from pharos.referrals.models import PersonMatchKey


class Command(BaseCommand):
    help = "Build the fuzzy duplicate-warning keys of persons that have none (or of all with --all)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="Rebuild every person's keys.")
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        persons = Person.objects.unscoped("building derived match keys; nothing is shown").filter(
            erased_at__isnull=True, birth_date__isnull=False
        )
        if not options["all"]:
            persons = persons.exclude(pk__in=PersonMatchKey.objects.values("person_id"))
        done = 0
        batch: list[Person] = []
        for person in persons.only(
            "id", "first_name", "second_name", "aliases", "birth_date", "erased_at"
        ).iterator(chunk_size=options["batch"]):
            batch.append(person)
            if len(batch) >= options["batch"]:
                done += self._refresh(batch)
                batch = []
        done += self._refresh(batch)
        self.stdout.write(f"Match keys built for {done} persons.")

    @staticmethod
    def _refresh(batch: list[Person]) -> int:
        with transaction.atomic():
            for person in batch:
                match_keys_refresh(person=person)
        return len(batch)

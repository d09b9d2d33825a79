"""``pharos org create --code C --name N --country XX --type T [--referral-role R ...]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pharos.tenancy.actions import TenancyError, organisation_create
from pharos.tenancy.models import OrganisationType, ReferralRole


class Command(BaseCommand):
    help = "Create an organisation (load the reference data first: pharos reference load)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        create = commands.add_parser("create", help="Create an organisation.")
        create.add_argument("--code", required=True, help="A short unique code, such as mk-safe-harbour.")
        create.add_argument("--name", required=True)
        create.add_argument("--country", required=True, help="ISO 3166-1 alpha-2 code (XK for Kosovo).")
        create.add_argument("--type", required=True, choices=OrganisationType.values, help="HTCDS org_Type.")
        create.add_argument(
            "--referral-role",
            action="append",
            default=[],
            choices=ReferralRole.values,
            help="Its part in the referral mechanism (repeat for several).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = organisation_create(
                actor=None,
                code=options["code"],
                name=options["name"],
                country_code=options["country"],
                org_type=options["type"],
                referral_roles=options["referral_role"],
            )
        except TenancyError as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(
            f"Created {organisation.code} ({organisation.name}, {organisation.country.code}), id {organisation.public_id}."
        )

"""``pharos user create --email E --org CODE --role ROLE``: an account and its first membership.

A new user gets a random initial password, printed once for the administrator to hand over
in person or by another channel than the e-mail address itself. Nothing else is forced: at
first sign-in a role that reaches personal data must set up an authenticator app before any
page opens, and the user may change the password from the account pages (or reset it by
e-mail). For an existing user only the membership is added and no password is printed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from pharos.accounts import actions
from pharos.accounts.models import User
from pharos.tenancy.actions import TenancyError, membership_grant
from pharos.tenancy.models import Organisation
from pharos.tenancy.roles import Role


class Command(BaseCommand):
    help = "Create a user (printing a random initial password once) with a role in an organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        create = commands.add_parser("create", help="Create a user, or add a membership to an existing one.")
        create.add_argument("--email", required=True)
        create.add_argument("--org", required=True, help="The organisation's code.")
        create.add_argument("--role", required=True, choices=Role.values)
        create.add_argument("--name", default="", help="Full name.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(code=options["org"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with code {options['org']!r} (see pharos org create).")
        email = options["email"].strip().lower()
        password = None
        with transaction.atomic():
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user, password = actions.user_create(actor=None, email=email, full_name=options["name"])
            try:
                membership = membership_grant(
                    actor=None, user=user, organisation=organisation, role=options["role"]
                )
            except TenancyError as refused:
                raise CommandError(str(refused)) from refused
        self.stdout.write(f"{user.email}: {membership.get_role_display()} at {organisation.name}.")
        if password:
            self.stdout.write(f"Initial password (shown once): {password}")
            if membership.needs_two_factor:
                self.stdout.write(
                    "At first sign-in the user sets up an authenticator app (two-factor sign-in)."
                )
        else:
            self.stdout.write("The user existed already: the password is unchanged.")

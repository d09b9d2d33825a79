"""``pharos token create|revoke|list``: personal API tokens for scripts, from the command line.

``create`` prints the token once (only its SHA-256 is stored). The token acts for the
user's membership in one organisation; ``--role`` chooses when the user has several roles
there. A role that reaches personal data needs two-factor sign-in set up first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from pharos.accounts import actions, queries
from pharos.accounts.models import ApiToken, User
from pharos.tenancy.models import Membership


class Command(BaseCommand):
    help = "Create, revoke or list personal API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        create = commands.add_parser("create", help="Make a token and print it once.")
        create.add_argument("--user", required=True, help="The user's e-mail address.")
        create.add_argument("--org", required=True, help="The organisation's code; the token acts for it.")
        create.add_argument("--role", help="Which of the user's roles there, when there are several.")
        create.add_argument("--name", default="command line", help="What the token is for.")
        create.add_argument("--expires-days", type=int, help="Days until it stops working (default: never).")
        revoke = commands.add_parser("revoke", help="Stop a token from working.")
        revoke.add_argument("token", help="The token's id, or the first characters printed when it was made.")
        listing = commands.add_parser("list", help="A user's tokens (never the tokens themselves).")
        listing.add_argument("--user", required=True, help="The user's e-mail address.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["subcommand"])(options)

    def _create(self, options: dict[str, Any]) -> None:
        user = _user(options["user"])
        memberships = list(
            Membership.objects.filter(
                user=user, organisation__code=options["org"], is_active=True, organisation__is_active=True
            ).select_related("organisation")
        )
        if options["role"]:
            memberships = [m for m in memberships if m.role == options["role"]]
        if not memberships:
            raise CommandError(
                f"{user.email} has no active membership in organisation {options['org']!r}"
                + (f" with role {options['role']!r}." if options["role"] else ".")
            )
        if len(memberships) > 1:
            roles = ", ".join(m.role for m in memberships)
            raise CommandError(
                f"{user.email} has several roles in {options['org']} ({roles}): choose one with --role."
            )
        days = options["expires_days"]
        if days is not None and days <= 0:
            raise CommandError("--expires-days must be a positive number of days.")
        try:
            token, raw = actions.token_create(
                actor=None,
                user=user,
                membership=memberships[0],
                name=options["name"],
                expires_at=timezone.now() + timedelta(days=days) if days else None,
            )
        except actions.TokenRefused as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(raw)
        self.stderr.write(
            f"Token {token.public_id} for {user.email} acting as {memberships[0].role} for "
            f"{memberships[0].organisation.code}"
            + (f", expires {token.expires_at:%Y-%m-%d}" if token.expires_at else ", no expiry")
            + ". It is shown only this once."
        )

    def _revoke(self, options: dict[str, Any]) -> None:
        found = queries.find_tokens(options["token"])
        if not found:
            raise CommandError(f"No token matches {options['token']!r}.")
        if len(found) > 1:
            raise CommandError(
                "Several tokens match; give the id: " + ", ".join(str(t.public_id) for t in found)
            )
        token = actions.token_revoke(actor=None, token=found[0])
        self.stdout.write(f"Revoked {token.public_id} ({token.hint}…) of {token.user.email}.")

    def _list(self, options: dict[str, Any]) -> None:
        user = _user(options["user"])
        tokens: list[ApiToken] = list(queries.tokens_of(user))
        if not tokens:
            self.stdout.write(f"{user.email} has no tokens.")
            return
        for token in tokens:
            state = "revoked" if token.revoked_at else ("active" if token.is_usable else "expired")
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never used"
            expires = f"{token.expires_at:%Y-%m-%d}" if token.expires_at else "no expiry"
            self.stdout.write(
                f"{token.public_id}  {token.hint}…  {state:<7}  {token.membership.organisation.code}/"
                f"{token.membership.role}  {token.name!r}  created {token.created_at:%Y-%m-%d}, {used}, {expires}"
            )


def _user(email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(f"No user with e-mail address {email!r}.")
    return user

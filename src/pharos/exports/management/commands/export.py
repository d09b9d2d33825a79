"""``pharos export FORMAT --org ORG --out FILE --user EMAIL``: an audited export of what the user may see."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pharos.accounts.models import User
from pharos.exports import actions, formats
from pharos.tenancy.access import set_acting
from pharos.tenancy.models import Membership


class Command(BaseCommand):
    help = "Export case records or statistics: " + ", ".join(formats.FORMATS) + "."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("format", choices=formats.FORMATS)
        parser.add_argument("--org", required=True, help="The organisation's code.")
        parser.add_argument("--out", required=True, type=Path, help="The file to write.")
        parser.add_argument(
            "--user",
            required=True,
            help="The e-mail of the user the export runs as (their scope and rights).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        if not out.parent.is_dir():
            raise CommandError(f"Folder {out.parent} does not exist.")
        user = User.objects.filter(email__iexact=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}.")
        memberships = [
            m
            for m in Membership.objects.filter(
                user=user, organisation__code=options["org"], is_active=True, organisation__is_active=True
            ).select_related("organisation__country")
            if m.has("exports.run")
        ]
        if not memberships:
            raise CommandError(
                f"{user.email} may not export for organisation {options['org']!r} (exports.run)."
            )
        set_acting(user, memberships[0])
        try:
            with out.open("wb") as target:
                result = actions.export_create(actor=user, fmt=options["format"], target=target)
        except actions.ExportRefused as refused:
            out.unlink(missing_ok=True)
            raise CommandError(str(refused)) from refused
        except OSError as exc:
            raise CommandError(f"{out}: {exc.strerror or exc}") from exc
        personal = "with" if result.personal else "without"
        self.stdout.write(f"Wrote {result.rows} rows ({result.format}, {personal} personal fields) to {out}.")

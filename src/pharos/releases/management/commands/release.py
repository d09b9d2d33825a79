"""``pharos release --method {suppression,dp,synthetic} [--epsilon E] --out DIR``: build a release.

Two sources:
- ``--org ORG --user EMAIL``: the organisation's records, as the user may see them; the release
  is stored (awaiting review, as from the web), its budget spent from the organisation's ledger,
  and its files are also written to DIR;
- ``--input FILE``: an HTCDS CSV (e.g. from ``pharos generate``), for trials and benchmarks; the
  files and the utility report are written to DIR only (no ledger: the file is not a dataset
  of the installation).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pharos.releases import actions, ctdc
from pharos.releases.models import Method, Release, Status


class Command(BaseCommand):
    help = (
        "Build a statistical release (suppression, DP counts or DP synthetic microdata) and write its files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--method", required=True, choices=Method.values)
        parser.add_argument("--epsilon", type=float, help="Privacy loss (dp and synthetic).")
        parser.add_argument("--threshold", type=int, default=actions.DEFAULT_THRESHOLD)
        parser.add_argument("--rounding-base", type=int, default=actions.DEFAULT_ROUNDING)
        parser.add_argument("--out", required=True, type=Path, help="Folder to write the files to.")
        parser.add_argument("--input", type=Path, help="An HTCDS CSV file instead of the database.")
        parser.add_argument("--org", help="Organisation code (with --user).")
        parser.add_argument("--user", help="E-mail of the user the release is built as.")
        parser.add_argument("--title", default="Statistical release")
        parser.add_argument("--seed", type=int, help="Random seed (tests only; never for a real release).")
        parser.add_argument(
            "--no-justice",
            action="store_true",
            help="Leave out the criminal-justice tables (from the database; a file has none).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        method = options["method"]
        if method != Method.SUPPRESSION and not options["epsilon"]:
            raise CommandError("--epsilon is required for dp and synthetic releases.")
        parameters: dict[str, Any] = (
            {"threshold": options["threshold"], "rounding_base": options["rounding_base"]}
            if method == Method.SUPPRESSION
            else {"epsilon": options["epsilon"]}
        )
        if options["seed"] is not None:
            parameters["seed"] = options["seed"]
        parameters["justice"] = not options["no_justice"]
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        if options["input"]:
            self._from_file(options["input"], method, parameters, out)
        elif options["org"] and options["user"]:
            self._from_database(options, method, parameters, out)
        else:
            raise CommandError("Give --input FILE, or --org and --user.")

    def _from_file(self, source: Path, method: str, parameters: dict[str, Any], out: Path) -> None:
        if not source.is_file():
            raise CommandError(f"No file {source}.")
        rows = list(ctdc.rows_from_htcds_csv(source))
        content = actions.compute(method=method, parameters={**parameters, "alpha3": False}, rows=rows)
        for name, (_type, data, _public) in content.files.items():
            (out / name).write_bytes(data)
        (out / "summary.json").write_text(json.dumps({**content.summary, "records": len(rows)}, indent=1))
        self.stdout.write(
            f"Wrote {len(content.files) + 1} files for {len(rows):,} registered victims to {out}."
        )

    def _from_database(
        self, options: dict[str, Any], method: str, parameters: dict[str, Any], out: Path
    ) -> None:
        from pharos.accounts.models import User
        from pharos.jobs import runner
        from pharos.jobs.models import Job
        from pharos.tenancy.access import set_acting
        from pharos.tenancy.models import Membership

        user = User.objects.filter(email__iexact=options["user"]).first()
        membership = (
            Membership.objects.filter(user=user, organisation__code=options["org"], is_active=True)
            .select_related("organisation__country")
            .first()
        )
        if user is None or membership is None or not membership.has("releases.build"):
            raise CommandError(
                f"{options['user']} may not build releases for {options['org']!r} (releases.build)."
            )
        set_acting(user, membership)
        release = actions.release_start(
            actor=user, title=options["title"], method=method, parameters=parameters, enqueue=False
        )
        job = runner.execute(
            Job.objects.unscoped("the command runs the job it started").get(pk=release.job_id)
        )
        release = Release.objects.unscoped("the command reads back its release").get(pk=release.pk)
        if release.status != Status.BUILT:
            raise CommandError(job.error or "The release could not be built.")
        for stored in release.files.all():
            (out / stored.name).write_bytes(bytes(stored.content))
        (out / "summary.json").write_text(json.dumps(release.summary, indent=1))
        self.stdout.write(f"Release v{release.version} built ({release.content_hash[:12]}); files in {out}.")

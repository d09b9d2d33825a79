"""``pharos demo``: migrate, load the demo data, then serve the web app and the job worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from pharos.core import demo


class Command(BaseCommand):
    help = "Migrate, load the demo data (idempotently) and serve on 127.0.0.1:8000 with the job worker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Only migrate and load the demo data.")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        created = demo.load()
        self.stdout.write(
            "Demo data ready (created: "
            + ", ".join(f"{n} {what}" for what, n in created.items())
            + "; nothing is created twice)."
        )
        self._print_logins(options["host"], options["port"])
        if not options["no_serve"]:
            self._serve(options["host"], options["port"])

    def _print_logins(self, host: str, port: int) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Pharos demo: http://{host}:{port}/"))
        self.stdout.write("Sign in with any of these (each enrols an authenticator app on first sign-in):")
        for email, roles, password in demo.logins():
            self.stdout.write(f"  {email:<24} {password}   {roles}")
        self.stdout.write(f"Database: {settings.DATABASES['default']['NAME']}")
        options = settings.MAILERS["default"].get("OPTIONS", {})
        mail_dir = options.get("file_path") if isinstance(options, dict) else None
        if mail_dir:
            self.stdout.write(f"E-mails (password reset links) are written to: {mail_dir}")
        self.stdout.write("")

    def _serve(self, host: str, port: int) -> None:
        from waitress import serve

        from pharos.wsgi import application

        worker = subprocess.Popen(  # our own command, fixed arguments
            [sys.executable, "-m", "pharos", "db_worker", "--interval", "1"],
            env={**os.environ},
        )
        self.stdout.write(f"Job worker started (pid {worker.pid}). Press Ctrl-C to stop.")

        def stop(*_args: object) -> None:
            worker.terminate()
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        try:
            serve(application, host=host, port=port, threads=8, ident="Pharos")
        except KeyboardInterrupt:
            pass
        finally:
            worker.terminate()
            worker.wait(timeout=10)

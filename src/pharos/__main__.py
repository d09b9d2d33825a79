"""The ``pharos`` console command: Django's manage command with Pharos' own verbs.

``pharos migrate``, ``pharos shell`` … work as with ``manage.py``; ``pharos demo``,
``pharos audit verify``, ``pharos keys rotate`` and ``pharos token create`` are
Pharos management commands. Settings default to ``pharos.settings.dev``.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pharos.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv if argv is not None else sys.argv)


if __name__ == "__main__":
    main()

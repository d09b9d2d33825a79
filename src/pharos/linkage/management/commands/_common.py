"""What the linkage commands share: progress lines, error handling, decisions files."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import CommandError

from pharos.linkage.engine.clusters import Decision
from pharos.linkage.engine.records import InputError


def progress(quiet: bool) -> Callable[[str], None] | None:
    if quiet:
        return None

    def say(line: str) -> None:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()

    return say


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Input problems become one-line errors with a non-zero exit, never a traceback."""
    import duckdb

    try:
        yield
    except InputError as exc:
        raise CommandError(str(exc)) from exc
    except duckdb.Error as exc:
        raise CommandError(f"the input could not be processed: {str(exc).splitlines()[0]}") from exc
    except OSError as exc:
        raise CommandError(f"{exc.filename or ''}: {exc.strerror or exc}") from exc


def check_output(path: Path) -> Path:
    if not path.parent.is_dir():
        raise CommandError(f"Folder {path.parent} does not exist")
    return path


def read_decisions(path: Path | None) -> list[Decision]:
    """``left,right,verdict`` rows (verdict ``confirm`` or ``reject``), e.g. from the review queue."""
    if path is None:
        return []
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    found: list[Decision] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            verdict = (row.get("verdict") or "").strip().lower()
            if verdict not in ("confirm", "reject") or not row.get("left") or not row.get("right"):
                raise CommandError(
                    f"{path}, line {line}: need left,right,verdict with verdict confirm or reject"
                )
            found.append(Decision(row["left"].strip(), row["right"].strip(), verdict))  # type: ignore[arg-type]
    return found

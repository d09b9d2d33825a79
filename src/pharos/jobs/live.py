"""Progress of a job whose work runs inside one long transaction, readable while it runs.

An all-or-nothing import writes a million rows in one transaction; an UPDATE of its job row
from that transaction would only show when it commits. So the progress goes around it:

- on **PostgreSQL**, through a second connection of this process, in autocommit (the job
  row was committed when the job began, and nothing in the long transaction locks it);
- on **SQLite**, where the long transaction holds the only write lock, to a small file
  ``<PHAROS_VAR_DIR>/jobs/<job id>.json`` that pages read (SQLite means one machine).

``read`` gives pages the figures from the file; ``forget`` removes it when the job ends.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections

_side: dict[str, Any] = {}


def _folder() -> Path:
    return Path(settings.VAR_DIR) / "jobs"


def _file(job: Any) -> Path:
    return _folder() / f"{job.public_id}.json"


def write(job: Any, *, done: int, total: int | None) -> None:
    if connection.vendor == "postgresql":
        side = _side.get("connection")
        if side is None:
            side = _side["connection"] = connections.create_connection(DEFAULT_DB_ALIAS)
        with side.cursor() as cursor:
            cursor.execute(
                "UPDATE jobs_job SET progress_done = %s, progress_total = %s WHERE id = %s AND status = %s",
                [done, total, job.pk, "running"],
            )
        return
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = _file(job)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps({"done": done, "total": total}))
    temporary.replace(path)  # atomic: a reader sees the old figures or the new


def read(job: Any, done: int, total: int | None) -> tuple[int, int | None]:
    """The live figures of a running job, or the stored ones."""
    if connection.vendor == "postgresql":
        return done, total
    try:
        figures = json.loads(_file(job).read_text())
    except (OSError, ValueError):
        return done, total
    if int(figures.get("done", 0)) < done:
        return done, total
    return int(figures["done"]), figures.get("total")


def forget(job: Any) -> None:
    with contextlib.suppress(OSError):
        _file(job).unlink()

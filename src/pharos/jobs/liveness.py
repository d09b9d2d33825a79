"""Which process runs a job, and whether that process still exists.

A job is marked running by the process that claims it; if that process is killed hard
(``kill -9``, out of memory, power loss) nothing marks the job finished. The claiming
process writes ``host:pid:start`` on the job (``start`` is the process's start time in
clock ticks since boot, from ``/proc``, so a pid reused by a later process is not taken for
the runner). ``is_gone`` answers for runners on this host only: a job run on another machine
is left alone (its own host sweeps it).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path


def _start_ticks(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # Field 22 (starttime); the command name in field 2 may hold spaces, so split after ")".
    return stat.rsplit(")", 1)[1].split()[19]


def this_runner() -> str:
    """``host:pid:start`` of this process."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_ticks(pid)}"[:200]


def is_gone(runner: str) -> bool:
    """True when ``runner`` names a process of this host that no longer exists."""
    parts = runner.rsplit(":", 2)
    if len(parts) != 3:
        return False
    host, pid_text, start = parts
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # it exists, under another user
    if _state(pid) == "Z":
        return True  # killed, not yet reaped by its parent
    return bool(start) and _start_ticks(pid) not in ("", start)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""

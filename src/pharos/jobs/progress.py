"""A text progress bar for command-line jobs.

On a terminal it redraws one line on stderr (``\\r``) each time the whole percentage
changes; when stderr is a file or a pipe (cron, CI, ``2> log``) it writes a plain line
every ten per cent instead, so logs stay readable. Redraws depend on progress, not time.
"""

from __future__ import annotations

import sys
from typing import TextIO

_BAR_WIDTH = 30


def _is_tty(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class ProgressBar:
    """Counts work done against a total (which may be unknown) and shows it on ``stream``."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        label: str = "",
        line_step_percent: int = 10,
        line_step_items: int = 10_000,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.label = label
        self.is_tty = _is_tty(self.stream)
        self.done = 0
        self.count: int | None = None
        self.line_step_percent = line_step_percent
        self.line_step_items = line_step_items
        self._drawn: tuple[int | None, int | None] | None = None
        self._last_mark: int | None = None
        self._last_line = ""
        self._open_line = False
        self._closed = False

    # -- what a job reports ----------------------------------------------------------------
    def total(self, count: int | None) -> None:
        self.count = count
        self._show()

    def advance(self, amount: int = 1) -> None:
        self.done += amount
        self._show()

    def message(self, text: str) -> None:
        """A log line: printed above the bar on a terminal, as its own line otherwise."""
        if self.is_tty and self._open_line:
            self._write("\r\x1b[2K")
            self._open_line = False
        self._write(text + "\n")
        if self.is_tty:
            self._drawn = None
            self._show()

    def close(self) -> None:
        """Show the final count (once) and end the bar's line."""
        if self._closed:
            return
        if self.is_tty:
            self._draw_bar(force=not self._open_line)
            self._write("\n")
            self._open_line = False
        elif self._last_line != self._text():
            self._line()
        self._closed = True

    # -- drawing ---------------------------------------------------------------------------
    @property
    def percent(self) -> int | None:
        if not self.count:
            return None
        return min(100, int(100 * self.done / self.count))

    def _text(self) -> str:
        prefix = f"{self.label}: " if self.label else ""
        if self.count:
            return f"{prefix}{self.done:,}/{self.count:,} ({self.percent}%)"
        return f"{prefix}{self.done:,} done"

    def _show(self) -> None:
        if self._closed:
            return
        if self.is_tty:
            self._draw_bar()
        else:
            self._maybe_line()

    def _draw_bar(self, force: bool = False) -> None:
        # Redraw when the whole percentage changes, or (total unknown) as the count grows.
        key = (self.percent if self.count else self._unknown_step(), self.count)
        if not force and key == self._drawn:
            return
        self._drawn = key
        if self.count:
            filled = _BAR_WIDTH * (self.percent or 0) // 100
            bar = "[" + "#" * filled + "-" * (_BAR_WIDTH - filled) + "] "
        else:
            bar = ""
        self._write("\r\x1b[2K" + bar + self._text())
        self._open_line = True

    def _unknown_step(self) -> int:
        # 1, 2 … 10, 20 … 100, 200 …: a few redraws per order of magnitude.
        magnitude = 10 ** max(0, len(str(self.done)) - 1)
        return self.done // magnitude * magnitude

    def _maybe_line(self) -> None:
        if self.count:
            mark = (self.percent or 0) // self.line_step_percent
        else:
            mark = self.done // self.line_step_items
        if mark != self._last_mark:
            self._last_mark = mark
            self._line()

    def _line(self) -> None:
        self._last_line = self._text()
        self._write(self._last_line + "\n")

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

"""What a long command is doing, on stderr, so that it never sits silent.

On a terminal: one live line, redrawn four times a second (what is happening, a bar
when there is progress to show, the seconds so far) and erased before the results are
printed. Off a terminal (output redirected to a file or a pipe): plain lines, only for
work that takes a while — a phase announced as slow (compiling kernels) at once, other
progress from two seconds on — and then at least every five seconds. ``--quiet``:
nothing. The line is drawn by a background thread, which cannot run while the main
thread is inside a numba kernel; samplers report progress between chunks of work.

Example:
    >>> import io
    >>> stream = io.StringIO()
    >>> status = Status(stream=stream, live=False)
    >>> status.phase("compiling kernels, once (~30 s)", announce=True)
    >>> status.close()
    >>> stream.getvalue()
    'compiling kernels, once (~30 s)\\n'
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from typing import Any, TextIO


class Status:
    """A status line (terminal) or status lines (otherwise) on ``stream`` (stderr)."""

    TICK_S = 0.25
    QUIET_START_S = 2.0  # plain lines: nothing for progress that is over sooner
    EVERY_S = 5.0  # plain lines: at least this often while work goes on

    def __init__(
        self, *, quiet: bool = False, stream: TextIO | None = None, live: bool | None = None
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = not quiet
        self.live = self.stream.isatty() if live is None else live
        self.lock = threading.Lock()
        self.label = ""
        self.unit = "reads"
        self.progress: tuple[float, int, str, str] | None = None
        self.started = self.last_line = time.monotonic()
        self.announced = False
        self.drawn = 0
        self.stopping = False
        self.closed = threading.Event()
        self.thread: threading.Thread | None = None
        if self.enabled:
            self.thread = threading.Thread(target=self._tick, daemon=True)
            self.thread.start()

    def phase(self, label: str, *, unit: str = "reads", announce: bool = False) -> None:
        """Start a phase of work whose progress counts ``unit``; ``announce``: a slow one,
        said at once off a terminal too."""
        with self.lock:
            self.label, self.unit, self.progress, self.announced = label, unit, None, announce
            self.started = time.monotonic()
            if announce and self.enabled and not self.live:
                self._line(label)

    def update(self, done: float, total: int, unit: str | None = None, detail: str = "") -> None:
        """Progress of the current phase: ``done`` of ``total`` (in ``unit``, default the
        phase's), and what is being done now, ``detail``."""
        with self.lock:
            self.progress = (float(done), int(total), unit or self.unit, detail)
            if self.enabled and not self.live and self._due(time.monotonic()):
                self._line(self._text(time.monotonic()))

    def note(self, text: str) -> None:
        """A line that stays (terminal and not), e.g. how long compiling took."""
        with self.lock:
            if self.enabled:
                self._erase()
                self._line(text)

    def stop_requested(self) -> None:
        """Ctrl-C was pressed: say so on the next redraw (no I/O here: it runs inside a
        signal handler, which may interrupt a write to the same stream)."""
        self.stopping = True

    def close(self) -> None:
        """Stop redrawing and erase the live line."""
        self.closed.set()
        if self.thread is not None:
            self.thread.join()
        with self.lock:
            self._erase()

    def _due(self, now: float) -> bool:
        if self.stopping:
            return False
        if now - self.last_line >= self.EVERY_S and (
            self.announced or now - self.started >= self.QUIET_START_S
        ):
            return True
        return (
            self.progress is not None
            and now - self.started >= self.QUIET_START_S
            and (now - self.last_line >= self.EVERY_S or self.last_line < self.started)
        )

    def _text(self, now: float) -> str:
        seconds = f"{now - self.started:.0f} s"
        if self.stopping:
            return "stopping after the current chunk (Ctrl-C again aborts, saving nothing)"
        if self.progress is None:
            return f"{self.label} … {seconds}"
        done, total, unit, detail = self.progress
        share = done / total if total else 0.0
        bar = "#" * round(20 * share) + "-" * (20 - round(20 * share))
        now_doing = f": {detail}" if detail else ""
        return f"{self.label} [{bar}] {done:.0f} of {total} {unit}{now_doing}, {seconds}"

    def _tick(self) -> None:
        stopping_said = False
        while not self.closed.wait(self.TICK_S):
            with self.lock:
                now = time.monotonic()
                if self.live and self.label:
                    self._draw(self._text(now))
                elif not self.live and self.stopping and not stopping_said:
                    self._line(self._text(now))
                    stopping_said = True
                elif not self.live and self.label and self._due(now):
                    self._line(self._text(now))

    def _draw(self, text: str) -> None:
        width = max(20, shutil.get_terminal_size((80, 24)).columns - 1)
        text = text[:width]
        self.stream.write("\r" + text + " " * max(0, self.drawn - len(text)))
        self.stream.flush()
        self.drawn = len(text)

    def _erase(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * self.drawn + "\r")
            self.stream.flush()
            self.drawn = 0

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()
        self.last_line = time.monotonic()

    def __enter__(self) -> Status:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

"""Ctrl-C during long runs: ask the work to stop between chunks, never inside compiled code.

A Python signal handler runs only between bytecodes of the main thread, so while a numba
kernel runs, SIGINT waits; Python's default handler then raises KeyboardInterrupt at
whatever point the interpreter resumes — inside numba's dispatcher, that gives a
``SystemError ... returned a result with an exception set`` or a crash, and the reads
already finished are lost. Inside :func:`sigint_stops` the first SIGINT raises nothing:
it calls the block's ``on_stop`` callbacks (which set ``Control.stop_requested``; the
sampler stops at its next checkpoint, or the caller between chunks of reads) and from
then on SIGINT has its default action, so a second Ctrl-C ends the process at once.
:func:`critical` marks writes that must not be cut (a run record and its index row):
a SIGINT arriving inside waits until the write is complete.

The handler is installed only in the main thread and only over Python's own default
handler (an application's own handler, or a child process that set ``SIG_DFL``, is left
alone); blocks nest, and the previous handler is restored when the outermost block ends.

Example:
    >>> import os, signal
    >>> stops = []
    >>> with sigint_stops(lambda: stops.append("stop")) as state:
    ...     os.kill(os.getpid(), signal.SIGINT)      # handled between two bytecodes
    ...     _ = sum(range(1000))
    >>> stops, state.requested, signal.getsignal(signal.SIGINT) is signal.default_int_handler
    (['stop'], True, True)
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

ABORT_STATUS = 130  # 128 + SIGINT, what a shell reports for a process ended by Ctrl-C


@dataclass
class StopState:
    """What the SIGINTs of the outermost :func:`sigint_stops` block have done so far."""

    callbacks: list[Callable[[], None]] = field(default_factory=list)
    count: int = 0
    writing: int = 0  # depth of critical() blocks
    deferred: int = 0  # SIGINTs that arrived while writing

    @property
    def requested(self) -> bool:
        return self.count > 0


_STATE: StopState | None = None


def current() -> StopState | None:
    """The state of the active :func:`sigint_stops` block (None outside one)."""
    return _STATE


def _first(state: StopState) -> None:
    state.count += 1
    for callback in list(state.callbacks):
        callback()
    if state.writing == 0:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # a second Ctrl-C ends the process


def _handler(signum: int, frame: Any) -> None:
    state = _STATE
    if state is None:  # pragma: no cover - restored before the state is cleared
        return
    if state.writing:
        state.deferred += 1
    elif state.count == 0:
        _first(state)
    else:  # pragma: no cover - SIG_DFL is installed after the first one
        raise SystemExit(ABORT_STATUS)


def _can_install() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def sigint_stops(on_stop: Callable[[], None] | None = None) -> Iterator[StopState]:
    """Within the block, SIGINT calls ``on_stop`` instead of raising (see the module
    docstring); yields the :class:`StopState` (``requested`` once a SIGINT arrived)."""
    global _STATE
    outer = _STATE
    if outer is not None:  # nested: one handler, every block's callback
        if on_stop is not None:
            outer.callbacks.append(on_stop)
        try:
            yield outer
        finally:
            if on_stop is not None:
                outer.callbacks.remove(on_stop)
        return
    state = StopState([on_stop] if on_stop is not None else [])
    if not _can_install() or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield state  # someone else decides what SIGINT does here
        return
    _STATE = state
    signal.signal(signal.SIGINT, _handler)
    try:
        yield state
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _STATE = None


@contextlib.contextmanager
def critical() -> Iterator[None]:
    """A write that must complete: a SIGINT arriving inside is acted on after it (the
    first asks to stop as usual; a later one then ends the process with status 130)."""
    state = _STATE
    if state is None or not _can_install():
        yield
        return
    state.writing += 1
    signal.signal(signal.SIGINT, _handler)
    try:
        yield
    finally:
        state.writing -= 1
        if state.writing == 0:
            arrived, state.deferred = state.deferred, 0
            if state.count == 0 and arrived:
                _first(state)
                arrived -= 1
            if arrived:
                raise SystemExit(ABORT_STATUS)
            if state.count:
                signal.signal(signal.SIGINT, signal.SIG_DFL)

"""What numba's compilation costs, measured apart from the work the kernels do.

A numba kernel (``@numba.njit(cache=True)``) is compiled on its first call for a given
set of argument types, or loaded from numba's on-disk cache when an earlier process
compiled it; either way the first call pays seconds (tens of seconds for the annealing
driver) that have nothing to do with the problem. Samplers keep that cost out of their
``sampling_ns``: :func:`prepare` compiles or loads the specialisation a call will use and
returns the nanoseconds it took, which a sampler reports as ``info["timing"]["compile_ns"]``
(``Stopwatch.lap("compile_ns")`` right after it). :func:`compile_clock` measures the
compilation that happens anywhere inside a block (numba's ``numba:compile`` events), for
callers that run code they do not own.

Example:
    >>> import numba, numpy as np
    >>> @numba.njit
    ... def total(values):
    ...     return values.sum()
    >>> prepare(total, np.ones(3)) > 0, prepare(total, np.ones(5))
    (True, 0)
    >>> with compile_clock() as clock:
    ...     _ = total(np.ones(3, dtype=np.int64))   # a new specialisation: compiled here
    >>> clock.ns > 0
    True
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from numba.core import event


def _signature(dispatcher: Any, args: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(dispatcher.typeof_pyval(value) for value in args)


def prepare(dispatcher: Any, *args: Any) -> int:
    """Compile, or load from numba's cache, the specialisation of ``dispatcher`` that a
    call with ``args`` uses; the nanoseconds spent (0 when it is already in memory).
    The kernel is not run."""
    signature = _signature(dispatcher, args)
    if signature in dispatcher.overloads:
        return 0
    start = time.perf_counter_ns()
    dispatcher.compile(signature)
    return time.perf_counter_ns() - start


class CompileClock(event.Listener):
    """Nanoseconds numba spent compiling (outermost ``numba:compile`` events only, so a
    kernel compiled while compiling another is not counted twice)."""

    def __init__(self) -> None:
        self.ns = 0
        self._depth = 0
        self._start = 0

    def on_start(self, event: Any) -> None:
        if self._depth == 0:
            self._start = time.perf_counter_ns()
        self._depth += 1

    def on_end(self, event: Any) -> None:
        self._depth -= 1
        if self._depth == 0:
            self.ns += time.perf_counter_ns() - self._start


@contextlib.contextmanager
def compile_clock() -> Iterator[CompileClock]:
    """Measure the compilation done inside the block (loads from numba's cache are not
    compilation and are not counted)."""
    clock = CompileClock()
    event.register("numba:compile", clock)
    try:
        yield clock
    finally:
        event.unregister("numba:compile", clock)


def cache_dir(dispatcher: Any) -> Path | None:
    """Where numba keeps the on-disk cache of ``dispatcher`` (None without ``cache=True``)."""
    path = getattr(getattr(dispatcher, "stats", None), "cache_path", None)
    return Path(path) if path else None

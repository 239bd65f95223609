"""``numba.njit`` with an on-disk cache that notices edits to every module a kernel uses.

numba's own ``cache=True`` keys a compiled function on the source of the file that
defines it. A driver that calls (and inlines) functions from other files keeps running
the old code after those files are edited. :func:`kernel` keys the cache instead on the
contents of every file the function can reach: its own module and, recursively, every
``qanneal`` module that provides one of its module's globals (jitted functions, overload
stubs, back-end classes, imported modules). Editing a back-end therefore invalidates
every cached driver that could have inlined it; nothing needs to be deleted by hand.

The closure is taken per module, not per function, so it errs on the side of
recompiling: an edit anywhere in a reachable module invalidates the cache. It is
computed when the kernel is decorated, i.e. after its module's imports.

This hooks into numba's cache classes (``numba.core.caching``), which are not public
API. If they change, :func:`kernel` compiles without an on-disk cache (correct, only
slower on the first call of each process) and says so in ``CACHE_WARNING``.

Example:
    >>> @kernel()
    ... def twice(x):
    ...     return 2 * x
    >>> twice(21)
    42
    >>> [module.__name__ for module in reachable_modules(kernel)]
    ['qanneal.samplers.pimc._kernel_cache']
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import FunctionType, ModuleType
from typing import Any, ClassVar

import numba
from numba.core.dispatcher import Dispatcher

CACHE_WARNING: str | None = None

try:  # numba's cache internals; see the module docstring
    from numba.core import caching as _caching

    _LOCATORS: tuple[type, ...] = (
        _caching.UserProvidedCacheLocator,
        _caching.InTreeCacheLocator,
        _caching.UserWideCacheLocator,
    )
    _BASE_IMPL: Any = _caching.CompileResultCacheImpl
    _BASE_CACHE: Any = _caching.FunctionCache
except (ImportError, AttributeError) as error:  # pragma: no cover - depends on numba
    _LOCATORS = ()
    CACHE_WARNING = f"numba's cache classes changed ({error}); kernels are not cached on disk"


def _module_of(value: Any) -> ModuleType | None:
    """The module that defines ``value`` if it is something a kernel can call or use."""
    if isinstance(value, ModuleType):
        return value
    if isinstance(value, Dispatcher):
        value = value.py_func
    if isinstance(value, FunctionType | type):
        return sys.modules.get(value.__module__)
    return None


def reachable_modules(func: Callable[..., Any]) -> list[ModuleType]:
    """``func``'s module and every module of its top-level package reachable through
    module globals."""
    start = sys.modules[func.__module__]
    package = start.__name__.split(".")[0]
    seen: dict[str, ModuleType] = {start.__name__: start}
    stack = [start]
    while stack:
        module = stack.pop()
        for value in list(vars(module).values()):
            found = _module_of(value)
            if found is None or found.__name__ in seen:
                continue
            if found.__name__.split(".")[0] != package or not getattr(found, "__file__", None):
                continue
            seen[found.__name__] = found
            stack.append(found)
    return sorted(seen.values(), key=lambda m: m.__name__)


@cache
def _file_digest(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def source_stamp(func: Callable[..., Any]) -> str:
    """One digest of the contents of every file in :func:`reachable_modules`."""
    digest = hashlib.sha256()
    for module in reachable_modules(func):
        path = str(module.__file__)
        stat = Path(path).stat()
        entry = f"{module.__name__}:{_file_digest(path, stat.st_mtime_ns, stat.st_size)};"
        digest.update(entry.encode())
    return digest.hexdigest()


def _locator_class(base: type) -> type:
    class DependencyLocator(base):
        def get_source_stamp(self) -> str:
            return source_stamp(self._qanneal_func)

        @classmethod
        def from_function(cls, py_func: Any, py_file: str) -> Any:
            locator = super().from_function(py_func, py_file)
            if locator is not None:
                locator._qanneal_func = py_func
            return locator

    DependencyLocator.__name__ = f"Dependency{base.__name__}"
    return DependencyLocator


if _LOCATORS:

    class _DependencyCacheImpl(_BASE_IMPL):
        _locator_classes: ClassVar[list[type]] = [_locator_class(base) for base in _LOCATORS]

    class _DependencyCache(_BASE_CACHE):
        _impl_class = _DependencyCacheImpl


def kernel(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """``numba.njit(**options)`` cached on disk under :func:`source_stamp` (see above)."""
    if "cache" in options:
        raise TypeError("kernel() always caches; do not pass cache=")

    def decorate(func: Callable[..., Any]) -> Any:
        dispatcher = numba.njit(**{"error_model": "numpy", **options})(func)
        if _LOCATORS:
            try:
                dispatcher._cache = _DependencyCache(dispatcher.py_func)
            except RuntimeError:  # no writable cache directory: compile every time
                pass
        return dispatcher

    return decorate


def is_cached(dispatcher: Any) -> bool:
    """True when ``dispatcher`` has the dependency-keyed disk cache of :func:`kernel`."""
    return _LOCATORS != () and isinstance(dispatcher._cache, _DependencyCache)


__all__ = ["CACHE_WARNING", "is_cached", "kernel", "reachable_modules", "source_stamp"]

"""Optional dependencies (the ``pip install 'qanneal[EXTRA]'`` extras), checked when a
feature that needs one is asked for — before anything is computed or written.

Example:
    >>> require("plot", "the spectrum plot")   # matplotlib is installed here
    >>> import sys
    >>> saved = sys.modules.get("matplotlib", False)
    >>> sys.modules["matplotlib"] = None       # as if it were not
    >>> try:
    ...     require("plot", "the spectrum plot", "or leave out --plot")
    ... except MissingExtraError as error:
    ...     print(error)  # doctest: +NORMALIZE_WHITESPACE
    ... finally:
    ...     _ = sys.modules.pop("matplotlib") if saved is False else None
    ...     sys.modules.update({} if saved is False else {"matplotlib": saved})
    the spectrum plot needs matplotlib, which is not installed:
    pip install 'qanneal[plot]' (or leave out --plot)
"""

from __future__ import annotations

import importlib.util
import sys

from qanneal.errors import QannealError

EXTRAS = {
    "plot": ("matplotlib", "matplotlib"),
    "data": ("sklearn", "scikit-learn"),
    "dask": ("distributed", "dask.distributed"),
    "bench": ("openjij", "OpenJij"),
}
"""extra -> (module to import, what users know it as)."""


class MissingExtraError(QannealError):
    """A feature needs an optional dependency that is not installed."""


def available(extra: str) -> bool:
    """Whether the module of ``extra`` can be imported (without importing it)."""
    module = EXTRAS[extra][0]
    if module in sys.modules:
        return sys.modules[module] is not None
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require(extra: str, feature: str, alternative: str = "") -> None:
    """A MissingExtraError naming the install command unless ``extra`` is installed;
    ``alternative`` says how to go without (e.g. "or pass --no-plots")."""
    if not available(extra):
        known_as = EXTRAS[extra][1]
        tail = f" ({alternative})" if alternative else ""
        raise MissingExtraError(
            f"{feature} needs {known_as}, which is not installed: "
            f"pip install 'qanneal[{extra}]'{tail}"
        )

"""One error hierarchy: each class is a failure a user can hit, and its message says
what was wrong and how to fix it.

The CLI prints ``str(error)`` as one line on stderr and exits with status 2, so every
message names the file, key or value at fault.

Example:
    >>> from qanneal.errors import ProblemFileError
    >>> str(ProblemFileError("p.toml: [data] alpha = -1 must be > 0"))
    'p.toml: [data] alpha = -1 must be > 0'
"""

from __future__ import annotations


class QannealError(Exception):
    """Base class of every error qanneal raises on purpose (bad input, bad state)."""


class ProblemFileError(QannealError):
    """A problem file is malformed: TOML syntax, unknown keys, wrong types or values."""


class DataError(QannealError):
    """A data source cannot give a usable data set (missing file, NaN, ragged rows...)."""


class FormulationError(QannealError):
    """The chosen formulation cannot express this model, loss or data."""


class SamplerError(QannealError):
    """Unknown sampler, or a sampler that cannot take the chosen formulation."""


class ResourceError(QannealError):
    """The problem would need more memory (or variables) than this machine/solver has."""


class OutputError(QannealError):
    """The output directory or a run record cannot be written or read."""


class RunNotFoundError(QannealError):
    """No run record with that id in the output directory."""


class TrainingError(QannealError):
    """Bad settings for gradient training (optimiser, replicas, LIGHT schedule, loss)."""


class SamplingStopped(QannealError):
    """A run was stopped on request (Ctrl-C) between two chunks of its work; the caller keeps
    what finished before (``qanneal solve`` saves the finished reads and exits 130)."""

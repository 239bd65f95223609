"""qanneal: train binary perceptrons and binary neural networks by annealing.

The two entry points are :func:`load_problem` (a problem file → :class:`Problem`)
and :func:`solve` (a problem → a run record), which the ``qanneal`` CLI wraps.
"""

from qanneal.errors import QannealError
from qanneal.problem import Problem, load_problem, problem_from_dict
from qanneal.solve import solve

__version__ = "0.1.0"
__all__ = ["Problem", "QannealError", "__version__", "load_problem", "problem_from_dict", "solve"]

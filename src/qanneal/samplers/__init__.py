"""qanneal's samplers: every class behind one contract (:mod:`qanneal.samplers.base`).

The registry (:mod:`qanneal.samplers.registry`) maps the names ``qanneal solve`` takes to
these classes and their declared capabilities. Each is a dimod sampler, so it drops into
Ocean code:

- :class:`AnnealingSampler` (``sa``), :class:`PIMCSampler` (``pimc``),
  :class:`ExactSampler` (``exact``), :class:`VQASampler` (``vqa``);
- :class:`OceanSampler` — dwave-samplers' tabu, steepest descent and path-integral
  annealing behind the contract (``tabu``, ``steepest``, ``pimc-dwave``);
- :class:`LeapSampler` — the D-Wave QPU, Leap hybrid and mock QPU (``qpu``,
  ``qpu-clique``, ``hybrid``, ``mock-qpu``) and :class:`LeapModelSampler` — Leap's hybrid
  CQM and nonlinear solvers (``hybrid-cqm``, ``hybrid-nl``); imported on first use (they
  load dwave-system);
- :class:`KerberosSampler` — QPU in the loop, Kerberos-style decomposition on dwave-hybrid
  (``kerberos-mock``); imported on first use.

Example:
    >>> from qanneal.samplers import PIMCSampler
    >>> "sample_model" in dir(PIMCSampler)
    True
"""

from typing import Any

from qanneal.samplers.exact import ExactSampler
from qanneal.samplers.ocean import OceanSampler
from qanneal.samplers.pimc import PIMCSampler
from qanneal.samplers.sa.sampler import AnnealingSampler
from qanneal.samplers.vqa.sampler import VQASampler

__all__ = [
    "AnnealingSampler",
    "ExactSampler",
    "KerberosSampler",
    "LeapModelSampler",
    "LeapSampler",
    "OceanSampler",
    "PIMCSampler",
    "VQASampler",
]


def __getattr__(name: str) -> Any:
    if name in ("LeapSampler", "LeapModelSampler"):  # lazy: they import dwave-system
        from qanneal.samplers import leap

        return getattr(leap, name)
    if name == "KerberosSampler":  # lazy: imports dwave-hybrid
        from qanneal.samplers.kerberos import KerberosSampler

        return KerberosSampler
    raise AttributeError(f"module 'qanneal.samplers' has no attribute {name!r}")

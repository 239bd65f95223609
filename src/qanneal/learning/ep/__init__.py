"""Equilibrium propagation (EP), thermal and quantum, on Ising networks trained with
qanneal's samplers (Massar & Mognetti, arXiv 2405.08467; docs/ep.md).

Modules:

``network``   :class:`IsingNetwork`: layered or arbitrary graphs, clamping, cost, BQMs
``thermal``   Boltzmann phases: exact enumeration, ``sa`` / ``pimc`` at fixed temperature
``rules``     thermal gradients: symmetric nudging and the covariance rule
``quantum``   ground-state EP: exact diagonalisation and PIMC (worldline X estimators)
``training``  minibatch training loops and evaluation
``config``    the ``model.type = "ising-ep"`` problem-file schema
``run``       a problem file end to end: run record and learning curve

Example:
    >>> import numpy as np
    >>> net = IsingNetwork.layered(2, [2], 1, seed=0)
    >>> x, y = np.array([[1.0, -1.0]]), np.array([1.0])
    >>> g = covariance_gradient(net, x, y, ExactPhases(), 1.0)
    >>> g.shape == (net.num_parameters,)
    True
"""

from qanneal.learning.ep.network import IsingNetwork, NetworkError
from qanneal.learning.ep.quantum import QuantumNetwork, ground_state_cost, quantum_nudged_gradient
from qanneal.learning.ep.rules import (
    covariance_gradient,
    exact_mean_cost,
    finite_difference_gradient,
    nudged_gradient,
)
from qanneal.learning.ep.thermal import BQMPhases, ExactPhases, phase_sampler
from qanneal.learning.ep.training import TrainSettings, evaluate, train

__all__ = [
    "BQMPhases",
    "ExactPhases",
    "IsingNetwork",
    "NetworkError",
    "QuantumNetwork",
    "TrainSettings",
    "covariance_gradient",
    "evaluate",
    "exact_mean_cost",
    "finite_difference_gradient",
    "ground_state_cost",
    "nudged_gradient",
    "phase_sampler",
    "quantum_nudged_gradient",
    "train",
]

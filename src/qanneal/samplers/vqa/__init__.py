"""Quantum hypernetworks: variational training of binary networks in superposition.

A parameterised state |ψ_θ⟩ = Σ_σ ψ_θ(σ)|σ⟩ whose basis states are whole networks
(weights, biases and any augmented choice bits of the model) is trained by minimising
E(θ) = ⟨ψ_θ|Ĉ|ψ_θ⟩ = Σ_σ |ψ_θ(σ)|² C(σ), C the training loss (Carrasquilla et al.,
arXiv 2301.08292; Torta et al.'s variational training of BiNNs). Measuring the trained
state returns networks.

Modules: ``ansatz`` (hardware-efficient circuit), ``statevector`` (exact simulator,
adjoint gradient), ``mps`` (bond-dimension-χ simulator with exact sampling), ``cost``
(the diagonal Ĉ from a model), ``estimate`` (exact or shot estimates, parameter shift,
SPSA, fidelities), ``train`` (Adam or QN-SPSA over a batch of runs), ``analysis``
(sampled networks, Hamming distances), ``sampler`` (the ``vqa`` registry sampler).

Example:
    >>> import numpy as np
    >>> from qanneal.models import BinaryPerceptron
    >>> model = BinaryPerceptron(3, np.array([[1, -1, 1.0]]), np.array([1]))
    >>> result = train_hypernetwork(model, depth=1, runs=2, steps=60, seed=0)
    >>> result.summary["best"]["train_errors"]
    0
"""

from qanneal.samplers.vqa.analysis import hamming_statistics, summarise_networks
from qanneal.samplers.vqa.ansatz import Ansatz
from qanneal.samplers.vqa.cost import DiagonalCost
from qanneal.samplers.vqa.estimate import Estimator
from qanneal.samplers.vqa.mps import MPSSimulator, MPSState
from qanneal.samplers.vqa.sampler import HypernetworkResult, VQASampler, train_hypernetwork
from qanneal.samplers.vqa.statevector import StatevectorSimulator
from qanneal.samplers.vqa.train import TrainingConfig, TrainingResult, train

__all__ = [
    "Ansatz",
    "DiagonalCost",
    "Estimator",
    "HypernetworkResult",
    "MPSSimulator",
    "MPSState",
    "StatevectorSimulator",
    "TrainingConfig",
    "TrainingResult",
    "VQASampler",
    "hamming_statistics",
    "summarise_networks",
    "train",
    "train_hypernetwork",
]

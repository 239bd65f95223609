"""Learning problems: binary models, their losses and their data sources."""

from qanneal.models.base import BinaryModel, sign
from qanneal.models.binn import BinaryNeuralNetwork
from qanneal.models.losses import LOSSES, pattern_losses
from qanneal.models.perceptron import BinaryPerceptron

__all__ = [
    "LOSSES",
    "BinaryModel",
    "BinaryNeuralNetwork",
    "BinaryPerceptron",
    "pattern_losses",
    "sign",
]

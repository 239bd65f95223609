"""Learning algorithms from the source papers, built on qanneal's models and samplers.

Subpackages (imported explicitly, never from here):

``qanneal.learning.light``
    Gradient descent and Trotter-replicated gradient descent regulated by the LIGHT
    neuron (Kulikovskikh & Legović; docs/light.md).
``qanneal.learning.ep``
    Equilibrium propagation, thermal and quantum, on Ising networks
    (Massar & Mognetti, arXiv 2405.08467; docs/ep.md).

The quantum hypernetwork (variational training of binary networks) is a sampler,
``vqa``: :mod:`qanneal.samplers.vqa` (docs/vqa.md).
"""

"""Learning algorithms that train networks with qanneal's samplers.

Subpackages (imported explicitly, never from here):

``qanneal.learning.ep``
    Equilibrium propagation, thermal and quantum, on Ising networks
    (Massar & Mognetti, arXiv 2405.08467).
``qanneal.learning.vqa``
    Variational quantum training of binary networks (quantum hypernetworks).
"""

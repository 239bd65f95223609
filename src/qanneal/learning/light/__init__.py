"""Continuous learning dynamics of the LIGHT paper (Kulikovskikh & Legović): gradient
descent on real latent weights and Trotter-replicated gradient descent whose coupling is
regulated by the LIGHT neuron (docs/light.md).

- :mod:`~qanneal.learning.light.neuron` — the LIGHT growth-and-harvesting law;
- :mod:`~qanneal.learning.light.models` — real-weight models and their binary counterparts;
- :mod:`~qanneal.learning.light.optim` — SGD, Adam and Adagrad in numpy;
- :mod:`~qanneal.learning.light.replicas` — replicated gradient descent (``train_problem``);
- :mod:`~qanneal.learning.light.experiment` — the paper's experiment
  (``qanneal experiment light``), with :mod:`~qanneal.learning.light.plots`.

The comparison study's ``gd`` and ``replicated-gd`` contestants are in
:mod:`qanneal.compare.gd`.
"""

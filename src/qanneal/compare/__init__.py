"""The comparison study: how samplers converge on the same problems, and which wins.

``qanneal compare`` runs every contestant at every budget on the same problems and seeds
(docs/compare.md):

- :mod:`~qanneal.compare.study` — :func:`~qanneal.compare.study.compare`, the whole run;
- :mod:`~qanneal.compare.contestants` — registry samplers, OpenJij and gradient descent
  (:mod:`~qanneal.compare.gd`) as contestants returning :class:`~qanneal.compare.reads.Reads`;
- :mod:`~qanneal.compare.jobs` — the jobs, their process pool / Dask runner, the resumable log;
- :mod:`~qanneal.compare.aggregate` and :mod:`~qanneal.compare.metrics` — success
  probability, TTS99, residual energy, bootstrap intervals;
- :mod:`~qanneal.compare.overlaps` — solution geometry: overlaps, local entropy, capacity;
- :mod:`~qanneal.compare.report` and :mod:`~qanneal.compare.plots` — ``report.md`` and the
  PNG figures.

Exact statevector quantum annealing, the ground truth that PIMC approximates, is with the
exact solvers: :mod:`qanneal.samplers.exact.quantum`.
"""

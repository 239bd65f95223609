"""What ``qanneal inspect`` reports about a problem: sizes, structure, memory and the
samplers that can take it.

Example:
    >>> from qanneal.problem import problem_from_dict
    >>> problem = problem_from_dict({
    ...     "model": {"type": "perceptron", "inputs": 5},
    ...     "data": {"source": "random", "patterns": 3},
    ...     "formulation": {"type": "slack"}})
    >>> info = describe(problem)
    >>> info["num_variables"], info["degree"], info["samplers"][:2]
    (11, 2, ['exact', 'sa'])
"""

from __future__ import annotations

from typing import Any

from qanneal.errors import SamplerError
from qanneal.problem import Problem, memory_estimate
from qanneal.samplers import registry
from qanneal.solve import solve, target_size


def auxiliary_counts(polynomial: Any) -> dict[str, int | str]:
    """Auxiliary variables each reduction method needs for this polynomial."""
    try:
        from qanneal.reduce import METHODS, to_bqm
    except ImportError:  # pragma: no cover - the reduce package is optional in old trees
        return {}
    counts: dict[str, int | str] = {}
    for method in METHODS:
        try:
            counts[method] = len(to_bqm(polynomial, method=method)[1].auxiliaries)
        except Exception as error:  # a method that cannot take this polynomial says why
            counts[method] = f"n/a ({error})"
    return counts


def describe(problem: Problem) -> dict[str, Any]:
    """A JSON-ready description of ``problem`` (see the module docstring)."""
    model, data = problem.model, problem.data
    info: dict[str, Any] = {
        "problem": str(problem.path) if problem.path is not None else problem.name,
        "model": problem.spec["model"]["type"],
        "inputs": model.num_inputs,
        "hidden": problem.spec["model"]["hidden"],
        "bias": problem.spec["model"]["bias"],
        "loss": model.loss,
        "data_source": data.source,
        "train_patterns": data.num_patterns,
        "test_patterns": data.num_test,
        "formulation": problem.formulation,
        "num_weights": model.num_variables,
        "num_variables": problem.num_variables,
        "memory_bytes": memory_estimate(problem.spec),
    }
    info["num_interactions"] = info["degree"] = info["monomials"] = None
    if problem.kind == "bqm":
        bqm = problem.bqm()
        info["num_interactions"] = bqm.num_interactions
        info["degree"] = 2
        pairs = max(1, bqm.num_variables * (bqm.num_variables - 1) / 2)
        info["density"] = bqm.num_interactions / pairs
    elif problem.kind == "polynomial":
        polynomial = problem.polynomial()
        info["degree"] = polynomial.degree
        info["monomials"] = len(polynomial)
        info["auxiliaries"] = auxiliary_counts(polynomial)
    elif problem.kind == "cqm":
        info["constraints"] = len(problem.cqm().constraints)
    elif problem.kind == "nl":
        info["nl_symbols"] = problem.nl_model().num_symbols()
    samplers = []
    for name in registry.names_for(problem.kind, problem.model_type):
        entry = registry.get(name)
        given = registry.target_kind(entry, problem.kind)
        limit = entry.limit(given) if given else None
        if limit is None or target_size(problem, given) <= limit:  # type: ignore[arg-type]
            samplers.append(name)
    info["samplers"] = samplers
    return info


def describe_submission(
    problem: Problem,
    sampler: str,
    *,
    num_reads: int | None = None,
    seed: int | None = None,
    params: dict[str, Any] | None = None,
    out_dir: str = "runs",
) -> dict[str, Any]:
    """What a Leap sampler (``qpu``, ``qpu-clique``, ``hybrid``, ``hybrid-cqm``,
    ``hybrid-nl``, ``kerberos``, or offline ``mock-qpu`` / ``kerberos-mock``) would be sent
    for ``problem``, without submitting: qubits, chains and the estimated QPU access time
    (the solver's ``estimate_qpu_access_time``), or a hybrid solver's time limit. The
    embedding found is cached under ``out_dir/embeddings`` for the real run.

    Example:
        >>> import tempfile
        >>> from qanneal.problem import problem_from_dict
        >>> problem = problem_from_dict({
        ...     "model": {"type": "perceptron", "inputs": 3},
        ...     "data": {"source": "random", "patterns": 2},
        ...     "formulation": {"type": "slack"}})
        >>> plan = describe_submission(problem, "mock-qpu", seed=1,
        ...                            params={"pegasus_size": 4}, out_dir=tempfile.mkdtemp())
        >>> plan["logical_qubits"], plan["estimated_access_time_us"] > 0
        (5, True)
    """
    if not registry.get(sampler).via_leap:
        raise SamplerError(
            f"inspect --sampler estimates Leap submissions ({', '.join(registry.leap_names())}); "
            f"{sampler!r} runs locally"
        )
    return solve(
        problem,
        sampler,
        num_reads=num_reads,
        seed=seed,
        params=params,
        out_dir=out_dir,
        dry_run=True,
    )

"""Every shipped problem file loads, and solves with every sampler that accepts it."""

import pytest

from qanneal import load_problem, solve
from qanneal.errors import ResourceError
from qanneal.library import list_problems, resolve_problem_path
from qanneal.samplers import registry
from qanneal.solve import target_size

SHIPPED = list_problems()
# samplers that spend QPU time need a Leap token; tests/leap runs them against a local service
NEEDS_LEAP = {name for name, entry in registry.REGISTRY.items() if entry.consumes_qpu}
MOCK_QPU_MAX_VARIABLES = 80  # larger BQMs spend minutes in the embedding search
# samplers without a sweep budget whose defaults take tens of seconds per shipped problem
QUICK_PARAMS = {
    "kerberos-mock": {"max_iter": 2, "tabu_restarts": 2, "sa_sweeps": 100, "qpu_reads": 10}
}


def _cases() -> list[tuple[str, str]]:
    cases = []
    for entry in SHIPPED:
        problem = load_problem(entry.path)
        for name in registry.names_for(problem.kind, problem.model_type):
            if name in NEEDS_LEAP:
                continue
            if name == "mock-qpu" and problem.bqm().num_variables > MOCK_QPU_MAX_VARIABLES:
                continue
            cases.append((entry.name, name))
    return cases


CASES = _cases()


def test_the_library_has_the_problems_the_readme_promises():
    names = {entry.name for entry in SHIPPED}
    assert {
        "perceptron-random-native",
        "perceptron-random-slack",
        "perceptron-teacher-a2",
        "perceptron-teacher-a1",
        "baldassi-zecchina",
        "synthetic2d-binn",
        "digits-binn",
    } <= names
    assert all(entry.description for entry in SHIPPED)


@pytest.mark.parametrize(("problem_name", "sampler"), CASES, ids=[f"{p}-{s}" for p, s in CASES])
def test_every_shipped_problem_runs_with_every_accepting_sampler(problem_name, sampler, tmp_path):
    problem = load_problem(resolve_problem_path(problem_name))
    entry = registry.get(sampler)
    given = registry.target_kind(entry, problem.kind)
    limit = entry.limit(given)
    quick = {"num_reads": 2, "num_sweeps": 5, "seed": 0, "params": QUICK_PARAMS.get(sampler)}
    if limit is not None and target_size(problem, given) > limit:
        with pytest.raises(ResourceError, match="at most"):
            solve(problem, sampler, save=False, **quick)
        return
    record = solve(problem, sampler, out_dir=tmp_path, **quick)
    assert record["sampler"] == sampler and record["num_reads"] >= 1
    assert 0.0 <= record["best"]["train_accuracy"] <= 1.0

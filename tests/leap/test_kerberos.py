"""The Kerberos-style workflow (qanneal.leap.kerberos): one run, its report, and which branch
an improvement is credited to."""

import dimod
import hybrid
import numpy as np
import pytest

from qanneal.errors import SamplerError
from qanneal.leap.kerberos import (
    BRANCHES,
    BranchArgMin,
    run_read,
    subproblem_qpu,
)
from qanneal.leap.loop import check_settings
from qanneal.leap.subproblems import MockQPU

SETTINGS = {
    "max_iter": 6,
    "convergence": 2,
    "energy_threshold": None,
    "max_subproblem_size": 6,
    "qpu_reads": 10,
    "qpu_params": None,
    "sa_sweeps": 50,
    "tabu_restarts": 2,
    "tabu_timeout": 20,
    "race": False,
    "embedding": "clique",
}


def test_a_run_reports_one_subproblem_per_iteration():
    bqm = dimod.generators.ran_r(1, 14, seed=3)
    qpu = subproblem_qpu(MockQPU(pegasus_size=3), SETTINGS, seed=4)
    sample, read = run_read(bqm, qpu, SETTINGS, np.random.default_rng(2))
    assert sample.shape == (14,) and set(np.unique(sample)) <= {-1, 1}
    assert read["energy"] == pytest.approx(
        bqm.energy(dict(zip(bqm.variables, sample, strict=True)))
    )
    assert len(read["qpu_calls"]) == read["iterations"] >= SETTINGS["convergence"]
    assert all(call["size"] <= SETTINGS["max_subproblem_size"] for call in read["qpu_calls"])
    assert [c["embedding_source"] for c in read["qpu_calls"]][:2] == ["search", "cache"]
    _, again = run_read(bqm, qpu, SETTINGS, np.random.default_rng(3))  # a second read
    assert again["qpu_calls"] and again["qpu_calls"][0]["embedding_source"] == "cache"


def test_settings_out_of_range_are_named():
    with pytest.raises(SamplerError, match="tabu_restarts = 0"):
        check_settings({**SETTINGS, "tabu_restarts": 0})


def test_an_improvement_is_credited_to_the_branch_that_made_it():
    bqm = dimod.BQM({"a": 1.0}, {}, 0.0, "SPIN")

    def states(*values):
        return hybrid.States(*(hybrid.State.from_sample({"a": v}, bqm) for v in values))

    tally = {"iterations": 0, "improvements": dict.fromkeys(BRANCHES[1:], 0)}
    argmin = BranchArgMin(tally)
    assert argmin.run(states(1, 1, 1, -1)).result().samples.first.energy == -1  # qpu
    argmin.run(states(-1, -1, 1, -1)).result()  # ties with the input: no improvement
    argmin.run(states(1, -1, -1, 1)).result()  # tabu and sa tie: the earlier one, tabu
    assert tally == {"iterations": 3, "improvements": {"tabu": 1, "sa": 0, "qpu": 1}}

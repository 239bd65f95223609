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
    RepairDecomposer,
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


def test_an_unknown_decomposer_is_named():
    with pytest.raises(SamplerError, match="decomposer = 'dfs'"):
        check_settings({**SETTINGS, "decomposer": "dfs"})


@pytest.mark.parametrize("decomposer", ["pfs", "energy-static", "repair"])
def test_every_decomposer_replays_from_its_seed(decomposer):
    bqm = dimod.generators.ran_r(1, 14, seed=5)
    settings = {**SETTINGS, "decomposer": decomposer}
    runs = []
    for _ in range(2):
        qpu = subproblem_qpu(MockQPU(pegasus_size=3), settings, seed=4)
        sample, read = run_read(bqm, qpu, settings, np.random.default_rng(7))
        runs.append((sample.tolist(), read["energy"], read["improvements"], read.get("repair")))
        assert all(call["size"] == settings["max_subproblem_size"] for call in read["qpu_calls"])
    assert runs[0] == runs[1]


def test_a_repair_subproblem_holds_a_whole_move():
    # a ferromagnetic chain at its minimum: the first candidate, a middle spin (degree 2),
    # is repaired by flipping the other three after it (all −1: −2.5, above the minimum
    # −3.5, so not an improving move)
    bqm = dimod.BQM({"a": -0.5}, {("a", "b"): -1.0, ("b", "c"): -1.0, ("c", "d"): -1.0}, 0, "SPIN")
    state = hybrid.State.from_sample({"a": 1, "b": 1, "c": 1, "d": 1}, bqm)
    report: dict = {}
    decomposer = RepairDecomposer(4, np.random.default_rng(0), report, candidates=1)
    sub = decomposer.run(state).result().subproblem
    assert set(sub.variables) == {"a", "b", "c", "d"}
    assert report["moves"] == 1 and report["move_sizes"] == [4]
    assert report["repair_improving"] == 0 and decomposer.best == pytest.approx(-2.5)

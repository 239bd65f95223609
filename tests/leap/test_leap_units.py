"""Units of the Leap path against exact answers: chain strengths in closed form, chain-break
fractions counted by hand, unembedding of known samples, the ledger's states, the
embedding cache, and the mock QPU reaching the exact ground state."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import dimod
import numpy as np
import pytest

from qanneal.errors import SamplerError
from qanneal.leap import chains, embedding
from qanneal.leap.client import MaybeSubmitted, NotSubmitted, classify
from qanneal.leap.errors import LedgerError
from qanneal.leap.ledger import Ledger
from qanneal.samplers.leap import LeapSampler


def _frustrated() -> dimod.BQM:
    rng = np.random.default_rng(3)
    quadratic = {
        (u, v): float(rng.choice([-1.0, 1.0])) for u, v in itertools.combinations(range(6), 2)
    }
    return dimod.BQM({v: 0.1 * v for v in range(6)}, quadratic, 0.0, "SPIN")


def test_uniform_torque_compensation_closed_form() -> None:
    bqm = _frustrated()
    rms = math.sqrt(np.mean(np.square(list(bqm.quadratic.values()))))
    degree = np.mean([bqm.degree(v) for v in bqm.variables])
    assert chains.chain_strength_value("uniform_torque_compensation", bqm) == pytest.approx(
        1.414 * rms * math.sqrt(degree)
    )
    assert chains.chain_strength_value("auto", bqm, 0.5) == pytest.approx(
        0.5 * 1.414 * rms * math.sqrt(degree)
    )


def test_chain_strength_of_a_qubo_uses_its_spin_form() -> None:
    qubo = dimod.BQM({"a": 2.0, "b": -1.0}, {("a", "b"): 4.0}, 0.0, "BINARY")
    # spin form: J = 4/4 = 1, h_a = 2/2 + 4/4 = 2, h_b = -1/2 + 1 = 0.5
    assert chains.chain_strength_value("scaled", qubo) == pytest.approx(2.0)
    with pytest.raises(SamplerError, match="chain_strength"):
        chains.chain_strength_value("strong", qubo)
    with pytest.raises(SamplerError, match="chain_strength"):
        chains.check_chain_strength(True)


def test_broken_fraction_counted_by_hand() -> None:
    chain_list = [[0, 1], [2, 3, 4], [5]]
    samples = [
        [1, 1, 1, 1, 1, 1],  # none broken
        [1, -1, 1, 1, -1, 1],  # two of three chains broken
        [1, 1, -1, 1, 1, -1],
    ]  # one broken
    sampleset = dimod.SampleSet.from_samples(
        (samples, range(6)), "SPIN", energy=[0, 0, 0], num_occurrences=[1, 1, 2]
    )
    expected = (0 + 2 / 3 + 2 * (1 / 3)) / 4
    assert chains.broken_fraction(sampleset, chain_list) == pytest.approx(expected)


def test_unembedding_by_majority_vote_and_discard() -> None:
    from dwave.embedding import unembed_sampleset

    bqm = dimod.BQM({}, {("a", "b"): -1.0}, 0.0, "SPIN")
    emb = {"a": (0, 1, 2), "b": (3,)}
    samples = dimod.SampleSet.from_samples(
        ([[1, 1, -1, 1], [-1, -1, -1, -1]], range(4)), "SPIN", energy=[0, 0]
    )
    vote = unembed_sampleset(
        samples, emb, bqm, chain_break_method=chains.break_method("majority_vote", bqm, emb)
    )
    assert sorted(tuple(s.values()) for s in vote.samples()) == [(-1, -1), (1, 1)]
    kept = unembed_sampleset(
        samples, emb, bqm, chain_break_method=chains.break_method("discard", bqm, emb)
    )
    assert [dict(s) for s in kept.samples()] == [{"a": -1, "b": -1}]


def test_pick_auto_prefers_the_weakest_that_holds() -> None:
    scan = [
        {"chain_strength": s, "chain_break_fraction": f}
        for s, f in ((1.0, 0.4), (2.0, 0.04), (3.0, 0.0))
    ]
    assert chains.pick_auto(scan, 0.05) == 2.0
    assert chains.pick_auto(scan, 0.0) == 3.0
    assert chains.pick_auto(scan[:1], 0.05) == 1.0  # none holds: the strongest tried


def test_chain_statistics_and_cache(tmp_path: Path) -> None:
    stats = embedding.chain_statistics([[1], [2, 3], [4, 5, 6]])
    assert stats == {
        "logical_qubits": 3,
        "physical_qubits": 6,
        "max_chain_length": 3,
        "mean_chain_length": 2.0,
    }
    bqm = _frustrated()
    edges = [(0, 1), (1, 2)]
    key = embedding.structure_hash(bqm, edges, "minorminer")
    assert key != embedding.structure_hash(bqm, edges, "clique")
    assert key != embedding.structure_hash(bqm, [(0, 1)], "minorminer")
    changed = bqm.copy()
    changed.set_quadratic(0, 1, 5.0)  # same structure, other biases: same embedding
    assert key == embedding.structure_hash(changed, edges, "minorminer")
    assert embedding.bqm_hash(changed) != embedding.bqm_hash(bqm)
    cache = embedding.EmbeddingCache(tmp_path)
    assert cache.get(key) is None
    cache.put(key, [[1], [2, 3]])
    cache.put(key, [[9]])  # a second writer does not replace the first
    assert cache.get(key) == [[1], [2, 3]]


def test_isolated_variables_get_their_own_qubit() -> None:
    import dwave.graphs

    bqm = dimod.BQM({"lone": 1.0, "a": 0.0, "b": 0.0}, {("a", "b"): 1.0}, 0.0, "SPIN")
    target = dwave.graphs.chimera_graph(1)
    found = embedding.find_chains(bqm, list(target.edges), seed=2)
    assert len(found) == 3
    qubits = [q for chain in found for q in chain]
    assert len(qubits) == len(set(qubits))


def test_classification_of_submission_failures() -> None:
    import requests
    import urllib3
    from dwave.cloud import exceptions as cloud

    refused = requests.ConnectionError(urllib3.exceptions.NewConnectionError(None, "refused"))
    assert isinstance(classify(refused), NotSubmitted)
    assert classify(refused).transient  # type: ignore[attr-defined]
    # a connection dropped after the request went out: the problem may be on Leap
    assert isinstance(classify(requests.ConnectionError("Connection aborted.")), MaybeSubmitted)
    assert isinstance(classify(cloud.SolverError(error_code=502)), MaybeSubmitted)
    assert classify(cloud.SolverError(error_code=429)).transient  # type: ignore[attr-defined]
    assert not classify(cloud.SolverAuthenticationError("no")).transient  # type: ignore[attr-defined]
    assert isinstance(classify(cloud.RequestTimeout("slow")), MaybeSubmitted)
    assert isinstance(classify(RuntimeError("unknown")), MaybeSubmitted)


def test_ledger_states_and_lookup(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    assert ledger.runs() == []
    ledger.create_run({"run_id": "20260101-000000-aaaaaa", "plan": {"x": [1, 2]}})
    ledger.create_run({"run_id": "20260101-000000-bbbbbb"})
    first = ledger.add_submission("20260101-000000-aaaaaa", 0, "run", "l0")
    assert ledger.add_submission("20260101-000000-aaaaaa", 0, "run", "l0") == first
    ledger.update_submission(first, state="pending", problem_id="pid-1")
    ledger.update_run("20260101-000000-aaaaaa", state="pending")
    assert ledger.find_run("pid-1")["plan"] == {"x": [1, 2]}
    assert ledger.find_run("20260101-000000-b")["state"] == "submitting"
    with pytest.raises(LedgerError, match="2 runs"):
        ledger.find_run("20260101")
    with pytest.raises(LedgerError, match="no submission"):
        ledger.find_run("nothing")
    assert [r["run_id"] for r in ledger.runs(("pending",))] == ["20260101-000000-aaaaaa"]


def test_mock_qpu_finds_the_exact_ground_state() -> None:
    bqm = _frustrated()
    exact = dimod.ExactSolver().sample(bqm).first.energy
    answer = LeapSampler("mock-qpu").sample(
        bqm, num_reads=20, seed=5, num_sweeps=500, pegasus_size=4
    )
    assert answer.first.energy == pytest.approx(exact)
    assert answer.info["qpu"]["logical_qubits"] == 6
    assert len(answer) == 20 and set(answer.record.num_occurrences) == {1}
    # energies are those of the logical problem
    assert np.allclose(answer.record.energy, bqm.energies(answer))


def test_reverse_anneal_initial_state_is_set_on_every_qubit_of_a_chain() -> None:
    from qanneal.leap.submit import _solver_params

    bqm = dimod.BQM({"a": 1.0, "b": -1.0}, {("a", "b"): 1.0}, 0.0, "BINARY")
    plan = {
        "category": "qpu",
        "chains": [[10, 11], [12]],
        "params": {
            "initial_state": {"a": 1, "b": -1},
            "reinitialize_state": True,
            "anneal_schedule": [[0.0, 1.0], [10.0, 0.5], [20.0, 1.0]],
            "chain_strength": "auto",
            "num_spin_reversal_transforms": 0,
        },
    }
    params = _solver_params(plan, bqm, 7)
    assert params["initial_state"] == {10: 1, 11: 1, 12: 0}  # BINARY problem: 0/1 values
    assert params["num_reads"] == 7 and params["reinitialize_state"] is True
    assert "chain_strength" not in params and "num_spin_reversal_transforms" not in params
    plan["params"]["initial_state"] = [-1, 1]  # a list in BQM variable order
    assert _solver_params(plan, bqm.spin, 1)["initial_state"] == {10: -1, 11: -1, 12: 1}


def test_cloud_connection_classifies_what_the_cloud_future_reports() -> None:
    """CloudConnection.submit on the cloud client's own Future, failed or resolved."""
    from types import SimpleNamespace

    from dwave.cloud.computation import Future
    from dwave.cloud.exceptions import ProblemUploadError, RequestTimeout

    from qanneal.leap.client import CloudConnection

    def connection_returning(future: Future) -> CloudConnection:
        solver = SimpleNamespace(sample_bqm=lambda bqm, label=None, **params: future)
        made = CloudConnection.__new__(CloudConnection)
        made.sampler = SimpleNamespace(solver=solver)
        made.category, made.problem_type = "qpu", "qpu"
        return made

    bqm = dimod.BQM({0: 1.0}, {}, 0.0, "SPIN")
    for error, expected in (
        (ProblemUploadError("upload"), NotSubmitted),
        (RequestTimeout("slow"), MaybeSubmitted),
    ):
        future = Future(None, None)
        future._set_exception(error)
        with pytest.raises(expected):
            connection_returning(future).submit(bqm, "label", {})
    future = Future(None, None)
    future.id = "problem-7"
    assert connection_returning(future).submit(bqm, "label", {}).problem_id == "problem-7"


def test_damaged_ledger_is_one_line(tmp_path: Path) -> None:
    from leap_helpers import fails

    out = tmp_path / "runs"
    out.mkdir()
    (out / "leap-ledger.sqlite").write_bytes(b"not a database" * 200)
    for command in (("leap", "status"), ("leap", "fetch", "--all-pending"), ("leap", "fetch", "x")):
        message = fails(*command, "--out", out)
        assert "Leap ledger" in message and "is damaged" in message and "keep it" in message

"""QPU subproblems: cached embeddings, exact answers on small subproblems, seeded mocks."""

import dimod
import numpy as np
import pytest

from qanneal.errors import SamplerError
from qanneal.leap.subproblems import MockQPU, SubproblemQPU


@pytest.fixture(scope="module")
def qpu():
    return MockQPU(pegasus_size=4, num_sweeps=200)(seed=7)


def frustrated(labels, seed):
    rng = np.random.default_rng(seed)
    n = len(labels)
    linear = dict(zip(labels, rng.normal(size=n), strict=True))
    quadratic = {
        (labels[i], labels[j]): rng.normal()
        for i in range(n)
        for j in range(i + 1, n)
        if rng.random() < 0.6
    }
    return dimod.BQM(linear, quadratic, 0.0, "SPIN")


def test_clique_embedding_is_found_once_per_size_and_reused(qpu):
    counter = SubproblemQPU(qpu, num_reads=30)
    for seed, labels in enumerate(
        (list("abcdefgh"), [f"x{k}" for k in range(8)], list("pqrstuvw"))
    ):
        sub = frustrated(labels, seed)
        answer = counter.sample(sub)
        ground = dimod.ExactSolver().sample(sub).first.energy
        assert answer.first.energy == pytest.approx(ground)  # 8 variables: found exactly
        assert set(answer.variables) == set(labels)
    assert [c["embedding_source"] for c in counter.calls] == ["search", "cache", "cache"]
    assert all(c["size"] == 8 and c["physical_qubits"] >= 8 for c in counter.calls)
    counter.sample(frustrated(list("abcde"), 9))
    assert counter.calls[-1]["embedding_source"] == "search"  # a new size


def test_binary_subproblems_come_back_binary_with_their_energies(qpu):
    sub = dimod.BQM({"x": -1.0, "y": 2.0}, {("x", "y"): -3.0, ("y", "z"): 1.0}, 0.5, "BINARY")
    answer = SubproblemQPU(qpu, num_reads=20).sample(sub)
    assert answer.vartype is dimod.BINARY
    assert np.allclose(answer.record.energy, sub.energies(answer))
    assert answer.first.energy == pytest.approx(dimod.ExactSolver().sample(sub).first.energy)


def test_minorminer_embeddings_are_kept_on_disk(qpu, tmp_path):
    sub = frustrated(list("abcdef"), 3)
    first = SubproblemQPU(qpu, embedding="minorminer", cache_dir=tmp_path, seed=1)
    first.sample(sub)
    second = SubproblemQPU(qpu, embedding="minorminer", cache_dir=tmp_path, seed=1)
    second.sample(sub)
    assert first.calls[0]["embedding_source"] == "search"
    assert second.calls[0]["embedding_source"] == "cache"
    assert len(list(tmp_path.glob("*.json"))) == 1


def test_mock_qpus_are_reproducible_from_their_seed():
    sub = frustrated([f"v{k}" for k in range(12)], 5)

    def reads(seed):
        answer = SubproblemQPU(MockQPU(pegasus_size=4, num_sweeps=5)(seed), num_reads=20).sample(
            sub
        )
        return sorted(answer.record.energy.tolist())

    assert reads(3) == reads(3)
    assert reads(3) != reads(4)  # 5 sweeps: far from converged, so seeds show


def test_unknown_embedding_method_is_refused(qpu):
    with pytest.raises(SamplerError, match="clique, minorminer"):
        SubproblemQPU(qpu, embedding="busclique")

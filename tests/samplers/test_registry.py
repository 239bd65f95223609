"""Every registered sampler, on every formulation kind it accepts."""

import dimod
import numpy as np
import pytest

from qanneal.errors import SamplerError
from qanneal.hubo.slack import build_slack_qubo
from qanneal.models import BinaryPerceptron
from qanneal.samplers import registry

NEEDS_LEAP = {"qpu", "qpu-clique", "hybrid"}  # tested offline in tests/leap with fakes
CASES = [
    (name, kind)
    for name, entry in registry.REGISTRY.items()
    for kind in entry.accepts
    if name not in NEEDS_LEAP
]


def tiny_model():
    rng = np.random.default_rng(0)
    return BinaryPerceptron(5, rng.choice([-1.0, 1.0], (3, 5)), rng.choice([-1, 1], 3))


def target_for(kind, model):
    if kind == "native":
        return model
    if kind == "bqm":
        return build_slack_qubo(model).bqm
    return dimod.BinaryPolynomial({(0, 1, 2): 1.0, (1, 3): -0.5, (0,): 0.25}, dimod.SPIN)


@pytest.mark.parametrize(("name", "kind"), CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_sampler_returns_a_sampleset_with_the_target_energies(name, kind):
    model = tiny_model()
    target = target_for(kind, model)
    sampler, given = registry.sampler_for(name, kind, kind, "perceptron")
    assert given == kind
    accepted = registry.accepted_parameters(sampler)
    common = {"num_reads": 3, "num_sweeps": 50, "seed": 1}
    sampleset = sampler.sample(target, **{k: v for k, v in common.items() if k in accepted})
    assert isinstance(sampleset, dimod.SampleSet)
    if kind == "native":
        assert sampleset.record.energy == pytest.approx(model.energy(sampleset.record.sample))
    else:
        assert sampleset.record.energy == pytest.approx(target.energies(sampleset))


def test_polynomials_go_to_bqm_samplers_through_the_reduction():
    assert registry.sampler_for("tabu", "polynomial", "walsh")[1] == "bqm"
    assert registry.sampler_for("pimc", "polynomial", "walsh")[1] == "polynomial"
    assert "tabu" in registry.names_for("polynomial")


def test_unknown_name_suggests_and_lists():
    with pytest.raises(SamplerError, match=r"did you mean 'tabu'.*available: exact, sa"):
        registry.get("tabbu")


def test_incompatible_formulation_lists_the_samplers_that_fit():
    with pytest.raises(SamplerError, match=r"samplers that can: exact, sa, pimc, vqa$"):
        registry.sampler_for("tabu", "native", "native")
    with pytest.raises(SamplerError, match=r".binn.; samplers that can: exact, sa, pimc, vqa$"):
        registry.sampler_for("steepest", "native", "native", "binn")


def test_accepted_parameters_come_from_the_signature_too():
    pimc = registry.get("pimc-dwave").create("bqm")
    assert {"Gamma", "num_sweeps"} <= registry.accepted_parameters(pimc)

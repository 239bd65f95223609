"""The sampler contract (qanneal.samplers.base), checked on every registry sampler.

A sampler gets all of this by being registered: dimod's own BQM sampler tests for every
BQM sampler, then for every (sampler, target kind) it declares: the entry point and its
keyword-only arguments, ``num_reads`` honoured, same seed ⇒ same samples, one seed range,
the ``info`` schema, energies of the target, ``initial_states`` honoured where declared,
the declared size limit, and the class importable from ``qanneal.samplers``.

The Leap samplers that spend QPU time (``qpu``, ``qpu-clique``, ``hybrid``, ``hybrid-cqm``,
``hybrid-nl``, ``kerberos``) run the same checks with the real Ocean client against the
local Solver API service of tests/leap (sapi_service.py), on tiny problems; a seed cannot
make Leap's samples repeat (``reproducible``), and a hybrid solver returns the samples it
found rather than ``num_reads`` of them (``reads_as_asked``), so those two checks follow
the capabilities the registry declares. dimod's own BQM tests (dozens of problems each)
run on the local samplers only.
"""

import inspect
import sys
import unittest
from pathlib import Path

import dimod
import dimod.testing
import numpy as np
import pytest

import qanneal.samplers
from qanneal.errors import ResourceError
from qanneal.hubo.cqm import constrained_model
from qanneal.hubo.nl import nonlinear_model, objective_values
from qanneal.hubo.slack import build_slack_qubo
from qanneal.models import BinaryPerceptron
from qanneal.samplers import registry
from qanneal.samplers.base import (
    MAX_SEED,
    TARGET_KINDS,
    check_info,
    entry_point,
    parameters_for,
)

# dwave-samplers warns about all-zero BQMs, which dimod's tests include on purpose
pytestmark = pytest.mark.filterwarnings("ignore:All bqm biases are zero:UserWarning")

NEEDS_LEAP = {name for name, entry in registry.REGISTRY.items() if entry.consumes_qpu}
LOCAL = [name for name in registry.REGISTRY if name not in NEEDS_LEAP]
CASES = [(name, kind) for name in registry.REGISTRY for kind in registry.get(name).targets]
IDS = [f"{name}-{kind}" for name, kind in CASES]
# a small budget where the sampler has one, the mock QPU on a small Pegasus graph, and a
# short QPU-in-the-loop workflow
QUICK = {
    "num_sweeps": 20,
    "pegasus_size": 2,
    "depth": 1,
    "max_iter": 2,
    "sa_sweeps": 50,
    "tabu_restarts": 1,
    "qpu_reads": 10,
}
TOKEN = "QAN-0123456789abcdef0123456789abcdef01234567"  # shaped like a Leap token


@pytest.fixture
def leap(request, tmp_path, monkeypatch):
    """For a sampler that spends QPU time: the local SAPI service of tests/leap, which the
    real Ocean client reaches through DWAVE_API_ENDPOINT / DWAVE_API_TOKEN (a no-op for the
    local samplers)."""
    if request.node.callspec.params["name"] not in NEEDS_LEAP:
        yield None
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "leap"))
    from sapi_setup import isolate, serve

    isolate(tmp_path, monkeypatch, TOKEN)
    with serve(tmp_path, monkeypatch, {TOKEN}) as service:
        yield service


# settings cold enough that a sampler started in a local minimum with barriers of 40 stays in
# it, to see that it starts where initial_states says (None: a search that returns the best
# state it visits, so where it started cannot be seen in its output)
COLD = {
    "sa": {"beta_range": (20.0, 20.0)},
    "pimc": {"beta": 20.0, "gamma_schedule": (1e-9, 1e-9), "trotter": 2},
    "pimc-dwave": {"beta_range": (20.0, 20.0), "Gamma": 1e-9},
    "steepest": {},
    "tabu": None,
}


def tiny_model(n=5):
    rng = np.random.default_rng(0)
    return BinaryPerceptron(n, rng.choice([-1.0, 1.0], (3, n)), rng.choice([-1, 1], 3))


def target_for(kind, model=None):
    model = model or tiny_model()
    if kind == "native":
        return model
    if kind == "bqm":
        return build_slack_qubo(model).bqm
    if kind == "cqm":  # the perceptron's constraints, and an objective to rank states by
        cqm = constrained_model(model).cqm
        cqm.set_objective(
            dimod.quicksum((0.5 + k) * dimod.Binary(v) for k, v in enumerate(cqm.variables))
        )
        return cqm
    if kind == "nl":
        return nonlinear_model(model).model
    return dimod.BinaryPolynomial({(0, 1, 2): 1.0, (1, 3): -0.5, (0,): 0.25}, dimod.SPIN)


def call(name, kind, target, **given):
    sampler = registry.get(name).create()
    accepted = parameters_for(sampler, kind)
    kwargs = {k: v for k, v in QUICK.items() if k in accepted}
    kwargs.update(given)
    return entry_point(sampler, kind)(target, **kwargs)


def energies_of(kind, target, sampleset):
    if kind == "native":
        return target.energy(sampleset.record.sample)
    if kind == "cqm":
        return target.objective.energies(sampleset)
    if kind == "nl":  # variable k is bit k of the decisions
        order = [list(sampleset.variables).index(k) for k in range(len(sampleset.variables))]
        return objective_values(target, sampleset.record.sample[:, order])
    return target.energies(sampleset)


for _name in LOCAL:  # dimod's own tests of a BQM sampler, one TestCase per sampler
    if "bqm" not in registry.get(_name).targets:
        continue
    _entry = registry.get(_name)
    _limit = _entry.limit("bqm")
    _case = type(
        f"TestDimodConformance_{_name.replace('-', '_')}",
        (unittest.TestCase,),
        {"__module__": __name__},
    )
    globals()[_case.__name__] = dimod.testing.load_sampler_bqm_tests(
        _entry.create, max_num_variables=_limit
    )(_case)
del _name, _entry, _limit, _case


@pytest.mark.parametrize(("name", "kind"), CASES, ids=IDS)
def test_entry_point_takes_keyword_only_arguments(name, kind):
    method = entry_point(registry.get(name).create(), kind)
    parameters = list(inspect.signature(method).parameters.values())[1:]
    assert all(p.kind in (p.KEYWORD_ONLY, p.VAR_KEYWORD) for p in parameters), parameters
    assert {"num_reads", "seed"} <= parameters_for(registry.get(name).create(), kind)


@pytest.mark.parametrize(("name", "kind"), CASES, ids=IDS)
def test_reads_seed_info_and_energies(name, kind, leap):
    entry = registry.get(name)
    target = target_for(kind)
    first = call(name, kind, target, num_reads=4, seed=11)
    # a hybrid solver returns the samples it found, not num_reads of them
    assert len(first) == 4 if entry.reads_as_asked else len(first) >= 1
    assert check_info(first.info) == []
    assert first.record.energy == pytest.approx(energies_of(kind, target, first))
    if not entry.reproducible:  # a QPU's or a Leap solver's samples are not seeded
        return
    again = call(name, kind, target, num_reads=4, seed=11)
    assert np.array_equal(first.record.sample, again.record.sample)
    assert list(first.variables) == list(again.variables)


@pytest.mark.parametrize(("name", "kind"), CASES, ids=IDS)
def test_one_seed_range(name, kind, leap):
    target = target_for(kind)
    reads = len(call(name, kind, target, num_reads=1, seed=MAX_SEED))
    assert reads == 1 if registry.get(name).reads_as_asked else reads >= 1
    for bad in (-1, MAX_SEED + 1, 1.5):
        with pytest.raises(ValueError, match="seed"):
            call(name, kind, target, num_reads=1, seed=bad)


@pytest.mark.parametrize(("name", "kind"), CASES, ids=IDS)
def test_initial_states_are_honoured_where_declared(name, kind):
    sampler = registry.get(name).create()
    if "initial_states" not in parameters_for(sampler, kind):
        pytest.skip(f"{name} declares no initial_states for {kind}")
    if kind == "native":
        pytest.skip("native initial states: tests/samplers/test_native_sa.py and test_pimc.py")
    assert name in COLD, f"add cold settings for {name!r} to COLD to test its initial_states"
    if COLD[name] is None:
        pytest.skip(f"{name} returns the best state it visits, not where it started")
    # three pairs locked by J = -20, a field of 0.5 favouring -1: (+1, +1, -1, -1, +1, +1) is
    # a local minimum 2 above the ground state, behind barriers of 40; a sampler that ignored
    # the start would land in it on all five reads with probability about 8^-5
    labels = list(range(6))
    fields = {v: 0.5 for v in labels}
    pairs = {(0, 1): -20.0, (2, 3): -20.0, (4, 5): -20.0}
    if kind == "polynomial":
        terms = {**{(v,): h for v, h in fields.items()}, **pairs}
        target = dimod.BinaryPolynomial(terms, dimod.SPIN)
    else:
        target = dimod.BQM(fields, pairs, 0.0, "SPIN")
    start = np.tile([1, 1, -1, -1, 1, 1], (5, 1))
    sampleset = call(
        name, kind, target, num_reads=5, seed=2, initial_states=(start, labels), **COLD[name]
    )
    order = [list(sampleset.variables).index(v) for v in labels]
    assert (sampleset.record.sample[:, order] == start).all()


@pytest.mark.parametrize(
    "name", [n for n in LOCAL if registry.get(n).max_variables], ids=lambda n: n
)
def test_declared_size_limit_is_enforced(name):
    entry = registry.get(name)
    kind, limit = next(iter(entry.max_variables.items()))
    if kind == "native":
        target = BinaryPerceptron(limit + 1, np.ones((1, limit + 1)), np.ones(1))
    else:
        target = dimod.BQM({v: 1.0 for v in range(limit + 1)}, {}, 0.0, "SPIN")
    with pytest.raises(ResourceError, match=str(limit)):
        call(name, kind, target, num_reads=1, seed=0)


@pytest.mark.parametrize("name", list(registry.REGISTRY), ids=lambda n: n)
def test_class_is_importable_from_qanneal_samplers(name):
    cls = type(registry.get(name).create())  # a Leap sampler connects only when it samples
    assert getattr(qanneal.samplers, cls.__name__) is cls
    assert cls.__name__ in qanneal.samplers.__all__


def test_capabilities_are_consistent():
    for name, entry in registry.REGISTRY.items():
        assert set(entry.targets) <= set(TARGET_KINDS), name
        assert set(entry.max_variables) <= set(entry.targets), name
        assert entry.sweep_cost in registry.SWEEP_COSTS, name
        assert not entry.consumes_qpu or entry.via_leap, name
        sampler = entry.create()
        for kind in entry.targets:
            assert ("num_sweeps" in parameters_for(sampler, kind)) == entry.has_sweeps, (name, kind)

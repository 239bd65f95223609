"""Problem files → problems: schema checks, data, and formulations that agree with the loss."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qanneal import solve
from qanneal._states import all_states
from qanneal.errors import FormulationError, ProblemFileError, ResourceError, SamplerError
from qanneal.problem import load_problem, memory_estimate, problem_from_dict
from qanneal.spec import validate


def perceptron_doc(**sections):
    doc = {
        "model": {"type": "perceptron", "inputs": 11},
        "data": {"source": "random", "alpha": 0.5, "seed": 1},
    }
    for name, values in sections.items():
        doc.setdefault(name, {}).update(values)
    return doc


@given(
    loss=st.sampled_from(["errors", "perclinear", "hinge", "quadratic", "bce"]),
    margin=st.sampled_from([0.0, 1.0, 2.0]),
    data_seed=st.integers(0, 1000),
    weight_seed=st.integers(0, 1000),
    binn=st.booleans(),
)
@settings(max_examples=40)
def test_native_energy_is_the_model_loss(loss, margin, data_seed, weight_seed, binn):
    model = (
        {"type": "binn", "inputs": 4, "hidden": [4]}
        if binn
        else {"type": "perceptron", "inputs": 7}
    )
    problem = problem_from_dict(
        {
            "model": model,
            "data": {"source": "teacher", "patterns": 9, "seed": data_seed},
            "loss": {"type": loss, "margin": margin},
        }
    )
    w = np.random.default_rng(weight_seed).choice([-1, 1], problem.model.num_variables)
    assert problem.model.energy(w) == pytest.approx(problem.model.energy(w[None, :])[0])
    sample = dict(zip(problem.model.variables, w.tolist(), strict=True))
    assert problem.decode(sample).tolist() == w.tolist()
    assert problem.errors(w) == int((problem.model.stabilities(w) <= 0).sum())


@given(
    margin=st.sampled_from([0.0, 2.0]),
    data_seed=st.integers(0, 1000),
    weight_seed=st.integers(0, 1000),
)
@settings(max_examples=30)
def test_slack_energy_agrees_with_the_loss(margin, data_seed, weight_seed):
    """At the best slack bits, the slack QUBO energy is the squared hinge Σ max(0, κ'−Δ)²,
    which is zero exactly when the hinge loss (margin κ ≤ κ') is zero on ±1 data."""
    problem = problem_from_dict(
        perceptron_doc(
            loss={"type": "hinge", "margin": margin},
            formulation={"type": "slack"},
            data={"seed": data_seed},
        )
    )
    w = np.random.default_rng(weight_seed).choice([-1, 1], 11)
    stabilities = problem.model.stabilities(w)
    sample = problem.slack.complete(w)
    kappa = problem.slack.kappa
    assert problem.bqm().energy(sample) == pytest.approx(
        (np.maximum(0, kappa - stabilities) ** 2).sum()
    )
    assert problem.decode(sample).tolist() == w.tolist()
    if problem.bqm().energy(sample) == 0:
        assert problem.model.energy(w) == 0 and problem.errors(w) == 0


def test_defaults_are_filled_and_alpha_sets_the_pattern_count():
    spec = validate(perceptron_doc(), "p.toml")
    assert spec["data"]["patterns"] == 6  # round(0.5 * 11)
    assert spec["solve"] == {
        "sampler": "sa",
        "num_reads": 10,
        "num_sweeps": None,  # the sampler's default rule picks it
        "seed": None,
        "params": {},
    }
    assert spec["model"]["bias"] is False and spec["loss"]["type"] == "errors"


def test_teacher_problem_is_reproducible_and_has_a_test_split():
    doc = perceptron_doc(data={"source": "teacher", "test_fraction": 0.2})
    first, second = problem_from_dict(doc), problem_from_dict(doc)
    assert (first.data.x_train == second.data.x_train).all()
    assert first.data.num_test == 2  # round(6 * 0.2 / 0.8)
    assert first.errors(first.data.teacher) == 0
    assert first.accuracy(first.data.teacher, "test") == 1.0
    assert problem_from_dict(perceptron_doc()).accuracy(first.data.teacher, "test") is None


def test_memory_refusal_happens_before_allocating():
    doc = perceptron_doc(model={"inputs": 200001}, data={"alpha": 5000.0})
    spec = validate(doc, "big.toml")
    assert memory_estimate(spec) > 1e13
    with pytest.raises(ResourceError, match="GiB"):
        problem_from_dict(doc)


def test_slack_memory_estimate_counts_couplings():
    native = validate(perceptron_doc(model={"inputs": 301}), "p")
    slack = validate(perceptron_doc(model={"inputs": 301}, formulation={"type": "slack"}), "p")
    assert memory_estimate(slack) - memory_estimate(native) > 64 * 400_000


@pytest.mark.parametrize(
    ("doc", "error", "message"),
    [
        (
            perceptron_doc(formulation={"type": "slack", "max_degree": 2}),
            ProblemFileError,
            "polynomial formulations",
        ),
        (
            perceptron_doc(formulation={"type": "walsh", "reduction": "rosenburg"}),
            ProblemFileError,
            "did you mean",
        ),
        (
            perceptron_doc(model={"inputs": 31}, formulation={"type": "walsh"}),
            ResourceError,
            "symmetric",
        ),
        (
            perceptron_doc(
                model={"type": "binn", "hidden": [2, 2]}, formulation={"type": "hidden"}
            ),
            FormulationError,
            "one hidden layer",
        ),
        (
            perceptron_doc(loss={"type": "perclinear"}, formulation={"type": "slack"}),
            FormulationError,
            "loss.type",
        ),
        (
            perceptron_doc(model={"type": "binn", "hidden": [2]}, formulation={"type": "slack"}),
            FormulationError,
            "perceptron",
        ),
        (perceptron_doc(model={"hidden": [2]}), ProblemFileError, "only for model.type = 'binn'"),
        (perceptron_doc(model={"type": "ising-ep"}), ProblemFileError, "run `qanneal ep"),
        (
            perceptron_doc(model={"type": "binn", "hidden": [3]}),
            ProblemFileError,
            "output fan-in",
        ),
        (
            perceptron_doc(model={"type": "binn", "hidden": []}),
            ProblemFileError,
            "at least one width",
        ),
        (
            perceptron_doc(model={"choices": ["activation"]}, formulation={"type": "slack"}),
            FormulationError,
            "cannot encode model.choices; use formulation 'native' or 'walsh' or 'hidden'",
        ),
        (
            perceptron_doc(model={"choices": ["dropout"]}),
            ProblemFileError,
            "only 'activation' for a perceptron",
        ),
        (
            perceptron_doc(model={"type": "binn", "hidden": [2], "choices": ["widht"]}),
            ProblemFileError,
            "did you mean 'width'",
        ),
        (
            perceptron_doc(model={"type": "binn", "hidden": [2], "choices": ["width", "width"]}),
            ProblemFileError,
            "lists a name twice",
        ),
        (
            perceptron_doc(model={"inputs": 16}, data={"source": "digits"}),
            ProblemFileError,
            "not used by source 'digits'",
        ),
        (perceptron_doc(data={"source": "digits"}), ProblemFileError, "has 16 features"),
        (perceptron_doc(data={"path": "x.csv"}), ProblemFileError, "only for source 'file'"),
        (perceptron_doc(solve={"num_reads": 0}), ProblemFileError, "num_reads = 0 must be > 0"),
        (perceptron_doc(model={"inputs": 11, "bias": True}), ProblemFileError, "odd"),
        (perceptron_doc(data={"alpha": float("inf")}), ProblemFileError, "finite"),
        (perceptron_doc(loss={"margin": float("nan")}), ProblemFileError, "finite"),
    ],
)
def test_bad_specs_raise_the_right_error(doc, error, message):
    with pytest.raises(error, match=message):
        problem_from_dict(doc)


def test_file_source_path_is_relative_to_the_problem_file(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "d.csv").write_text("a,b,c,label\n1,-1,1,1\n-1,-1,1,0\n1,1,1,1\n")
    (tmp_path / "p.toml").write_text(
        '[model]\ntype = "perceptron"\n[data]\nsource = "file"\npath = "data/d.csv"\n'
    )
    problem = load_problem(tmp_path / "p.toml")
    assert problem.model.num_inputs == 3 and problem.data.num_patterns == 3


def test_model_inputs_must_match_the_file(tmp_path):
    (tmp_path / "d.csv").write_text("1,-1,1\n-1,-1,0\n")
    (tmp_path / "p.toml").write_text(
        '[model]\ntype = "perceptron"\ninputs = 5\n[data]\nsource = "file"\npath = "d.csv"\n'
    )
    with pytest.raises(ProblemFileError, match=r"set model\.inputs = 2"):
        load_problem(tmp_path / "p.toml")


TINY_POLYNOMIALS = {
    "walsh": {
        "model": {"type": "perceptron", "inputs": 5},
        "data": {"source": "teacher", "patterns": 4, "seed": 3},
        "formulation": {"type": "walsh"},
    },
    "symmetric": {
        "model": {"type": "perceptron", "inputs": 5},
        "data": {"source": "teacher", "patterns": 4, "seed": 3},
        "formulation": {"type": "symmetric"},
    },
    "hidden": {
        "model": {"type": "binn", "inputs": 3, "hidden": [1], "bias": False},
        "data": {"source": "teacher", "patterns": 2, "seed": 2},
        "formulation": {"type": "hidden"},
    },
    "walsh-choices": {
        "model": {"type": "perceptron", "inputs": 3, "choices": ["activation"]},
        "data": {"source": "teacher", "patterns": 3, "seed": 1},
        "loss": {"type": "hinge", "margin": 1.0},
        "formulation": {"type": "walsh"},
    },
    "hidden-choices": {
        "model": {
            "type": "binn",
            "inputs": 3,
            "hidden": [1],
            "bias": False,
            "choices": ["dropout"],
        },
        "data": {"source": "teacher", "patterns": 2, "seed": 2},
        "formulation": {"type": "hidden"},
    },
}


@pytest.mark.parametrize("formulation", TINY_POLYNOMIALS)
@pytest.mark.parametrize("sampler", ["exact", "sa", "tabu", "pimc"])
def test_polynomial_formulations_solve_end_to_end(formulation, sampler):
    """Through the reduction (sa, tabu), over the polynomial's own variables (exact) or
    natively (pimc): a teacher exists, so the
    ground energy is 0 and every sampler must find a zero-error network here."""
    problem = problem_from_dict(TINY_POLYNOMIALS[formulation])
    record = solve(problem, sampler, num_reads=5, num_sweeps=200, seed=1, save=False)
    assert record["best"]["train_errors"] == 0
    assert record["best"]["energy"] == pytest.approx(0.0, abs=1e-9)
    weights = problem.model.weights_from_sample(
        np.concatenate([np.ravel(v) for v in record["best"]["weights"].values()])
    )
    assert problem.errors(weights) == 0
    if sampler in ("sa", "tabu"):
        assert record["reduction"]["method"] == "auto"
        assert record["reduction"]["bqm_variables"] == problem.bqm().num_variables
    else:
        assert "reduction" not in record


def test_exact_enumerates_a_polynomial_over_its_own_variables():
    """A BiNN 2-2-1 with biases has 9 weights; its walsh polynomial has 9 variables, its
    reduction to a BQM 29: exact enumerates the 2^9, not 2^29."""
    problem = problem_from_dict(
        {
            "model": {"type": "binn", "inputs": 2, "hidden": [2], "bias": True},
            "data": {"source": "teacher", "patterns": 6, "seed": 3},
            "formulation": {"type": "walsh"},
        }
    )
    assert len(problem.polynomial().variables) == 9 < problem.bqm().num_variables
    record = solve(problem, "exact", num_reads=3, seed=0, save=False)
    assert record["best"]["train_errors"] == 0 and record["num_reads"] == 3
    enumeration = [
        problem.polynomial().energy(dict(zip(problem.polynomial().variables, s, strict=True)))
        for s in all_states(9)
    ]
    assert record["min_energy"] == pytest.approx(min(enumeration))


def test_augmented_models_go_to_samplers_that_score_with_the_model():
    """The numba kernels know plain networks only; an augmented model on the native
    formulation is refused by them with the samplers that take it (exact scores it)."""
    doc = {
        "model": {"type": "binn", "inputs": 3, "hidden": [2], "choices": ["dropout", "width"]},
        "data": {"source": "teacher", "patterns": 3, "seed": 4},
    }
    problem = problem_from_dict(doc)
    assert problem.model_type == "augmented binn"
    with pytest.raises(SamplerError, match="samplers that can: exact"):
        solve(problem, "sa", num_reads=2, save=False)
    record = solve(problem, "exact", num_reads=1, save=False)
    assert record["best"]["train_errors"] == 0
    assert set(record["best"]["weights"]) == {"W1", "b1", "V", "c", "mask", "width"}

"""Perceptron and BiNN against explicit per-pattern loops."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qanneal.models import BinaryNeuralNetwork, BinaryPerceptron, sign
from qanneal.models.losses import LOSSES, pattern_losses


def loop_binn_output(net, weights, x):
    """Forward pass written out with Python loops, from the decoded named weights."""
    named = net.decode(weights)
    h = list(x)
    for layer in range(1, len(net.hidden) + 1):
        w = named[f"W{layer}"]
        b = named.get(f"b{layer}", np.zeros(len(w)))
        h = [
            1 if sum(w[j, i] * h[i] for i in range(len(h))) + b[j] >= 0 else -1
            for j in range(len(w))
        ]
    return sum(v * hj for v, hj in zip(named["V"], h, strict=True)) + named.get("c", [0])[0]


@st.composite
def binn_cases(draw):
    inputs = draw(st.integers(1, 4))
    hidden = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    bias = draw(st.booleans())
    seed = draw(st.integers(0, 2**16))
    return inputs, hidden, bias, seed


@given(binn_cases())
@settings(max_examples=40, deadline=None)
def test_binn_outputs_match_loops(case):
    inputs, hidden, bias, seed = case
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, size=(5, inputs)).astype(float)  # integer sums: exact ties
    y = rng.choice([-1, 1], 5)
    net = BinaryNeuralNetwork(inputs, x, y, hidden=hidden, bias=bias)
    weights = rng.choice([-1, 1], (3, net.num_variables)).astype(np.int8)
    batch = net.outputs(weights)
    for r in range(3):
        expected = [loop_binn_output(net, weights[r], x[mu]) for mu in range(5)]
        assert batch[r].tolist() == pytest.approx(expected)
        assert net.outputs(weights[r]).tolist() == pytest.approx(expected)


def test_binn_variable_names_and_decode_round_trip():
    net = BinaryNeuralNetwork(3, hidden=[2, 2], bias=True)
    assert net.variables[:7] == [
        "W1[0,0]",
        "W1[0,1]",
        "W1[0,2]",
        "W1[1,0]",
        "W1[1,1]",
        "W1[1,2]",
        "b1[0]",
    ]
    assert net.variables[-3:] == ["V[0]", "V[1]", "c"]
    weights = np.arange(net.num_variables) % 2 * 2 - 1
    named = net.decode(weights)
    assert named["W1"].shape == (2, 3) and named["W2"].shape == (2, 2) and named["c"].shape == (1,)
    flat = np.concatenate([named[k].ravel() for k in ("W1", "b1", "W2", "b2", "V", "c")])
    assert flat.tolist() == weights.tolist()


def test_sign_breaks_ties_towards_plus_one():
    assert sign(np.array([0.0, -0.0, 1e-300, -1e-300])).tolist() == [1, 1, 1, -1]


def test_perceptron_matches_definition():
    rng = np.random.default_rng(0)
    x = rng.choice([-1.0, 1.0], (7, 5))
    y = rng.choice([-1, 1], 7)
    model = BinaryPerceptron(5, x, y, bias=True, loss="hinge", margin=1)
    w = rng.choice([-1, 1], 6)
    stabilities = y * (x @ w[:5] + w[5])
    assert model.stabilities(w).tolist() == stabilities.tolist()
    assert model.energy(w) == pytest.approx(np.maximum(0, 1 - stabilities).sum())
    assert model.errors(w) == int((stabilities <= 0).sum())
    assert model.accuracy(w) == pytest.approx(1 - model.errors(w) / 7)
    assert model.predict(w, x).tolist() == np.where(x @ w[:5] + w[5] >= 0, 1, -1).tolist()


@pytest.mark.parametrize("loss", LOSSES)
def test_batch_energy_equals_single_energies(loss):
    rng = np.random.default_rng(1)
    net = BinaryNeuralNetwork(
        3, rng.normal(size=(6, 3)), rng.choice([-1, 1], 6), hidden=[2], loss=loss
    )
    weights = rng.choice([-1, 1], (4, net.num_variables))
    batch = net.energy(weights)
    assert batch == pytest.approx([net.energy(w) for w in weights])
    expected = pattern_losses(net.stabilities(weights[0]), loss, fan_in=net.fan_in).sum()
    assert batch[0] == pytest.approx(expected)


def test_teacher_weights_have_zero_errors_on_their_own_labels():
    rng = np.random.default_rng(2)
    x = rng.choice([-1.0, 1.0], (20, 4))
    teacher = BinaryNeuralNetwork(4, hidden=[3], bias=True)
    w = rng.choice([-1, 1], teacher.num_variables)
    student = BinaryNeuralNetwork(4, x, teacher.predict(w, x), hidden=[3], bias=True)
    # with fan-in 3 + 1 (even) the output can be 0: predict labels such a pattern +1, but the
    # scoring convention counts a tie as an error, so the teacher's errors are its ties
    ties = student.outputs(w) == 0
    assert student.errors(w) == int(ties.sum())


def test_wrong_weight_length_is_refused():
    model = BinaryPerceptron(3)
    with pytest.raises(ValueError, match="3"):
        model.outputs(np.ones(4), np.ones((1, 3)))


def test_exhaustive_errors_match_loop_for_tiny_perceptron():
    x = np.array([[1, -1, 1], [-1, -1, 1]], dtype=float)
    y = np.array([1, -1])
    model = BinaryPerceptron(3, x, y)
    for w in itertools.product([-1, 1], repeat=3):
        loop = sum(1 for mu in range(2) if y[mu] * np.dot(x[mu], w) <= 0)
        assert model.errors(np.array(w)) == loop


def test_activation_choice_selects_identity_or_sign_output():
    x, y = np.array([[1.0, 1, 1], [1, -1, -1]]), np.array([1, -1])
    model = BinaryPerceptron(3, x, y, loss="hinge", margin=2.0, choices=["activation"])
    assert model.variables == ["w[0]", "w[1]", "w[2]", "act"]
    w = np.array([1, 1, 1], dtype=np.int8)
    linear = BinaryPerceptron(3, x, y, loss="hinge", margin=2.0)
    assert model.outputs(np.append(w, 1)).tolist() == linear.outputs(w).tolist() == [3.0, -1.0]
    assert model.outputs(np.append(w, -1)).tolist() == [1.0, -1.0]
    # hinge with margin 2 on Δ = (3, 1) for act = +1 and (1, 1) for act = −1
    assert model.energy(np.array([[1, 1, 1, 1], [1, 1, 1, -1]])).tolist() == [1.0, 2.0]
    assert model.decode(np.array([1, -1, 1, -1]))["act"].tolist() == [-1]


def test_dropout_and_width_gate_the_last_hidden_layer():
    rng = np.random.default_rng(3)
    x, y = rng.choice([-1.0, 1.0], (5, 3)), rng.choice([-1, 1], 5)
    full = BinaryNeuralNetwork(3, x, y, hidden=[3], bias=True)
    gated = BinaryNeuralNetwork(3, x, y, hidden=[3], bias=True, choices=["dropout", "width"])
    assert gated.variables[full.num_variables :] == ["mask[0]", "mask[1]", "mask[2]", "width"]
    assert gated.num_weights == full.num_variables
    weights = rng.choice([-1, 1], (16, full.num_variables)).astype(np.int8)
    bits = rng.choice([-1, 1], (16, 4)).astype(np.int8)
    h = full.hidden_activations(weights)[-1]  # (R, P, H)
    v, c = full.layers(weights)[-1]
    keep = (bits[:, :3] > 0) & np.stack([np.ones(16, bool)] * 2 + [bits[:, 3] > 0], axis=1)
    expected = np.einsum("rph,rh->rp", h * keep[:, None, :], v[:, 0, :]) + c
    assert np.array_equal(gated.outputs(np.hstack([weights, bits])), expected)
    on = np.ones((16, 4), dtype=np.int8)  # every unit present: the plain network
    assert np.array_equal(gated.energy(np.hstack([weights, on])), full.energy(weights))
    decoded = gated.decode(np.hstack([weights[0], bits[0]]))
    assert decoded["mask"].tolist() == bits[0, :3].tolist()
    assert decoded["width"].tolist() == bits[0, 3:].tolist()


def test_unknown_or_repeated_choices_are_refused():
    with pytest.raises(ValueError, match="distinct names"):
        BinaryPerceptron(3, choices=["dropout"])
    with pytest.raises(ValueError, match="distinct names"):
        BinaryNeuralNetwork(3, hidden=[2], choices=["width", "width"])

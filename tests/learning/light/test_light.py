"""LIGHT: closed forms against the ODE, the sigmoid / Verhulst / Gompertz special cases,
continuity at T, monotonicity, bounds, the derivative, and the coupling schedules."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from qanneal.errors import QannealError, TrainingError
from qanneal.learning.light.neuron import (
    REGULATION_MODES,
    LightParams,
    light,
    light_activation,
    light_activation_grad,
    light_derivative,
    regulation_schedule,
)

T_GRID = np.linspace(-15.0, 25.0, 4001)


def rk4(params: LightParams, t0: float, n0: float, t1: float, steps: int = 4000) -> float:
    """Integrate the LIGHT ODE numerically (the definition, independent of the closed form)."""

    def rhs(t: float, n: float) -> float:  # autonomous in each phase: t picks the phase
        growth = params.r * n * (-math.log(n) if params.q == 0 else (1 - n**params.q) / params.q)
        return growth - (params.E * n if t >= params.T else 0.0)

    if t0 < params.T < t1:  # the right-hand side jumps at T: integrate each phase on its own
        return rk4(params, params.T, rk4(params, t0, n0, params.T, steps), t1, steps)
    h = (t1 - t0) / steps
    t, n = t0, n0
    for _ in range(steps):
        phase = t + h / 2  # evaluate every stage in the phase of the step's midpoint
        k1 = rhs(phase, n)
        k2 = rhs(phase, n + h / 2 * k1)
        k3 = rhs(phase, n + h / 2 * k2)
        k4 = rhs(phase, n + h * k3)
        n += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        t += h
    return n


def test_sigmoid_exactly() -> None:
    t = np.linspace(-30, 30, 601)
    values = light(t, r=1.0, E=0.0, T=0.0, q=1.0, N0=0.5)
    np.testing.assert_allclose(values, 1.0 / (1.0 + np.exp(-t)), rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(light_activation(t), values, rtol=0, atol=0)
    slope = np.exp(-t) / (1.0 + np.exp(-t)) ** 2  # σ(1 − σ) without cancellation
    np.testing.assert_allclose(light_activation_grad(t), slope, rtol=1e-10, atol=1e-300)


@pytest.mark.parametrize("r, n0", [(0.7, 0.2), (2.0, 0.9)])
def test_verhulst_at_q_one(r: float, n0: float) -> None:
    t = np.linspace(-10, 10, 201)
    verhulst = n0 * np.exp(r * t) / (1 - n0 + n0 * np.exp(r * t))
    np.testing.assert_allclose(light(t, r=r, E=0.0, T=3.0, q=1.0, N0=n0), verhulst, rtol=1e-12)
    # with harvesting: Verhulst with rate r − E and capacity 1 − E/r from N(T) on
    e, big_t = 0.3 * r, 3.0
    cap, n_t = 1 - e / r, n0 * np.exp(r * big_t) / (1 - n0 + n0 * np.exp(r * big_t))
    s = t[t >= big_t] - big_t
    rate = r - e
    expected = cap * n_t * np.exp(rate * s) / (cap - n_t + n_t * np.exp(rate * s))
    got = light(t[t >= big_t], r=r, E=e, T=big_t, q=1.0, N0=n0)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("q", [1e-3, 1e-6, 1e-12, 0.0])
def test_gompertz_as_q_to_zero(q: float) -> None:
    r, e, big_t, n0 = 1.3, 0.4, 2.0, 0.3
    t = np.linspace(-1.5, 15, 331)  # pointwise limit: far tails converge more slowly
    gompertz = np.exp(np.log(n0) * np.exp(-r * t))
    n_t = math.exp(math.log(n0) * math.exp(-r * big_t))
    after = np.maximum(t - big_t, 0.0)
    harvested = np.exp(-e / r + (math.log(n_t) + e / r) * np.exp(-r * after))
    expected = np.where(t >= big_t, harvested, gompertz)
    got = light(t, r=r, E=e, T=big_t, q=q, N0=n0)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0.5 * q + 1e-14)  # error O(q)
    assert LightParams(r=r, E=e, T=big_t, q=q, N0=n0).epsilon == pytest.approx(
        math.exp(-e / r), rel=10 * q + 1e-12
    )


@pytest.mark.parametrize(
    "params",
    [
        LightParams(r=1.0, E=0.5, T=2.0, q=1.0, N0=0.1),
        LightParams(r=0.8, E=0.6, T=1.0, q=0.5, N0=0.6),
        LightParams(r=2.0, E=0.3, T=0.5, q=2.5, N0=0.05),
        LightParams(r=1.0, E=0.2, T=1.5, q=0.0, N0=0.4),
    ],
)
def test_closed_form_solves_the_ode(params: LightParams) -> None:
    # integrate from 0 (N = N0) across the harvest time, up to t = 6
    for t_end in (params.T * 0.5, params.T, params.T + 1.0, 6.0):
        if t_end <= 0:
            continue
        assert float(light(t_end, params)) == pytest.approx(
            rk4(params, 0.0, params.N0, t_end), rel=1e-8
        )


def test_continuous_at_t_and_derivative_jump() -> None:
    params = LightParams(r=1.0, E=0.5, T=2.0, q=0.7, N0=0.3)
    below, at = light(np.array([2.0 - 1e-10, 2.0]), params)
    assert at == pytest.approx(below, abs=1e-9)
    d_below, d_at = light_derivative(np.array([2.0 - 1e-12, 2.0]), params)
    assert d_below - d_at == pytest.approx(params.E * at, rel=1e-6)


@given(
    r=st.floats(0.1, 3.0),
    q=st.floats(0.0, 3.0),
    n0=st.floats(0.01, 0.99),
    big_t=st.floats(0.0, 5.0),
    harvest_share=st.floats(0.0, 0.95),
)
@example(r=1.0, q=5e-324, n0=0.75, big_t=0.0, harvest_share=0.0)  # denormal q: Gompertz forms
def test_bounded_monotone_phases_and_limits(
    r: float, q: float, n0: float, big_t: float, harvest_share: float
) -> None:
    e = harvest_share * min(r / q, 5.0 * r) if q > 0 else harvest_share * 5.0 * r
    params = LightParams(r=r, E=e, T=big_t, q=q, N0=n0)
    values = light(T_GRID, params)
    assert np.all((values >= 0) & (values <= 1))
    growth = values[T_GRID < big_t]
    assert np.all(np.diff(growth) >= -1e-15)  # increasing before T
    harvest = values[T_GRID >= big_t]
    steps = np.diff(harvest)
    assert np.all(steps <= 1e-15) or np.all(steps >= -1e-15)  # monotone towards ε after T
    assert float(light(-1e4, params)) == pytest.approx(0.0, abs=1e-12)
    assert float(light(1e4, params)) == pytest.approx(params.epsilon, rel=1e-9)
    if e == 0:
        assert np.all(np.diff(values) >= -1e-15)  # a generalised sigmoid: monotone


@pytest.mark.parametrize("q", [0.0, 0.3, 1.0, 2.0])
def test_derivative_matches_finite_differences(q: float) -> None:
    params = LightParams(r=1.2, E=0.3, T=1.0, q=q, N0=0.4)
    t = np.array([-3.0, -0.5, 0.7, 1.5, 4.0])
    h = 1e-6
    numeric = (light(t + h, params) - light(t - h, params)) / (2 * h)
    np.testing.assert_allclose(light_derivative(t, params), numeric, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"r": 0.0},
        {"r": -1.0},
        {"q": -0.5},
        {"N0": 1.0},
        {"N0": 0.0},
        {"E": -0.1},
        {"E": 1.0, "q": 1.0, "r": 1.0},
        {"T": -1.0},
        {"r": math.nan},
        {"q": "1"},
    ],
)
def test_bad_parameters_are_errors(kwargs: dict[str, object]) -> None:
    with pytest.raises(TrainingError) as info:
        LightParams(**kwargs)  # type: ignore[arg-type]
    assert isinstance(info.value, QannealError)
    assert "LIGHT parameter" in str(info.value)
    assert "\n" not in str(info.value)


def test_regulation_schedules() -> None:
    progress = np.linspace(0, 1, 101)
    values = {
        m: np.array([regulation_schedule(m, 4.0)(s) for s in progress]) for m in REGULATION_MODES
    }
    assert np.all(values["none"] == 4.0)
    assert np.all(np.diff(values["growth"]) > 0)
    assert values["growth"][0] < 0.02 and values["growth"][-1] > 3.98
    assert np.all(np.diff(values["harvesting"]) <= 0)
    assert values["harvesting"][0] > 3.98 and values["harvesting"][-1] == pytest.approx(
        2.0, rel=1e-2
    )
    both = values["growth+harvesting"]
    peak = int(np.argmax(both))
    assert 0.4 < progress[peak] < 0.6
    assert np.all(np.diff(both[: peak + 1]) >= 0) and np.all(np.diff(both[peak:]) <= 0)
    with pytest.raises(TrainingError, match="regulation mode"):
        regulation_schedule("sideways", 1.0)
    with pytest.raises(TrainingError, match="rho_max"):
        regulation_schedule("none", -1.0)


# ---------------------------------------------------------------------------
# the experiment and its command line


def test_experiment_is_reproducible_from_its_seed() -> None:
    from qanneal.learning.light.experiment import run_light_experiment

    kwargs = {"runs": 2, "epochs": 2, "optimizers": ("adagrad",), "points": 80}
    a = run_light_experiment(seed=3, **kwargs)  # type: ignore[arg-type]
    b = run_light_experiment(seed=3, **kwargs)  # type: ignore[arg-type]
    c = run_light_experiment(seed=4, **kwargs)  # type: ignore[arg-type]
    assert a == b
    assert a["rows"] != c["rows"]
    rows = {(r["contestant"], r["run"], r["epoch"]) for r in a["rows"]}
    assert len(rows) == len(a["rows"]) == 5 * 2 * 3
    curve = a["curves"]["adagrad"]["growth"]["test_accuracy"]
    per_run = [
        r["test_accuracy"] for r in a["rows"] if r["contestant"] == "growth" and r["epoch"] == 2
    ]
    assert curve["mean"][2] == pytest.approx(np.mean(per_run))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"runs": 0}, "runs"),
        ({"optimizers": ("sgd", "lbfgs")}, "lbfgs"),
        ({"contestants": ()}, "none"),
    ],
)
def test_experiment_bad_input(kwargs: dict[str, object], message: str) -> None:
    from qanneal.learning.light.experiment import run_light_experiment

    with pytest.raises(TrainingError, match=message):
        run_light_experiment(**kwargs)  # type: ignore[arg-type]


def test_cli_experiment_light(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import json

    from click.testing import CliRunner

    from qanneal_cli.main import cli

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    args = ["experiment", "light", "--runs", "2", "--epochs", "3"]
    result = runner.invoke(cli, [*args, "--out", "out"])
    assert result.exit_code == 0, result.output
    assert "growth+harvesting" in result.output and "Δ vs sigmoid" in result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["light.json", "light_accuracy.png", "light_epochs.csv", "light_fig2.png"]
    saved = json.loads((tmp_path / "out" / "light.json").read_text())
    assert saved["settings"]["runs"] == 2 and len(saved["summary"]) == 15
    assert (tmp_path / "out" / "light_fig2.png").read_bytes()[:4] == b"\x89PNG"
    # never overwrite: the same --out again is an error, exit 2, one line
    again = runner.invoke(cli, [*args, "--out", "out"])
    assert again.exit_code == 2 and again.output.startswith("error: ")
    assert "already exist" in again.output and again.output.count("\n") == 1
    one = runner.invoke(
        cli,
        [
            *args,
            "--optimizer",
            "sgd",
            "--mode",
            "sigmoid",
            "--mode",
            "growth",
            "--json",
            "--seed",
            "5",
        ],
    )
    assert one.exit_code == 0, one.output
    document = json.loads(one.stdout)
    assert set(document["curves"]["sgd"]) == {"sigmoid", "growth"}
    assert document["settings"]["seed"] == 5 and document["files"] == []
    two = runner.invoke(
        cli,
        [
            *args,
            "--optimizer",
            "sgd",
            "--mode",
            "sigmoid",
            "--mode",
            "growth",
            "--json",
            "--seed",
            "5",
        ],
    )
    assert json.loads(two.stdout)["summary"] == document["summary"]
    bad = runner.invoke(cli, ["experiment", "light", "--optimizer", "lbfgs"])
    assert bad.exit_code == 2

"""PNG figures of a comparison (matplotlib, the ``plot`` extra, imported lazily).

One set per problem: success vs budget, TTS99 vs budget, residual energy vs sweeps,
overlap histograms, local-entropy curves, and (with a load scan) success vs α. Each is
readable on its own: title, axes with units, legend, confidence intervals as bands.
Files are written as new files (never overwriting); :func:`write_figures` returns
``{name: path}``.
"""

from __future__ import annotations

import io
import itertools
import math
from pathlib import Path
from typing import Any

from qanneal.compare.jobs import write_output

COLORS = ("tab:blue", "tab:red", "tab:green", "tab:purple", "tab:orange", "tab:brown")


def _figure(title: str) -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 4.2), layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(title, fontsize=10)
    axes.grid(True, alpha=0.3)
    return figure, axes


def _save(figure: Any, path: Path) -> Path:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    write_output(path, buffer.getvalue())
    return path


def _num(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _series(groups: list[dict[str, Any]], problem: str) -> dict[str, list[dict[str, Any]]]:
    series: dict[str, list[dict[str, Any]]] = {}
    for group in groups:
        if group["problem"] == problem and group["alpha"] is None:
            series.setdefault(group["contestant"], []).append(group)
    return {c: sorted(g, key=lambda g: g["budget"]) for c, g in sorted(series.items())}


def _sweeps(group: dict[str, Any]) -> float:
    """Budget of a group in sweeps (a default-protocol group: the sweeps its rule chose)."""
    return float(group["budget"] or group["cost_per_read"]["sweeps"])


def _band(
    axes: Any,
    x: list[float],
    mid: list[float],
    low: list[float],
    high: list[float],
    color: str,
    label: str,
) -> None:
    axes.plot(x, mid, "o-", color=color, label=label)
    axes.fill_between(x, low, high, color=color, alpha=0.2, linewidth=0)


def success_vs_budget(summary: dict[str, Any], problem: str, path: Path) -> Path:
    figure, axes = _figure(f"{problem}: success probability vs budget (95% bootstrap CI)")
    for k, (name, groups) in enumerate(_series(summary["groups"], problem).items()):
        x = [_sweeps(g) for g in groups]
        _band(
            axes,
            x,
            [g["success"]["value"] for g in groups],
            [g["success"]["low"] for g in groups],
            [g["success"]["high"] for g in groups],
            COLORS[k % len(COLORS)],
            name,
        )
    axes.set_xscale("log")
    axes.set_ylim(-0.02, 1.02)
    axes.set_xlabel("budget per read (sweeps)")
    axes.set_ylabel("success probability p_s")
    axes.legend(fontsize=8)
    return _save(figure, path)


def tts_vs_budget(summary: dict[str, Any], problem: str, path: Path) -> Path:
    figure, axes = _figure(f"{problem}: TTS99 vs budget (95% CI; ★ optimum)")
    optimum = summary["optimum"].get(problem, {})
    for k, (name, groups) in enumerate(_series(summary["groups"], problem).items()):
        color = COLORS[k % len(COLORS)]
        x = [_sweeps(g) for g in groups]
        tts = [g["tts"]["spin_updates"] for g in groups]
        _band(
            axes,
            x,
            [_num(t["value"]) for t in tts],
            [_num(t["low"]) for t in tts],
            [_num(t["high"]) if t["high"] is not None else math.nan for t in tts],
            color,
            name,
        )
        best = optimum.get(name, {}).get("spin_updates")
        if best:
            at = next(_sweeps(g) for g in groups if g["budget"] == best["budget"])
            axes.plot([at], [best["tts"]], "*", color=color, markersize=14)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("budget per read (sweeps)")
    axes.set_ylabel("TTS99 (single-spin updates)")
    axes.legend(fontsize=8)
    return _save(figure, path)


def residual_vs_sweeps(summary: dict[str, Any], problem: str, path: Path) -> Path:
    figure, axes = _figure(f"{problem}: residual energy vs sweeps (mean, 95% CI)")
    traces = summary["traces"].get(problem, {})
    series = _series(summary["groups"], problem)
    values = [_num(g["residual_energy"]["value"]) for gs in series.values() for g in gs]
    values += [v for t in traces.values() for v in t["residual_energy"]]
    positive = [v for v in values if v > 0]
    floor = 0.5 * min(positive) if positive else 1e-3  # a log axis cannot show 0
    for k, (name, groups) in enumerate(series.items()):
        color = COLORS[k % len(COLORS)]
        x = [g["budget"] for g in groups]
        res = [g["residual_energy"] for g in groups]
        _band(
            axes,
            x,
            [max(floor, _num(r["value"])) for r in res],
            [max(floor, _num(r["low"])) for r in res],
            [max(floor, _num(r["high"])) for r in res],
            color,
            f"{name}: end of an anneal of that length",
        )
        if name in traces:
            trace = traces[name]
            axes.plot(
                trace["sweeps"],
                [max(floor, v) for v in trace["residual_energy"]],
                "--",
                color=color,
                label=f"{name}: during one {trace['budget']}-sweep anneal (slice mean)",
            )
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("sweeps")
    axes.set_ylabel(f"energy above best known (formulation units; ≥ {floor:.2g} shown)")
    axes.legend(fontsize=7)
    return _save(figure, path)


def overlap_histograms(summary: dict[str, Any], problem: str, path: Path) -> Path:
    geometry = summary["geometry"][problem]
    figure, axes = _figure(
        f"{problem}: overlaps q between solutions found (N = {geometry['num_weights']})"
    )
    centres = None
    for k, (name, hist) in enumerate(sorted(geometry["overlaps"].items())):
        edges = hist["edges"]
        centres = [(a + b) / 2 for a, b in itertools.pairwise(edges)]
        total = sum(hist["counts"]) or 1
        axes.step(
            centres,
            [c / total for c in hist["counts"]],
            where="mid",
            color=COLORS[k % len(COLORS)],
            label=f"{name} vs {name} ({geometry['solutions'][name]} solutions)",
        )
    for k, (name, hist) in enumerate(sorted(geometry["cross_overlaps"].items())):
        total = sum(hist["counts"]) or 1
        edges = hist["edges"]
        centres = [(a + b) / 2 for a, b in itertools.pairwise(edges)]
        axes.step(
            centres,
            [c / total for c in hist["counts"]],
            where="mid",
            linestyle="--",
            color="black" if k == 0 else COLORS[-1 - k % len(COLORS)],
            label=name,
        )
    axes.set_xlabel("overlap q = (1/N) Σ w·w'  (Hamming distance d = N(1 − q)/2)")
    axes.set_ylabel("share of pairs")
    axes.set_xlim(-1, 1)
    axes.legend(fontsize=8)
    return _save(figure, path)


def local_entropy_curves(summary: dict[str, Any], problem: str, path: Path) -> Path:
    geometry = summary["geometry"][problem]
    figure, axes = _figure(f"{problem}: local entropy — share of solutions at distance d")
    for k, (name, curve) in enumerate(sorted(geometry["local_entropy"].items())):
        test = curve.get("test_accuracy")
        label = f"{name} (mean ± s.e. over {curve['solutions']} solutions"
        label += f", test acc. {test:.3f})" if test is not None else ")"
        # a log axis: distances where no sampled neighbour was a solution are left out
        shown = [i for i, f in enumerate(curve["fraction"]) if f > 0]
        errors = curve.get("fraction_sem")
        axes.errorbar(
            [curve["distance"][i] for i in shown],
            [curve["fraction"][i] for i in shown],
            yerr=None if errors is None else [errors[i] for i in shown],
            fmt="o-",
            capsize=3,
            color=COLORS[k % len(COLORS)],
            label=label,
        )
    axes.set_yscale("log")
    positive = [f for c in geometry["local_entropy"].values() for f in c["fraction"] if f > 0]
    if positive:  # error bars reaching 0 would stretch a log axis without end
        axes.set_ylim(0.3 * min(positive), 1.5)
    axes.set_xlabel("Hamming distance d from a found solution (weights flipped)")
    axes.set_ylabel("φ(d): share of neighbours that are solutions")
    axes.legend(fontsize=8)
    return _save(figure, path)


def success_vs_alpha(summary: dict[str, Any], problem: str, path: Path) -> Path:
    scan = summary["capacity"][problem]
    figure, axes = _figure(
        f"{problem}: success vs load α (N = {scan['num_inputs']}, {scan['budget']} sweeps)"
    )
    for k, (name, curve) in enumerate(sorted(scan["curves"].items())):
        s = curve["success"]
        _band(
            axes,
            curve["alpha"],
            [x["value"] for x in s],
            [x["low"] for x in s],
            [x["high"] for x in s],
            COLORS[k % len(COLORS)],
            name,
        )
    if scan["existence"]:
        rows = scan["existence"]
        axes.plot(
            [r["alpha"] for r in rows],
            [r["probability"] for r in rows],
            "s-",
            color="black",
            label=f"a solution exists (exact, {rows[0]['instances']} inst.)",
        )
    shares = scan.get("solvable_share_of_scan_instances")
    if shares:
        axes.plot(
            [float(a) for a in shares],
            list(shares.values()),
            "x:",
            color="black",
            label="share of the scanned instances with a solution (ceiling of success)",
        )
    axes.axvline(
        scan["capacity"],
        color="grey",
        linestyle=":",
        label=f"capacity α_c ≈ {scan['capacity']} (N → ∞)",
    )
    axes.set_xlabel("load α = P/N")
    axes.set_ylabel("probability")
    axes.set_ylim(-0.02, 1.02)
    axes.legend(fontsize=8)
    return _save(figure, path)


def tts_vs_size(summary: dict[str, Any], path: Path) -> Path:
    """TTS99 (spin updates) against N per contestant, with the fitted power law; an open
    marker is a lower bound (no read succeeded at that N)."""
    figure, axes = _figure("TTS99 vs problem size N (95% CI; open: lower bound; -- power law)")
    for k, (name, data) in enumerate(summary["scaling"]["contestants"].items()):
        color = COLORS[k % len(COLORS)]
        measured = [p for p in data["points"] if p.get("spin_updates", {}).get("value")]
        bounds = [p for p in data["points"] if p.get("spin_updates", {}).get("lower_bound")]
        if measured:
            x = [p["size"] for p in measured]
            mid = [p["spin_updates"]["value"] for p in measured]
            low = [mid[i] - _num(p["spin_updates"]["low"]) for i, p in enumerate(measured)]
            high = [_num(p["spin_updates"]["high"]) - mid[i] for i, p in enumerate(measured)]
            high = [h if math.isfinite(h) else 0.0 for h in high]
            axes.errorbar(x, mid, yerr=[low, high], fmt="o", color=color, label=name, capsize=3)
            fit = data["fits"]["spin_updates"]
            if fit["power"] is not None and len(measured) >= 2:
                grid = [min(x), max(x)]
                anchor = mid[0] / x[0] ** fit["power"]
                axes.plot(grid, [anchor * g ** fit["power"] for g in grid], "--", color=color)
        if bounds:
            axes.plot(
                [p["size"] for p in bounds],
                [p["spin_updates"]["lower_bound"] for p in bounds],
                "^",
                mfc="none",
                color=color,
                label=f"{name} (lower bound)",
            )
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("problem size N (variables)")
    axes.set_ylabel("TTS99 (single-spin updates)")
    axes.legend(fontsize=8)
    return _save(figure, path)


def write_figures(summary: dict[str, Any], directory: Path) -> dict[str, Path]:
    """Every figure of every problem as ``<problem>-<figure>.png`` in ``directory``, and
    ``scaling.png`` when the comparison spans problem sizes."""
    import matplotlib  # noqa: F401  (ImportError here: the plot extra is missing)

    written: dict[str, Path] = {}
    if summary.get("scaling"):
        written["scaling"] = tts_vs_size(summary, directory / "scaling.png")
    for problem in summary["problems"]:

        def target(kind: str, problem: str = problem) -> Path:
            return directory / f"{problem}-{kind}.png"

        written[f"{problem}-success"] = success_vs_budget(summary, problem, target("success"))
        written[f"{problem}-tts"] = tts_vs_budget(summary, problem, target("tts"))
        written[f"{problem}-residual"] = residual_vs_sweeps(summary, problem, target("residual"))
        geometry = summary["geometry"].get(problem)
        if geometry and any(geometry["solutions"].values()):
            written[f"{problem}-overlaps"] = overlap_histograms(
                summary, problem, target("overlaps")
            )
            if geometry["local_entropy"]:
                written[f"{problem}-local-entropy"] = local_entropy_curves(
                    summary, problem, target("local-entropy")
                )
        if problem in summary["capacity"]:
            written[f"{problem}-alpha"] = success_vs_alpha(summary, problem, target("alpha"))
    return written

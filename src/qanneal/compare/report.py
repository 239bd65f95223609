"""``report.md`` of a comparison: a table per problem, the figures, and one paragraph
of findings generated from the numbers (who wins at its optimal budget, and by how much).

Example:
    >>> fmt(1234.5), fmt(None), fmt(0.0123)
    ('1.23e+03', '∞', '0.0123')
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any


def fmt(value: float | None) -> str:
    """Three significant figures; None (∞ or undefined) as ∞."""
    if value is None or (isinstance(value, float) and math.isinf(value)):
        return "∞"
    if isinstance(value, float) and math.isnan(value):
        return "—"
    return f"{value:.3g}"


def _accuracy(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _interval(estimate: dict[str, Any]) -> str:
    return f"{fmt(estimate['value'])} [{fmt(estimate['low'])}, {fmt(estimate['high'])}]"


def tts_text(group: dict[str, Any], unit: str) -> str:
    """TTS99 in ``unit``; "n/a" for a contestant with no cost in it (spin updates of a
    variational circuit)."""
    if group["cost_per_read"][unit] is None:
        return "n/a"
    return fmt(group["tts"][unit]["value"])


def _table(groups: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| contestant | budget (sweeps) | reads | p_s [95% CI] | p_s per instance | TTS99 sweeps | "
        "TTS99 spin updates | TTS99 s | residual energy | train acc. typical / best | "
        "test acc. typical / best |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for g in groups:
        test = g["test_accuracy"]
        lines.append(
            f"| {g['contestant']} | {g['budget']} | {g['reads']} | {_interval(g['success'])} | "
            f"{' '.join(f'{p:.2f}' for p in g['success_per_instance'])} | "
            f"{fmt(g['tts']['sweeps']['value'])} | {tts_text(g, 'spin_updates')} | "
            f"{fmt(g['tts']['seconds']['value'])} | {_interval(g['residual_energy'])} | "
            f"{_accuracy(g['train_accuracy']['typical'])} / "
            f"{_accuracy(g['train_accuracy']['best'])} | "
            f"{_accuracy(test['typical'])} / {_accuracy(test['best'])} |"
        )
    return lines


def _same(best: float, other: float) -> bool:
    """A tie, not a win: ``other`` is less than 5% above ``best`` (the ratio would print as
    "1.0× less").

    >>> _same(100.0, 100.4), _same(100.0, 104.9), _same(100.0, 106.0)
    (True, True, False)
    """
    return other < 1.05 * best


def _winner(optimum: dict[str, Any], unit: str, what: str) -> str:
    ranked = sorted(
        ((name, found[unit]) for name, found in optimum.items() if found.get(unit)),
        key=lambda item: item[1]["tts"],
    )
    never = sorted(name for name, found in optimum.items() if unit in found and not found[unit])
    uncounted = sorted(name for name, found in optimum.items() if unit not in found)
    if not ranked and uncounted and not never:
        return f"{', '.join(uncounted)} flip(s) no spins: no TTS in {what}."
    if not ranked:
        return f"No contestant reached a solution at any budget, so no TTS in {what}."
    name, best = ranked[0]
    tied = [n for n, found in ranked[1:] if _same(best["tts"], found["tts"])]
    if tied:
        names = " and ".join(f"**{n}**" for n in [name, *tied])
        text = f"In {what}, {names} tie with TTS99 = {fmt(best['tts'])}"
    else:
        text = f"In {what}, **{name}** wins with TTS99 = {fmt(best['tts'])}"
    text += f" at {best['budget']} sweeps"
    if len(ranked) > len(tied) + 1:
        second, other = ranked[len(tied) + 1]
        text += (
            f", {other['tts'] / best['tts']:.1f}× less than {second} "
            f"({fmt(other['tts'])} at {other['budget']} sweeps)"
        )
        overlap = best["high"] is not None and other["low"] is not None
        if overlap and best["high"] >= other["low"]:
            text += "; the 95% intervals overlap, so the ranking is not resolved"
    if never:
        text += f"; {', '.join(never)} never succeeded (TTS = ∞)"
    if uncounted:
        text += f"; {', '.join(uncounted)} flips no spins and is not ranked in this unit"
    return text + "."


def _geometry_text(geometry: dict[str, Any] | None) -> str:
    if not geometry:
        return ""
    parts = []
    for name, hist in sorted(geometry["overlaps"].items()):
        if hist["mean"] is not None:
            parts.append(f"{name} solutions have mean mutual overlap {hist['mean']:.2f}")
    for name, curve in sorted(geometry["local_entropy"].items()):
        # the nearest distance separates dense from isolated minima best; a middle one too
        shown = sorted({0, len(curve["distance"]) // 2})
        shares = " and ".join(
            f"{curve['fraction'][k]:.1%} at distance {curve['distance'][k]}" for k in shown
        )
        text = f"around {name} solutions, {shares} of the weight vectors are solutions"
        if curve.get("test_accuracy") is not None:
            text += f" (their test accuracy {curve['test_accuracy']:.3f})"
        parts.append(text)
    return ("Geometry: " + "; ".join(parts) + ".") if parts else ""


def _capacity_text(scan: dict[str, Any] | None) -> str:
    if not scan:
        return ""
    parts = []
    for name, curve in sorted(scan["curves"].items()):
        failing = [
            a for a, s in zip(curve["alpha"], curve["success"], strict=True) if s["value"] < 0.5
        ]
        parts.append(
            f"{name} drops below 50% success at α = {failing[0]:g}"
            if failing
            else f"{name} stays above 50% success up to α = {max(curve['alpha']):g}"
        )
    text = "Load scan: " + "; ".join(parts)
    if scan["existence"]:
        solvable = [r["alpha"] for r in scan["existence"] if r["probability"] >= 0.5]
        text += (
            f"; a solution exists (exact enumeration) in at least half of the instances up to "
            f"α = {max(solvable):g}"
            if solvable
            else "; solutions rarely exist on this grid"
        )
    shares = scan.get("solvable_share_of_scan_instances")
    if shares:
        listed = ", ".join(f"{float(a):g}: {v:.2f}" for a, v in shares.items())
        text += f"; share of the scanned instances that have a solution, by α: {listed}"
    return text + f" (capacity α_c ≈ {scan['capacity']} for N → ∞)."


def findings(summary: dict[str, Any], problem: str) -> str:
    """One paragraph of findings for ``problem``, from the numbers."""
    optimum = summary["optimum"].get(problem, {})
    sentences = [
        _winner(optimum, "spin_updates", "single-spin updates (the fair budget)"),
        _winner(optimum, "seconds", "wall-clock seconds (this machine, one core per job)"),
    ]
    groups = [g for g in summary["groups"] if g["problem"] == problem and g["alpha"] is None]
    if groups:
        top = max(g["budget"] for g in groups)
        at_top = ", ".join(
            f"{g['contestant']} {g['success']['value']:.2f} (residual energy "
            f"{fmt(g['residual_energy']['value'])})"
            for g in groups
            if g["budget"] == top
        )
        sentences.append(f"At the largest budget ({top} sweeps) the success shares are {at_top}.")
    sentences.append(_geometry_text(summary["geometry"].get(problem)))
    sentences.append(_capacity_text(summary["capacity"].get(problem)))
    return " ".join(s for s in sentences if s)


def markdown(summary: dict[str, Any], figures: dict[str, Path], plot_note: str | None) -> str:
    """The whole report."""
    settings = summary["settings"]
    lines = [
        "# qanneal comparison",
        "",
        f"Contestants {', '.join(settings['samplers'])}; budgets "
        f"{', '.join(map(str, settings['budgets']))} sweeps; {settings['reads']} reads per job; "
        f"{settings['instances']} instance(s) per problem; seed {settings['seed']}. "
        "Success: zero training errors where some read reached them, else the best known "
        "energy. TTS99 = t·ln(0.01)/ln(1 − p_s) per read cost t; intervals are 95% "
        "bootstrap intervals over reads. A path-integral sweep over M slices counts as M·n "
        "spin updates.",
        "",
    ]
    if plot_note:
        lines += [f"*{plot_note}*", ""]
    for problem in summary["problems"]:
        groups = [g for g in summary["groups"] if g["problem"] == problem and g["alpha"] is None]
        lines += [f"## {problem}", "", "**Findings.** " + findings(summary, problem), ""]
        lines += [*_table(groups), ""]
        for name, path in figures.items():
            if name.startswith(f"{problem}-"):
                lines += [f"![{name}]({Path(path).name})", ""]
    return "\n".join(lines)

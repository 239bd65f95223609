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


def budget_text(group: dict[str, Any]) -> str:
    """A group's budget: sweeps, or "default (S)" for a sampler's own default protocol."""
    if group["budget"]:
        return str(group["budget"])
    return f"default ({fmt(group['cost_per_read']['sweeps'])})"


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
            f"| {g['contestant']} | {budget_text(g)} | {g['reads']} | "
            f"{_interval(g['success'])} | "
            f"{' '.join(f'{p:.2f}' for p in g['success_per_instance'])} | "
            f"{fmt(g['tts']['sweeps']['value'])} | {tts_text(g, 'spin_updates')} | "
            f"{fmt(g['tts']['seconds']['value'])} | {_interval(g['residual_energy'])} | "
            f"{_accuracy(g['train_accuracy']['typical'])} / "
            f"{_accuracy(g['train_accuracy']['best'])} | "
            f"{_accuracy(test['typical'])} / {_accuracy(test['best'])} |"
        )
    return lines


def _at(best: dict[str, Any]) -> str:
    return f"{best['budget']} sweeps" if best["budget"] else "its default protocol"


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
    text += f" at {_at(best)}"
    if len(ranked) > len(tied) + 1:
        second, other = ranked[len(tied) + 1]
        text += (
            f", {other['tts'] / best['tts']:.1f}× less than {second} "
            f"({fmt(other['tts'])} at {_at(other)})"
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
        size = f"{top} sweeps" if top else "the default protocols"
        sentences.append(f"At the largest budget ({size}) the success shares are {at_top}.")
    sentences.append(_geometry_text(summary["geometry"].get(problem)))
    sentences.append(_capacity_text(summary["capacity"].get(problem)))
    return " ".join(s for s in sentences if s)


def _law(fit: dict[str, Any]) -> str:
    """The two fitted growth laws of one contestant, with their intervals."""
    if fit["power"] is None:
        return "too few sizes with a success to fit"
    intervals = fit["intervals"]

    def band(key: str) -> str:
        return f" [{intervals[key][0]:.2f}, {intervals[key][1]:.2f}]" if intervals[key] else ""

    return (
        f"TTS99 ∝ N^{fit['power']:.2f}{band('power')}; log10 TTS99 grows "
        f"{fit['per_1000_inputs_log10']:.2f}{band('per_1000_inputs_log10')} per 1000 "
        f"inputs (sizes {', '.join(map(str, fit['sizes']))})"
    )


def scaling_section(scaling: dict[str, Any] | None, figures: dict[str, Path]) -> list[str]:
    """ "Scaling with N": TTS99 per size and contestant, the fitted laws, the verdict."""
    if not scaling:
        return []
    lines = [
        "## Scaling with N",
        "",
        "| N | contestant | budget | p_s [95% CI] | TTS99 spin updates [95% CI] | TTS99 s |",
        "|---|---|---|---|---|---|",
    ]
    for name, data in scaling["contestants"].items():
        for point in data["points"]:
            updates, seconds = point.get("spin_updates", {}), point.get("seconds", {})
            if updates.get("value") is None and updates.get("lower_bound"):
                tts = f"> {fmt(updates['lower_bound'])} (no success)"
            else:
                tts = f"{fmt(updates.get('value'))} [{fmt(updates.get('low'))}, " + (
                    f"{fmt(updates.get('high'))}]"
                )
            budget = point["budget"] or "default"
            lines.append(
                f"| {point['size']} | {name} | {budget} | {_interval(point['success'])} | "
                f"{tts} | {fmt(seconds.get('value'))} |"
            )
    lines.append("")
    for name, data in scaling["contestants"].items():
        fit = data["fits"].get("spin_updates")
        if fit:
            lines.append(f"- **{name}**: {_law(fit)} (single-spin updates).")
    verdict = []
    for entry in scaling["ratios"]:
        if entry["unit"] != "spin_updates":
            continue
        others = ", ".join(
            f"{'≥ ' if o['at_least'] else ''}{o['ratio']:.3g}x fewer than {name}"
            for name, o in entry["others"].items()
        )
        verdict.append(f"N = {entry['size']}: {entry['winner']} ({others})")
    if verdict:
        lines += ["", "**Who wins (TTS99 in single-spin updates).** " + "; ".join(verdict) + "."]
    if "scaling" in figures:
        lines += ["", f"![scaling]({Path(figures['scaling']).name})"]
    return [*lines, ""]


def markdown(summary: dict[str, Any], figures: dict[str, Path], plot_note: str | None) -> str:
    """The whole report."""
    settings = summary["settings"]
    lines = [
        "# qanneal comparison",
        "",
        f"Contestants {', '.join(settings['samplers'])}; budgets "
        f"{', '.join(str(b) if b else 'default' for b in settings['budgets'])} sweeps "
        f"(default: each sampler's own protocol); {settings['reads']} reads per job; "
        f"{settings['instances']} instance(s) per problem; seed {settings['seed']}. "
        "Success: zero training errors where some read reached them, else the best known "
        "energy. TTS99 = t·ln(0.01)/ln(1 − p_s) per read cost t; intervals are 95% "
        "bootstrap intervals over reads. Spin updates are what a sampler reports a read cost "
        "(qanneal's PIMC: M·n per move per sweep, cluster sweeps and final sweeps included), "
        "else sweeps × variables (× M slices for path-integral samplers).",
        "",
    ]
    if plot_note:
        lines += [f"*{plot_note}*", ""]
    lines += scaling_section(summary.get("scaling"), figures)
    for problem in summary["problems"]:
        groups = [g for g in summary["groups"] if g["problem"] == problem and g["alpha"] is None]
        lines += [f"## {problem}", "", "**Findings.** " + findings(summary, problem), ""]
        lines += [*_table(groups), ""]
        for name, path in figures.items():
            if name.startswith(f"{problem}-"):
                lines += [f"![{name}]({Path(path).name})", ""]
    return "\n".join(lines)

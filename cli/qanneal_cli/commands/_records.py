"""A run record as people read it: what ``qanneal solve`` prints after a run and what
``qanneal runs show`` prints for a saved one (the same lines for the same record).

Example:
    >>> time_text({"total_s": 0.42, "sampling_ns": 390_000_000, "compile_ns": 1_100_000_000})
    '0.42 s (sampling 0.39 s; not counted: 1.10 s compiling or loading kernels)'
    >>> time_text({"total_s": 28.4, "embedding_ns": 28_200_000_000, "sampling_ns": 110_000_000})
    '28.40 s (embedding 28.20 s, sampling 0.11 s)'
"""

from __future__ import annotations

import json
from typing import Any

SUMMARY_ONLY = ("sampleset", "problem_text")
"""Keys of a saved record that ``--json`` leaves out (the samples and the file's text)."""

WIDTH = 13


def summary(record: dict[str, Any]) -> dict[str, Any]:
    """The record without the bulky keys (what ``--json`` prints)."""
    return {k: v for k, v in record.items() if k not in SUMMARY_ONLY}


def time_text(timing: dict[str, Any]) -> str:
    """The run's time without compilation, split into embedding and sampling, saying how
    long compiling (or loading compiled) kernels took apart from it."""
    parts = [
        f"{label} {timing[key] / 1e9:.2f} s"
        for label, key in (("embedding", "embedding_ns"), ("sampling", "sampling_ns"))
        if timing.get(key)
    ]
    text = f"{timing['total_s']:.2f} s"
    if parts:
        text += f" ({', '.join(parts)}"
    compile_ns = timing.get("compile_ns") or 0
    if compile_ns >= 5_000_000:  # below 5 ms there is nothing worth mentioning
        text += "; " if parts else " ("
        text += f"not counted: {compile_ns / 1e9:.2f} s compiling or loading kernels"
    return text + (")" if parts or compile_ns >= 5_000_000 else "")


def format_weights(weights: dict[str, Any], limit: int = 24) -> list[str]:
    """One line per weight array: + and - signs, the first ``limit`` of them."""
    lines = []
    for name, values in weights.items():
        flat = _flatten(values)
        if not all(isinstance(v, int | float) for v in flat):
            continue
        shown = " ".join("+" if v > 0 else "-" for v in flat[:limit])
        more = f" … ({len(flat)} in all)" if len(flat) > limit else ""
        lines.append(f"{name} = {shown}{more}")
    return lines


def _flatten(values: Any) -> list[Any]:
    if isinstance(values, list):
        return [v for item in values for v in _flatten(item)]
    return [values]


def _short(value: Any) -> str:
    """A protocol value as text: floats to 4 significant digits, lists joined by '/'."""
    if isinstance(value, list):
        return "/".join(_short(v) for v in value)
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def protocol_text(protocol: dict[str, Any] | None) -> str | None:
    """The protocol a sampler's default rule chose, on one line: the rule (and the keys given
    instead of the rule's), then every short value; per-sweep lists and the seed are left
    out. None for samplers that have no default rule (their protocol is in the record).

    >>> protocol_text({"rule": "paper", "seed": 3, "trotter": 32, "moves": ["local"],
    ...                "given": ["trotter"], "gamma_values": [1.0, 0.8, 0.6, 0.4]})
    'paper (given: trotter); trotter 32, moves local'
    """
    if not protocol or "rule" not in protocol:  # samplers without a default rule: nothing
        return None
    shown = []
    for key, value in protocol.items():
        if key in ("rule", "seed", "given") or (isinstance(value, list) and len(value) > 3):
            continue
        shown.append(f"{key} {_short(value)}")
    rule, given = protocol.get("rule"), protocol.get("given")
    head = f"{rule} (given: {', '.join(given)})" if rule and given else rule
    return "; ".join(part for part in (head, ", ".join(shown)) if part)


def _qpu_rows(qpu: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (
            "qubits",
            f"{qpu['logical_qubits']} logical on {qpu['physical_qubits']} physical "
            f"(chains max {qpu['max_chain_length']}, mean {qpu['mean_chain_length']:.2f})",
        ),
        (
            "chains",
            f"strength {qpu['chain_strength']:.4g} ({qpu['chain_strength_method']}), "
            f"broken {qpu['chain_break_fraction']:.3f}, {qpu['chain_break_method']}",
        ),
    ]


def _exact_rows(
    exact: dict[str, Any] | None, feasibility: dict[str, Any] | None
) -> list[tuple[str, str]]:
    """The enumeration's ground state (and, for a CQM, how many states are feasible) and
    the share of reads that satisfy every constraint."""
    rows = []
    if exact and "feasible_states" in exact:
        ground = exact["ground_energy"]
        text = (
            "no feasible state"
            if ground is None
            else f"objective {ground:.6g}, reached by {exact['ground_degeneracy']}"
        )
        rows.append(
            ("ground", f"{text}; {exact['feasible_states']} of {exact['num_states']} feasible")
        )
    elif exact:
        rows.append(
            (
                "ground",
                f"energy {exact['ground_energy']:.6g}, reached by {exact['ground_degeneracy']} "
                f"of {exact['num_states']} states (degeneracy)",
            )
        )
    if feasibility:
        rows.append(
            (
                "feasible",
                f"{feasibility['feasible_share']:.2f} of reads satisfy all "
                f"{feasibility['constraints']} constraints",
            )
        )
    return rows


def _reads_text(record: dict[str, Any]) -> str:
    reads = record["num_reads"]
    requested = record.get("requested_reads", reads)
    if record.get("interrupted") and requested != reads:
        return f"{reads} of {requested} reads (interrupted)"
    return f"{reads} reads"


def solve_rows(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) rows of a ``qanneal solve`` record."""
    best = record["best"]
    test = best["test_accuracy"]
    reads = record["num_reads"]
    successes = round(record["success_rate"] * reads)
    rows = [
        ("problem", str(record["problem"])),
        (
            "run",
            f"{record['formulation']} formulation, sampler {record['sampler']}, "
            f"{_reads_text(record)}, {record['num_variables']} variables, seed {record['seed']}",
        ),
    ]
    protocol = protocol_text(record.get("protocol"))
    if protocol:
        rows.append(("protocol", protocol))
    if record.get("qpu"):
        rows += _qpu_rows(record["qpu"])
    rows.append(("best energy", f"{best['energy']:.6g}"))
    rows += _exact_rows(record.get("exact"), record.get("feasibility"))
    rows += [
        ("train errors", str(best["train_errors"])),
        ("train acc.", f"{best['train_accuracy']:.4f}"),
        ("test acc.", "— (no test data)" if test is None else f"{test:.4f}"),
        (
            "success",
            f"{record['success_rate']:.2f} ({successes} of {reads} reads with zero errors)",
        ),
        ("time", time_text(record["timing"])),
        ("record", str(record["record"])),
    ]
    if record.get("leap"):
        ids = ", ".join(str(i) for i in record["leap"]["problem_ids"])
        rows.append(("leap", f"{record['leap']['solver']}: problem {ids}"))
    rows += [("weights", line) for line in format_weights(best["weights"])]
    return rows


def ep_rows(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) rows of a ``qanneal ep`` record."""
    best, params = record["best"], record["parameters"]
    test = best["test_accuracy"]
    return [
        ("problem", str(record["problem"])),
        (
            "run",
            f"rule {params['rule']}, sampler {params['sampler']}, layers "
            f"{record['model']['layers']}, {params['epochs']} epochs, seed {record['seed']}",
        ),
        ("train acc.", f"{best['train_accuracy']:.4f} ({best['train_errors']} errors)"),
        ("test acc.", "—" if test is None else f"{test:.4f}"),
        ("mean cost", f"{best['energy']:.4g} (train, {record['evaluation']})"),
        ("time", f"{record['timing']['total_s']:.2f} s"),
        ("record", str(record["record"])),
        ("curve", str(record["curve"]) if record.get("curve") else "not written (--no-plot)"),
    ]


SOLVE_KEYS = ("problem", "formulation", "sampler", "num_reads", "num_variables", "seed", "best")


def record_rows(record: dict[str, Any]) -> list[tuple[str, str]]:
    """The rows of any saved record: ``qanneal solve``'s or ``qanneal ep``'s, else (a record
    written by other code) each key with its value as JSON.

    >>> record_rows({"run_id": "r1", "sampler": "sa", "parameters": {"beta": 2}})
    [('run_id', 'r1'), ('sampler', 'sa'), ('parameters', '{"beta": 2}')]
    """
    if (record.get("model") or {}).get("type") == "ising-ep":
        return ep_rows(record)
    if all(key in record for key in SOLVE_KEYS):
        return solve_rows(record)
    return [
        (key, value if isinstance(value, str) else json.dumps(value, default=str))
        for key, value in summary(record).items()
    ]


def format_rows(rows: list[tuple[str, str]]) -> str:
    """Rows as aligned text (labels padded to the longest)."""
    width = max([WIDTH, *(len(label) for label, _ in rows)])
    return "\n".join(f"{label:<{width}} {text}" for label, text in rows)

"""The files of a finished comparison: ``results.csv`` (one row per read), the PNG plots,
``report.md`` and — last, since it marks the comparison as finished — ``summary.json``.

They derive deterministically from the job log, so a file left by an interrupted attempt
is kept if identical (and is an error, never overwritten, if not).

Example:
    >>> results_csv([]).split(",")[:3]
    ['problem', 'instance', 'alpha']
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from qanneal.compare.jobs import write_output
from qanneal.extras import require

CSV_COLUMNS = (
    "problem",
    "instance",
    "alpha",
    "contestant",
    "budget",
    "seed",
    "read",
    "energy",
    "residual_energy",
    "errors",
    "success",
    "train_accuracy",
    "test_accuracy",
    "sweeps",
    "spin_updates",
    "seconds_per_read",
)


def results_csv(rows: list[dict[str, Any]]) -> str:
    """``results.csv`` text: one row per read."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row[k] is None else row[k]) for k in CSV_COLUMNS})
    return buffer.getvalue()


def write_outputs(
    directory: Path, summary: dict[str, Any], rows: list[dict[str, Any]], *, plots: bool = True
) -> list[Path]:
    """Write results.csv, the plots, report.md and summary.json into ``directory``; the
    paths written, in that order."""
    from qanneal.compare import report

    written = [directory / "results.csv"]
    write_output(written[0], results_csv(rows))
    figures: dict[str, Path] = {}
    plot_note = None
    if plots:
        require("plot", "the comparison's plots", "or pass --no-plots")
        from qanneal.compare import plots as plotting

        figures = plotting.write_figures(summary, directory)
    else:
        plot_note = "plots not requested"
    written += list(figures.values())
    written.append(directory / "report.md")
    write_output(written[-1], report.markdown(summary, figures, plot_note))
    written.append(directory / "summary.json")
    write_output(written[-1], json.dumps(summary, indent=2, default=str))
    return written

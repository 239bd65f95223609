"""Tests of run records: reloading, atomic never-overwriting writes, the SQLite index and
lookups by id prefix (Ctrl-C keeping the finished reads: tests/test_interrupt.py)."""

from __future__ import annotations

import copy
import json
import os
import re
import sqlite3
import stat
from pathlib import Path
from typing import Any

import dimod
import numpy as np
import pytest

import qanneal
from qanneal.errors import OutputError, RunNotFoundError
from qanneal.problem import Problem, problem_from_dict
from qanneal.results import INDEX, ensure_writable, list_runs, load_record, save_record

NATIVE = {
    "model": {"type": "perceptron", "inputs": 11},
    "data": {"source": "teacher", "alpha": 1.0, "seed": 3, "test_fraction": 0.2},
    "loss": {"type": "perclinear"},
}
SLACK = {
    "model": {"type": "perceptron", "inputs": 7},
    "data": {"source": "random", "patterns": 4, "seed": 1},
    "loss": {"type": "errors"},
    "formulation": {"type": "slack"},
}


@pytest.fixture(autouse=True)
def _work_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def native_problem() -> Problem:
    return problem_from_dict(copy.deepcopy(NATIVE))


def solved(out: Path, **kwargs: Any) -> dict[str, Any]:
    settings = {"num_reads": 4, "num_sweeps": 50, "seed": 1, "out_dir": out, **kwargs}
    return qanneal.solve(native_problem(), **settings)


def _leftovers(directory: Path) -> list[str]:
    """Temporary or probe files a writer may have left behind."""
    return sorted(
        p.name for p in directory.iterdir() if p.name.startswith(".") or p.name.endswith(".tmp")
    )


def _index_rows(directory: Path) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(directory / INDEX)
    try:
        return connection.execute("SELECT run_id, record FROM runs").fetchall()
    finally:
        connection.close()


# ---------------------------------------------------------------------------
# a saved record reloads


@pytest.mark.parametrize(("document", "sampler"), [(NATIVE, "sa"), (SLACK, "sa"), (SLACK, "tabu")])
def test_record_reloads_to_the_best_weights(
    tmp_path: Path, document: dict[str, Any], sampler: str
) -> None:
    problem = problem_from_dict(copy.deepcopy(document))
    out = tmp_path / "runs"
    record = qanneal.solve(problem, sampler, num_reads=6, num_sweeps=50, seed=2, out_dir=out)
    path = Path(record["record"])
    assert path == out / f"{record['run_id']}.json"
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["record"] == record["record"]
    assert saved["problem_text"] == problem.text
    assert saved["best"] == record["best"]

    sampleset = dimod.SampleSet.from_serializable(saved["sampleset"])
    assert len(sampleset) == record["num_reads"] == 6
    assert sampleset.variables.to_serializable() == (
        dimod.SampleSet.from_serializable(record["sampleset"]).variables.to_serializable()
    )
    reads = list(sampleset.data(["sample", "energy"], sorted_by=None))
    lowest = min(read.energy for read in reads)
    assert lowest == record["best"]["energy"]

    # the best read: lowest energy, ties broken by fewer training errors (first such read)
    decoded = [problem.decode(read.sample) for read in reads if read.energy == lowest]
    errors = [problem.errors(w) for w in decoded]
    best = decoded[errors.index(min(errors))]
    assert best.dtype == np.int8
    assert len(best) == problem.model.num_variables
    expected = {k: v.tolist() for k, v in problem.model.decode(best).items()}
    assert expected == saved["best"]["weights"]
    assert min(errors) == saved["best"]["train_errors"]
    assert problem.accuracy(best) == saved["best"]["train_accuracy"]
    assert problem.accuracy(best, "test") == saved["best"]["test_accuracy"]


def test_record_reloads_through_load_record(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    record = solved(out)
    loaded = load_record(out, record["run_id"])
    assert loaded == json.loads(json.dumps(record))
    first = dimod.SampleSet.from_serializable(loaded["sampleset"]).first
    weights = native_problem().decode(first.sample)
    assert loaded["best"]["energy"] == pytest.approx(first.energy)
    assert native_problem().model.energy(weights) == pytest.approx(first.energy)


# ---------------------------------------------------------------------------
# atomic, never overwritten, indexed once


def test_save_never_overwrites_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    record = solved(out, save=False)
    assert record["record"] is None
    path = save_record(record, out)
    assert path == out / f"{record['run_id']}.json"
    original = path.read_bytes()
    assert json.loads(original)["run_id"] == record["run_id"]

    clash = copy.deepcopy(record)
    clash["sampler"] = "tabu"
    clash["best"]["energy"] = -123.0
    with pytest.raises(OutputError, match=record["run_id"]):
        save_record(clash, out)
    assert path.read_bytes() == original
    assert _leftovers(out) == []
    assert sorted(p.name for p in out.iterdir()) == sorted([INDEX, path.name])

    rows = _index_rows(out)
    assert rows == [(record["run_id"], str(path))]
    listed = list_runs(out)
    assert len(listed) == 1
    assert listed[0]["sampler"] == "sa"
    assert listed[0]["best_energy"] == record["best"]["energy"]


def test_index_has_one_row_per_saved_run(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    records = [solved(out, seed=seed) for seed in (1, 2, 3)]
    rows = _index_rows(out)
    assert len(rows) == 3
    assert sorted(r[0] for r in rows) == sorted(r["run_id"] for r in records)
    listed = list_runs(out)
    assert [row["run_id"] for row in listed] == sorted(r["run_id"] for r in records)
    for row in listed:
        assert Path(row["record"]).exists()
        assert row["interrupted"] == 0
        assert row["num_reads"] == 4
    assert _leftovers(out) == []
    assert len(list(out.glob("*.json"))) == 3


def test_save_record_writes_exact_json(tmp_path: Path) -> None:
    record = {"run_id": "r1", "problem": "p", "sampler": "sa", "value": np.float64(0.5)}
    path = save_record(record, tmp_path / "out")
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "run_id": "r1",
        "problem": "p",
        "sampler": "sa",
        "value": 0.5,
        "record": str(path),
    }


# ---------------------------------------------------------------------------
# listing and lookups


def test_list_runs_on_missing_dir_is_empty(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    assert list_runs(missing) == []
    assert not missing.exists()


def test_load_record_prefixes(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    for run_id in ("20250101-000000-aaa111", "20250101-000000-aaa222", "20250101-000001-bbb"):
        save_record({"run_id": run_id, "problem": "p", "sampler": "sa"}, out)
    with pytest.raises(RunNotFoundError, match="2 runs"):
        load_record(out, "20250101-000000-aaa")
    with pytest.raises(RunNotFoundError, match="3 runs"):
        load_record(out, "2025")
    with pytest.raises(RunNotFoundError, match="no run"):
        load_record(out, "zzz")
    assert load_record(out, "20250101-000000-aaa2")["run_id"] == "20250101-000000-aaa222"
    assert load_record(out, "20250101-000001")["run_id"] == "20250101-000001-bbb"
    assert load_record(out, "20250101-000000-aaa111")["run_id"] == "20250101-000000-aaa111"


def test_load_record_from_another_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records saved under a relative --out are still found from elsewhere."""
    (tmp_path / "a").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    save_record({"run_id": "r1", "problem": "p", "sampler": "sa"}, "runs")
    monkeypatch.chdir(tmp_path)
    assert load_record(tmp_path / "a" / "runs", "r1")["run_id"] == "r1"


def test_load_record_missing_file_is_output_error(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    path = save_record({"run_id": "r1", "problem": "p", "sampler": "sa"}, out)
    path.unlink()
    with pytest.raises(OutputError, match=re.escape("r1.json")):
        load_record(out, "r1")


def test_ensure_writable_creates_nothing_and_saving_creates_the_directory(
    tmp_path: Path,
) -> None:
    target = tmp_path / "deep" / "er" / "runs"
    assert ensure_writable(target) == target
    assert list(tmp_path.iterdir()) == []  # a run that saves nothing leaves nothing
    save_record({"run_id": "r1", "problem": "p", "sampler": "sa"}, target)
    assert sorted(p.name for p in target.iterdir()) == [INDEX, "r1.json"]


def test_ensure_writable_refuses_unwritable_path(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)  # 0o500
    try:
        if os.access(locked, os.W_OK):  # running as root: a path under a file instead
            blocker = tmp_path / "some_file"
            blocker.write_text("x", encoding="utf-8")
            target = blocker / "runs"
        else:
            target = locked / "runs"
        with pytest.raises(OutputError, match="--out"):
            ensure_writable(target)
        with pytest.raises(OutputError):
            save_record({"run_id": "r1"}, target)
        with pytest.raises(OutputError):
            solved(target)
        assert not target.exists()
    finally:
        locked.chmod(stat.S_IRWXU)


def test_records_without_an_index_row_are_listed_and_indexed(tmp_path: Path) -> None:
    """A crash between the JSON and its index row, or a lost index: `runs list` shows the
    record again (and indexes it), `runs show` finds it."""
    from click.testing import CliRunner

    from qanneal_cli.main import cli

    first = save_record({"run_id": "20260101-000000-aaaaaa", "sampler": "sa"}, tmp_path)
    save_record({"run_id": "20260102-000000-bbbbbb", "sampler": "sa", "created": "x"}, tmp_path)
    with sqlite3.connect(tmp_path / INDEX) as connection:
        connection.execute("DELETE FROM runs WHERE run_id = '20260101-000000-aaaaaa'")
    connection.close()
    (tmp_path / "notes.json").write_text('{"not": "a record"}', encoding="utf-8")
    assert [r["run_id"] for r in list_runs(tmp_path)] == [
        "20260101-000000-aaaaaa",
        "20260102-000000-bbbbbb",
    ]
    with sqlite3.connect(tmp_path / INDEX) as connection:  # indexed again
        assert connection.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 2
    connection.close()
    (tmp_path / INDEX).unlink()
    result = CliRunner().invoke(cli, ["runs", "show", "20260101", "--out", str(tmp_path)])
    assert result.exit_code == 0 and str(first) in result.output


def test_damaged_or_locked_index_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from qanneal_cli.main import cli

    (tmp_path / INDEX).write_bytes(b"this is not an sqlite database" * 100)
    result = CliRunner().invoke(cli, ["runs", "list", "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "is damaged" in lines[0] and "move it aside" in lines[0]
    (tmp_path / INDEX).unlink()
    save_record({"run_id": "r1", "sampler": "sa"}, tmp_path)
    import qanneal.results as results

    monkeypatch.setattr(results, "BUSY_TIMEOUT_S", 0.1)  # not 30 s in a test
    holder = sqlite3.connect(tmp_path / INDEX)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = CliRunner().invoke(cli, ["runs", "list", "--out", str(tmp_path)])
    finally:
        holder.close()
    assert result.exit_code == 2 and "is locked by another process" in result.stderr

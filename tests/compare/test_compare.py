"""compare(): jobs, seeds, resume after interruption, plug-in contestants, Dask."""

import json

import numpy as np
import pytest

from qanneal.compare import aggregate
from qanneal.compare.contestants import CONTESTANTS, Reads, register_contestant
from qanneal.compare.jobs import JobLog, ProblemSource
from qanneal.compare.study import compare, plan_jobs
from qanneal.errors import OutputError, SamplerError

TINY = {
    "model": {"type": "perceptron", "inputs": 9},
    "data": {"source": "random", "alpha": 0.5, "seed": 2},
    "loss": {"type": "perclinear"},
}
FAST = {"pimc": {"trotter": 4}}


def tiny_source(label="tiny"):
    return ProblemSource.from_dict(TINY, label=label)


@pytest.fixture
def counting():
    """A plug-in contestant (random guessing) that records the jobs it ran."""
    calls = []

    def guess(problem, budget, reads, seed, params):
        if budget > 1:  # budget 1 is the untimed warm-up call
            calls.append((problem.spec["data"]["seed"], budget))
        rng = np.random.default_rng(seed)
        weights = rng.choice(np.array([-1, 1], dtype=np.int8), (reads, problem.num_variables))
        return Reads(
            weights,
            np.asarray(problem.model.energy(weights)),
            budget,
            budget * problem.num_variables,
            0.001,
        )

    register_contestant("guess", guess)
    yield calls
    CONTESTANTS.pop("guess")


def test_every_contestant_gets_the_same_seed_for_the_same_problem_and_budget():
    jobs = plan_jobs({"tiny": tiny_source()}, ["sa", "pimc"], [10, 20], 3, instances=2)
    assert len(jobs) == 2 * 2 * 2
    seeds = {}
    for job in jobs:
        seeds.setdefault((job.instance, job.budget), set()).add(job.seed)
    assert all(len(s) == 1 for s in seeds.values())
    assert len({next(iter(s)) for s in seeds.values()}) == 4


def test_groups_hold_the_metrics_of_their_reads():
    result = compare([tiny_source()], ["sa", "pimc"], [10, 40], reads=6, params=FAST, seed=1)
    rows = result.rows
    assert len(rows) == 4 * 6
    for group in result.summary["groups"]:
        mine = [
            r
            for r in rows
            if (r["contestant"], r["budget"]) == (group["contestant"], group["budget"])
        ]
        assert group["success"]["value"] == pytest.approx(np.mean([r["success"] for r in mine]))
        assert group["reads"] == 6
    pimc = next(g for g in result.summary["groups"] if g["contestant"] == "pimc")
    sa = next(g for g in result.summary["groups"] if g["contestant"] == "sa")
    # a PIMC sweep is 4 slices × 9 spins for each of its two moves (the perceptron rule's
    # local + cluster), then 20 classical sweeps of the 4 slices; an SA sweep 9 spins
    assert pimc["cost_per_read"]["spin_updates"] == (10 * 2 + 20) * 4 * 9
    assert sa["cost_per_read"]["spin_updates"] == 10 * 9
    assert "pimc" in result.summary["traces"]["tiny"]
    assert min(r["residual_energy"] for r in rows) == 0.0


def test_success_falls_back_to_the_best_known_energy_without_a_perfect_read():
    results = [
        {
            "key": "k",
            "problem": "p",
            "instance": 0,
            "alpha": None,
            "contestant": "x",
            "budget": 1,
            "seed": 0,
            "seconds": 1.0,
            "sweeps": 1,
            "spin_updates": 1,
            "reads": [
                {"energy": 2.0, "errors": 1, "train_accuracy": 0.5, "test_accuracy": None},
                {"energy": 3.0, "errors": 1, "train_accuracy": 0.5, "test_accuracy": None},
            ],
        }
    ]
    assert [r["success"] for r in aggregate.read_rows(results)] == [True, False]
    results[0]["alpha"] = 0.5  # a load scan counts learned patterns only
    assert [r["success"] for r in aggregate.read_rows(results)] == [False, False]


def test_resume_after_interruption_does_not_redo_finished_jobs(tmp_path, counting):
    out = tmp_path / "cmp"

    def stop_after_three(done, total):
        if done >= 3:
            raise KeyboardInterrupt

    first = compare(
        [tiny_source()],
        ["guess"],
        [5, 10, 15],
        reads=2,
        instances=2,
        out_dir=out,
        progress=stop_after_three,
        plots=False,
    )
    assert first.interrupted and first.summary is None
    assert len(JobLog(out).load()) == 3 and len(counting) == 3
    second = compare(
        [tiny_source()], ["guess"], [5, 10, 15], reads=2, instances=2, out_dir=out, plots=False
    )
    assert second.skipped_jobs == 3
    assert len(counting) == 6 and len(set(counting)) == 6  # each job ran exactly once
    assert (out / "summary.json").exists() and (out / "results.csv").exists()
    with pytest.raises(OutputError, match="finished comparison"):
        compare([tiny_source()], ["guess"], [5], reads=2, out_dir=out)


def test_a_different_comparison_in_the_same_directory_is_refused(tmp_path, counting):
    out = tmp_path / "cmp"
    compare(
        [tiny_source()],
        ["guess"],
        [5],
        reads=2,
        out_dir=out,
        progress=lambda done, total: (_ for _ in ()).throw(KeyboardInterrupt) if done else None,
    )
    with pytest.raises(OutputError, match="other settings \\(budgets, jobs differ\\)"):
        compare([tiny_source()], ["guess"], [7], reads=2, out_dir=out)


def test_bad_arguments():
    with pytest.raises(SamplerError, match="unknown contestant 'saa' \\(did you mean 'sa'"):
        compare([tiny_source()], ["saa"], [10])
    with pytest.raises(SamplerError, match="no sweep budget"):
        compare([tiny_source()], ["exact"], [10])
    with pytest.raises(SamplerError, match="budgets"):
        compare([tiny_source()], ["sa"], [-1])
    with pytest.raises(SamplerError, match="default protocol"):
        compare([tiny_source()], ["gd"], [0])
    with pytest.raises(SamplerError, match="cannot take formulation 'native'"):
        compare([tiny_source()], ["pimc-dwave"], [10])


def test_dask_local_cluster_gives_the_serial_results(tmp_path):
    distributed = pytest.importorskip("distributed")
    serial = compare([tiny_source()], ["sa", "pimc"], [10, 20], reads=3, params=FAST, seed=4)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = compare(
            [tiny_source()],
            ["sa", "pimc"],
            [10, 20],
            reads=3,
            params=FAST,
            seed=4,
            dask=client,
            out_dir=tmp_path / "d",
            plots=False,
        )
        by_address = compare(
            [tiny_source()], ["sa"], [10], reads=3, seed=4, dask=cluster.scheduler_address
        )

    def energies(result):
        return {r["key"]: [read["energy"] for read in r["reads"]] for r in result.results}

    assert energies(remote) == energies(serial)
    assert energies(by_address).items() <= energies(serial).items()
    logged = [json.loads(line) for line in (tmp_path / "d" / "jobs.jsonl").read_text().splitlines()]
    assert len(logged) == 4


def test_a_local_process_pool_gives_the_serial_results():
    serial = compare([tiny_source()], ["sa"], [5, 10], reads=2, seed=6)
    pooled = compare([tiny_source()], ["sa"], [5, 10], reads=2, seed=6, workers=2)
    assert sorted(r["key"] for r in pooled.results) == sorted(r["key"] for r in serial.results)
    for mine, theirs in zip(serial.results, pooled.results, strict=True):
        assert [r["energy"] for r in mine["reads"]] == [r["energy"] for r in theirs["reads"]]


def test_outputs_left_by_an_interrupted_write_are_kept_if_identical(tmp_path, counting):
    out = tmp_path / "cmp"
    compare([tiny_source()], ["guess"], [5], reads=2, out_dir=out, plots=False)
    (out / "summary.json").unlink()  # as if Ctrl-C came after report.md was written
    again = compare([tiny_source()], ["guess"], [5], reads=2, out_dir=out, plots=False)
    assert again.skipped_jobs == 1 and (out / "summary.json").exists()
    (out / "summary.json").unlink()
    (out / "report.md").write_text("a user's own notes")
    with pytest.raises(OutputError, match=r"report\.md already exists"):
        compare([tiny_source()], ["guess"], [5], reads=2, out_dir=out, plots=False)
    assert (out / "report.md").read_text() == "a user's own notes"


def test_sqa_openjij_contestant_on_a_slack_qubo():
    pytest.importorskip("openjij")
    slack = ProblemSource.from_dict(
        {**TINY, "loss": {"type": "errors"}, "formulation": {"type": "slack"}}, label="slack"
    )
    result = compare(
        [slack], ["sqa-openjij"], [20], reads=2, params={"sqa-openjij": {"trotter": 2}}
    )
    (group,) = result.summary["groups"]
    assert group["cost_per_read"]["spin_updates"] == 20 * 2 * slack.build().bqm().num_variables
    with pytest.raises(SamplerError, match="takes a BQM"):
        compare([tiny_source()], ["sqa-openjij"], [20], reads=1)


def test_instance_median_tts_by_hand():
    def job(instance, errors):
        reads = [
            {
                "energy": float(e),
                "errors": e,
                "train_accuracy": 1.0,
                "test_accuracy": None,
                "weights": "+",
            }
            for e in errors
        ]
        return {
            "key": f"k{instance}",
            "problem": "p",
            "instance": instance,
            "alpha": None,
            "contestant": "x",
            "budget": 10,
            "seed": 0,
            "seconds": 1.0,
            "sweeps": 10,
            "spin_updates": 10,
            "reads": reads,
        }

    results = [job(0, [0, 1]), job(1, [0, 0])]  # p_s = 0.5 and 1
    (group,) = aggregate.group_metrics(aggregate.read_rows(results), results, seed=0, resamples=100)
    tts_half = 10 * np.log(0.01) / np.log(0.5)
    assert group["tts_instance_median"]["sweeps"] == pytest.approx((tts_half + 10) / 2)
    assert group["success_per_instance"] == [0.5, 1.0]
    assert group["tts"]["sweeps"]["value"] == pytest.approx(10 * np.log(0.01) / np.log(0.25))


def test_an_augmented_model_is_not_given_to_the_plain_network_kernels():
    """`sa`'s numba kernel knows plain networks only: a model with choice bits must be
    refused (listing the samplers that score with the model), never silently mis-scored."""
    from qanneal.compare.contestants import sample_registry
    from qanneal.problem import problem_from_dict

    doc = {**TINY, "model": {**TINY["model"], "choices": ["activation"]}}
    problem = problem_from_dict(doc)
    with pytest.raises(SamplerError, match="samplers that can: exact, vqa"):
        sample_registry("sa", problem, 10, 2, 0, {})
    reads = sample_registry("vqa", problem, 5, 2, 0, {})
    np.testing.assert_allclose(reads.energies, problem.model.energy(reads.weights))


def test_a_circuit_contestant_has_no_spin_update_count():
    """vqa's sweeps are optimiser steps: its TTS exists in sweeps and seconds only, the
    report says n/a, and the ranking in spin updates neither includes it nor calls it a
    contestant that never succeeded."""
    from qanneal.compare.contestants import sample_registry
    from qanneal.compare.report import findings, tts_text
    from qanneal.problem import problem_from_dict

    doc = {**TINY, "model": {**TINY["model"], "inputs": 5}}
    reads = sample_registry("vqa", problem_from_dict(doc), 5, 2, 0, {"depth": 1})
    assert reads.spin_updates is None
    source = ProblemSource.from_dict(doc, label="tiny")
    result = compare([source], ["sa", "vqa"], [20], reads=4, params={"vqa": {"depth": 1}}, seed=3)
    vqa = next(g for g in result.summary["groups"] if g["contestant"] == "vqa")
    sa = next(g for g in result.summary["groups"] if g["contestant"] == "sa")
    assert vqa["cost_per_read"]["spin_updates"] is None
    assert vqa["tts"]["spin_updates"]["value"] is None
    assert tts_text(vqa, "spin_updates") == "n/a" and tts_text(sa, "spin_updates") != "n/a"
    assert "spin_updates" not in result.summary["optimum"]["tiny"]["vqa"]
    assert "sweeps" in result.summary["optimum"]["tiny"]["vqa"]
    text = findings(result.summary, "tiny")
    assert "vqa flips no spins and is not ranked in this unit" in text
    assert "vqa never succeeded" not in text.split("In wall-clock")[0]

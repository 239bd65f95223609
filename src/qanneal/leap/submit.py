"""Sending a plan's problems to Leap with the ledger written around every step.

A :class:`Session` sends (or, for a run found in the ledger, completes) each submission:
a ledger row is written *before* the upload, the Leap problem id as soon as it is known,
and only then does it wait for the answer. A submission that has an id is retrieved
(``retrieve_answer``); one that may have reached Leap is looked up by its label; one that
certainly did not is sent. So nothing is submitted twice.

Transient failures before a problem reaches Leap (refused connection, failed upload) are
retried :data:`RETRIES` times with exponential backoff from :data:`BACKOFF_S` seconds; a
transient failure while retrieving an answer is retried the same way.

Spin-reversal transforms go through dwave-preprocessing's
``SpinReversalTransformComposite`` with explicit, seeded transforms; its child sends
submission k on its k-th call, so the same code un-flips answers sent now and answers
retrieved later.
"""

from __future__ import annotations

import time
from typing import Any

import dimod
import numpy as np

from qanneal.leap import chains as chain_tools
from qanneal.leap import embedding as emb
from qanneal.leap.client import MaybeSubmitted, NotSubmitted, is_transient
from qanneal.leap.errors import (
    LeapError,
    LeapMaybeSubmitted,
    LeapProblemFailed,
    LeapProblemGone,
    LedgerError,
    translate,
)
from qanneal.leap.hybrid import sample_hybrid_plan
from qanneal.leap.ledger import Ledger
from qanneal.leap.plan import EMBEDDING_REPORT_KEYS, solver_parameters

RETRIES = 3
BACKOFF_S = 1.0


def _label(run: dict[str, Any], submission_id: str) -> str:
    user = run["plan"].get("label")
    return f"{user} [qanneal {submission_id}]" if user else f"qanneal {submission_id}"


class Session:
    """One pass over a run's submissions, with the ledger written around every step.

    ``resubmit``: the user's word (``qanneal leap fetch --resubmit``) that submissions which
    may be on Leap but cannot be found, or that Leap failed, are sent again.
    """

    def __init__(
        self,
        run: dict[str, Any],
        ledger: Ledger | None,
        connection: Any,
        *,
        resubmit: bool = False,
    ) -> None:
        self.run = run
        self.ledger = ledger
        self.connection = connection
        self.resubmit = resubmit
        self.rows = (
            {s["submission_id"]: s for s in ledger.submissions(run["run_id"])}
            if (ledger is not None)
            else {}
        )
        self.hint = f"`qanneal leap fetch {run['run_id']}` completes it"

    def _note(self, submission_id: str, **fields: Any) -> None:
        if self.ledger is not None:
            self.ledger.update_submission(submission_id, **fields)

    def _failed(self, submission_id: str, error: BaseException) -> LeapError:
        """Leap failed, cancelled or dropped the problem: the submission is ``failed``."""
        failure = translate(error)
        self._note(submission_id, state="failed", error=str(failure))
        run_id = self.run["run_id"]
        return type(failure)(
            f"{failure}; run {run_id} is marked failed: `qanneal leap fetch --resubmit {run_id}` "
            "sends it again (charged again)"
        )

    def _retrieve(self, submission_id: str, problem_id: str) -> dimod.SampleSet:
        for attempt in range(RETRIES + 1):
            try:
                return self.connection.retrieve(problem_id)
            except Exception as error:
                if is_permanent(error):
                    raise self._failed(submission_id, error) from None
                if attempt == RETRIES or not is_transient(error):
                    context = f"run {self.run['run_id']} is pending; {self.hint}"
                    raise translate(error, context) from None
                time.sleep(BACKOFF_S * 2**attempt)
        raise AssertionError("unreachable")

    def _known_problem(self, submission_id: str, row: dict[str, Any]) -> dict[str, Any] | None:
        """The row, with its problem id if Leap has it; None if it must be (re)sent."""
        if row["state"] == "failed":
            if not self.resubmit:
                raise LeapProblemFailed(
                    f"submission {submission_id} failed on Leap ({row['error']}); "
                    f"`qanneal leap fetch --resubmit {self.run['run_id']}` sends it again"
                )
            return None
        if row.get("problem_id") or row["state"] in ("not-submitted", "uploading"):
            return row  # an id to retrieve, or certainly never sent
        found = self.connection.find(row["label"])  # it may have reached Leap
        if found:
            self._note(submission_id, problem_id=found[0], state="pending")
            return {**row, "problem_id": found[0]}
        if not self.resubmit:
            raise LeapMaybeSubmitted(
                f"submission {submission_id} may be on Leap: it was being sent when the run "
                "stopped, and a lookup of its label finds nothing yet (Leap's problem list can "
                f"lag); run `qanneal leap fetch {self.run['run_id']}` again later, or "
                f"`qanneal leap fetch --resubmit {self.run['run_id']}` to send it again (it "
                "may then be charged twice)"
            )
        return None

    def obtain(
        self,
        position: int,
        purpose: str,
        target: Any,
        params: dict[str, Any],
        fingerprint: str | None = None,
    ) -> Any:
        """The answer of submission ``position`` (of ``target``: a BQM, CQM or nonlinear
        model): retrieved if Leap has it, else sent — never sent again when Leap may have
        it, unless ``resubmit``. ``fingerprint`` (a hash of ``target``) is recorded with a
        new submission and must match the recorded one for an old one."""
        submission_id = f"{self.run['run_id']}.{purpose}{position}"
        row = self.rows.get(submission_id)
        if row is not None and fingerprint is not None:
            recorded = (row.get("detail") or {}).get("target_sha256")
            if recorded is not None and recorded != fingerprint:
                raise LedgerError(
                    f"run {self.run['run_id']}: submission {submission_id} rebuilt differs from "
                    "the one sent (a different qanneal or Ocean version?), so its answer cannot "
                    "be used; solve the problem again"
                )
        if row is not None:
            row = self._known_problem(submission_id, row)
            if row is None:
                row = self._mark_resubmission(submission_id)
        if row is not None and row.get("problem_id"):
            answer = self._retrieve(submission_id, row["problem_id"])
            self._note(submission_id, state="answered")
            return answer
        label = row["label"] if row is not None else _label(self.run, submission_id)
        if row is None and self.ledger is not None:
            detail = {"target_sha256": fingerprint} if fingerprint is not None else None
            self.ledger.add_submission(self.run["run_id"], position, purpose, label, detail)
        submitted = self._submit(submission_id, target, label, params)
        self._note(submission_id, problem_id=submitted.problem_id, state="pending")
        try:
            answer = submitted.result()
        except Exception as error:
            if is_permanent(error):
                raise self._failed(submission_id, error) from None
            if not is_transient(error):
                context = f"run {self.run['run_id']} is pending; {self.hint}"
                raise translate(error, context) from None
            answer = self._retrieve(submission_id, submitted.problem_id)  # the id is known
        self._note(submission_id, state="answered")
        return answer

    def _mark_resubmission(self, submission_id: str) -> dict[str, Any]:
        """Record in the ledger that the user had this submission sent again."""
        row = self.rows[submission_id]
        history = list(row.get("detail", {}).get("resubmitted", []))
        history.append(
            {"problem_id": row.get("problem_id"), "label": row["label"], "state": row["state"]}
        )
        label = f"{_label(self.run, submission_id)} (resubmission {len(history)})"
        detail = {**row.get("detail", {}), "resubmitted": history}
        self._note(
            submission_id,
            label=label,
            problem_id=None,
            state="not-submitted",
            detail=detail,
            error=None,
        )
        return {**row, "label": label, "problem_id": None, "state": "not-submitted"}

    def _submit(self, submission_id: str, target: Any, label: str, params: dict[str, Any]) -> Any:
        # hybrid: the problem data is uploaded first; only the submit itself can put a
        # problem on Leap, so the row says 'uploading' until then
        first = "uploading" if self.connection.category == "hybrid" else "submitting"
        for attempt in range(1, RETRIES + 2):
            self._note(submission_id, attempts=attempt, state=first)
            try:
                return self.connection.submit(
                    target,
                    label,
                    params,
                    before_submit=lambda: self._note(submission_id, state="submitting"),
                )
            except NotSubmitted as refused:
                self._note(submission_id, state="not-submitted", error=str(refused))
                if not refused.transient or attempt > RETRIES:
                    raise translate(
                        refused.cause,
                        f"nothing reached Leap ({attempt} tries); after fixing it, {self.hint}",
                    ) from None
                time.sleep(BACKOFF_S * 2 ** (attempt - 1))
            except MaybeSubmitted as unsure:
                self._note(submission_id, state="submitting", error=str(unsure))
                raise translate(
                    unsure.cause,
                    f"the problem may have reached Leap and is not sent again; {self.hint} "
                    "(it looks the problem up by its label)",
                ) from None
        raise AssertionError("unreachable")


def is_permanent(error: BaseException) -> bool:
    """Leap failed or cancelled the problem, or no longer keeps it: retrying cannot help."""
    from dwave.cloud import exceptions as cloud

    if isinstance(error, LeapProblemFailed | LeapProblemGone):
        return True
    return isinstance(translate(error), LeapProblemGone) or isinstance(
        error, cloud.SolverFailureError | cloud.CanceledFutureError
    )


class _Child:
    """The child of SpinReversalTransformComposite: its k-th call is submission k."""

    def __init__(self, session: Session) -> None:
        self.parameters: dict[str, list[str]] = {}
        self.properties: dict[str, Any] = {}
        self.session = session
        self.position = 0
        self.infos: list[dict[str, Any]] = []

    def sample(self, bqm: dimod.BQM, **params: Any) -> dimod.SampleSet:
        answer = self.session.obtain(self.position, "run", bqm, params)
        self.position += 1
        self.infos.append(dict(answer.info))
        return answer


def _embed(bqm: dimod.BQM, plan: dict[str, Any], strength: float, connection: Any) -> Any:
    from dwave.embedding import EmbeddedStructure

    embedding = emb.as_embedding(bqm, plan["chains"])
    structure = EmbeddedStructure(connection.edgelist, embedding)
    return structure.embed_bqm(bqm, chain_strength=strength, smear_vartype=dimod.SPIN)


def _solver_params(plan: dict[str, Any], bqm: dimod.BQM, reads: int) -> dict[str, Any]:
    params = solver_parameters(plan["params"])
    if "initial_state" in params:
        given = params["initial_state"]
        values = dict(zip(bqm.variables, given, strict=True)) if isinstance(given, list) else given
        spin = {v: 1 if float(x) > 0 else -1 for v, x in values.items()}
        embedded = {
            q: s if bqm.vartype is dimod.SPIN else (s + 1) // 2
            for v, chain in zip(bqm.variables, plan["chains"], strict=True)
            for q in chain
            for s in [spin[str(v)] if str(v) in spin else spin[v]]
        }
        params["initial_state"] = embedded
    return {**params, "num_reads": reads}


def _scan(session: Session, bqm: dimod.BQM, plan: dict[str, Any]) -> None:
    """chain_strength = 'auto': try strengths in increasing order, keep the weakest that
    holds (see qanneal.leap.chains)."""
    scan = []
    for position, factor in enumerate(chain_tools.AUTO_FACTORS):
        strength = chain_tools.chain_strength_value("auto", bqm, factor)
        target = _embed(bqm, plan, strength, session.connection)
        answer = session.obtain(
            position, "scan", target, _solver_params(plan, bqm, plan["scan_reads"])
        )
        fraction = chain_tools.broken_fraction(answer, plan["chains"])
        scan.append({"chain_strength": strength, "chain_break_fraction": fraction})
        if fraction <= plan["chain_break_threshold"]:
            break
    plan["scan"] = scan
    plan["chain_strength"] = chain_tools.pick_auto(scan, plan["chain_break_threshold"])


def sample_plan(
    target: Any, plan: dict[str, Any], session: Session
) -> tuple[dimod.SampleSet, dict[str, Any]]:
    """Send (or retrieve) every submission of a plan; (logical sample set, QPU report).
    ``target``: the BQM, or for a hybrid CQM / NL plan the CQM / nonlinear model."""
    if plan["category"] == "hybrid":
        answer = sample_hybrid_plan(target, plan, session)
        answer.info.update(answer_info([dict(answer.info)]))
        answer.info.pop("timing", None)  # Leap's (µs) is qpu_timing; timing is qanneal's (ns)
        return one_row_per_read(answer), {}
    from dwave.embedding import unembed_sampleset
    from dwave.preprocessing import SpinReversalTransformComposite

    bqm: dimod.BQM = target
    if plan["chain_strength"] is None:
        _scan(session, bqm, plan)
        if session.ledger is not None:
            session.ledger.update_run(session.run["run_id"], plan=plan)
    target = _embed(bqm, plan, plan["chain_strength"], session.connection)
    order = list(target.variables)
    srts = [[q in set(flips) for q in order] for flips in plan["transforms"]]
    child = _Child(session)
    composite = SpinReversalTransformComposite(child)
    transforms: dict[str, Any] = (
        {"srts": np.array(srts, dtype=bool)} if srts else {"num_spin_reversal_transforms": 0}
    )
    params = _solver_params(plan, bqm, plan["reads_per_submission"])
    physical = composite.sample(target, **transforms, **params)
    physical.resolve()
    embedding = emb.as_embedding(bqm, plan["chains"])
    method = chain_tools.break_method(plan["chain_break_method"], bqm, embedding)
    logical = unembed_sampleset(physical, embedding, bqm, chain_break_method=method)
    if not len(logical):
        raise LeapError(
            "every read had a broken chain and chain_break_method 'discard' dropped them all: "
            "use 'majority_vote' or a stronger chain_strength"
        )
    report = {key: plan[key] for key in EMBEDDING_REPORT_KEYS}
    report["chain_break_fraction"] = chain_tools.broken_fraction(physical, plan["chains"])
    report["chain_strength_scan"] = plan.get("scan")
    report["num_spin_reversal_transforms"] = len(plan["transforms"])
    if plan.get("hardware_noise"):  # the mock's emulator: its settings and each scaling
        divisors = [i.get("hardware_noise", {}).get("scale_divisor") for i in child.infos]
        report["hardware_noise"] = {**plan["hardware_noise"], "scale_divisors": divisors}
    report["physical_reads"] = int(physical.record.num_occurrences.sum())
    report["discarded_reads"] = (
        report["physical_reads"] - int(logical.record.num_occurrences.sum())
        if len(logical)
        else report["physical_reads"]
    )
    logical.info.update(answer_info(child.infos))
    logical.info.pop("timing", None)
    return one_row_per_read(logical), report


def one_row_per_read(sampleset: dimod.SampleSet) -> dimod.SampleSet:
    """The sample set with every read on its own row (QPU answers come aggregated), so
    that shares of reads count reads, not distinct samples."""
    counts = sampleset.record.num_occurrences
    if np.all(counts == 1):
        return sampleset
    record = np.repeat(sampleset.record, counts)
    record["num_occurrences"][:] = 1
    return dimod.SampleSet(record, sampleset.variables, sampleset.info, sampleset.vartype)


def answer_info(infos: list[dict[str, Any]]) -> dict[str, Any]:
    """Leap's own timing (µs, ``qpu_timing``) summed over the submissions' answers, and
    their problem ids."""
    timing: dict[str, float] = {}
    for info in infos:
        # QPU answers carry "timing"; hybrid answers their times at the top level
        leap = info.get("timing") or {k: v for k, v in info.items() if k.endswith("_time")}
        for key, value in leap.items():
            if isinstance(value, int | float):
                timing[key] = timing.get(key, 0) + value
    for key in timing:  # per-sample times are averaged over submissions, totals added
        if key.endswith("_per_sample"):
            timing[key] /= len(infos)
    return {"qpu_timing": timing, "problem_ids": [info.get("problem_id") for info in infos]}

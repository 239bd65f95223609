"""The registry: names, capabilities, and which formulations reach which samplers (the
contract every sampler follows is checked in test_conformance.py)."""

import pytest

from qanneal.errors import SamplerError
from qanneal.samplers import registry


def test_cqm_and_nl_go_where_they_are_taken():
    assert registry.resolve("exact", "cqm", "cqm", "binn")[1] == "cqm"
    assert registry.resolve("hybrid-cqm", "cqm", "cqm", "binn")[1] == "cqm"
    assert registry.resolve("sa", "cqm", "cqm", "perceptron")[1] == "bqm"  # the penalty form
    assert registry.names_for("cqm", "binn") == ["exact", "hybrid-cqm"]
    assert registry.names_for("nl", "binn") == ["exact", "hybrid-nl"]
    with pytest.raises(SamplerError, match=r"samplers that can: exact, hybrid-nl$"):
        registry.resolve("sa", "nl", "nl", "perceptron")
    hybrid = registry.get("hybrid-cqm")
    assert hybrid.via_leap and hybrid.consumes_qpu and not hybrid.reads_as_asked
    assert not hybrid.reproducible and registry.get("mock-qpu").reproducible


def test_polynomials_go_to_bqm_samplers_through_the_reduction():
    assert registry.resolve("tabu", "polynomial", "walsh")[1] == "bqm"
    assert registry.resolve("pimc", "polynomial", "walsh")[1] == "polynomial"
    assert registry.resolve("exact", "polynomial", "walsh")[1] == "polynomial"
    assert "tabu" in registry.names_for("polynomial")


def test_unknown_name_suggests_and_lists():
    with pytest.raises(SamplerError, match=r"did you mean 'tabu'.*available: exact, sa"):
        registry.get("tabbu")


def test_incompatible_formulation_lists_the_samplers_that_fit():
    with pytest.raises(SamplerError, match=r"samplers that can: exact, sa, pimc, vqa$"):
        registry.resolve("tabu", "native", "native")
    with pytest.raises(SamplerError, match=r".binn.; samplers that can: exact, sa, pimc, vqa$"):
        registry.resolve("steepest", "native", "native", "binn")
    with pytest.raises(SamplerError, match=r"samplers that can: exact, vqa$"):
        registry.resolve("sa", "native", "native", "augmented binn")


def test_accepted_parameters_come_from_the_signature_too():
    pimc = registry.get("pimc-dwave").create()
    assert {"Gamma", "num_sweeps"} <= registry.accepted_parameters(pimc, "bqm")
    sa = registry.get("sa").create()
    assert "beta_schedule_type" in registry.accepted_parameters(sa, "native")
    assert "proposal_acceptance_criteria" in registry.accepted_parameters(sa, "bqm")
    assert "proposal_acceptance_criteria" not in registry.accepted_parameters(sa, "native")


def test_capabilities_callers_ask_for():
    assert registry.leap_names() == [
        "kerberos",
        "kerberos-mock",
        "qpu",
        "qpu-clique",
        "hybrid",
        "hybrid-cqm",
        "hybrid-nl",
        "mock-qpu",
    ]
    assert not registry.get("mock-qpu").consumes_qpu and registry.get("qpu").consumes_qpu
    assert registry.get("exact").exhaustive and not registry.get("exact").has_sweeps
    assert registry.get("vqa").sweep_cost is None
    assert [n for n, e in registry.REGISTRY.items() if not e.has_sweeps] == [
        "exact",
        "tabu",
        "steepest",
        "kerberos",
        "kerberos-mock",
        "qpu",
        "qpu-clique",
        "hybrid",
        "hybrid-cqm",
        "hybrid-nl",
    ]

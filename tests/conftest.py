"""Shared test settings: hypothesis without deadlines (numba compiles on first call) and
derandomised under CI, and ``slow`` tests skipped unless asked for with ``--runslow``
(CI runs the fast set)."""

import os

import pytest
from hypothesis import settings

settings.register_profile("qanneal", deadline=None, max_examples=50)
# CI: the same examples on every run, so a red build is reproducible (locally they vary)
settings.register_profile("ci", parent=settings.get_profile("qanneal"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "qanneal")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", help="also run tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)

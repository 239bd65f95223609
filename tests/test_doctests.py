"""Every docstring example in the *installed* qanneal package runs and passes.

Collected from the imported modules rather than from ``src/`` so that the tests
exercise what ``pip install .`` installed (pytest's ``--doctest-modules`` would import
the source tree a second time and clash with the installed copy).
"""

import doctest
import importlib
import pkgutil

import pytest

import qanneal

MODULES = sorted(info.name for info in pkgutil.walk_packages(qanneal.__path__, prefix="qanneal."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_examples_exist():
    """The examples are documentation: most modules carry at least one."""
    finder = doctest.DocTestFinder()
    with_examples = [
        name
        for name in MODULES
        if any(t.examples for t in finder.find(importlib.import_module(name)))
    ]
    assert len(with_examples) >= len(MODULES) // 2

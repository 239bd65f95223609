"""The console examples of README.md and docs/ are what the code prints
(``scripts/console_examples.py --check``), and README.md's Python blocks run."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "console_examples.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("console_examples", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


examples = _script()


def test_every_example_has_a_block_and_every_block_an_example() -> None:
    placed = [
        block.group("name")
        for path in examples.FILES
        for block in examples.BLOCK.finditer(path.read_text(encoding="utf-8"))
    ]
    assert sorted(placed) == sorted(examples.EXAMPLES)


def test_masking_keeps_what_matters() -> None:
    old = "time          0.39 s\nrecord        runs/20261123-171752-58266a.json\nbest energy   0"
    new = "time          1.20 s (sampling 1.1 s)\nrecord        runs/20270101-000000-abcdef.json\n"
    assert examples.mask(old).splitlines()[:2] == examples.mask(new).splitlines()[:2]
    assert examples.mask("best energy   0") != examples.mask("best energy   1")


def test_the_quick_examples_are_what_the_code_prints() -> None:
    assert examples.update(list(examples.FAST), check=True) == []


def test_the_readme_python_blocks_run() -> None:
    examples.run_python_blocks(examples._scratch())


@pytest.mark.slow
def test_the_slow_examples_are_what_the_code_prints() -> None:
    slow = [name for name in examples.EXAMPLES if name not in examples.FAST]
    assert examples.update(slow, check=True) == []

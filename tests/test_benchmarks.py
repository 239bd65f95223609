"""The benchmark scripts stay importable against the library they measure (they are not
run in CI, so a renamed class would otherwise only show the next time someone runs them)."""

import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
PEER_TOOLS = {"openjij", "pyqubo", "qubovert", "highspy"}  # the `bench` extra


@pytest.mark.parametrize("script", sorted(BENCHMARKS.glob("*.py")), ids=lambda p: p.stem)
def test_benchmark_script_imports(script, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(f"bench_{script.stem}", script)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    try:
        spec.loader.exec_module(module)
    except ModuleNotFoundError as missing:
        if missing.name in PEER_TOOLS:
            pytest.skip(f"{script.name} needs {missing.name} (pip install '.[bench]')")
        raise


@pytest.mark.parametrize("script", sorted(BENCHMARKS.glob("*.py")), ids=lambda p: p.stem)
def test_every_qanneal_name_a_benchmark_imports_exists(script):
    """Imports inside functions too: each `from qanneal... import name` must resolve."""
    import ast

    for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("qanneal"):
            module = importlib.import_module(node.module)
            for alias in node.names:
                assert hasattr(module, alias.name) or importlib.util.find_spec(
                    f"{node.module}.{alias.name}"
                ), f"{script.name}:{node.lineno}: {node.module} has no {alias.name}"

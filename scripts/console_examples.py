"""Regenerate the console examples of README.md and docs/*.md from real runs, or check them.

Every example sits between ``<!-- console: NAME -->`` and ``<!-- /console -->`` in a
Markdown file; NAME is a key of :data:`EXAMPLES`. This script runs the example's commands
through the real command line (one process each, as a user types them, in a scratch
directory where ``problems/`` is the repository's) and writes what they print to stdout.
Commands that need a Leap account are shown, not run. The ```` ```python ```` blocks of
README.md are run too, so that they stay true.

``--check`` runs the same commands and compares, ignoring only what changes from run to
run (times, run ids, Leap problem ids, wall-clock TTS); it exits 1 and prints the
difference when a block is stale. The test suite runs it on the fast examples.

    python scripts/console_examples.py              # rewrite every block
    python scripts/console_examples.py --check      # exit 1 if a block is stale
    python scripts/console_examples.py --check tour exact   # only these examples
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(
    r"(<!-- console: (?P<name>[\w-]+) -->\n```console\n)(?P<body>.*?)(```\n<!-- /console -->)",
    re.DOTALL,
)
PYTHON = re.compile(r"```python\n(?P<code>.*?)```", re.DOTALL)


@dataclass(frozen=True)
class Command:
    """One ``$`` line: the command, a comment after it, whether its output is shown and
    whether it can run here (False: it needs a Leap account)."""

    line: str
    comment: str = ""
    show: bool = True
    run: bool = True


def leap(line: str, comment: str) -> Command:
    """A command shown but not run here: it needs a Leap account."""
    return Command(line, comment, run=False)


HIDDEN = "problems/binn-hidden.toml"
MOCK_QPU = Command("qanneal solve problems/binn-hidden.toml --sampler mock-qpu --num-reads 10")
EXAMPLES: dict[str, list[Command]] = {
    "tour": [
        Command("qanneal problems", "# the shipped problem files, one line each", show=False),
        Command("qanneal inspect perceptron-random-slack"),
        Command("qanneal solve perceptron-random-native --seed 7"),
        Command(
            "qanneal solve perceptron-random-slack --sampler steepest --seed 1 --json",
            "# the run record as JSON",
            show=False,
        ),
        Command("qanneal runs list", "# every saved run in ./runs"),
        Command(
            "qanneal runs show {run}",
            "# one run, printed as solve printed it (an id prefix will do)",
            show=False,
        ),
    ],
    "exact": [Command("qanneal solve perceptron-small-exact --seed 1")],
    "mock-qpu": [
        MOCK_QPU,
        leap("dwave config create", "# once: your Leap token, kept by Ocean"),
        leap(f"qanneal solve {HIDDEN} --sampler qpu --dry-run", "# embedding + QPU time"),
        leap(f"qanneal solve {HIDDEN} --sampler qpu", "# or --sampler hybrid"),
        leap("qanneal leap status", "# every submission; `qanneal leap fetch ID` ends one"),
    ],
    "leap-mock": [
        MOCK_QPU,
        Command("qanneal leap status", "# every Leap submission and its state", show=False),
        Command(f"qanneal inspect {HIDDEN} --sampler mock-qpu", "# qubits, chains", show=False),
    ],
    "hybrid-models": [
        Command("qanneal solve binn-cqm", "# exact: every state of the CQM, feasible ones first"),
        Command("qanneal solve perceptron-nl --sampler exact --seed 1"),
        leap("qanneal solve binn-cqm --sampler hybrid-cqm --dry-run", "# limits, time limit"),
        leap("qanneal solve perceptron-nl --sampler hybrid-nl", "# through the ledger"),
    ],
    "compare": [
        Command(
            "qanneal compare perceptron-compare-a05 --samplers sa,pimc --budgets 100,300 "
            "--reads 10 --out cmp"
        )
    ],
}
FAST = ("tour", "exact", "hybrid-models")
"""Examples quick enough for every test run (the others embed on a QPU graph or compare)."""

VOLATILE = [
    (re.compile(r"\d{8}-\d{6}-[0-9a-f]{6}"), "<run id>"),
    (re.compile(r"\b\d{8}-\d{4}(\d\d)?\b"), "<run id>"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<problem id>"),
    (re.compile(r"^(time +).*$", re.MULTILINE), r"\1<time>"),
    (re.compile(r"^(\S+ +\d+ +[\d.]+ +\[[^]]*\] +\S+) +\S+"), r"\1 <s>"),  # TTS99 s column
    (re.compile(r"In wall-clock seconds[^.]*(\.\d+[^.]*)*\."), "<wall clock>"),
]


def mask(text: str) -> str:
    """``text`` with what changes from run to run replaced by placeholders."""
    lines = []
    for line in text.splitlines():
        for pattern, replacement in VOLATILE:
            line = pattern.sub(replacement, line)
        lines.append(line)
    return "\n".join(lines)


def _scratch() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="qanneal-examples-"))
    (folder / "problems").symlink_to(ROOT / "problems")
    return folder


def _qanneal(arguments: list[str], cwd: Path) -> str:
    command = [sys.executable, "-m", "qanneal_cli.main", *arguments]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"`qanneal {shlex.join(arguments)}` failed:\n{done.stderr}")
    return done.stdout


def _shown(output: str) -> str:
    """Absolute paths of shipped problems as users see them in the docs: the repository's
    problems/ and, for an installed (non-editable) qanneal, the package's copy of it."""
    from qanneal.library import shipped_problems_dir

    for folder in {ROOT / "problems", shipped_problems_dir()}:
        output = output.replace(str(folder) + "/", ".../")
    return output


def render(name: str, cwd: Path) -> str:
    """The body of example ``name``: each command and, where shown, what it printed."""
    lines = []
    run_id = ""
    for command in EXAMPLES[name]:
        line = command.line.format(run=run_id[:15])
        shown = f"$ {line}" + (f"   {command.comment}" if command.comment else "")
        lines.append(shown)
        if not command.run:
            continue
        output = _qanneal(shlex.split(line)[1:], cwd)
        found = re.search(r"\d{8}-\d{6}-[0-9a-f]{6}", output)
        run_id = found.group(0) if found and not run_id else run_id
        if command.show:
            lines += _shown(output).rstrip("\n").splitlines()
    return "\n".join(lines) + "\n"


def run_python_blocks(cwd: Path) -> None:
    """Run README.md's Python blocks in order, in one namespace (they build on each other)."""
    namespace: dict[str, object] = {"__name__": "__readme__"}
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            for found in PYTHON.finditer((ROOT / "README.md").read_text(encoding="utf-8")):
                exec(compile(found.group("code"), "README.md", "exec"), namespace)
    finally:
        os.chdir(previous)


def update(names: list[str], check: bool) -> list[str]:
    """Regenerate (or with ``check`` compare) the blocks of ``names``; the stale ones."""
    placed = {b.group("name") for path in FILES for b in BLOCK.finditer(path.read_text("utf-8"))}
    missing = set(names) - placed
    if missing:
        raise SystemExit(f"no <!-- console: NAME --> block for {sorted(missing)} in README/docs")
    stale = []
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        pieces, last = [], 0
        for block in BLOCK.finditer(text):
            name = block.group("name")
            if name not in EXAMPLES:
                raise SystemExit(f"{path.name}: unknown console example {name!r}")
            body = block.group("body")
            if name in names:
                body = render(name, _scratch())
                if mask(body) != mask(block.group("body")):
                    stale.append(name)
                    if check:
                        _show_difference(path, name, block.group("body"), body)
            pieces += [text[last : block.start("body")], body]
            last = block.end("body")
        pieces.append(text[last:])
        if not check:
            path.write_text("".join(pieces), encoding="utf-8")
    return stale


def _show_difference(path: Path, name: str, old: str, new: str) -> None:
    diff = difflib.unified_diff(
        mask(old).splitlines(),
        mask(new).splitlines(),
        f"{path.name} ({name})",
        "the code",
        lineterm="",
    )
    print("\n".join(diff), file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"examples (default: all): {', '.join(EXAMPLES)}")
    parser.add_argument("--check", action="store_true", help="compare instead of rewriting")
    options = parser.parse_args()
    names = options.names or list(EXAMPLES)
    unknown = set(names) - set(EXAMPLES)
    if unknown:
        parser.error(f"unknown examples {sorted(unknown)}; known: {', '.join(EXAMPLES)}")
    stale = update(names, options.check)
    run_python_blocks(_scratch())
    if options.check and stale:
        print(
            f"stale console examples: {', '.join(stale)}; run {Path(__file__).name}",
            file=sys.stderr,
        )
        raise SystemExit(1)
    if not options.check:
        print(f"regenerated: {', '.join(names)}")


if __name__ == "__main__":
    main()

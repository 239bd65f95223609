"""The shipped problem library: the TOML files of ``problems/``.

The wheel carries them as ``qanneal/problems``; a source checkout reads the
repository's ``problems/`` folder. A problem's one-line description is its
``description`` key, else its first comment line.

Example:
    >>> any(entry.name == "perceptron-random-native" for entry in list_problems())
    True
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from qanneal.errors import ProblemFileError


def shipped_problems_dir() -> Path:
    """Where the shipped problem files are (installed copy first, then the checkout)."""
    installed = Path(__file__).parent / "problems"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "problems"


@dataclass(frozen=True)
class LibraryEntry:
    name: str
    path: Path
    description: str


def _describe(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    try:
        description = tomllib.loads(text).get("description")
    except tomllib.TOMLDecodeError:
        description = None
    if isinstance(description, str) and description:
        return description.splitlines()[0]
    for line in text.splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").strip()
    return ""


def list_problems(directory: Path | None = None) -> list[LibraryEntry]:
    """Every ``*.toml`` problem in ``directory`` (default: the shipped library), by name."""
    folder = directory or shipped_problems_dir()
    return [
        LibraryEntry(path.stem, path, _describe(path))
        for path in sorted(folder.glob("*.toml"), key=lambda p: p.stem)
    ]


def resolve_problem_path(file: str) -> Path:
    """``file`` if it exists, else the shipped problem of that name (with or without .toml)."""
    path = Path(file)
    if path.exists():
        return path
    shipped = shipped_problems_dir() / f"{Path(file).stem}.toml"
    if shipped.exists() and path.parent == Path("."):
        return shipped
    raise ProblemFileError(
        f"{file}: no such problem file; `qanneal problems` lists the shipped ones"
    )

"""The shipped problem library: the TOML files of ``problems/``.

The wheel carries them as ``qanneal/problems``; a source checkout reads the
repository's ``problems/`` folder. A problem's one-line description is its
``description`` key, else its first comment line. ``problems/ep/`` holds the Ising
networks of ``qanneal ep`` (:func:`list_ep_problems`), apart from those ``qanneal solve``
takes.

Example:
    >>> any(entry.name == "perceptron-random-native" for entry in list_problems())
    True
    >>> [(entry.name, entry.command) for entry in list_ep_problems()]
    [('ep-digits', 'ep'), ('ep-xor', 'ep')]
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


EP_FOLDER = "ep"


@dataclass(frozen=True)
class LibraryEntry:
    name: str
    path: Path
    description: str
    command: str = "solve"  # the qanneal command that runs it


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


def list_ep_problems() -> list[LibraryEntry]:
    """The shipped Ising networks of ``qanneal ep`` (``problems/ep/``)."""
    folder = shipped_problems_dir() / EP_FOLDER
    return [
        LibraryEntry(path.stem, path, _describe(path), "ep")
        for path in sorted(folder.glob("*.toml"))
    ]


def resolve_problem_path(file: str) -> Path:
    """``file`` if it exists, else the shipped problem of that name (with or without .toml)."""
    path = Path(file)
    if path.exists():
        return path
    shipped = shipped_problems_dir() / f"{Path(file).stem}.toml"
    if shipped.exists() and path.parent == Path("."):
        return shipped
    if any(entry.name == path.stem for entry in list_ep_problems()):
        raise ProblemFileError(
            f"{file} is an Ising network for equilibrium propagation: run `qanneal ep {file}`"
        )
    raise ProblemFileError(
        f"{file}: no such problem file; `qanneal problems` lists the shipped ones"
    )

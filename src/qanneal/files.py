"""Files qanneal writes for users: created atomically, never replacing what exists."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from qanneal.errors import OutputError


def write_new_file(path: str | os.PathLike[str], data: bytes | str) -> None:
    """Write ``data`` to a new file atomically; OutputError if ``path`` already exists.

    The bytes go to a temporary file in the same directory, which is then hard-linked
    to ``path`` (an atomic create that fails if the name exists, so nothing saved in
    the meantime is overwritten). Where hard links are unsupported, ``os.replace`` is
    used after a final existence check.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not path.parent.is_dir():
        raise OutputError(f"cannot write {path}: directory {path.parent} does not exist")
    temporary = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        # O_EXCL: never reuse a name; mode 0o666 minus the umask, like any new file
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise OutputError(
                f"{path} already exists; choose another name or remove it first"
            ) from None
        except OSError:  # no hard links on this file system
            if path.exists():
                raise OutputError(f"{path} already exists; choose another name") from None
            os.replace(temporary, path)
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)

"""Writing output files safely: a temporary file renamed into place.

A reader never sees a half-written file, and a failed export (full disk,
bad data, Ctrl-C) leaves any existing file untouched and no temporary file
behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from graphkit.errors import GraphkitError


def _umask() -> int:
    """The process umask, read without changing it (os.umask would race with other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    return 0o022


def _check_parent(path: Path) -> None:
    """Refuse early, with a clear message, a path that cannot be written."""
    parent = path.parent
    if not parent.exists():
        raise GraphkitError(f"cannot write {path}: the folder {parent} does not exist")
    if not parent.is_dir():
        raise GraphkitError(f"cannot write {path}: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise GraphkitError(f"cannot write {path}: the folder {parent} is not writable")


def check_target(path: str | os.PathLike, *, folder: bool = False) -> None:
    """Fail early, before any work, when ``path`` cannot be written.

    >>> check_target("/no/such/out.ttl")
    Traceback (most recent call last):
    ...
    graphkit.errors.GraphkitError: cannot write /no/such/out.ttl: the folder /no/such does not exist
    """
    target = Path(path)
    _check_parent(target)
    if folder and target.exists() and not target.is_dir():
        raise GraphkitError(f"cannot write {target}: it is a file, not a folder")
    if not folder and target.is_dir():
        raise GraphkitError(f"cannot write {target}: it is a folder")


@contextmanager
def atomic_file(path: str | os.PathLike, mode: str = "wb") -> Iterator[IO]:
    """Open a temporary file beside ``path``; rename it over ``path`` on success.

    The file gets the permissions a plain ``open()`` would give it (or keeps
    those of the file it replaces), not the private ones of a temporary file.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_file(target, "w") as fh:
    ...     _ = fh.write("done")
    >>> target.read_text()
    'done'
    """
    target = Path(path)
    check_target(target)
    file_mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise GraphkitError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        encoding = None if "b" in mode else "utf-8"
        newline = None if "b" in mode else ""
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, file_mode)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise GraphkitError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_folder(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary folder to fill; its files land in ``path`` on success.

    A new ``path`` is created by renaming the finished folder into place. An
    existing folder keeps its other files: only the files written replace
    their namesakes, each one atomically. On failure nothing changes.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "csv"
    >>> with atomic_folder(target) as staging:
    ...     _ = (staging / "nodes.csv").write_text("id")
    >>> sorted(p.name for p in target.iterdir())
    ['nodes.csv']
    """
    target = Path(path)
    check_target(target, folder=True)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise GraphkitError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        yield staging
        if not target.exists():
            os.chmod(staging, 0o777 & ~_umask())
            for item in staging.iterdir():
                os.chmod(item, 0o666 & ~_umask())
            staging.rename(target)
            return
        written = sorted(staging.iterdir())
        clash = [p.name for p in written if (target / p.name).is_dir()]
        if clash:
            raise GraphkitError(f"cannot write {target}: {', '.join(clash)} there is a folder")
        for item in written:
            os.chmod(item, 0o666 & ~_umask())
            os.replace(item, target / item.name)
        staging.rmdir()
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise GraphkitError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise

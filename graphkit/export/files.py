"""Writing output files safely: a temporary file renamed into place.

A reader never sees a half-written file, and a failed export (full disk,
bad data, Ctrl-C) leaves any existing file untouched and no temporary file
behind. Only a regular file is ever replaced: a symbolic link is followed,
and a device or a named pipe is written straight through.
"""

from __future__ import annotations

import os
import shutil
import stat
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


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _names_a_descriptor(path: Path) -> bool:
    """Whether ``path`` leads, maybe through links, to an open descriptor (/dev/stdout, /proc/self/fd/1)."""
    current = Path(os.path.abspath(path))
    for _ in range(40):  # the kernel's own limit on a chain of links
        if str(current).startswith(("/proc/", "/dev/fd/", "/dev/stdout", "/dev/stderr")):
            return True
        if not current.is_symlink():
            return False
        current = Path(os.path.normpath(current.parent / os.readlink(current)))
    return False


def output_target(path: str | os.PathLike) -> tuple[str, Path]:
    """How output to ``path`` is written: ``("file", real path)`` or ``("stream", path)``.

    A regular file (or nothing) is replaced atomically; a symbolic link is
    followed and its target replaced atomically (the link stays); a
    character device (``/dev/null``, a terminal) or a named pipe is written
    straight through, as it cannot be replaced, and so is an open
    descriptor (``/dev/stdout``), appended to as the shell opened it.
    Anything else (a folder, a socket, a block device) is refused with a
    clear error.

    >>> output_target("/dev/null")
    ('stream', PosixPath('/dev/null'))
    >>> output_target("/")
    Traceback (most recent call last):
    ...
    graphkit.errors.GraphkitError: cannot write /: it is a folder
    """
    target = Path(path)
    try:
        info = os.stat(target)  # follows links, /proc/self/fd/N included
    except (FileNotFoundError, NotADirectoryError):
        info = None  # a new file: its folder is checked below
    except OSError as exc:
        raise write_error(target, exc) from None
    if info is not None and (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
        return "stream", target
    if info is not None and stat.S_ISREG(info.st_mode) and _names_a_descriptor(target):
        return "stream", target  # '-o /dev/stdout > file': the shell's file, written in place
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise GraphkitError(f"cannot write {target}: it is {_kind(info.st_mode)}")
    real = Path(os.path.realpath(target)) if target.is_symlink() else target
    _check_parent(real)
    return "file", real


def check_target(path: str | os.PathLike, *, folder: bool = False) -> None:
    """Fail early, before any work, when ``path`` cannot be written.

    >>> check_target("/no/such/out.ttl")
    Traceback (most recent call last):
    ...
    graphkit.errors.GraphkitError: cannot write /no/such/out.ttl: the folder /no/such does not exist
    """
    target = Path(path)
    if not folder:
        output_target(target)
        return
    _check_parent(target)
    if target.exists() and not target.is_dir():
        raise GraphkitError(f"cannot write {target}: it is a file, not a folder")


def write_error(target: object, exc: OSError) -> GraphkitError:
    """A clear error for a failed write (``No space left on device``, ...).

    >>> import errno
    >>> str(write_error("out.ttl", OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))))
    'cannot write out.ttl: No space left on device'
    """
    return GraphkitError(f"cannot write {target}: {exc.strerror or exc}")


@contextmanager
def _stream(target: Path, mode: str) -> Iterator[IO]:
    """Write straight into a device, a named pipe or an open descriptor: no temporary file.

    Nothing is truncated; a regular file behind ``/dev/stdout`` is appended
    to, so ``>`` and ``>>`` keep their meaning.
    """
    try:
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise write_error(target, exc) from None
    binary = "b" in mode
    try:
        with os.fdopen(fd, mode, encoding=None if binary else "utf-8", newline=None if binary else "") as fh:
            yield fh
            fh.flush()
    except OSError as exc:
        raise write_error(target, exc) from None


@contextmanager
def atomic_file(path: str | os.PathLike, mode: str = "wb") -> Iterator[IO]:
    """Open ``path`` for writing so that a reader never sees a half-written file.

    A regular file (or a new one) is written under a temporary name beside it
    and renamed over it on success; a symbolic link is followed and its
    target replaced the same way. A device or a named pipe cannot be
    replaced: it is written straight through (see :func:`output_target`).
    The file gets the permissions a plain ``open()`` would give it (or keeps
    those of the file it replaces), not the private ones of a temporary file.
    Any write failure (a full disk...) raises :class:`GraphkitError` and
    leaves the old file as it was.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_file(target, "w") as fh:
    ...     _ = fh.write("done")
    >>> target.read_text()
    'done'
    """
    kind, target = output_target(path)
    if kind == "stream":
        with _stream(target, mode) as fh:
            yield fh
        return
    file_mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise write_error(target, exc) from None
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
        raise write_error(target, exc) from None
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
        raise write_error(target, exc) from None
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
        raise write_error(target, exc) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise

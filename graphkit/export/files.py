"""Writing output files safely: a temporary file renamed into place.

A reader never sees a half-written file, and a failed export (full disk,
bad data, Ctrl-C) leaves any existing file untouched and no temporary file
behind. Only a regular file is ever replaced: a symbolic link is followed,
and a device or a named pipe is written straight through. A folder export
is stricter: it replaces only the regular files of the names it writes,
all or none, and refuses a link, a pipe or a device of one of those names.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from graphkit.errors import GraphkitError
from graphkit.file_kinds import kind_of_mode


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
        raise GraphkitError(f"cannot write {target}: it is {kind_of_mode(info.st_mode)}")
    real = Path(os.path.realpath(target)) if target.is_symlink() else target
    _check_parent(real)
    return "file", real


def check_target(path: str | os.PathLike, *, folder: bool = False, files: Iterable[str] = ()) -> None:
    """Fail early, before any work, when ``path`` cannot be written.

    With ``folder``, ``path`` is a folder to write ``files`` into: each of
    them that is already there must be a regular file (see
    :func:`check_folder_files`).

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
    if target.is_dir():
        check_folder_files(target, files)


def check_folder_files(folder: Path, names: Iterable[str]) -> dict[str, int]:
    """The permissions of each of ``names`` already in ``folder``; refuse any that is not a regular file.

    A folder export replaces its own files by renaming new ones over them, so
    a symbolic link, a named pipe or a device of such a name would be
    silently replaced (or, if written to, followed): it is left alone and
    the export refused, naming it.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / "link.csv").symlink_to("/etc/passwd")
    >>> check_folder_files(folder, ["new.csv", "link.csv"])
    Traceback (most recent call last):
    ...
    graphkit.errors.GraphkitError: cannot write .../link.csv: it is a symbolic link; ...
    """
    modes: dict[str, int] = {}
    for name in names:
        path = folder / name
        try:
            info = os.lstat(path)  # never follows a link
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise write_error(path, exc) from None
        if not stat.S_ISREG(info.st_mode):
            raise GraphkitError(
                f"cannot write {path}: it is {kind_of_mode(info.st_mode)}; an export replaces only "
                "regular files in a folder (move it away, or write to another folder)"
            )
        modes[name] = info.st_mode & 0o7777
    return modes


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


def _sync(path: Path) -> None:
    """Flush ``path`` to disk, so that the rename never lands a file whose data is lost in a crash."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _keep_copy(old: Path, copy: Path) -> None:
    """Keep ``old`` as ``copy`` to put back on failure: a hard link, or a copy where links fail."""
    try:
        os.link(old, copy, follow_symlinks=False)
    except OSError:
        shutil.copy2(old, copy, follow_symlinks=False)


def _move_in(staging: Path, target: Path) -> None:
    """Move the files of ``staging`` into the folder ``target``, all or none.

    The files they replace are kept (hard links in ``staging``) until every
    rename has succeeded; a failed rename puts them back and removes the new
    files that replaced nothing, so the folder is left as it was.
    """
    written = sorted(staging.iterdir())
    modes = check_folder_files(target, [p.name for p in written])
    default = 0o666 & ~_umask()
    kept = Path(tempfile.mkdtemp(prefix=".previous.", dir=staging))
    for item in written:
        if item.name in modes:
            _keep_copy(target / item.name, kept / item.name)
        os.chmod(item, modes.get(item.name, default))  # the replaced file's, as atomic_file does
        _sync(item)
    moved: list[str] = []
    try:
        for item in written:
            os.replace(item, target / item.name)
            moved.append(item.name)
    except BaseException:
        for name in reversed(moved):
            with contextlib.suppress(OSError):  # best effort: the first error is the one to report
                if name in modes:
                    os.replace(kept / name, target / name)
                else:
                    os.unlink(target / name)
        raise


@contextmanager
def atomic_folder(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary folder to fill; its files land in ``path`` on success, all or none.

    The temporary folder is made beside ``path``. A new ``path`` is created
    by renaming the finished folder into place. An existing folder keeps
    every other file: only the files written replace their namesakes, each
    by an atomic rename, and only if all of them can (see :func:`_move_in`);
    a symbolic link, a named pipe or a device of one of their names is
    refused, never followed or replaced. On failure nothing changes.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "csv"
    >>> with atomic_folder(target) as staging:
    ...     _ = (staging / "entities.csv").write_text("id")
    >>> sorted(p.name for p in target.iterdir())
    ['entities.csv']
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
                _sync(item)
            staging.rename(target)
            return
        _move_in(staging, target)
    except OSError as exc:
        raise write_error(target, exc) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already when renamed into place

"""Creating an embedded store: one creator at a time, built aside, renamed into place.

A new store is written into a hidden folder beside its final place,
``.NAME.loading-PID-XXXX`` (or ``importing``), and renamed into place only
when complete; ``--validate`` checks the finished folder before the rename
(a new store is written once), or tries a write to an existing store on a
scratch copy in ``.NAME.validating-PID-XXXX``. A lock file, ``.NAME.lock``, lets one process at a time
create NAME: a second one is told that the store is in use (or waits for
it, with ``wait``). The process id in the folder's name lets the next
creator remove what a killed one left behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from graphkit.errors import StoreError, StoreInUseError

#: What a hidden folder beside a store is for, and the word for it in messages.
PURPOSES = {"loading": "load", "importing": "import", "validating": "validation"}


class StoreCreatedMeanwhile(StoreError):
    """Another process created the store while this one waited to create it."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(
            f"the store {path} was created by another graphkit process while this one waited; "
            "nothing was written: run the command again to add to it"
        )


def notify(message: str) -> None:
    """Tell the user about something done on their behalf (on stderr, never in results)."""
    print(f"graphkit: {message}", file=sys.stderr)


def make_staging(path: Path, purpose: str) -> Path:
    """A hidden folder beside ``path`` where a new store is built; its name carries our pid."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        prefix = f".{path.name}.{purpose}-{os.getpid()}-"
        return Path(tempfile.mkdtemp(prefix=prefix, dir=path.parent))
    except OSError as exc:
        raise StoreError(f"cannot create the store {path}: {exc.strerror or exc}") from None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def folder_size(folder: Path) -> int:
    """Bytes in the files under ``folder`` (a file removed meanwhile counts nothing)."""
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total


def remove_leftovers(path: Path) -> list[Path]:
    """Remove the staging folders of ``path`` whose process is gone; return them.

    Each one removed is mentioned on stderr. A folder without a process id
    (from an older graphkit) is only mentioned, since nothing tells whether
    it is still being written.
    """
    pattern = re.compile(rf"^\.{re.escape(path.name)}\.({'|'.join(PURPOSES)})-(?:(\d+)-)?[^/]*$")
    removed: list[Path] = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    for entry in entries:
        match = pattern.match(entry.name)
        if not match or not entry.is_dir(follow_symlinks=False):
            continue
        what, pid = PURPOSES[match.group(1)], match.group(2)
        folder = Path(entry.path)
        if pid is None:
            notify(
                f"{folder} looks left over from an interrupted {what}; "
                "delete it if no graphkit command is writing that store"
            )
            continue
        if int(pid) == os.getpid() or _alive(int(pid)):
            continue
        size = folder_size(folder)
        shutil.rmtree(folder, ignore_errors=True)
        notify(
            f"removed {folder} ({size / 1e6:.1f} MB), left by an interrupted {what} (process {pid} is gone)"
        )
        removed.append(folder)
    return removed


@contextlib.contextmanager
def _creation_lock(path: Path, wait: bool) -> Iterator[None]:
    lock_path = path.parent / f".{path.name}.lock"
    while True:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StoreError(f"cannot create the store {path}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            raise StoreInUseError(
                f"the store {path} is in use by another graphkit process (it is creating it); "
                "nothing was written. Wait for it to finish, or pass --wait"
            ) from None
        except BaseException:
            os.close(fd)
            raise
        # The previous holder removes the file when done: lock the file that is there now.
        with contextlib.suppress(OSError):
            if os.fstat(fd).st_ino == os.stat(lock_path).st_ino:
                break
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock_path)
        os.close(fd)


#: Called with the finished staging folder before it becomes the store; raises to refuse it.
BeforeCommit = Callable[[Path], None]


@contextlib.contextmanager
def new_store_folder(
    path: Path, purpose: str, *, wait: bool = False, before_commit: BeforeCommit | None = None
) -> Iterator[Path]:
    """Yield a hidden folder to build the store ``path`` in; rename it into place on success.

    Raises :class:`StoreInUseError` when another process is creating the
    same store (``wait`` waits for it instead), and
    :class:`StoreCreatedMeanwhile` when the store exists once the wait is
    over (a :class:`StoreError` with its message when ``before_commit`` is
    given). ``before_commit`` is given the folder once the writer has closed
    it (``--validate``): what it raises stops the rename. On any error the
    folder is removed and ``path`` is untouched.
    """
    from graphkit.store.local import is_oxigraph_dir

    with _creation_lock(path, wait):
        if is_oxigraph_dir(path):
            if before_commit is not None:  # the check was for a new store: run again to check that one
                raise StoreError(str(StoreCreatedMeanwhile(path)))
            raise StoreCreatedMeanwhile(path)
        remove_leftovers(path)
        staging = make_staging(path, purpose)
        try:
            yield staging
            if before_commit is not None:
                before_commit(staging)
            if path.exists():
                if not path.is_dir() or any(path.iterdir()):
                    raise StoreError(f"{path} exists and is not a graphkit store; nothing was written")
                path.rmdir()  # an empty folder given as the store
            staging.rename(path)
        except KeyboardInterrupt:
            # The engine may still be writing there from a worker thread: the next
            # write removes the folder once this process is gone.
            raise
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

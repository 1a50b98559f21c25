"""Try a write on a scratch copy of the store, and say which violations it would add.

``load``, ``import`` and ``merge`` take ``--validate``: the write runs first
on a copy of the embedded store (a checkpoint made of hard links, so it
costs little however large the store), the copy is validated with the
set-based queries, and the real store is written only if the write adds no
violation of the shapes. Violations the store had already are not the
write's doing and do not stop it. A store that the write creates is
written once: it is validated in its hidden folder, before it takes its
place (:func:`validate_before_commit`).

>>> import graphkit, tempfile
>>> from graphkit.store import bundled_files
>>> with graphkit.open(tempfile.mkdtemp() + "/kg", create=True) as kg:
...     violations_added(kg, lambda scratch: scratch.load(bundled_files()))
[]
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from graphkit.errors import GraphkitError, StoreError
from graphkit.model.graph import KnowledgeGraph
from graphkit.model.validate import Violation, iter_violations
from graphkit.store.local import LocalBackend


def _key(v: Violation) -> tuple:
    return (v.shape, v.component, v.focus, v.path, v.value)


def violations_added(kg: KnowledgeGraph, write: Callable[[KnowledgeGraph], object]) -> list[Violation]:
    """Run ``write`` on a scratch copy of ``kg``'s store; the violations it would add.

    ``kg`` itself is not changed. Works on embedded stores, existing or not
    yet created; a remote store cannot be copied, so it is refused.
    """
    backend = getattr(kg.backend, "created", None) or kg.backend  # a new store made earlier in this session
    if backend.kind == "remote":
        raise GraphkitError(
            "--validate works on embedded stores: a remote store cannot be copied to try the write; "
            "validate the input first (graphkit validate --store FILE), then write without --validate"
        )
    if not isinstance(backend, LocalBackend):  # a store that the write will create: try it in memory
        memory = LocalBackend(ox.Store(), kind="memory", description="a scratch copy", read_only=False)
        scratch = KnowledgeGraph(memory)
        write(scratch)
        return list(iter_violations(scratch))
    store, path = backend.store, backend.path
    if path is None:
        # An in-memory store is read-only here: let the write itself refuse.
        write(kg)
        return []
    before = {_key(v) for v in iter_violations(kg)}
    folder = _scratch_folder(Path(path))
    try:
        copy = folder / "copy"
        store.backup(str(copy))
        backend = LocalBackend(
            ox.Store(str(copy)), kind="oxigraph", description="a scratch copy", read_only=False, path=copy
        )
        with KnowledgeGraph(backend) as scratch:
            write(scratch)
            return [v for v in iter_violations(scratch) if _key(v) not in before]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _scratch_folder(path: Path) -> Path:
    # Beside the store, on the same file system, so that the checkpoint can use hard links;
    # named with our pid, so that the next write removes it if this process is killed.
    try:
        return Path(tempfile.mkdtemp(prefix=f".{path.name}.validating-{os.getpid()}-", dir=path.parent))
    except OSError as exc:
        raise StoreError(f"cannot make a scratch copy of {path}: {exc.strerror or exc}") from None


def validate_before_commit(kg: KnowledgeGraph, refuse: Callable[[list[Violation]], None]) -> bool:
    """Have the store that ``kg``'s next write creates validated before it takes its place.

    ``refuse`` is given the new store's violations (all of them are the
    write's) and raises to keep the store from being made. False, and
    nothing arranged, when ``kg`` is not a store still to be created: then
    use :func:`violations_added`.

    >>> import graphkit, tempfile
    >>> from graphkit.store import bundled_files
    >>> found = []
    >>> with graphkit.open(tempfile.mkdtemp() + "/kg", create=True) as kg:
    ...     validate_before_commit(kg, found.extend), kg.load(bundled_files()) > 0, found
    (True, True, [])
    """
    backend = kg.backend
    if not hasattr(backend, "before_commit") or getattr(backend, "created", None) is not None:
        return False

    def check(folder: Path) -> None:
        with _opened(folder) as scratch:
            found = list(iter_violations(scratch))
        refuse(found)

    backend.before_commit = check
    return True


@contextmanager
def _opened(folder: Path) -> Iterator[KnowledgeGraph]:
    backend = LocalBackend(
        ox.Store(str(folder)), kind="oxigraph", description="the new store", read_only=False, path=folder
    )
    with KnowledgeGraph(backend) as scratch:  # closing it lets go of the folder: the rename comes next
        yield scratch

"""The embedded engine: pyoxigraph, in memory or persistent on disk."""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO, TypeVar

import pyoxigraph as ox

from graphkit.errors import (
    GraphkitError,
    ParseError,
    QueryError,
    ReadOnlyStoreError,
    StoreError,
    StoreInUseError,
)
from graphkit.store import worker
from graphkit.store.base import QueryResult
from graphkit.store.creating import (
    BeforeCommit,
    StoreCreatedMeanwhile,
    make_staging,
    new_store_folder,
    remove_leftovers,
)
from graphkit.store.formats import (
    check_file,
    guard_input,
    iter_quads,
    open_for_parse,
    read_error,
    rename_blank_nodes,
    shows_progress,
)
from graphkit.store.line_check import LINE_FORMATS, check_lines
from graphkit.store.sparql import Term, inline_bindings, insert_data, syntax_message
from graphkit.vocab import PREFIXES

T = TypeVar("T")

# Files RocksDB always writes into an Oxigraph store folder.
_STORE_MARKERS = ("CURRENT", "IDENTITY")


def is_oxigraph_dir(path: Path) -> bool:
    """True when ``path`` is a folder holding an embedded Oxigraph store.

    Raises StoreError when the folder cannot be read (its permissions).
    """
    try:
        return path.is_dir() and all((path / name).exists() for name in _STORE_MARKERS)
    except PermissionError:
        raise StoreError(
            f"cannot read {path}: permission denied. Check its permissions (ls -ld {path}) "
            "or run graphkit as a user who may read it"
        ) from None


__all__ = ["LocalBackend", "StoreCreatedMeanwhile", "is_oxigraph_dir", "make_staging"]


def _stable_blank_nodes(quads: Iterable[ox.Quad], prefix: str) -> Iterator[ox.Quad]:
    """Quads with each blank node named ``prefix`` and a number, in the order the file first uses it.

    >>> parsed = ox.parse("<urn:a> <urn:p> [ <urn:q> ( 1 ) ] .", ox.RdfFormat.TURTLE)
    >>> [(str(q.subject), str(q.object)) for q in _stable_blank_nodes(parsed, "b")][1:]
    [('_:b1', '_:b0'), ('_:b0', '<http://www.w3.org/1999/02/22-rdf-syntax-ns#nil>'), ('<urn:a>', '_:b1')]
    """
    names: dict[str, ox.BlankNode] = {}

    def stable(node: ox.BlankNode) -> ox.BlankNode:
        found = names.get(node.value)
        if found is None:
            found = names[node.value] = ox.BlankNode(f"{prefix}{len(names)}")
        return found

    return rename_blank_nodes(quads, stable)


def bulk_load_checked(store: ox.Store, path: Path, fmt: ox.RdfFormat) -> None:
    """Bulk-load a file while a second thread checks it.

    The check (syntax, ill-typed literals such as ``"abc"^^xsd:integer``,
    emptiness) is what the engine's loader does not do. The loader releases
    the GIL, so the check runs alongside it at almost no extra time. The
    caller discards the store when this raises.
    """
    guard_input(path, fmt)  # before any thread parses: entity bombs, deep RDF/XML
    failures: list[BaseException] = []
    # A line-based regular file: only its lines that can fail the literal checks are parsed
    # (see graphkit.store.line_check); its syntax is then the loader's to check.
    by_lines = fmt in LINE_FORMATS and path.is_file()

    def check() -> None:
        try:
            if by_lines:
                check_lines(path, fmt)
            else:
                check_file(path, fmt, progress=False)
        except BaseException as exc:  # handed to the caller's thread
            failures.append(exc)

    checker = threading.Thread(target=check, name=f"check {path.name}", daemon=True)
    checker.start()
    engine_error: BaseException | None = None
    try:
        if shows_progress(path):
            with open_for_parse(path, f"loading {path.name}") as fh:
                worker.call(lambda: store.bulk_load(fh, fmt), loads=True)
        else:
            # The engine reads the file itself: through a Python file object, each block
            # would wait for the GIL, which the check thread holds most of the time.
            worker.call(lambda: store.bulk_load(path=str(path), format=fmt), loads=True)
    except (SyntaxError, ValueError, UnicodeDecodeError, MemoryError) as exc:
        engine_error = read_error(exc, path)
    except OSError as exc:
        engine_error = StoreError(f"cannot read {path}: {exc}")
    # Wait for the check in short steps, so that Ctrl-C gets through (and then stop waiting).
    while checker.is_alive():
        checker.join(worker.STEP)
    if failures:
        raise failures[0]
    if engine_error is not None:
        if by_lines:  # the full check names the exact place of a syntax error
            check_file(path, fmt, progress=False)
        raise engine_error


def _open_error(exc: Exception, path: Path) -> StoreError:
    text = str(exc)
    if "lock" in text.lower() and not isinstance(exc, RuntimeError):
        return StoreInUseError(
            f"the store {path} is in use by another graphkit process; "
            "wait for it to finish (or pass --wait), or query it read-only"
        )
    if isinstance(exc, PermissionError) or "permission denied" in text.lower():
        return StoreError(
            f"cannot open the store {path}: permission denied. Check the permissions of the "
            "folder and its files, or run graphkit as a user who may read them"
        )
    return damaged_error(path, text)


def damaged_error(path: Path | str, detail: str) -> StoreError:
    """The error for a store whose files are damaged, with what to do about it."""
    detail = " ".join(detail.split())
    return StoreError(
        f"the store {path} is damaged ({detail}). Run 'graphkit check --store {path}' for a "
        "full report; then rebuild it from your source files, or restore a backup"
    )


def _is_damage(exc: BaseException) -> bool:
    return isinstance(exc, RuntimeError) and "corruption" in str(exc).lower()


class LocalBackend:
    """A pyoxigraph ``Store``: in memory (``path`` None) or an on-disk folder."""

    def __init__(
        self,
        store: ox.Store,
        *,
        kind: str,
        description: str,
        read_only: bool,
        path: Path | None = None,
    ):
        self.store = store
        self.kind = kind
        self.description = description
        self.read_only = read_only
        self.path = path
        #: Seconds a query or update may run (None: no limit).
        self.timeout: float | None = None

    # -- opening -----------------------------------------------------------

    @classmethod
    def from_files(
        cls,
        files: Sequence[tuple[Path, ox.RdfFormat]],
        *,
        description: str,
        read_only: bool = True,
        stable_blank_nodes: bool = False,
    ) -> LocalBackend:
        """An in-memory store loaded from RDF files (each file all-or-nothing).

        ``stable_blank_nodes``: name blank nodes by their place in the files
        (for graphkit's own data, loaded on every run: its exports are then
        the same bytes every time). Other files keep the engine's fresh names,
        which never clash between files.
        """
        store = ox.Store()
        for index, (path, fmt) in enumerate(files):
            if stable_blank_nodes:
                store.extend(_stable_blank_nodes(iter_quads(path, fmt), f"f{index}b"))
            else:
                bulk_load_checked(store, path, fmt)
        return cls(store, kind="memory", description=description, read_only=read_only)

    @classmethod
    def persistent(cls, path: Path, *, read_only: bool, wait: bool = False) -> LocalBackend:
        """Open an existing on-disk store.

        ``wait``: when another process writes it, wait until it is done
        instead of raising :class:`StoreInUseError`.
        """
        if not is_oxigraph_dir(path):
            raise StoreError(
                f"{path} is not a graphkit store; create one with 'graphkit load FILE --store {path}'"
            )
        collected = False
        while True:
            try:
                store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
                break
            except (OSError, RuntimeError) as exc:
                error = _open_error(exc, path)
                if isinstance(error, StoreInUseError) and not collected:
                    # The engine lets go of its lock only when its last reference goes. In this
                    # process, a handled error's traceback (a reference cycle) can still hold a
                    # store that was closed: collect such garbage once before blaming another process.
                    collected = True
                    gc.collect()
                    continue
                if not (wait and isinstance(error, StoreInUseError)):
                    raise error from None
                time.sleep(0.2)
        if not read_only:
            remove_leftovers(path)
        return cls(store, kind="oxigraph", description=str(path), read_only=read_only, path=path)

    @classmethod
    def create(
        cls,
        path: Path,
        files: Sequence[tuple[Path, ox.RdfFormat]],
        *,
        wait: bool = False,
        before_commit: BeforeCommit | None = None,
    ) -> tuple[LocalBackend, int]:
        """Create a new on-disk store from files, atomically.

        The bulk loader writes into a hidden folder beside ``path`` that is
        renamed into place only when every file has loaded (and
        ``before_commit`` has accepted it), so a crash, a syntax error or a
        refusal leaves no half-made store behind. A second process
        creating the same store gets :class:`StoreInUseError` (or, with
        ``wait``, loads into the store once the first has made it; not when
        the new store was to be checked, since the existing one was not).
        """
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise StoreError(f"{path} exists and is not a graphkit store")
        try:
            with new_store_folder(path, "loading", wait=wait, before_commit=before_commit) as staging:
                store = ox.Store(str(staging))
                for file, fmt in files:
                    bulk_load_checked(store, file, fmt)
                count = len(store)
                store.flush()
                del store
        except StoreCreatedMeanwhile:
            backend = cls.persistent(path, read_only=False, wait=True)
            return backend, backend.load(files)
        # A process that waited to create the store may open it first: wait for it in turn.
        return cls.persistent(path, read_only=False, wait=True), count

    # -- reading -----------------------------------------------------------

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        """Run a query with Oxigraph; bindings become an escaped VALUES block.

        The query runs, and its rows are read, in a worker thread (see
        :mod:`graphkit.store.worker`), so that Ctrl-C and ``timeout`` stop it.
        """
        text = inline_bindings(sparql, bindings) if bindings else sparql
        deadline = worker.Deadline(self.timeout)
        with self._query_errors():
            return worker.query(
                lambda: self.store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True), deadline
            )

    def rows(self, sparql: str) -> list:
        """Every row of a SELECT, read in one engine call: for reads that keep the whole result anyway.

        :meth:`query` streams rows from a worker thread a batch at a time;
        a column of a million rows then costs thousands of hand-overs between
        the two threads, each a wait for the other to be scheduled when the
        machine is busy. Here the worker reads everything before handing over
        (and stops within a batch when ``timeout`` or Ctrl-C ends the wait).

        >>> backend = LocalBackend(ox.Store(), kind="memory", description="memory", read_only=False)
        >>> backend.rows("SELECT ?x WHERE { VALUES ?x { 1 2 } }")[1]["x"].value
        '2'
        """
        deadline = worker.Deadline(self.timeout)
        with self._query_errors():
            return worker.read_all(
                lambda: self.store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True), deadline
            )

    def select_rows(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None,
        convert: Callable[[list[str], Iterable[ox.QuerySolution]], Iterable[T]],
    ) -> list[T] | None:
        """Every row of a SELECT as ``convert(variable names, rows)`` gives it; None for another form.

        Read and converted in one worker call, as :meth:`rows` does: a
        result kept whole anyway is not worth a hand-over per batch.

        >>> backend = LocalBackend(ox.Store(), kind="memory", description="memory", read_only=False)
        >>> backend.select_rows("SELECT ?x WHERE { VALUES ?x { 1 } }", None, lambda names, rows: names)
        ['x']
        """
        text = inline_bindings(sparql, bindings) if bindings else sparql

        def start() -> Iterable[T]:
            result = self.store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
            if not isinstance(result, ox.QuerySolutions):
                found["select"] = False
                return ()
            return convert([v.value for v in result.variables], result)

        found = {"select": True}
        with self._query_errors():
            rows = worker.read_all(start, worker.Deadline(self.timeout))
        return rows if found["select"] else None

    @contextlib.contextmanager
    def _query_errors(self) -> Iterator[None]:
        """The engine's errors for a query, as graphkit's (a damaged store named as such)."""
        try:
            yield
        except SyntaxError as exc:
            raise QueryError(syntax_message(exc)) from None
        except (RuntimeError, ValueError) as exc:
            if _is_damage(exc):
                raise damaged_error(self.description, str(exc)) from None
            raise QueryError(f"the query failed: {exc}") from None
        except OSError as exc:
            raise StoreError(f"query failed on {self.description}: {exc}") from None

    def triple_count(self) -> int:
        return len(self.store)

    def triples(self) -> Iterable[ox.Triple]:
        # Queries here run over the union of all graphs already.
        return self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")

    def dump(self, output: BinaryIO, fmt: ox.RdfFormat) -> None:
        if fmt.supports_datasets:
            options = {"prefixes": PREFIXES} if fmt == ox.RdfFormat.TRIG else {}
            worker.call(lambda: self.store.dump(output, fmt, **options))
        else:
            worker.call(lambda: self.store.dump(output, fmt, from_graph=ox.DefaultGraph()))
            for graph in self.store.named_graphs():
                worker.call(lambda graph=graph: self.store.dump(output, fmt, from_graph=graph))

    # -- writing -----------------------------------------------------------

    def _require_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyStoreError(
                f"{self.description} is read-only. Load the data into a persistent store "
                "first ('graphkit load FILE --store DIR') or use a SPARQL endpoint."
            )

    def update(self, sparql: str) -> None:
        self._require_writable()
        try:
            worker.call(lambda: self.store.update(sparql, prefixes=PREFIXES), worker.Deadline(self.timeout))
        except SyntaxError as exc:
            raise QueryError(syntax_message(exc)) from None
        except RuntimeError as exc:
            if _is_damage(exc):
                raise damaged_error(self.description, str(exc)) from None
            raise  # the caller words it (an import says that nothing was written)
        except OSError as exc:
            raise StoreError(f"update failed on {self.description}: {exc}") from None

    def apply_changes(self, operations, inserts: Iterable[str]) -> None:
        """Run ``operations(None)``, then insert the N-Triples lines ``inserts``: one transaction."""
        lines = list(inserts)
        text = " ;\n".join([*operations(None), *([insert_data(lines)] if lines else [])])
        if text:
            self.update(text)

    def load(self, files: Sequence[tuple[Path, ox.RdfFormat]]) -> int:
        """Load into an existing store: each file in one transaction.

        Every file is checked first, so an error in the last file leaves the
        store untouched.
        """
        self._require_writable()
        # Check every file before writing anything: syntax, ill-typed literals, emptiness.
        for path, fmt in files:
            check_file(path, fmt)
        before = len(self.store)
        for path, fmt in files:
            try:
                with open_for_parse(path, f"loading {path.name}") as fh:
                    if path.stat().st_size == 0:
                        raise ParseError("the file contains no RDF statements", str(path))
                    worker.call(lambda: self.store.load(fh, fmt))  # noqa: B023
            except (SyntaxError, ValueError, UnicodeDecodeError, MemoryError) as exc:
                raise read_error(exc, path) from None
            except GraphkitError:
                raise
            except OSError as exc:
                raise StoreError(f"cannot load {path}: {exc}") from None
        if self.path is not None:
            self.store.flush()
        return len(self.store) - before

    def close(self) -> None:
        if self.path is not None and not self.read_only:
            with contextlib.suppress(OSError):
                self.store.flush()
        self.store = None  # type: ignore[assignment]

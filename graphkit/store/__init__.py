"""Stores: where the triples live. One spec string picks one of four kinds.

=====================  ==========================================
spec                   store
=====================  ==========================================
(absent)               the bundled dataset, in memory, read-only
``file.ttl`` / folder  RDF files loaded in memory, read-only
``oxigraph:DIR``, DIR  an embedded Oxigraph store on disk
``http(s)://...``      a SPARQL 1.1 endpoint
=====================  ==========================================
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from graphkit.errors import StoreError
from graphkit.store.base import Backend, QueryResult
from graphkit.store.creating import BeforeCommit
from graphkit.store.formats import detect_format, is_rdf_file
from graphkit.store.local import LocalBackend, is_oxigraph_dir
from graphkit.vocab import ONTOLOGY_FILE, data_dir, dataset_files

__all__ = ["Backend", "QueryResult", "bundled_files", "open_backend", "resolve_spec"]

ENV_VAR = "GRAPHKIT_STORE"


def bundled_files() -> list[Path]:
    """The ontology and the bundled dataset, in load order."""
    return [data_dir() / ONTOLOGY_FILE, *dataset_files()]


def resolve_spec(spec: str | os.PathLike | None) -> str | None:
    """The spec to use: the argument, else ``$GRAPHKIT_STORE``, else None (bundled)."""
    if spec is None or str(spec) == "":
        spec = os.environ.get(ENV_VAR) or None
    return None if spec is None else str(spec)


# In a folder, .json and .xml are too often something else (a graphkit JSON export, GraphML).
_AMBIGUOUS = {".json", ".xml"}


def _rdf_files_in(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and is_rdf_file(p)
        and p.suffix.lower() not in _AMBIGUOUS
        and not p.name.startswith(".")
    )


def open_backend(
    spec: str | os.PathLike | None = None,
    *,
    read_only: bool | None = None,
    create: bool = False,
    timeout: float | None = None,
    wait: bool = False,
) -> Backend:
    """Open the store that ``spec`` names (see the module docstring).

    ``create`` lets a missing folder become a new embedded store (used by
    ``load``, which fills it). ``read_only``: True opens an embedded store
    without taking its write lock; None (the default) makes in-memory
    stores read-only and the others writable; False makes even an in-memory
    store writable (for scratch work in Python; nothing is saved).
    ``wait``: when another process writes (or creates) the embedded store,
    wait for it instead of raising :class:`~graphkit.errors.StoreInUseError`.
    ``timeout``: seconds a query may run (on an endpoint: each request);
    None means no limit for embedded stores and the default for endpoints.

    >>> open_backend().kind
    'memory'
    """
    backend = _open_backend(spec, read_only=read_only, create=create, timeout=timeout, wait=wait)
    if isinstance(backend, LocalBackend):
        backend.timeout = timeout
    return backend


def _open_backend(
    spec: str | os.PathLike | None, *, read_only: bool | None, create: bool, timeout: float | None, wait: bool
) -> Backend:
    spec = resolve_spec(spec)
    if spec is None or spec == "bundled":
        return LocalBackend.from_files(
            [(p, ox.RdfFormat.TURTLE) for p in bundled_files()],
            description="the bundled dataset",
            read_only=True if read_only is None else read_only,
            stable_blank_nodes=True,
        )
    if spec.startswith(("http://", "https://", "sparql:")):
        from graphkit.store.remote import RemoteBackend  # HTTP libraries only when a command needs them

        return RemoteBackend(spec, timeout=timeout, read_only=bool(read_only))
    explicit_store = spec.startswith("oxigraph:")
    path = Path(spec[len("oxigraph:") :] if explicit_store else spec).expanduser()
    if is_oxigraph_dir(path):
        return LocalBackend.persistent(path, read_only=bool(read_only), wait=wait)
    if not path.exists() or (path.is_dir() and not any(path.iterdir())):
        if create and not is_rdf_file(path):
            return _NewStore(path, wait=wait)  # type: ignore[return-value]
        if explicit_store:
            raise StoreError(
                f"no graphkit store at {path}; create it with 'graphkit load FILE --store {spec}'"
            )
        raise StoreError(f"no such file, folder or store: {path}")
    if explicit_store:
        raise StoreError(f"{path} is not an Oxigraph store")
    if path.is_file():
        files = [(path, detect_format(path))]
    else:
        found = _rdf_files_in(path)
        if not found:
            raise StoreError(f"{path} holds no RDF files (.ttl, .nt, .nq, .trig, .jsonld, .rdf)")
        files = [(p, detect_format(p)) for p in found]
    return LocalBackend.from_files(
        files, description=str(path), read_only=True if read_only is None else read_only
    )


class _NewStore:
    """A store that does not exist yet: ``load`` creates it with the bulk loader."""

    kind = "oxigraph"
    read_only = False

    def __init__(self, path: Path, *, wait: bool = False):
        self.path = path
        self.wait = wait
        self.description = str(path)
        self.created: LocalBackend | None = None
        #: Run on the finished store before it takes its place (``--validate``).
        self.before_commit: BeforeCommit | None = None

    def load(self, files):
        self.created, count = LocalBackend.create(
            self.path, files, wait=self.wait, before_commit=self.before_commit
        )
        return count

    def __getattr__(self, name):
        if self.created is not None:
            return getattr(self.created, name)
        raise StoreError(f"no graphkit store at {self.path} yet; load a file into it first")

    def close(self) -> None:
        if self.created is not None:
            self.created.close()

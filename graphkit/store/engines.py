"""Engine profiles: what differs between SPARQL engines, read from ``data/engines.toml``.

A profile is named in the store spec (``engine=virtuoso``) or detected from
the ``Server`` header of the endpoint's first answer.
"""

from __future__ import annotations

import functools
import tomllib
import urllib.parse
from dataclasses import dataclass, fields

from graphkit.errors import StoreError
from graphkit.vocab import data_dir

ENGINES_FILE = "engines.toml"
GENERIC = "generic"


@dataclass(frozen=True)
class Engine:
    """One engine's profile (see ``data/engines.toml`` for the meaning of each field)."""

    name: str
    label: str
    server: tuple[str, ...]
    batch: int
    atomic_requests: bool
    target_graph: str
    update_dataset: str
    dataset_post: bool
    boolean_as_number: bool
    store_path: str
    store_batch: int
    too_large: tuple[str, ...]
    setup: str


@functools.cache
def engines() -> dict[str, Engine]:
    """Every profile by name.

    >>> engines()["virtuoso"].batch
    1000
    """
    with (data_dir() / ENGINES_FILE).open("rb") as fh:
        table = tomllib.load(fh)
    names = {f.name for f in fields(Engine)} - {"name"}
    found = {}
    for name, entry in table.items():
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in entry.items() if k in names}
        found[name] = Engine(name=name, **values)
    return found


def engine_named(name: str) -> Engine:
    """The profile called ``name``, or a StoreError listing the known ones.

    >>> engine_named("Oxigraph").label
    'Oxigraph server'
    """
    known = engines()
    try:
        return known[name.strip().lower()]
    except KeyError:
        raise StoreError(f"unknown engine {name!r}; known engines: {', '.join(sorted(known))}") from None


def detect(server_header: str) -> Engine:
    """The profile whose ``server`` words appear in an HTTP Server header (else generic).

    >>> detect("Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu").name
    'virtuoso'
    >>> detect("nginx").name
    'generic'
    """
    header = server_header.lower()
    for engine in engines().values():
        if any(word in header for word in engine.server):
            return engine
    return engines()[GENERIC]


# -- the store spec ------------------------------------------------------------

_OPTIONS = ("query", "update", "store", "engine", "graph", "batch")


@dataclass(frozen=True)
class Endpoints:
    """The URLs of one SPARQL service, and how graphkit uses it."""

    query: str
    update: str | None
    store: str | None  # Graph Store Protocol
    engine: str | None = None  # a profile name; None: detect
    graph: str | None = None  # the target graph; None: the engine's default
    batch: int | None = None  # triples per INSERT DATA; None: the engine's

    @classmethod
    def from_spec(cls, spec: str) -> Endpoints:
        """Parse a store spec: a URL, or ``sparql:`` with comma-separated options.

        ``sparql:URL,engine=NAME,graph=IRI,batch=N`` derives the update and
        graph-store URLs from URL; ``query=URL,update=URL,store=URL`` spells
        them out (no ``update=``: read-only).

        >>> Endpoints.from_spec("http://localhost:7878").update
        'http://localhost:7878/update'
        >>> Endpoints.from_spec("http://h:3030/ds/sparql").store
        'http://h:3030/ds/data'
        >>> e = Endpoints.from_spec("sparql:http://h:8890/sparql,engine=virtuoso,graph=urn:x:g")
        >>> e.update, e.engine, e.graph
        ('http://h:8890/sparql', 'virtuoso', 'urn:x:g')
        """
        if not spec.startswith("sparql:"):
            return cls._derived(spec)
        url, options = None, {}
        for part in spec[len("sparql:") :].split(","):
            key, sep, value = part.partition("=")
            if sep and key.strip().lower() in _OPTIONS:
                options[key.strip().lower()] = value.strip()
            elif part.strip():
                if url is not None:
                    raise StoreError(f"the store spec {spec!r} names two URLs; separate options with ','")
                url = part.strip()
        if url is None and "query" not in options:
            raise StoreError("a sparql: store spec needs a URL (sparql:URL,...) or query=URL")
        base = (
            cls._derived(url) if url else cls(options["query"], options.get("update"), options.get("store"))
        )
        batch = options.get("batch")
        if batch is not None and (not batch.isdigit() or int(batch) < 1):
            raise StoreError(f"batch= must be a positive whole number, not {batch!r}")
        if options.get("engine"):
            engine_named(options["engine"])
        return cls(
            options.get("query", base.query),
            options.get("update", base.update),
            options.get("store", base.store),
            options.get("engine") or None,
            options.get("graph") or None,
            int(batch) if batch else None,
        )

    @classmethod
    def _derived(cls, spec: str) -> Endpoints:
        url = spec.rstrip("/")
        try:
            parsed = urllib.parse.urlsplit(url)
            parsed.port  # noqa: B018 - raises on a malformed port
        except ValueError as exc:
            raise StoreError(f"malformed endpoint URL {spec!r}: {exc}") from None
        path = parsed.path
        root = urllib.parse.urlunsplit(parsed._replace(query="", fragment=""))
        if path == "":  # Oxigraph server root
            return cls(root + "/query", root + "/update", root + "/store")
        if path.endswith("/query"):  # Oxigraph
            base = root[: -len("/query")]
            return cls(url, base + "/update", base + "/store")
        if "/repositories/" in path:  # GraphDB, RDF4J
            return cls(url, root + "/statements", root + "/rdf-graphs/service")
        if path.endswith("/sparql") and path.count("/") >= 2:  # Fuseki /dataset/sparql
            base = root[: -len("/sparql")]
            return cls(url, base + "/update", base + "/data")
        return cls(url, url, None)  # Virtuoso and others: one endpoint for both

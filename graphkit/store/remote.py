"""Any SPARQL 1.1 endpoint over HTTP: Oxigraph server, Fuseki, GraphDB, Virtuoso.

Every request has a timeout. Loads go through the Graph Store Protocol in one
request per graph where the endpoint has one, otherwise as batched
``INSERT DATA``; blank nodes are skolemised first, because a blank node sent
to an endpoint cannot be referred to again.
"""

from __future__ import annotations

import io
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from graphkit.errors import GraphkitError, QueryError, RemoteError, StoreError
from graphkit.store.base import QueryResult, guarded
from graphkit.store.formats import check_file, iter_quads
from graphkit.store.sparql import Term, classify, inline_bindings, prologue_for, syntax_message
from graphkit.vocab import GENID, PREFIXES

DEFAULT_TIMEOUT = 30.0
INSERT_BATCH = 2_000
_RESULTS = "application/sparql-results+json"
_TRIPLES = "application/n-triples"


def default_timeout() -> float:
    """Seconds to wait for an endpoint (``GRAPHKIT_TIMEOUT`` overrides)."""
    try:
        return float(os.environ.get("GRAPHKIT_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


@dataclass(frozen=True)
class Endpoints:
    """The URLs of one SPARQL service."""

    query: str
    update: str | None
    store: str | None  # Graph Store Protocol

    @classmethod
    def from_spec(cls, spec: str) -> Endpoints:
        """Derive the update and graph-store URLs from a query URL.

        An explicit form is ``sparql:query=URL,update=URL,store=URL``.

        >>> Endpoints.from_spec("http://localhost:7878").update
        'http://localhost:7878/update'
        >>> Endpoints.from_spec("http://h:3030/ds/sparql").store
        'http://h:3030/ds/data'
        """
        if spec.startswith("sparql:"):
            parts = dict(p.split("=", 1) for p in spec[len("sparql:") :].split(",") if "=" in p)
            if "query" not in parts:
                raise StoreError("a sparql: store spec needs query=URL")
            return cls(parts["query"], parts.get("update"), parts.get("store"))
        url = spec.rstrip("/")
        try:
            parsed = urllib.parse.urlsplit(url)
            parsed.port  # noqa: B018 - raises on a malformed port
        except ValueError as exc:
            raise StoreError(f"malformed endpoint URL {spec!r}: {exc}") from None
        path = parsed.path
        base = url[: len(url) - len(path)] if path else url
        if path in ("",):  # Oxigraph server root
            return cls(base + "/query", base + "/update", base + "/store")
        if path.endswith("/query"):  # Oxigraph
            root = url[: -len("/query")]
            return cls(url, root + "/update", root + "/store")
        if "/repositories/" in path:  # GraphDB, RDF4J
            return cls(url, url + "/statements", url + "/rdf-graphs/service")
        if path.endswith("/sparql") and path.count("/") >= 2:  # Fuseki /dataset/sparql
            root = url[: -len("/sparql")]
            return cls(url, root + "/update", root + "/data")
        return cls(url, url, None)  # Virtuoso and others: one endpoint for both


class RemoteBackend:
    """A SPARQL endpoint reached over HTTP with a timeout on every call."""

    kind = "remote"

    def __init__(self, spec: str, *, timeout: float | None = None, read_only: bool = False):
        self.endpoints = Endpoints.from_spec(spec)
        self.description = self.endpoints.query
        self.timeout = timeout if timeout is not None else default_timeout()
        self.read_only = read_only or self.endpoints.update is None

    # -- HTTP --------------------------------------------------------------

    def _send(self, url: str, body: bytes, content_type: str, accept: str | None = None) -> bytes:
        headers = {"Content-Type": content_type, "User-Agent": "graphkit"}
        if accept:
            headers["Accept"] = accept
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = response.read()
                kind = response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            detail = exc.read(2000).decode("utf-8", "replace").strip()
            if exc.code == 400:
                raise QueryError(f"{url} rejected the request: {detail or exc.reason}") from None
            raise RemoteError(f"{url} answered HTTP {exc.code} {exc.reason}: {detail[:300]}") from None
        except TimeoutError:
            raise RemoteError(f"{url} did not answer within {self.timeout:g} s") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise RemoteError(f"{url} did not answer within {self.timeout:g} s") from None
            raise RemoteError(f"cannot reach the SPARQL endpoint {url}: {reason}") from None
        except (ConnectionError, OSError) as exc:
            raise RemoteError(f"connection to {url} failed: {exc}") from None
        if accept and "html" in kind.lower():
            raise RemoteError(f"{url} returned an HTML page, not SPARQL results; is this the endpoint URL?")
        self._last_content_type = kind
        return payload

    # -- reading -----------------------------------------------------------

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        text = inline_bindings(sparql, bindings) if bindings else sparql
        text = prologue_for(text) + "\n" + text
        form = classify(sparql)
        accept = _TRIPLES if form in ("construct", "describe") else _RESULTS
        try:
            payload = self._send(
                self.endpoints.query,
                urllib.parse.urlencode({"query": text}).encode(),
                "application/x-www-form-urlencoded",
                accept,
            )
        except QueryError:
            _raise_local_syntax_error(sparql)
            raise
        try:
            if accept == _TRIPLES:
                return _Triples(payload)
            return ox.parse_query_results(payload, ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise RemoteError(f"{self.endpoints.query} sent results that cannot be read: {exc}") from None

    def triple_count(self) -> int:
        rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
        return int(next(iter(rows))["n"].value)

    def triples(self) -> Iterable[ox.Triple]:
        # An endpoint's default graph leaves out its named graphs.
        return self.query("CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")

    def quads(self) -> list[ox.Quad]:
        """Every statement with its graph: endpoints query the default graph only by default."""
        rows = self.query("SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
        return [
            ox.Quad(r["s"], r["p"], r["o"], r["g"] if r["g"] is not None else ox.DefaultGraph())
            for r in guarded(rows)
        ]

    def dump(self, output: BinaryIO, fmt: ox.RdfFormat) -> None:
        quads = self.quads()
        if fmt.supports_datasets:
            prefixes = {"prefixes": PREFIXES} if fmt == ox.RdfFormat.TRIG else {}
            ox.serialize(quads, output, fmt, **prefixes)
        else:  # formats without graphs get the union, as from an embedded store
            ox.serialize(list(dict.fromkeys(q.triple for q in quads)), output, fmt)

    # -- writing -----------------------------------------------------------

    def _require_writable(self) -> None:
        if self.read_only:
            raise StoreError(
                f"{self.description} has no update endpoint; give one with "
                "--store 'sparql:query=URL,update=URL'"
            )

    def update(self, sparql: str) -> None:
        self._require_writable()
        text = prologue_for(sparql) + "\n" + sparql
        self._send(
            self.endpoints.update,  # type: ignore[arg-type]
            urllib.parse.urlencode({"update": text}).encode(),
            "application/x-www-form-urlencoded",
        )

    def load(self, files: Sequence[tuple[Path, ox.RdfFormat]]) -> int:
        """Check every file, skolemise blank nodes, then send.

        With a Graph Store endpoint each graph goes in one request, which
        Oxigraph and Fuseki apply atomically. Without one, ``INSERT DATA``
        batches are sent, and a failure part-way is reported as such.
        """
        self._require_writable()
        for path, fmt in files:
            check_file(path, fmt)
        staging = ox.Store()
        salt = uuid.uuid4().hex[:12]
        for path, fmt in files:
            staging.extend(skolemise(iter_quads(path, fmt), f"{GENID}{salt}-"))
        graphs: list[ox.NamedNode | ox.DefaultGraph] = [ox.DefaultGraph(), *staging.named_graphs()]
        if self.endpoints.store and len(graphs) > 1 and self.endpoints.store.endswith("/store"):
            # Oxigraph's store endpoint takes a whole dataset in one transaction.
            self._send(self.endpoints.store, staging.dump(format=ox.RdfFormat.N_QUADS), "application/n-quads")
        elif self.endpoints.store:
            for graph in graphs:
                body = staging.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
                if not body:
                    continue
                target = (
                    "default"
                    if isinstance(graph, ox.DefaultGraph)
                    else "graph=" + urllib.parse.quote(graph.value, safe="")
                )
                self._send(f"{self.endpoints.store}?{target}", body, _TRIPLES)
        else:
            sent = 0
            quads = list(staging)
            try:
                for start in range(0, len(quads), INSERT_BATCH):
                    self.update(_insert_data(quads[start : start + INSERT_BATCH]))
                    sent += min(INSERT_BATCH, len(quads) - start)
            except GraphkitError as exc:
                raise RemoteError(
                    f"{exc} ({sent} of {len(quads)} statements were inserted before the failure; "
                    "this endpoint has no Graph Store Protocol, so loads are not atomic)"
                ) from None
        return len(staging)

    def close(self) -> None:
        pass


class _Triples:
    """Triples parsed from an N-Triples response, iterable like ``QueryTriples``."""

    def __init__(self, payload: bytes):
        self._triples = [q.triple for q in ox.parse(payload, ox.RdfFormat.N_TRIPLES)]

    def __iter__(self):
        return iter(self._triples)

    def serialize(self, output=None, format=ox.RdfFormat.TURTLE):
        return ox.serialize(self._triples, output, format)


def _raise_local_syntax_error(sparql: str) -> None:
    """Re-parse a rejected query locally to report the position in the user's own text."""
    try:
        ox.Store().query(sparql, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise QueryError(syntax_message(exc)) from None
    except (OSError, RuntimeError, ValueError):
        pass


def skolemise(quads: Iterable[ox.Quad], base: str) -> Iterable[ox.Quad]:
    """Replace blank nodes by IRIs under ``base`` (RDF 1.1 §3.5)."""

    def fix(term):
        return ox.NamedNode(base + term.value) if isinstance(term, ox.BlankNode) else term

    for q in quads:
        yield ox.Quad(fix(q.subject), q.predicate, fix(q.object), fix(q.graph_name))


def _insert_data(quads: Sequence[ox.Quad]) -> str:
    out = io.StringIO()
    out.write("INSERT DATA {\n")
    for q in quads:
        triple = f"{q.subject} {q.predicate} {q.object} ."
        if isinstance(q.graph_name, ox.DefaultGraph):
            out.write(triple + "\n")
        else:
            out.write(f"GRAPH {q.graph_name} {{ {triple} }}\n")
    out.write("}")
    return out.getvalue()

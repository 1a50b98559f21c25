"""Any SPARQL 1.1 endpoint over HTTP: Oxigraph server, Virtuoso, Fuseki, GraphDB.

One code path over the SPARQL 1.1 Protocol, Update and Graph Store Protocol;
what differs between engines is a profile (``data/engines.toml``), named in
the spec or detected from the endpoint's ``Server`` header.

graphkit's data on an endpoint is one *target graph* (``graph=IRI``, or the
engine's default: Virtuoso's default graph is the union of every graph plus
its own system graphs, so graphkit keeps to ``urn:graphkit:graph`` there), or
the endpoint's default graph and named graphs when there is none. Every
query is sent with that graph as its dataset (``default-graph-uri``), so
counts, exports and merges see only it.

Writes are all or nothing. Engines that apply one request atomically get
one request; the others get a fresh staging graph that is filled first and
made live in one request (``ADD``/``MOVE``), then dropped.
"""

from __future__ import annotations

import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from graphkit.errors import QueryError, RemoteError, StoreError
from graphkit.store import results_stream as results
from graphkit.store.base import QueryResult
from graphkit.store.engines import Endpoints, Engine, detect, engine_named
from graphkit.store.formats import check_file, iter_quads, rename_blank_nodes
from graphkit.store.http import Http, check_url, with_query
from graphkit.store.sparql import (
    GRAPH_KEYWORDS,
    Term,
    classify,
    has_keyword,
    inline_bindings,
    insert_data,
    names_graphs,
    nt_line,
    operation_count,
    prologue_for,
    syntax_message,
    uses_load,
)
from graphkit.store.staging import StagedWrites, forget
from graphkit.vocab import GENID, PREFIXES

NO_NAMED_GRAPHS = "urn:graphkit:no-named-graphs"
_RESULTS = "application/sparql-results+json"
_TRIPLES = "application/n-triples"
_FORM = "application/x-www-form-urlencoded"
#: Requests that copy whole graphs on the server get this many times the deadline.
BULK_FACTOR = 20
#: The operations that a write runs before its inserts, given the graph they act on.
Operations = Callable[[ox.NamedNode | None], list[str]]


class RemoteBackend(StagedWrites):
    """A SPARQL endpoint reached over HTTP (see the module docstring)."""

    kind = "remote"

    def __init__(self, spec: str, *, timeout: float | None = None, read_only: bool = False):
        self.endpoints = Endpoints.from_spec(spec)
        for url in (self.endpoints.query, self.endpoints.update, self.endpoints.store):
            if url is not None:
                check_url(url)
        self.description = self.endpoints.query
        self.http = Http(timeout)
        self.timeout = self.http.timeout
        self.read_only = read_only or self.endpoints.update is None
        self._engine = engine_named(self.endpoints.engine) if self.endpoints.engine else None
        self.batch_size: int | None = None

    # -- the engine ----------------------------------------------------------

    @property
    def engine(self) -> Engine:
        """The engine's profile: named in the spec, else detected by one small query."""
        if self._engine is None:
            body = urllib.parse.urlencode({"query": "ASK {}"}).encode()
            response = self.http.post(self.endpoints.query, body, _FORM, accept=_RESULTS, write=False)
            response.close()
            self._engine = detect(response.server)
        self.http.too_large = self._engine.too_large
        return self._engine

    @property
    def graph(self) -> ox.NamedNode | None:
        """The target graph, or None for the endpoint's default graph."""
        iri = self.endpoints.graph or self.engine.target_graph
        return ox.NamedNode(iri) if iri else None

    @property
    def batch(self) -> int:
        """Triples per INSERT DATA: the spec's batch=, else the engine's (halved when too large)."""
        return self.batch_size or self.endpoints.batch or self.engine.batch

    @property
    def store_url(self) -> str | None:
        """The Graph Store Protocol URL: from the spec, else where the engine keeps it."""
        if self.endpoints.store or not self.engine.store_path:
            return self.endpoints.store
        return urllib.parse.urljoin(self.endpoints.query, self.engine.store_path)

    def _dataset(self) -> dict[str, str]:
        graph = self.graph
        return {} if graph is None else {"default-graph-uri": graph.value, "named-graph-uri": NO_NAMED_GRAPHS}

    # -- reading -------------------------------------------------------------

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        text = inline_bindings(sparql, bindings) if bindings else sparql
        form = classify(sparql)
        accept = _TRIPLES if form in ("construct", "describe") else _RESULTS
        fields = {"query": prologue_for(text) + text, **self._dataset()}
        url = self.endpoints.query
        try:
            response = self.http.post(
                url, urllib.parse.urlencode(fields).encode(), _FORM, accept=accept, write=False
            )
        except QueryError:
            _raise_local_syntax_error(sparql)
            raise
        cut = response.headers.get("X-SPARQL-MaxRows")
        if cut is not None:  # Virtuoso: the answer may have been cut at its ResultSetMaxRows
            response.close()
            raise RemoteError(
                f"{url} returns at most {cut} rows per query, so this answer may be incomplete; "
                "raise ResultSetMaxRows in the [SPARQL] section of virtuoso.ini above the store's size"
            )
        fix = self.engine.boolean_as_number
        kind = response.content_type.split(";")[0].strip().lower()
        if "html" in kind:
            response.close()
            raise RemoteError(f"{url} returned an HTML page, not SPARQL results; is this the endpoint URL?")
        if accept == _TRIPLES:
            return results.Triples(response.chunks(), url, fix_booleans=fix)  # type: ignore[return-value]
        if form == "ask":
            return results.boolean(response.read(), url)
        return results.solutions(response.chunks(), url, fix_booleans=fix)

    def triple_count(self) -> int:
        where = "{ ?s ?p ?o }" if self.graph else "{ { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
        rows = list(self.query(f"SELECT (COUNT(*) AS ?n) WHERE {where}"))
        try:
            return int(rows[0]["n"].value)
        except (IndexError, KeyError, TypeError, ValueError, AttributeError):
            raise RemoteError(f"{self.endpoints.query} did not answer a count") from None

    def triples(self) -> Iterable[ox.Triple]:
        if self.graph:
            rows = self.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
            return (ox.Triple(r["s"], r["p"], r["o"]) for r in rows)
        # An endpoint's default graph leaves out its named graphs.
        return self.query("CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")

    def quads(self) -> list[ox.Quad]:
        """Every statement with its graph (the target graph's are in the default graph)."""
        if self.graph:
            return [ox.Quad(t.subject, t.predicate, t.object) for t in self.triples()]
        rows = self.query("SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
        return [
            ox.Quad(r["s"], r["p"], r["o"], r["g"] if r["g"] is not None else ox.DefaultGraph()) for r in rows
        ]

    def dump(self, output: BinaryIO, fmt: ox.RdfFormat) -> None:
        quads = self.quads()
        if fmt.supports_datasets:
            prefixes = {"prefixes": PREFIXES} if fmt == ox.RdfFormat.TRIG else {}
            ox.serialize(quads, output, fmt, **prefixes)
        else:  # formats without graphs get the union, as from an embedded store
            ox.serialize(list(dict.fromkeys(q.triple for q in quads)), output, fmt)

    # -- writing -------------------------------------------------------------

    def _require_writable(self) -> None:
        if self.read_only:
            raise StoreError(
                f"{self.description} has no update endpoint; give one with "
                "--store 'sparql:query=URL,update=URL'"
            )

    def _post_update(self, text: str, params: Mapping[str, str] | None = None, *, bulk: bool = False) -> None:
        """POST an update. ``bulk``: it copies whole graphs on the server (ADD, COPY, MOVE),
        which takes time in proportion to the data, so it gets ``BULK_FACTOR`` times the deadline."""
        body = urllib.parse.urlencode({"update": text, **(params or {})}).encode()
        timeout = self.timeout * BULK_FACTOR if bulk else None
        self.http.post(
            self.endpoints.update, body, _FORM, accept=_RESULTS, write=True, timeout=timeout
        ).read()  # type: ignore[arg-type]

    def update(self, sparql: str) -> None:
        """Run a user's update, all or nothing; without GRAPH or WITH it writes into the target graph.

        An engine that applies each operation of a request on its own
        (Virtuoso) gets an update of several operations on a staging copy of
        the target graph, made live in one ``MOVE`` once all of them went
        through. One that names graphs itself cannot be aimed at a copy, so
        there it is refused: its operations can be sent one at a time.
        """
        self._require_writable()
        engine, graph, params = self.engine, self.graph, {}
        if graph is not None and engine.update_dataset:
            params = {engine.update_dataset: graph.value}
        elif graph is not None and not (has_keyword(sparql, "GRAPH") or has_keyword(sparql, "WITH")):
            raise StoreError(
                f"{engine.label} cannot aim an update at graphkit's graph {graph}; name it in the "
                f"update itself (WITH {graph} ... or GRAPH {graph} {{ ... }})"
            )
        text = prologue_for(sparql) + sparql
        if engine.atomic_requests or operation_count(sparql) <= 1:
            try:
                self._post_update(text, params)
            except QueryError:
                _raise_local_update_error(sparql)
                raise
            return
        if not params or names_graphs(sparql):
            raise StoreError(_unstageable(engine, bool(params)))
        _raise_local_update_error(sparql)  # a syntax error is told before anything is copied
        self._through_staging(
            graph, lambda staging: self._post_update(text, {engine.update_dataset: staging.value})
        )

    def apply_changes(self, operations: Operations, inserts: Iterable[str]) -> None:
        """Run ``operations(graph)`` then insert the N-Triples lines ``inserts``, all or nothing.

        ``operations`` builds the update operations (DELETE ... WHERE ...) for
        the graph they must act on: the target graph (None: the default
        graph), or a staging copy of it on engines that do not apply one
        request atomically; the staging copy replaces the target in one
        ``MOVE`` once everything went through.
        """
        self._require_writable()
        graph = self.graph
        if self.engine.atomic_requests:
            lines = list(inserts)
            self._post_update(
                " ;\n".join([*operations(graph), *([insert_data(lines, graph)] if lines else [])])
            )
            return

        def fill(staging: ox.NamedNode) -> None:
            for operation in operations(staging):
                self._post_update(operation)
            self._insert(inserts, staging)

        self._through_staging(graph, fill)

    def load(self, files: Sequence[tuple[Path, ox.RdfFormat]]) -> int:
        """Check every file, skolemise blank nodes, then write all or nothing."""
        self._require_writable()
        for path, fmt in files:
            check_file(path, fmt)
        data = ox.Store()
        salt = uuid.uuid4().hex[:12]
        for path, fmt in files:
            data.extend(skolemise(iter_quads(path, fmt), f"{GENID}{salt}-"))
        graphs: list[ox.NamedNode | ox.DefaultGraph] = [ox.DefaultGraph(), *data.named_graphs()]
        target, engine = self.graph, self.engine
        if target is not None and len(graphs) > 1:
            raise StoreError(
                f"the files hold named graphs, but graphkit keeps its data on {self.description} in the "
                f"one graph {target}; load them as Turtle or N-Triples, or give another store"
            )
        if engine.atomic_requests and engine.dataset_post and self.endpoints.store and target is None:
            body = data.dump(format=ox.RdfFormat.N_QUADS)
            bulk = self.timeout * BULK_FACTOR
            self.http.post(self.endpoints.store, body, "application/n-quads", write=True, timeout=bulk).read()
        elif engine.atomic_requests and self.endpoints.store:
            for graph in graphs:
                body = data.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
                name = target if isinstance(graph, ox.DefaultGraph) else graph
                query = {"graph": name.value} if name is not None else {"default": ""}
                url = with_query(self.endpoints.store, query)
                self.http.post(url, body, _TRIPLES, write=True, timeout=self.timeout * BULK_FACTOR).read()
        else:
            self._staged_load(data, graphs, target)
        return len(data)

    def _staged_load(self, data: ox.Store, graphs: list, target: ox.NamedNode | None) -> None:
        self._check_leftovers()
        moves, stagings = [], []
        try:
            for graph in graphs:
                # No iterator is kept in this frame: an error's traceback would keep it alive,
                # and pyoxigraph's iterators must not be dropped on another thread.
                lines = [nt_line(q) for q in data.quads_for_pattern(None, None, None, graph)]
                if not lines:
                    continue
                staging = self._new_staging()
                stagings.append(staging)
                self._insert(lines, staging)
                name = graph if isinstance(graph, ox.NamedNode) else target
                moves.append(f"ADD {staging} TO {name if name is not None else 'DEFAULT'}")
        except BaseException as exc:
            raise self._abandon(stagings, exc) from None
        drops = [f"DROP SILENT GRAPH {s} ;\n{forget(s)}" for s in stagings]
        try:
            self._post_update(" ;\n".join(moves + drops), bulk=True)
        except BaseException as exc:
            raise self._abandon(stagings, exc, final=True) from None

    def close(self) -> None:
        pass


def _unstageable(engine: Engine, stageable: bool) -> str:
    """Why an update of several operations is refused on an engine that may apply them one by one."""
    if not stageable:  # no way to aim the update at a staging copy
        return (
            f"graphkit cannot tell whether this {engine.label} applies an update of several operations "
            "all or nothing, so a failure part-way might leave the first ones applied; send it an "
            "operation at a time, or name the engine in the store spec (engine=oxigraph, fuseki or "
            "graphdb) if it is one of those"
        )
    return (
        f"{engine.label} applies each operation of an update on its own, so a failure part-way "
        "would leave the first ones applied. graphkit stages an update of several operations "
        f"only when none of them names a graph ({', '.join(GRAPH_KEYWORDS)}); send this one "
        "an operation at a time"
    )


def _raise_local_syntax_error(sparql: str) -> None:
    """Re-parse a rejected query locally to report the position in the user's own text."""
    try:
        ox.Store().query(sparql, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise QueryError(syntax_message(exc)) from None
    except (OSError, RuntimeError, ValueError):
        pass


def _raise_local_update_error(sparql: str) -> None:
    """The same for a rejected update (run on an empty in-memory store; never LOAD)."""
    if uses_load(sparql):
        return
    try:
        ox.Store().update(sparql, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise QueryError(syntax_message(exc)) from None
    except (OSError, RuntimeError, ValueError):
        pass


def skolemise(quads: Iterable[ox.Quad], base: str) -> Iterable[ox.Quad]:
    """Replace blank nodes by IRIs under ``base`` (RDF 1.1 §3.5)."""
    return rename_blank_nodes(quads, lambda node: ox.NamedNode(base + node.value))

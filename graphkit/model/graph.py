"""KnowledgeGraph: one API over every store kind."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graphkit.errors import GraphkitError, QueryError, StoreError
from graphkit.model.schema import Schema, load_schema
from graphkit.store import Backend, QueryResult, open_backend
from graphkit.store.base import guarded, is_solutions
from graphkit.store.formats import detect_format
from graphkit.store.sparql import Term, classify, uses_load, uses_service
from graphkit.store.sparql_errors import explain as explain_syntax_error


class KnowledgeGraph:
    """A sourced knowledge graph over one store.

    Open one with :func:`graphkit.open`; use it as a context manager to
    release the store's files and locks.

    >>> with open_graph() as kg:
    ...     kg.ask("ASK { gkd:judith-collins gk:metWith gkd:aws }")
    True
    """

    def __init__(self, backend: Backend, schema: Schema | None = None):
        self.backend = backend
        self.schema = schema or load_schema()

    # -- life cycle ----------------------------------------------------------

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the store."""
        self.backend.close()

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {self.backend.kind}: {self.backend.description}>"

    @property
    def read_only(self) -> bool:
        return self.backend.read_only

    # -- SPARQL --------------------------------------------------------------

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        *,
        allow_service: bool = False,
    ) -> QueryResult:
        """Run a SELECT, ASK, CONSTRUCT or DESCRIBE query.

        Values go in ``bindings`` (variable name → pyoxigraph term), never
        into the query text. Updates are refused here (use :meth:`update`),
        and so is SERVICE unless ``allow_service`` is set, so that a query
        cannot make the machine call out to another host.

        >>> with open_graph() as kg:
        ...     rows = kg.query("SELECT ?l WHERE { ?e rdfs:label ?l } LIMIT 1")
        ...     len(list(rows))
        1
        """
        self._check_query(sparql, allow_service)
        if bindings:
            return self.backend.query(sparql, bindings)
        try:
            return self.backend.query(sparql)
        except QueryError as exc:
            raise QueryError(explain_syntax_error(str(exc), sparql)) from None

    @staticmethod
    def _check_query(sparql: str, allow_service: bool = False) -> None:
        if classify(sparql) == "update":
            raise QueryError(
                "this is a SPARQL update (INSERT, DELETE, LOAD, CLEAR...); "
                "run it with 'graphkit update' instead of 'graphkit query'"
            )
        if not allow_service and uses_service(sparql):
            raise QueryError(
                "SERVICE (federated query) is disabled: it would make graphkit contact another "
                "host. Pass --allow-service if you mean it."
            )

    def select(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> list[dict[str, Any]]:
        """Run a SELECT; each row is a dict of Python values (IRIs and literals as str).

        >>> with open_graph() as kg:
        ...     kg.select("SELECT ?l WHERE { gkd:nzsis rdfs:label ?l }")[0]["l"]
        'New Zealand Security Intelligence Service'
        """
        whole = getattr(self.backend, "select_rows", None)
        if whole is None:  # a remote store: rows as they stream in
            result = self.query(sparql, bindings)
            if not is_solutions(result):
                raise QueryError("select() needs a SELECT query")
            return list(_as_dicts([v.value for v in result.variables], guarded(result)))
        self._check_query(sparql)
        try:
            rows = whole(sparql, bindings, _as_dicts)
        except QueryError as exc:
            if bindings:
                raise
            raise QueryError(explain_syntax_error(str(exc), sparql)) from None
        if rows is None:
            raise QueryError("select() needs a SELECT query")
        return rows

    def ask(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> bool:
        """Run an ASK query."""
        result = self.query(sparql, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise QueryError("ask() needs an ASK query")
        return bool(result)

    def update(self, sparql: str, *, allow_load: bool = False) -> None:
        """Run a SPARQL update (refused on read-only stores).

        SERVICE is refused, and so is LOAD unless ``allow_load`` is set: both
        would make graphkit fetch from another host.
        """
        if classify(sparql) in ("select", "ask", "construct", "describe"):
            raise QueryError("this is a query, not an update; run it with 'graphkit query'")
        if uses_service(sparql):
            raise QueryError("SERVICE is disabled in updates")
        if not allow_load and uses_load(sparql):
            raise QueryError(
                "LOAD would make graphkit fetch a document from another host; load local files "
                "with 'graphkit load', or pass --allow-load if you mean it"
            )
        from graphkit.store.literals import check_update_literals

        check_update_literals(sparql)
        try:
            self.backend.update(sparql)
        except QueryError as exc:
            raise QueryError(explain_syntax_error(str(exc), sparql)) from None
        except (RuntimeError, ValueError) as exc:
            raise QueryError(f"the update failed: {exc}") from None

    # -- data ---------------------------------------------------------------

    def load(self, paths: Sequence[str | os.PathLike], format: str | None = None) -> int:
        """Load RDF files, all or nothing; return the number of statements added."""
        files = []
        for p in paths:
            path = Path(p)
            if not path.is_file():
                raise StoreError(_not_a_file(path))
            files.append((path, detect_format(path, format)))
        if not files:
            raise GraphkitError("no files to load")
        return self.backend.load(files)

    def triple_count(self) -> int:
        """Number of statements in the store."""
        return self.backend.triple_count()

    def triples(self) -> Iterator[ox.Triple]:
        """Every statement of every graph, as pyoxigraph triples."""
        return guarded(self.backend.triples())

    def rdflib_graph(self):
        """The store as an rdflib ``Graph``, for libraries that speak rdflib.

        Embedded stores are wrapped with oxrdflib (no copy; the default graph
        is named explicitly so writes are not lost in a random graph). Remote
        stores are copied into memory.
        """
        import rdflib

        store = getattr(self.backend, "store", None)
        if isinstance(store, ox.Store):
            from oxrdflib import OxigraphStore

            return rdflib.Graph(
                store=OxigraphStore(store=store), identifier=rdflib.graph.DATASET_DEFAULT_GRAPH_ID
            )
        graph = rdflib.Graph()
        graph.parse(data=ox.serialize(self.triples(), format=ox.RdfFormat.N_TRIPLES), format="nt")
        return graph


def _not_a_file(path: Path) -> str:
    try:
        mode = path.stat().st_mode
    except OSError:
        return f"no such file: {path}"
    from graphkit.file_kinds import kind_of_mode

    # A file is read twice (checked, then loaded): a pipe gives its bytes once.
    return f"{path} is {kind_of_mode(mode)}, not a file: load reads each file twice; copy it to a file first"


_XSD = "http://www.w3.org/2001/XMLSchema#"
_CONVERTERS = {
    **dict.fromkeys((_XSD + t for t in ("integer", "int", "long", "nonNegativeInteger")), int),
    **dict.fromkeys((_XSD + t for t in ("decimal", "double", "float")), float),
    _XSD + "boolean": lambda text: {"true": True, "1": True, "false": False, "0": False}[text],
}


def _as_dicts(names: list[str], rows: Iterable[ox.QuerySolution]) -> Iterator[dict[str, Any]]:
    return (dict(zip(names, map(to_python, row), strict=True)) for row in rows)


def to_python(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Any:
    """A pyoxigraph term as a plain Python value (numbers for numeric literals).

    >>> to_python(ox.Literal("2.7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")))
    2.7
    """
    kind = type(term)
    if kind is ox.NamedNode:
        return term.value
    if term is None:
        return None
    if kind is ox.Literal:
        convert = _CONVERTERS.get(term.datatype.value)
        if convert is None:
            return term.value
        try:
            return convert(term.value)
        except (ValueError, KeyError):
            return term.value
    if kind is ox.BlankNode:
        return "_:" + term.value
    return str(term)


def open_graph(
    spec: str | os.PathLike | None = None,
    *,
    read_only: bool | None = None,
    create: bool = False,
    timeout: float | None = None,
    wait: bool = False,
) -> KnowledgeGraph:
    """Open a knowledge graph.

    ``spec`` is None for the bundled dataset, an RDF file or folder, an
    embedded store folder (``oxigraph:DIR``) or a SPARQL endpoint URL;
    ``$GRAPHKIT_STORE`` is used when it is None.

    >>> kg = open_graph(); kg.backend.kind
    'memory'
    """
    return KnowledgeGraph(open_backend(spec, read_only=read_only, create=create, timeout=timeout, wait=wait))

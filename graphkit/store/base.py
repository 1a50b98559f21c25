"""What every store backend offers, whatever the engine behind it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO, Protocol

import pyoxigraph as ox

from graphkit.store.sparql import Term

#: What a query returns: rows (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE).
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class Backend(Protocol):
    """A place that holds triples and answers SPARQL.

    Results are always pyoxigraph objects, so the code above the store never
    cares whether the engine is embedded or remote.
    """

    #: "memory", "oxigraph" or "remote"
    kind: str
    #: Human-readable name for messages, e.g. the path or the URL.
    description: str
    read_only: bool

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        """Run a SPARQL query with the project prefixes pre-bound."""

    def update(self, sparql: str) -> None:
        """Run a SPARQL update."""

    def load(self, files: Sequence[tuple[Path, ox.RdfFormat]]) -> int:
        """Load files all-or-nothing; return the number of statements read."""

    def triple_count(self) -> int:
        """Number of statements in the store."""

    def triples(self) -> Iterable[ox.Triple]:
        """Every statement of every graph (the union), as triples."""

    def dump(self, output: BinaryIO, fmt: ox.RdfFormat) -> None:
        """Stream every statement to ``output``."""

    def close(self) -> None:
        """Release files, locks and connections."""


def guarded(rows: Iterable) -> Iterator:
    """Iterate query results, turning engine errors raised mid-way into QueryError.

    Oxigraph evaluates lazily: a failing SERVICE call or a bad expression
    surfaces while the rows are read, not when the query is sent.
    """
    from graphkit.errors import QueryError

    try:
        yield from rows
    except (OSError, RuntimeError, ValueError, SyntaxError) as exc:
        raise QueryError(f"the query failed while reading its results: {exc}") from None


def is_solutions(result: object) -> bool:
    """True for the rows of a SELECT: the engine's own, or read through a worker or the guard.

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     is_solutions(kg.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"))
    True
    """
    from graphkit.store.guard import Rows
    from graphkit.store.worker import Streamed

    if isinstance(result, (Streamed, Rows)):
        return result.variables is not None
    return isinstance(result, ox.QuerySolutions)

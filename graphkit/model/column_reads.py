"""Reading columns from the store, for projections at the engine's speed.

A whole-store read is a handful of single-pattern scans (one per predicate:
``?s rdf:subject ?o``, ``?s dcterms:date ?o``...), joined in Python dicts: the
engine never joins, and each column is read once even when two kinds of
subject share it (``dcterms:description`` of entities and of statements).
Around a set of entities, the same reader takes rows from batches of
``VALUES`` queries (:data:`BATCH` entities per query), so the cost follows
the size of the neighbourhood, not of the store. Both work through the
backend's SPARQL API alone, on embedded and remote stores alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox

from graphkit.model.columns import DERIVED, RESOURCE_COLUMNS, SCANNED, Columns, lexical
from graphkit.model.graph import KnowledgeGraph
from graphkit.model.relationships import Relationship
from graphkit.store import scan_helper
from graphkit.store.base import guarded
from graphkit.store.scan_helper import HelperScans

RDF_SUBJECT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject"
RDF_OBJECT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#object"

#: Entities (or statements, or sources) named in one VALUES query.
BATCH = 256


def _values(iris: Iterable[str]) -> str:
    # IRIs come from the store, written as escaped N-Triples terms (never user text).
    return " ".join(str(ox.NamedNode(i)) for i in iris if not i.startswith("_:"))


def _batches(iris: Iterable[str]) -> Iterator[str]:
    ordered = sorted(iris)
    for start in range(0, len(ordered), BATCH):
        values = _values(ordered[start : start + BATCH])
        if values:
            yield values


def engine_rows(kg: KnowledgeGraph, query: str) -> Iterable:
    """The rows of one of the readers' own queries (fixed text; IRIs from the store or the ontology).

    An embedded store hands the whole result over at once (see
    :meth:`graphkit.store.local.LocalBackend.rows`); a remote one streams it.
    """
    whole = getattr(kg.backend, "rows", None)
    return whole(query) if whole is not None else guarded(kg.query(query))


def _pairs(kg: KnowledgeGraph, predicate: str) -> Iterable:
    return engine_rows(kg, f"SELECT ?s ?o WHERE {{ ?s {ox.NamedNode(predicate)} ?o }}")


def _predicates(kg: KnowledgeGraph) -> set[str]:
    """The predicates the store uses: one count the engine makes without handing over rows."""
    rows = engine_rows(kg, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")
    return {p.value for p, _ in rows if type(p) is ox.NamedNode}


def read_all(kg: KnowledgeGraph) -> Columns:
    """Every entity and relationship, one single-pattern scan per predicate the store uses.

    Predicates the store does not use are not read. Relation triples are
    read one relation type at a time; the literal properties of entities
    other than those already read come from one more scan of the remaining
    predicates. On a big embedded store, a helper process scans the
    resource columns meanwhile (:mod:`graphkit.store.scan_helper`).
    """
    cols = Columns(kg)
    helper = None
    try:
        helper = _helper(kg)
        present = _predicates(kg)
        for predicate in SCANNED:
            if predicate in present and (helper is None or predicate not in helper.predicates):
                cols.scan(predicate, _pairs(kg, predicate))
        _links_and_literals(kg, cols, present)
        if helper is not None:
            taken = set()
            for predicate, subjects, objects in helper.columns():
                if subjects:
                    cols.take(predicate, list(zip(subjects, objects, strict=True)))
                taken.add(predicate)
            for predicate in helper.predicates:  # the helper failed: read them here
                if predicate in present and predicate not in taken:
                    cols.scan(predicate, _pairs(kg, predicate))
    finally:
        if helper is not None:
            helper.close()
    return cols


def _helper(kg: KnowledgeGraph) -> HelperScans | None:
    """A helper process scanning the resource columns of a big embedded store (see scan_helper).

    Only for a store this process opened read-only, with no time limit.
    """
    backend = kg.backend
    embedded = getattr(backend, "kind", None) == "oxigraph" and backend.read_only
    path = getattr(backend, "path", None) if embedded and getattr(backend, "timeout", None) is None else None
    if not scan_helper.wanted(path):
        return None
    return HelperScans(path, [p for p in SCANNED if p in RESOURCE_COLUMNS])


def _links_and_literals(kg: KnowledgeGraph, cols: Columns, present: set[str]) -> None:
    """The plain relation triples, and the literals of predicates graphkit does not scan by name."""
    for predicate in sorted(cols.inverse):
        if predicate in present:
            cols.links(predicate, _pairs(kg, predicate))
    others = sorted(present - set(SCANNED) - set(cols.inverse))
    if others:
        values = " ".join(str(ox.NamedNode(p)) for p in others)
        query = f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o FILTER(isLiteral(?o)) }}"
        cols.triples(engine_rows(kg, query))


class TooBig(Exception):
    """A neighbourhood holds more statements than the budget: reading the whole store is cheaper."""


def read_around(
    kg: KnowledgeGraph,
    iris: Iterable[str],
    cols: Columns | None = None,
    budget: Callable[[int], bool] | None = None,
    among: bool = False,
) -> Columns:
    """The statements and plain triples touching ``iris``, with their sources, in VALUES batches.

    With ``among``, only those whose two ends are both in ``iris`` (the
    links within a walk's outer ring, without reading its way out).
    ``budget`` is asked, once the statements are known and before they are
    read, whether that many statements are worth reading this way; if not,
    :class:`TooBig` is raised.
    """
    cols = cols or Columns(kg)
    iris = set(iris)
    if among and len(iris) <= _among_limit(kg):
        _read_among(kg, iris, cols)
        return cols
    relations = cols.inverse
    ends = {RDF_SUBJECT, RDF_OBJECT}
    # Counted in the engine, before any row is handed over. An outer ring too
    # long for one query is read by batches of every statement touching it, so
    # it is counted too: a hub's ring can touch most of the store.
    if budget is not None and not budget(_count_around(kg, iris) + (0 if among else len(cols.statements))):
        raise TooBig
    sides: dict[str, int] = {}  # statement -> how many of its ends are in iris
    links: list = []
    # One VALUES clause and an otherwise open pattern per query: the engine
    # then looks each IRI up in its index. A second VALUES (of predicates)
    # makes it scan the whole store and join, at any neighbourhood size.
    for values in _batches(iris):
        for s, p, o in engine_rows(kg, f"SELECT ?s ?p ?o WHERE {{ VALUES ?o {{ {values} }} ?s ?p ?o }}"):
            if p.value in ends:
                r = lexical(s)
                sides[r] = sides.get(r, 0) + 1
            elif p.value in relations and (not among or lexical(s) in iris):
                links.append((s, p, o))
        if among:  # a link among iris has its object in iris: the query above saw it
            continue
        query = f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o FILTER(!isLiteral(?o)) }}"
        rows = engine_rows(kg, query)
        links.extend(row for row in rows if row[1].value in relations)
    found = {r for r, n in sides.items() if n >= 2} if among else set(sides)
    if budget is not None and not budget(len(found | cols.statements)):
        raise TooBig
    cols.triples(links)
    found -= cols.statements
    cols.statements |= found
    _describe(kg, cols, found)
    cited = {src for r in found for src in cols.values(DERIVED, r)}
    _describe(kg, cols, cited)
    return cols


#: An embedded engine takes a ring of this many entities in one VALUES list.
AMONG_LIMIT = 8192


def _among_limit(kg: KnowledgeGraph) -> int:
    # A remote server may refuse a long query: there, one batch at most.
    return AMONG_LIMIT if hasattr(kg.backend, "rows") else BATCH


def _read_among(kg: KnowledgeGraph, iris: set[str], cols: Columns) -> None:
    """The statements and plain relation triples whose two ends are both in ``iris``, with their sources.

    The engine finds them: an end seen twice in the union of "ends in
    ``iris``" is a link among ``iris``. Only those links are handed over,
    not every statement that touches a ring entity (a hub in the outer
    ring touches thousands that lead out of it).
    """
    values = _values(sorted(iris))
    if not values:
        return
    ends = " UNION ".join(f"{{ VALUES ?x {{ {values} }} ?r rdf:{end} ?x }}" for end in ("subject", "object"))
    among = f"SELECT ?r WHERE {{ {ends} }} GROUP BY ?r HAVING (COUNT(*) >= 2)"
    rows = [
        row
        for row in engine_rows(kg, f"SELECT ?r ?p ?o WHERE {{ {{ {among} }} ?r ?p ?o }}")
        if lexical(row[0]) not in cols.described
    ]
    found = {lexical(row[0]) for row in rows}
    cols.triples(rows)
    cols.described |= found
    ends = f"{{ VALUES ?s {{ {values} }} ?s ?p ?o }} UNION {{ VALUES ?o {{ {values} }} ?s ?p ?o }}"
    plain = engine_rows(kg, f"SELECT ?s ?p ?o WHERE {{ {ends} }} GROUP BY ?s ?p ?o HAVING (COUNT(*) >= 2)")
    cols.triples(row for row in plain if row[1].value in cols.inverse)
    found -= cols.statements
    cols.statements |= found
    _describe(kg, cols, {src for r in found for src in cols.values(DERIVED, r)})


def _count_around(kg: KnowledgeGraph, iris: set[str]) -> int:
    """How many statements touch ``iris`` (one counted twice when both its ends do), without reading them."""
    total = 0
    for values in _batches(iris):
        query = (
            f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ VALUES ?o {{ {values} }} ?r rdf:subject ?o }} "
            f"UNION {{ VALUES ?o {{ {values} }} ?r rdf:object ?o }} }}"
        )
        total += int(next(iter(engine_rows(kg, query)))[0].value)
    return total


def count_two_rings(kg: KnowledgeGraph, focus: str, limit: int) -> int:
    """At least as many statements as two rings around ``focus`` touch, counted in the engine up to ``limit``.

    A statement reached through several neighbours is counted once for
    each: an upper bound, cheap enough to ask before any ring is read. The
    count stops at ``limit``: a hub's would otherwise walk every path of
    length two from it.
    """
    if focus.startswith("_:"):
        return 0
    node = ox.NamedNode(focus)
    ends = "rdf:subject|rdf:object"
    paths = f"?r {ends} {node} . ?r {ends} ?x FILTER(?x != {node}) ?r2 {ends} ?x"
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT ?r2 WHERE {{ {paths} }} LIMIT {int(limit)} }}"
    return int(next(iter(engine_rows(kg, query)))[0].value)


def read_entities(kg: KnowledgeGraph, iris: Iterable[str], cols: Columns | None = None) -> Columns:
    """Types and literals of ``iris``, in VALUES batches."""
    cols = cols or Columns(kg)
    _describe(kg, cols, iris, literals_only=True)
    return cols


def _describe(kg: KnowledgeGraph, cols: Columns, iris: Iterable[str], literals_only: bool = False) -> None:
    """Every (literal or typed) property of ``iris``."""
    keep = "FILTER(isLiteral(?o) || ?p = rdf:type)" if literals_only else ""
    iris = set(iris) - cols.described
    cols.described |= iris
    for values in _batches(iris):
        rows = engine_rows(kg, f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o {keep} }}")
        cols.triples((s, p, o) for s, p, o in rows if p.value not in cols.inverse)


def relationship_rows(kg: KnowledgeGraph, focus: Iterable[str] | None) -> list[Relationship]:
    """Every relationship, or those touching ``focus`` (used by :func:`relationships`)."""
    if focus is None:
        return read_all(kg).relationships()
    iris = set(focus)
    return read_around(kg, iris).relationships(around=iris)

"""Entities and relationships read column by column, for projections at the engine's speed.

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
from typing import Any

import pyoxigraph as ox

from graphkit.model.graph import KnowledgeGraph
from graphkit.model.relationships import Relationship, SourceRef, inverses
from graphkit.store.base import guarded
from graphkit.vocab import DCTERMS, GK, PROV, RDF, RDFS, SCHEMA, SKOS

#: Entities (or statements, or sources) named in one VALUES query.
BATCH = 256

TYPE, SUBJECT, PREDICATE, OBJECT = RDF + "type", RDF + "subject", RDF + "predicate", RDF + "object"
LABEL, ALT_LABEL = RDFS + "label", SKOS + "altLabel"
DERIVED = PROV + "wasDerivedFrom"
RELATIONSHIP = GK + "Relationship"
_DATES = {DCTERMS + "date": "date", SCHEMA + "startDate": "start", SCHEMA + "endDate": "end"}
_APPROX = GK + "dateApproximate"
_TEXTS = {
    GK + "quote": "quote",
    DCTERMS + "description": "description",
    GK + "grounds": "grounds",
    GK + "accordingTo": "according_to",
}
_SOURCE_META = {
    DCTERMS + "title": "title",
    DCTERMS + "publisher": "publisher",
    SCHEMA + "url": "url",
    DCTERMS + "issued": "date",
}
#: Every predicate a whole-store read scans, besides the relation types.
_SCANNED = (
    TYPE,
    SUBJECT,
    PREDICATE,
    OBJECT,
    *_DATES,
    _APPROX,
    *_TEXTS,
    DERIVED,
    *_SOURCE_META,
    LABEL,
    ALT_LABEL,
)


def _lex(term: Any) -> str:
    return "_:" + term.value if type(term) is ox.BlankNode else term.value


def _values(iris: Iterable[str]) -> str:
    # IRIs come from the store, written as escaped N-Triples terms (never user text).
    return " ".join(str(ox.NamedNode(i)) for i in iris if not i.startswith("_:"))


def _batches(iris: Iterable[str]) -> Iterator[str]:
    ordered = sorted(iris)
    for start in range(0, len(ordered), BATCH):
        values = _values(ordered[start : start + BATCH])
        if values:
            yield values


_NAMED = frozenset({TYPE, SUBJECT, PREDICATE, OBJECT, DERIVED})  # columns kept as lexical strings


class Columns:
    """What a read has gathered, one dict per predicate: subject -> first value.

    Further values of the same subject and predicate go to ``more``. Rows go
    in as (subject, object) pairs per predicate, or as triples; the
    assembling methods give the same result whatever order the rows came in.
    """

    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg
        self.entity_classes = frozenset(kg.schema.entity_classes)
        self.inverse = inverses(kg)
        self.columns: dict[str, dict[str, Any]] = {}
        self.more: dict[tuple[str, str], list[Any]] = {}
        self.statements: set[str] = set()
        self.direct: set[tuple[str, str, str]] = set()
        self.described: set[str] = set()  # subjects whose every property has been read

    # -- rows in ----------------------------------------------------------------------

    def scan(self, predicate: str, rows: Iterable) -> None:
        """Take the (subject term, object term) rows of one predicate."""
        col = self.columns.setdefault(predicate, {})
        more = self.more
        blank = ox.BlankNode
        named = predicate in _NAMED
        for s, o in rows:
            key = s.value
            if type(s) is blank:
                key = "_:" + key
            if named:
                value = o.value
                if type(o) is blank:
                    value = "_:" + value
            else:
                value = o
            if key in col:
                more.setdefault((predicate, key), []).append(value)
            else:
                col[key] = value

    def triples(self, rows: Iterable) -> None:
        """Take (subject, predicate, object) rows of any predicates."""
        by_predicate: dict[str, list[tuple[Any, Any]]] = {}
        relations = self.inverse
        for s, p, o in rows:
            p_iri = p.value
            if p_iri in relations:
                if type(o) is not ox.Literal:
                    self.direct.add((_lex(s), p_iri, _lex(o)))
                continue
            by_predicate.setdefault(p_iri, []).append((s, o))
        for p_iri, pairs in by_predicate.items():
            self.scan(p_iri, pairs)

    def values(self, predicate: str, subject: str) -> list[Any]:
        """Every value of one subject's predicate."""
        col = self.columns.get(predicate)
        if col is None or subject not in col:
            return []
        extra = self.more.get((predicate, subject))
        return [col[subject], *extra] if extra else [col[subject]]

    # -- results out ---------------------------------------------------------------

    def _multi(self) -> set[str]:
        """The predicates that have a second value for some subject (the rest are read directly)."""
        return {p for p, _ in self.more}

    def relationships(self, around: set[str] | None = None) -> list[Relationship]:
        """The relationships found (those touching ``around`` if given), sorted.

        A field given twice keeps its smallest value (the earliest date), text
        fields with several values are sorted and joined with ``"; "``.
        """
        cols, multi = self.columns, self._multi()
        types = cols.get(TYPE, {})
        statements = [
            i for i, t in types.items() if t == RELATIONSHIP or RELATIONSHIP in self.more.get((TYPE, i), ())
        ]
        # Each field: (attribute, predicate, column, has several values somewhere).
        fields = [
            (name, p, cols[p], p in multi)
            for p, name in (*_DATES.items(), *_TEXTS.items(), (_APPROX, "approximate"))
            if cols.get(p)
        ]
        ends = [(cols.get(p, {}), p, p in multi) for p in (SUBJECT, PREDICATE, OBJECT)]
        cited, cited_multi = cols.get(DERIVED, {}), DERIVED in multi
        refs: dict[str, SourceRef] = {}
        out = []
        qualified = set()
        for iri in statements:
            spo = []
            for col, predicate, several in ends:
                value = col.get(iri)
                if value is not None and several:
                    # A statement naming two subjects is a data error: the smallest, whatever the order.
                    value = min(self.values(predicate, iri))
                spo.append(value)
            s, p, o = spo
            if s is None or p is None or o is None:
                continue
            qualified.add((s, p, o))
            if around is not None and s not in around and o not in around:
                continue
            rel = Relationship(iri, s, p, o)
            for name, predicate, col, several in fields:
                term = col.get(iri)
                if term is None:
                    continue
                if not several:
                    found = [term.value]
                else:
                    found = sorted({v.value for v in self.values(predicate, iri)})
                if name in ("date", "start", "end"):
                    setattr(rel, name, found[0])  # a date given twice keeps the earliest
                elif name == "approximate":
                    rel.approximate = any(v in ("true", "1") for v in found)
                elif name == "according_to":
                    rel.according_to = found
                else:
                    setattr(rel, name, "; ".join(found))
            first_source = cited.get(iri)
            if first_source is not None:
                for src in sorted(set(self.values(DERIVED, iri))) if cited_multi else (first_source,):
                    ref = refs.get(src)
                    if ref is None:
                        ref = refs[src] = self._source(src)
                    rel.sources.append(ref)
                if len(rel.sources) > 1:
                    rel.sources.sort(key=lambda x: (x.date or "", x.title or "", x.iri))
            out.append(rel)
        for s, p, o in self.direct:
            if around is not None and s not in around and o not in around:
                continue
            if (s, p, o) not in qualified and (o, self.inverse[p], s) not in qualified:
                out.append(Relationship(None, s, p, o))
        out.sort(key=lambda r: (r.predicate, r.subject, r.object, r.iri or ""))
        return out

    def _source(self, iri: str) -> SourceRef:
        ref = SourceRef(iri)
        for predicate, name in _SOURCE_META.items():
            found = self.values(predicate, iri)
            if found:
                setattr(ref, name, min(v.value for v in found))
        return ref

    def entities(self, iris: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
        """Entity IRI -> {"types": set of class IRIs, "literals": [(predicate, term)]}."""
        classes = self.entity_classes
        types = self.columns.get(TYPE, {})
        more, multi = self.more, self._multi()
        out: dict[str, dict[str, Any]] = {}
        for iri in types if iris is None else iris:
            first = types.get(iri)
            if first is None or iri.startswith("_:"):
                continue
            extra = more.get((TYPE, iri))
            kinds = ({first, *extra} if extra else {first}) & classes
            if kinds:
                out[iri] = {"types": kinds, "literals": []}
        # Column by column: a column mostly holds other subjects (statements, sources).
        for predicate, col in self.columns.items():
            if predicate in _NAMED:
                continue
            several = predicate in multi
            small, big = (col, out) if len(col) < len(out) else (out, col)
            for iri in small:
                if iri in big:
                    literals = out[iri]["literals"]
                    if several:
                        literals.extend((predicate, v) for v in self.values(predicate, iri))
                    else:
                        literals.append((predicate, col[iri]))
        return out


def _pairs(kg: KnowledgeGraph, predicate: str) -> Iterator:
    return guarded(kg.query(f"SELECT ?s ?o WHERE {{ ?s {ox.NamedNode(predicate)} ?o }}"))


def read_all(kg: KnowledgeGraph) -> Columns:
    """Every entity and relationship, one single-pattern scan per predicate.

    Entity literals other than labels and aliases come from one more query
    that skips the predicates already read.
    """
    cols = Columns(kg)
    for predicate in _SCANNED:
        cols.scan(predicate, _pairs(kg, predicate))
    relations = " ".join(str(ox.NamedNode(p)) for p in cols.inverse)
    cols.triples(guarded(kg.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {relations} }} ?s ?p ?o }}")))
    classes = " ".join(str(ox.NamedNode(c)) for c in sorted(cols.entity_classes))
    skip = ", ".join(str(ox.NamedNode(p)) for p in _SCANNED)
    rest = (
        f"SELECT ?s ?p ?o WHERE {{ VALUES ?type {{ {classes} }} ?s a ?type . ?s ?p ?o "
        f"FILTER(isLiteral(?o) && ?p NOT IN ({skip})) }}"
    )
    cols.triples({tuple(row) for row in guarded(kg.query(rest))})  # an entity with two types comes twice
    return cols


class TooBig(Exception):
    """A neighbourhood holds more statements than the budget: reading the whole store is cheaper."""


def read_around(
    kg: KnowledgeGraph,
    iris: Iterable[str],
    cols: Columns | None = None,
    budget: Callable[[int], bool] | None = None,
) -> Columns:
    """The statements and plain triples touching ``iris``, with their sources, in VALUES batches.

    ``budget`` is asked, once the statements are known and before they are
    read, whether that many statements are worth reading this way; if not,
    :class:`TooBig` is raised.
    """
    cols = cols or Columns(kg)
    iris = set(iris)
    relations = " ".join(str(ox.NamedNode(p)) for p in cols.inverse)
    found: set[str] = set()
    for values in _batches(iris):
        query = (
            f"SELECT ?r WHERE {{ VALUES ?f {{ {values} }} "
            "VALUES ?end { rdf:subject rdf:object } ?r ?end ?f }"
        )
        found.update(_lex(row[0]) for row in guarded(kg.query(query)))
    if budget is not None and not budget(len(found | cols.statements)):
        raise TooBig
    for values in _batches(iris):
        for side in ("?s", "?o"):
            query = (
                f"SELECT ?s ?p ?o WHERE {{ VALUES {side} {{ {values} }} "
                f"VALUES ?p {{ {relations} }} ?s ?p ?o }}"
            )
            cols.triples(guarded(kg.query(query)))
    found -= cols.statements
    cols.statements |= found
    _describe(kg, cols, found)
    cited = {src for r in found for src in cols.values(DERIVED, r)}
    _describe(kg, cols, cited)
    return cols


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
        rows = guarded(kg.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o {keep} }}"))
        cols.triples((s, p, o) for s, p, o in rows if p.value not in cols.inverse)


def relationship_rows(kg: KnowledgeGraph, focus: Iterable[str] | None) -> list[Relationship]:
    """Every relationship, or those touching ``focus`` (used by :func:`relationships`)."""
    if focus is None:
        return read_all(kg).relationships()
    iris = set(focus)
    return read_around(kg, iris).relationships(around=iris)

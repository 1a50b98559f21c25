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

from collections.abc import Callable, Container, Iterable, Iterator
from operator import itemgetter
from typing import Any

import pyoxigraph as ox

from graphkit.model.graph import KnowledgeGraph
from graphkit.model.relationships import Relationship, SourceRef, inverses
from graphkit.model.schema import local_name
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
#: The qualifiers of a statement, under the names edges use, in edge attribute order.
_FIELDS = (*_DATES.items(), (_APPROX, "date_approximate"), *_TEXTS.items())
_SINGLE = ("date", "start", "end")
#: What a plain triple has for them.
_PLAIN = {
    "date": None,
    "start": None,
    "end": None,
    "date_approximate": False,
    "description": None,
    "quote": None,
    "grounds": None,
}
Edge = tuple[str, str, str, dict[str, Any]]


_FIRST_FOUR = itemgetter(0, 1, 2, 3)


def _common(small: dict[str, Any], other: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(key, value in ``small``) for the keys of ``small`` that ``other`` holds, walking the smaller."""
    if len(small) <= len(other):
        return ((k, v) for k, v in small.items() if k in other)
    return ((k, small[k]) for k in other if k in small)


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
        self._relation_names: dict[str, tuple[str, str]] = {}

    # -- rows in ----------------------------------------------------------------------

    def scan(self, predicate: str, rows: Iterable) -> None:
        """Take the (subject term, object term) rows of one predicate."""
        blank = ox.BlankNode
        if predicate in _NAMED:
            pairs = [
                (
                    "_:" + s.value if type(s) is blank else s.value,
                    "_:" + o.value if type(o) is blank else o.value,
                )
                for s, o in rows
            ]
        else:
            pairs = [("_:" + s.value if type(s) is blank else s.value, o) for s, o in rows]
        col = self.columns.get(predicate)
        if col is None:  # the usual case: one scan per predicate, one value per subject
            col = self.columns[predicate] = dict(pairs)
            if len(col) == len(pairs):
                return
            col.clear()
        more = self.more
        for key, value in pairs:
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

    def links(self, predicate: str, rows: Iterable) -> None:
        """Take the (subject term, object term) rows of one relation type: plain relation triples."""
        blank, literal = ox.BlankNode, ox.Literal
        self.direct.update(
            (
                "_:" + s.value if type(s) is blank else s.value,
                predicate,
                "_:" + o.value if type(o) is blank else o.value,
            )
            for s, o in rows
            if type(o) is not literal
        )

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

    def _statements(self) -> list[str]:
        types = self.columns.get(TYPE, {})
        extra = self.more
        return [i for i, t in types.items() if t == RELATIONSHIP or RELATIONSHIP in extra.get((TYPE, i), ())]

    def edges(self, around: set[str] | None = None, between: Container[str] | None = None) -> list[Edge]:
        """(subject, object, key, attributes) of each relationship, sorted, as projections want them.

        Those touching ``around`` if given, those whose both ends are in
        ``between`` if given. A field given twice keeps its smallest value
        (the earliest date); text fields with several values are sorted and
        joined with ``"; "``. A source cited by many relationships gets one
        attribute dict, shared by their edges. Plain relation triples that no
        statement describes come with ``statement: None`` and no sources.
        """
        cols, multi = self.columns, self._multi()
        # Each field: (attribute, predicate, column, has several values somewhere).
        fields = [(name, p, cols[p], p in multi) for p, name in _FIELDS if cols.get(p)]
        ends = [(cols.get(p, {}), p, p in multi) for p in (SUBJECT, PREDICATE, OBJECT)]
        (subjects, _, s_multi), (predicates, _, p_multi), (objects, _, o_multi) = ends
        cited, cited_multi = cols.get(DERIVED, {}), DERIVED in multi
        names = self._relation_names
        keyed: list[tuple[str, str, str, str, Edge]] = []
        attrs_of: dict[str, dict[str, Any]] = {}
        qualified = set()
        for iri in self._statements():
            s, p, o = subjects.get(iri), predicates.get(iri), objects.get(iri)
            if s is None or p is None or o is None:
                continue
            if s_multi or p_multi or o_multi:
                # A statement naming two subjects is a data error: the smallest, whatever the order.
                s, p, o = (
                    min(self.values(pred, iri)) if several else v
                    for v, (_, pred, several) in zip((s, p, o), ends, strict=True)
                )
            qualified.add((s, p, o))
            if around is not None and s not in around and o not in around:
                continue
            if between is not None and (s not in between or o not in between):
                continue
            relation = names.get(p) or self._name(p)
            attrs = attrs_of[iri] = {
                "relation": relation[0],
                "relation_iri": p,
                "relation_name": relation[1],
                "date": None,
                "start": None,
                "end": None,
                "date_approximate": False,
                "description": None,
                "quote": None,
                "grounds": None,
                "according_to": [],
                "sources": [],
                "statement": iri,
            }
            keyed.append((p, s, o, iri, (s, o, iri, attrs)))
        # Then column by column (a column may also hold other subjects: entity descriptions).
        for name, predicate, col, several in fields:
            for iri, attrs in _common(attrs_of, col):
                if not several:
                    value = col[iri].value
                    found = [value]
                else:
                    found = sorted({v.value for v in self.values(predicate, iri)})
                    value = found[0]  # a date given twice keeps the earliest
                if name in _SINGLE:
                    attrs[name] = value
                elif name == "date_approximate":
                    attrs[name] = any(v in ("true", "1") for v in found)
                elif name == "according_to":
                    attrs[name] = found
                else:
                    attrs[name] = value if not several else "; ".join(found)
        shared: dict[str, dict[str, Any]] = {}
        for iri, attrs in _common(attrs_of, cited):
            sources = attrs["sources"]
            for src in sorted(set(self.values(DERIVED, iri))) if cited_multi else (cited[iri],):
                d = shared.get(src)
                if d is None:
                    d = shared[src] = self._source(src)
                sources.append(d)
            if len(sources) > 1:
                sources.sort(key=lambda x: (x["date"] or "", x["title"] or "", x["iri"]))
        for s, p, o in self.direct:
            if around is not None and s not in around and o not in around:
                continue
            if between is not None and (s not in between or o not in between):
                continue
            if (s, p, o) not in qualified and (o, self.inverse[p], s) not in qualified:
                relation = names.get(p) or self._name(p)
                attrs = {
                    "relation": relation[0],
                    "relation_iri": p,
                    "relation_name": relation[1],
                    **_PLAIN,
                    "according_to": [],
                    "sources": [],
                    "statement": None,
                }
                keyed.append((p, s, o, "", (s, o, f"{s} {p} {o}", attrs)))
        keyed.sort(key=_FIRST_FOUR)
        return [k[4] for k in keyed]

    def _name(self, predicate: str) -> tuple[str, str]:
        names = (self.kg.schema.relation_label(predicate), local_name(predicate))
        self._relation_names[predicate] = names
        return names

    def relationships(self, around: set[str] | None = None) -> list[Relationship]:
        """The relationships found (those touching ``around`` if given), sorted as :meth:`edges`."""
        refs: dict[str, SourceRef] = {}
        out = []
        for s, o, _, attrs in self.edges(around):
            rel = Relationship(attrs["statement"], s, attrs["relation_iri"], o)
            for name in (*_SINGLE, "description", "quote", "grounds"):
                setattr(rel, name, attrs[name])
            rel.approximate = attrs["date_approximate"]
            rel.according_to = attrs["according_to"]
            for d in attrs["sources"]:
                ref = refs.get(d["iri"])
                if ref is None:
                    ref = refs[d["iri"]] = SourceRef(**d)
                rel.sources.append(ref)
            out.append(rel)
        return out

    def _source(self, iri: str) -> dict[str, Any]:
        found = {"title": None, "publisher": None, "url": None, "date": None, "iri": iri}
        for predicate, name in _SOURCE_META.items():
            values = self.values(predicate, iri)
            if values:
                found[name] = min(v.value for v in values)
        return found

    def entities(self, iris: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
        """Entity IRI -> {"types": frozenset of class IRIs, "literals": [(predicate, term)]}."""
        classes = self.entity_classes
        types = self.columns.get(TYPE, {})
        more, multi = self.more, self._multi()
        typed_twice = TYPE in multi
        one_class: dict[str, frozenset[str]] = {}  # shared: most entities have one class
        out: dict[str, dict[str, Any]] = {}
        pairs = types.items() if iris is None else ((i, types.get(i)) for i in iris)
        for iri, first in pairs:
            if first is None:
                continue
            extra = more.get((TYPE, iri)) if typed_twice else None
            if extra:
                kinds = frozenset({first, *extra} & classes)
            elif first in classes:
                kinds = one_class.get(first) or one_class.setdefault(first, frozenset((first,)))
            else:
                continue
            if kinds and not iri.startswith("_:"):
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


def _predicates(kg: KnowledgeGraph) -> set[str]:
    """The predicates the store uses: one count the engine makes without handing over rows."""
    rows = guarded(kg.query("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"))
    return {p.value for p, _ in rows if type(p) is ox.NamedNode}


def read_all(kg: KnowledgeGraph) -> Columns:
    """Every entity and relationship, one single-pattern scan per predicate the store uses.

    Predicates the store does not use are not read. Relation triples are
    read one relation type at a time; the literal properties of entities
    other than those already read come from one more scan of the remaining
    predicates.
    """
    cols = Columns(kg)
    present = _predicates(kg)
    for predicate in _SCANNED:
        if predicate in present:
            cols.scan(predicate, _pairs(kg, predicate))
    for predicate in sorted(cols.inverse):
        if predicate in present:
            cols.links(predicate, _pairs(kg, predicate))
    others = sorted(present - set(_SCANNED) - set(cols.inverse))
    if others:
        values = " ".join(str(ox.NamedNode(p)) for p in others)
        query = f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o FILTER(isLiteral(?o)) }}"
        cols.triples(guarded(kg.query(query)))
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

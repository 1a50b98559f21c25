"""Sourced relationships: the qualified statements and the sources behind them.

Relationships are fetched with four SELECTs run by the store's own engine,
for the whole graph or for the statements around a set of entities. Both
``graphkit show`` and the networkx projection read them from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import pyoxigraph as ox

from graphkit.model.graph import KnowledgeGraph
from graphkit.store.base import guarded
from graphkit.vocab import DCTERMS, GK


@dataclass
class SourceRef:
    """Where a relationship is reported."""

    iri: str
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    date: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "iri"} | {"iri": self.iri}


@dataclass
class Relationship:
    """One relationship between two entities, with its dates and sources."""

    iri: str | None  # None for a plain triple with no qualified statement
    subject: str
    predicate: str
    object: str
    date: str | None = None
    start: str | None = None
    end: str | None = None
    approximate: bool = False
    description: str | None = None
    quote: str | None = None
    grounds: str | None = None
    according_to: list[str] = field(default_factory=list)
    sources: list[SourceRef] = field(default_factory=list)


# Four SELECTs with no OPTIONAL fan-out: the statements with their dates, their
# text fields (one row per value), their sources, and the direct relation
# triples; the plain ones (no statement qualifies them) are found in Python,
# which is linear, where FILTER NOT EXISTS in the engine turned quadratic.
# #FOCUS# narrows each query to statements that touch a set of entities.
_STATEMENTS = """
SELECT ?rel ?s ?p ?o ?date ?start ?end ?approx WHERE {
  #FOCUS#
  ?rel a gk:Relationship ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL { ?rel dcterms:date ?date }
  OPTIONAL { ?rel schema:startDate ?start }
  OPTIONAL { ?rel schema:endDate ?end }
  OPTIONAL { ?rel gk:dateApproximate ?approx }
}"""
_TEXTS = """
SELECT ?rel ?field ?value WHERE {
  #FOCUS#
  VALUES ?field { gk:quote dcterms:description gk:grounds gk:accordingTo }
  ?rel a gk:Relationship ; ?field ?value .
}"""
_SOURCE_LINKS = """
SELECT ?rel ?src WHERE {
  #FOCUS#
  ?rel prov:wasDerivedFrom ?src .
}"""
# Sources are few and cited many times: their metadata is read once each.
_SOURCE_META = """
SELECT ?src ?title ?publisher ?url ?issued WHERE {
  VALUES ?src { #SOURCES# }
  OPTIONAL { ?src dcterms:title ?title }
  OPTIONAL { ?src dcterms:publisher ?publisher }
  OPTIONAL { ?src schema:url ?url }
  OPTIONAL { ?src dcterms:issued ?issued }
}"""
_DIRECT = """
SELECT ?s ?p ?o WHERE {
  VALUES ?p { #PREDICATES# }
  #TRIPLE#
  FILTER(isIRI(?o) || isBlank(?o))
}"""
_FOCUS = (
    "{ SELECT DISTINCT ?rel WHERE { { VALUES ?f { #IRIS# } ?rel rdf:subject ?f } "
    "UNION { VALUES ?f { #IRIS# } ?rel rdf:object ?f } } }"
)
_FOCUS_TRIPLE = "{ VALUES ?s { #IRIS# } ?s ?p ?o } UNION { VALUES ?o { #IRIS# } ?s ?p ?o }"
_TEXT_FIELDS = {
    GK + "quote": "quote",
    DCTERMS + "description": "description",
    GK + "grounds": "grounds",
    GK + "accordingTo": "according_to",
}
_NO_INVERSE = f"<{GK}noInverse>"


def inverses(kg: KnowledgeGraph) -> dict[str, str | None]:
    """Each relation type's inverse from the ontology (itself when symmetric)."""
    return {
        iri: (iri if info.symmetric else info.inverse) for iri, info in sorted(kg.schema.relations.items())
    }


def relation_pairs(kg: KnowledgeGraph) -> str:
    """VALUES rows (relation, inverse) built from the ontology's constant IRIs."""
    return " ".join(f"(<{p}> {f'<{q}>' if q else _NO_INVERSE})" for p, q in inverses(kg).items())


def _lexical(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str | None:
    if term is None:
        return None
    return "_:" + term.value if isinstance(term, ox.BlankNode) else term.value


def rows(kg: KnowledgeGraph, sparql: str) -> Iterator[tuple[str | None, ...]]:
    """SELECT rows as tuples of lexical values (blank nodes as ``_:id``), without dicts."""
    result = kg.query(sparql)
    width = range(len(result.variables))
    for row in guarded(result):
        yield tuple(_lexical(row[i]) for i in width)


def _focused(query: str, iris: list[str] | None) -> str:
    if iris is None:
        return query.replace("#FOCUS#", "").replace("#TRIPLE#", "?s ?p ?o .")
    # IRIs come from the store, written as escaped N-Triples terms.
    values = " ".join(str(ox.NamedNode(i)) for i in iris)
    return query.replace("#FOCUS#", _FOCUS.replace("#IRIS#", values)).replace(
        "#TRIPLE#", _FOCUS_TRIPLE.replace("#IRIS#", values)
    )


def _source_refs(kg: KnowledgeGraph, iris: set[str]) -> dict[str, SourceRef]:
    """One SourceRef per source (shared by every statement that cites it)."""
    refs = {iri: SourceRef(iri) for iri in iris}
    ordered = sorted(i for i in iris if not i.startswith("_:"))  # blank nodes cannot be named
    for start in range(0, len(ordered), 500):
        values = " ".join(str(ox.NamedNode(i)) for i in ordered[start : start + 500])
        for src, title, publisher, url, issued in rows(kg, _SOURCE_META.replace("#SOURCES#", values)):
            ref = refs[src]
            # Several values: keep the smallest, whatever the row order.
            ref.title = min(filter(None, (ref.title, title)), default=None)
            ref.publisher = min(filter(None, (ref.publisher, publisher)), default=None)
            ref.url = min(filter(None, (ref.url, url)), default=None)
            ref.date = min(filter(None, (ref.date, issued)), default=None)
    return refs


def relationships(kg: KnowledgeGraph, focus: str | Iterable[str] | None = None) -> list[Relationship]:
    """Every relationship, or those touching ``focus`` (an entity IRI or several).

    Built from four SELECTs. The result does not depend on the order in
    which the engine returns rows: a text field with several values (a
    statement quoted twice) is sorted and joined with ``"; "``, a date given
    twice keeps the earliest, and sources and cited documents are sorted.
    Plain relation triples with no qualified statement come with
    ``iri=None`` and no sources. Sorted by relation, subject and object.

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     rels = relationships(kg, "https://w3id.org/graphkit/id/aws")
    ...     all(r.sources for r in rels if r.iri), len(rels)
    (True, 5)
    """
    iris = None if focus is None else sorted({focus} if isinstance(focus, str) else set(focus))
    if iris == []:
        return []
    found: dict[str, Relationship] = {}
    for iri, s, p, o, date, start, end, approx in rows(kg, _focused(_STATEMENTS, iris)):
        rel = found.get(iri)
        if rel is None:
            rel = found[iri] = Relationship(iri, s, p, o, date, start, end)
        else:  # several values: keep the smallest, whatever the row order
            rel.date = min(filter(None, (rel.date, date)), default=None)
            rel.start = min(filter(None, (rel.start, start)), default=None)
            rel.end = min(filter(None, (rel.end, end)), default=None)
        rel.approximate = rel.approximate or approx in ("true", "1")
    texts: dict[str, dict[str, set[str]]] = {}
    for iri, field_iri, value in rows(kg, _focused(_TEXTS, iris)):
        if iri in found and field_iri in _TEXT_FIELDS:
            texts.setdefault(iri, {}).setdefault(_TEXT_FIELDS[field_iri], set()).add(value or "")
    for iri, fields in texts.items():
        rel = found[iri]
        rel.according_to = sorted(fields.pop("according_to", ()))
        for name, values in fields.items():
            setattr(rel, name, "; ".join(sorted(values)))
    cited: dict[str, set[str]] = {}
    for iri, src in rows(kg, _focused(_SOURCE_LINKS, iris)):
        if iri in found and src:
            cited.setdefault(iri, set()).add(src)
    sources = _source_refs(kg, {src for srcs in cited.values() for src in srcs})
    for iri, srcs in cited.items():
        found[iri].sources = [sources[src] for src in srcs]
    out = list(found.values())
    # Plain relation triples that no statement qualifies, in either direction.
    qualified = {(r.subject, r.predicate, r.object) for r in out}
    inverse = inverses(kg)
    direct = _focused(_DIRECT, iris).replace("#PREDICATES#", " ".join(f"<{p}>" for p in inverse))
    plain = set()
    for s, p, o in rows(kg, direct):
        if (s, p, o) not in qualified and (o, inverse[p], s) not in qualified:
            plain.add((s, p, o))
    out.extend(Relationship(None, s, p, o) for s, p, o in plain)
    for rel in out:
        rel.sources.sort(key=lambda s: (s.date or "", s.title or "", s.iri))
    out.sort(key=lambda r: (r.predicate, r.subject, r.object, r.iri or ""))
    return out

"""Sourced relationships: the qualified statements and the sources behind them.

Each relationship is fetched with a handful of SELECTs run by the store's own
engine: one for the statements, one for their sources, one for the documents
they cite, and one for plain triples that have no qualified statement.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pyoxigraph as ox

from graphkit.model.graph import KnowledgeGraph
from graphkit.vocab import GK


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

    @property
    def when(self) -> str:
        """The date as text: a point date, a range, or '' when the source gives none."""
        if self.date:
            text = self.date
        elif self.start or self.end:
            text = f"{self.start or '…'} – {self.end or '…'}"
        else:
            return ""
        return f"~{text}" if self.approximate else text


_STATEMENTS = """
SELECT ?rel ?s ?p ?o ?date ?start ?end ?approx ?description ?quote ?grounds ?doc WHERE {
  ?rel a gk:Relationship ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  #FOCUS#
  OPTIONAL { ?rel dcterms:date ?date }
  OPTIONAL { ?rel schema:startDate ?start }
  OPTIONAL { ?rel schema:endDate ?end }
  OPTIONAL { ?rel gk:dateApproximate ?approx }
  OPTIONAL { ?rel dcterms:description ?description }
  OPTIONAL { ?rel gk:quote ?quote }
  OPTIONAL { ?rel gk:grounds ?grounds }
  OPTIONAL { ?rel gk:accordingTo ?doc }
}"""

_SOURCES = """
SELECT ?rel ?src ?title ?publisher ?url ?issued WHERE {
  ?rel a gk:Relationship ; prov:wasDerivedFrom ?src .
  #FOCUS#
  OPTIONAL { ?src dcterms:title ?title }
  OPTIONAL { ?src dcterms:publisher ?publisher }
  OPTIONAL { ?src schema:url ?url }
  OPTIONAL { ?src dcterms:issued ?issued }
}"""

_PLAIN = """
SELECT ?s ?p ?o WHERE {
  VALUES (?p ?inv) { #PAIRS# }
  ?s ?p ?o .
  FILTER(isIRI(?o) || isBlank(?o))
  #FOCUS_PLAIN#
  FILTER NOT EXISTS { ?r rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }
  FILTER NOT EXISTS { ?r2 rdf:subject ?o ; rdf:predicate ?inv ; rdf:object ?s }
}"""

_FOCUS = "{ ?rel rdf:subject ?focus } UNION { ?rel rdf:object ?focus }"
_FOCUS_PLAIN = "FILTER(?s = ?focus || ?o = ?focus)"
_NO_INVERSE = f"<{GK}noInverse>"


def relation_pairs(kg: KnowledgeGraph) -> str:
    """VALUES rows (relation, inverse) built from the ontology's constant IRIs."""
    rows = []
    for iri, info in sorted(kg.schema.relations.items()):
        inverse = iri if info.symmetric else info.inverse
        rows.append(f"(<{iri}> {f'<{inverse}>' if inverse else _NO_INVERSE})")
    return " ".join(rows)


def _opt(row: dict, key: str) -> str | None:
    value = row.get(key)
    return None if value is None else str(value)


def relationships(kg: KnowledgeGraph, focus: str | None = None) -> list[Relationship]:
    """Every relationship in the graph, or those touching the entity ``focus`` (an IRI).

    Sorted by relation, subject and object so output is stable.

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     rels = relationships(kg, "https://w3id.org/graphkit/id/aws")
    ...     all(r.sources for r in rels if r.iri)
    True
    """
    bindings = {"focus": ox.NamedNode(focus)} if focus else None
    focus_text = _FOCUS if focus else ""
    found: dict[str, Relationship] = {}
    for row in kg.select(_STATEMENTS.replace("#FOCUS#", focus_text), bindings):
        rel = found.get(row["rel"])
        if rel is None:
            rel = found[row["rel"]] = Relationship(
                iri=row["rel"],
                subject=row["s"],
                predicate=row["p"],
                object=row["o"],
                date=_opt(row, "date"),
                start=_opt(row, "start"),
                end=_opt(row, "end"),
                approximate=bool(row.get("approx")),
                description=_opt(row, "description"),
                quote=_opt(row, "quote"),
                grounds=_opt(row, "grounds"),
            )
        if row.get("doc") and row["doc"] not in rel.according_to:
            rel.according_to.append(row["doc"])
    for row in kg.select(_SOURCES.replace("#FOCUS#", focus_text), bindings):
        rel = found.get(row["rel"])
        if rel is not None and all(s.iri != row["src"] for s in rel.sources):
            rel.sources.append(
                SourceRef(
                    row["src"],
                    _opt(row, "title"),
                    _opt(row, "publisher"),
                    _opt(row, "url"),
                    _opt(row, "issued"),
                )
            )
    plain_query = _PLAIN.replace("#PAIRS#", relation_pairs(kg)).replace(
        "#FOCUS_PLAIN#", _FOCUS_PLAIN if focus else ""
    )
    out = list(found.values())
    for row in kg.select(plain_query, bindings):
        out.append(Relationship(None, row["s"], row["p"], row["o"]))
    for rel in out:
        rel.according_to.sort()
        rel.sources.sort(key=lambda s: (s.date or "", s.title or "", s.iri))
    out.sort(key=lambda r: (r.predicate, r.subject, r.object, r.iri or ""))
    return out

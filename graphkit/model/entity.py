"""Everything known about one entity: the data behind ``graphkit show``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from graphkit.model.graph import KnowledgeGraph
from graphkit.model.relationships import Relationship, relationships
from graphkit.model.resolve import EntityRef, resolve
from graphkit.model.schema import local_name
from graphkit.vocab import RDF, RDFS, SKOS, shorten

_PROPERTIES = """
SELECT ?p ?o WHERE { ?e ?p ?o . FILTER(isLiteral(?o)) }
"""
_TYPES = "SELECT ?t WHERE { ?e a ?t }"
_STATISTICS = """
SELECT ?stat ?indicator ?value ?comparator ?date ?temporal ?description ?src ?title WHERE {
  ?stat gk:statisticOf ?e .
  OPTIONAL { ?stat gk:indicator ?indicator }
  OPTIONAL { ?stat schema:value ?value }
  OPTIONAL { ?stat gk:comparator ?comparator }
  OPTIONAL { ?stat dcterms:date ?date }
  OPTIONAL { ?stat dcterms:temporal ?temporal }
  OPTIONAL { ?stat dcterms:description ?description }
  OPTIONAL { ?stat prov:wasDerivedFrom ?src OPTIONAL { ?src dcterms:title ?title } }
}"""


@dataclass
class EntityDetails:
    """An entity with its names, literal properties, relationships and statistics."""

    ref: EntityRef
    types: list[str]
    aliases: list[str]
    description: str | None
    properties: dict[str, list[str]]
    relationships: list[Relationship]
    labels: dict[str, str] = field(default_factory=dict)
    statistics: list[dict[str, Any]] = field(default_factory=list)

    def label_of(self, iri: str) -> str:
        return self.labels.get(iri) or local_name(iri)

    def to_dict(self, kg: KnowledgeGraph) -> dict[str, Any]:
        """A JSON-ready view, as printed by ``graphkit show --format json``."""
        rels = []
        for r in self.relationships:
            outgoing = r.subject == self.ref.iri
            other = r.object if outgoing else r.subject
            rels.append(
                {
                    "relation": kg.schema.relation_label(r.predicate),
                    "relation_iri": r.predicate,
                    "direction": "out" if outgoing else "in",
                    "entity": self.label_of(other),
                    "entity_iri": other,
                    **r.qualifiers(),
                    "according_to": [{"label": self.label_of(d), "iri": d} for d in r.according_to],
                    "sources": [s.to_dict() for s in r.sources],
                    "statement_iri": r.iri,
                }
            )
        return {
            "iri": self.ref.iri,
            "label": self.ref.label,
            "type": self.ref.type,
            "types": self.types,
            "aliases": self.aliases,
            "description": self.description,
            "properties": self.properties,
            "statistics": self.statistics,
            "relationships": rels,
        }


def labels_for(kg: KnowledgeGraph, iris: set[str] | list[str]) -> dict[str, str]:
    """rdfs:label of each IRI (IRIs are passed as bound terms, in chunks).

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     labels_for(kg, ["https://w3id.org/graphkit/id/aws"])
    {'https://w3id.org/graphkit/id/aws': 'Amazon Web Services'}
    """
    out: dict[str, str] = {}
    wanted = sorted(i for i in set(iris) if i)
    for start in range(0, len(wanted), 200):
        chunk = wanted[start : start + 200]
        values = " ".join(str(ox.NamedNode(i)) for i in chunk)
        query = f"SELECT ?e ?label WHERE {{ VALUES ?e {{ {values} }} ?e rdfs:label ?label }}"
        for row in kg.select(query):
            out.setdefault(row["e"], row["label"])
    return out


def describe(kg: KnowledgeGraph, name: str) -> EntityDetails:
    """Resolve ``name`` and gather everything known about it.

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     d = describe(kg, "AWS")
    ...     "AWS" in d.aliases and any(r.sources for r in d.relationships)
    True
    """
    ref = resolve(kg, name)
    node = {"e": ox.NamedNode(ref.iri)}
    types = [row["t"] for row in kg.select(_TYPES, node)]
    aliases: list[str] = []
    description = None
    properties: dict[str, list[str]] = {}
    for row in kg.select(_PROPERTIES, node):
        p, o = row["p"], str(row["o"])
        if p == SKOS + "altLabel":
            aliases.append(o)
        elif p == RDFS + "label":
            continue
        elif p.endswith(("/description", "#description")) and description is None:
            description = o
        else:
            properties.setdefault(shorten(p), []).append(o)
    rels = relationships(kg, ref.iri)
    others = {r.subject for r in rels} | {r.object for r in rels}
    others |= {d for r in rels for d in r.according_to}
    statistics = _statistics(kg, node)
    return EntityDetails(
        ref=ref,
        types=sorted(kg.schema.class_label(t) for t in types if t != RDF + "Statement"),
        aliases=sorted(set(aliases)),
        description=description,
        properties={k: sorted(v) for k, v in sorted(properties.items())},
        relationships=rels,
        labels=labels_for(kg, others),
        statistics=statistics,
    )


def _statistics(kg: KnowledgeGraph, node: dict) -> list[dict[str, Any]]:
    stats: dict[str, dict[str, Any]] = {}
    for row in kg.select(_STATISTICS, node):
        entry = stats.setdefault(
            row["stat"],
            {k: row.get(k) for k in ("indicator", "value", "comparator", "date", "temporal", "description")}
            | {"iri": row["stat"], "sources": []},
        )
        if row.get("src") and all(s["iri"] != row["src"] for s in entry["sources"]):
            entry["sources"].append({"iri": row["src"], "title": row.get("title")})
    return sorted(stats.values(), key=lambda s: (str(s.get("date") or s.get("temporal") or ""), s["iri"]))

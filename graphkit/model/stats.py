"""Counts: entities per type, relationships per type, sources, triples."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphkit.model.graph import KnowledgeGraph
from graphkit.model.relationships import relation_pairs

_ENTITY_TYPES = """
SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?type . VALUES ?type { #TYPES# } }
GROUP BY ?type"""
_RELATIONSHIP_TYPES = """
SELECT ?p (COUNT(DISTINCT ?rel) AS ?n) WHERE { ?rel a gk:Relationship ; rdf:predicate ?p }
GROUP BY ?p"""
_DIRECT = """
SELECT (COUNT(*) AS ?n) WHERE { VALUES (?p ?inv) { #PAIRS# } ?s ?p ?o }"""
_SOURCES = """
SELECT (COUNT(DISTINCT ?src) AS ?n) WHERE {
  { ?src a/rdfs:subClassOf* gk:Source } UNION { ?x prov:wasDerivedFrom ?src }
}"""
_ENTITIES = """
SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?type . VALUES ?type { #TYPES# } }"""


@dataclass
class Stats:
    """What ``graphkit stats`` prints."""

    triples: int
    entities: int
    relationships: int
    direct_relations: int
    sources: int
    entities_by_type: dict[str, int] = field(default_factory=dict)
    relationships_by_type: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return self.__dict__.copy()


def stats(kg: KnowledgeGraph) -> Stats:
    """Count what the graph holds.

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     s = stats(kg)
    ...     s.relationships > 0 and s.sources >= 1
    True
    """
    classes = kg.schema.entity_classes
    types = " ".join(f"<{c}>" for c in classes)
    by_type = {
        kg.schema.class_label(row["type"]): row["n"]
        for row in kg.select(_ENTITY_TYPES.replace("#TYPES#", types))
    }
    by_relation = {kg.schema.relation_label(row["p"]): row["n"] for row in kg.select(_RELATIONSHIP_TYPES)}
    direct = kg.select(_DIRECT.replace("#PAIRS#", relation_pairs(kg)))[0]["n"]
    return Stats(
        triples=kg.triple_count(),
        entities=kg.select(_ENTITIES.replace("#TYPES#", types))[0]["n"],
        relationships=sum(by_relation.values()),
        direct_relations=direct,
        sources=kg.select(_SOURCES)[0]["n"],
        entities_by_type=dict(sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))),
        relationships_by_type=dict(sorted(by_relation.items(), key=lambda kv: (-kv[1], kv[0]))),
    )

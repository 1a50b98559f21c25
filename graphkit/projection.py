"""Projection: the knowledge graph as a networkx MultiDiGraph, citations attached.

Nodes are entities keyed by IRI; edges are relationships keyed by the IRI of
their qualified statement. The rows come from a few SELECTs run by the
store's own engine; no Python loop walks the triples.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import pyoxigraph as ox

from graphkit.dates import covers, parse_period
from graphkit.errors import GraphkitError
from graphkit.model.graph import KnowledgeGraph
from graphkit.model.relationships import Relationship, relationships
from graphkit.model.resolve import resolve
from graphkit.model.schema import local_name
from graphkit.vocab import RDFS, SKOS

_NODES = """
SELECT ?e ?type WHERE { VALUES ?type { #TYPES# } ?e a ?type . FILTER(isIRI(?e)) }"""
_LITERALS = """
SELECT ?e ?p ?o WHERE {
  { SELECT DISTINCT ?e WHERE { VALUES ?type { #TYPES# } ?e a ?type } }
  ?e ?p ?o . FILTER(isLiteral(?o))
}"""


def _entity_nodes(kg: KnowledgeGraph) -> dict[str, dict]:
    types = " ".join(f"<{c}>" for c in kg.schema.entity_classes)
    nodes: dict[str, dict] = {}
    for row in kg.select(_NODES.replace("#TYPES#", types)):
        nodes.setdefault(row["e"], {"types": []})["types"].append(row["type"])
    for row in kg.select(_LITERALS.replace("#TYPES#", types)):
        attrs = nodes.get(row["e"])
        if attrs is None:
            continue
        p, o = row["p"], row["o"]
        if p == RDFS + "label":
            attrs.setdefault("label", o)
        elif p == SKOS + "altLabel":
            attrs.setdefault("aliases", []).append(o)
        else:
            key = local_name(p)
            if key in attrs and key not in ("types",):
                existing = attrs[key]
                attrs[key] = [*existing, o] if isinstance(existing, list) else [existing, o]
            else:
                attrs[key] = o
    for iri, attrs in nodes.items():
        best = kg.schema.most_specific(attrs["types"])
        attrs["type"] = kg.schema.class_label(best)
        attrs["type_iri"] = best
        attrs["types"] = sorted(kg.schema.class_label(t) for t in attrs["types"])
        attrs.setdefault("label", local_name(iri))
        attrs["aliases"] = sorted(attrs.get("aliases", []))
    return nodes


def edge_attributes(kg: KnowledgeGraph, rel: Relationship) -> dict:
    """The attributes of one edge: relation, dates, description and sources."""
    return {
        "relation": kg.schema.relation_label(rel.predicate),
        "relation_iri": rel.predicate,
        "relation_name": local_name(rel.predicate),
        "date": rel.date,
        "start": rel.start,
        "end": rel.end,
        "date_approximate": rel.approximate,
        "description": rel.description,
        "quote": rel.quote,
        "grounds": rel.grounds,
        "according_to": list(rel.according_to),
        "sources": [
            {"title": s.title, "publisher": s.publisher, "url": s.url, "date": s.date, "iri": s.iri}
            for s in rel.sources
        ],
        "statement": rel.iri,
    }


def _type_filter(kg: KnowledgeGraph, names: Iterable[str] | None) -> set[str] | None:
    if not names:
        return None
    wanted: set[str] = set()
    for name in names:
        wanted |= {kg.schema.class_label(c) for c in kg.schema.subclasses(kg.schema.find_class(name))}
    return wanted


def _relation_filter(kg: KnowledgeGraph, names: Iterable[str] | None) -> set[str] | None:
    return {kg.schema.find_relation(n) for n in names} if names else None


def project(
    kg: KnowledgeGraph,
    *,
    types: Iterable[str] | None = None,
    exclude_types: Iterable[str] | None = None,
    relations: Iterable[str] | None = None,
    exclude_relations: Iterable[str] | None = None,
    as_of: str | None = None,
    focus: str | None = None,
    depth: int = 1,
    undirected: bool = False,
) -> nx.MultiDiGraph | nx.MultiGraph:
    """Project the knowledge graph onto a networkx multigraph.

    ``types`` / ``exclude_types`` take entity type names (subclasses follow);
    ``relations`` / ``exclude_relations`` take relation names such as
    ``metWith``; ``as_of`` keeps relationships whose dates include that
    (fuzzy) date, and undated ones; ``focus`` (a label, alias or IRI) with
    ``depth`` keeps the ego network; ``undirected`` returns a MultiGraph.

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     g = project(kg)
    ...     g.nodes["https://w3id.org/graphkit/id/aws"]["label"]
    'Amazon Web Services'
    """
    if depth < 0:
        raise GraphkitError(f"--depth must be 0 or more, not {depth}")
    if as_of:
        parse_period(as_of)  # reject a malformed date before any work
    keep_types = _type_filter(kg, types)
    drop_types = _type_filter(kg, exclude_types) or set()
    keep_rel = _relation_filter(kg, relations)
    drop_rel = _relation_filter(kg, exclude_relations) or set()
    focus_iri = resolve(kg, focus).iri if focus else None

    graph = nx.MultiDiGraph()
    nodes = _entity_nodes(kg)
    for iri in sorted(nodes):
        attrs = nodes[iri]
        if keep_types is not None and not (set(attrs["types"]) & keep_types) and iri != focus_iri:
            continue
        if set(attrs["types"]) & drop_types and iri != focus_iri:
            continue
        graph.add_node(iri, **attrs)
    edges = []
    for rel in relationships(kg):
        if rel.subject not in graph or rel.object not in graph:
            continue
        if keep_rel is not None and rel.predicate not in keep_rel:
            continue
        if rel.predicate in drop_rel:
            continue
        if as_of and not covers(as_of, date_=rel.date, start=rel.start, end=rel.end):
            continue
        key = rel.iri or f"{rel.subject} {rel.predicate} {rel.object}"
        edges.append((rel.subject, rel.object, key, edge_attributes(kg, rel)))
    graph.add_edges_from(edges)
    if focus_iri is not None:
        reach = nx.single_source_shortest_path_length(
            graph.to_undirected(as_view=True), focus_iri, cutoff=depth
        )
        graph = graph.subgraph(sorted(reach)).copy()
    graph.graph.update({"store": kg.backend.description, "as_of": as_of, "focus": focus_iri})
    return graph.to_undirected() if undirected else graph


def entity_label(graph: nx.Graph, iri: str) -> str:
    """Label of a node, or the IRI's local name."""
    return graph.nodes[iri].get("label", local_name(iri)) if iri in graph else local_name(iri)


def node_term(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)

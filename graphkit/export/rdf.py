"""RDF export: the whole store, or the statements behind a projected subgraph."""

from __future__ import annotations

from typing import BinaryIO

import networkx as nx
import pyoxigraph as ox

from graphkit.model.graph import KnowledgeGraph
from graphkit.store.formats import format_by_name
from graphkit.vocab import PREFIXES

RDF_FORMATS = ("ttl", "nt", "nq", "trig", "jsonld", "rdfxml")

_ABOUT = "CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?s { #IRIS# } ?s ?p ?o }"


def subgraph_triples(kg: KnowledgeGraph, graph: nx.MultiDiGraph) -> list[ox.Triple]:
    """Every statement about the graph's entities, relationships and sources.

    Direct triples between two kept entities are kept; those that reach an
    entity outside the subgraph are dropped, so the export holds no dangling
    relation.
    """
    nodes = set(graph.nodes)
    subjects = set(nodes)
    for _, _, data in graph.edges(data=True):
        if data.get("statement"):
            subjects.add(data["statement"])
        subjects.update(s["iri"] for s in data.get("sources", []))
        subjects.update(data.get("according_to", []))
    relation_iris = set(kg.schema.relations)
    out: list[ox.Triple] = []
    ordered = sorted(subjects)
    for start in range(0, len(ordered), 500):
        values = " ".join(str(ox.NamedNode(i)) for i in ordered[start : start + 500])
        for triple in kg.query(_ABOUT.replace("#IRIS#", values)):
            o = triple.object
            if (
                triple.predicate.value in relation_iris
                and isinstance(o, ox.NamedNode)
                and o.value not in nodes
            ):
                continue
            out.append(triple)
    return out


def write_rdf(kg: KnowledgeGraph, out: BinaryIO, fmt: str, graph: nx.MultiDiGraph | None = None) -> None:
    """Serialise the store (or the subgraph's statements) in an RDF format.

    >>> import graphkit, io
    >>> buf = io.BytesIO()
    >>> with graphkit.open() as kg:
    ...     write_rdf(kg, buf, "nt")
    >>> b"gk:metWith" not in buf.getvalue() and len(buf.getvalue()) > 1000
    True
    """
    rdf_format = format_by_name(fmt)
    if graph is None:
        if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
            ox.serialize(kg.triples(), out, rdf_format, prefixes=PREFIXES)
        else:
            kg.backend.dump(out, rdf_format)
        return
    triples = subgraph_triples(kg, graph)
    if rdf_format.supports_datasets:
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
        ox.serialize(
            quads, out, rdf_format, **({"prefixes": PREFIXES} if rdf_format == ox.RdfFormat.TRIG else {})
        )
    elif rdf_format == ox.RdfFormat.TURTLE:
        ox.serialize(triples, out, rdf_format, prefixes=PREFIXES)
    else:
        ox.serialize(triples, out, rdf_format)

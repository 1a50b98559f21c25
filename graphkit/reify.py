"""Reification: a projection's qualified edges as statement nodes, with their sources, as they are in RDF."""

from __future__ import annotations

from typing import Any

import networkx as nx

from graphkit.model.graph import KnowledgeGraph
from graphkit.model.schema import RELATIONSHIP, SOURCE, local_name
from graphkit.projection import entity_label
from graphkit.vocab import PROV, RDF


def _link(relation: str, relation_iri: str) -> dict[str, Any]:
    return {
        "relation": relation,
        "relation_iri": relation_iri,
        "relation_name": local_name(relation_iri),
        "sources": [],
        "statement": None,
    }


def reified(kg: KnowledgeGraph, graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Replace each qualified edge S→O by S→statement→O, with statement→source edges.

    What ``project(kg, reify=True)`` returns: each statement and each source a node of its own.

    >>> import graphkit
    >>> from graphkit.projection import project
    >>> with graphkit.open() as kg:
    ...     g = reified(kg, project(kg, focus="AWS", relations=["metWith"]))
    ...     sorted(d["type"] for _, d in g.nodes(data=True))
    ['Company', 'Minister', 'Relationship', 'Source']
    """
    out = nx.MultiDiGraph()
    out.add_nodes_from(graph.nodes(data=True))
    links = []
    for u, v, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[2]):
        stmt = data.get("statement")
        if not stmt:
            links.append((u, v, key, data))
            continue
        label = f"{entity_label(graph, u)} {data['relation']} {entity_label(graph, v)}"
        out.add_node(
            stmt,
            **{k: val for k, val in data.items() if k not in ("sources", "statement")},
            label=label,
            type="Relationship",
            type_iri=RELATIONSHIP,
            types=["Relationship"],
            aliases=[],
        )
        links.append((u, stmt, f"{stmt}#subject", _link("subject of", RDF + "subject")))
        links.append((stmt, v, f"{stmt}#object", _link("object", RDF + "object")))
        for src in data.get("sources", []):
            if src["iri"] not in out:
                out.add_node(
                    src["iri"],
                    **{k: val for k, val in src.items() if k not in ("iri", "title")},
                    label=src.get("title") or local_name(src["iri"]),
                    type="Source",
                    type_iri=SOURCE,
                    types=["Source"],
                    aliases=[],
                )
            cited = _link("derived from", PROV + "wasDerivedFrom")
            links.append((stmt, src["iri"], f"{stmt}#source-{src['iri']}", cited))
    out.add_edges_from(links)
    return out

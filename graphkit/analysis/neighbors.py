"""Who is connected to an entity, how, when, and who says so."""

from __future__ import annotations

import networkx as nx

from graphkit.analysis.hops import edges_between, hop
from graphkit.errors import GraphkitError
from graphkit.projection import entity_label


def neighbors(graph: nx.MultiDiGraph, entity: str, depth: int = 1) -> list[dict]:
    """Every entity within ``depth`` hops of ``entity`` (an IRI), edge by edge.

    Each row has ``entity``, ``entity_iri``, ``relation``, ``direction``
    (out/in, seen from the nearer entity), ``date``, ``sources``, the
    ``distance`` and the entity it is reached ``via``.

    >>> import graphkit
    >>> from graphkit.projection import project
    >>> with graphkit.open() as kg:
    ...     g = project(kg)
    ...     rows = neighbors(g, "https://w3id.org/graphkit/id/aws")
    ...     "Judith Collins" in {r["entity"] for r in rows}
    True
    """
    if depth < 1:
        raise GraphkitError(f"--depth must be 1 or more, not {depth}")
    if entity not in graph:
        raise GraphkitError(f"{entity_label(graph, entity)} is not in the projected graph (filtered out?)")
    undirected = graph.to_undirected(as_view=True)
    distance = nx.single_source_shortest_path_length(undirected, entity, cutoff=depth)
    rows = []
    for near in sorted(distance, key=lambda n: (distance[n], entity_label(graph, n), n)):
        if distance[near] >= depth:
            continue
        for far in sorted(undirected[near], key=lambda n: (entity_label(graph, n), n)):
            if distance.get(far) != distance[near] + 1:
                continue
            for key in edges_between(graph, near, far):
                step = hop(graph, near, far, key)
                rows.append(
                    {
                        "entity": step["to"],
                        "entity_iri": far,
                        "relation": step["relation"],
                        "direction": step["direction"],
                        "date": step["date"],
                        "date_approximate": step["date_approximate"],
                        "description": step["description"],
                        "sources": step["sources"],
                        "distance": distance[far],
                        "via": step["from"],
                        "via_iri": near,
                    }
                )
    return rows

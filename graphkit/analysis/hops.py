"""One step along an edge, described with its relation, date and sources."""

from __future__ import annotations

import networkx as nx

from graphkit.projection import entity_label


def edge_when(data: dict) -> str | None:
    """The edge's date as text (a point date, or start–end), or None."""
    if data.get("date"):
        return data["date"]
    if data.get("start") or data.get("end"):
        return f"{data.get('start') or ''}/{data.get('end') or ''}"
    return None


def hop(graph: nx.MultiDiGraph, u: str, v: str, key: str) -> dict:
    """Describe walking from ``u`` to ``v`` over the edge ``key`` (either direction)."""
    if graph.has_edge(u, v, key):
        data, direction = graph.edges[u, v, key], "out"
    else:
        data, direction = graph.edges[v, u, key], "in"
    return {
        "from": entity_label(graph, u),
        "from_iri": u,
        "relation": data["relation"],
        "relation_iri": data["relation_iri"],
        "to": entity_label(graph, v),
        "to_iri": v,
        "direction": direction,
        "date": edge_when(data),
        "description": data.get("description"),
        "sources": data.get("sources", []),
        "statement": data.get("statement"),
    }


def edges_between(graph: nx.MultiDiGraph, u: str, v: str) -> list[str]:
    """Keys of every edge joining u and v in either direction, sorted."""
    keys = list(graph.get_edge_data(u, v, default={})) + list(graph.get_edge_data(v, u, default={}))
    return sorted(set(keys))

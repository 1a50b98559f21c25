"""One step along an edge, described with its relation, date and sources."""

from __future__ import annotations

import networkx as nx

from graphkit.dates import format_date
from graphkit.projection import entity_label


def edge_when(data: dict) -> str | None:
    """The edge's date as text: a point date, an interval ``start/end``, or None.

    An open end is written ``..`` (ISO 8601-2 / EDTF). Whether the date is
    approximate travels separately, as ``date_approximate``.

    >>> edge_when({"date": "2024-10"}), edge_when({"start": "2023"}), edge_when({})
    ('2024-10', '2023/..', None)
    """
    if data.get("date"):
        return data["date"]
    if data.get("start") or data.get("end"):
        return f"{data.get('start') or '..'}/{data.get('end') or '..'}"
    return None


def shown_date(row: dict) -> str:
    """A hop's date for people, in the notation of :func:`graphkit.dates.format_date`.

    >>> shown_date({"date": "2024-10", "date_approximate": True}), shown_date({"date": "2023/.."})
    ('~2024-10', '2023–')
    """
    return format_date(row.get("date"), approximate=bool(row.get("date_approximate")))


def hop(graph: nx.MultiDiGraph, u: str, v: str, key: str) -> dict:
    """Describe walking from ``u`` to ``v`` over the edge ``key`` (either direction).

    ``direction`` is ``out`` when the relation points from ``u`` to ``v``.

    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("b", "a", key="k", relation="met with", relation_iri="x", sources=[])
    >>> step = hop(g, "a", "b", "k"); step["direction"], step["from"], step["to"]
    ('in', 'a', 'b')
    """
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
        "date_approximate": bool(data.get("date_approximate")),
        "description": data.get("description"),
        "sources": data.get("sources", []),
        "statement": data.get("statement"),
    }


def edges_between(graph: nx.MultiDiGraph, u: str, v: str) -> list[str]:
    """Keys of every edge joining u and v in either direction, sorted.

    >>> edges_between(nx.MultiDiGraph([("a", "b", "k2"), ("b", "a", "k1")]), "a", "b")
    ['k1', 'k2']
    """
    keys = list(graph.get_edge_data(u, v, default={})) + list(graph.get_edge_data(v, u, default={}))
    return sorted(set(keys))

"""Flatten attributes for tools that only take scalars (GraphML, GEXF, CSV, Neo4j)."""

from __future__ import annotations

import json
from typing import Any

import networkx as nx


def scalar(value: Any) -> str | int | float | bool:
    """None → "", lists of text → "a; b", other lists/dicts → JSON text."""
    if value is None:
        return ""
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def sources_text(sources: list[dict]) -> str:
    """Sources as one readable cell: 'Title (Publisher, date) <url>' joined by ' | '."""
    parts = []
    for s in sources:
        meta = ", ".join(x for x in (s.get("publisher"), s.get("date")) if x)
        text = s.get("title") or s.get("iri") or ""
        if meta:
            text += f" ({meta})"
        if s.get("url"):
            text += f" <{s['url']}>"
        parts.append(text)
    return " | ".join(parts)


def flat_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are all strings, numbers or booleans."""
    flat = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        flat.add_node(node, **{k: scalar(v) for k, v in data.items()})
    for u, v, key, data in graph.edges(keys=True, data=True):
        attrs = {k: scalar(val) for k, val in data.items() if k != "sources"}
        attrs["sources"] = sources_text(data.get("sources", []))
        attrs["sources_json"] = scalar(data.get("sources", []))
        attrs["source_count"] = len(data.get("sources", []))
        flat.add_edge(u, v, key=key, **attrs)
    flat.graph.update({k: scalar(v) for k, v in graph.graph.items()})
    return flat

"""Flatten attributes for tools that only take scalars (GraphML, GEXF, CSV, Neo4j).

networkx's GraphML and GEXF writers reject None, lists and dicts, and declare
one type per attribute name; :func:`flat_graph` makes every value a string,
number or boolean, and gives each attribute one type across the whole graph.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

import networkx as nx

Scalar = str | int | float | bool

#: Graph attributes never written to a file: the store's path or URL can name a
#: reporter's private folder or carry credentials.
PRIVATE_GRAPH_KEYS = frozenset({"store"})


def scalar(value: Any) -> Scalar:
    """None → "", lists of text → "a; b", other lists/dicts → JSON text.

    >>> scalar(None), scalar(["a", "b"]), scalar(3), scalar([{"x": 1}])
    ('', 'a; b', 3, '[{"x": 1}]')
    """
    if value is None:
        return ""
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def sources_text(sources: list[dict]) -> str:
    """Sources as one readable cell: 'Title (Publisher, date) <url>' joined by ' | '.

    >>> sources_text([{"title": "T", "publisher": "RNZ", "date": "2025-03", "url": "https://x"}])
    'T (RNZ, 2025-03) <https://x>'
    """
    parts = []
    for s in sources:
        meta = ", ".join(str(x) for x in (s.get("publisher"), s.get("date")) if x)
        text = str(s.get("title") or s.get("iri") or "")
        if meta:
            text += f" ({meta})"
        if s.get("url"):
            text += f" <{s['url']}>"
        parts.append(text)
    return " | ".join(parts)


def _kind_of_type(kind: type) -> str:
    if issubclass(kind, bool):
        return "bool"
    if issubclass(kind, int):
        return "int"
    if issubclass(kind, float):
        return "float"
    return "str"


def unify_types(rows: Iterable[dict[str, Scalar]]) -> None:
    """Give each key one type across ``rows`` (in place): ints with floats become
    floats, any other mix becomes text, and so do NaN and infinity.

    >>> rows = [{"v": 1, "w": 1}, {"v": 2.5, "w": "x"}]
    >>> unify_types(rows); rows
    [{'v': 1.0, 'w': '1'}, {'v': 2.5, 'w': 'x'}]
    """
    rows = list(rows)
    seen: dict[str, set[type]] = {}  # the Python types of each key: one pass, no call per value
    for row in rows:
        for key, value in row.items():
            types = seen.get(key)
            if types is None:
                types = seen[key] = set()
            types.add(type(value))
    changes: dict[str, str] = {}
    for key, types in seen.items():
        kinds = {_kind_of_type(t) for t in types}
        if "float" in kinds:
            floats = [row[key] for row in rows if isinstance(row.get(key), float)]
            if not all(map(math.isfinite, floats)):
                kinds.add("str")  # NaN and infinity are text
                if not any(map(math.isfinite, floats)):
                    kinds.discard("float")
        if kinds == {"int", "float"}:
            changes[key] = "float"
        elif len(kinds) > 1 or (kinds == {"str"} and types != {str}):
            changes[key] = "str"
    if not changes:  # the usual case: every key has one type already
        return
    for row in rows:
        for key, change in changes.items():
            if key not in row:
                continue
            value = row[key]
            if change == "float":
                row[key] = float(value)
            elif not isinstance(value, str):
                row[key] = str(value).lower() if isinstance(value, bool) else str(value)


def flat_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are all strings, numbers or booleans, one type per name.

    Edges get ``sources`` (readable text), ``sources_json`` and ``source_count`` (int).

    >>> g = nx.MultiDiGraph()
    >>> g.add_edge("a", "b", key="k", sources=[{"title": "T"}], date=None)
    'k'
    >>> flat_graph(g).edges["a", "b", "k"]["source_count"]
    1
    """
    node_rows = [{k: scalar(v) for k, v in data.items()} for _, data in graph.nodes(data=True)]
    edge_rows = []
    for _, _, data in graph.edges(data=True):
        sources = data.get("sources") or []
        attrs = {k: scalar(v) for k, v in data.items() if k != "sources"}
        attrs["sources"] = sources_text(sources)
        attrs["sources_json"] = scalar(sources)
        attrs["source_count"] = len(sources)
        edge_rows.append(attrs)
    unify_types(node_rows)
    unify_types(edge_rows)
    flat = nx.MultiDiGraph()
    flat.add_nodes_from(zip(graph.nodes, node_rows, strict=True))
    flat.add_edges_from(
        (u, v, key, attrs) for (u, v, key), attrs in zip(graph.edges(keys=True), edge_rows, strict=True)
    )
    flat.graph.update({k: scalar(v) for k, v in graph.graph.items() if k not in PRIVATE_GRAPH_KEYS})
    return flat

"""What happened when: the dated relationships of a graph, in order, with their sources.

Each relationship's date is read as the period it covers (``2024-10`` is the
whole of October 2024, the same rule as ``--as-of``), and relationships are
ordered by the first day of that period, then by the last, then by who and
what. Undated relationships are left out (they are counted apart); an
approximate date ("around October 2024") keeps its mark.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("a", label="A"); g.add_node("b", label="B")
>>> _ = g.add_edge("a", "b", key="k1", relation="met with", date="2024-10", date_approximate=True, sources=[])
>>> _ = g.add_edge("b", "a", key="k2", relation="signed", date="2023", sources=[])
>>> _ = g.add_edge("a", "b", key="k3", relation="knows", sources=[])
>>> [(e["when"], e["relation"]) for e in timeline(g)]
[('2023', 'signed'), ('~2024-10', 'met with')]
"""

from __future__ import annotations

from datetime import date

import networkx as nx

from graphkit.analysis.hops import edge_when, shown_date
from graphkit.dates import data_period
from graphkit.projection import entity_label


def _period(data: dict) -> tuple[date, date] | None:
    point = data_period(data.get("date"))
    if point is not None:
        return point
    begin, finish = data_period(data.get("start")), data_period(data.get("end"))
    if begin is None and finish is None:
        return None
    return (begin[0] if begin else date.min, finish[1] if finish else date.max)


def _touching(graph: nx.MultiDiGraph, entity: str) -> list:
    """The edges in or out of ``entity``, each once (a self-loop is both)."""
    found = {(u, v, k): d for u, v, k, d in graph.out_edges(entity, keys=True, data=True)}
    found.update({(u, v, k): d for u, v, k, d in graph.in_edges(entity, keys=True, data=True)})
    return [(u, v, k, d) for (u, v, k), d in found.items()]


def timeline(graph: nx.MultiDiGraph, entity: str | None = None) -> list[dict]:
    """Dated relationships of ``graph`` in time order (those touching ``entity`` when given).

    Each row has ``first`` and ``last`` (ISO days of the period; None for an
    open end), ``when`` (the date as the source gives it, ``~`` when
    approximate), ``from``, ``relation``, ``to`` (labels and IRIs),
    ``description`` and ``sources``.
    """
    if entity is not None:
        edges = [
            *graph.out_edges(entity, keys=True, data=True),
            *graph.in_edges(entity, keys=True, data=True),
        ]
    else:
        edges = list(graph.edges(keys=True, data=True))
    rows = []
    seen = set()
    for u, v, key, data in edges:
        if (u, v, key) in seen:  # a self-loop shows up as both out- and in-edge
            continue
        seen.add((u, v, key))
        period = _period(data)
        if period is None:
            continue
        date_text = edge_when(data)
        rows.append(
            {
                "first": None if period[0] == date.min else period[0].isoformat(),
                "last": None if period[1] == date.max else period[1].isoformat(),
                "when": shown_date({"date": date_text, "date_approximate": data.get("date_approximate")}),
                "approximate": bool(data.get("date_approximate")),
                "from": entity_label(graph, u),
                "from_iri": u,
                "relation": data.get("relation") or "related to",
                "to": entity_label(graph, v),
                "to_iri": v,
                "description": data.get("description"),
                "sources": list(data.get("sources") or []),
                "statement": key if isinstance(key, str) else None,
                "_order": (period[0], period[1]),
            }
        )
    rows.sort(key=lambda r: (*r["_order"], r["from"], r["relation"], r["to"], r["statement"] or ""))
    for row in rows:
        del row["_order"]
    return rows


def undated_count(graph: nx.MultiDiGraph, entity: str | None = None) -> int:
    """How many relationships (touching ``entity`` when given) have no usable date.

    >>> g = nx.MultiDiGraph(); _ = g.add_edge("a", "b", relation="r")
    >>> undated_count(g)
    1
    """
    if entity is not None:
        edges = [
            *graph.out_edges(entity, keys=True, data=True),
            *graph.in_edges(entity, keys=True, data=True),
        ]
        edges = list({(u, v, k): d for u, v, k, d in edges}.values())
    else:
        edges = [d for _, _, d in graph.edges(data=True)]
    return sum(1 for d in (e if isinstance(e, dict) else e[3] for e in edges) if _period(d) is None)

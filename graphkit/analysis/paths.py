"""How is A connected to B? Shortest paths with every hop explained."""

from __future__ import annotations

import itertools

import networkx as nx

from graphkit.analysis.hops import edges_between, hop
from graphkit.errors import GraphkitError
from graphkit.projection import entity_label

MAX_PATHS = 100


class NoPathError(GraphkitError):
    """The two entities are not connected within the limits."""


def _best_key(graph: nx.MultiDiGraph, u: str, v: str) -> str:
    """The parallel edge to show: the best-sourced, then the first by key."""

    def weight(key: str) -> tuple:
        data = graph.edges[u, v, key] if graph.has_edge(u, v, key) else graph.edges[v, u, key]
        return (-len(data.get("sources", [])), key)

    return min(edges_between(graph, u, v), key=weight)


def paths(
    graph: nx.MultiDiGraph,
    source: str,
    target: str,
    *,
    max_length: int | None = None,
    all_paths: bool = False,
) -> list[list[dict]]:
    """Shortest connections between two entities (IRIs), ignoring edge direction.

    Returns a list of paths; each path is a list of hops with ``from``,
    ``relation``, ``to``, ``direction``, ``date`` and ``sources``. With
    ``all_paths`` every shortest path is returned (and every parallel edge
    spelled out), up to 100.

    >>> import graphkit
    >>> from graphkit.projection import project
    >>> with graphkit.open() as kg:
    ...     g = project(kg)
    ...     p = paths(g, "https://w3id.org/graphkit/id/judith-collins", "https://w3id.org/graphkit/id/aws")
    ...     [h["relation"] for h in p[0]]
    ['met with']
    """
    for node in (source, target):
        if node not in graph:
            raise GraphkitError(f"{entity_label(graph, node)} is not in the projected graph (filtered out?)")
    if max_length is not None and max_length < 1:
        raise GraphkitError("--max-length must be 1 or more")
    if source == target:
        raise GraphkitError("the two entities are the same")
    undirected = nx.Graph(graph.to_undirected(as_view=True))
    try:
        node_paths = nx.all_shortest_paths(undirected, source, target)
        first = next(node_paths)
    except nx.NetworkXNoPath:
        raise NoPathError(
            f"no connection between {entity_label(graph, source)} and {entity_label(graph, target)}"
        ) from None
    if max_length is not None and len(first) - 1 > max_length:
        raise NoPathError(
            f"the shortest connection between {entity_label(graph, source)} and "
            f"{entity_label(graph, target)} has {len(first) - 1} hops, more than --max-length {max_length}"
        )
    candidates = [first, *node_paths] if all_paths else [first]
    candidates.sort(key=lambda p: ([entity_label(graph, n) for n in p], p))
    out: list[list[dict]] = []
    for nodes in candidates:
        pairs = list(itertools.pairwise(nodes))
        if all_paths:
            choices = [edges_between(graph, u, v) for u, v in pairs]
            for keys in itertools.product(*choices):
                out.append([hop(graph, u, v, k) for (u, v), k in zip(pairs, keys, strict=True)])
                if len(out) >= MAX_PATHS:
                    return out
        else:
            out.append([hop(graph, u, v, _best_key(graph, u, v)) for u, v in pairs])
    return out

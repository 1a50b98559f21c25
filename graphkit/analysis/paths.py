"""How is A connected to B? Shortest paths with every hop explained."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

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


def _neighbours(graph: nx.MultiDiGraph, node: str) -> set[str]:
    return {*graph.succ[node], *graph.pred[node]} - {node}


def _distances(graph: nx.MultiDiGraph, start: str, stop: str | None, limit: int | None) -> dict[str, int]:
    """Hops from ``start`` ignoring direction, breadth first, up to ``stop``'s ring or ``limit`` hops."""
    found = {start: 0}
    ring = [start]
    depth = 0
    while ring and (limit is None or depth < limit) and (stop is None or stop not in found):
        depth += 1
        nxt = []
        for node in ring:
            for other in _neighbours(graph, node):
                if other not in found:
                    found[other] = depth
                    nxt.append(other)
        ring = nxt
    return found


def _shortest(graph: nx.MultiDiGraph, source: str, target: str) -> Iterator[list[str]]:
    """Every shortest path from ``source`` to ``target``, ignoring direction, smallest first.

    Paths come in the order of their entities' (label, IRI), position by
    position, and one at a time: two hubs can be joined by millions of
    shortest paths, and only the first few are ever read.
    """
    ahead = _distances(graph, source, target, None)
    if target not in ahead:
        return
    length = ahead[target]
    behind = _distances(graph, target, None, length)

    def order(node: str) -> tuple[str, str]:
        return entity_label(graph, node), node

    def steps(node: str, here: int) -> Iterator[str]:
        """The next entities on a shortest path: ``here`` hops from the source."""
        nxt = [n for n in _neighbours(graph, node) if ahead.get(n) == here and behind.get(n) == length - here]
        return iter(sorted(nxt, key=order))

    # Depth first, without recursion: a path may be longer than Python's stack allows.
    path, stack = [source], [steps(source, 1)]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            path.pop()
        elif len(path) == length:
            yield [*path, node]
        else:
            path.append(node)
            stack.append(steps(node, len(path)))


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
    ``relation``, ``to``, ``direction``, ``date`` and ``sources``. Of
    several shortest paths the first comes back, by the labels (then IRIs)
    of their entities, position by position, whatever the order of the
    store; with ``all_paths`` every shortest path is returned in that order
    (and every parallel edge spelled out), up to 100.

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
    node_paths = _shortest(graph, source, target)
    first = next(node_paths, None)
    if first is None:
        raise NoPathError(
            f"no connection between {entity_label(graph, source)} and {entity_label(graph, target)}"
        )
    if max_length is not None and len(first) - 1 > max_length:
        raise NoPathError(
            f"the shortest connection between {entity_label(graph, source)} and "
            f"{entity_label(graph, target)} has {len(first) - 1} hops, more than --max-length {max_length}"
        )
    out: list[list[dict]] = []
    for nodes in itertools.chain([first], node_paths) if all_paths else [first]:
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

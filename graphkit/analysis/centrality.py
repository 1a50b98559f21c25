"""Who matters most: degree, betweenness, PageRank and eigenvector centrality."""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx

from graphkit.errors import GraphkitError


def _simple_undirected(graph: nx.Graph) -> nx.Graph:
    """One undirected edge per connected pair, no self-loops, nodes in sorted order.

    >>> g = nx.MultiDiGraph([("b", "a"), ("a", "b"), ("a", "a")])
    >>> sorted(_simple_undirected(g).edges())
    [('a', 'b')]
    """
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    simple.add_edges_from(sorted({tuple(sorted((u, v))) for u, v in graph.edges() if u != v}))
    return simple


def _degree(graph: nx.Graph, backend: str | None) -> dict:
    return nx.degree_centrality(_simple_undirected(graph)) if len(graph) > 1 else {n: 0.0 for n in graph}


def _betweenness(graph: nx.Graph, backend: str | None) -> dict:
    kwargs = {"backend": backend} if backend else {}
    try:
        return nx.betweenness_centrality(_simple_undirected(graph), **kwargs)
    except ImportError:
        raise GraphkitError(
            f"the networkx backend {backend!r} is not installed; pip install 'graphkit[parallel]' "
            "or use --backend networkx"
        ) from None


def _pagerank_power(graph: nx.Graph, alpha: float = 0.85, tol: float = 1.0e-10) -> dict:
    """PageRank by power iteration in pure Python (used when SciPy is missing)."""
    n = len(graph)
    rank = dict.fromkeys(graph, 1.0 / n)
    for _ in range(1000):
        dangling = alpha * sum(rank[u] for u in graph if graph.degree(u) == 0) / n
        new = {
            v: (1.0 - alpha) / n + dangling + alpha * sum(rank[u] / graph.degree(u) for u in graph[v])
            for v in graph
        }
        if sum(abs(new[v] - rank[v]) for v in graph) < n * tol:
            return new
        rank = new
    return rank


def _pagerank(graph: nx.Graph, backend: str | None) -> dict:
    # Relationships are mostly reported, not "votes": rank on the undirected graph.
    simple = _simple_undirected(graph)
    try:
        return nx.pagerank(simple)
    except ImportError:  # networkx's pagerank needs SciPy
        return _pagerank_power(simple)


def _eigenvector(graph: nx.Graph, backend: str | None) -> dict:
    simple = _simple_undirected(graph)
    if simple.number_of_edges() == 0:
        return dict.fromkeys(simple, 0.0)
    try:
        return nx.eigenvector_centrality(simple, max_iter=2000, tol=1e-8)
    except nx.PowerIterationFailedConvergence:
        raise GraphkitError("eigenvector centrality did not converge on this graph; try pagerank") from None


MEASURES: dict[str, Callable[[nx.Graph, str | None], dict]] = {
    "degree": _degree,
    "betweenness": _betweenness,
    "pagerank": _pagerank,
    "eigenvector": _eigenvector,
}


def centrality(
    graph: nx.Graph,
    measure: str = "degree",
    *,
    top: int | None = 10,
    types: set[str] | None = None,
    backend: str | None = None,
) -> list[dict]:
    """Rank entities by a centrality measure.

    Returns ``[{entity, entity_iri, type, score}]``, highest first (ties by
    label). ``types`` keeps only entities of those types in the ranking
    (the scores are still computed on the whole graph). ``backend`` picks a
    networkx dispatch backend such as ``parallel`` where the measure supports it.

    >>> import graphkit
    >>> from graphkit.projection import project
    >>> with graphkit.open() as kg:
    ...     top = centrality(project(kg), "degree", top=1)
    ...     top[0]["entity"], sorted(top[0])
    ('Judith Collins', ['entity', 'entity_iri', 'score', 'type'])
    """
    if measure not in MEASURES:
        raise GraphkitError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    if top is not None and top < 1:
        raise GraphkitError(f"--top must be 1 or more, not {top}")
    if len(graph) == 0:
        return []
    scores = MEASURES[measure](graph, backend)
    rows = [
        {
            "entity": str(graph.nodes[n].get("label", n)),
            "entity_iri": n,
            "type": graph.nodes[n].get("type"),
            "score": round(float(score), 6),
        }
        for n, score in scores.items()
        if types is None or set(graph.nodes[n].get("types", [])) & types
    ]
    rows.sort(key=lambda r: (-r["score"], r["entity"].lower(), r["entity_iri"]))
    return rows if top is None else rows[:top]

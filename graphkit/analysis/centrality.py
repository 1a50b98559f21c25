"""Who matters most: degree, betweenness, PageRank and eigenvector centrality."""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx

from graphkit.errors import GraphkitError


def _simple_undirected(graph: nx.MultiDiGraph) -> nx.Graph:
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes)
    simple.add_edges_from((u, v) for u, v in graph.edges() if u != v)
    return simple


def _degree(graph: nx.MultiDiGraph, backend: str | None) -> dict:
    return nx.degree_centrality(_simple_undirected(graph)) if len(graph) > 1 else {n: 0.0 for n in graph}


def _betweenness(graph: nx.MultiDiGraph, backend: str | None) -> dict:
    kwargs = {"backend": backend} if backend else {}
    return nx.betweenness_centrality(_simple_undirected(graph), **kwargs)


def _pagerank(graph: nx.MultiDiGraph, backend: str | None) -> dict:
    # Relationships are mostly reported, not "votes": rank on the undirected graph.
    return nx.pagerank(_simple_undirected(graph))


def _eigenvector(graph: nx.MultiDiGraph, backend: str | None) -> dict:
    simple = _simple_undirected(graph)
    try:
        return nx.eigenvector_centrality(simple, max_iter=2000, tol=1e-8)
    except nx.PowerIterationFailedConvergence:
        raise GraphkitError("eigenvector centrality did not converge on this graph; try pagerank") from None


MEASURES: dict[str, Callable[[nx.MultiDiGraph, str | None], dict]] = {
    "degree": _degree,
    "betweenness": _betweenness,
    "pagerank": _pagerank,
    "eigenvector": _eigenvector,
}


def centrality(
    graph: nx.MultiDiGraph,
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
    >>> with graphkit.open() as kg:
    ...     top = centrality(graphkit.project(kg), "degree", top=1)
    ...     top[0]["entity"]
    'Judith Collins'
    """
    if measure not in MEASURES:
        raise GraphkitError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    if top is not None and top < 1:
        raise GraphkitError("--top must be 1 or more")
    if len(graph) == 0:
        return []
    scores = MEASURES[measure](graph, backend)
    rows = [
        {
            "entity": graph.nodes[n].get("label", n),
            "entity_iri": n,
            "type": graph.nodes[n].get("type"),
            "score": round(float(score), 6),
        }
        for n, score in scores.items()
        if types is None or set(graph.nodes[n].get("types", [])) & types
    ]
    rows.sort(key=lambda r: (-r["score"], r["entity"].lower(), r["entity_iri"]))
    return rows if top is None else rows[:top]

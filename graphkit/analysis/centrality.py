"""Who matters most: degree, betweenness, PageRank and eigenvector centrality.

PageRank is networkx's power iteration run on a SciPy matrix made straight
from the edge arrays. Other measures on small graphs are networkx's. Above
:data:`FAST_ABOVE` entities betweenness runs in igraph (C) when it is installed,
exact while it fits a work budget and estimated above it (see
:mod:`graphkit.analysis.betweenness`). With ``backend="networkx"`` or
``"parallel"``, betweenness above :data:`FAST_ABOVE` entities is estimated from
:data:`SAMPLE_SOURCES` sources (networkx's ``k``): exact betweenness grows with
entities × relationships.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np

from graphkit.errors import GraphkitError

#: Above this many entities, the default backend is igraph.
FAST_ABOVE = 5_000
#: Source entities sampled by networkx's betweenness above FAST_ABOVE entities.
SAMPLE_SOURCES = 1_000
BACKENDS = ("auto", "networkx", "igraph", "parallel")


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


def _degree(graph: nx.Graph, backend: str | None = None, info: dict | None = None) -> dict:
    return nx.degree_centrality(_simple_undirected(graph)) if len(graph) > 1 else {n: 0.0 for n in graph}


def _betweenness(graph: nx.Graph, backend: str | None = None, info: dict | None = None) -> dict:
    if backend == "igraph":
        from graphkit.analysis.betweenness import estimate
        from graphkit.analysis.fast_graph import local_order, to_igraph

        g, names = to_igraph(graph)
        g, old = local_order(g)
        scores = estimate(g, info)
        return {names[i]: float(score) for i, score in zip(old.tolist(), scores.tolist(), strict=True)}
    kwargs: dict[str, Any] = {"backend": backend} if backend == "parallel" else {}
    n = len(graph)
    if n > FAST_ABOVE and n > SAMPLE_SOURCES:
        kwargs.update(k=SAMPLE_SOURCES, seed=0)
        if info is not None:
            info["sampled_sources"] = SAMPLE_SOURCES
            info["sources_of"] = n
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


def _pagerank(graph: nx.Graph, backend: str | None = None, info: dict | None = None) -> dict:
    # Relationships are mostly reported, not "votes": rank on the undirected graph.
    if backend == "scipy":
        # Sparse power iteration (networkx's own, on arrays): faster than igraph's PRPACK here.
        from graphkit.analysis.fast_graph import simple_pairs
        from graphkit.analysis.pagerank import pagerank_pairs

        names, pairs = simple_pairs(graph)
        return dict(zip(names, pagerank_pairs(len(names), pairs).tolist(), strict=True))
    simple = _simple_undirected(graph)
    try:
        return nx.pagerank(simple)
    except ImportError:  # networkx's pagerank needs SciPy
        return _pagerank_power(simple)


def _eigenvector(graph: nx.Graph, backend: str | None = None, info: dict | None = None) -> dict:
    simple = _simple_undirected(graph)
    if simple.number_of_edges() == 0:
        return dict.fromkeys(simple, 0.0)
    try:
        return nx.eigenvector_centrality(simple, max_iter=2000, tol=1e-8)
    except nx.PowerIterationFailedConvergence:
        raise GraphkitError("eigenvector centrality did not converge on this graph; try pagerank") from None


MEASURES: dict[str, Callable[..., dict]] = {
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
    info: dict | None = None,
) -> list[dict]:
    """Rank entities by a centrality measure.

    Returns ``[{entity, entity_iri, type, score}]``, highest first (ties by
    label). ``types`` keeps only entities of those types in the ranking
    (the scores are still computed on the whole graph). ``backend`` is
    ``auto`` (the default: networkx, or igraph above :data:`FAST_ABOVE`
    entities; PageRank always the SciPy iteration, with networkx's scores),
    ``networkx``, ``igraph`` or ``parallel`` (the nx-parallel dispatch backend).
    Betweenness on big graphs may be estimated; ``info``, if given, receives
    ``backend`` and, for an estimate, ``sampled_sources`` and ``sources_of``
    (how many sources an exact result searches).

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
    backend = backend or "auto"
    if backend not in BACKENDS:
        raise GraphkitError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    if backend == "auto" and measure == "pagerank":
        backend = "scipy"  # networkx's own iteration on arrays, at every size: the same scores, sooner
    elif backend == "auto":
        backend = auto_backend(graph)
    if backend == "igraph":
        require_igraph()
    info = {} if info is None else info
    info["backend"] = backend if measure in ("pagerank", "betweenness") else "networkx"
    if measure == "pagerank" and backend == "igraph":
        info["backend"] = backend = "scipy"  # see _pagerank
    if len(graph) == 0:
        return []
    scores = MEASURES[measure](graph, backend, info)
    names = list(scores)
    values = np.round(np.fromiter(scores.values(), dtype=float, count=len(names)), 6)
    if types is not None:
        wanted = np.fromiter(
            (bool(set(graph.nodes[n].get("types", [])) & types) for n in names), dtype=bool, count=len(names)
        )
        values = np.where(wanted, values, np.nan)
    chosen = np.flatnonzero(~np.isnan(values))
    if top is not None and len(chosen) > top:
        # Rows only for the top scores and whatever ties with the last of them.
        cut = np.partition(values[chosen], len(chosen) - top)[len(chosen) - top]
        chosen = chosen[values[chosen] >= cut]
    rounded = {names[i]: float(values[i]) for i in chosen.tolist()}
    rows = [
        {
            "entity": str(graph.nodes[n].get("label", n)),
            "entity_iri": n,
            "type": graph.nodes[n].get("type"),
            "score": score,
        }
        for n, score in rounded.items()
    ]
    rows.sort(key=lambda r: (-r["score"], r["entity"].lower(), r["entity_iri"]))
    return rows if top is None else rows[:top]


def auto_backend(graph: nx.Graph) -> str:
    """What ``--backend auto`` runs on ``graph``: igraph above :data:`FAST_ABOVE` entities, else networkx.

    >>> auto_backend(nx.Graph())
    'networkx'
    """
    return "igraph" if len(graph) > FAST_ABOVE and has_igraph() else "networkx"


def require_igraph() -> None:
    """Raise a clear error when ``--backend igraph`` is asked for without igraph."""
    if not has_igraph():
        raise GraphkitError("igraph is not installed; pip install igraph, or use --backend networkx")


def has_igraph() -> bool:
    """Whether igraph can be imported (it is a dependency; an environment may lack it)."""
    try:
        import igraph  # noqa: F401
    except ImportError:
        return False
    return True

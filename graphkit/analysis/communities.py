"""Clusters of entities that are more connected to each other than to the rest."""

from __future__ import annotations

import networkx as nx

from graphkit.analysis.centrality import _simple_undirected, auto_backend, require_igraph
from graphkit.errors import GraphkitError

SEED = 42
BACKENDS = ("auto", "networkx", "igraph")


def communities(
    graph: nx.Graph,
    *,
    seed: int = SEED,
    resolution: float = 1.0,
    backend: str = "auto",
    info: dict | None = None,
) -> list[dict]:
    """Seeded Louvain communities, largest first; deterministic for a given graph and backend.

    Returns ``[{community, size, members: [{entity, entity_iri, type}]}]``.
    ``backend`` is ``auto`` (networkx, or igraph above :data:`~graphkit.analysis.centrality.FAST_ABOVE`
    entities, as for centrality), ``networkx`` or ``igraph``: two
    implementations of the same method, whose partitions differ in detail
    (on a 75,000-entity graph, the same modularity, 0.718, in 0.3 s against
    5 s). ``info``, if given, receives the ``backend`` used.

    >>> import graphkit
    >>> from graphkit.projection import project
    >>> with graphkit.open() as kg:
    ...     groups = communities(project(kg))
    ...     sum(g["size"] for g in groups) == len(project(kg))
    True
    """
    if len(graph) == 0:
        return []
    # Sorted nodes and edges: the seeded result must not depend on the store's row order.
    if not resolution > 0:
        raise GraphkitError(f"--resolution must be greater than 0, not {resolution}")
    if backend not in BACKENDS:
        raise GraphkitError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    if backend == "auto":
        backend = auto_backend(graph)
    if info is not None:
        info["backend"] = backend
    if backend == "igraph":
        found = _igraph_louvain(graph, seed, resolution)
    else:
        found = nx.community.louvain_communities(_simple_undirected(graph), seed=seed, resolution=resolution)
    groups = []
    for members in found:
        rows = sorted(
            (
                {
                    "entity": str(graph.nodes[n].get("label", n)),
                    "entity_iri": n,
                    "type": graph.nodes[n].get("type"),
                }
                for n in members
            ),
            key=lambda r: (r["entity"].lower(), r["entity_iri"]),
        )
        groups.append(rows)
    groups.sort(key=lambda g: (-len(g), g[0]["entity"].lower(), g[0]["entity_iri"]))
    return [{"community": i + 1, "size": len(g), "members": g} for i, g in enumerate(groups)]


def _igraph_louvain(graph: nx.Graph, seed: int, resolution: float) -> list[set]:
    """igraph's multilevel (Louvain) method, on the sorted simple graph, with a seeded generator."""
    require_igraph()
    import random

    import igraph as ig

    from graphkit.analysis.fast_graph import to_igraph

    simple, names = to_igraph(graph)
    # igraph draws from one generator for the whole process: seed it for this call, then give it back.
    ig.set_random_number_generator(random.Random(seed))
    try:
        membership = simple.community_multilevel(resolution=resolution).membership
    finally:
        ig.set_random_number_generator(random)
    groups: dict[int, set] = {}
    for name, group in zip(names, membership, strict=True):
        groups.setdefault(group, set()).add(name)
    return list(groups.values())

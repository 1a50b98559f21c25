"""Betweenness on big graphs: exact where it fits a work budget, estimated above it.

Two facts make it cheap on the graphs graphkit holds, where a quarter or more
of the entities have a single relationship:

- an entity with one neighbour (a leaf) lies on no shortest path, and the
  paths that start at it are those of its neighbour plus one step, so its
  share is added exactly to its neighbour and it is never searched from;
- the remaining searches (one per source entity, each visiting the whole
  graph) are the cost. When they all fit in :data:`EXACT_WORK` (entities plus
  relationships, summed over the searches), or when there are no more
  sources than a sample would search, the result is exact. Otherwise,
  :data:`SAMPLE_WORK` decides how many sources are searched: drawn at random
  (seeded, so the same graph always gives the same ranking) with a
  probability proportional to the entities each one stands for, itself and
  its leaves, and weighted to give an unbiased estimate (Brandes and Pich).

Scores are normalised like networkx's ``betweenness_centrality``.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np

#: Exact when the searches cost at most this many steps (entities + relationships each).
EXACT_WORK = 200_000_000
#: Above it, this many steps of searching, divided among the sampled sources.
SAMPLE_WORK = 16_000_000
#: Never fewer sampled sources than this, whatever the size.
MIN_SOURCES = 20


def plan(vertices: int, edges: int, searched: int) -> int | None:
    """How many sources to sample, or None for exact (every non-leaf source).

    >>> plan(10_000, 13_000, 6_500) is None
    True
    >>> plan(100_000, 130_000, 65_000)
    69
    >>> plan(10_000_000, 13_000_000, 15) is None  # fewer sources than a sample: exact
    True
    """
    step = vertices + edges
    if searched * step <= EXACT_WORK:
        return None
    sample = int(max(MIN_SOURCES, SAMPLE_WORK // step))
    # A sample as large as the sources costs what the exact run does, and would only add noise.
    return None if sample >= searched else sample


def estimate(g: Any, info: dict | None = None, seed: int = 0) -> np.ndarray:
    """Betweenness of every vertex of a simple undirected igraph Graph, normalised.

    ``info``, if given, receives ``exact`` and, when sampled, ``sampled_sources``
    and ``sources_of`` (how many could have been searched).

    >>> import igraph as ig
    >>> path = ig.Graph(n=4, edges=[(0, 1), (1, 2), (2, 3)])
    >>> estimate(path).round(4).tolist()
    [0.0, 0.6667, 0.6667, 0.0]
    """
    n = g.vcount()
    info = {} if info is None else info
    if n < 3:
        info["exact"] = True
        return np.zeros(n)
    core, weight, total = _trees(g)
    sample = plan(n, g.ecount(), len(core))
    info["exact"] = sample is None
    if sample is None:
        counts = {float(w): core[weight == w] for w in np.unique(weight)}
        scale = 1.0
    else:
        rng = np.random.default_rng(seed)
        drawn = rng.choice(len(core), size=sample, replace=True, p=weight / weight.sum())
        picked, times = np.unique(drawn, return_counts=True)
        counts = {float(c): core[picked[times == c]] for c in np.unique(times)}
        scale = weight.sum() / sample
        info["sampled_sources"] = sample
        info["sources_of"] = len(core)
    for factor, sources in counts.items():
        if len(sources):
            # igraph counts each path from a source once; both directions are wanted.
            part = g.betweenness(directed=False, sources=sources.tolist())
            total[core] += (2.0 * factor * scale * np.asarray(part))[core]
    return total / ((n - 1) * (n - 2))


def _trees(g: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The vertices on cycles (the 2-core), the entities each stands for, and the exact part.

    Every other vertex belongs to a tree hanging off one core vertex (its
    root), or to a component that is a tree. Such a vertex cuts the graph, so
    its betweenness is the pairs it separates. A search from a tree vertex
    is the search from its root, so only core vertices are searched, each
    weighted by 1 + the size of its trees; what the trees add to their root
    is counted here.
    """
    import igraph as ig

    from graphkit.analysis.fast_graph import edge_list

    n = g.vcount()
    membership = np.asarray(g.connected_components().membership, dtype=np.int64)
    comp = np.bincount(membership)[membership]
    in_core = np.asarray(g.coreness(), dtype=np.int64) >= 2
    ends = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    # One walk over the forest: a super-root (vertex n) joined to every core vertex
    # and to one vertex of each component without a core.
    touches = ~(in_core[ends[:, 0]] & in_core[ends[:, 1]])
    has_core = np.zeros(membership.max() + 1, dtype=bool)
    has_core[membership[in_core]] = True
    first = np.full(len(has_core), n, dtype=np.int64)
    np.minimum.at(first, membership, np.arange(n))
    starts = np.concatenate((np.flatnonzero(in_core), first[~has_core]))
    forest = ig.Graph(
        n=n + 1,
        edges=edge_list(np.concatenate((ends[touches], np.stack((np.full(len(starts), n), starts), axis=1)))),
    )
    order, layers, parents = forest.bfs(n)
    order = np.asarray(order, dtype=np.int64)
    parent = np.asarray(parents, dtype=np.int64)
    size = np.ones(n + 1, dtype=np.int64)
    for lo, hi in reversed(list(pairwise(layers[1:]))):
        level = order[lo:hi]
        np.add.at(size, parent[level], size[level])
    tree = np.flatnonzero(~in_core)
    # A tree vertex separates its children's subtrees and the rest of its component.
    squares = np.zeros(n + 1, dtype=np.int64)
    below = tree[parent[tree] != n]
    np.add.at(squares, parent[below], size[below] ** 2)
    total = np.zeros(n, dtype=float)
    rest = comp[tree] - size[tree]
    total[tree] = ((comp[tree] - 1) ** 2 - squares[tree] - rest**2).astype(float)
    # A root: paths from its trees to everything outside the branch they start in.
    hanging = tree[(parent[tree] < n) & in_core[np.minimum(parent[tree], n - 1)]]
    roots = parent[hanging]
    branch = size[hanging]
    np.add.at(total, roots, (branch * (comp[hanging] - 1 - branch)).astype(float))
    weight = np.ones(n, dtype=float)
    np.add.at(weight, roots, branch.astype(float))
    core = np.flatnonzero(in_core)
    return core, weight[core], total

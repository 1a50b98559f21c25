"""Node positions computed in Python: seeded, deterministic and linear-ish in time.

vis-network's own physics freezes the browser on large graphs, and
networkx's ``spring_layout`` needs numpy and costs O(n²) per iteration. This
module lays a graph out in three cheap steps, in pure Python:

1. seeded Louvain communities (isolated entities are gathered in one group);
2. each community becomes a sunflower (golden-angle spiral) of its members
   in breadth-first order from its best-connected member, so neighbours sit
   close; the communities are packed on a larger sunflower, biggest first,
   in breadth-first order of the links between communities;
3. a few rounds of Fruchterman–Reingold with the grid variant of the
   original paper: repulsion only from nodes in the neighbouring grid cells,
   so one round costs O(nodes + edges).

The same graph and seed always give the same positions (rounded to 0.1 px).
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Hashable

import networkx as nx

GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
SPACING = 90.0  # typical distance between neighbouring nodes, in vis-network pixels
SMALL_SPACING = 170.0  # small graphs show every label: give them room
SMALL = 300
#: node pairs and edges examined by the refinement, summed over its rounds (bounds its time)
PAIR_BUDGET = 2_500_000


def _key(node: Hashable) -> str:
    return str(node)


def simple_graph(graph: nx.Graph) -> nx.Graph:
    """Undirected, no self-loops or parallel edges, nodes and edges in a stable order."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes, key=_key))
    pairs = {tuple(sorted((u, v), key=_key)) for u, v in graph.edges() if u != v}
    simple.add_edges_from(sorted(pairs, key=lambda e: (_key(e[0]), _key(e[1]))))
    return simple


def _groups(simple: nx.Graph, seed: int) -> list[list]:
    """Seeded Louvain communities, biggest first; isolated nodes share one group at the end."""
    isolates = [n for n in simple if simple.degree(n) == 0]
    connected = nx.Graph()  # a copy: Louvain on a subgraph view is several times slower
    connected.add_nodes_from(n for n in simple if simple.degree(n) > 0)
    connected.add_edges_from(simple.edges())
    found = nx.community.louvain_communities(connected, seed=seed) if len(connected) else []
    groups = [sorted(c, key=_key) for c in found]
    groups.sort(key=lambda g: (-len(g), _key(g[0])))
    if isolates:
        groups.append(sorted(isolates, key=_key))
    return groups


def _breadth_first(starts, following) -> list:
    """Visit breadth-first from each start in turn; ``following(x)`` lists x's next items in order."""
    seen: set = set()
    order: list = []
    for start in starts:
        if start in seen:
            continue
        seen.add(start)
        queue = deque([start])
        while queue:
            item = queue.popleft()
            order.append(item)
            nxt = [y for y in following(item) if y not in seen]
            seen.update(nxt)
            queue.extend(nxt)
    return order


def _bfs_order(simple: nx.Graph, members: list) -> list:
    """Members in breadth-first order from the best-connected one, restarting per component."""
    inside = set(members)
    ranked = sorted(members, key=lambda n: (-simple.degree(n), _key(n)))
    return _breadth_first(ranked, lambda node: sorted((m for m in simple[node] if m in inside), key=_key))


def _sunflower(count: int, spacing: float) -> list[tuple[float, float]]:
    """``count`` points about ``spacing`` apart on a golden-angle spiral around (0, 0)."""
    c = spacing / math.sqrt(math.pi) * 1.05
    return [
        (
            c * math.sqrt(i + 0.5) * math.cos(i * GOLDEN_ANGLE),
            c * math.sqrt(i + 0.5) * math.sin(i * GOLDEN_ANGLE),
        )
        for i in range(count)
    ]


def _spiral_slot(rank: int, radius: float, area: float) -> tuple[float, float]:
    """Centre for the ``rank``-th disc of ``radius``, just outside the ``area`` already used."""
    if rank == 0:
        return 0.0, 0.0
    distance = math.sqrt(area / math.pi) + radius
    return distance * math.cos(rank * GOLDEN_ANGLE), distance * math.sin(rank * GOLDEN_ANGLE)


def _group_order(simple: nx.Graph, groups: list[list]) -> list[int]:
    """Groups in breadth-first order over the links between them, biggest first at each step."""
    index = {n: i for i, g in enumerate(groups) for n in g}
    links: dict[int, dict[int, int]] = {i: {} for i in range(len(groups))}
    for u, v in simple.edges():
        a, b = index[u], index[v]
        if a != b:
            links[a][b] = links[a].get(b, 0) + 1
            links[b][a] = links[b].get(a, 0) + 1
    # Groups are already biggest first.
    return _breadth_first(range(len(groups)), lambda g: sorted(links[g], key=lambda h: (-links[g][h], h)))


def _initial(simple: nx.Graph, seed: int, spacing: float) -> dict:
    """Communities as sunflowers, packed on a sunflower of communities."""
    groups = _groups(simple, seed)
    rng = random.Random(seed)
    pos: dict = {}
    area = 0.0
    for rank, g in enumerate(_group_order(simple, groups)):
        members = _bfs_order(simple, groups[g])
        radius = spacing / math.sqrt(math.pi) * 1.05 * math.sqrt(len(members)) + spacing
        cx, cy = _spiral_slot(rank, radius, area)
        area += math.pi * radius * radius * 1.2
        turn = rng.uniform(0, 2 * math.pi)  # the seed also turns each community
        cos, sin = math.cos(turn), math.sin(turn)
        for node, (x, y) in zip(members, _sunflower(len(members), spacing), strict=True):
            pos[node] = [cx + x * cos - y * sin, cy + x * sin + y * cos]
    return pos


def _repulse(
    xs: list[float], ys: list[float], fx: list[float], fy: list[float], cell: float, k2: float
) -> int:
    """Add k²/d repulsion between nodes closer than ``cell``; each pair once. Returns pairs seen."""
    grid: dict[tuple[int, int], list[int]] = {}
    for i in range(len(xs)):
        grid.setdefault((int(xs[i] // cell), int(ys[i] // cell)), []).append(i)
    cell2 = cell * cell
    seen = 0
    for (gx, gy), here in grid.items():
        # this cell with itself, then with half of its neighbours: every pair exactly once
        for other in (here, *(grid.get((gx + dx, gy + dy)) for dx, dy in ((1, -1), (1, 0), (1, 1), (0, 1)))):
            if not other:
                continue
            same = other is here
            for a, i in enumerate(here):
                xi, yi = xs[i], ys[i]
                for j in other[a + 1 :] if same else other:
                    seen += 1
                    dx, dy = xi - xs[j], yi - ys[j]
                    dist2 = dx * dx + dy * dy
                    if dist2 >= cell2:
                        continue
                    if dist2 < 1e-6:  # same spot: push apart along a fixed, index-based direction
                        dx, dy, dist2 = math.cos(i + j), math.sin(i + j), 1.0
                    force = k2 / dist2  # k²/d along the unit vector (dx, dy)/d
                    fx[i] += dx * force
                    fy[i] += dy * force
                    fx[j] -= dx * force
                    fy[j] -= dy * force
    return seen


def _refine(simple: nx.Graph, pos: dict, rounds: int | None, spacing: float) -> None:
    """Fruchterman–Reingold, grid variant (repulsion within 2·spacing only); moves ``pos`` in place.

    With ``rounds`` None, as many rounds as :data:`PAIR_BUDGET` allows, 5 to 60.
    """
    nodes = list(simple.nodes)
    if rounds == 0 or len(nodes) < 2:
        return
    index = {n: i for i, n in enumerate(nodes)}
    xs = [pos[n][0] for n in nodes]
    ys = [pos[n][1] for n in nodes]
    edges = [(index[u], index[v]) for u, v in simple.edges()]
    k, k2, cell = spacing, spacing * spacing, 2 * spacing
    temperature = spacing * 0.6
    step = 0
    while rounds is None or step < rounds:
        fx = [0.0] * len(nodes)
        fy = [0.0] * len(nodes)
        pairs = _repulse(xs, ys, fx, fy, cell, k2)
        if rounds is None:
            rounds = max(5, min(60, PAIR_BUDGET // max(pairs + len(edges), 1)))
        for u, v in edges:
            dx, dy = xs[u] - xs[v], ys[u] - ys[v]
            force = math.sqrt(dx * dx + dy * dy) / k  # d²/k along the unit vector
            fx[u] -= dx * force
            fy[u] -= dy * force
            fx[v] += dx * force
            fy[v] += dy * force
        limit = temperature * (1 - step / rounds)
        for i in range(len(nodes)):
            length = math.sqrt(fx[i] * fx[i] + fy[i] * fy[i])
            if length > 0:
                scale = min(length, limit) / length
                xs[i] += fx[i] * scale
                ys[i] += fy[i] * scale
        step += 1
    for i, n in enumerate(nodes):
        pos[n] = [xs[i], ys[i]]


def _pack_components(simple: nx.Graph, pos: dict, spacing: float) -> None:
    """Move each connected component, biggest first, onto a sunflower of components; in place."""
    components = sorted(
        (sorted(c, key=_key) for c in nx.connected_components(simple)), key=lambda c: (-len(c), _key(c[0]))
    )
    area = 0.0
    for rank, members in enumerate(components):
        cx = sum(pos[n][0] for n in members) / len(members)
        cy = sum(pos[n][1] for n in members) / len(members)
        radius = max(math.hypot(pos[n][0] - cx, pos[n][1] - cy) for n in members) + spacing / 2
        tx, ty = _spiral_slot(rank, radius, area)
        area += math.pi * radius * radius * 1.3
        for n in members:
            pos[n][0] += tx - cx
            pos[n][1] += ty - cy


def positions(
    graph: nx.Graph, *, seed: int = 42, spacing: float | None = None, rounds: int | None = None
) -> dict:
    """Seeded positions ``{node: (x, y)}`` in vis-network pixels, centred on (0, 0).

    ``spacing`` defaults to 170 px up to 300 nodes (labels are shown) and
    90 px above. ``rounds`` of refinement default to as many as
    :data:`PAIR_BUDGET` allows, between 5 and 60; 0 skips the refinement (a
    starting point for vis-network's physics).

    >>> import networkx as nx
    >>> p = positions(nx.path_graph(4))
    >>> sorted(p) == [0, 1, 2, 3] and p == positions(nx.path_graph(4))
    True
    """
    simple = simple_graph(graph)
    if len(simple) == 0:
        return {}
    if spacing is None:
        spacing = SMALL_SPACING if len(simple) <= SMALL else SPACING
    pos = _initial(simple, seed, spacing)
    _refine(simple, pos, rounds, spacing)
    _pack_components(simple, pos, spacing)
    cx = sum(p[0] for p in pos.values()) / len(pos)
    cy = sum(p[1] for p in pos.values()) / len(pos)
    return {n: (round(pos[n][0] - cx, 1), round(pos[n][1] - cy, 1)) for n in simple.nodes}

"""Label-aware placement: pack node boxes (shape and label) tightly without overlaps.

The force layout of :mod:`graphkit.render.layout` puts related nodes close
but knows nothing of labels. This module takes its positions, shrinks them
until the boxes crowd each other, stretches them to the canvas's shape, and
then pushes overlapping boxes apart until none overlap. Overlaps are found
with a grid (spatial hash) whose cells are as large as the largest box, so a
round costs O(boxes), never O(boxes²). The result fills the screen with
labels large enough to read at the first fit.

>>> boxes = {"a": Box(100, 40), "b": Box(100, 40)}
>>> placed = place({"a": (0.0, 0.0), "b": (1.0, 0.0)}, boxes)
>>> overlapping(placed, boxes)
[]
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass

#: empty space kept between two boxes, in canvas units
GAP = 6.0
#: pairs examined by the overlap removal, summed over its rounds (bounds its time)
PAIR_BUDGET = 1_500_000
#: the same for large graphs, whose force layout already keeps nodes apart
LARGE_BUDGET = 100_000
MAX_ROUNDS = 400
#: graphs up to this many nodes are squeezed after packing, in up to COMPACT_ROUNDS rounds
COMPACT_MAX = 1000
COMPACT_ROUNDS = 12


@dataclass(frozen=True)
class Box:
    """A node's footprint: ``width`` × ``height``, its centre ``dy`` below the node's position."""

    width: float
    height: float
    dy: float = 0.0


def _grid(xs, ys, cell) -> dict[tuple[int, int], list[int]]:
    grid: dict[tuple[int, int], list[int]] = {}
    for i in range(len(xs)):
        grid.setdefault((math.floor(xs[i] / cell), math.floor(ys[i] / cell)), []).append(i)
    return grid


def _push_round(xs, ys, ws, hs, cell) -> tuple[int, int]:
    """One round: every overlapping pair moves apart along its shallower axis. Returns (overlaps, pairs)."""
    grid = _grid(xs, ys, cell)
    overlaps = pairs = 0
    for (gx, gy), here in grid.items():
        for other in (here, *(grid.get((gx + dx, gy + dy)) for dx, dy in ((1, -1), (1, 0), (1, 1), (0, 1)))):
            if not other:
                continue
            same = other is here
            for a, i in enumerate(here):
                for j in other[a + 1 :] if same else other:
                    pairs += 1
                    dx, dy = xs[j] - xs[i], ys[j] - ys[i]
                    ox = (ws[i] + ws[j]) / 2 - abs(dx)
                    oy = (hs[i] + hs[j]) / 2 - abs(dy)
                    if ox <= 0 or oy <= 0:
                        continue
                    overlaps += 1
                    if ox < oy:
                        shift = ox / 2 + 0.01
                        sign = 1.0 if dx > 0 or (dx == 0 and j > i) else -1.0
                        xs[i] -= sign * shift
                        xs[j] += sign * shift
                    else:
                        shift = oy / 2 + 0.01
                        sign = 1.0 if dy > 0 or (dy == 0 and j > i) else -1.0
                        ys[i] -= sign * shift
                        ys[j] += sign * shift
    return overlaps, pairs


def remove_overlaps(
    xs: list[float], ys: list[float], ws: list[float], hs: list[float], budget: int | None = None
) -> int:
    """Move the box centres (in place) until no two boxes overlap or ``budget`` pairs were examined.

    Returns the number of overlaps left (0 when it converged).
    """
    budget = PAIR_BUDGET if budget is None else budget
    if len(xs) < 2:
        return 0
    cell = max(max(ws), max(hs)) + 1.0
    spent = 0
    for _ in range(MAX_ROUNDS):
        overlaps, pairs = _push_round(xs, ys, ws, hs, cell)
        spent += pairs
        if overlaps == 0:
            return 0
        if spent > budget:
            break
    return _push_round(xs[:], ys[:], ws, hs, cell)[0]


def place(
    pos: dict[Hashable, tuple[float, float]],
    boxes: dict[Hashable, Box],
    *,
    aspect: float = 1.0,
    density: float = 0.9,
) -> dict[Hashable, tuple[float, float]]:
    """Positions with the same arrangement as ``pos``, packed so that no two ``boxes`` overlap.

    ``aspect`` is the width/height of the area to fill; ``density`` the share
    of that area the boxes should cover before overlaps are removed.
    """
    nodes = list(pos)
    if not nodes:
        return {}
    xs = [float(pos[n][0]) for n in nodes]
    ys = [float(pos[n][1]) for n in nodes]
    cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)
    xs = [x - cx for x in xs]
    ys = [y - cy for y in ys]
    ws = [boxes[n].width + GAP for n in nodes]
    hs = [boxes[n].height + GAP for n in nodes]
    # stretch to the canvas's shape, then shrink to the area the boxes need
    spread_x = max(max(xs) - min(xs), 1.0)
    spread_y = max(max(ys) - min(ys), 1.0)
    area = sum(w * h for w, h in zip(ws, hs, strict=True)) / density
    target_w, target_h = math.sqrt(area * aspect), math.sqrt(area / aspect)
    if len(nodes) > 1:
        xs = [x * target_w / spread_x for x in xs]
        ys = [y * target_h / spread_y for y in ys]
    # boxes are placed by their centres, which sit dy below the node
    dys = [boxes[n].dy for n in nodes]
    ys = [y + d for y, d in zip(ys, dys, strict=True)]
    remove_overlaps(xs, ys, ws, hs)
    if len(nodes) <= COMPACT_MAX:
        xs, ys = _compact(xs, ys, ws, hs, aspect)
    for _ in range(3):  # pushing boxes apart changes the shape: bring it back to the canvas's
        width = max(x + w / 2 for x, w in zip(xs, ws, strict=True)) - min(
            x - w / 2 for x, w in zip(xs, ws, strict=True)
        )
        height = max(y + h / 2 for y, h in zip(ys, hs, strict=True)) - min(
            y - h / 2 for y, h in zip(ys, hs, strict=True)
        )
        ratio = (width / max(height, 1.0)) / aspect
        if len(nodes) < 3 or 0.93 < ratio < 1.07:
            break
        factor = math.sqrt(ratio)
        xs = [x / factor for x in xs]
        ys = [y * factor for y in ys]
        remove_overlaps(xs, ys, ws, hs)
    return {n: (xs[i], ys[i] - dys[i]) for i, n in enumerate(nodes)}


def _compact(xs, ys, ws, hs, aspect: float) -> tuple[list[float], list[float]]:
    """Squeeze out empty space: each box in turn steps towards the centre when the step is free.

    Boxes nearest the centre move first; a step is taken only if the box then
    overlaps nothing (checked in a grid, so a round stays linear).
    """
    n = len(xs)
    cell = max(max(ws), max(hs)) + 1.0
    grid: dict[tuple[int, int], set[int]] = {}

    def key(i: int) -> tuple[int, int]:
        return (math.floor(xs[i] / cell), math.floor(ys[i] / cell))

    for i in range(n):
        grid.setdefault(key(i), set()).add(i)

    def free(i: int, x: float, y: float) -> bool:
        gx, gy = math.floor(x / cell), math.floor(y / cell)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for j in grid.get((gx + dx, gy + dy), ()):
                    if (
                        j != i
                        and (ws[i] + ws[j]) / 2 > abs(x - xs[j])
                        and (hs[i] + hs[j]) / 2 > abs(y - ys[j])
                    ):
                        return False
        return True

    for _ in range(COMPACT_ROUNDS):
        moved = 0
        order = sorted(range(n), key=lambda i: (xs[i] / aspect) ** 2 + ys[i] ** 2)
        for i in order:
            for share in (0.3, 0.12, 0.05):
                x, y = xs[i] * (1 - share), ys[i] * (1 - share)
                if abs(xs[i] - x) + abs(ys[i] - y) < 1.0 or not free(i, x, y):
                    continue
                grid[key(i)].discard(i)
                xs[i], ys[i] = x, y
                grid.setdefault(key(i), set()).add(i)
                moved += 1
                break
        if not moved:
            break
    return xs, ys


def separate(
    pos: dict[Hashable, tuple[float, float]], boxes: dict[Hashable, Box], *, budget: int = LARGE_BUDGET
) -> dict[Hashable, tuple[float, float]]:
    """Large graphs: keep the force layout's scale and only push apart boxes that overlap.

    The work is bounded by ``budget`` pairs, so a 5,000-node graph costs a fraction of a second.
    """
    nodes = list(pos)
    xs = [float(pos[n][0]) for n in nodes]
    ys = [float(pos[n][1]) + boxes[n].dy for n in nodes]
    if len(nodes) > 1:
        remove_overlaps(
            xs, ys, [boxes[n].width + GAP for n in nodes], [boxes[n].height + GAP for n in nodes], budget
        )
    return {n: (xs[i], ys[i] - boxes[n].dy) for i, n in enumerate(nodes)}


def overlapping(pos: dict, boxes: dict[Hashable, Box]) -> list[tuple[Hashable, Hashable]]:
    """Pairs of nodes whose boxes overlap (for tests; uses the same grid)."""
    nodes = list(pos)
    if len(nodes) < 2:
        return []
    xs = [pos[n][0] for n in nodes]
    ys = [pos[n][1] + boxes[n].dy for n in nodes]
    cell = max(max(b.width, b.height) for b in boxes.values()) + 1.0
    grid = _grid(xs, ys, cell)
    found = []
    for (gx, gy), here in grid.items():
        for other in (here, *(grid.get((gx + dx, gy + dy)) for dx, dy in ((1, -1), (1, 0), (1, 1), (0, 1)))):
            if not other:
                continue
            for a, i in enumerate(here):
                for j in other[a + 1 :] if other is here else other:
                    bi, bj = boxes[nodes[i]], boxes[nodes[j]]
                    if (bi.width + bj.width) / 2 > abs(xs[i] - xs[j]) and (bi.height + bj.height) / 2 > abs(
                        ys[i] - ys[j]
                    ):
                        found.append((nodes[i], nodes[j]))
    return found

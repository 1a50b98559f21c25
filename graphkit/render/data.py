"""The data behind the HTML view: vis-network nodes, edges, legend and options.

Everything here is plain JSON-ready data built straight from the projected
graph in one pass over its nodes and edges (pyvis's ``from_nx`` and
``add_edge`` scan every node or edge for each edge added, which is quadratic).
Nodes are sorted by IRI and edges by (source, target, relation, key), so the
same graph and options always give the same data.

Positions are computed here by default (``static``): a seeded force layout
(:mod:`graphkit.render.layout`), then packed so that no two labels overlap
(:mod:`graphkit.render.placement`). Graphs up to :data:`LABELLED_MAX_NODES`
nodes are packed with their labels, so that every label reads at the first
fit; larger ones are packed by node and show labels as the reader zooms in,
the most central nodes first.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Hashable

import networkx as nx

from graphkit.analysis.centrality import MEASURES
from graphkit.dates import data_period, format_date
from graphkit.errors import GraphkitError
from graphkit.model.schema import Schema, load_schema, local_name
from graphkit.render.labels import FORMATS, drawn_label, label_box
from graphkit.render.layout import positions
from graphkit.render.options import FONT_SIZE, vis_options
from graphkit.render.placement import Box, place, separate
from graphkit.render.style import ClassStyle, assign_styles, family_order

LAYOUTS = ("auto", "physics", "static")
SIZE_MEASURES = tuple(sorted(MEASURES))
#: graphs above this many nodes or edges get the light-weight drawing options
LARGE_NODES = 300
LARGE_EDGES = 900
#: graphs up to this size are packed with their labels (every label readable at the first fit)
LABELLED_MAX_NODES = 300
MIN_SIZE, MAX_SIZE = 9, 26
#: the map's canvas on a 1400×900 screen, in pixels, and its width/height
CANVAS_PX = (1179, 813)
CANVAS_ASPECT = CANVAS_PX[0] / CANVAS_PX[1]
#: labels should be at least this large on screen at the first fit (labels get shorter until they are)
MIN_LABEL_PX = 11.5
#: in large graphs, this many most central nodes keep a label at every zoom
CENTRAL_LABELS = 25


def node_id(node: Hashable) -> str:
    return str(node)


def safe_url(url: object) -> str | None:
    """The URL when it is http(s); None otherwise (no javascript:, data: or file: links).

    >>> safe_url("https://www.rnz.co.nz/x"), safe_url("javascript:alert(1)"), safe_url(" HTTP://a.b ")
    ('https://www.rnz.co.nz/x', None, 'HTTP://a.b')
    """
    if not isinstance(url, str):
        return None
    text = url.strip()
    return text if re.match(r"(?i)https?://[^\s]", text) and not re.search(r"[\x00-\x1f]", text) else None


def _darker(color: str, factor: float = 0.7) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * factor) for c in (r, g, b)))


def type_style(schema: Schema, type_iri: str | None, type_name: str | None) -> tuple[str, str]:
    """(colour, shape) of one entity type, from the view's style data.

    >>> type_style(load_schema(), None, "Company")
    ('#d55e00', 'diamond')
    """
    name = type_name or (local_name(type_iri) if type_iri else "Unknown")
    style = assign_styles(schema, [name], {name: type_iri} if type_iri else None)[name]
    return style.color, style.shape


def _text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value) or None
    return str(value)


def _when(attrs: dict) -> str | None:
    # The notation of every command: 2024-10, ~2024-10, 2023–, 2023–2024.
    text = format_date(
        attrs.get("date"),
        start=attrs.get("start"),
        end=attrs.get("end"),
        approximate=bool(attrs.get("date_approximate")),
    )
    return text or None


def resolve_layout(layout: str, nodes: int, edges: int) -> str:
    if layout not in LAYOUTS:
        raise GraphkitError(f"unknown layout {layout!r}; use one of {', '.join(LAYOUTS)}")
    return "static" if layout == "auto" else layout


def sizes(graph: nx.Graph, measure: str) -> dict[str, int]:
    """Node sizes from a centrality measure: square-root scaled between MIN_SIZE and MAX_SIZE."""
    if measure not in MEASURES:
        raise GraphkitError(f"unknown size measure {measure!r}; use one of {', '.join(SIZE_MEASURES)}")
    scores = MEASURES[measure](graph, None) if len(graph) else {}
    top = max(scores.values(), default=0.0)
    return {
        node_id(n): round(MIN_SIZE + (MAX_SIZE - MIN_SIZE) * math.sqrt(max(s, 0.0) / top))
        if top > 0
        else MIN_SIZE
        for n, s in scores.items()
    }


def _node_color(style: ClassStyle) -> dict:
    if style.filled:
        fill, border = style.color, _darker(style.color)
    else:  # hollow: white inside, the family colour as a thick border
        fill, border = "#ffffff", style.color
    return {
        "background": fill,
        "border": border,
        "highlight": {"background": fill, "border": "#111111"},
        "hover": {"background": fill, "border": "#111111"},
    }


def _node(style: ClassStyle, node: Hashable, attrs: dict, size: int, degree: int) -> dict:
    aliases = attrs.get("aliases") or []
    name = str(attrs.get("label") or local_name(str(node)))
    record = {
        "id": node_id(node),
        "label": drawn_label(name),
        "name": name,
        "type": style.type,
        "type_label": style.label,
        "family": style.family_label,
        "types": [str(t) for t in attrs.get("types") or [style.type]],
        "aliases": [str(a) for a in (aliases if isinstance(aliases, list | tuple) else [aliases])],
        "description": _text(attrs.get("description")),
        "degree": degree,
        "shape": style.shape,
        "size": size,
        "color": _node_color(style),
    }
    if not style.filled:
        record["borderWidth"] = 3
        record["borderWidthSelected"] = 4
    return record


def _node_box(record: dict, with_label: bool) -> Box:
    """The node's footprint on the canvas: its shape, and its label drawn below it."""
    size = record["size"]
    if not with_label:
        return Box(2 * size, 2 * size)
    width, height = label_box(record["label"], record.get("font", {}).get("size", FONT_SIZE))
    # vis-network draws the label about 11 units below the shape
    total = 2 * size + 11 + height
    return Box(max(2 * size, width), total, total / 2 - size)


def _source(src: dict) -> dict:
    return {
        "title": _text(src.get("title")),
        "publisher": _text(src.get("publisher")),
        "date": _text(src.get("date")),
        "url": safe_url(src.get("url")),
        "iri": _text(src.get("iri")),
    }


def _edge(
    schema: Schema, labels: dict, index: int, u: Hashable, v: Hashable, key: Hashable, attrs: dict
) -> dict:
    relation_iri = attrs.get("relation_iri")
    info = schema.relations.get(relation_iri) if relation_iri else None
    relation = str(
        attrs.get("relation") or (info.label if info else None) or attrs.get("relation_name") or "related to"
    )[:200]
    symmetric = bool(info and info.symmetric)
    return {
        "id": f"e{index}",
        "from": node_id(u),
        "to": node_id(v),
        "label": drawn_label(relation),
        "relation": relation,
        "relation_name": str(attrs.get("relation_name") or (info.name if info else relation)),
        "arrows": "" if symmetric else "to",
        "symmetric": symmetric,
        "date": _when(attrs),
        "period": _period(attrs),
        "approximate": bool(attrs.get("date_approximate")),
        "description": _text(attrs.get("description")),
        "quote": _text(attrs.get("quote")),
        "grounds": _text(attrs.get("grounds")),
        "according_to": [labels.get(d) or str(d) for d in attrs.get("according_to") or []],
        "sources": [_source(s) for s in attrs.get("sources") or [] if isinstance(s, dict)],
        "statement": _text(attrs.get("statement")) or (str(key) if isinstance(key, str) else None),
    }


def _period(attrs: dict) -> list[str | None] | None:
    """[first day, last day] the relationship holds (ISO dates; None for an open end); None if undated.

    The same rule as ``--as-of`` (:func:`graphkit.dates.covers`): a fuzzy date
    covers its whole month or year, a range open at one end runs on that way.
    """
    point = data_period(attrs.get("date"))
    if point is not None:
        return [point[0].isoformat(), point[1].isoformat()]
    begin, finish = data_period(attrs.get("start")), data_period(attrs.get("end"))
    if begin is None and finish is None:
        return None
    return [begin[0].isoformat() if begin else None, finish[1].isoformat() if finish else None]


def timeline(edges: list[dict]) -> dict | None:
    """The months the dated relationships span, for the page's time slider; None when nothing is dated.

    >>> edges = [{"period": ["2023-05-01", "2023-05-31"]}, {"period": ["2024-10-01", None]}, {"period": None}]
    >>> timeline(edges)
    {'first': '2023-05', 'last': '2024-10', 'dated': 2, 'undated': 1}
    """
    ends = [day for e in edges if e.get("period") for day in e["period"] if day]
    if not ends:
        return None
    dated = sum(1 for e in edges if e.get("period"))
    return {"first": min(ends)[:7], "last": max(ends)[:7], "dated": dated, "undated": len(edges) - dated}


def _spread_parallel(edges: list[dict]) -> None:
    """Curve parallel edges apart so that each one can be seen and clicked."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for e in edges:
        groups.setdefault(tuple(sorted((e["from"], e["to"]))), []).append(e)
    for group in groups.values():
        if len(group) < 2:
            continue
        for i, e in enumerate(group):
            ccw = (i % 2 == 1) != (e["from"] > e["to"])  # same side whichever way it points
            e["smooth"] = {
                "enabled": True,
                "type": "curvedCCW" if ccw else "curvedCW",
                "roundness": 0.15 * (1 + i // 2),
            }


def _fit_scale(nodes: list[dict], where: dict, boxes: dict) -> float:
    """The zoom at which the page's first fit will show ``where`` on a 1400×900 screen."""
    left = min(where[n["id"]][0] - boxes[n["id"]].width / 2 for n in nodes)
    right = max(where[n["id"]][0] + boxes[n["id"]].width / 2 for n in nodes)
    top = min(where[n["id"]][1] + boxes[n["id"]].dy - boxes[n["id"]].height / 2 for n in nodes)
    bottom = max(where[n["id"]][1] + boxes[n["id"]].dy + boxes[n["id"]].height / 2 for n in nodes)
    width, height = CANVAS_PX
    # vis-network's fit leaves 10% empty; the page then zooms in by 9%
    return min(width / max(right - left, 1.0), height / max(bottom - top, 1.0)) / 1.1 * 1.09


def _readable_placement(nodes: list[dict], force: dict) -> dict:
    """Pack nodes with their labels; a crowded map gets shorter labels until they read at the first fit."""
    where: dict = {}
    if not nodes:
        return where
    for line_chars, max_lines in FORMATS:
        for record in nodes:
            record["label"] = drawn_label(record["name"], line_chars, max_lines)
        boxes = {n["id"]: _node_box(n, True) for n in nodes}
        where = place(force, boxes, aspect=CANVAS_ASPECT)
        if _fit_scale(nodes, where, boxes) * FONT_SIZE >= MIN_LABEL_PX:
            break
    return where


def ordered_edges(graph: nx.Graph) -> list[tuple]:
    """``(u, v, key, data)`` of every edge in the page's order: edge ``i`` has the id ``e{i}``."""
    raw = (
        graph.edges(keys=True, data=True)
        if graph.is_multigraph()
        else ((u, v, None, d) for u, v, d in graph.edges(data=True))
    )
    return sorted(raw, key=lambda e: (node_id(e[0]), node_id(e[1]), str(e[3].get("relation", "")), str(e[2])))


def _central_labels(nodes: list[dict], where: dict) -> None:
    """Large graphs: the most central nodes get a font big enough to read at the first fit."""
    if not nodes:
        return
    xs = [p[0] for p in where.values()]
    ys = [p[1] for p in where.values()]
    extent = max(max(xs) - min(xs), (max(ys) - min(ys)) * CANVAS_ASPECT, 1.0)
    fit_scale = 800 / extent  # about the canvas width in pixels at 1400×900
    ranked = sorted(nodes, key=lambda n: (-n["size"], -n["degree"], n["id"]))
    for rank, record in enumerate(ranked[:CENTRAL_LABELS]):
        wanted = (14 if rank < 8 else 12) / fit_scale
        if wanted > FONT_SIZE:
            record["font"] = {"size": round(wanted, 1)}


def view_data(
    graph: nx.Graph,
    *,
    layout: str = "auto",
    size_by: str = "degree",
    seed: int = 42,
    schema: Schema | None = None,
) -> dict:
    """Nodes, edges, legend, timeline and vis-network options for the HTML page (JSON-ready)."""
    schema = schema or load_schema()
    chosen = resolve_layout(layout, graph.number_of_nodes(), graph.number_of_edges())
    large = graph.number_of_nodes() > LARGE_NODES or graph.number_of_edges() > LARGE_EDGES
    size = sizes(graph, size_by)
    degree = dict(graph.degree())
    kinds = {n: str(graph.nodes[n].get("type") or "Unknown") for n in graph.nodes}
    iris = {kinds[n]: graph.nodes[n]["type_iri"] for n in graph.nodes if graph.nodes[n].get("type_iri")}
    styles = assign_styles(schema, list(kinds.values()), iris)
    nodes = [
        _node(styles[kinds[n]], n, graph.nodes[n], size.get(node_id(n), MIN_SIZE), int(degree.get(n, 0)))
        for n in sorted(graph.nodes, key=node_id)
    ]
    labelled = len(nodes) <= LABELLED_MAX_NODES
    force = {node_id(n): xy for n, xy in positions(graph, seed=seed).items()}
    if labelled:
        where = _readable_placement(nodes, force)
    else:
        where = separate(force, {n["id"]: _node_box(n, False) for n in nodes})
    for record in nodes:
        x, y = where[record["id"]]
        record["x"], record["y"] = round(x, 1), round(y, 1)
    if not labelled:
        _central_labels(nodes, where)
    ordered = ordered_edges(graph)
    labels = {n["id"]: n["name"] for n in nodes}
    edges = [_edge(schema, labels, i, u, v, k, d) for i, (u, v, k, d) in enumerate(ordered)]
    if not graph.is_directed():
        for e in edges:
            e["arrows"] = ""
    if not large:
        _spread_parallel(edges)
    type_counts = Counter(n["type"] for n in nodes)
    relation_counts = Counter(e["relation"] for e in edges)
    names = {e["relation"]: e["relation_name"] for e in edges}
    legend = sorted((styles[t] for t in type_counts), key=family_order)
    return {
        "layout": chosen,
        "large": large,
        "size_by": size_by,
        "nodes": nodes,
        "edges": edges,
        "types": [
            {
                "type": s.type,
                "label": s.label,
                "family": s.family_label,
                "color": s.color,
                "shape": s.shape,
                "filled": s.filled,
                "count": type_counts[s.type],
            }
            for s in legend
        ],
        "relations": [
            {"relation": r, "name": names[r], "count": c}
            for r, c in sorted(relation_counts.items(), key=lambda x: x[0].lower())
        ],
        "timeline": timeline(edges),
        "options": vis_options(chosen, large, seed),
    }

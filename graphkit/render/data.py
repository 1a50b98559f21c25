"""The data behind the HTML view: vis-network nodes, edges, legend and options.

Everything here is plain JSON-ready data built straight from the projected
graph in one pass over its nodes and edges (pyvis's ``from_nx`` and
``add_edge`` scan every node or edge for each edge added, which is quadratic).
Nodes are sorted by IRI and edges by (source, target, relation, key), so the
same graph and options always give the same data.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Hashable

import networkx as nx

from graphkit.analysis.centrality import MEASURES
from graphkit.errors import GraphkitError
from graphkit.model.schema import Schema, load_schema, local_name
from graphkit.render.layout import positions

LAYOUTS = ("auto", "physics", "static")
SIZE_MEASURES = tuple(sorted(MEASURES))
#: ``--layout auto`` lets vis-network's physics settle graphs up to this size, then goes static
AUTO_PHYSICS_MAX_NODES = 300
AUTO_PHYSICS_MAX_EDGES = 900
#: graphs above this many nodes or edges get the light-weight drawing options
LARGE_NODES = 300
LARGE_EDGES = 900
MIN_SIZE, MAX_SIZE = 10, 38
# fmt: off
VIS_SHAPES = frozenset((
    "dot", "diamond", "square", "triangle", "triangleDown", "star",
    "hexagon", "ellipse", "box", "circle", "database", "text",
))
# fmt: on
_HEX = re.compile(r"#[0-9a-fA-F]{6}")
EDGE_COLOR = "#9aa0a6"


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
    """(colour, shape) of an entity type, from the ontology; safe values only."""
    iri = type_iri
    if iri is None and type_name:
        try:
            iri = schema.find_class(type_name)
        except GraphkitError:
            iri = None
    color, shape = schema.style(iri)
    color = color if _HEX.fullmatch(color or "") else "#999999"
    return color.lower(), shape if shape in VIS_SHAPES else "dot"


def _text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value) or None
    return str(value)


def _when(attrs: dict) -> str | None:
    if attrs.get("date"):
        text = str(attrs["date"])
    elif attrs.get("start") or attrs.get("end"):
        text = f"{attrs.get('start') or '…'} – {attrs.get('end') or '…'}"
    else:
        return None
    return f"~{text}" if attrs.get("date_approximate") else text


def resolve_layout(layout: str, nodes: int, edges: int) -> str:
    if layout not in LAYOUTS:
        raise GraphkitError(f"unknown layout {layout!r}; use one of {', '.join(LAYOUTS)}")
    if layout != "auto":
        return layout
    small = nodes <= AUTO_PHYSICS_MAX_NODES and edges <= AUTO_PHYSICS_MAX_EDGES
    return "physics" if small else "static"


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


def _node(schema: Schema, node: Hashable, attrs: dict, size: int, degree: int) -> dict:
    color, shape = type_style(schema, attrs.get("type_iri"), attrs.get("type"))
    kind = str(attrs.get("type") or "Unknown")
    aliases = attrs.get("aliases") or []
    return {
        "id": node_id(node),
        "label": str(attrs.get("label") or local_name(str(node))),
        "type": kind,
        "types": [str(t) for t in attrs.get("types") or [kind]],
        "aliases": [str(a) for a in (aliases if isinstance(aliases, list | tuple) else [aliases])],
        "description": _text(attrs.get("description")),
        "degree": degree,
        "shape": shape,
        "size": size,
        "color": {
            "background": color,
            "border": _darker(color),
            "highlight": {"background": color, "border": "#111111"},
            "hover": {"background": color, "border": "#111111"},
        },
    }


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
    )
    symmetric = bool(info and info.symmetric)
    return {
        "id": f"e{index}",
        "from": node_id(u),
        "to": node_id(v),
        "label": relation,
        "relation": relation,
        "relation_name": str(attrs.get("relation_name") or (info.name if info else relation)),
        "arrows": "" if symmetric else "to",
        "symmetric": symmetric,
        "date": _when(attrs),
        "description": _text(attrs.get("description")),
        "quote": _text(attrs.get("quote")),
        "grounds": _text(attrs.get("grounds")),
        "according_to": [labels.get(d) or str(d) for d in attrs.get("according_to") or []],
        "sources": [_source(s) for s in attrs.get("sources") or [] if isinstance(s, dict)],
        "statement": _text(attrs.get("statement")) or (str(key) if isinstance(key, str) else None),
    }


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


def vis_options(layout: str, large: bool, seed: int) -> dict:
    """vis-network options: bounded physics for small graphs, a light static view for large ones."""
    options: dict = {
        "autoResize": True,
        "nodes": {
            "borderWidth": 1,
            "font": {
                "size": 14,
                "face": "system-ui, sans-serif",
                "color": "#1f1f1f",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
            },
            "widthConstraint": {"maximum": 180},
            "scaling": {"label": {"drawThreshold": 7 if large else 5}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"color": EDGE_COLOR, "highlight": "#202124", "hover": "#5f6368", "inherit": False},
            "font": {
                "size": 10,
                "align": "middle",
                "color": "#3c4043",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
            },
            "scaling": {"label": {"drawThreshold": 9 if large else 5}},
            "selectionWidth": 2,
            "width": 1,
            "smooth": False if large else {"enabled": True, "type": "continuous", "roundness": 0.3},
        },
        "interaction": {
            "hover": not large,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "multiselect": False,
            "navigationButtons": False,
            "keyboard": False,
            "tooltipDelay": 300,
        },
        "layout": {"improvedLayout": False, "randomSeed": seed},
    }
    if layout == "physics":
        options["physics"] = {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {
                "gravitationalConstant": -6000,
                "springLength": 140,
                "springConstant": 0.04,
                "avoidOverlap": 0.5,
            },
            "stabilization": {"enabled": True, "iterations": 200, "updateInterval": 25, "fit": True},
            "minVelocity": 1.0,
        }
    else:
        options["physics"] = {"enabled": False, "stabilization": {"enabled": False}}
    return options


def view_data(
    graph: nx.Graph,
    *,
    layout: str = "auto",
    size_by: str = "degree",
    seed: int = 42,
    schema: Schema | None = None,
) -> dict:
    """Nodes, edges, legend and vis-network options for the HTML page (JSON-ready)."""
    schema = schema or load_schema()
    chosen = resolve_layout(layout, graph.number_of_nodes(), graph.number_of_edges())
    large = graph.number_of_nodes() > LARGE_NODES or graph.number_of_edges() > LARGE_EDGES
    size = sizes(graph, size_by)
    degree = dict(graph.degree())
    where = positions(graph, seed=seed)
    nodes = []
    for n in sorted(graph.nodes, key=node_id):
        record = _node(schema, n, graph.nodes[n], size.get(node_id(n), MIN_SIZE), int(degree.get(n, 0)))
        record["x"], record["y"] = where[n]
        nodes.append(record)
    raw = (
        graph.edges(keys=True, data=True)
        if graph.is_multigraph()
        else ((u, v, None, d) for u, v, d in graph.edges(data=True))
    )
    ordered = sorted(
        raw, key=lambda e: (node_id(e[0]), node_id(e[1]), str(e[3].get("relation", "")), str(e[2]))
    )
    labels = {n["id"]: n["label"] for n in nodes}
    edges = [_edge(schema, labels, i, u, v, k, d) for i, (u, v, k, d) in enumerate(ordered)]
    if not graph.is_directed():
        for e in edges:
            e["arrows"] = ""
    if not large:
        _spread_parallel(edges)
    type_counts = Counter(n["type"] for n in nodes)
    styles = {n["type"]: (n["color"]["background"], n["shape"]) for n in nodes}
    relation_counts = Counter(e["relation"] for e in edges)
    names = {e["relation"]: e["relation_name"] for e in edges}
    return {
        "layout": chosen,
        "large": large,
        "size_by": size_by,
        "nodes": nodes,
        "edges": edges,
        "types": [
            {"type": t, "color": styles[t][0], "shape": styles[t][1], "count": c}
            for t, c in sorted(type_counts.items(), key=lambda x: x[0].lower())
        ],
        "relations": [
            {"relation": r, "name": names[r], "count": c}
            for r, c in sorted(relation_counts.items(), key=lambda x: x[0].lower())
        ],
        "options": vis_options(chosen, large, seed),
    }

"""The interactive HTML view: one self-contained, sourced, safe page per graph.

>>> import graphkit.render as gr
>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("a", label="Agency", type="GovernmentAgency")
>>> g.add_node("b", label="Company", type="Company")
>>> g.add_edge("a", "b", key="s1", relation="met with", sources=[{"title": "Report", "url": "https://example.org"}])
's1'
>>> view = gr.render(g)
>>> len(view.nodes), len(view.edges), view.edges[0]["sources"][0]["title"]
(2, 1, 'Report')

The page opens from ``file://`` with the network off: vis-network's script
and styles are inlined, and its Content-Security-Policy forbids any request.
"""

from __future__ import annotations

import os
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from graphkit.errors import GraphkitError
from graphkit.export.files import atomic_file, check_target
from graphkit.render.data import LAYOUTS, SIZE_MEASURES, view_data
from graphkit.render.html import iframe, page

__all__ = ["LAYOUTS", "SIZE_MEASURES", "RenderedView", "render"]

_PROJECTION_KEYS = ("types", "exclude_types", "relations", "exclude_relations", "as_of", "focus", "depth")


@dataclass(repr=False)
class RenderedView:
    """A rendered page: its HTML, the file it was written to, and the data drawn.

    ``nodes`` and ``edges`` are the records embedded in the page (dicts with
    label, type, colour, shape, size, position; relation, date, sources...).
    In Jupyter the object displays itself as a sandboxed ``<iframe srcdoc>``.
    """

    html: str
    path: Path | None
    nodes: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    layout: str = "physics"
    title: str = ""

    def _repr_html_(self) -> str:
        return iframe(self.html)

    def __repr__(self) -> str:
        where = f" at {self.path}" if self.path else ""
        return f"<RenderedView {len(self.nodes)} nodes, {len(self.edges)} edges, {self.layout} layout{where}>"

    @property
    def summary(self) -> str:
        return f"{len(self.nodes)} nodes, {len(self.edges)} edges"


def _graph(graph_or_kg: object, projection: dict) -> nx.Graph:
    if isinstance(graph_or_kg, nx.Graph):
        given = [k for k, v in projection.items() if (v != 1 if k == "depth" else bool(v))]
        if given:
            raise GraphkitError(
                f"{', '.join(sorted(given))}: filters apply to a knowledge graph; "
                "pass graphkit.open(...) or filter with graphkit.projection.project first"
            )
        return graph_or_kg
    from graphkit.model.graph import KnowledgeGraph
    from graphkit.projection import project

    if not isinstance(graph_or_kg, KnowledgeGraph):
        raise GraphkitError(
            f"render() takes a KnowledgeGraph or a networkx graph, not {type(graph_or_kg).__name__}"
        )
    return project(graph_or_kg, **{k: v for k, v in projection.items() if v is not None})


def default_title(graph: nx.Graph) -> str:
    focus = graph.graph.get("focus")
    if focus is not None and focus in graph:
        return f"graphkit: around {graph.nodes[focus].get('label', focus)}"
    return "graphkit: governments and technology companies"


def render(
    graph_or_kg: object,
    path: str | os.PathLike | None = None,
    *,
    title: str | None = None,
    layout: str = "auto",
    size_by: str = "degree",
    seed: int = 42,
    types: list[str] | tuple[str, ...] | None = None,
    exclude_types: list[str] | tuple[str, ...] | None = None,
    relations: list[str] | tuple[str, ...] | None = None,
    exclude_relations: list[str] | tuple[str, ...] | None = None,
    as_of: str | None = None,
    focus: str | None = None,
    depth: int = 1,
) -> RenderedView:
    """Render a knowledge graph (projected with the filters) or a projected networkx graph.

    Writes the page to ``path`` atomically when a path is given; returns a
    :class:`RenderedView`. ``layout``: ``auto`` (physics for small graphs,
    precomputed positions for large ones), ``physics`` or ``static``.
    ``size_by``: degree, betweenness, pagerank or eigenvector. The same
    input and options give byte-identical HTML.
    """
    projection = {
        "types": types,
        "exclude_types": exclude_types,
        "relations": relations,
        "exclude_relations": exclude_relations,
        "as_of": as_of,
        "focus": focus,
        "depth": depth,
    }
    if depth is not None and depth < 0:
        raise GraphkitError(f"--depth must be 0 or more, not {depth}")
    if layout not in LAYOUTS:
        raise GraphkitError(f"unknown layout {layout!r}; use one of {', '.join(LAYOUTS)}")
    if size_by not in SIZE_MEASURES:
        raise GraphkitError(f"unknown size measure {size_by!r}; use one of {', '.join(SIZE_MEASURES)}")
    if path is not None:
        check_target(path)  # before any work
    graph = _graph(graph_or_kg, projection)
    data = view_data(graph, layout=layout, size_by=size_by, seed=seed)
    heading = title if title is not None else default_title(graph)
    summary = f"{len(data['nodes'])} entities, {len(data['edges'])} relationships"
    if graph.graph.get("as_of"):
        summary += f", as of {graph.graph['as_of']}"
    document = page(data, title=heading, summary=summary)
    written = None
    if path is not None:
        written = Path(path)
        with atomic_file(written, "w") as fh:
            fh.write(document)
    return RenderedView(document, written, data["nodes"], data["edges"], data["layout"], heading)


class _CallableModule(types.ModuleType):
    """``graphkit.render(...)`` and ``graphkit.render.render(...)`` both work."""

    def __call__(self, *args, **kwargs) -> RenderedView:
        return render(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

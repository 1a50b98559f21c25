"""graphkit's GEXF writer lays the file out as networkx's writer does (only the creator differs)."""

from __future__ import annotations

import io
import re

import networkx as nx
import pytest
from test_graphml import _hostile, _random_graph

import graphkit
from graphkit.export.flatten import flat_graph
from graphkit.export.network import (
    _GEXF_EDGE_RESERVED,
    _GEXF_NODE_RESERVED,
    _gexf_name,
    write_gexf,
    xml_safe,
)
from graphkit.projection import project

_CREATOR = re.compile(rb"<creator>[^<]*</creator>")


def _networkx_bytes(graph: nx.MultiDiGraph) -> bytes:
    """The export as it was made with networkx's writer."""
    flat = xml_safe(flat_graph(graph))
    gexf = nx.MultiDiGraph()
    for node, data in flat.nodes(data=True):
        attrs = {_gexf_name(k, _GEXF_NODE_RESERVED): v for k, v in data.items()}
        attrs.setdefault("label", node)
        gexf.add_node(node, **attrs)
    for u, v, key, data in flat.edges(keys=True, data=True):
        attrs = {_gexf_name(k, _GEXF_EDGE_RESERVED): val for k, val in data.items()}
        attrs["label"] = str(data.get("relation") or "")
        attrs["id"] = key
        gexf.add_edge(u, v, key=key, **attrs)
    buf = io.BytesIO()
    nx.write_gexf(gexf, buf)
    return buf.getvalue()


def _our_bytes(graph: nx.MultiDiGraph) -> bytes:
    buf = io.BytesIO()
    write_gexf(graph, buf)
    return buf.getvalue()


def _same_but_creator(graph: nx.MultiDiGraph) -> None:
    ours, theirs = _our_bytes(graph), _networkx_bytes(graph)
    assert b"<creator>graphkit " in ours
    assert _CREATOR.sub(b"", ours) == _CREATOR.sub(b"", theirs)


def test_same_layout_as_networkx_on_the_bundled_projection():
    with graphkit.open() as kg:
        _same_but_creator(project(kg))


def _reserved_names() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("a", id="x", pid="p", start="2020", end="2021", viz="v", label="A")
    g.add_node("b")
    g.add_edge("a", "b", key="k", id="i", label="l", weight=2.5, type="t", start="2023", relation="met")
    g.add_edge("b", "a", key="k2", value=float("inf"))
    return g


@pytest.mark.parametrize("make", [_hostile, _reserved_names, nx.MultiDiGraph])
def test_same_layout_as_networkx_on_hostile_reserved_and_empty_graphs(make):
    _same_but_creator(make())


@pytest.mark.parametrize("seed", range(30))
def test_same_layout_as_networkx_on_random_text(seed):
    _same_but_creator(_random_graph(seed))


def test_gephi_reads_labels_ids_and_renamed_dates_back():
    buf = io.BytesIO()
    write_gexf(_reserved_names(), buf)
    back = nx.read_gexf(io.BytesIO(buf.getvalue()))
    edge = back.edges["a", "b"]  # read back as a simple graph: one edge each way
    assert (edge["label"], edge["id"], edge["start_date"], edge["weight_value"]) == ("met", "k", "2023", 2.5)
    assert back.nodes["a"]["label"] == "A" and back.nodes["a"]["id_value"] == "x"


def test_a_value_gexf_cannot_hold_fails_before_a_byte_is_written():
    from graphkit.export.gexf import write_gexf_lines

    nodes = [(f"n{i}", {"label": f"N{i}"}) for i in range(3)]
    edges = [("n0", "n1", "k", {"id": "k", "when": object()})]  # the last thing the writer meets
    out = io.BytesIO()
    with pytest.raises(TypeError, match="not allowed"):
        write_gexf_lines(lambda: nodes, lambda: edges, out)
    assert out.getvalue() == b""


def test_nodes_and_edges_are_written_as_they_come_not_held_whole():
    from graphkit.export.gexf import gexf_lines

    seen: list[str] = []

    def nodes():
        for i in range(1000):
            seen.append(f"n{i}")
            yield f"n{i}", {"label": f"N{i}", "rank": i}

    lines = gexf_lines(nodes, lambda: [], today="2026-01-01")
    head = [next(lines) for _ in range(12)]  # declarations, then the first node
    assert any('<node id="n0"' in line for line in head)
    assert len(seen) == 1000 + 1  # the declaration pass, then only the first node of the second

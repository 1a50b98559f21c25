"""graphkit's GraphML writer gives the very bytes networkx's writer gives (on the XML-safe flat graph)."""

from __future__ import annotations

import io
import random

import networkx as nx
import numpy as np
import pytest

import graphkit
from graphkit.export.flatten import flat_graph
from graphkit.export.graphml import write_graphml_lines
from graphkit.export.network import write_graphml, xml_safe, xml_text
from graphkit.projection import project


def _networkx_bytes(graph: nx.MultiDiGraph) -> bytes:
    buf = io.BytesIO()
    nx.write_graphml(xml_safe(flat_graph(graph)), buf, named_key_ids=True)
    return buf.getvalue()


def _our_bytes(graph: nx.MultiDiGraph) -> bytes:
    buf = io.BytesIO()
    write_graphml(graph, buf)
    return buf.getvalue()


def _hostile() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(as_of="2024-10", focus=None, id='graph "one"')
    g.add_node("a&b", label='Tom & "Jerry" <tag>', types=["Company", "Org"], n=3, ok=True, empty="")
    g.add_node("bell\x07", label="line\r\nbreak\ttab\u2028sep\ufffe", score=1.5)
    g.add_node("bare")
    g.add_node("nan", value=float("nan"), big=10**30, numpy_float=np.float64(1.5), numpy_int=np.int64(3))
    g.add_edge("a&b", "bell\x07", key="k\n1", sources=[{"title": "T & <x>", "url": "https://x/?a=1&b=2"}])
    g.add_edge("bell\x07", "a&b", key="k2", date=None, date_approximate=False, description="")
    g.add_edge("bare", "bare", key="self")
    return g


def _random_graph(seed: int) -> nx.MultiDiGraph:
    rnd = random.Random(seed)
    alphabet = [chr(c) for c in [*range(0, 0x80), 0x85, 0xA0, 0x2028, 0xFFFD, 0xFFFE, 0x1F600, 0xD7FF]]

    def text() -> str:
        return "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12)))

    g = nx.MultiDiGraph()
    nodes = [text() or "x" for _ in range(20)]
    for n in nodes:
        g.add_node(
            n, **{rnd.choice(["label", "note", "k&y"]): rnd.choice([text(), 1, 2.5, True, None, [text()]])}
        )
    for i in range(40):
        g.add_edge(rnd.choice(nodes), rnd.choice(nodes), key=f"e{i}{text()}", relation=text(), sources=[])
    return g


def test_same_bytes_as_networkx_on_the_bundled_projection():
    with graphkit.open() as kg:
        graph = project(kg)
    assert _our_bytes(graph) == _networkx_bytes(graph)


@pytest.mark.parametrize("make", [_hostile, nx.MultiDiGraph, lambda: nx.MultiDiGraph(as_of="2024")])
def test_same_bytes_as_networkx_on_hostile_and_empty_graphs(make):
    graph = make()
    assert _our_bytes(graph) == _networkx_bytes(graph)


@pytest.mark.parametrize("seed", range(30))
def test_same_bytes_as_networkx_on_random_text(seed):
    graph = _random_graph(seed)
    assert _our_bytes(graph) == _networkx_bytes(graph)


def test_the_file_reads_back_with_every_type(tmp_path):
    graph = _hostile()
    buf = io.BytesIO()
    write_graphml(graph, buf)
    back = nx.read_graphml(io.BytesIO(buf.getvalue()), force_multigraph=True)
    assert back.nodes["a&b"]["label"] == 'Tom & "Jerry" <tag>'
    assert back.nodes["a&b"]["n"] == 3 and back.nodes["a&b"]["ok"] is True
    assert back.nodes[xml_text("bell\x07")]["score"] == 1.5
    assert back.edges["a&b", xml_text("bell\x07"), "k\n1"]["source_count"] == 1


def test_unsupported_values_are_refused_as_networkx_refuses_them():
    flat = nx.MultiDiGraph()
    flat.add_node("a", value=b"bytes")
    with pytest.raises(nx.NetworkXError):
        write_graphml_lines(flat, io.BytesIO())

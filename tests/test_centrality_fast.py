"""Centrality on big graphs: igraph and sampled betweenness agree with exact networkx."""

from __future__ import annotations

import importlib

import networkx as nx
import pytest

from graphkit.analysis import centrality
from graphkit.errors import GraphkitError

centrality_module = importlib.import_module("graphkit.analysis.centrality")  # the module, not the function


def graph(n: int, seed: int = 1) -> nx.MultiDiGraph:
    """A heavy-tailed multigraph with labelled nodes."""
    simple = nx.barabasi_albert_graph(n, 2, seed=seed)
    g = nx.MultiDiGraph()
    g.add_nodes_from((f"e{i}", {"label": f"E {i}", "type": "Company", "types": ["Company"]}) for i in simple)
    g.add_edges_from((f"e{u}", f"e{v}") for u, v in simple.edges())
    g.add_edge("e1", "e0")  # a parallel edge in the other direction changes nothing
    return g


@pytest.mark.parametrize("measure", ["pagerank", "betweenness"])
def test_igraph_matches_networkx_exactly_on_a_small_graph(measure):
    g = graph(300)
    exact = {r["entity_iri"]: r["score"] for r in centrality(g, measure, top=None, backend="networkx")}
    fast = {r["entity_iri"]: r["score"] for r in centrality(g, measure, top=None, backend="igraph")}
    assert exact.keys() == fast.keys()
    assert max(abs(exact[n] - fast[n]) for n in exact) < 1e-5


def test_big_graphs_sample_betweenness_and_say_so(monkeypatch):
    monkeypatch.setattr(centrality_module, "FAST_ABOVE", 400)
    monkeypatch.setattr(centrality_module, "SAMPLE_SOURCES", 200)
    g = graph(1000)
    info: dict = {}
    top = centrality(g, "betweenness", top=10, info=info)
    assert info == {"backend": "igraph", "sampled_sources": 200}
    exact = centrality(nx.MultiDiGraph(g), "betweenness", top=10, backend="networkx")
    # Brandes-Pich sampling keeps the hubs on top.
    overlap = {r["entity_iri"] for r in top} & {r["entity_iri"] for r in exact}
    assert len(overlap) >= 8
    assert top == centrality(g, "betweenness", top=10)  # seeded: the same every time


def test_small_graphs_stay_exact_networkx():
    info: dict = {}
    centrality(graph(50), "betweenness", info=info)
    assert info == {"backend": "networkx"}


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(GraphkitError, match="unknown backend"):
        centrality(graph(10), "pagerank", backend="spark")

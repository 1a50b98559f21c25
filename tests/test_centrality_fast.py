"""Centrality on big graphs: igraph and sampled betweenness agree with exact networkx."""

from __future__ import annotations

import importlib

import networkx as nx
import pytest

from graphkit.analysis import centrality
from graphkit.errors import GraphkitError

centrality_module = importlib.import_module("graphkit.analysis.centrality")  # the module, not the function
betweenness_module = importlib.import_module("graphkit.analysis.betweenness")


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


def with_trees(seed: int) -> nx.MultiDiGraph:
    """Cycles with trees hanging off them, a tree on its own, an isolated pair and a loner."""
    simple = nx.gnm_random_graph(200, 230, seed=seed)
    simple = nx.disjoint_union(simple, nx.random_labeled_tree(30, seed=seed))
    simple = nx.disjoint_union(simple, nx.path_graph(2))
    simple.add_node("alone")
    g = nx.MultiDiGraph()
    g.add_nodes_from((f"e{n}", {"label": f"E {n}"}) for n in simple)
    g.add_edges_from((f"e{u}", f"e{v}") for u, v in simple.edges())
    g.add_edge("e3", "e3")  # a self-loop is no path
    return g


def scores(g, backend, info=None):
    rows = centrality(g, "betweenness", top=None, backend=backend, info=info)
    return {r["entity_iri"]: r["score"] for r in rows}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_igraph_betweenness_is_exact_within_the_budget(seed):
    g = with_trees(seed)
    info: dict = {}
    fast = scores(g, "igraph", info)
    exact = scores(g, "networkx")
    assert info == {"backend": "igraph", "exact": True}
    assert fast.keys() == exact.keys()
    assert max(abs(exact[n] - fast[n]) for n in exact) < 1e-6


def test_big_graphs_estimate_betweenness_and_say_how(monkeypatch):
    monkeypatch.setattr(betweenness_module, "EXACT_WORK", 0)
    monkeypatch.setattr(betweenness_module, "SAMPLE_WORK", 200 * 1_800)
    monkeypatch.setattr(centrality_module, "FAST_ABOVE", 400)
    g = graph(600)
    info: dict = {}
    top = centrality(g, "betweenness", top=10, info=info)
    # Every vertex of this graph has two or more neighbours: all could be sources.
    assert info == {"backend": "igraph", "exact": False, "sampled_sources": 200, "sources_of": 600}
    exact = centrality(nx.MultiDiGraph(g), "betweenness", top=10, backend="networkx")
    overlap = {r["entity_iri"] for r in top} & {r["entity_iri"] for r in exact}
    assert len(overlap) >= 8
    assert top == centrality(g, "betweenness", top=10)  # seeded: the same every time


def test_the_estimate_is_unbiased_where_trees_hang(monkeypatch):
    """Averaged over seeds, the sampled estimate converges on the exact scores."""
    from graphkit.analysis.fast_graph import to_igraph

    g, _ = to_igraph(with_trees(4))
    exact = betweenness_module.estimate(g)
    monkeypatch.setattr(betweenness_module, "EXACT_WORK", 0)
    # 100 of the 127 sources that are not leaves: fewer, or the run would be exact.
    monkeypatch.setattr(betweenness_module, "SAMPLE_WORK", 100 * (g.vcount() + g.ecount()))
    mean = sum(betweenness_module.estimate(g, seed=s) for s in range(40)) / 40
    top = exact.argsort()[-10:]
    assert abs(mean[top] - exact[top]).max() < 0.15 * exact[top].min()


def test_a_sample_as_large_as_the_sources_runs_exact_instead(monkeypatch):
    """Over the work budget, but with fewer sources than a sample: no random draw, the exact scores."""
    monkeypatch.setattr(betweenness_module, "EXACT_WORK", 0)
    g = with_trees(2)
    info: dict = {}
    fast = scores(g, "igraph", info)
    exact = scores(g, "networkx")
    assert info == {"backend": "igraph", "exact": True}
    assert max(abs(exact[n] - fast[n]) for n in exact) < 1e-6


def test_top_keeps_no_more_rows_than_asked_and_ranks_ties_by_label():
    g = nx.MultiDiGraph([("hub", f"leaf{i}") for i in range(6)])
    rows = centrality(g, "degree", top=3)
    assert [r["entity"] for r in rows] == ["hub", "leaf0", "leaf1"]


def test_small_graphs_stay_exact_networkx():
    info: dict = {}
    centrality(graph(50), "betweenness", info=info)
    assert info == {"backend": "networkx"}


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(GraphkitError, match="unknown backend"):
        centrality(graph(10), "pagerank", backend="spark")

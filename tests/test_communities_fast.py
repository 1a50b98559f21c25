"""Communities on big graphs: igraph's Louvain, seeded, finds what networkx's finds."""

from __future__ import annotations

import networkx as nx
import pytest
from helpers import run, run_ok

from graphkit.analysis import communities
from graphkit.analysis.centrality import FAST_ABOVE
from graphkit.errors import GraphkitError


def planted(
    groups: int, size: int, seed: int = 1, inside: float = 0.4
) -> tuple[nx.MultiDiGraph, set[frozenset[str]]]:
    """Dense groups joined by a few edges, as a labelled multigraph, and the groups planted."""
    simple = nx.planted_partition_graph(groups, size, inside, 0.002 * inside, seed=seed)
    g = nx.MultiDiGraph()
    g.add_nodes_from((f"e{i}", {"label": f"E {i}", "type": "Company"}) for i in simple)
    g.add_edges_from((f"e{u}", f"e{v}") for u, v in simple.edges())
    truth = {frozenset(f"e{i}" for i in range(k * size, (k + 1) * size)) for k in range(groups)}
    return g, truth


def found(groups: list[dict]) -> set[frozenset[str]]:
    return {frozenset(m["entity_iri"] for m in group["members"]) for group in groups}


@pytest.mark.parametrize("backend", ["networkx", "igraph"])
def test_both_backends_find_the_planted_groups(backend):
    g, truth = planted(12, 30)
    info: dict = {}
    assert found(communities(g, backend=backend, info=info)) == truth
    assert info == {"backend": backend}


def test_igraph_communities_are_seeded_and_independent_of_insertion_order():
    g, _ = planted(40, 25, seed=3)
    g.add_edges_from((f"e{i}", f"e{i + 500}") for i in range(0, 400, 7))  # blur the groups: choices to make
    first = communities(g, backend="igraph", seed=5)
    assert communities(g, backend="igraph", seed=5) == first
    shuffled = nx.MultiDiGraph()
    shuffled.add_nodes_from(reversed(list(g.nodes(data=True))))
    shuffled.add_edges_from(reversed(list(g.edges())))
    assert communities(shuffled, backend="igraph", seed=5) == first
    others = [communities(g, backend="igraph", seed=s) for s in range(6, 12)]
    assert any(o != first for o in others)  # the seed is used, not ignored


def test_auto_uses_igraph_above_the_size_of_centrality():
    small, _ = planted(10, FAST_ABOVE // 10, inside=0.005)
    big, _ = planted(10, FAST_ABOVE // 10 + 1, inside=0.005)
    info: dict = {}
    communities(small, info=info)
    assert info["backend"] == "networkx"
    communities(big, info=info)
    assert info["backend"] == "igraph"
    with pytest.raises(GraphkitError, match="unknown backend 'fast'"):
        communities(small, backend="fast")


def test_cli_takes_the_backend():
    table = run_ok("communities", "--backend", "igraph").output
    assert "Community 1" in table and "Judith Collins  [Minister]" in table
    refused = run("communities", "--backend", "fast")
    assert refused.exit_code == 2 and "'fast' is not one of" in refused.output


def test_without_igraph_the_igraph_backend_is_refused_and_auto_keeps_networkx(monkeypatch):
    import importlib

    module = importlib.import_module("graphkit.analysis.centrality")  # where both backends ask
    monkeypatch.setattr(module, "has_igraph", lambda: False)
    big, _ = planted(10, FAST_ABOVE // 10 + 1, inside=0.005)
    with pytest.raises(GraphkitError, match="igraph is not installed"):
        communities(big, backend="igraph")
    info: dict = {}
    communities(big, info=info)
    assert info["backend"] == "networkx"

"""Shortest paths: the same answer on every run, the smallest first, and never all of millions."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import networkx as nx
import pytest

from graphkit.analysis.paths import MAX_PATHS, paths


def _graph(edges: list[tuple[str, str]], labels: dict[str, str] | None = None) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for u, v in edges:
        for n in (u, v):
            g.add_node(n, label=(labels or {}).get(n, n))
        g.add_edge(u, v, key=f"{u}>{v}", relation="knows", relation_iri="k", sources=[])
    return g


def _nodes(path: list[dict]) -> list[str]:
    return [path[0]["from_iri"], *(h["to_iri"] for h in path)]


def test_of_several_shortest_paths_the_first_by_label_comes_back_whatever_the_order():
    edges = [("s", "z1"), ("z1", "t"), ("s", "a1"), ("a1", "t"), ("m1", "s"), ("t", "m1")]
    labels = {"z1": "Zulu", "a1": "Alpha", "m1": "Mike"}
    for seed in range(5):
        shuffled = list(edges)
        random.Random(seed).shuffle(shuffled)
        found = paths(_graph(shuffled, labels), "s", "t")
        assert _nodes(found[0]) == ["s", "a1", "t"]
        every = paths(_graph(shuffled, labels), "s", "t", all_paths=True)
        assert [_nodes(p)[1] for p in every] == ["a1", "m1", "z1"]


def test_the_same_path_on_every_run_whatever_the_hash_seed():
    code = (
        "import networkx as nx\n"
        "from graphkit.analysis.paths import paths\n"
        "g = nx.MultiDiGraph()\n"
        "for i in range(40):\n"
        "    g.add_edge('s', f'm{i}', key=f'a{i}', relation='r', relation_iri='r', sources=[])\n"
        "    g.add_edge(f'm{i}', 't', key=f'b{i}', relation='r', relation_iri='r', sources=[])\n"
        "print([h['to_iri'] for h in paths(g, 's', 't')[0]])\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in (1, 2, 3, 4)
    }
    assert outputs == {"['m0', 't']\n"}


EDGE = {"relation": "r", "relation_iri": "r", "sources": []}


def test_millions_of_shortest_paths_give_the_first_hundred_at_once():
    # s - 400 entities - 400 entities - t, every link present: 160,000 shortest paths.
    g = nx.MultiDiGraph()
    left = [f"l{i:04d}" for i in range(400)]
    right = [f"r{i:04d}" for i in range(400)]
    g.add_edges_from(("s", n, f"s{n}", EDGE) for n in left)
    g.add_edges_from((n, "t", f"{n}t", EDGE) for n in right)
    g.add_edges_from((a, b, a + b, EDGE) for a in left for b in right)
    found = paths(g, "s", "t", all_paths=True)
    assert len(found) == MAX_PATHS
    assert [_nodes(p) for p in found[:2]] == [["s", "l0000", "r0000", "t"], ["s", "l0000", "r0001", "t"]]


@pytest.mark.parametrize("seed", range(20))
def test_every_shortest_path_networkx_finds_and_no_other(seed):
    rnd = random.Random(seed)
    nodes = [f"n{i}" for i in range(12)]
    edges = [(rnd.choice(nodes), rnd.choice(nodes)) for _ in range(18)]
    g = _graph([(u, v) for u, v in edges if u != v])
    if "n0" not in g or "n1" not in g:
        return
    simple = nx.Graph(g.to_undirected(as_view=True))
    try:
        expected = sorted(nx.all_shortest_paths(simple, "n0", "n1"))
    except nx.NetworkXNoPath:
        with pytest.raises(Exception, match="no connection"):
            paths(g, "n0", "n1")
        return
    found = paths(g, "n0", "n1", all_paths=True)
    assert sorted({tuple(_nodes(p)) for p in found}) == [tuple(p) for p in expected]
    assert _nodes(paths(g, "n0", "n1")[0]) == _nodes(found[0])

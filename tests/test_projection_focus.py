"""Focused projections: ring by ring from the store, or on the full projection for big neighbourhoods."""

from __future__ import annotations

import pytest

import graphkit
from graphkit import projection
from graphkit.projection import project

CASES = [
    {"focus": "AWS", "depth": 1},
    {"focus": "AWS", "depth": 2},
    {"focus": "Judith Collins", "depth": 3},
    {"focus": "Judith Collins", "depth": 2, "relations": ["metWith"]},
    {"focus": "Judith Collins", "depth": 2, "exclude_types": ["Company"]},
    {"focus": "AWS", "depth": 2, "as_of": "2024"},
]


def dump(graph):
    return list(graph.nodes(data=True)), list(graph.edges(keys=True, data=True))


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_walk_on_the_full_projection_gives_the_same_graph(case, monkeypatch):
    with graphkit.open() as kg:
        from_store = dump(project(kg, **case))
        monkeypatch.setattr(projection, "SMALL_NEIGHBOURHOOD", -1)  # every neighbourhood is "big"
        monkeypatch.setattr(projection, "RANDOM_READ_COST", 10**12)  # and none is worth reading ring by ring
        on_full = dump(project(kg, **case))
    assert from_store[0] and from_store == on_full


def test_big_neighbourhoods_are_detected(monkeypatch):
    calls = []
    real = projection._ego_in

    def spy(*args):
        calls.append(args[1])
        return real(*args)

    monkeypatch.setattr(projection, "_ego_in", spy)
    monkeypatch.setattr(projection, "SMALL_NEIGHBOURHOOD", 0)
    with graphkit.open() as kg:
        project(kg, focus="Judith Collins", depth=3)  # most of the bundled graph
    assert calls == ["https://w3id.org/graphkit/id/judith-collins"]


def test_the_outer_ring_reads_only_the_links_within_the_neighbourhood(monkeypatch):
    from graphkit.model import column_reads

    described: set[str] = set()  # every subject of a row the engine handed over
    real = column_reads._rows

    def spy(kg, query):
        rows = list(real(kg, query))
        described.update(row[0].value for row in rows if len(row) == 3)
        return rows

    monkeypatch.setattr(column_reads, "_rows", spy)
    with graphkit.open() as kg:
        graph = project(kg, focus="Judith Collins", depth=1)
        ends = {
            str(row["r"]): (str(row["s"]), str(row["o"]))
            for row in kg.select("SELECT ?r ?s ?o WHERE { ?r rdf:subject ?s ; rdf:object ?o }")
        }
    read = {r: ends[r] for r in described if r in ends}
    assert read, "the walk read no statement"
    # Every statement read has both ends in the result: none leads out of the outer ring.
    assert all(s in graph and o in graph for s, o in read.values())
    assert len(read) >= graph.number_of_edges() - sum(
        1 for *_, d in graph.edges(data=True) if not d["statement"]
    )


@pytest.mark.parametrize("focus, depth", [("Judith Collins", 3), ("AWS", 2)])
def test_a_big_neighbourhood_cut_from_the_full_projection_in_place_is_the_same_graph(focus, depth):
    with graphkit.open() as kg:
        iri = projection.resolve(kg, focus).iri

        def keep(*_):
            return True

        built = projection._ego_in(projection.full_graph(kg), iri, depth, keep, keep, every_edge=False)
        full = projection.full_graph(kg)
        cut = projection._ego_in(full, iri, depth, keep, keep, every_edge=True)
    assert 2 * built.number_of_nodes() > full.number_of_nodes()  # most of the bundled graph
    assert cut is full  # so the in-place path ran
    assert dump(cut) == dump(built)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_an_outer_ring_too_long_for_one_query_is_read_in_batches_to_the_same_graph(case, monkeypatch):
    from graphkit.model import column_reads

    with graphkit.open() as kg:
        in_one_query = dump(project(kg, **case))
        monkeypatch.setattr(column_reads, "AMONG_LIMIT", 0)
        monkeypatch.setattr(column_reads, "BATCH", 2)  # and several batches
        in_batches = dump(project(kg, **case))
    assert in_one_query[0] and in_one_query == in_batches

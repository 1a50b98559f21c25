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


def spy_on_fallbacks(monkeypatch) -> list[tuple[str, str]]:
    """Record which walk a big neighbourhood takes: on the full projection, or on the store's columns."""
    calls: list[tuple[str, str]] = []
    for name, focus_at in (("_ego_in", 1), ("_ego_in_columns", 2)):
        real = getattr(projection, name)

        def spy(*args, real=real, name=name, focus_at=focus_at):
            calls.append((name, args[focus_at]))
            return real(*args)

        monkeypatch.setattr(projection, name, spy)
    return calls


def test_big_neighbourhoods_are_detected(monkeypatch):
    calls = spy_on_fallbacks(monkeypatch)
    monkeypatch.setattr(projection, "SMALL_NEIGHBOURHOOD", 0)
    with graphkit.open() as kg:
        project(kg, focus="Judith Collins", depth=3)  # most of the bundled graph
    # Not cached (a memory store): walked on the whole store's columns.
    assert calls == [("_ego_in_columns", "https://w3id.org/graphkit/id/judith-collins")]


@pytest.fixture
def embedded(persistent_store, tmp_path, monkeypatch):
    """The bundled data in an embedded store on disk, with the projection cache on."""
    monkeypatch.delenv("GRAPHKIT_PROJECTION_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the cache's key, not the user's
    return f"oxigraph:{persistent_store}"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_cached_store_walks_big_neighbourhoods_on_its_cached_projection(case, embedded, monkeypatch):
    with graphkit.open() as kg:
        expected = dump(project(kg, **case))
    calls = spy_on_fallbacks(monkeypatch)
    monkeypatch.setattr(projection, "SMALL_NEIGHBOURHOOD", -1)
    monkeypatch.setattr(projection, "RANDOM_READ_COST", 10**12)
    with graphkit.open(embedded, read_only=True) as kg:
        assert dump(project(kg, **case)) == expected
    assert [name for name, _ in calls] == ["_ego_in"]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_warm_cache_serves_a_neighbourhood_that_a_cold_one_reads_ring_by_ring(case, embedded, monkeypatch):
    from graphkit import projection_cache

    with graphkit.open() as kg:
        expected = dump(project(kg, **case))
    calls = spy_on_fallbacks(monkeypatch)
    monkeypatch.setattr(projection, "SMALL_NEIGHBOURHOOD", 0)
    monkeypatch.setattr(projection, "RANDOM_READ_COST", 1)  # cold: the store's whole size is the limit
    monkeypatch.setattr(projection, "CACHED_READ_COST", 10**12)  # warm: any neighbourhood is worth the cache
    with graphkit.open(embedded, read_only=True) as kg:
        assert not projection_cache.is_warm(kg)
        assert dump(project(kg, **case)) == expected
        # Read ring by ring (three rings around her count more statements than the store holds).
        assert calls == ([] if case["depth"] < 3 else [("_ego_in", calls[0][1])])
        calls.clear()
        project(kg)  # the full projection makes the cache
        assert projection_cache.is_warm(kg)
        assert dump(project(kg, **case)) == expected
    assert [name for name, _ in calls] == ["_ego_in"]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_walk_on_the_whole_store_columns_gives_the_same_graph(case, monkeypatch):
    with graphkit.open() as kg:
        expected = dump(project(kg, **case))
        monkeypatch.setattr(projection, "SMALL_NEIGHBOURHOOD", -1)
        monkeypatch.setattr(projection, "RANDOM_READ_COST", 10**12)
        calls = spy_on_fallbacks(monkeypatch)
        assert expected[0] and dump(project(kg, **case)) == expected
    every_edge = not {"relations", "as_of"} & set(case)
    assert [name for name, _ in calls] == ["_ego_in_columns" if every_edge else "_ego_in"]


def test_the_outer_ring_reads_only_the_links_within_the_neighbourhood(monkeypatch):
    from graphkit.model import column_reads

    described: set[str] = set()  # every subject of a row the engine handed over
    real = column_reads.engine_rows

    def spy(kg, query):
        rows = list(real(kg, query))
        described.update(row[0].value for row in rows if len(row) == 3)
        return rows

    monkeypatch.setattr(column_reads, "engine_rows", spy)
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


def test_a_ring_s_neighbours_are_the_other_ends_of_the_edges_touching_it(tmp_path):
    from graphkit.model.column_reads import read_all

    data = tmp_path / "odd.ttl"
    data.write_text(
        """@prefix gk: <https://w3id.org/graphkit/ontology#> .
@prefix id: <https://w3id.org/graphkit/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
id:a a gk:Company ; rdfs:label "A" .
id:b a gk:Company ; rdfs:label "B" .
id:c a gk:Company ; rdfs:label "C" .
id:d a gk:Company ; rdfs:label "D" .
id:e a gk:Company ; rdfs:label "E" .
id:r1 a gk:Relationship ; rdf:subject id:b, id:a ; rdf:predicate gk:partnerOf ; rdf:object id:c .
id:r2 a gk:Relationship ; rdf:subject id:d ; rdf:predicate gk:partnerOf .
id:c gk:partnerOf id:d .
id:e gk:partnerOf id:e .
""",
        encoding="utf-8",
    )
    with graphkit.open(data) as kg:
        cols = read_all(kg)
        edges = cols.edges()
        names = "abcde"
        for x in (f"https://w3id.org/graphkit/id/{n}" for n in names):
            expected = {end for s, o, _, _ in edges if x in (s, o) for end in (s, o)} - {x}
            assert cols.neighbours({x}) == expected, x
    # r1 names two subjects: like edges(), the walk takes the smallest (a), not b; r2 has no object.
    assert {(s[-1], o[-1]) for s, o, _, _ in edges} == {("a", "c"), ("c", "d"), ("e", "e")}


def test_an_outer_ring_too_long_for_one_query_that_touches_most_of_the_store_is_walked_on_a_whole_read(
    monkeypatch,
):
    from graphkit.model import column_reads

    focus = "https://w3id.org/graphkit/id/judith-collins"
    with graphkit.open() as kg:
        expected = project(kg, focus=focus, depth=1)
        statements = int(kg.select("SELECT (COUNT(*) AS ?n) WHERE { ?r a gk:Relationship }")[0]["n"])
        touched = column_reads._count_around(kg, set(expected) - {focus})
        # A budget that the links found fit in but the statements the ring touches do not:
        # counted before the ring is read, not found out after reading it.
        budget = (expected.number_of_edges() + touched) // 2
        assert expected.number_of_edges() < statements // (statements // budget) < touched
        monkeypatch.setattr(column_reads, "AMONG_LIMIT", 0)  # the outer ring is read in batches
        monkeypatch.setattr(projection, "SMALL_NEIGHBOURHOOD", 0)
        monkeypatch.setattr(projection, "RANDOM_READ_COST", statements // budget)
        calls = spy_on_fallbacks(monkeypatch)
        assert dump(project(kg, focus=focus, depth=1)) == dump(expected)
    assert calls == [("_ego_in_columns", focus)]

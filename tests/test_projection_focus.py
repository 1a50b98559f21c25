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
        monkeypatch.setattr(projection, "_budget", lambda kg: lambda n: False)
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

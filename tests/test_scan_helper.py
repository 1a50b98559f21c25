"""The helper process that scans resource columns: same projection as reading alone, whatever happens to it."""

from __future__ import annotations

import os

import pyoxigraph as ox
import pytest

import graphkit
from graphkit.model.column_reads import _pairs
from graphkit.model.columns import RESOURCE_COLUMNS, SCANNED, lexical
from graphkit.projection import project
from graphkit.projection_cache import ENV_VAR as CACHE_VAR
from graphkit.store import bundled_files, scan_helper
from graphkit.store.scan_helper import HelperScans
from graphkit.vocab import GK, GKD, RDF

NAMED = [p for p in SCANNED if p in RESOURCE_COLUMNS]


@pytest.fixture
def store(tmp_path, monkeypatch):
    """The bundled data in an embedded store, with odd rows: blank nodes, a statement with two subjects."""
    monkeypatch.setenv(CACHE_VAR, "off")
    monkeypatch.setattr(scan_helper, "MIN_STORE_BYTES", 0)  # the helper runs on a small store too
    path = tmp_path / "kg"
    with graphkit.open(path, create=True) as kg:
        kg.load(bundled_files())
    raw = ox.Store(str(path))
    blank, twice = ox.BlankNode("odd"), ox.NamedNode(GKD + "twice")
    for s, p, o in [
        (blank, RDF + "type", ox.NamedNode(GK + "Company")),
        (twice, RDF + "type", ox.NamedNode(GK + "Relationship")),
        (twice, RDF + "subject", ox.NamedNode(GKD + "aws")),
        (twice, RDF + "subject", ox.NamedNode(GKD + "google")),
        (twice, RDF + "predicate", ox.NamedNode(GK + "partnerOf")),
        (twice, RDF + "object", blank),
    ]:
        raw.add(ox.Quad(s, ox.NamedNode(p), o, ox.NamedNode(GKD + "graph")))  # in a named graph
    raw.flush()
    del raw
    return path


def _graph(path, helper: str, monkeypatch):
    monkeypatch.setenv(scan_helper.ENV_VAR, helper)
    with graphkit.open(path, read_only=True) as kg:
        graph = project(kg)
    return list(graph.nodes(data=True)), list(graph.edges(keys=True, data=True))


def test_the_helper_gives_the_columns_a_scan_here_gives(store):
    with graphkit.open(store, read_only=True) as kg:
        here = {p: sorted((lexical(s), lexical(o)) for s, o in _pairs(kg, p)) for p in NAMED}
    with HelperScans(store, NAMED) as helper:
        there = {p: sorted(zip(s, o, strict=True)) for p, s, o in helper.columns()}
    assert there == here
    assert ("_:odd", GK + "Company") in there[RDF + "type"]


def test_the_projection_is_the_same_with_and_without_the_helper(store, monkeypatch):
    with_helper = _graph(store, "on", monkeypatch)
    assert with_helper == _graph(store, "off", monkeypatch)
    nodes, edges = with_helper
    assert len(nodes) > 50 and len(edges) > 50


def test_a_helper_that_fails_leaves_the_reading_to_the_caller(store, monkeypatch):
    expected = _graph(store, "off", monkeypatch)
    for script in (
        "import sys; sys.exit(3)",
        "import sys, os; sys.stdout.buffer.write(b'x' * 20); os._exit(0)",
    ):
        monkeypatch.setattr(scan_helper, "_SCRIPT", script)
        assert _graph(store, "on", monkeypatch) == expected
    with HelperScans(store.parent / "not-a-store", NAMED) as helper:
        assert list(helper.columns()) == []


def test_the_helper_runs_only_beside_a_read_only_open_without_a_time_limit(store, monkeypatch):
    # pyoxigraph leaves a read-only open beside a writer undefined; the helper has no deadline.
    from graphkit.model.column_reads import _helper

    monkeypatch.setenv(scan_helper.ENV_VAR, "on")
    with graphkit.open(store, read_only=False) as kg:
        assert _helper(kg) is None
    with graphkit.open(store, read_only=True) as kg:
        helper = _helper(kg)
        assert helper is not None
        helper.close()
        kg.backend.timeout = 30.0
        assert _helper(kg) is None
    with graphkit.open(store, read_only=False) as kg:  # a write, then a read-only reader sees it
        kg.update(
            f"INSERT DATA {{ <{GKD}fresh> a <{GK}Relationship> ; <{RDF}subject> <{GKD}aws> ; "
            f"<{RDF}predicate> <{GK}metWith> ; <{RDF}object> <{GKD}google> }}"
        )
    nodes, edges = _graph(store, "on", monkeypatch)
    assert any(d["statement"] == GKD + "fresh" for *_, d in edges)
    assert (nodes, edges) == _graph(store, "off", monkeypatch)


def test_small_stores_and_the_switch_keep_the_helper_away(tmp_path, monkeypatch):
    assert not scan_helper.wanted(tmp_path)  # an empty folder: under the size
    monkeypatch.setattr(scan_helper, "MIN_STORE_BYTES", 0)
    assert scan_helper.wanted(tmp_path) == (len(os.sched_getaffinity(0)) > 1)
    monkeypatch.setenv(scan_helper.ENV_VAR, "off")
    assert not scan_helper.wanted(tmp_path)

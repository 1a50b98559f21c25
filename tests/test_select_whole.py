"""select() on an embedded store reads its result in one worker call; loads run in loader threads."""

from __future__ import annotations

import threading

import pyoxigraph as ox
import pytest
from test_engine_guard import run_with_threads

import graphkit
from graphkit.errors import QueryError
from graphkit.model.graph import to_python
from graphkit.store import worker

AWS = ox.NamedNode("https://w3id.org/graphkit/id/aws")


@pytest.fixture(scope="module")
def kg():
    with graphkit.open() as kg:
        yield kg


@pytest.mark.parametrize(
    "query, bindings",
    [
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o", None),
        ("SELECT ?l ?unbound WHERE { ?e rdfs:label ?l OPTIONAL { ?e gk:nothing ?unbound } }", {"e": AWS}),
        ("SELECT (COUNT(*) AS ?n) WHERE { ?r a gk:Relationship }", None),
    ],
)
def test_select_gives_the_rows_the_streamed_query_gives(kg, query, bindings):
    result = kg.query(query, bindings)
    names = [v.value for v in result.variables]
    streamed = [dict(zip(names, map(to_python, row), strict=True)) for row in result]
    assert kg.select(query, bindings) == streamed and streamed


@pytest.mark.parametrize(
    "query, message",
    [
        ("SELECT ?x WHERE { ?x ?p }", "line 1, column 26"),
        ("ASK { ?s ?p ?o }", "select() needs a SELECT query"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "select() needs a SELECT query"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "graphkit update"),
    ],
)
def test_select_refuses_what_it_cannot_answer_with_a_clear_error(kg, query, message):
    with pytest.raises(QueryError) as caught:
        kg.select(query)
    assert message in str(caught.value)


def test_loads_run_in_loader_threads_and_queries_elsewhere():
    assert worker.call(lambda: threading.current_thread().name, loads=True) == "graphkit loader"
    assert worker.call(lambda: threading.current_thread().name) == "graphkit worker"


def test_the_program_loads_a_file_in_a_loader_thread_and_queries_on_the_main_thread(tmp_path):
    """The store's memory stays in the loader's allocator arena; queries on the main thread keep theirs."""
    path = tmp_path / "small.nt"
    path.write_text("<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> <urn:d> .\n", encoding="utf-8")
    result, threads = run_with_threads(
        "query", "SELECT ?o WHERE { ?s ?p ?o }", "-F", "tsv", "--store", str(path)
    )
    assert "graphkit loader" in threads and "graphkit worker" not in threads
    assert sorted(result.stdout.split()[1:]) == ["<urn:c>", "<urn:d>"]

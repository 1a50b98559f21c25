"""The four store kinds answer the same questions; loads are all or nothing."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

import graphkit
from graphkit.errors import ParseError, QueryError, ReadOnlyStoreError, RemoteError, StoreError
from graphkit.store.remote import Endpoints

QUERY_SUITE = {
    "minister": ("SELECT ?a WHERE { gkd:judith-collins gk:ministerResponsibleFor ?a }", 1),
    "met": ("SELECT ?x WHERE { gkd:judith-collins gk:metWith ?x }", 3),
    "sources": ("SELECT DISTINCT ?s WHERE { ?r prov:wasDerivedFrom ?s }", 1),
    "mou parties": ("SELECT ?p WHERE { ?p gk:partyTo ?m . ?m a gk:MOU }", 4),
    "aggregate": (
        "SELECT ?p (COUNT(?r) AS ?n) WHERE { ?r a gk:Relationship ; rdf:predicate ?p } GROUP BY ?p",
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(QUERY_SUITE))
def test_query_suite_same_on_every_store(any_store, name):
    sparql, expected = QUERY_SUITE[name]
    with graphkit.open() as reference:
        want = sorted(map(str, (tuple(r.values()) for r in reference.select(sparql))))
    with graphkit.open(any_store) as graph:
        got = sorted(map(str, (tuple(r.values()) for r in graph.select(sparql))))
        assert graph.ask("ASK { gkd:judith-collins gk:metWith gkd:aws }")
        assert graphkit.resolve(graph, "aws").iri.endswith("/aws")
    assert got == want
    if expected is not None:
        assert len(got) == expected


def test_stats_and_show_same_on_every_store(any_store):
    with graphkit.open() as reference:
        want_stats = graphkit.stats(reference).to_dict()
        want_show = graphkit.describe(reference, "Judith Collins").to_dict(reference)
    with graphkit.open(any_store) as graph:
        got_stats = graphkit.stats(graph).to_dict()
        got_show = graphkit.describe(graph, "Judith Collins").to_dict(graph)
    want_stats.pop("triples"), got_stats.pop("triples")
    assert got_stats == want_stats
    assert got_show == want_show


def test_persistent_store_reopens_with_its_data(persistent_store):
    with graphkit.open(persistent_store) as graph:
        first = graph.triple_count()
    with graphkit.open(f"oxigraph:{persistent_store}") as graph:
        assert graph.triple_count() == first > 1000
        assert graph.backend.kind == "oxigraph"


def test_update_on_persistent_store_is_kept(persistent_store):
    with graphkit.open(persistent_store) as graph:
        graph.update('INSERT DATA { gkd:new-co a gk:Company ; rdfs:label "New Co" }')
    with graphkit.open(persistent_store) as graph:
        assert graphkit.resolve(graph, "new co").type == "Company"


def test_a_failed_update_does_not_lock_the_store_for_the_same_process(persistent_store):
    # The error's traceback can keep the closed engine alive in a reference cycle; the
    # next writer in this process (a notebook, the Python API) must still get the store.
    for bad in ("INSER DATA { gkd:a gk:b gkd:c }", "INSERT DATA { gkd:a foo:b gkd:c }"):
        with graphkit.open(persistent_store) as graph, pytest.raises(QueryError):
            graph.update(bad)
    with graphkit.open(persistent_store) as graph:
        graph.update('INSERT DATA { gkd:after-errors rdfs:label "written" }')
    with graphkit.open(persistent_store) as graph:
        assert graph.ask('ASK { gkd:after-errors rdfs:label "written" }')


def test_bundled_and_file_stores_are_read_only(bundled_ttl):
    for spec in (None, bundled_ttl):
        with graphkit.open(spec) as graph, pytest.raises(ReadOnlyStoreError, match="read-only"):
            graph.update('INSERT DATA { gkd:x rdfs:label "x" }')


def test_load_is_all_or_nothing_across_files(persistent_store, tmp_path):
    good = tmp_path / "good.nt"
    good.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "unterminated .\n')
    with graphkit.open(persistent_store) as graph:
        before = graph.triple_count()
        with pytest.raises(ParseError) as info:
            graph.load([good, bad])
        assert info.value.location.startswith(f"{bad}:3:")
        assert graph.triple_count() == before


def test_failed_load_into_new_store_leaves_no_folder(tmp_path):
    bad = tmp_path / "bad.nt"
    bad.write_text("<http://example.org/a> <not an iri> <http://example.org/c> .\n")
    target = tmp_path / "new-store"
    with graphkit.open(target, create=True) as graph, pytest.raises(ParseError, match=r"bad\.nt:1:"):
        graph.load([bad])
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.nt"]


def test_store_spec_errors(tmp_path):
    with pytest.raises(StoreError, match="no such file"):
        graphkit.open(tmp_path / "missing.ttl")
    with pytest.raises(StoreError, match="no graphkit store"):
        graphkit.open(f"oxigraph:{tmp_path / 'nothing'}")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(StoreError, match="holds no RDF files"):
        graphkit.open(tmp_path)


def test_store_in_use_by_another_writer(persistent_store):
    with graphkit.open(persistent_store):
        with pytest.raises(StoreError, match="in use"):
            graphkit.open(persistent_store)
        # Readers are not blocked by a writer.
        with graphkit.open(persistent_store, read_only=True) as reader:
            assert reader.triple_count() > 1000


def test_remote_load_skolemises_blank_nodes(oxigraph_server, tmp_path):
    oxigraph_server.clear()
    data = tmp_path / "blank.ttl"
    data.write_text('<http://example.org/a> <http://example.org/p> [ <http://example.org/q> "v" ] .\n')
    with graphkit.open(oxigraph_server.url) as graph:
        assert graph.load([data]) == 2
        rows = graph.select("SELECT ?o WHERE { <http://example.org/a> <http://example.org/p> ?o }")
        assert rows[0]["o"].startswith("https://w3id.org/graphkit/.well-known/genid/")
        assert graph.select(
            "SELECT ?v WHERE { ?o <http://example.org/q> ?v }", {"o": ox.NamedNode(rows[0]["o"])}
        )


def test_remote_update_and_syntax_error_position(remote_store):
    with graphkit.open(remote_store) as graph:
        graph.update('INSERT DATA { gkd:remote-co a gk:Company ; rdfs:label "Remote Co" }')
        assert graphkit.resolve(graph, "Remote Co").type == "Company"
        with pytest.raises(QueryError, match="line 1, column 26"):
            graph.query("SELECT ?x WHERE { ?x ?y }")


def test_unreachable_endpoint_fails_fast():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    start = time.monotonic()
    with (
        graphkit.open(f"http://127.0.0.1:{port}", timeout=2) as graph,
        pytest.raises(RemoteError, match="cannot reach"),
    ):
        graph.triple_count()
    assert time.monotonic() - start < 5


def test_silent_endpoint_times_out():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts connections, never answers
    try:
        port = listener.getsockname()[1]
        start = time.monotonic()
        graph = graphkit.open(f"http://127.0.0.1:{port}", timeout=1)
        with pytest.raises(RemoteError, match="did not answer within 1 s"):
            graph.triple_count()
        assert time.monotonic() - start < 4
    finally:
        listener.close()


class _Canned(http.server.BaseHTTPRequestHandler):
    status = 200
    content_type = "text/html"
    body = b"<html><body>Login</body></html>"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(self.status)
        self.send_header("Content-Type", self.content_type)
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize(
    ("status", "content_type", "message"),
    [(200, "text/html", "HTML page"), (500, "text/plain", "HTTP 500")],
)
def test_endpoint_answering_html_or_500(status, content_type, message):
    handler = type("Handler", (_Canned,), {"status": status, "content_type": content_type})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        with graphkit.open(url, timeout=3) as graph, pytest.raises(RemoteError, match=message):
            graph.select("SELECT * WHERE { ?s ?p ?o }")
    finally:
        server.shutdown()


@pytest.mark.parametrize(
    ("spec", "query", "update", "store"),
    [
        ("http://h:7878", "http://h:7878/query", "http://h:7878/update", "http://h:7878/store"),
        ("http://h:7878/query", "http://h:7878/query", "http://h:7878/update", "http://h:7878/store"),
        (
            "http://h:3030/ds/sparql",
            "http://h:3030/ds/sparql",
            "http://h:3030/ds/update",
            "http://h:3030/ds/data",
        ),
        (
            "http://h:7200/repositories/kg",
            "http://h:7200/repositories/kg",
            "http://h:7200/repositories/kg/statements",
            "http://h:7200/repositories/kg/rdf-graphs/service",
        ),
        ("http://h:8890/sparql", "http://h:8890/sparql", "http://h:8890/sparql", None),
        ("sparql:query=http://q/x,update=http://u/y", "http://q/x", "http://u/y", None),
    ],
)
def test_endpoint_urls_are_derived(spec, query, update, store):
    assert Endpoints.from_spec(spec) == Endpoints(query, update, store)


def test_rdflib_view_of_embedded_store(persistent_store):
    import rdflib

    with graphkit.open(persistent_store) as graph:
        view = graph.rdflib_graph()
        label = view.value(rdflib.URIRef("https://w3id.org/graphkit/id/aws"), rdflib.RDFS.label)
        assert str(label) == "Amazon Web Services"


def test_missing_file_to_load(persistent_store, tmp_path):
    with graphkit.open(persistent_store) as graph, pytest.raises(StoreError, match="no such file"):
        graph.load([Path(tmp_path / "nope.ttl")])


def test_malformed_endpoint_url_is_a_clear_error():
    with pytest.raises(StoreError, match="malformed endpoint URL"):
        graphkit.open("http://[::1")
    with pytest.raises(StoreError, match="malformed endpoint URL"):
        graphkit.open("http://localhost:notaport/sparql")


def test_remote_load_of_named_graphs_keeps_the_graphs(oxigraph_server, tmp_path):
    oxigraph_server.clear()
    data = tmp_path / "two.trig"
    data.write_text(
        '<http://example.org/g1> { <http://example.org/a> <http://example.org/p> "one" . }\n'
        '<http://example.org/g2> { <http://example.org/b> <http://example.org/p> "two" . }\n'
        '<http://example.org/c> <http://example.org/p> "default" .\n'
    )
    with graphkit.open(oxigraph_server.url) as graph:
        assert graph.load([data]) == 3
        rows = graph.select("SELECT ?g ?v WHERE { GRAPH ?g { ?s <http://example.org/p> ?v } } ORDER BY ?v")
        assert rows == [
            {"g": "http://example.org/g1", "v": "one"},
            {"g": "http://example.org/g2", "v": "two"},
        ]
        assert graph.ask('ASK { <http://example.org/c> <http://example.org/p> "default" }')

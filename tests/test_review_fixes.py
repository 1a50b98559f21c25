"""Defects found in review, each pinned by a test."""

from __future__ import annotations

import http.server
import json
import threading

import pytest
from click.testing import CliRunner

import graphkit
from graphkit.cli import main


def invoke(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def failing_endpoint():
    """A real HTTP server on 127.0.0.1 that answers every request with HTTP 500, counting them."""

    class Handler(http.server.BaseHTTPRequestHandler):
        hits = 0

        def _fail(self):
            type(self).hits += 1
            self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"boom")

        do_GET = do_POST = _fail

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", Handler
    server.shutdown()


def test_service_glued_to_a_word_is_still_refused(failing_endpoint):
    url, handler = failing_endpoint
    result = invoke(
        "query", f"SELECT * WHERE {{ ?r gk:dateApproximate trueSERVICE <{url}/sparql> {{ ?a ?b ?c }} }}"
    )
    assert result.exit_code == 1 and "SERVICE" in result.output
    assert handler.hits == 0


def test_load_in_an_update_is_refused_unless_allowed(persistent_store, failing_endpoint):
    url, handler = failing_endpoint
    result = invoke("update", "--store", persistent_store, f"LOAD <{url}/data.ttl>")
    assert result.exit_code == 1 and "--allow-load" in result.output
    assert handler.hits == 0


# The engine's results must be dropped in the thread that made them: an error's frames, freed
# on the main thread, made pyoxigraph complain ("unsendable ... dropped on another thread").
@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_an_error_while_reading_results_is_a_clean_error(failing_endpoint):
    url, _ = failing_endpoint
    for fmt in ("table", "csv", "json"):
        result = invoke(
            "query",
            "--allow-service",
            "-F",
            fmt,
            f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?a ?b ?c }} }}",
        )
        # The engine may fail when the query starts or while its rows are read (it evaluates
        # lazily, in a worker thread): either way one clean line that names the failing call.
        assert result.exit_code == 1, result.output
        assert result.output.startswith("Error: ") and "Traceback" not in result.output
        assert "500" in result.output and url in result.output


def test_a_store_under_a_file_is_a_clean_error(tmp_path, bundled_ttl):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    result = invoke("load", bundled_ttl, "--store", blocker / "sub")
    assert result.exit_code == 1 and "cannot create the store" in result.output


def test_approximate_dates_stay_approximate_in_neighbors_and_path():
    table = invoke("neighbors", "AWS").output
    assert "~2024-10" in table
    rows = [
        r for r in json.loads(invoke("neighbors", "AWS", "-F", "json").output) if r["relation"] == "met with"
    ]
    assert rows[0]["date"] == "2024-10" and rows[0]["date_approximate"] is True
    assert "(~2024-10)" in invoke("path", "AWS", "Judith Collins").output


def test_a_store_folder_ignores_json_and_xml_exports(tmp_path, bundled_ttl):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "data.nt").write_bytes(bundled_ttl.read_bytes())
    assert invoke("export", "--store", folder, "-F", "json", "-o", folder / "graph.json").exit_code == 0
    assert invoke("export", "--store", folder, "-F", "graphml", "-o", folder / "graph.xml").exit_code == 0
    result = invoke("stats", "--store", folder)
    assert result.exit_code == 0, result.output


def test_merge_dry_run_does_not_need_the_write_lock(persistent_store):
    with graphkit.open(persistent_store):  # another writer holds the store
        result = invoke("merge", "Amazon Web Services", "Amazon", "--store", persistent_store, "--dry-run")
    assert result.exit_code == 0, result.output


def test_merge_refuses_entities_in_named_graphs(tmp_path):
    data = tmp_path / "g.trig"
    data.write_text(
        "@prefix gk: <https://w3id.org/graphkit/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<http://example.org/g> { <http://example.org/a> a gk:Company ; rdfs:label "Alpha" .\n'
        '  <http://example.org/b> a gk:Company ; rdfs:label "Beta" . }\n'
    )
    store = tmp_path / "kg"
    assert invoke("load", data, "--store", store).exit_code == 0
    result = invoke("merge", "Alpha", "Beta", "--store", store)
    assert result.exit_code == 1 and "named graph" in result.output

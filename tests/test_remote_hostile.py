"""Hostile or broken endpoints: small HTTP servers on 127.0.0.1, written here.

Every case must end in a clear error that names the endpoint (never a
traceback), within the deadline, with nothing written anywhere else.
"""

from __future__ import annotations

import gc
import http.server
import json
import threading
import time
import urllib.parse
from contextlib import contextmanager, suppress

import pytest
from helpers import run, run_ok

HEAD = b'{"head":{"vars":["x"]},"results":{"bindings":['
ROW = b'{"x":{"type":"literal","value":"v"}}'
TAIL = b"]}}"
INSERT = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"


@pytest.fixture(autouse=True)
def _collect_on_this_thread():
    """Failed reads leave pyoxigraph objects in reference cycles; collect them here, not on a
    server thread (pyoxigraph objects must be dropped on the thread that made them)."""
    yield
    gc.collect()


class Server:
    """A tiny HTTP server whose every answer is written by ``respond(handler)``."""

    def __init__(self, respond):
        self.requests: list[tuple[str, str, bytes]] = []
        self.stop = threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                outer.requests.append(("POST", self.path, self.rfile.read(length)))
                with suppress(BrokenPipeError, ConnectionResetError):
                    respond(self)

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@contextmanager
def serving(respond):
    server = Server(respond)
    try:
        yield server
    finally:
        server.close()


def spec(server: Server, engine: str = "oxigraph", **urls: str) -> str:
    """A store spec for ``server``; naming the engine skips the detection request."""
    parts = {"query": f"{server.url}/query", "update": f"{server.url}/update", **urls}
    return "sparql:" + ",".join(f"{k}={v}" for k, v in parts.items()) + f",engine={engine}"


def answer(handler, status=200, body=b"", content_type="application/sparql-results+json", headers=None):
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for k, v in (headers or {}).items():
        handler.send_header(k, v)
    handler.end_headers()
    handler.wfile.write(body)


def rows(n: int) -> bytes:
    return HEAD + b",".join([ROW] * n) + TAIL


# -- redirects ------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirected_write_is_refused_and_nothing_is_sent_elsewhere(status, tmp_path):
    with serving(lambda h: answer(h, 200, rows(0))) as elsewhere:

        def redirect(h):
            answer(h, status, headers={"Location": f"{elsewhere.url}{h.path}"})

        with serving(redirect) as server:
            result = run("update", "--store", spec(server), INSERT)
            assert result.exit_code == 1
            assert "redirected a write" in result.output and elsewhere.url in result.output
            data = tmp_path / "d.nt"
            data.write_text("<urn:a> <urn:b> <urn:c> .\n")
            store = spec(server, store=f"{server.url}/store")
            assert run("load", data, "--store", store).exit_code == 1
        assert elsewhere.requests == []


def test_a_redirect_to_https_is_refused_for_writes():
    def redirect(h):
        answer(h, 301, headers={"Location": "https://127.0.0.1:1/update"})

    with serving(redirect) as server:
        result = run("update", "--store", spec(server), INSERT)
    assert result.exit_code == 1 and "https://127.0.0.1:1/update" in result.output


def test_a_read_follows_a_redirect_only_on_the_same_server():
    def respond(h):
        if h.path.startswith("/moved"):
            answer(h, 200, rows(2))
        else:
            answer(h, 307, headers={"Location": "/moved"})

    with serving(respond) as server:
        result = run_ok("query", "--store", spec(server), "SELECT ?x WHERE { ?x ?p ?o }")
        assert result.output.count("v") == 2

    with serving(lambda h: answer(h, 200, rows(5))) as elsewhere:
        with serving(lambda h: answer(h, 302, headers={"Location": elsewhere.url + "/query"})) as server:
            result = run("query", "--store", spec(server), "SELECT ?x WHERE { ?x ?p ?o }")
            assert result.exit_code == 1
            assert f"{server.url}/query" in result.output and f"{elsewhere.url}/query" in result.output
        assert elsewhere.requests == []


def test_only_http_urls_are_endpoints():
    for bad in ("update=file:///tmp/graphkit-x", "update=ftp://127.0.0.1/x"):
        result = run("update", "--store", f"sparql:query=http://127.0.0.1:9/query,{bad}", INSERT)
        assert result.exit_code == 1 and "http:// or https://" in result.output


# -- size and time ----------------------------------------------------------------


def endless(h):
    h.send_response(200)
    h.send_header("Content-Type", "application/sparql-results+json")
    h.end_headers()
    h.wfile.write(HEAD + ROW)
    while True:
        h.wfile.write(b"," + ROW)


def test_limit_stops_reading_an_endless_stream_early(monkeypatch):
    monkeypatch.setenv("GRAPHKIT_TIMEOUT", "20")
    with serving(endless) as server:
        started = time.monotonic()
        result = run_ok("query", "--store", spec(server), "--limit", "3", "SELECT ?x WHERE { ?x ?p ?o }")
    assert result.output.count("\nv") == 3
    assert time.monotonic() - started < 10


def test_an_endless_stream_hits_the_size_limit(monkeypatch):
    monkeypatch.setenv("GRAPHKIT_MAX_RESPONSE_MB", "1")
    with serving(endless) as server:
        result = run("query", "--store", spec(server), "-F", "csv", "SELECT ?x WHERE { ?x ?p ?o }")
    assert result.exit_code == 1
    assert "more than 1 MB" in result.output and "GRAPHKIT_MAX_RESPONSE_MB" in result.output


@pytest.mark.parametrize("where", ["body", "headers"])
def test_a_slow_drip_is_cut_at_the_total_deadline(monkeypatch, where):
    def drip(h):
        if where == "headers":
            h.wfile.write(b"HTTP/1.1 200 OK\r\n")
            while not server.stop.is_set():
                h.wfile.write(b"X")
                h.wfile.flush()
                time.sleep(0.2)
        h.send_response(200)
        h.send_header("Content-Type", "application/sparql-results+json")
        h.end_headers()
        for byte in rows(10_000):
            if server.stop.is_set():
                return
            h.wfile.write(bytes([byte]))
            h.wfile.flush()
            time.sleep(0.2)

    monkeypatch.setenv("GRAPHKIT_TIMEOUT", "1.5")
    with serving(drip) as server:
        started = time.monotonic()
        result = run("query", "--store", spec(server), "SELECT ?x WHERE { ?x ?p ?o }")
        took = time.monotonic() - started
    assert result.exit_code == 1 and "did not answer within 1.5 s" in result.output
    assert took < 6


@pytest.mark.parametrize("value", ["-1", "0", "nan", "inf", "abc"])
def test_bad_timeout_values_are_refused(monkeypatch, value):
    monkeypatch.setenv("GRAPHKIT_TIMEOUT", value)
    result = run("query", "--store", "http://127.0.0.1:9/sparql", "SELECT * WHERE { ?s ?p ?o }")
    assert result.exit_code == 1 and "GRAPHKIT_TIMEOUT must be a positive number" in result.output


# -- malformed answers --------------------------------------------------------------

MALFORMED = {
    "bad row": HEAD + b'{"x": 5}' + TAIL,
    "unknown term type": HEAD + b'{"x":{"type":"weird","value":"v"}}' + TAIL,
    "missing bracket": HEAD + ROW + b"}",
    "not json": b"<<<garbage>>>",
    "not utf-8": HEAD + b'{"x":{"type":"literal","value":"\xff"}}' + TAIL,
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_results_are_a_clear_error_naming_the_endpoint(case):
    with serving(lambda h: answer(h, 200, MALFORMED[case])) as server:
        result = run("query", "--store", spec(server), "SELECT ?x WHERE { ?x ?p ?o }")
        assert result.exit_code == 1, result.output
        assert f"{server.url}/query" in result.output and "malformed" in result.output


def test_an_answer_cut_short_is_a_clear_error():
    def short(h):
        body = rows(3)
        h.send_response(200)
        h.send_header("Content-Type", "application/sparql-results+json")
        h.send_header("Content-Length", str(len(body) + 100))
        h.end_headers()
        h.wfile.write(body[:-20])
        h.close_connection = True

    with serving(short) as server:
        result = run("query", "--store", spec(server), "SELECT ?x WHERE { ?x ?p ?o }")
        assert result.exit_code == 1 and f"{server.url}/query" in result.output


def test_an_answer_cut_at_the_engine_row_limit_is_refused():
    """Virtuoso cuts results at ResultSetMaxRows and says so only in a header."""
    with serving(lambda h: answer(h, 200, rows(3), headers={"X-SPARQL-MaxRows": "3"})) as server:
        result = run("query", "--store", spec(server, engine="virtuoso"), "SELECT ?x WHERE { ?x ?p ?o }")
    assert result.exit_code == 1 and "ResultSetMaxRows" in result.output


# -- error pages --------------------------------------------------------------------


def test_an_html_error_page_becomes_one_short_line():
    page = (
        b"<!DOCTYPE html><html><head><title>Server Error</title><style>p{color:red}</style></head>"
        b"<body><h1>Engine failed: out of memory</h1><p>" + b"x" * 5000 + b"</p></body></html>"
    )
    with serving(lambda h: answer(h, 500, page, "text/html")) as server:
        result = run("query", "--store", spec(server), "SELECT ?x WHERE { ?x ?p ?o }")
    assert result.exit_code == 1
    assert result.output.startswith("Error: Server Error Engine failed: out of memory")
    assert "<" not in result.output and "color" not in result.output and len(result.output) < 600
    assert "HTTP 500" in result.output


def test_the_echoed_query_is_left_out(tmp_path):
    echo = b"Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error\n\nSPARQL query:\nSECRET"
    with serving(lambda h: answer(h, 400, echo, "text/plain")) as server:
        result = run("update", "--store", spec(server, engine="virtuoso"), INSERT)
    assert result.exit_code == 1 and "SP030" in result.output and "SECRET" not in result.output


def test_413_is_reported_and_a_staged_load_removes_its_staging_graph(tmp_path):
    updates = []

    def respond(h):
        text = urllib.parse.parse_qs(h.server_requests[-1][2].decode()).get("update", [""])[0]
        updates.append(text)
        if "<urn:p>" in text and text.count("\n") > 3:
            answer(h, 413, b"Request Entity Too Large", "text/plain")
        elif "<urn:p>" in text:
            answer(h, 500, b"disk full", "text/plain")
        elif h.path.startswith("/query"):
            answer(h, 200, rows(0))
        else:
            answer(h, 200, rows(0))

    data = tmp_path / "d.nt"
    data.write_text("".join(f"<urn:s{i}> <urn:p> <urn:o> .\n" for i in range(8)))
    with serving(respond) as server:
        server.httpd.RequestHandlerClass.server_requests = server.requests
        result = run("load", data, "--store", spec(server, engine="generic"))
    assert result.exit_code == 1 and "disk full" in result.output and "Nothing was written" in result.output
    batches = [u for u in updates if "<urn:p>" in u]
    assert [b.count("<urn:p>") for b in batches] == [8, 4, 2]  # halved and retried, then the 500
    assert updates[-1].startswith("DROP SILENT GRAPH <urn:graphkit:staging:")


def test_graph_store_urls_are_built_with_a_url_library(tmp_path):
    with serving(lambda h: answer(h, 204)) as server:
        data = tmp_path / "d.nt"
        data.write_text("<urn:a> <urn:b> <urn:c> .\n")
        store = spec(server, engine="fuseki", store=f"{server.url}/data?key=1")
        run_ok("load", data, "--store", store)
        _, path, body = server.requests[-1]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query, keep_blank_values=True)
    assert urllib.parse.urlsplit(path).path == "/data" and query == {"key": ["1"], "default": [""]}
    assert b"<urn:a>" in body


def test_engine_detection_reads_the_server_header():
    def respond(h):
        answer(
            h, 200, json.dumps({"head": {}, "boolean": True}).encode(), headers={"Server": "Virtuoso/07.20"}
        )

    import graphkit

    with serving(respond) as server, graphkit.open(server.url + "/sparql") as kg:
        assert kg.backend.engine.name == "virtuoso" and kg.backend.graph.value == "urn:graphkit:graph"
        assert kg.ask("ASK { ?s ?p ?o }")
        fields = urllib.parse.parse_qs(server.requests[-1][2].decode())
        assert fields["default-graph-uri"] == ["urn:graphkit:graph"]

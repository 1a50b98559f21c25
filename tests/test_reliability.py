"""Faults and hostile input: crashes, concurrent writers, injection, huge results, leaks."""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import graphkit
from graphkit.cli import main

GRAPHKIT = [sys.executable, "-c", "from graphkit.cli import main; main()"]


def _write_big_nt(path: Path, triples: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(triples):
            fh.write(
                f'<http://example.org/e{i}> <http://example.org/p> "value {i} with some padding text" .\n'
            )


def _count(store: Path) -> int:
    with graphkit.open(store, read_only=True) as graph:
        return graph.triple_count()


BIG = 800_000
# Kill early (while the file is checked), mid-way and late (while it is written): on any
# machine at least one lands inside the write; every one must leave all or nothing.
KILL_AFTER = (0.5, 2.0, 3.5)


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.nt"
    _write_big_nt(path, BIG)
    return path


def _load_and_kill(big: Path, store: Path, delay: float) -> None:
    process = subprocess.Popen(
        [*GRAPHKIT, "load", str(big), "--store", str(store)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)  # harmless if the load already finished
    process.wait()


@pytest.mark.slow
@pytest.mark.parametrize("delay", KILL_AFTER)
def test_kill_9_during_load_into_existing_store_leaves_all_or_nothing(tmp_path, bundled_ttl, big_file, delay):
    store = tmp_path / "kg"
    with graphkit.open(store, create=True) as graph:
        graph.load([bundled_ttl])
    before = _count(store)
    _load_and_kill(big_file, store, delay)
    assert _count(store) in (before, before + BIG)


@pytest.mark.slow
@pytest.mark.parametrize("delay", KILL_AFTER)
def test_kill_9_during_load_into_new_store_leaves_no_partial_store(tmp_path, big_file, delay):
    store = tmp_path / "fresh"
    _load_and_kill(big_file, store, delay)
    # Either no store at all, or a complete one: never a partial store under the real name.
    if store.exists():
        assert _count(store) == BIG
    else:
        with pytest.raises(graphkit.StoreError):
            graphkit.open(store)


def test_second_writer_process_gets_store_in_use(persistent_store):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, graphkit; kg = graphkit.open(sys.argv[1]); print('ready', flush=True); time.sleep(30)",
            str(persistent_store),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = subprocess.run(
            [*GRAPHKIT, "update", "--store", str(persistent_store), 'INSERT DATA { gkd:x rdfs:label "x" }'],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 1
        assert "in use by another graphkit process" in result.stderr
        assert "Traceback" not in result.stderr
        # Reading is still possible while the writer holds the lock.
        read = subprocess.run(
            [*GRAPHKIT, "stats", "--store", str(persistent_store)], capture_output=True, text=True, timeout=60
        )
        assert read.returncode == 0, read.stderr
    finally:
        holder.kill()
        holder.wait()
    assert "x" not in {
        r["l"]
        for r in graphkit.open(persistent_store, read_only=True).select(
            "SELECT ?l WHERE { gkd:x rdfs:label ?l }"
        )
    }


@pytest.mark.parametrize(
    "text",
    [
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP ALL",
        "DELETE WHERE { ?s ?p ?o }",
        "# comment\nINSERT { <a:b> <a:c> <a:d> } WHERE {}",
    ],
)
def test_query_refuses_updates_and_load(text):
    result = CliRunner().invoke(main, ["query", text])
    assert result.exit_code == 1 and "graphkit update" in result.output


def test_service_is_disabled_by_default_in_query_and_update(persistent_store):
    runner = CliRunner()
    service = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    result = runner.invoke(main, ["query", service])
    assert result.exit_code == 1 and "SERVICE" in result.output
    result = runner.invoke(
        main,
        [
            "update",
            "--store",
            str(persistent_store),
            "INSERT { ?s ?p ?o } WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        ],
    )
    assert result.exit_code == 1 and "SERVICE" in result.output
    # The word inside a string is not a SERVICE call.
    assert runner.invoke(main, ["query", 'SELECT * WHERE { ?s ?p "SERVICE" }']).exit_code == 0


@pytest.mark.parametrize(
    "payload", ['"} ; DROP ALL ; #', "\\u0022) } UNION { ?s ?p ?o } #", "line1\nline2", "gkd:aws> } #", "'"]
)
def test_injection_in_entity_arguments_is_plain_text(persistent_store, payload):
    before = _count(persistent_store)
    runner = CliRunner()
    for args in (["show", payload], ["neighbors", payload], ["path", payload, "AWS"]):
        result = runner.invoke(main, [*args, "--store", str(persistent_store)])
        assert result.exit_code == 2, (args, result.output)
        assert "no entity is called" in result.output
    assert _count(persistent_store) == before


def test_huge_result_streams_and_limit_is_honoured(tmp_path):
    big = tmp_path / "big.nt"
    _write_big_nt(big, 200_000)
    out = tmp_path / "out.csv"
    with out.open("wb") as fh:
        code = subprocess.run(
            [*GRAPHKIT, "query", "--store", str(big), "-F", "csv", "SELECT ?s ?o WHERE { ?s ?p ?o }"],
            stdout=fh,
            timeout=300,
        ).returncode
    assert code == 0
    with out.open(encoding="utf-8") as fh:
        assert sum(1 for _ in fh) == 200_001
    limited = CliRunner().invoke(
        main, ["query", "--store", str(big), "-F", "json", "--limit", "7", "SELECT ?s WHERE { ?s ?p ?o }"]
    )
    assert len(json.loads(limited.output)["results"]["bindings"]) == 7


def test_csv_writer_does_not_hold_rows(tmp_path):
    """The writer consumes an iterator row by row: memory stays flat however many rows."""
    from graphkit.export.results import write_csv

    class Rows:
        variables = (ox.Variable("x"),)

        def __init__(self, n):
            self.n = n

        def __iter__(self):
            for i in range(self.n):
                yield {"x": ox.Literal(f"row {i} " + "x" * 100)}

    sink = open(os.devnull, "w")  # noqa: SIM115
    tracemalloc.start()
    write_csv(Rows(200_000), sink)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    sink.close()
    assert peak < 5_000_000  # 200k rows of 100+ bytes would be > 20 MB if held


def _open_files() -> int:
    return len(os.listdir(f"/proc/{os.getpid()}/fd"))


def _rss_kb() -> int:
    for line in Path(f"/proc/{os.getpid()}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["oxigraph", "remote"])
def test_no_leak_over_1000_mixed_calls(kind, request):
    """1,000 query/neighbors calls: open files stay constant, RSS grows < 30 MB."""
    spec = str(request.getfixturevalue("persistent_store" if kind == "oxigraph" else "remote_store"))

    def round_trip(i: int) -> None:
        with graphkit.open(spec, read_only=True) as graph:
            if i % 2:
                graph.select("SELECT ?x WHERE { gkd:judith-collins ?p ?x } LIMIT 20")
            else:
                aws = graphkit.resolve(graph, "AWS")
                graphkit.neighbors(graphkit.project(graph, focus=aws.iri, depth=1), aws.iri)

    for i in range(50):  # warm caches before measuring
        round_trip(i)
    gc.collect()
    files, rss = _open_files(), _rss_kb()
    for i in range(1000):
        round_trip(i)
    gc.collect()
    assert _open_files() <= files
    assert _rss_kb() - rss < 30_000

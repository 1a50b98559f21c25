"""Ctrl-C and --timeout stop embedded work: exit 130 (or a clear error), never a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import graphkit

GRAPHKIT = [sys.executable, "-c", "from graphkit.cli import main; main()"]
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _interrupt_when_busy(args: list[str], cpu: float = 2.0) -> tuple[subprocess.CompletedProcess, float]:
    """Start graphkit, wait until it has worked ``cpu`` seconds, press Ctrl-C; return how long it took to stop."""
    process = subprocess.Popen([*GRAPHKIT, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while _cpu_seconds(process.pid) < cpu:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    try:
        out, err = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("graphkit ignored Ctrl-C for 20 s")
    elapsed = time.monotonic() - sent
    return subprocess.CompletedProcess(process.args, process.returncode, out, err), elapsed


@pytest.mark.parametrize("where", ["bundled", "embedded"])
def test_ctrl_c_stops_an_embedded_query(where, persistent_store):
    store = [] if where == "bundled" else ["--store", str(persistent_store)]
    result, elapsed = _interrupt_when_busy(["query", CROSS_JOIN, *store])
    assert result.returncode == 130, result.stderr
    assert "Interrupted." in result.stderr
    assert "Traceback" not in result.stderr
    assert elapsed < 2.0  # within a second, with room for a busy machine


def test_ctrl_c_stops_a_load_and_the_next_load_cleans_up(tmp_path):
    big = tmp_path / "big.nt"
    with big.open("w") as fh:
        for i in range(400_000):
            fh.write(f'<http://example.org/e{i}> <http://example.org/p> "value {i} with some padding" .\n')
    store = tmp_path / "kg"
    result, elapsed = _interrupt_when_busy(["load", str(big), "--store", str(store)], cpu=1.5)
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr
    assert elapsed < 2.0
    assert not store.exists()
    small = tmp_path / "small.nt"
    small.write_text('<http://example.org/a> <http://example.org/p> "x" .\n')
    again = subprocess.run(
        [*GRAPHKIT, "load", str(small), "--store", str(store)], capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 0, again.stderr
    assert not list(tmp_path.glob(".kg.loading-*"))


def test_ctrl_c_stops_an_import_into_a_new_store_and_the_next_write_cleans_up(tmp_path):
    """The engine loads while the rows are read; Ctrl-C stops both at once."""
    folder = tmp_path / "csv"
    folder.mkdir()
    with (folder / "entities.csv").open("w") as fh:
        fh.write("id,label,type\n")
        for i in range(300_000):
            fh.write(f"e{i},Entity number {i},Company\n")
    store = tmp_path / "kg"
    result, elapsed = _interrupt_when_busy(["import", str(folder), "--store", str(store)], cpu=2.5)
    assert result.returncode == 130, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert elapsed < 2.0, (elapsed, result.stderr)
    assert not store.exists()
    small = tmp_path / "small.nt"
    small.write_text('<http://example.org/a> <http://example.org/p> "x" .\n')
    again = subprocess.run(
        [*GRAPHKIT, "load", str(small), "--store", str(store)], capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 0, again.stderr
    assert not list(tmp_path.glob(".kg.importing-*"))


@pytest.mark.parametrize("where", ["bundled", "embedded"])
def test_timeout_bounds_an_embedded_query(where, persistent_store):
    store = [] if where == "bundled" else ["--store", str(persistent_store)]
    started = time.monotonic()
    result = subprocess.run(
        [*GRAPHKIT, "query", CROSS_JOIN, "--timeout", "1", *store],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Error: the query did not finish within 1 s" in result.stderr
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 30


def test_timeout_in_python_stops_streaming_rows_too():
    """A query whose rows come slowly is bounded as well, not only its first answer."""
    slow = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(STRLEN(CONCAT(STR(?a), STR(?d), STR(?g))) < 0) }"
    with graphkit.open(timeout=1) as kg:
        started = time.monotonic()
        with pytest.raises(graphkit.QueryError, match="did not finish within 1 s"):
            list(kg.query(slow))
        assert time.monotonic() - started < 10


def test_a_timeout_frees_the_worker_that_reads_a_whole_result():
    """A library read of every row stops in the engine too when its caller gives up, not only the wait."""
    from graphkit.store import worker

    values = " ".join(str(i) for i in range(3000))
    hashed = "STR(?a * ?b)"
    for _ in range(8):  # each row costs some work: 9 million of them take minutes
        hashed = f"SHA512({hashed})"
    slow = f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} FILTER(STRLEN({hashed}) = 128) }}"
    with graphkit.open(timeout=0.3) as kg:
        before = worker.working()
        with pytest.raises(worker.QueryTimeout, match=r"did not finish within 0\.3 s"):
            kg.backend.rows(slow)
        gave_up = time.monotonic()
        while worker.working() > before and time.monotonic() - gave_up < 2:
            time.sleep(0.01)
        assert worker.working() == before, "the worker still reads rows nobody waits for"
        assert len(kg.backend.rows("SELECT ?x WHERE { VALUES ?x { 1 2 3 } }")) == 3


def test_results_still_stream_in_order_and_completely(persistent_store):
    with graphkit.open(persistent_store, read_only=True) as kg:
        rows = [r["s"] for r in kg.select("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o")]
        assert len(rows) == kg.triple_count()
        assert rows == sorted(rows)


def test_a_result_read_only_through_its_iterator_is_read_to_the_end(persistent_store):
    """``for row in kg.query(...)`` drops the result object at once; the rows must still all come."""
    with graphkit.open(persistent_store, read_only=True) as kg:
        assert sum(1 for _ in kg.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")) == kg.triple_count()
        first = next(iter(kg.query("SELECT ?s WHERE { ?s ?p ?o }")))
        assert first["s"] is not None

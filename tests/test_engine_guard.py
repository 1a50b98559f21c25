"""As a program, graphkit reads engine results on the main thread, and a guard thread stops it.

The library (a notebook) keeps the worker thread, so its callers get errors
they can catch; these tests pin the command line's side.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

import graphkit
from graphkit.cli import main
from graphkit.store import worker

# The installed program's way in: ``main()`` with no arguments.
THREADS_AT_EXIT = (
    "import atexit, sys, threading\n"
    "atexit.register(lambda: print(sorted({t.name for t in threading.enumerate()}), file=sys.stderr))\n"
    "from graphkit.cli import main\n"
    "main()\n"
)
GRAPHKIT = [sys.executable, "-c", "from graphkit.cli import main; main()"]
ALL_ROWS = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"


def run_with_threads(*args: str) -> tuple[subprocess.CompletedProcess, str]:
    """The installed program's run with ``args``, and the names of the threads alive at its exit."""
    result = subprocess.run(
        [sys.executable, "-c", THREADS_AT_EXIT, *args], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result, result.stderr.strip().splitlines()[-1]


def test_the_program_reads_rows_on_the_main_thread_under_a_guard(persistent_store):
    result, threads = run_with_threads("query", ALL_ROWS, "-F", "tsv", "--store", str(persistent_store))
    assert "graphkit guard" in threads and "graphkit worker" not in threads
    with graphkit.open(persistent_store, read_only=True) as kg:
        assert len(result.stdout.splitlines()) == kg.triple_count() + 1


def test_in_process_calls_never_hand_the_process_to_the_guard():
    """CliRunner (and ``main([...])``) run inside someone else's process: it must never be ended."""
    result = CliRunner().invoke(main, ["query", "ASK { ?s ?p ?o }"])
    assert result.exit_code == 0
    assert not worker._owned
    with graphkit.open() as kg:
        assert type(kg.query(ALL_ROWS)).__name__ == "Streamed"


def test_version_is_answered_without_click():
    code = "import sys; sys.argv = ['graphkit', '--version']\nfrom graphkit.cli import main\nmain()\nprint('click' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == [f"graphkit, version {graphkit.__version__}", "False"]


def test_the_memory_budget_stops_the_engine_with_a_clear_error():
    started = time.monotonic()
    result = subprocess.run(
        [*GRAPHKIT, "query", "SELECT * WHERE { ?a ?x ?b . ?c ?y ?d } ORDER BY ?a ?b ?c ?d", "-F", "tsv"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "GRAPHKIT_MAX_MEMORY": "200"},
    )
    assert result.returncode == 1
    assert "Error: the engine grew past 200 MB of memory and was stopped" in result.stderr
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 60


def test_ctrl_c_while_rows_are_written_is_taken_by_the_main_thread_once(persistent_store):
    """Stopped between rows (in Python, not in the engine): one message, exit 130, no traceback."""
    query = "SELECT * WHERE { ?a ?x ?b . ?c ?y ?d }"
    process = subprocess.Popen(
        [*GRAPHKIT, "query", query, "-F", "tsv", "--store", str(persistent_store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.read(200_000)  # rows are flowing; now the pipe fills and the writer waits
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    sent = time.monotonic()
    while process.poll() is None and time.monotonic() - sent < 20:
        process.stdout.read(65536)
    err = process.stderr.read().decode() if process.stderr else ""
    assert process.wait(timeout=20) == 130
    assert time.monotonic() - sent < 5
    assert err.count("Interrupted.") == 1, err
    assert "Traceback" not in err


@pytest.mark.parametrize("reader", ["reads", "waits"])
def test_a_timeout_met_between_rows_is_an_error_not_an_interrupt(persistent_store, reader):
    """The deadline passes while rows are written (or wait to be): exit 1 with the timeout error."""
    args = ["query", "SELECT * WHERE { ?a ?x ?b . ?c ?y ?d }", "-F", "tsv", "--timeout", "1"]
    process = subprocess.Popen(
        [*GRAPHKIT, *args, "--store", str(persistent_store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    if reader == "waits":
        time.sleep(3)  # nobody reads: the writer waits on a full pipe when the deadline passes
    out, err = process.communicate(timeout=60)
    assert len(out) > 0
    assert process.returncode == 1, err
    assert b"Error: the query did not finish within 1 s" in err
    assert b"Interrupted." not in err and b"Traceback" not in err


LINGER_AFTER_TIMEOUT = """
import time
import pyoxigraph as ox
from graphkit.store import worker
worker.own_process()
store = ox.Store()
store.extend([ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://e/p"), ox.Literal(i)) for i in range(300)])
rows = worker.query(lambda: store.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"), worker.Deadline(0.5))
try:
    for row in rows:
        pass
except worker.QueryTimeout:
    print("timed out", flush=True)
time.sleep(1.5)
print("still running")
"""


def test_the_guard_lets_the_program_go_on_after_a_timeout_it_raised():
    """The main thread took the timeout between rows: the guard must not end the process later."""
    result = subprocess.run(
        [sys.executable, "-c", LINGER_AFTER_TIMEOUT], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["timed", "out", "still", "running"]


def test_version_to_a_full_disk_is_a_clean_error():
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; sys.argv[1:] = ['--version']\nfrom graphkit.cli import main\nmain()",
            ],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert "Error: No space left on device" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_background_job_that_ignores_ctrl_c_still_ignores_it():
    """Shells start background jobs with SIGINT ignored; the guard must not take it back."""
    process = subprocess.Popen(
        [
            *GRAPHKIT,
            "query",
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
            "--timeout",
            "3",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    time.sleep(1.5)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1, err
    assert "Error: the query did not finish within 3 s" in err
    assert "Interrupted." not in err


OUTSIDE_THE_ENGINE = """
import hashlib
import pyoxigraph as ox
from graphkit.store import worker
worker.own_process()
store = ox.Store()
worker.query(lambda: store.query("ASK { ?s ?p ?o }"))  # the guard is up
print("ready", flush=True)
try:
    hashlib.pbkdf2_hmac("sha256", b"x", b"y", 3_000_000)  # long native work, not the engine's
except KeyboardInterrupt:
    print("taken", flush=True)
"""


def test_ctrl_c_outside_the_engine_is_left_to_the_main_thread():
    """Only an engine call is cut short; other native work ends first and cleans up as usual."""
    process = subprocess.Popen(
        [sys.executable, "-c", OUTSIDE_THE_ENGINE], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline() == "ready\n"
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert out == "taken\n"

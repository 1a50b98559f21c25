"""The benchmark runner still runs: 10k size, one round, no browser. No timed assertions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "benchmarks" / "run.py"

#: (step, baseline) rows that must come back with a positive time on both sides.
TIMED = {
    ("load_store", "pyoxigraph"),
    ("load_memory", "pyoxigraph"),
    ("load_memory", "rdflib"),
    ("sparql_join", "pyoxigraph"),
    ("sparql_join", "rdflib"),
    ("sparql_aggregate", "pyoxigraph"),
    ("sparql_aggregate", "rdflib"),
    ("sparql_optional", "pyoxigraph"),
    ("sparql_optional", "rdflib"),
    ("projection", "networkx"),
    ("projection", "engine rows+nx"),
    ("centrality", "networkx"),
}


@pytest.mark.slow
def test_runner_on_10k(tmp_path):
    out = tmp_path / "10k.json"
    data_file = tmp_path / "10k.nt"
    # A private copy of the data, so the test neither needs nor touches benchmarks/data/.
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "generate.py"),
            "--triples",
            "10000",
            "-o",
            str(data_file),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    cmd = [sys.executable, str(RUNNER), "--size", "10k", "--repeat", "1", "--skip-render"]
    cmd += ["--file", str(data_file), "--json", str(out), "--scratch", str(tmp_path)]
    proc = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "projection" in proc.stdout  # the table was printed

    result = json.loads(out.read_text())
    assert 9_000 < result["triples"] < 11_000
    rows = {(r["step"], r["baseline"]): r for r in result["rows"]}
    missing = TIMED - rows.keys()
    assert not missing, f"steps missing from the JSON: {sorted(missing)}"
    for key in TIMED:
        row = rows[key]
        assert row["graphkit_s"] > 0 and row["baseline_s"] > 0, (key, row)
        assert row["ratio"] > 0 and row["status"] in ("PASS", "MISS", "—"), (key, row)
        assert row["rss_mb"] > 0, (key, row)
    assert rows["rss", "loaded+projected"]["rss_mb"] > 0
    assert rows["projection", "networkx"]["info"]["edges"] > 500


@pytest.mark.slow
def test_import_bench_runs(tmp_path):
    """The import benchmark still runs, on tiny inputs; FtM and CSV give the same triples."""
    pytest.importorskip("followthemoney")
    out = tmp_path / "import.json"
    args = ["--rows", "2000", "--entities", "300", "--data", str(tmp_path / "data"), "--json", str(out)]
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "import_bench.py"), *args], check=True, timeout=600
    )
    rows = {row["step"]: row for row in json.loads(out.read_text())["rows"]}
    assert rows["csv_import"]["triples"] == rows["csv_import"]["baseline_triples"] > 2000
    assert rows["csv_import"]["floor_s"] > 0 and rows["csv_import"]["ratio_to_floor"] > 0
    assert rows["ftm_import"]["triples"] > 300 and rows["ftm_import"]["rss_mb"] > 0


def test_a_slow_or_broken_step_is_a_miss_and_the_run_goes_on(tmp_path, monkeypatch):
    """One step past --step-timeout, one that fails, one that works: all three recorded, JSON after each."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import time

    import run
    from bench.model import Row
    from bench.runner import Bench

    data_file = tmp_path / "tiny.nt"
    data_file.write_text("<urn:a> <urn:p> <urn:b> .\n")
    args = run.parse_args(["--file", str(data_file), "--step-timeout", "1", "--scratch", str(tmp_path)])
    written = []

    def slow(self):
        self.add(Row("slow part done", "—", 0.1, None))
        time.sleep(30)

    def broken(self):
        raise RuntimeError("no such store")

    def fine(self):
        self.add(Row("fine", "—", 0.1, None))

    for name, fn in (("slow", slow), ("broken", broken), ("fine", fine)):
        monkeypatch.setattr(Bench, name, fn, raising=False)
    start = time.perf_counter()
    result = Bench(args).run(["slow", "broken", "fine"], on_step=written.append)
    assert time.perf_counter() - start < 15
    rows = {r["step"]: r for r in result["rows"]}
    assert rows["slow part done"]["graphkit_s"] == 0.1  # what the step measured before it was stopped
    assert rows["slow"]["status"] == "MISS" and "timeout of 1 s" in rows["slow"]["note"]
    assert rows["broken"]["status"] == "MISS" and "RuntimeError: no such store" in rows["broken"]["note"]
    assert rows["fine"]["graphkit_s"] == 0.1
    assert [len(w["rows"]) for w in written] == [2, 3, 4]
    assert set(result["steps"]) == {"slow", "broken", "fine"}
    assert all(s["peak_rss_mb"] > 0 for s in result["steps"].values())


def test_merge_keeps_the_rows_this_run_did_not_measure(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import run

    old = {
        "started": "then",
        "machine": {"commit": "abc"},
        "rows": [{"step": "a", "baseline": "x", "v": 1}, {"step": "b", "baseline": "x", "v": 2}],
    }
    new = {
        "started": "now",
        "rows": [{"step": "b", "baseline": "x", "v": 3}, {"step": "c", "baseline": "x", "v": 4}],
    }
    result = run.merged(old, new)
    assert [(r["step"], r["v"]) for r in result["rows"]] == [("a", 1), ("b", 3), ("c", 4)]
    assert result["started"] == "now"
    assert result["kept_rows"] == {"from_run_started": "then", "commit": "abc", "steps": ["a / x"]}

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

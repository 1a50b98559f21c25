"""The validation benchmark still runs (a small size, no pyshacl). No timed assertions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_validate_bench_runs_and_writes_its_results(tmp_path):
    out = tmp_path / "validate.json"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "validate_bench.py"),
            "--sizes",
            "2k",
            "--pyshacl-timeout",
            "0",
            "--data-dir",
            str(tmp_path),
            "--json",
            str(out),
        ],
        check=False,
        capture_output=True,
        timeout=300,
    )
    result = json.loads(out.read_text())
    (row,) = result["rows"]
    assert row["size"] == "2k" and row["triples"] > 1000
    assert row["load"]["exit"] == 0 and row["validate"]["exit"] == 0, "generated data conforms"
    assert row["validate"]["seconds"] > 0 and row["validate"]["rss_mb"] > 0
    assert row["load_validate_new_store"]["exit"] == 0 and row["load_validate_ratio"] > 0
    assert list(result["checks"]) == [
        "validate/load at 2k <= 3.0",
        "load --validate / (load + validate) at 2k <= 1.1",
    ]

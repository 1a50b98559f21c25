"""Where things are, benchmark sizes, and the generated N-Triples files."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import generate
import pyoxigraph as ox

from .timing import timed

#: benchmarks/
HERE = Path(__file__).resolve().parent.parent
ROOT = HERE.parent
DATA_DIR = HERE / "data"
RESULTS_DIR = HERE / "results"
#: The entry point, which child processes run again (``run.py --child STEP:SIDE``).
RUNNER = HERE / "run.py"

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
#: rdflib's parse rate quoted in issue 6; a rate measured by an earlier run is preferred.
RDFLIB_RATE = 40_000
NT = ox.RdfFormat.N_TRIPLES


def size_triples(text: str) -> int:
    """``10k`` / ``1m`` / ``250000`` as a number of triples.

    >>> size_triples("100k"), size_triples("1M"), size_triples("5000")
    (100000, 1000000, 5000)
    """
    key = text.strip().lower()
    if key in SIZES:
        return SIZES[key]
    if key.endswith("k"):
        return int(float(key[:-1]) * 1_000)
    if key.endswith("m"):
        return int(float(key[:-1]) * 1_000_000)
    return int(key)


def data_file(size: str, seed: int, shape: str = "news") -> Path:
    """The generated N-Triples file for a size and shape, made on first use."""
    prefix = "" if shape == "news" else f"{shape}-"
    path = DATA_DIR / f"{prefix}{size.lower()}-seed{seed}.nt"
    if not path.exists():
        entities = generate.entities_for(size_triples(size), shape)
        seconds, plan = timed(
            lambda: generate.write(path, entities=entities, seed=seed, fmt="nt", shape=shape)
        )
        print(
            f"generated {path.relative_to(ROOT)}: {plan.triples:,} triples in {seconds:.1f}s", file=sys.stderr
        )
    return path


def measured_rdflib_rate() -> float:
    """Triples per second of rdflib's parser on the largest file in the results, else the issue's figure."""
    rates = []  # (triples, rate): the largest file measured is the best guess for a larger one
    for path in sorted(RESULTS_DIR.glob("*.json")):
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            data = json.loads(path.read_text())
            for row in data["rows"]:
                if row["step"] == "load_memory" and row["baseline"] == "rdflib" and row["baseline_s"]:
                    rates.append((data["triples"], data["triples"] / row["baseline_s"]))
    return max(rates)[1] if rates else RDFLIB_RATE


def count_triples(path: Path) -> int:
    store = ox.Store()
    store.bulk_load(path=str(path), format=NT)
    return len(store)

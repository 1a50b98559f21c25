"""``Bench``: runs the steps on one data file and returns the result as a dict."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

import graphkit

from .data import ROOT, count_triples, data_file, measured_rdflib_rate, size_triples
from .memory import MemorySteps
from .model import Row, target_for
from .steps_centrality import CentralitySteps
from .steps_graph import GraphSteps
from .steps_load import LoadSteps
from .steps_query import QuerySteps
from .steps_render import RenderSteps
from .steps_scale import ScaleSteps
from .timing import ChildResult, peak_rss_mb


class Bench(LoadSteps, QuerySteps, GraphSteps, RenderSteps, MemorySteps, ScaleSteps, CentralitySteps):
    """One run on one data file; each step is a method named after it.

    The steps come from steps_load.py, steps_query.py, steps_graph.py and
    steps_render.py; the peak-memory child processes from memory.py.
    """

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.size = args.size.lower()
        self.triples_wanted = size_triples(self.size)
        self.file = args.file or data_file(self.size, args.seed, args.shape)
        self.repeat = args.repeat
        self.budget = args.budget
        self.rdflib_ok = self.triples_wanted <= size_triples(args.rdflib_max)
        self.scratch = Path(tempfile.mkdtemp(prefix="graphkit-bench-", dir=args.scratch))
        self.rows: list[Row] = []
        self.triples = 0
        # Objects kept from one step for the next (the last run's result).
        self.kg: graphkit.KnowledgeGraph | None = None
        self.rdf: Any = None
        self.graph: nx.MultiDiGraph | None = None
        self.projection_timed_out = False
        self.peaks: dict[tuple[str, str], ChildResult] = {}
        self._n = 0
        self.step_peaks: dict[str, dict[str, float]] = {}

    def fresh_dir(self, tag: str) -> Path:
        self._n += 1
        return self.scratch / f"{tag}-{self._n}"

    def add(self, row: Row) -> Row:
        target = target_for(row.step, row.baseline)
        if row.target == "—":
            row.target = target.text
        if row.status == "—":
            row.status = target.check(row.ratio)
        self.rows.append(row)
        return row

    def rdflib_skipped(self, what: str) -> str:
        rate = measured_rdflib_rate()
        return (
            f"skipped (would take ~{self.triples_wanted / rate:.0f}s at {rate / 1000:.0f}k triples/s {what})"
        )

    # -- driver ----------------------------------------------------------------------

    STEPS = (
        "load_store",
        "load_memory",
        "sparql",
        "projection",
        "centrality",
        "betweenness",
        "render",
        "startup",
        "floor",
        "focus",
        "commands",
        "fast_centrality",
    )

    def run(self, steps: list[str], on_step: Callable[[dict], None] | None = None) -> dict[str, Any]:
        started = time.time()
        try:
            for step in steps:
                print(f"[{self.size}] {step} ...", file=sys.stderr, flush=True)
                self.run_step(step)
                if on_step is not None:
                    on_step(self.result(started))
            if not self.args.skip_rss:
                print(f"[{self.size}] peak RSS (one process per step) ...", file=sys.stderr, flush=True)
                self.rss()
        finally:
            if self.kg is not None:
                self.kg.close()
            shutil.rmtree(self.scratch, ignore_errors=True)
        if not self.triples:
            self.triples = count_triples(self.file)
        return self.result(started)

    def run_step(self, step: str) -> None:
        """One step; past ``--step-timeout`` seconds, or on an error, it is a MISS row and the run goes on."""
        limit = self.args.step_timeout
        start = time.perf_counter()

        def stop(signum: int, frame: Any) -> None:
            raise StepTimeout

        previous = signal.signal(signal.SIGALRM, stop) if limit else None
        if limit:
            signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            getattr(self, step)()
        except StepTimeout:
            self.add(Row(step, "—", status="MISS", note=f"stopped after the step timeout of {limit:.0f} s"))
        except Exception as exc:  # one broken step must not lose the figures of the others
            self.add(Row(step, "—", status="MISS", note=f"failed: {type(exc).__name__}: {str(exc)[:300]}"))
        finally:
            if limit:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
        self.step_peaks[step] = {
            "seconds": round(time.perf_counter() - start, 1),
            "peak_rss_mb": round(peak_rss_mb(), 1),
        }

    def result(self, started: float) -> dict[str, Any]:
        """What the JSON file holds; written after every step, so a run cut short keeps its figures."""
        return {
            "size": self.size,
            "shape": self.args.shape,
            "file": str(self.file.relative_to(ROOT) if self.file.is_relative_to(ROOT) else self.file),
            "triples": self.triples,
            "seed": self.args.seed,
            "repeat": self.repeat,
            "started": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started)),
            "elapsed_s": round(time.time() - started, 1),
            "machine": machine(),
            # This process's peak RSS (VmHWM) after each step: it only grows.
            "steps": self.step_peaks,
            "rows": [row.to_json() for row in self.rows],
        }


class StepTimeout(BaseException):
    """A step ran past ``--step-timeout`` (a BaseException, so no ``except Exception`` swallows it)."""


def source_digest() -> str:
    """A short hash of graphkit's Python sources, to tell which code produced the figures."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((ROOT / "graphkit").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def machine() -> dict[str, Any]:
    versions = {}
    for name in ("graphkit", "pyoxigraph", "rdflib", "networkx", "scipy", "pyvis", "nx_parallel"):
        with contextlib.suppress(Exception):
            versions[name] = importlib.import_module(name).__version__
    commit = None
    with contextlib.suppress(Exception):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    dirty = None
    with contextlib.suppress(Exception):
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain", "--", "graphkit"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "commit": commit,
        # The code measured: uncommitted edits to graphkit/ show up here, not in the commit.
        "graphkit_dirty": dirty,
        "graphkit_digest": source_digest(),
        "versions": versions,
    }

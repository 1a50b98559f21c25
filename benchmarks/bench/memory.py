"""Peak RSS: each step once more in a fresh process (``run.py --child STEP:SIDE``)."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

import graphkit

from .data import NT, RUNNER
from .model import TARGETS, Row
from .steps_graph import simple_graph, sketch_projection, term_value
from .steps_query import QUERIES
from .timing import ChildResult, peak_rss_mb, run_child


def child(step: str, side: str, file: Path, scratch: Path | None) -> float:
    """Do ``step`` once as ``side`` would; return the peak RSS in MB."""
    if step == "idle":
        pass
    elif step == "load_store":
        path = Path(tempfile.mkdtemp(prefix=f"rss-{side}-", dir=scratch)) / "store"
        if side == "graphkit":
            kg = graphkit.open(path, create=True)
            kg.load([file])
            kg.close()
        else:
            store = ox.Store(str(path))
            store.bulk_load(path=str(file), format=NT)
            store.flush()
        shutil.rmtree(path.parent, ignore_errors=True)
    elif step == "load_memory":
        if side == "graphkit":
            graphkit.open(file)
        elif side == "pyoxigraph":
            ox.Store().bulk_load(path=str(file), format=NT)
        else:
            import rdflib

            rdflib.Graph().parse(str(file), format="nt")
    elif step == "sparql":
        if side == "graphkit":
            kg = graphkit.open(file)
            results = [kg.select(q) for q in QUERIES.values()]
        else:
            store = ox.Store()
            store.bulk_load(path=str(file), format=NT)
            results = [[[term_value(t) for t in row] for row in store.query(q)] for q in QUERIES.values()]
        del results
    elif step in ("projection", "centrality"):
        if side == "graphkit":
            graph = graphkit.project(graphkit.open(file))
            if step == "centrality":
                graphkit.centrality(graph, "pagerank", top=10)
        else:
            store = ox.Store()
            store.bulk_load(path=str(file), format=NT)
            graph = sketch_projection(store)
            if step == "centrality":
                nx.pagerank(simple_graph(graph))
    else:
        raise SystemExit(f"unknown step {step!r}")
    return peak_rss_mb()


class MemorySteps:
    """The child processes of ``Bench``, and the ``rss`` pass over the rows."""

    def child(self, step: str, side: str) -> ChildResult:
        """Run one step in a fresh process (its peak RSS), at most ``--child-timeout`` seconds."""
        key = (step, side)
        if key not in self.peaks:
            cmd = [sys.executable, str(RUNNER), "--size", self.size, "--file", str(self.file)]
            cmd += ["--child", f"{step}:{side}", "--scratch", str(self.scratch)]
            self.peaks[key] = run_child(cmd, self.args.child_timeout)
            result = self.peaks[key]
            if result.error:
                print(f"{step}:{side} in a child process failed: {result.error}", file=sys.stderr)
        return self.peaks[key]

    def rss(self) -> None:
        steps = {row.step for row in self.rows}
        plan = [("idle", "graphkit")]
        if "load_store" in steps:
            plan += [("load_store", "graphkit"), ("load_store", "pyoxigraph")]
        if "load_memory" in steps:
            plan += [("load_memory", "graphkit"), ("load_memory", "pyoxigraph")]
            if self.rdflib_ok:
                plan.append(("load_memory", "rdflib"))
        if any(s.startswith("sparql") for s in steps):
            plan += [("sparql", "graphkit"), ("sparql", "pyoxigraph")]
        if "projection" in steps:
            plan += [("projection", "graphkit"), ("projection", "engine rows+nx")]
        if "centrality" in steps:
            if not self.projection_timed_out:  # it would time out again
                plan.append(("centrality", "graphkit"))
            plan.append(("centrality", "networkx"))
        for step, side in plan:
            self.child(step, side)
        peaks = {key: r.rss_mb for key, r in self.peaks.items() if r.ok}
        idle = peaks.get(("idle", "graphkit"))
        for row in self.rows:
            family = "sparql" if row.step.startswith("sparql") else row.step
            row.rss_mb = peaks.get((family, "graphkit"), row.rss_mb)
            row.baseline_rss_mb = peaks.get((family, row.baseline), row.baseline_rss_mb)
        probe = self.peaks.get(("projection", "graphkit"))
        if probe is not None and probe.rss_mb is not None:
            target = TARGETS["rss", "loaded+projected"]
            row = Row("rss", "loaded+projected", target=target.text, rss_mb=probe.rss_mb)
            row.baseline_rss_mb = peaks.get(("projection", "engine rows+nx"))
            row.info = {"idle_mb": idle, "child_seconds": probe.seconds}
            if probe.timed_out:
                row.status = "MISS" if probe.rss_mb > target.max_value else "unknown"
                row.note = (
                    f"≥{probe.rss_mb:.0f} MB when project() was stopped at {self.args.child_timeout:.0f}s"
                )
            else:
                row.status = target.check(None, probe.rss_mb)
                row.note = "peak RSS of graphkit.open(FILE) + project()"
            if idle:
                row.note += f"; a process after imports: {idle:.0f} MB"
            self.rows.append(row)

"""The load steps: into an on-disk store, and into memory (against pyoxigraph and rdflib)."""

from __future__ import annotations

import gc
import shutil

import pyoxigraph as ox

import graphkit

from .data import NT
from .model import Row
from .timing import best, process_cpu, race, timed


class LoadSteps:
    """``load_store`` and ``load_memory``, mixed into ``Bench``."""

    def load_store(self) -> None:
        # CPU time of the whole process (every thread) per run: on shared cores, the
        # check thread that runs beside the bulk loader shows here, whatever the load.
        cpu: dict[str, list[float]] = {"graphkit": [], "pyoxigraph": []}

        def gk() -> float:
            path = self.fresh_dir("graphkit-store")

            def run():
                kg = graphkit.open(path, create=True)
                kg.load([self.file])
                kg.close()

            before = process_cpu()
            seconds, _ = timed(run)
            cpu["graphkit"].append(process_cpu() - before)
            if self.store_dir is None and not self.args.store:
                self.store_dir = path  # kept for the later steps that need a store on disk
            else:
                shutil.rmtree(path, ignore_errors=True)
            return seconds

        def raw() -> float:
            path = self.fresh_dir("raw-store")

            def run():
                store = ox.Store(str(path))
                store.bulk_load(path=str(self.file), format=NT)
                store.flush()
                del store

            before = process_cpu()
            seconds, _ = timed(run)
            cpu["pyoxigraph"].append(process_cpu() - before)
            shutil.rmtree(path, ignore_errors=True)
            return seconds

        times = race([("graphkit", gk), ("pyoxigraph", raw)], self.repeat, self.budget)
        row = Row("load_store", "pyoxigraph", best(times["graphkit"]), best(times["pyoxigraph"]), runs=times)
        if cpu["graphkit"] and cpu["pyoxigraph"]:
            ours, theirs = min(cpu["graphkit"]), min(cpu["pyoxigraph"])
            row.info = {
                "cpu_s": round(ours, 2),
                "baseline_cpu_s": round(theirs, 2),
                "cpu_ratio": round(ours / theirs, 2),
            }
        self.add(row)

    def load_memory(self) -> None:
        def gk() -> float:
            if self.kg is not None:
                self.kg.close()
                self.kg = None
                gc.collect()
            seconds, self.kg = timed(lambda: graphkit.open(self.file))
            return seconds

        def raw() -> float:
            def run():
                store = ox.Store()
                store.bulk_load(path=str(self.file), format=NT)
                return store

            seconds, store = timed(run)
            del store
            return seconds

        def rdf() -> float:
            import rdflib

            self.rdf = None
            gc.collect()
            seconds, self.rdf = timed(lambda: rdflib.Graph().parse(str(self.file), format="nt"))
            return seconds

        contenders = [("graphkit", gk), ("pyoxigraph", raw)]
        if self.rdflib_ok:
            contenders.append(("rdflib", rdf))
        times = race(contenders, self.repeat, self.budget)
        self.triples = self.kg.triple_count()
        self.add(
            Row("load_memory", "pyoxigraph", best(times["graphkit"]), best(times["pyoxigraph"]), runs=times)
        )
        if self.rdflib_ok:
            self.add(Row("load_memory", "rdflib", best(times["graphkit"]), best(times["rdflib"]), runs=times))
            rate = self.triples / best(times["rdflib"])
            self.rows[-1].info["rdflib_triples_per_s"] = round(rate)
        else:
            self.add(
                Row("load_memory", "rdflib", best(times["graphkit"]), note=self.rdflib_skipped("to parse"))
            )
            self.rows[-1].status = "skipped"

    def ensure_kg(self) -> graphkit.KnowledgeGraph:
        if self.kg is None:
            self.kg = graphkit.open(self.file)
            self.triples = self.kg.triple_count()
        return self.kg

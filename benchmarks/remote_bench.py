"""Remote stores at 1M triples: graphkit's load against each engine's own bulk loader,
and a focused projection on the remote store against the embedded one.

Not a test. Run it by hand, once, on a quiet machine::

    nice python benchmarks/remote_bench.py [--triples 1000000] [-o benchmarks/results/remote.json]

What it measures, on the file ``benchmarks/generate.py --triples N`` writes:

* **load**: ``graphkit load FILE --store URL`` (through the library, so the
  same code) into a fresh ``oxigraph serve`` and a fresh Virtuoso 7, against
  the engine's own bulk path into a fresh store: ``oxigraph load --location
  DIR --file FILE`` and Virtuoso's ``ld_dir`` + ``rdf_loader_run()`` +
  ``checkpoint`` through ``isql-vt``. The ratio is graphkit / bulk.
* **projection**: ``project(kg, focus=X, depth=2)`` (what ``--focus X --depth
  2`` runs) on each remote store against the embedded store holding the same
  file; X is the entity with the most relationships (the worst case) and one
  of median degree.

Servers run on free 127.0.0.1 ports with their files in a temporary folder,
as in the test suite (``tests/servers.py``), and are stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the servers the test suite starts

from servers import OxigraphServer, VirtuosoServer, oxigraph_binary  # noqa: E402

import graphkit  # noqa: E402


def timed(func):
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def graphkit_load(spec: str, path: Path) -> float:
    def load():
        with graphkit.open(spec, create=True, read_only=False) as kg:
            return kg.load([path])

    seconds, count = timed(load)
    print(f"  graphkit load into {spec}: {seconds:.1f} s ({count} statements)", flush=True)
    return seconds


def focus_entities(store: Path) -> dict[str, str]:
    """The entity with the most relationships, and one of median degree."""
    query = (
        "SELECT ?e (COUNT(?r) AS ?n) WHERE { { ?r rdf:subject ?e } UNION { ?r rdf:object ?e } } "
        "GROUP BY ?e ORDER BY DESC(?n) ?e"
    )
    with graphkit.open(store) as kg:
        rows = kg.select(query)
    return {"hub": rows[0]["e"], "median": rows[len(rows) // 2]["e"]}


def projection(spec: str, focus: str, timeout: float) -> dict:
    """Time ``project(kg, focus=..., depth=2)`` in a child process, stopped after ``timeout`` s."""
    code = (
        "import sys, time, graphkit\n"
        "from graphkit.projection import project\n"
        "with graphkit.open(sys.argv[1]) as kg:\n"
        "    t = time.perf_counter(); g = project(kg, focus=sys.argv[2], depth=2)\n"
        "    print(time.perf_counter() - t, g.number_of_nodes(), g.number_of_edges())\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, spec, focus],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return {"seconds": None, "over": timeout}
    seconds, nodes, edges = done.stdout.split()
    return {"seconds": round(float(seconds), 2), "nodes": int(nodes), "edges": int(edges)}


def bulk_virtuoso(server: VirtuosoServer, data: Path) -> float:
    """Virtuoso's own bulk path into graphkit's graph; seconds taken."""
    shutil.copy(data, server.folder / data.name)

    def load():
        server.sql(f"ld_dir('{server.folder}', '{data.name}', 'urn:graphkit:graph');")
        server.sql("rdf_loader_run();")
        server.sql("checkpoint;")

    seconds, _ = timed(load)
    return seconds


def bulk_oxigraph(location: Path, data: Path) -> float:
    command = [oxigraph_binary(), "load", "--location", str(location), "--file", str(data)]
    seconds, _ = timed(lambda: subprocess.run(command, check=True, capture_output=True))
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "benchmarks" / "results" / "remote.json")
    parser.add_argument("--steps", default="load,projection", help="load, projection or both")
    parser.add_argument("--focus", default="median,hub", help="which focus entities: median, hub")
    parser.add_argument("--projection-timeout", type=float, default=900)
    args = parser.parse_args(argv)
    os.environ.setdefault("GRAPHKIT_TIMEOUT", "3600")
    work = Path(tempfile.mkdtemp(prefix="graphkit-remote-bench-"))
    servers = []
    steps = set(args.steps.split(","))
    try:
        data = work / "bench.nt"
        generate = [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--triples", str(args.triples)]
        subprocess.run([*generate, "-o", data], check=True)
        triples = sum(1 for _ in data.open("rb"))
        print(f"{triples} triples in {data}", flush=True)
        result: dict = {"triples": triples, "machine": platform.platform(), "cpus": os.cpu_count()}
        if "load" in steps:
            print("load: embedded", flush=True)
            result["embedded_load_s"] = round(graphkit_load(str(work / "embedded-gk"), data), 2)
            print("load: oxigraph serve", flush=True)
            oxigraph = OxigraphServer(work / "oxigraph-served")
            servers.append(oxigraph)
            gk = graphkit_load(oxigraph.url, data)
            bulk = bulk_oxigraph(work / "oxigraph-bulk", data)
            print(f"  oxigraph load: {bulk:.1f} s", flush=True)
            result["oxigraph"] = {"graphkit_load_s": round(gk, 2), "bulk_load_s": round(bulk, 2)}
            oxigraph.stop()
            servers.remove(oxigraph)
            print("load: virtuoso", flush=True)
            for name in ("virtuoso-a", "virtuoso-b"):
                (work / name).mkdir()
            virtuoso = VirtuosoServer(work / "virtuoso-a")
            servers.append(virtuoso)
            gk = graphkit_load(virtuoso.url, data)
            virtuoso.stop()
            servers.remove(virtuoso)
            fresh = VirtuosoServer(work / "virtuoso-b")
            servers.append(fresh)
            bulk = bulk_virtuoso(fresh, data)
            print(f"  ld_dir + rdf_loader_run + checkpoint: {bulk:.1f} s", flush=True)
            result["virtuoso"] = {"graphkit_load_s": round(gk, 2), "bulk_load_s": round(bulk, 2)}
            fresh.stop()
            servers.remove(fresh)
            for info in (result["oxigraph"], result["virtuoso"]):
                info["load_ratio"] = round(info["graphkit_load_s"] / info["bulk_load_s"], 2)
        if "projection" in steps:
            # The stores are filled by the engines' bulk loaders (the same triples; the file has
            # no blank nodes), which is quicker than loading each through graphkit again.
            embedded = work / "embedded"
            bulk_oxigraph(embedded, data)
            served = work / "oxigraph-projection"
            shutil.copytree(embedded, served)
            oxigraph = OxigraphServer(served)
            servers.append(oxigraph)
            (work / "virtuoso-c").mkdir()
            virtuoso = VirtuosoServer(work / "virtuoso-c")
            servers.append(virtuoso)
            bulk_virtuoso(virtuoso, data)
            focus = {k: v for k, v in focus_entities(embedded).items() if k in args.focus.split(",")}
            result["focus"] = focus
            for which, iri in focus.items():
                print(f"projection --focus {which} ({iri}) --depth 2", flush=True)
                local = projection(str(embedded), iri, args.projection_timeout)
                result.setdefault("projection", {})[which] = {"embedded": local}
                print(f"  embedded: {local}", flush=True)
                for name, spec in (("oxigraph", oxigraph.url), ("virtuoso", virtuoso.url)):
                    remote = projection(spec, iri, args.projection_timeout)
                    if remote["seconds"] is not None and local["seconds"]:
                        remote["ratio_to_embedded"] = round(remote["seconds"] / local["seconds"], 1)
                    result["projection"][which][name] = remote
                    print(f"  {name}: {remote}", flush=True)
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

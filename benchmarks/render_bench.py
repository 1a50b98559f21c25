"""Time until the HTML view is responsive: graphkit's page against pyvis's defaults.

Not a test. Run it by hand::

    python benchmarks/render_bench.py [--sizes 1000 5000] [--runs 3] [--timeout 180]

What it does
------------
For each size it builds one synthetic graph shaped like graphkit's projection
(a seeded Barabási–Albert network, about 2 edges per node, 8 entity types,
4 relation types, one source per edge). It writes two pages of that graph:

* **graphkit**: ``graphkit.render.render(graph, path)`` with its defaults
  (``--layout auto``: positions precomputed in Python, physics off, for graphs
  above 300 nodes);
* **pyvis defaults**: ``pyvis.network.Network()`` with every node added by
  ``add_node(id, label=..., color=...)`` and every edge by
  ``add_edge(u, v, label=relation)``, then ``write_html``. vis-network's
  default physics, 1,000 stabilisation iterations and ``improvedLayout``
  apply. pyvis's default template loads vis-network from cdnjs and Bootstrap
  from jsdelivr. The machine is offline, so the script serves vis-network
  9.1.2 from pyvis's own copy in site-packages (``page.route`` fulfils the two
  cdnjs URLs; the ``integrity`` attributes are removed from the written file
  because pyvis's bundled build is not byte-identical to the CDN's), and
  aborts every other request to another host (Bootstrap: styling only).

Each page is opened in headless Chromium (/usr/bin/chromium; never
downloaded) in a fresh browser context, best of ``--runs`` runs, graphkit and
pyvis alternating.

"Responsive" is defined as: the wall-clock time from the start of
``page.goto(file://...)`` until (1) vis-network has drawn the network for the
first time, which vis does only after its initial layout is done (during
stabilisation it blocks redraws), and (2) a ``page.evaluate`` round-trip then
answers, showing that the main thread is free. The first drawing is detected
by an init script that wraps ``vis.Network.prototype.emit`` and records the
first ``afterDrawing`` event (it also records ``stabilizationIterationsDone``).
A run that is not responsive within ``--timeout`` seconds counts as a timeout.

The script also reports the Python time to build each page and, once the page
is ready, the time of one redraw (median of 5 synchronous redraws): ``full``
when still, ``pan`` while dragging the view (graphkit hides edges while
dragging or zooming large graphs; pyvis's defaults do not). These are proxies
for how smooth panning and zooming are. It prints a table and writes
``benchmarks/results/render.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
RESULTS = Path(__file__).resolve().parent / "results" / "render.json"
TYPES = [
    "Company",
    "GovernmentAgency",
    "Minister",
    "Country",
    "Document",
    "Initiative",
    "Summit",
    "TechnologySystem",
]
RELATIONS = [
    ("met with", "metWith"),
    ("partner of", "partnerOf"),
    ("supports", "supports"),
    ("based in", "basedIn"),
]
GKD = "https://w3id.org/graphkit/id/"

#: records vis-network's first events; runs before any page script (CDP ignores the page's CSP)
HOOK = """
(() => {
  const bench = window.__bench = { events: {}, network: null };
  let visObject;
  Object.defineProperty(window, "vis", { configurable: true, get() { return visObject; }, set(v) {
    visObject = v;
    let Network;
    Object.defineProperty(v, "Network", { configurable: true, enumerable: true, get() { return Network; }, set(cls) {
      Network = cls;
      const emit = cls.prototype.emit;
      cls.prototype.emit = function (name, ...args) {
        bench.network = this;
        if (!(name in bench.events)) bench.events[name] = performance.now();
        return emit.call(this, name, ...args);
      };
    } });
  } });
})();
"""
DRAWN = "() => window.__bench !== undefined && window.__bench.events.afterDrawing !== undefined"
REDRAW = """() => {
  const renderer = window.__bench.network.renderer;
  const median = (dragging) => {
    const times = [];
    renderer.dragging = dragging;
    for (let i = 0; i < 5; i++) { const t = performance.now(); renderer._redraw(); times.push(performance.now() - t); }
    renderer.dragging = false;
    return times.sort((a, b) => a - b)[2];
  };
  return { full: median(false), pan: median(true) };
}"""


def synthetic_graph(nodes: int, seed: int = 1) -> nx.MultiDiGraph:
    """Projection-shaped: labelled, typed entities; sourced edges with a relation (~2 per node)."""
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    for i in range(nodes):
        kind = TYPES[rng.randrange(len(TYPES))]
        graph.add_node(f"{GKD}bench/{i}", label=f"Entity {i}", type=kind, types=[kind], aliases=[f"E{i}"])
    for j, (u, v) in enumerate(nx.barabasi_albert_graph(nodes, 2, seed=seed).edges()):
        relation, name = RELATIONS[rng.randrange(len(RELATIONS))]
        graph.add_edge(
            f"{GKD}bench/{u}",
            f"{GKD}bench/{v}",
            key=f"{GKD}rel/bench/{j}",
            relation=relation,
            relation_name=name,
            date=str(2020 + j % 5),
            sources=[
                {
                    "title": f"Report {j}",
                    "publisher": "Example News",
                    "url": f"https://example.org/{j}",
                    "date": "2024",
                }
            ],
        )
    return graph


def write_graphkit(graph: nx.MultiDiGraph, folder: Path) -> tuple[Path, float]:
    from graphkit.render import render

    path = folder / f"graphkit-{len(graph)}.html"
    start = time.perf_counter()
    render(graph, path)
    return path, time.perf_counter() - start


def write_pyvis(graph: nx.MultiDiGraph, folder: Path) -> tuple[Path, float]:
    from pyvis.network import Network

    from graphkit.model.schema import load_schema
    from graphkit.render.data import type_style

    schema = load_schema()
    path = folder / f"pyvis-{len(graph)}.html"
    cwd = os.getcwd()
    os.chdir(folder)  # pyvis copies its lib/ folder into the working directory
    try:
        start = time.perf_counter()
        net = Network()
        for node, attrs in graph.nodes(data=True):
            net.add_node(node, label=attrs["label"], color=type_style(schema, None, attrs["type"])[0])
        for u, v, attrs in graph.edges(data=True):
            net.add_edge(u, v, label=attrs["relation"])
        net.write_html(path.name)
        seconds = time.perf_counter() - start
    finally:
        os.chdir(cwd)
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'\s+integrity="[^"]*"', "", text), encoding="utf-8")
    return path, seconds


def _route(vis_folder: Path):
    files = {"vis-network.min.js": "application/javascript", "vis-network.min.css": "text/css"}

    def handle(route) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
            return
        name = url.rsplit("/", 1)[-1]
        if "cdnjs.cloudflare.com" in url and name in files:
            local = vis_folder / ("vis-network.css" if name.endswith(".css") else name)
            route.fulfill(
                status=200,
                body=local.read_bytes(),
                content_type=files[name],
                headers={"Access-Control-Allow-Origin": "*"},
            )
            return
        route.abort()

    return handle


def measure(browser, path: Path, timeout: float, vis_folder: Path) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        context.add_init_script(HOOK)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route("**/*", _route(vis_folder))
        start = time.perf_counter()
        page.goto(path.as_uri(), timeout=timeout * 1000)
        try:
            page.wait_for_function(
                DRAWN, timeout=max(1.0, timeout - (time.perf_counter() - start)) * 1000, polling=50
            )
        except Exception:
            return {"responsive_ms": None, "timeout": True, "errors": errors}
        page.evaluate("() => 1")
        responsive = (time.perf_counter() - start) * 1000
        events = page.evaluate("() => window.__bench.events")
        return {
            "responsive_ms": round(responsive),
            "first_draw_ms": round(events["afterDrawing"]),
            "stabilization_done_ms": round(events["stabilizationIterationsDone"])
            if "stabilizationIterationsDone" in events
            else None,
            **{f"{k}_redraw_ms": round(v, 1) for k, v in page.evaluate(REDRAW).items()},
            "nodes_drawn": page.evaluate("() => window.__bench.network.body.data.nodes.length"),
            "timeout": False,
            "errors": errors,
        }
    finally:
        context.close()


def redraw(result: dict | None) -> str:
    return f"{result['full_redraw_ms']:.0f} / {result['pan_redraw_ms']:.0f}" if result else "-"


def best(runs: list[dict]) -> dict | None:
    done = [r for r in runs if not r["timeout"]]
    return min(done, key=lambda r: r["responsive_ms"]) if done else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per page load")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from graphkit.render.html import vis_folder

    load_before = os.getloadavg()
    results = []
    with tempfile.TemporaryDirectory(prefix="graphkit-bench-") as tmp, sync_playwright() as p:
        folder = Path(tmp)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for size in args.sizes:
            graph = synthetic_graph(size)
            pages = {"graphkit": write_graphkit(graph, folder), "pyvis": write_pyvis(graph, folder)}
            runs: dict[str, list[dict]] = {"graphkit": [], "pyvis": []}
            for _ in range(args.runs):
                for kind in ("graphkit", "pyvis"):
                    if runs[kind] and runs[kind][-1]["timeout"]:
                        continue  # a timed-out page will time out again: do not wait twice
                    runs[kind].append(measure(browser, pages[kind][0], args.timeout, vis_folder()))
                    print(f"  {size} nodes, {kind}: {runs[kind][-1]['responsive_ms']} ms", file=sys.stderr)
            row = {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
            for kind in ("graphkit", "pyvis"):
                row[kind] = {
                    "build_s": round(pages[kind][1], 2),
                    "best": best(runs[kind]),
                    "runs": runs[kind],
                    "page_bytes": pages[kind][0].stat().st_size,
                }
            g, pv = row["graphkit"]["best"], row["pyvis"]["best"]
            row["ratio"] = round(pv["responsive_ms"] / g["responsive_ms"], 1) if g and pv else None
            results.append(row)
        browser.close()

    print()
    print(
        "responsive: ms until first drawing + round-trip; redraw: ms full / while panning; build: s in Python"
    )
    print(
        f"{'nodes':>6} {'edges':>6} | {'graphkit ms':>11} {'redraw':>13} {'build s':>7} | "
        f"{'pyvis ms':>9} {'redraw':>13} {'build s':>7} | {'pyvis/graphkit':>14}"
    )
    for row in results:
        g, pv = row["graphkit"]["best"], row["pyvis"]["best"]
        limit = f">{args.timeout * 1000:.0f}"
        print(
            f"{row['nodes']:>6} {row['edges']:>6} | {g['responsive_ms'] if g else limit:>11} "
            f"{redraw(g):>13} {row['graphkit']['build_s']:>7} | "
            f"{pv['responsive_ms'] if pv else limit:>9} {redraw(pv):>13} {row['pyvis']['build_s']:>7} | "
            f"{(str(row['ratio']) + 'x') if row['ratio'] else ('>' + str(round(args.timeout * 1000 / g['responsive_ms'], 1)) + 'x' if g else '-'):>14}"
        )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {
                "definition": "ms from page.goto(file://) until vis-network's first drawing (after its initial layout) "
                "and a page.evaluate round-trip; best of runs, alternating graphkit and pyvis",
                "runs": args.runs,
                "timeout_s": args.timeout,
                "machine": {
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                    "cpus": os.cpu_count(),
                    "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in os.getloadavg()],
                },
                "results": results,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nWrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

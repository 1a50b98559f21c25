"""The render step: benchmarks/render_bench.py, graphkit's page against pyvis."""

from __future__ import annotations

import contextlib
import importlib
import json
import sys
from typing import Any

from .model import Row


def render_row(result: dict[str, Any], timeout: float) -> Row:
    """One render_bench result (a page size) as a row: responsive ≤ 3 s and ≥ 10× faster than pyvis."""
    gk = (result.get("graphkit") or {}).get("best")
    pv = (result.get("pyvis") or {}).get("best")
    gk_s = gk["responsive_ms"] / 1000 if gk else None
    pv_s = pv["responsive_ms"] / 1000 if pv else None
    row = Row(f"render_{result['nodes']}", "pyvis defaults", gk_s, pv_s, target="≤3 s; ≥10× faster")
    row.info = {"nodes": result.get("nodes"), "edges": result.get("edges")}
    if gk_s is None:
        row.status, row.note = "MISS", f"graphkit page not responsive within {timeout:.0f}s"
        return row
    if pv_s is None:  # pyvis timed out: it is at least timeout/gk_s times slower
        row.note = f"pyvis not responsive within {timeout:.0f}s (>{timeout / gk_s:.0f}× slower)"
        faster = timeout / gk_s
    else:
        faster = pv_s / gk_s
    row.status = "PASS" if gk_s <= 3 and faster >= 10 else "MISS"
    return row


class RenderSteps:
    """``render``, mixed into ``Bench``."""

    def render(self) -> None:
        """Hook for benchmarks/render_bench.py (another engineer's; imported, never edited here).

        Uses ``render_bench.run_for_runner(repeat=N, timeout=S)`` returning rows
        (dicts with Row's fields) when it has one; otherwise calls its
        ``main(argv)`` with ``--runs N --timeout S --output TMP.json`` and reads the
        JSON it writes (one result per page size). The pages are render_bench's
        own synthetic graphs of 1,000 and 5,000 nodes, whatever ``--size`` is.
        """
        try:
            render_bench = importlib.import_module("render_bench")
        except ModuleNotFoundError:
            self.add(
                Row(
                    "render",
                    "pyvis defaults",
                    status="not run",
                    note="benchmarks/render_bench.py is not there",
                )
            )
            return
        timeout, runs = self.args.render_timeout, self.args.render_runs
        try:
            hook = getattr(render_bench, "run_for_runner", None)
            if hook is not None:
                for result in hook(repeat=runs, timeout=timeout):
                    fields = {k: v for k, v in result.items() if k in Row.__dataclass_fields__}
                    self.add(Row(**{"step": "render", "baseline": "pyvis defaults", **fields}))
                return
            output = self.scratch / "render.json"
            argv = ["--runs", str(runs), "--timeout", str(timeout), "--output", str(output)]
            with contextlib.redirect_stdout(sys.stderr):
                render_bench.main(argv)
            data = json.loads(output.read_text())
            for result in data["results"]:
                self.add(render_row(result, data.get("timeout_s", timeout)))
        except Exception as exc:  # a browser missing or a changed interface must not lose the other figures
            self.add(
                Row("render", "pyvis defaults", status="failed", note=f"{type(exc).__name__}: {exc}"[:200])
            )

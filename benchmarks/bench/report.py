"""Output: the text table of one run, and the README's Markdown table across runs."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def fmt_mb(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def table(result: dict[str, Any]) -> str:
    head = ("step", "baseline", "graphkit", "baseline", "ratio", "target", "status", "RSS MB gk/base", "note")
    lines = []
    for row in result["rows"]:
        ratio = "—" if row["ratio"] is None else f"{row['ratio']:.2f}×"
        rss = f"{fmt_mb(row['rss_mb'])}/{fmt_mb(row['baseline_rss_mb'])}"
        lines.append(
            (
                row["step"],
                row["baseline"],
                fmt_seconds(row["graphkit_s"]),
                fmt_seconds(row["baseline_s"]),
                ratio,
                row["target"],
                row["status"],
                rss,
                row["note"],
            )
        )
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines, strict=True)]
    widths[-1] = 0  # the note is free text
    out = io.StringIO()
    title = (
        f"graphkit benchmarks: {result['size']} ({result['triples']:,} triples), best of {result['repeat']}"
    )
    out.write(title + "\n")
    for cells in (head, (*("-" * w for w in widths[:-1]), ""), *lines):
        out.write("  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip() + "\n")
    return out.getvalue()


def markdown(paths: list[Path]) -> str:
    """One Markdown table of ratios (and times) across result files, for the README."""
    results = [json.loads(p.read_text()) for p in paths]
    keys: list[tuple[str, str]] = []
    cells: dict[tuple[str, str], dict[str, str]] = {}
    targets: dict[tuple[str, str], str] = {}
    for result in results:
        for row in result["rows"]:
            key = (row["step"], row["baseline"])
            if key not in cells:
                keys.append(key)
                cells[key] = {}
            targets[key] = row["target"]
            if row["step"] == "rss":
                text = f"{fmt_mb(row['rss_mb'])} MB"
            elif row["status"] == "skipped":
                text = "skipped"
            elif row["ratio"] is not None:
                text = f"{row['ratio']:.2f}× ({fmt_seconds(row['graphkit_s'])} / {fmt_seconds(row['baseline_s'])})"
            elif row["graphkit_s"] is not None:  # the baseline did not finish
                text = f"{fmt_seconds(row['graphkit_s'])}; {row['note']}"
            elif row["baseline_s"] is not None:  # graphkit did not finish
                text = f"— / {fmt_seconds(row['baseline_s'])}; {row['note']}"
            else:
                text = row["status"]
            if row["status"] in ("PASS", "MISS"):
                text += f" **{row['status']}**"
            cells[key][result["size"]] = text
    sizes = [r["size"] for r in results]
    out = [
        "| step | vs | target | "
        + " | ".join(f"{s} ({r['triples']:,} triples)" for s, r in zip(sizes, results, strict=True))
        + " |"
    ]
    out.append("|" + "---|" * (3 + len(sizes)))
    for key in keys:
        row = " | ".join(cells[key].get(s, "") for s in sizes)
        out.append(f"| {key[0]} | {key[1]} | {targets[key]} | {row} |")
    return "\n".join(out) + "\n"

"""Screenshots and legibility figures of the HTML view, for README. Not a test.

Run it from the repository root::

    python benchmarks/screenshots.py [--prefix after] [--out benchmarks/screenshots]

It renders the bundled map, its ``--focus "Judith Collins" --depth 2`` view and
the example story (when this version of graphkit has ``graphkit story``),
opens each page in headless Chromium (/usr/bin/chromium, never downloaded) at
1400×900 with the network off, and writes ``PREFIX-map.png`` and
``PREFIX-story.png``. For each map it prints what a reader sees at the first
fit, measured in the browser from vis-network's own drawing state (see
``tests/view_measure.py``): the smallest node label on screen in pixels, how
much of the canvas the drawing fills, and how many pairs of node labels
overlap. ``before-map.png`` in README was made with this script on the
commit before the view was reworked (``git worktree add`` that commit, then
run this script with ``PYTHONPATH`` pointing at it and ``--prefix before``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from view_measure import measure  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
READY = "() => window.graphkitView !== undefined && window.graphkitView.ready === true"


def pages(folder: Path) -> dict[str, Path]:
    import graphkit
    from graphkit.render import render

    out = {"map": folder / "map.html", "collins": folder / "collins.html"}
    with graphkit.open() as kg:
        render(kg, out["map"])
        render(kg, out["collins"], focus="Judith Collins", depth=2)
        try:
            from graphkit.render.story import build_story
            from graphkit.vocab import data_dir
        except ImportError:
            return out
        out["story"] = folder / "story.html"
        build_story(kg, data_dir() / "stories" / "collins-pacific-cyber.yaml", out["story"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", default="after")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "screenshots")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for name, path in pages(Path(tmp)).items():
            context = browser.new_context(offline=True, viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.goto(path.as_uri())
            page.wait_for_function(READY, timeout=60_000)
            page.wait_for_timeout(300)
            seen = measure(page)
            print(
                f"{name:8} min label {seen['minLabelPx']:.1f} px, fills {seen['fillWidth']:.0%} of the width "
                f"and {seen['fillHeight']:.0%} of the height, {len(seen['overlaps'])} label overlaps, "
                f"{seen['labels']} labels drawn"
            )
            if name in ("map", "story"):
                page.screenshot(path=str(args.out / f"{args.prefix}-{name}.png"))
            context.close()
        browser.close()


if __name__ == "__main__":
    main()

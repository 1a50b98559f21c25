"""The self-contained HTML page: our own template, vis-network inlined, data as JSON.

pyvis's template is not used: it loads Bootstrap from a CDN even in
``in_line`` mode, inserts the heading unescaped and uses ``innerHTML`` for
titles that contain "href". pyvis supplies the vis-network files only.

Safety rules of the page:

* text from the data or the command line goes into the template escaped by
  Jinja's autoescape (the title) or into a ``<script type="application/json">``
  block with ``<``, ``>``, ``&`` and U+2028/U+2029 escaped as ``\\u003c`` etc.;
* the page's script builds the DOM with ``textContent``/``createElement``;
* a Content-Security-Policy allows only the page's own two scripts (by
  SHA-256 hash), inline styles and ``data:`` images, and no connection at
  all, so even a missed escape could neither run a script nor call out.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from functools import cache
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from graphkit.__about__ import __version__

VIS_VERSION = "9.1.2"
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def vis_folder() -> Path:
    """pyvis's copy of vis-network (standalone build: includes vis-data)."""
    import pyvis

    return Path(pyvis.__file__).resolve().parent / "lib" / f"vis-{VIS_VERSION}"


@cache
def _assets() -> dict[str, str]:
    folder = vis_folder()
    here = resources.files("graphkit.render")
    assets = {
        "vis_js": (folder / "vis-network.min.js").read_text(encoding="utf-8"),
        "vis_css": (folder / "vis-network.css").read_text(encoding="utf-8"),
        "view_js": here.joinpath("view.js").read_text(encoding="utf-8"),
        "view_css": here.joinpath("view.css").read_text(encoding="utf-8"),
        "story_js": here.joinpath("story.js").read_text(encoding="utf-8"),
        "template": here.joinpath("template.html").read_text(encoding="utf-8"),
    }
    for name in ("vis_js", "view_js", "story_js"):
        if "</script" in assets[name].lower() or "<!--" in assets[name]:
            raise RuntimeError(f"{name} cannot be inlined safely: it contains </script or <!--")
    for name in ("vis_css", "view_css"):
        if "</style" in assets[name].lower():
            raise RuntimeError(f"{name} cannot be inlined safely: it contains </style")
    return assets


def script_json(data: object) -> str:
    """JSON that is safe inside ``<script type="application/json">`` (and stable: keys sorted).

    >>> script_json({"label": "</script><b>&\\u2028"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026\\\\u2028"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    for raw, escaped in _JSON_ESCAPES.items():
        text = text.replace(raw, escaped)
    return text


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(scripts: list[str]) -> str:
    """No network at all; only the given inline scripts run; inline styles and data: images allowed."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(_sha256(s) for s in scripts),
            "style-src 'unsafe-inline'",
            "img-src data:",
            "connect-src 'none'",
            "font-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def page(data: dict, *, title: str, summary: str, story: dict | None = None) -> str:
    """The whole HTML document for ``data`` (from :func:`graphkit.render.data.view_data`).

    With ``story`` (from :func:`graphkit.render.story.story_data`) the page
    also carries the story's steps and the script that steps through them.
    """
    assets = _assets()
    scripts = [assets["vis_js"], assets["view_js"]] + ([assets["story_js"]] if story else [])
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    template = env.from_string(assets["template"])
    return template.render(
        title=title,
        summary=summary,
        size_by=data.get("size_by", "degree"),
        version=__version__,
        csp=content_security_policy(scripts),
        vis_css=Markup(assets["vis_css"]),
        view_css=Markup(assets["view_css"]),
        vis_js=Markup(assets["vis_js"]),
        view_js=Markup(assets["view_js"]),
        data_json=Markup(script_json(data)),
        story_json=Markup(script_json(story)) if story else None,
        story_js=Markup(assets["story_js"]) if story else None,
    )


def iframe(document: str, *, height: int = 650) -> str:
    """An ``<iframe srcdoc>`` showing ``document`` (for Jupyter): escaped, sandboxed, no requests."""
    return (
        f'<iframe srcdoc="{html.escape(document, quote=True)}" '
        'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
        f'style="width: 100%; height: {int(height)}px; border: 1px solid #dadce0;" '
        'title="graphkit network view"></iframe>'
    )

"""The timeline as a small self-contained HTML page: one escaped table, no script, no request.

>>> page = timeline_page([{"when": "2024", "from": "<b>A</b>", "relation": "met with", "to": "B",
...     "description": None, "sources": [{"title": "T", "url": "javascript:x"}]}], title="Timeline")
>>> "<b>A</b>" in page, "&lt;b&gt;A&lt;/b&gt;" in page, "javascript:" in page
(False, True, False)
"""

from __future__ import annotations

from html import escape

from graphkit.render.data import safe_url

_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 16px; color: #202124; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #dadce0; }
th { color: #5f6368; font-weight: 600; }
td.when { white-space: nowrap; font-variant-numeric: tabular-nums; }
.approx { color: #8a4b00; }
.meta { color: #5f6368; }
ol { margin: 0; padding-left: 18px; }
"""


def _source(source: dict) -> str:
    title = escape(str(source.get("title") or source.get("iri") or "untitled source"))
    url = safe_url(source.get("url"))
    head = f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer">{title}</a>' if url else title
    meta = ", ".join(escape(str(x)) for x in (source.get("publisher"), source.get("date")) if x)
    return f"<li>{head}" + (f' <span class="meta">({meta})</span>' if meta else "") + "</li>"


def timeline_page(rows: list[dict], *, title: str, note: str = "") -> str:
    """A whole HTML document listing ``rows`` (from :func:`graphkit.analysis.timeline.timeline`)."""
    body = []
    for r in rows:
        when = escape(r["when"])
        if r.get("approximate"):
            when = f'<span class="approx" title="approximate">{when}</span>'
        what = f"{escape(str(r['from']))} <em>{escape(str(r['relation']))}</em> {escape(str(r['to']))}"
        if r.get("description"):
            what += f'<div class="meta">{escape(str(r["description"]))}</div>'
        sources = "".join(_source(s) for s in r.get("sources") or [] if isinstance(s, dict))
        body.append(f'<tr><td class="when">{when}</td><td>{what}</td><td><ol>{sources}</ol></td></tr>')
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n"
        + (f'<p class="meta">{escape(note)}</p>\n' if note else "")
        + "<table>\n<thead><tr><th>when</th><th>what</th><th>sources</th></tr></thead>\n<tbody>\n"
        + "\n".join(body)
        + "\n</tbody>\n</table>\n</body>\n</html>\n"
    )

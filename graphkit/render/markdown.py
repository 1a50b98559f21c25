"""A small, safe Markdown subset for story captions, as a tree the page builds with DOM calls.

Supported: paragraphs (blank lines), bullet lists (``-`` or ``*``), ``**bold**``,
``*italic*`` or ``_italic_``, ``code`` in backticks and ``[text](https://...)``
links. Nothing is ever HTML: raw tags stay literal text, and a link whose
target is not http(s) keeps only its text. The page turns the tree into
elements with ``createElement`` and ``textContent``.

>>> to_tree("Hi **there** <b>x</b> [site](https://e.org) [bad](javascript:alert`1`)")
[['p', ['Hi ', ['strong', ['there']], ' <b>x</b> ', ['a', 'https://e.org', ['site']], ' bad']]]
>>> to_tree("- one\\n- *two*")
[['ul', [['li', ['one']], ['li', [['em', ['two']]]]]]]
"""

from __future__ import annotations

import re

from graphkit.render.data import safe_url

_INLINE = re.compile(
    r"\*\*(?P<strong>.+?)\*\*"
    r"|`(?P<code>[^`]+)`"
    r"|\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]+)\)"
    r"|(?<![\w*])\*(?P<em>[^*\s][^*]*?)\*(?![\w*])"
    r"|(?<!\w)_(?P<em2>[^_\s][^_]*?)_(?!\w)"
)
_ITEM = re.compile(r"^\s*[-*]\s+(.*)$")


def inline(text: str) -> list:
    """Inline Markdown to a list of strings and ``[tag, children]`` (links: ``["a", url, children]``)."""
    out: list = []
    pos = 0
    for match in _INLINE.finditer(text):
        if match.start() > pos:
            out.append(text[pos : match.start()])
        if match.group("strong") is not None:
            out.append(["strong", inline(match.group("strong"))])
        elif match.group("code") is not None:
            out.append(["code", [match.group("code")]])
        elif match.group("text") is not None:
            url = safe_url(match.group("url"))
            out.extend([["a", url, inline(match.group("text"))]] if url else inline(match.group("text")))
        else:
            out.append(["em", inline(match.group("em") or match.group("em2"))])
        pos = match.end()
    if pos < len(text):
        out.append(text[pos:])
    merged: list = []
    for part in out:  # join neighbouring strings
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return merged


def to_tree(markdown: str) -> list:
    """Block-level Markdown (paragraphs and bullet lists) to a tree of ``["p" | "ul", children]``."""
    blocks: list = []
    for chunk in re.split(r"\n\s*\n", str(markdown).strip()):
        lines = [line for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if all(_ITEM.match(line) for line in lines):
            blocks.append(["ul", [["li", inline(_ITEM.match(line).group(1).strip())] for line in lines]])
        else:
            blocks.append(["p", inline(" ".join(line.strip() for line in lines))])
    return blocks

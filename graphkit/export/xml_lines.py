"""XML written as lines: ElementTree's escapes and networkx's indentation, without the tree.

Text and attribute values pass through one ``str.translate`` table each:
characters that XML 1.0 forbids (C0 controls but tab and line ends,
surrogates, U+FFFE, U+FFFF) become U+FFFD (:func:`safe` alone does only
that), and ``& < > "`` and line ends are escaped as ElementTree escapes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

#: What XML 1.0 forbids, even as a character reference: C0 controls but tab and line ends,
#: surrogates, U+FFFE, U+FFFF.
_FORBIDDEN_RANGES = ((0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0xD800, 0xDFFF), (0xFFFE, 0xFFFF))
FORBIDDEN = re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in _FORBIDDEN_RANGES) + "]")
_REPLACED = {code: "\ufffd" for a, b in _FORBIDDEN_RANGES for code in range(a, b + 1)}
_TEXT = str.maketrans({**_REPLACED, **str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})})
_ATTRIBUTE = str.maketrans(
    {
        **_REPLACED,
        **str.maketrans(
            {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\t": "&#09;"}
        ),
    }
)
#: Lines gathered before each write.
CHUNK = 4096


def _line_ends(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


def safe(value: str) -> str:
    r"""Text that XML 1.0 can carry: forbidden characters become U+FFFD, line ends ``\n``.

    Line ends become ``\n`` as every XML reader would read them anyway.

    >>> safe("a\x01b\r\nc\ufffe") == "a\ufffdb\nc\ufffd"
    True
    """
    return _line_ends(value).translate(_REPLACED)


def text(value: str) -> str:
    """Element text, XML-safe and escaped.

    >>> text("a < b & c\\x07")
    'a &lt; b &amp; c\\ufffd'
    """
    return _line_ends(value).translate(_TEXT)


def attribute(value: str) -> str:
    """An attribute value, XML-safe and escaped (line ends and tabs as character references).

    >>> attribute('say "hi"\\r\\n\\tthere')
    'say &quot;hi&quot;&#10;&#09;there'
    """
    return _line_ends(value).translate(_ATTRIBUTE)


def element(opening: str, children: list[str], indent: str) -> Iterator[str]:
    """An element's lines: ``<tag ...>``, its children's lines, ``</tag>``; or ``<tag ... />`` alone.

    >>> list(element('<node id="a"', [], "  "))
    ['  <node id="a" />\\n']
    """
    if children:
        yield f"{indent}{opening}>\n"
        yield from children
        name = opening[1:].split(" ", 1)[0]
        yield f"{indent}</{name}>\n"
    else:
        yield f"{indent}{opening} />\n"


def write_lines(lines: Iterator[str], out) -> None:
    """Write lines to a binary stream in UTF-8, :data:`CHUNK` lines at a time."""
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= CHUNK:
            out.write("".join(chunk).encode("utf-8"))
            chunk.clear()
    out.write("".join(chunk).encode("utf-8"))

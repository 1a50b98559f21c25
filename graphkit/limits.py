"""The documented limits on what graphkit reads, in one place.

Oxigraph's parsers refuse any token longer than 16 MiB, and a literal that
graphkit writes may grow up to six times on the way out (``\\u0001`` in
N-Triples). A literal of at most :data:`MAX_LITERAL_BYTES` therefore always
reads back, whatever the format. Every input path (RDF files, SPARQL
updates, CSV cells, imported values) checks the same limit.
"""

from __future__ import annotations

from graphkit.errors import GraphkitError

#: Largest literal (or CSV cell) accepted, in bytes of UTF-8: 2 MiB.
MAX_LITERAL_BYTES = 2 * 1024 * 1024
#: Deepest element nesting accepted in RDF/XML (parse time grows with its square).
MAX_XML_DEPTH = 200
#: Most text that entity references may add to an RDF/XML file, in bytes.
MAX_ENTITY_EXPANSION = 1024 * 1024


def describe_size(size: int) -> str:
    """A size in bytes as people read it.

    >>> describe_size(MAX_LITERAL_BYTES)
    '2 MiB'
    >>> describe_size(17_000_000)
    '16.2 MiB'
    """
    mib = size / (1024 * 1024)
    return f"{mib:.0f} MiB" if mib == int(mib) else f"{mib:.1f} MiB"


def literal_too_long(text: str) -> bool:
    """True when ``text`` is over :data:`MAX_LITERAL_BYTES` in UTF-8.

    >>> literal_too_long("short"), literal_too_long("x" * (MAX_LITERAL_BYTES + 1))
    (False, True)
    """
    # Four bytes per character at most: most texts need no encoding to decide.
    if len(text) * 4 <= MAX_LITERAL_BYTES:
        return False
    return len(text.encode("utf-8", "surrogatepass")) > MAX_LITERAL_BYTES


def too_long_message(size: int | None = None) -> str:
    """The one message for a literal over the limit (``size`` in bytes, when known).

    >>> too_long_message(3_000_000)
    'a literal of 2.9 MiB is longer than the limit of 2 MiB (2097152 bytes); ...'
    """
    what = f"a literal of {describe_size(size)}" if size is not None else "a literal"
    return (
        f"{what} is longer than the limit of {describe_size(MAX_LITERAL_BYTES)} "
        f"({MAX_LITERAL_BYTES} bytes); store long texts as files and link to them"
    )


def check_literal(text: str) -> str:
    """Return ``text``, or raise :class:`GraphkitError` when it is over the limit.

    For importers: call it on every value that becomes a literal, and report
    the error with the row and column.

    >>> check_literal("fine")
    'fine'
    """
    if literal_too_long(text):
        raise GraphkitError(too_long_message(len(text.encode("utf-8", "surrogatepass"))))
    return text

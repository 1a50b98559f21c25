"""The load check of a line-based file (N-Triples, N-Quads), parsing only the lines that can fail it.

Beside the bulk loader, :func:`graphkit.store.formats.check_file` makes a
Python object of every statement to check its literals: on an idle machine,
where the loader keeps both cores busy, that is a quarter more CPU than the
load itself. In N-Triples and N-Quads a datatype can only be written as
``^^<IRI>`` and a statement is one line, so only the lines holding ``^^``
can hold an ill-typed literal, and only the lines longer than the limit can
hold a literal over it: those are parsed, the others only counted. Syntax
errors on the other lines are the loader's to find; the caller then runs the
full check for the exact ``file:line:column``.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from graphkit.errors import ParseError
from graphkit.limits import MAX_LITERAL_BYTES

#: The formats whose statements are one line each.
LINE_FORMATS = frozenset({ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS})
_CHUNK = 1 << 20
#: A line longer than this may hold a literal over the limit (four UTF-8 bytes at most per character).
_SHORT = MAX_LITERAL_BYTES // 4
#: A line longer than this is not held whole: the full check reads it as it always did.
_HELD = 2 * MAX_LITERAL_BYTES


def check_lines(path: Path, fmt: ox.RdfFormat) -> None:
    """Check the literals of ``path`` (ill-typed, over the limit) and that it holds a statement.

    Raises the same :class:`~graphkit.errors.ParseError` as
    :func:`~graphkit.store.formats.check_file` for those; a picked line that
    does not parse, or a line too long to hold, hands over to the full check.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> integer = "<http://www.w3.org/2001/XMLSchema#integer>"
    >>> _ = (folder / "a.nt").write_text(f'<https://e.org/a> <https://e.org/n> "x"^^{integer} .\\n')
    >>> check_lines(folder / "a.nt", ox.RdfFormat.N_TRIPLES)
    Traceback (most recent call last):
    ...
    graphkit.errors.ParseError: ...: 'x' is not a valid xsd:integer
    """
    from graphkit.store.formats import check_file

    if fmt not in LINE_FORMATS:
        check_file(path, fmt, progress=False)
        return
    stated = False
    rest = b""
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            data = rest + chunk
            end = len(data) if not chunk else data.rfind(b"\n") + 1
            lines, rest = data[:end], data[end:]
            if len(rest) > _HELD:
                check_file(path, fmt, progress=False)
                return
            if lines:
                stated = stated or _states(lines)
                picked = [line for line in lines.split(b"\n") if b"^^" in line or len(line) > _SHORT]
                if picked and not _literals_pass(path, fmt, b"\n".join(picked)):
                    check_file(path, fmt, progress=False)  # the exact place of the error
                    return
            if not chunk:
                break
    if not stated:
        raise ParseError("the file contains no RDF statements", str(path))


def _states(lines: bytes) -> bool:
    """Whether ``lines`` hold a statement: a line that is neither blank nor a comment."""
    # Anything else (a byte order mark included) is left to the loader, whose verdict then stands.
    return any(line.strip() and not line.lstrip().startswith(b"#") for line in lines.split(b"\n"))


def _literals_pass(path: Path, fmt: ox.RdfFormat, text: bytes) -> bool:
    """Check the literals of ``text`` (whole lines of ``path``); False when it does not parse alone."""
    from graphkit.store.formats import PARSE_FAILURES, check_literals

    try:
        check_literals(ox.parse(text, fmt), path)
    except PARSE_FAILURES:
        return False
    return True

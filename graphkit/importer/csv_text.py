"""A CSV file as a stream of text: read a piece at a time, so memory does not grow with its size.

The encoding is checked in a first pass (an incremental decoder, one piece
of :data:`READ_SIZE` bytes at a time); the rows are then read through a
:class:`io.TextIOWrapper`, one physical line at a time, each line at most
:data:`MAX_LINE` characters (the csv module holds a line whole while it
parses it).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

#: Largest cell accepted (the csv module's default limit is 128 KiB).
MAX_CELL = 256 * 1024 * 1024
#: Bytes read from a file at a time: memory holds a few such pieces, whatever the file's size.
READ_SIZE = 1 << 20
#: Longest physical line accepted.
MAX_LINE = MAX_CELL


class LineTooLong(Exception):
    """A physical line over :data:`MAX_LINE` characters."""


@contextlib.contextmanager
def large_cells() -> Iterator[None]:
    """Let the csv module read cells up to :data:`MAX_CELL` (default: 128 KiB).

    >>> with large_cells():
    ...     csv.field_size_limit() == MAX_CELL
    True
    """
    previous = csv.field_size_limit()
    csv.field_size_limit(min(MAX_CELL, sys.maxsize))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def utf8_problem(path: Path) -> str | None:
    """None when ``path`` is UTF-8 text (a BOM is fine), else ``"utf-16"`` or ``"not utf-8"``.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = path.write_bytes("\\ufeffid,label\\nzé,Zé\\n".encode())
    >>> utf8_problem(path), path.write_bytes(b"id\\ncaf\\xe9\\n") and utf8_problem(path)
    (None, 'not utf-8')
    """
    with path.open("rb", buffering=0) as fh:
        head = fh.read(3)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "utf-16"
        decode = codecs.getincrementaldecoder("utf-8-sig")().decode
        try:
            while head:
                decode(head)
                head = fh.read(READ_SIZE)
            decode(b"", True)
        except UnicodeDecodeError:
            return "not utf-8"
    return None


def open_text(path: Path, errors: str = "strict") -> io.TextIOWrapper:
    """``path`` as UTF-8 text read :data:`READ_SIZE` bytes at a time (a UTF-8 BOM is dropped).

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = path.write_bytes(b"\\xef\\xbb\\xbfid\\r\\n")
    >>> with open_text(path) as text:
    ...     text.read()
    'id\\r\\n'
    """
    raw = path.open("rb", buffering=READ_SIZE)
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors=errors, newline="")
    text._CHUNK_SIZE = READ_SIZE  # type: ignore[attr-defined]  # decoded characters per read
    return text


def lines(text: io.TextIOBase) -> Iterator[str]:
    """The physical lines of ``text``; :class:`LineTooLong` for one over :data:`MAX_LINE` characters.

    >>> list(lines(io.StringIO("a,b\\r\\nc,d", newline="")))
    ['a,b\\r\\n', 'c,d']
    """
    readline = text.readline
    while line := readline(MAX_LINE):
        if len(line) == MAX_LINE and line[-1] not in "\r\n":
            raise LineTooLong
        yield line


def records(source: Iterable[str]) -> Iterator[list[str]]:
    """The CSV records of some lines (a quoted cell may span several).

    >>> list(records(['id,note\\n', 'a,"two\\n', 'lines"\\n']))
    [['id', 'note'], ['a', 'two\\nlines']]
    """
    return csv.reader(source, strict=True)

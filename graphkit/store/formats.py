"""RDF formats: names, detection from file names, and parse errors with locations."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from graphkit.errors import ParseError
from graphkit.limits import MAX_LITERAL_BYTES, literal_too_long, too_long_message

#: Short names accepted by ``--format`` (load and export), with aliases.
FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "n3": ox.RdfFormat.N3,
}
ALIASES = {
    "turtle": "ttl",
    "ntriples": "nt",
    "n-triples": "nt",
    "nquads": "nq",
    "n-quads": "nq",
    "json-ld": "jsonld",
    "xml": "rdfxml",
    "rdf": "rdfxml",
    "owl": "rdfxml",
    "json": "jsonld",
}
EXTENSIONS = {
    ".ttl": "ttl",
    ".turtle": "ttl",
    ".nt": "nt",
    ".nq": "nq",
    ".trig": "trig",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".rdf": "rdfxml",
    ".xml": "rdfxml",
    ".owl": "rdfxml",
    ".n3": "n3",
}


def format_by_name(name: str) -> ox.RdfFormat:
    """Return the RDF format for a short name such as ``ttl`` or ``rdfxml``.

    >>> format_by_name("turtle").name
    'Turtle'
    """
    key = ALIASES.get(name.lower(), name.lower())
    if key not in FORMATS:
        allowed = ", ".join(FORMATS)
        raise ParseError(f"unknown RDF format {name!r}; use one of: {allowed}")
    return FORMATS[key]


def detect_format(path: Path, explicit: str | None = None) -> ox.RdfFormat:
    """The format of ``path``: given explicitly, or guessed from its extension.

    >>> detect_format(Path("x.nt")).name
    'N-Triples'
    """
    if explicit:
        return format_by_name(explicit)
    suffix = path.suffix.lower()
    if suffix == ".gz":
        raise ParseError("compressed files are not read; decompress first", str(path))
    if suffix not in EXTENSIONS:
        raise ParseError(
            f"cannot tell the RDF format from the extension {suffix or '(none)'!r}; "
            f"pass --format ({', '.join(FORMATS)})",
            str(path),
        )
    return FORMATS[EXTENSIONS[suffix]]


def is_rdf_file(path: Path) -> bool:
    """True when the extension names a known RDF format."""
    return path.suffix.lower() in EXTENSIONS


def parse_error(exc: BaseException, path: Path | str) -> ParseError:
    """Turn an Oxigraph parse exception into a ParseError with ``file:line:column``."""
    if isinstance(exc, SyntaxError) and exc.lineno:
        location = f"{path}:{exc.lineno}:{exc.offset or 1}"
        message = str(exc.msg if exc.msg else exc)
        # Oxigraph repeats the position in the text; keep only the reason.
        if ": " in message and message.lower().startswith("parser error"):
            message = message.split(": ", 1)[1]
        return ParseError(message, location)
    if isinstance(exc, UnicodeDecodeError):
        return ParseError(f"not valid UTF-8 at byte {exc.start}", str(path))
    text = str(exc) or exc.__class__.__name__
    if "utf-8" in text.lower() or "utf8" in text.lower():
        return ParseError(f"not valid UTF-8 ({text})", str(path))
    return ParseError(text, str(path))


class ProgressReader(io.RawIOBase):
    """A binary reader that reports how many bytes were read, for progress bars."""

    def __init__(self, raw: BinaryIO, total: int, report: Callable[[int, int], None]):
        self._raw = raw
        self._total = total
        self._report = report
        self._done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self._done += n
        self._report(self._done, self._total)
        return n


def tty_progress(label: str) -> Callable[[int, int], None] | None:
    """A progress printer for stderr, or None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None
    last = [-1]

    def report(done: int, total: int) -> None:
        pct = int(done * 100 / total) if total else 100
        if pct != last[0]:
            last[0] = pct
            end = "\n" if done >= total else ""
            sys.stderr.write(f"\r{label}: {pct:3d}% of {total / 1e6:.1f} MB{end}")
            sys.stderr.flush()

    return report


#: Files smaller than this (bytes) are read without a progress bar.
PROGRESS_FROM = 5_000_000


def shows_progress(path: Path) -> bool:
    """Whether :func:`open_for_parse` shows a progress bar for ``path`` (big, and stderr a terminal)."""
    return sys.stderr.isatty() and path.stat().st_size > PROGRESS_FROM


def open_for_parse(path: Path, label: str | None = None) -> BinaryIO:
    """Open ``path`` for Oxigraph, with a progress bar for big files on a TTY."""
    raw = path.open("rb")
    size = path.stat().st_size
    report = tty_progress(label or path.name) if size > PROGRESS_FROM else None
    if report is None:
        return raw
    return io.BufferedReader(ProgressReader(raw, size, report), buffer_size=1 << 20)


def guard_input(path: Path, fmt: ox.RdfFormat) -> None:
    """Checks that must pass before the engine reads ``path`` at all.

    RDF/XML gets a pass that refuses entity bombs and deep nesting (see
    :mod:`graphkit.store.rdfxml`); the other formats need none.
    """
    if fmt == ox.RdfFormat.RDF_XML:
        from graphkit.store.rdfxml import check_rdfxml

        check_rdfxml(path)


def first_long_line(path: Path, limit: int = MAX_LITERAL_BYTES) -> int | None:
    """The number of the first line of ``path`` longer than ``limit`` bytes, read in constant memory."""
    number, length = 1, 0
    try:
        with path.open("rb") as fh:
            while block := fh.read(1 << 20):
                start = 0
                while (end := block.find(b"\n", start)) >= 0:
                    if length + end - start > limit:
                        return number
                    number, length, start = number + 1, 0, end + 1
                length += len(block) - start
                if length > limit:
                    return number
    except OSError:
        return None
    return None


def too_long_error(path: Path, size: int | None = None) -> ParseError:
    """A ParseError for a literal over the limit, at the first line that long (when there is one)."""
    line = first_long_line(path)
    return ParseError(too_long_message(size), f"{path}:{line}" if line else str(path))


def read_error(exc: BaseException, path: Path) -> ParseError:
    """Any exception of the engine's parser as a ParseError (a MemoryError means a huge token)."""
    if isinstance(exc, MemoryError):
        return too_long_error(path)
    return parse_error(exc, path)


#: What the engine's parsers raise on bad input.
PARSE_FAILURES = (SyntaxError, ValueError, OSError, UnicodeDecodeError, MemoryError)


def check_literals(quads: Iterable[ox.Quad], path: Path) -> int:
    """Check the literals of ``quads`` (read from ``path``); return how many quads there were.

    Raises ParseError on an ill-typed literal (``"abc"^^xsd:integer``,
    ``"2024-02-30"^^xsd:date``) and on a literal over
    :data:`~graphkit.limits.MAX_LITERAL_BYTES`; the parser's own errors pass through.

    >>> line = b'<https://e.org/a> <https://e.org/p> "x" .'
    >>> check_literals(ox.parse(line, ox.RdfFormat.N_TRIPLES), Path("a.nt"))
    1
    """
    from graphkit.store.literals import TYPED, ill_typed, ill_typed_error

    # Every statement of a big file passes here, beside the bulk loader on few cores:
    # each attribute is read once, and the rare checks run only when they can fail.
    literal = ox.Literal
    short = MAX_LITERAL_BYTES // 4  # at most four UTF-8 bytes per character
    count = 0
    for quad in quads:
        count += 1
        value = quad.object
        if type(value) is literal:
            text = value.value
            if len(text) > short and literal_too_long(text):
                raise too_long_error(path, len(text.encode("utf-8", "surrogatepass")))
            if value.datatype.value in TYPED and ill_typed(value):
                raise ill_typed_error(value, path)
    return count


def check_file(path: Path, fmt: ox.RdfFormat, *, progress: bool = True) -> int:
    """Parse ``path`` fully without storing it; return its quad count.

    Raises ParseError with ``file:line:column`` on the first syntax error,
    on an ill-typed literal or one over the size limit (:func:`check_literals`),
    and on an empty file (a file with no statements is almost always a mistake).
    """
    guard_input(path, fmt)
    try:
        with open_for_parse(path, f"checking {path.name}") if progress else path.open("rb") as fh:
            count = check_literals(ox.parse(fh, fmt), path)
    except PARSE_FAILURES as exc:
        raise read_error(exc, path) from None
    if count == 0:
        raise ParseError("the file contains no RDF statements", str(path))
    return count


def iter_quads(path: Path, fmt: ox.RdfFormat) -> Iterator[ox.Quad]:
    """Stream the quads of a file, with ParseError on bad input."""
    guard_input(path, fmt)
    try:
        with path.open("rb") as fh:
            yield from ox.parse(fh, fmt)
    except (SyntaxError, ValueError, UnicodeDecodeError, MemoryError) as exc:
        raise read_error(exc, path) from None


def rename_blank_nodes(
    quads: Iterable[ox.Quad], rename: Callable[[ox.BlankNode], ox.NamedNode | ox.BlankNode]
) -> Iterator[ox.Quad]:
    """``quads`` with each blank node replaced by ``rename(node)`` (skolem IRIs, stable names...).

    >>> quads = ox.parse("<urn:a> <urn:p> [] .", ox.RdfFormat.TURTLE)
    >>> [str(q.object) for q in rename_blank_nodes(quads, lambda b: ox.NamedNode("urn:b"))]
    ['<urn:b>']
    """
    blank = ox.BlankNode

    def fix(term):
        return rename(term) if type(term) is blank else term

    for q in quads:
        # Most statements have no blank node: pass them on as they are (no new objects).
        if type(q.subject) is blank or type(q.object) is blank or type(q.graph_name) is blank:
            yield ox.Quad(fix(q.subject), q.predicate, fix(q.object), fix(q.graph_name))
        else:
            yield q

"""Output for people and where it goes: escaped text, tables that fit, sources, stdout.

Every command prints through click to standard output, which may be a
terminal, a file on a full disk (``> /dev/full``) or a pipe whose reader has
gone (``| head -1``). :class:`OutputGroup` makes those cases clean: a full
disk is a one-line error with exit status 1, a closed pipe ends the command
quietly, and neither prints a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

import click

#: Write failures that are the environment's fault, not a bug: reported in one line.
WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO, errno.EROFS})


def _silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null, so the flush at exit cannot fail again."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (tests capture output in memory)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def _fail(exc: OSError) -> None:
    """Report a write failure on one line and leave with status 1."""
    _silence_stdout()
    if exc.errno != errno.EPIPE:
        with contextlib.suppress(OSError):
            click.echo(f"Error: {exc.strerror or exc}", err=True)
    sys.exit(1)


def flush_stdout() -> None:
    """Flush standard output now, so that a full disk is reported while we can.

    >>> flush_stdout()
    """
    sys.stdout.flush()


class OutputGroup(click.Group):
    """A click group whose commands fail cleanly when their output cannot be written.

    After the command ends, standard output is flushed (output to a file is
    buffered: a full disk shows only then). ``No space left on device`` and
    similar failures print one line and exit 1; a closed pipe exits 1
    silently, as Python recommends for SIGPIPE.
    """

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            result = super().main(*args, **kwargs)
        except SystemExit:
            try:
                flush_stdout()
            except OSError as exc:
                _fail(exc)
            raise
        except OSError as exc:
            if exc.errno not in WRITE_ERRNOS and exc.errno != errno.EPIPE:
                raise
            _fail(exc)
        try:
            flush_stdout()
        except OSError as exc:
            _fail(exc)
        return result


# -- text for people: escaped, fitted to the terminal ------------------------------------

# Bidirectional overrides and isolates reorder what follows them on screen.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# C0 controls but tab and newline, DEL, C1 controls (U+009B is a one-byte CSI), line separators.
_UNSAFE = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u2028\\u2029{_BIDI}]")
_SPACES = re.compile(r"[ \t\n\r]+")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(value: object, *, multiline: bool = False) -> str:
    r"""Text safe to print on a terminal: control characters shown, not obeyed.

    ``ESC]0;title BEL``, ``ESC[2J``, a C1 ``CSI`` or a right-to-left
    override from the data would retitle, clear or reorder the screen; they
    are printed as ``\x1b``, ``\x9b``, ``\u202e``. Runs of spaces, tabs and
    line ends become one space unless ``multiline`` (then tabs and ``\n``
    stay, and a carriage return is shown as ``\x0d``).

    >>> print(visible("Acme\x1b]0;pwned\x07  Ltd\n"))
    Acme\x1b]0;pwned\x07 Ltd
    >>> print(visible("line 1\nline 2\r", multiline=True))
    line 1
    line 2\x0d
    """
    text = "" if value is None else str(value)
    if text.isprintable() and "  " not in text and text == text.strip():
        return text  # the common case, checked at C speed
    if not multiline:
        text = _SPACES.sub(" ", text).strip()
    return _UNSAFE.sub(_escape, text)


def terminal_width() -> int | None:
    """Columns to fit human output into; None means no limit.

    ``$COLUMNS`` when set; else the terminal's width when standard output is
    a terminal; else (a pipe, a file) no limit, so that nothing is cut.

    >>> terminal_width() is None or terminal_width() > 0
    True
    """
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        if sys.stdout.isatty():
            return shutil.get_terminal_size().columns
    except (AttributeError, ValueError, OSError):
        pass
    return None


def display_width(text: str) -> int:
    """Columns ``text`` takes on screen: wide (East Asian) characters count 2, combining marks 0.

    >>> display_width("abc"), display_width("中文"), display_width("e\u0301")
    (3, 4, 1)
    """
    if text.isascii():
        return len(text)
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return width


def _hard_split(word: str, width: int) -> list[str]:
    pieces, current, used = [], "", 0
    for ch in word:
        w = display_width(ch)
        if current and used + w > width:
            pieces.append(current)
            current, used = "", 0
        current += ch
        used += w
    return [*pieces, current] if current else pieces


def wrap(text: str, width: int, *, cut_words: bool = True) -> list[str]:
    """Lines of at most ``width`` columns, broken at spaces (long words are cut, unless not ``cut_words``).

    >>> wrap("the quick brown fox", 10)
    ['the quick', 'brown fox']
    >>> wrap("abcdefghij", 4)
    ['abcd', 'efgh', 'ij']
    >>> wrap("see https://example.org/a/long/url", 10, cut_words=False)
    ['see', 'https://example.org/a/long/url']
    """
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if display_width(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        pieces = _hard_split(word, width) if cut_words and display_width(word) > width else [word]
        lines.extend(pieces[:-1])
        current = pieces[-1] if pieces else ""
    if current or not lines:
        lines.append(current)
    return lines


def fit_widths(
    natural: list[int], flexible: Sequence[int], total: int, gap: int = 2, least: int = 10
) -> list[int]:
    """Column widths that fit ``total`` columns by narrowing only the ``flexible`` ones.

    The fixed columns keep their width; the space left is shared among the
    flexible ones, the narrow ones first, none below ``least`` columns (or
    its natural width, if smaller).

    >>> fit_widths([8, 40, 4, 60], flexible=[1, 3], total=80)
    [8, 31, 4, 31]
    >>> fit_widths([8, 10], flexible=[1], total=80)
    [8, 10]
    """
    widths = list(natural)
    if sum(widths) + gap * (len(widths) - 1) <= total:
        return widths
    flex = sorted(set(flexible), key=lambda i: natural[i])
    budget = total - gap * (len(widths) - 1) - sum(w for i, w in enumerate(widths) if i not in flex)
    for done, i in enumerate(flex):
        share = budget // (len(flex) - done)
        widths[i] = max(min(natural[i], least), min(natural[i], share))
        budget -= widths[i]
    return widths


def shrink_keys(widths: list[int], columns: list[list[str]], total: int, gap: int = 2) -> list[int]:
    """Last resort when even the key columns do not fit: narrow the widest, never below its longest word.

    Such a column then wraps between words (``looked forward to`` / ``engaging with``).

    >>> shrink_keys([33, 10], [["looked forward to engaging with"], ["x"]], 40)
    [28, 10]
    >>> shrink_keys([33, 10], [["looked forward"], ["x"]], 80)
    [33, 10]
    """
    widths = list(widths)
    over = sum(widths) + gap * (len(widths) - 1) - total
    if over <= 0:
        return widths
    floors = [max(display_width(word) for cell in cells for word in cell.split(" ")) for cells in columns]
    while over > 0:
        slack, i = max((w - f, i) for i, (w, f) in enumerate(zip(widths, floors, strict=True)))
        if slack <= 0:
            break
        widths[i] -= 1
        over -= 1
    return widths


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def _cell_lines(text: str, width: int, clip: bool) -> list[str]:
    if display_width(text) <= width:
        return [text]
    lines = wrap(text, width)
    if clip and len(lines) > CLIPPED_LINES:
        last = lines[CLIPPED_LINES - 1]
        while last and display_width(last) + 1 > width:
            last = last[:-1]
        lines = [*lines[: CLIPPED_LINES - 1], last + "…"]
    return lines


#: On a terminal, a clipped cell (a description) shows at most this many lines.
CLIPPED_LINES = 3


def echo_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    flexible: Sequence[str] | None = None,
    clip: Sequence[str] = (),
    max_width: int | None = None,
    header: bool = True,
) -> None:
    r"""Print rows as an aligned plain-text table that fits the terminal.

    Cells are shown with :func:`visible`. On a terminal (or with
    ``$COLUMNS``) the ``flexible`` columns (by header; default: every
    column) wrap so that lines fit, and those also in ``clip`` stop after
    :data:`CLIPPED_LINES` lines with ``…``; the other columns, the keys a
    reader scans (relation, date, sources), keep their width; ``max_width``
    also caps each flexible column on a terminal. Piped to a file or a
    program, every cell is printed whole on one line. ``header=False``
    prints the rows only, to continue a table printed in blocks.

    >>> echo_table(["name", "n"], [["Acme\x1b[2J", 1]])
    name         n
    -----------  -
    Acme\x1b[2J  1
    """
    head = [visible(h) for h in headers]
    body = [[visible(v) for v in row] for row in rows]
    natural = [display_width(h) for h in head]
    for row in body:
        natural = [max(w, display_width(c)) for w, c in zip(natural, row, strict=False)]
    total = terminal_width()
    widths = natural
    if total is not None:
        names = list(headers) if flexible is None else list(flexible)
        flex = [i for i, h in enumerate(headers) if h in names]
        if max_width is not None:
            natural = [
                min(w, max(max_width, len(head[i]))) if i in flex else w for i, w in enumerate(natural)
            ]
        widths = fit_widths(natural, flex, total, least=max([10, *(len(head[i]) for i in flex)]))
        widths = shrink_keys(widths, [[h, *(row[i] for row in body)] for i, h in enumerate(head)], total)
    clipped = [h in clip for h in headers]

    lines: list[str] = []

    def emit(cells: list[str]) -> None:
        if all(display_width(c) <= w for c, w in zip(cells, widths, strict=False)):
            lines.append("  ".join(_pad(c, w) for c, w in zip(cells, widths, strict=False)).rstrip())
            return
        wrapped = [_cell_lines(c, w, k) for c, w, k in zip(cells, widths, clipped, strict=False)]
        for n in range(max(len(cell) for cell in wrapped)):
            parts = [
                _pad(cell[n] if n < len(cell) else "", w) for cell, w in zip(wrapped, widths, strict=False)
            ]
            lines.append("  ".join(parts).rstrip())

    if header:
        emit(head)
        lines.append("  ".join("-" * w for w in widths))
    for row in body:
        emit(row)
        if len(lines) >= 1000:  # print in batches: one write per line is slow on big results
            click.echo("\n".join(lines))
            lines.clear()
    if lines:
        click.echo("\n".join(lines))


def echo_wrapped(lead: str, text: str, indent: int | None = None) -> None:
    """``lead`` then ``text`` (already made visible); on a terminal, wrapped under itself.

    Words are never cut, so a long URL stays whole (on a line of its own) and
    can be copied or clicked. Piped, the line is printed whole.

    >>> echo_wrapped("  [1] ", "Title. Publisher, 2025-03. https://example.org/x")
      [1] Title. Publisher, 2025-03. https://example.org/x
    """
    width = terminal_width()
    indent = display_width(lead) if indent is None else indent
    if width is None:
        click.echo(lead + text)
        return
    lines = [line.rstrip() for line in wrap(text, max(20, width - indent), cut_words=False)]
    click.echo(lead + lines[0])
    for line in lines[1:]:
        click.echo(" " * indent + line)


def echo_field(name: str, value: object, indent: int = 11) -> None:
    """One ``  Name:  value`` line of a record, escaped; on a terminal, wrapped under itself.

    >>> echo_field("About:", "US technology firm.")
      About:   US technology firm.
    """
    text = visible(value)
    width = terminal_width()
    lines = wrap(text, max(20, width - indent)) if width is not None else [text]
    click.echo(f"  {name}".ljust(indent) + lines[0])
    for line in lines[1:]:
        click.echo(" " * indent + line)


# -- dates and citations, one notation for every command ---------------------------------


def format_citation(source: dict) -> str:
    """One source in full: ``Title. Publisher, date. URL``.

    >>> format_citation({"title": "Spy agency minister", "publisher": "RNZ", "date": "2025-03",
    ...                  "url": "https://rnz.co.nz/x"})
    'Spy agency minister. RNZ, 2025-03. https://rnz.co.nz/x'
    >>> format_citation({"title": "Who knew?", "iri": "https://example.org/s"})
    'Who knew? publisher unknown.'
    """
    title = str(source.get("title") or source.get("iri") or "untitled source")
    meta = ", ".join(
        str(x) for x in (source.get("publisher") or "publisher unknown", source.get("date")) if x
    )
    text = " ".join(p if p.endswith((".", "?", "!")) else p + "." for p in (title, meta))
    return f"{text} {source['url']}" if source.get("url") else text


class Citations:
    """Numbers each distinct source once per output: ``[1]`` in the text, the full list at the end.

    >>> notes = Citations()
    >>> notes.refs([{"iri": "s1", "title": "T", "publisher": "P"}]), notes.refs([])
    ('[1]', '(no source)')
    >>> notes.refs([{"iri": "s2"}, {"iri": "s1"}])
    '[2] [1]'
    >>> notes.echo()
    <BLANKLINE>
    Sources:
      [1] T. P.
      [2] s2. publisher unknown.
    """

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.sources: list[dict] = []

    def refs(self, sources: Iterable[dict]) -> str:
        """The numbers of ``sources`` (new ones get the next number), or ``(no source)``."""
        marks = []
        for source in sources:
            key = source.get("iri") or format_citation(source)
            if key not in self.numbers:
                self.numbers[key] = len(self.sources) + 1
                self.sources.append(source)
            marks.append(f"[{self.numbers[key]}]")
        return " ".join(marks) or "(no source)"

    def echo(self) -> None:
        """Print the list of sources cited so far, if any."""
        if self.sources:
            click.echo("\nSources:")
            for number, source in enumerate(self.sources, 1):
                echo_wrapped(f"  [{number}] ", visible(format_citation(source)))

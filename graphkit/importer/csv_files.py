"""Reading the three CSV files: names, encoding, delimiter, header and rows.

This module checks the *shape* of the files (can they be read, are the
columns there; :mod:`graphkit.importer.csv_inputs` finds them);
:mod:`graphkit.importer.checks` checks the *values*. Every problem is
collected as a :class:`Problem` with the file, the row number (1-based, the
header is row 1, as a spreadsheet shows it), the column and the value, so
that a journalist can find it in a spreadsheet.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from graphkit.export.formulas import unguard
from graphkit.importer.csv_text import (
    MAX_LINE,
    LineTooLong,
    large_cells,
    lines,
    open_text,
    records,
    utf8_problem,
)
from graphkit.importer.piped import given_name
from graphkit.importer.problems import Problem
from graphkit.limits import MAX_LITERAL_BYTES, describe_size, literal_too_long, too_long_message

#: The three kinds of file, in the order they are read and reported.
KINDS = ("entities", "relationships", "sources")

#: Required and optional columns of each file (normalised names).
REQUIRED = {
    "entities": ("id", "label", "type"),
    "relationships": ("subject", "relation", "object", "source"),
    "sources": ("id", "title", "publisher", "url", "published"),
}
OPTIONAL = {
    "entities": ("aliases", "country", "wikidata", "description"),
    "relationships": (
        "id",
        "date",
        "start",
        "end",
        "approximate",
        "description",
        "quote",
        "grounds",
        "according_to",
    ),
    "sources": ("type", "excerpt", "approximate"),
}

#: Other spellings of column names that are accepted (after normalising).
COLUMN_ALIASES = {
    "alias": "aliases",
    "also_known_as": "aliases",
    "wikidata_id": "wikidata",
    "subject_id": "subject",
    "object_id": "object",
    "source_id": "source",
    "source_ids": "source",
    "sources": "source",
    "relation_type": "relation",
    "start_date": "start",
    "end_date": "end",
    "published_date": "published",
    "issued": "published",
    "date_approximate": "approximate",
    "accordingto": "according_to",
}

#: Delimiters a spreadsheet may have used instead of a comma, with their names.
OTHER_DELIMITERS = {";": "semicolons (;)", "\t": "tabs", "|": "vertical bars (|)"}

#: Separator of several values in one cell (aliases, source ids).
LIST_SEPARATOR = ";"

#: Cells this long or shorter are under the literal limit whatever their characters (4 bytes each at most).
_SHORT = MAX_LITERAL_BYTES // 4


class _Cells(dict):
    """A row's cells by column name; an absent column reads as ''."""

    def __missing__(self, column: str) -> str:
        return ""


class Row:
    """One data row: its spreadsheet row number and its cells by column name (stripped).

    ``row.get(column)`` is the cell, stripped of surrounding spaces ('' when
    absent or empty); it is the dict's own lookup, since the checks call it
    a dozen times per row.

    >>> Row(2, {"id": "acme"}).get("id"), Row(2, {}).get("label")
    ('acme', '')
    """

    __slots__ = ("cells", "get", "number")

    def __init__(self, number: int, cells: dict[str, str]):
        self.number = number
        self.cells = cells if isinstance(cells, _Cells) else _Cells(cells)
        self.get = self.cells.__getitem__


@dataclass
class Table:
    """One CSV file, read and with a known header."""

    kind: str
    path: Path
    name: str
    columns: list[str]
    rows: Iterator[Row] = field(default_factory=lambda: iter(()))
    problems: list[Problem] = field(default_factory=list)


# -- reading one file ----------------------------------------------------------


def normalise_column(name: str) -> str:
    """A header cell as a column name: trimmed, lower case, spaces as ``_``.

    >>> normalise_column(" Subject ID "), normalise_column("Wikidata id"), normalise_column("according to")
    ('subject', 'wikidata', 'according_to')
    """
    key = "_".join(name.strip().lower().replace("-", " ").split())
    return COLUMN_ALIASES.get(key, key)


def _line_too_long(name: str, row: int) -> Problem:
    return Problem(
        name,
        f"a line of the file is longer than {describe_size(MAX_LINE)}; check the quotes in this row",
        row=row,
    )


def _encoding_problems(path: Path, name: str) -> list[Problem]:
    """Why the file is not UTF-8 text (a UTF-8 BOM is fine), read piece by piece; [] when it is."""
    found = utf8_problem(path)
    if found is None:
        return []
    if found == "utf-16":
        return [Problem(name, "the file is UTF-16 (Excel's 'Unicode text'); save it as 'CSV UTF-8' instead")]
    return _bad_cells(path, name)


def _bad_cells(path: Path, name: str) -> list[Problem]:
    """Point at the cells that hold bytes that are not UTF-8."""
    problems: list[Problem] = []
    header: list[str] = []
    with open_text(path, "surrogateescape") as text, large_cells():
        try:
            for number, record in enumerate(records(lines(text)), start=1):
                if number == 1:
                    header = [normalise_column(c) for c in record]
                for index, cell in enumerate(record):
                    if any("\udc80" <= ch <= "\udcff" for ch in cell):
                        column = header[index] if index < len(header) else f"#{index + 1}"
                        value = cell.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                        problems.append(
                            Problem(
                                name,
                                "not UTF-8 text (the file looks like Windows-1252 or Latin-1); "
                                "save it as 'CSV UTF-8'",
                                row=number,
                                column=column,
                                value=value,
                            )
                        )
        except (csv.Error, LineTooLong):
            pass
    if not problems:
        problems.append(Problem(name, "the file is not UTF-8 text; save it as 'CSV UTF-8'"))
    return problems


def _other_delimiter(first_line: str, required: Sequence[str]) -> str | None:
    first_line = first_line.rstrip("\r\n")
    for delimiter in OTHER_DELIMITERS:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        if set(required) <= {normalise_column(c) for c in cells}:
            return delimiter
    return None


def _check_header(kind: str, header: list[str], line: str, name: str) -> tuple[list[str], list[Problem]]:
    required, optional = REQUIRED[kind], OPTIONAL[kind]
    columns = [normalise_column(c) for c in header]
    problems: list[Problem] = []
    missing = [c for c in required if c not in columns]
    if missing:
        delimiter = _other_delimiter(line, required)
        if delimiter is not None:
            return columns, [
                Problem(
                    name,
                    f"the file is separated by {OTHER_DELIMITERS[delimiter]}, not commas; "
                    "save it again as 'CSV (comma delimited)' or 'CSV UTF-8'",
                    row=1,
                )
            ]
        problems.append(
            Problem(
                name,
                f"missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                f"the header must name {', '.join(required)} (optional: {', '.join(optional)})",
                row=1,
            )
        )
    seen: set[str] = set()
    for raw, column in zip(header, columns, strict=True):
        if not column or column.startswith("#"):
            continue  # unnamed columns and '#notes' columns are ignored
        if column in seen:
            problems.append(Problem(name, "the column appears twice", row=1, column=raw.strip()))
        elif column not in required and column not in optional:
            problems.append(
                Problem(
                    name,
                    f"unknown column; the columns are {', '.join(required + optional)} "
                    "(start a column's name with # to keep it as notes)",
                    row=1,
                    column=raw.strip(),
                )
            )
        seen.add(column)
    return columns, problems


def read_table(kind: str, path: Path) -> tuple[Table | None, list[Problem]]:
    """Open one CSV file; return it (or None when unreadable) and the problems found so far.

    The file is read as a stream, :data:`READ_SIZE` bytes at a time: its
    encoding is checked first, then the header; the rows are read as
    ``table.rows`` is iterated, and problems found on the way (a broken
    quote, too many cells) are added to ``table.problems``.
    """
    name = given_name(path)  # a pipe's copy is named as the pipe was
    try:
        problems = _encoding_problems(path, name)
        if problems:
            return None, problems
        with open_text(path) as text, large_cells():
            physical = lines(text)
            try:
                first_line = next(physical, "")
                header = next(records(itertools.chain([first_line], physical)), None)
            except csv.Error as exc:
                return None, [
                    Problem(name, f"the file is not valid CSV ({exc}); check the quotes in this row", row=1)
                ]
            except LineTooLong:
                return None, [_line_too_long(name, 1)]
    except OSError as exc:
        return None, [Problem(name, f"cannot read the file: {exc.strerror or exc}")]
    if header is None or not any(c.strip() for c in header):
        required = ", ".join(REQUIRED[kind])
        return None, [Problem(name, f"the first row must be the header ({required})", row=1)]
    columns, problems = _check_header(kind, header, first_line, name)
    if problems:
        return None, problems
    table = Table(kind, path, name, columns)
    table.rows = _rows(table)
    return table, []


def _rows(table: Table) -> Iterator[Row]:
    """The data rows, read from the file as they are asked for (the file is closed at the end)."""
    columns, name, problems = table.columns, table.name, table.problems
    width = len(columns)
    # Every column named and none a '#note': most rows then need no cell-by-cell work.
    plain = all(c and c[0] != "#" for c in columns)
    number = 0  # the header is row 1
    try:
        text = open_text(table.path)
    except OSError as exc:
        problems.append(Problem(name, f"cannot read the file: {exc.strerror or exc}"))
        return
    with text, large_cells():
        read = records(lines(text))
        while True:
            try:
                record = next(read)
            except StopIteration:
                return
            except csv.Error as exc:
                problems.append(
                    Problem(
                        name,
                        f"the file is not valid CSV ({exc}); check the quotes in this row",
                        row=number + 1,
                    )
                )
                return
            except LineTooLong:
                problems.append(_line_too_long(name, number + 1))
                return
            except (OSError, UnicodeDecodeError) as exc:  # the file changed or failed since it was checked
                reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
                problems.append(Problem(name, f"cannot read the file: {reason or exc}", row=number + 1))
                return
            number += 1
            if number == 1:
                continue  # the header, checked by read_table
            joined = "".join(record)
            if not joined.strip():
                continue  # blank rows are skipped
            if plain and len(record) <= width and len(joined) <= _SHORT and "'" not in joined:
                # no cell can be too long or guarded against formulas
                yield Row(number, _Cells(zip(columns, map(str.strip, record), strict=False)))
                continue
            extra = [c for c in record[width:] if c.strip()] if len(record) > width else None
            if extra:
                problems.append(
                    Problem(
                        name,
                        f"the row has {len(record)} cells but the header has {width}; "
                        "a cell holding a comma must be quoted",
                        row=number,
                        value=extra[0],
                    )
                )
                continue
            cells = _Cells()
            for column, cell in zip(columns, record, strict=False):
                if not column:
                    if cell.strip():
                        problems.append(
                            Problem(name, "a value in a column with no header", row=number, value=cell)
                        )
                    continue
                if len(cell) > _SHORT and literal_too_long(cell):
                    size = len(cell.encode("utf-8", "surrogatepass"))
                    problems.append(Problem(name, too_long_message(size), row=number, column=column))
                    continue
                if column[0] != "#":
                    # graphkit's CSV export quotes formula-like cells
                    cells[column] = (unguard(cell) if cell[:1] == "'" else cell).strip()
            yield Row(number, cells)


def split_list(cell: str) -> list[str]:
    """Several values in one cell, separated by ``;`` (empty parts dropped, order kept).

    >>> split_list(" AWS ; Amazon cloud;;AWS ")
    ['AWS', 'Amazon cloud']
    """
    if LIST_SEPARATOR not in cell:  # most cells: one value or none
        value = cell.strip()
        return [value] if value else []
    return list(dict.fromkeys(part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip()))

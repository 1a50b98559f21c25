"""Streaming writers for SPARQL results: table rows, CSV, TSV and JSON.

They stream: rows are read and written a batch of :data:`BATCH` at a time
(one write per batch, not per row), so a result of any size goes to a file
or pipe without being held in memory; ``limit`` stops early.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterable, Iterator
from typing import TextIO

import pyoxigraph as ox

from graphkit.export.formulas import guard
from graphkit.store.base import guarded
from graphkit.vocab import shorten


def variables(result: ox.QuerySolutions) -> list[str]:
    return [v.value for v in result.variables]


#: Rows formatted per write: few writes, and memory bounded by the batch.
BATCH = 2048


def limited(rows: Iterable, limit: int | None) -> Iterator:
    """The rows, at most ``limit`` of them, with engine errors turned into QueryError."""
    rows = guarded(rows)
    return rows if limit is None else itertools.islice(rows, limit)


def batches(rows: Iterable, names: list[str], limit: int | None = None) -> Iterator[list]:
    """The rows' values in variable order (None where unbound), :data:`BATCH` rows at a time.

    >>> rows = ox.Store().query("SELECT ?a ?b WHERE { VALUES (?a ?b) { (1 UNDEF) } }")
    >>> [[None if t is None else t.value for t in row] for row in next(batches(rows, ["a", "b"]))]
    [['1', None]]
    """
    rows = limited(rows, limit)
    while batch := list(itertools.islice(rows, BATCH)):
        # The engine's solutions iterate in variable order, much faster than by name.
        yield [row if isinstance(row, ox.QuerySolution) else [row[n] for n in names] for row in batch]


def term_json(term) -> dict:
    """A term in the SPARQL 1.1 Query Results JSON form."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def term_text(term, short: bool = True) -> str:
    """A term as table text: prefixed IRIs, plain literal values."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return shorten(term.value) if short else term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def write_json(result, out: TextIO, limit: int | None = None) -> int:
    """SPARQL 1.1 Query Results JSON, streamed. Returns the row count."""
    if isinstance(result, ox.QueryBoolean):
        out.write(json.dumps({"head": {}, "boolean": bool(result)}) + "\n")
        return 1
    names = variables(result)
    out.write('{"head":{"vars":' + json.dumps(names) + '},"results":{"bindings":[')
    count = 0
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    for batch in batches(result, names, limit):
        text = ",\n".join(dumps(_binding(names, row)) for row in batch)
        out.write(("," if count else "") + "\n" + text)
        count += len(batch)
    out.write("\n]}}\n")
    return count


def _binding(names: list[str], row) -> dict:
    return {n: term_json(t) for n, t in zip(names, row, strict=True) if t is not None}


def write_csv(result, out: TextIO, limit: int | None = None, *, safe: bool = False) -> int:
    """SPARQL 1.1 CSV results (plain values), streamed.

    ``safe`` quotes the cells a spreadsheet would run as formulas
    (:func:`graphkit.export.formulas.guard`); the file is then meant for Excel,
    not for a SPARQL client.
    """
    if isinstance(result, ox.QueryBoolean):
        out.write("true\n" if bool(result) else "false\n")
        return 1
    names = variables(result)
    out.write(_csv_text([names]))
    count = 0
    for batch in batches(result, names, limit):
        cells = [[term_text(t, short=False) for t in row] for row in batch]
        if safe:
            cells = [[guard(cell) for cell in row] for row in cells]
        out.write(_csv_text(cells))
        count += len(batch)
    return count


def _csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def write_tsv(result, out: TextIO, limit: int | None = None) -> int:
    """SPARQL 1.1 TSV results (N-Triples terms), streamed."""
    if isinstance(result, ox.QueryBoolean):
        out.write("true\n" if bool(result) else "false\n")
        return 1
    names = variables(result)
    out.write("\t".join(f"?{n}" for n in names) + "\n")
    count = 0
    for batch in batches(result, names, limit):
        # str() of a term is its N-Triples form, which escapes tabs and line breaks.
        out.write("".join(["\t".join(["" if t is None else str(t) for t in row]) + "\n" for row in batch]))
        count += len(batch)
    return count


def table_rows(result, limit: int | None = None) -> tuple[list[str], list[list[str]]]:
    """Headers and text rows for a table (holds the rows: use a limit on big results)."""
    if isinstance(result, ox.QueryBoolean):
        return ["result"], [["true" if bool(result) else "false"]]
    names = variables(result)
    return names, [[term_text(t) for t in row] for batch in batches(result, names, limit) for row in batch]


def write_triples(triples, out_binary, limit: int | None = None) -> None:
    """CONSTRUCT/DESCRIBE output as Turtle with the project prefixes."""
    from graphkit.vocab import PREFIXES

    data = list(limited(triples, limit))
    ox.serialize(data, out_binary, ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def text_stream(binary) -> io.TextIOWrapper:
    return io.TextIOWrapper(binary, encoding="utf-8", newline="", write_through=True)

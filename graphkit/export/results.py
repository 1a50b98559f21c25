"""Streaming writers for SPARQL results: table rows, CSV, TSV and JSON.

They write row by row, so a result of any size streams to a file or pipe
without being held in memory; ``limit`` stops early.
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


def limited(rows: Iterable, limit: int | None) -> Iterator:
    """The rows, at most ``limit`` of them, with engine errors turned into QueryError."""
    rows = guarded(rows)
    return rows if limit is None else itertools.islice(rows, limit)


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
    for row in limited(result, limit):
        binding = {n: term_json(row[n]) for n in names if row[n] is not None}
        out.write(("," if count else "") + "\n" + json.dumps(binding, ensure_ascii=False))
        count += 1
    out.write("\n]}}\n")
    return count


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
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    count = 0
    for row in limited(result, limit):
        cells = [term_text(row[n], short=False) for n in names]
        writer.writerow([guard(cell) for cell in cells] if safe else cells)
        count += 1
    return count


def write_tsv(result, out: TextIO, limit: int | None = None) -> int:
    """SPARQL 1.1 TSV results (N-Triples terms), streamed."""
    if isinstance(result, ox.QueryBoolean):
        out.write("true\n" if bool(result) else "false\n")
        return 1
    names = variables(result)
    out.write("\t".join(f"?{n}" for n in names) + "\n")
    count = 0
    for row in limited(result, limit):
        out.write("\t".join("" if row[n] is None else str(row[n]) for n in names) + "\n")
        count += 1
    return count


def table_rows(result, limit: int | None = None) -> tuple[list[str], list[list[str]]]:
    """Headers and text rows for a table (holds the rows: use a limit on big results)."""
    if isinstance(result, ox.QueryBoolean):
        return ["result"], [["true" if bool(result) else "false"]]
    names = variables(result)
    return names, [[term_text(row[n]) for n in names] for row in limited(result, limit)]


def write_triples(triples, out_binary, limit: int | None = None) -> None:
    """CONSTRUCT/DESCRIBE output as Turtle with the project prefixes."""
    from graphkit.vocab import PREFIXES

    data = list(limited(triples, limit))
    ox.serialize(data, out_binary, ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def text_stream(binary) -> io.TextIOWrapper:
    return io.TextIOWrapper(binary, encoding="utf-8", newline="", write_through=True)

"""The query result writers: batched writes, the same bytes as row by row."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest

from graphkit.export import results

QUERY = "SELECT ?n ?label ?gap WHERE { VALUES ?n { %s } BIND(CONCAT('row\\t', STR(?n)) AS ?label) }"


class CountingSink(io.StringIO):
    def __init__(self):
        super().__init__()
        self.writes = 0

    def write(self, text):
        self.writes += 1
        return super().write(text)


def _rows(count: int) -> ox.QuerySolutions:
    return ox.Store().query(QUERY % " ".join(str(i) for i in range(count)))


@pytest.mark.parametrize("writer", [results.write_tsv, results.write_csv, results.write_json])
def test_writers_write_once_per_batch(writer):
    sink = CountingSink()
    count = writer(_rows(5000), sink)
    assert count == 5000
    # header, three batches of at most BATCH rows, footer: not one write per row
    assert sink.writes <= 5
    text = sink.getvalue()
    assert "4999" in text and "row" in text


@pytest.mark.parametrize("writer", [results.write_tsv, results.write_csv, results.write_json])
@pytest.mark.parametrize("limit", [0, 1, results.BATCH, results.BATCH + 1])
def test_writers_honour_the_limit_across_batches(writer, limit):
    sink = io.StringIO()
    assert writer(_rows(results.BATCH + 10), sink, limit) == limit


def test_tsv_escapes_tabs_and_leaves_unbound_cells_empty():
    sink = io.StringIO()
    results.write_tsv(_rows(2), sink)
    lines = sink.getvalue().splitlines()
    assert lines[0] == "?n\t?label\t?gap"
    assert lines[1].split("\t") == ['"0"^^<http://www.w3.org/2001/XMLSchema#integer>', '"row\\t0"', ""]

"""CSV import as a stream: memory bounded whatever the file size, positions exact."""

from __future__ import annotations

import tracemalloc

from csv_helpers import HEADERS, SOURCE_ROW, good_files, run, write

import graphkit
from graphkit.importer import csv_text
from graphkit.importer import pipeline as pipeline_module
from graphkit.importer.csv_files import read_table
from graphkit.importer.csv_inputs import find_inputs
from graphkit.importer.csv_reader import read_csv_tables
from graphkit.importer.pipeline import BATCH_CHARS, Pipeline
from graphkit.limits import MAX_LITERAL_BYTES
from graphkit.store import worker

# Multi-line quoted cells, characters of 2 to 4 bytes (cut between reads), a BOM and CRLF.
ENTITIES = (
    HEADERS["entities"]
    + '\r\nacme,Acme,Company,,,,"first line\r\nsecond line, with a comma ""quoted"" é 🚀"'
    + "\r\nzeta,Zéta 🚀🚀🚀 ünïcödé,Compnay,,,,"
    + '\r\nbeta,Beta,Company,,,,"a\nthree-line\ncell 🚀",extra cell'
    + "\r\nexample-ministry,Ministry 🚀,GovernmentDepartment,,,,"
    + "\r\n,,,,,,\r\n"
    + "".join(f'e{i},Entity {i} ✓,Company,,,,"note {i}\r\n🚀 {"é" * (i % 7)}"\r\n' for i in range(60))
    + "acme,Acme again,Company,,,,\r\n"
)
RELATIONSHIPS = (
    HEADERS["relationships"]
    + "\nexample-ministry,partnerOf,acme,2024-10,,,,d,,gazette,\n"
    + "example-ministry,partnerOf,ghost,,,,,d,,gazette,\n"
    + 'example-ministry,partnerOf,e1,,,,,"open quote never closed,,gazette,\nmore\n'
)


def _folder(tmp_path):
    folder = write(
        tmp_path / "csv", relationships=RELATIONSHIPS, sources=HEADERS["sources"] + "\n" + SOURCE_ROW
    )
    (folder / "entities.csv").write_bytes(b"\xef\xbb\xbf" + ENTITIES.encode("utf-8"))
    latin = HEADERS["sources"] + "\n" + SOURCE_ROW + "\n" + SOURCE_ROW.replace("gazette", "caf\xe9", 1)
    (tmp_path / "bad-sources.csv").write_bytes(latin.encode("latin-1"))
    return folder


def _read(paths) -> list:
    """Everything the reader finds: each file's rows, cells and problems."""
    seen = []
    for kind, path in find_inputs(paths).items():
        table, problems = read_table(kind, path)
        rows = [(row.number, dict(row.cells)) for row in table.rows] if table else None
        seen.append((kind, problems, rows, table.problems if table else None))
    return seen


def test_a_small_read_size_reads_the_same_rows_and_problems(cli, tmp_path, monkeypatch):
    folder = _folder(tmp_path)
    store = tmp_path / "kg"
    whole = _read([folder]), _read([tmp_path / "bad-sources.csv"])
    expected = run(cli, "import", folder, "--store", store)
    monkeypatch.setattr(csv_text, "READ_SIZE", 7)  # every multi-byte character is cut somewhere
    assert (_read([folder]), _read([tmp_path / "bad-sources.csv"])) == whole
    result = run(cli, "import", folder, "--store", store)
    assert result.exit_code == expected.exit_code == 1
    assert result.output == expected.output
    entities, relationships, _ = whole[0]
    assert [n for n, _ in entities[2]][:4] == [2, 3, 5, 7]  # row 4 has an extra cell, row 6 is blank
    assert entities[2][0][1]["description"] == 'first line\r\nsecond line, with a comma "quoted" é 🚀'
    assert entities[3][0].row == 4 and entities[3][0].value == "extra cell"
    assert relationships[3][0].row == 4 and "not valid CSV" in relationships[3][0].message
    assert [(p.row, p.column, p.value) for p in whole[1][0][1]] == [(3, "id", "caf\\xe9")]
    for fragment in (
        "entities.csv, row 3, column 'type', value 'Compnay'",
        "entities.csv, row 67, column 'id', value 'acme': duplicate id: row 2",
        "relationships.csv, row 3, column 'object', value 'ghost'",
        "relationships.csv, row 4",
    ):
        assert fragment in result.output
    assert not store.exists()


def test_memory_does_not_grow_with_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_text, "READ_SIZE", 16 * 1024)
    folder = tmp_path / "csv"
    folder.mkdir()
    path = folder / "entities.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(HEADERS["entities"] + "\n")
        for i in range(20_000):
            fh.write(
                f'e{i},Entity {i} é,Company,,,,"a description of entity {i}\nover two lines 🚀 {"x" * 120}"\n'
            )
    size = path.stat().st_size
    assert size > 4_000_000
    tracemalloc.start()
    try:
        table, problems = read_table("entities", path)
        rows = sum(1 for _ in table.rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert problems == [] and table.problems == [] and rows == 20_000
    assert peak < size // 8, (peak, size)  # a few pieces of READ_SIZE (190 KB), not the file


def test_a_batch_is_cut_by_characters(tmp_path):
    long = "x" * (MAX_LITERAL_BYTES * 3 // 4)
    folder = good_files(tmp_path / "csv")
    rows = "".join(f"e{i},Entity {i},Company,,,,{long}\n" for i in range(24))
    with (folder / "entities.csv").open("a") as fh:
        fh.write(rows)
    sent: list[tuple[int, int]] = []
    with graphkit.open(tmp_path / "kg", create=True) as kg:
        pipeline = Pipeline(kg.schema, None, sink=lambda text, count: sent.append((len(text), count)))
        try:
            tables = {kind: read_table(kind, path)[0] for kind, path in find_inputs([folder]).items()}
            read_csv_tables(tables, kg.schema, pipeline)
            plan = pipeline.finish()
        finally:
            pipeline.close()
    assert pipeline.problems == []
    assert plan.changes["entities"]["new"][2:] == [f"e{i}" for i in range(24)]  # nothing lost
    assert sum(chars for chars, _ in sent) > 24 * len(long)
    assert len(sent) >= 3 and len(sent) < pipeline_module.BATCH
    assert max(chars for chars, _ in sent) < BATCH_CHARS + 2 * len(long)


def test_the_memory_budget_stops_a_streamed_load(cli, tmp_path, monkeypatch):
    folder = good_files(tmp_path / "csv")
    monkeypatch.setattr(worker, "_BUDGET", (1 << 20, 1))  # 1 MB of resident memory: always over
    store = tmp_path / "kg"
    result = run(cli, "import", folder, "--store", store)
    assert result.exit_code == 1
    assert "grew past 1 MB of memory and was stopped. Nothing was written" in result.output
    assert "Traceback" not in result.output
    assert not store.exists()
    monkeypatch.setattr(worker, "_BUDGET", None)
    assert run(cli, "import", folder, "--store", store).exit_code == 0


def test_a_line_longer_than_the_limit_is_refused_where_it_is(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_text, "MAX_LINE", 80)
    folder = write(
        tmp_path / "csv",
        entities=HEADERS["entities"]
        + "\nacme,Acme,Company,,,,short\nbeta,Beta,Company,,,,"
        + "x" * 100
        + "\n",
    )
    table, problems = read_table("entities", folder / "entities.csv")
    assert problems == []
    assert [row.number for row in table.rows] == [2]
    assert [(p.row, p.message[:33]) for p in table.problems] == [(3, "a line of the file is longer than")]
    monkeypatch.setattr(csv_text, "MAX_LINE", 20)  # the header itself
    table, problems = read_table("entities", folder / "entities.csv")
    assert table is None and [(p.row, p.message[:33]) for p in problems] == [
        (1, "a line of the file is longer than")
    ]

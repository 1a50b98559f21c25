"""Hostile input files: entity bombs, deep RDF/XML, huge literals, impossible dates."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers import TTL_PREFIXES, run, run_ok

from graphkit.limits import MAX_LITERAL_BYTES, MAX_XML_DEPTH
from graphkit.vocab import GKD

GRAPHKIT = [sys.executable, "-c", "from graphkit.cli import main; main()"]
RDF_OPEN = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
MEMORY_LIMIT = 1 << 30  # 1 GiB of address space: the bomb asks for many more


def _billion_laughs() -> str:
    lines = [
        '<?xml version="1.0"?>',
        "<!DOCTYPE rdf:RDF [",
        '<!ENTITY lol0 "lollollollollollollollollollol">',
    ]
    lines += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    lines += ["]>", RDF_OPEN, '<rdf:Description rdf:about="http://example.org/a">']
    lines += ["<ex:p>&lol9;</ex:p></rdf:Description></rdf:RDF>"]
    return "\n".join(lines) + "\n"


def _limited(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def _graphkit_limited(*args: str, limit: int = MEMORY_LIMIT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*GRAPHKIT, *map(str, args)],
        capture_output=True,
        text=True,
        preexec_fn=_limited(limit),
        timeout=120,
    )


@pytest.mark.parametrize("how", ["load", "file store"])
def test_entity_bomb_is_refused_before_parsing(tmp_path, how):
    bomb = tmp_path / "bomb.rdf"
    bomb.write_text(_billion_laughs())
    assert bomb.stat().st_size < 1200
    if how == "load":
        result = _graphkit_limited("load", bomb, "--store", tmp_path / "store")
        assert not (tmp_path / "store").exists()
    else:
        result = _graphkit_limited("stats", "--store", bomb)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{bomb}:4: the DOCTYPE entity 'lol1' refers to other entities" in result.stderr


def test_plain_namespace_entities_still_load(tmp_path):
    """Ontology editors declare namespaces as entities; those are harmless and still read."""
    owl = tmp_path / "onto.rdf"
    owl.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n<!ENTITY ex "http://example.org/">\n]>\n'
        + RDF_OPEN
        + '<rdf:Description rdf:about="&ex;a"><ex:p>ok</ex:p></rdf:Description></rdf:RDF>\n'
    )
    result = run_ok("load", owl, "--store", tmp_path / "store")
    assert "Loaded 1 statements" in result.output


def test_many_references_to_a_plain_entity_are_capped(tmp_path):
    big = "x" * 4000
    body = "".join(
        f'<rdf:Description rdf:about="http://example.org/{i}"><ex:p>&big;</ex:p></rdf:Description>'
        for i in range(400)
    )
    path = tmp_path / "wide.rdf"
    path.write_text(f'<!DOCTYPE rdf:RDF [<!ENTITY big "{big}">]>\n{RDF_OPEN}\n{body}</rdf:RDF>\n')
    result = run("load", path, "--store", tmp_path / "store")
    assert result.exit_code == 1
    assert "entity references expand to more than 1 MiB" in result.output
    assert not (tmp_path / "store").exists()


def _deep_rdfxml(depth: int) -> str:
    # Alternate node and property elements, as nested RDF/XML descriptions do.
    opening = "".join(
        f'<rdf:Description rdf:about="http://example.org/n{i}"><ex:next>' for i in range(depth // 2)
    )
    closing = "</ex:next></rdf:Description>" * (depth // 2)
    return f"{RDF_OPEN}{opening}<rdf:Description rdf:about='http://example.org/end'/>{closing}</rdf:RDF>\n"


def test_deep_rdfxml_is_refused_quickly(tmp_path):
    deep = tmp_path / "deep.rdf"
    deep.write_text(_deep_rdfxml(60_000))  # about 4 MB; minutes for the engine
    started = time.monotonic()
    result = run("load", deep, "--store", tmp_path / "store")
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    assert f"{deep}:1: elements are nested more than {MAX_XML_DEPTH} deep" in result.output


def test_rdfxml_within_the_depth_limit_loads(tmp_path):
    ok = tmp_path / "ok.rdf"
    ok.write_text(_deep_rdfxml(MAX_XML_DEPTH - 4))
    run_ok("load", ok, "--store", tmp_path / "store")


def _long_literal_file(tmp_path: Path, ext: str, size: int) -> Path:
    value = "a" * size
    text = {
        "nt": f'<http://example.org/a> <http://example.org/p> "{value}" .\n',
        "ttl": f'<http://example.org/a> <http://example.org/p> "ok" .\n<http://example.org/a> <http://example.org/q> "{value}" .\n',
        "nq": f'<http://example.org/a> <http://example.org/p> "{value}" <http://example.org/g> .\n',
        "trig": f'<http://example.org/g> {{ <http://example.org/a> <http://example.org/p> "{value}" }}\n',
        "jsonld": f'{{"@id": "http://example.org/a", "http://example.org/p": "{value}"}}',
        "rdf": f'{RDF_OPEN}<rdf:Description rdf:about="http://example.org/a"><ex:p>{value}</ex:p></rdf:Description></rdf:RDF>',
    }[ext]
    path = tmp_path / f"long.{ext}"
    path.write_text(text)
    return path


@pytest.mark.parametrize("ext", ["nt", "ttl", "nq", "trig", "jsonld", "rdf"])
@pytest.mark.parametrize("size", [MAX_LITERAL_BYTES + 1, 17 * 1024 * 1024])
def test_literal_over_the_limit_is_refused_with_its_line(tmp_path, ext, size):
    path = _long_literal_file(tmp_path, ext, size)
    result = run("load", path, "--store", tmp_path / "store")
    assert result.exit_code == 1, result.output
    assert "is longer than the limit of 2 MiB" in result.output
    line = 2 if ext == "ttl" else 1
    assert f"Error: {path}:{line}: " in result.output
    assert not (tmp_path / "store").exists()


def test_literal_at_the_limit_round_trips_through_every_format(tmp_path):
    """Whatever graphkit accepts it can write and read back, even when escaping grows it six times."""
    value = "\u0001" * (MAX_LITERAL_BYTES // 2) + "é" * (MAX_LITERAL_BYTES // 4)
    assert len(value.encode()) == MAX_LITERAL_BYTES
    source = tmp_path / "max.nt"
    triple = ox.Triple(
        ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"), ox.Literal(value)
    )
    source.write_bytes(ox.serialize([triple], format=ox.RdfFormat.N_TRIPLES))
    store = tmp_path / "store"
    run_ok("load", source, "--store", store)
    for fmt in ("nt", "ttl", "nq", "trig", "jsonld"):
        out = tmp_path / f"out.{fmt}"
        run_ok("export", "-F", fmt, "-o", out, "--store", store)
        run_ok("load", out, "--store", tmp_path / f"again-{fmt}")


def test_update_text_with_a_long_literal_is_refused(tmp_path, persistent_store):
    update = tmp_path / "long.ru"
    update.write_text(
        f'INSERT DATA {{\n  <http://example.org/a> <http://example.org/p> "{"a" * (MAX_LITERAL_BYTES + 1)}" }}\n'
    )
    result = run("update", "-f", update, "--store", persistent_store)
    assert result.exit_code == 1
    assert f"{update}: line 2, column 49: a literal of 2.0 MiB is longer than the limit" in result.output


IMPOSSIBLE = [
    ("2024-02-30", "date"),
    ("2023-02-29", "date"),
    ("2024-04-31T10:00:00Z", "dateTime"),
    ("2024-01-01T25:00:00", "dateTime"),
    ("2024-13", "gYearMonth"),
    ("24", "gYear"),
    ("1.5", "integer"),
    ("1,5", "decimal"),
    ("yes", "boolean"),
]


@pytest.mark.parametrize(("value", "datatype"), IMPOSSIBLE)
def test_ill_typed_literal_is_refused_by_load_with_its_line(tmp_path, value, datatype):
    path = tmp_path / "bad.ttl"
    path.write_text(TTL_PREFIXES + f'gkd:x dcterms:date "{value}"^^xsd:{datatype} .\n')
    line = TTL_PREFIXES.count("\n") + 1
    result = run("load", path, "--store", tmp_path / "store")
    assert result.exit_code == 1
    assert f"Error: {path}:{line}: {value!r} is not a valid xsd:{datatype}" in result.output


@pytest.mark.parametrize(("value", "datatype"), IMPOSSIBLE)
def test_ill_typed_literal_is_refused_by_update_with_its_position(persistent_store, value, datatype):
    text = f'INSERT DATA {{\n  gkd:x dcterms:date "{value}"^^xsd:{datatype} }}'
    result = run("update", text, "--store", persistent_store)
    assert result.exit_code == 1
    assert f"line 2, column 22: {value!r} is not a valid xsd:{datatype}" in result.output
    full = text.replace(f"xsd:{datatype}", f"<http://www.w3.org/2001/XMLSchema#{datatype}>")
    assert run("update", full, "--store", persistent_store).exit_code == 1


def test_valid_dates_still_pass(tmp_path, persistent_store):
    run_ok(
        "update",
        'INSERT DATA { gkd:x dcterms:date "2024-02-29"^^xsd:date ; gk:n "24:00:00"^^xsd:string }',
        "--store",
        persistent_store,
    )


def test_validate_reports_an_impossible_date_already_in_a_store_without_a_traceback(tmp_path):
    from graphkit.store import bundled_files

    # A store written before the checks existed (or by another tool).
    store = tmp_path / "old"
    raw = ox.Store(str(store))
    for path in bundled_files():
        raw.load(path=str(path), format=ox.RdfFormat.TURTLE)
    date = ox.NamedNode("http://purl.org/dc/terms/date")
    (old,) = raw.quads_for_pattern(
        ox.NamedNode(GKD + "rel/collins-met-us-national-cyber-director"), date, None
    )
    raw.remove(old)
    impossible = ox.Literal("2024-02-30", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    raw.add(ox.Quad(old.subject, date, impossible))
    raw.flush()
    del raw
    result = subprocess.run(
        [*GRAPHKIT, "validate", "--store", str(store)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 1
    assert "2024-02-30 is not a real" in " ".join(result.stdout.split())
    assert "Traceback" not in result.stderr + result.stdout


def test_csv_cell_over_the_limit_is_refused_with_row_and_column(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    long_text = "a" * (MAX_LITERAL_BYTES + 1)
    (folder / "entities.csv").write_text(
        f"id,label,type,description\nexampleland,Exampleland,Country,ok\nx,X,Country,{long_text}\n"
    )
    result = run("import", folder, "--store", tmp_path / "store")
    assert result.exit_code == 1
    assert (
        "entities.csv, row 3, column 'description': a literal of 2.0 MiB is longer than the limit"
        in result.output
    )
    assert not (tmp_path / "store").exists()


def test_impossible_date_in_a_csv_import_is_refused_with_row_and_column(tmp_path):
    import shutil

    from graphkit.vocab import data_dir

    folder = tmp_path / "in"
    shutil.copytree(data_dir() / "templates" / "example", folder)
    path = folder / "relationships.csv"
    path.write_text(path.read_text().replace(",,2023-11,,,", ",,2024-02-30,,,", 1))
    result = run("import", folder, "--store", tmp_path / "store")
    assert result.exit_code == 1
    assert "relationships.csv, row 2, column 'start', value '2024-02-30'" in result.output
    assert "impossible date" in result.output
    assert not (tmp_path / "store").exists()


def test_an_update_the_engine_refuses_is_a_clear_error(persistent_store):
    result = run("update", "CREATE GRAPH <urn:x:g> ; CREATE GRAPH <urn:x:g>", "--store", persistent_store)
    assert result.exit_code == 1
    assert "the update failed: The graph <urn:x:g> already exists" in result.output

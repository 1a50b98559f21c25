"""export: the format from -o's extension; CSV never goes into a file named .csv."""

from __future__ import annotations

import networkx as nx
import pyoxigraph as ox
import pytest

from graphkit.store import bundled_files
from tests.helpers import run, run_ok

# What the bundled data holds, counted from its files rather than written down here.
BUNDLED_TRIPLES = len(
    {q.triple for path in bundled_files() for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)}
)
BUNDLED_ENTITIES = 51


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("graph.graphml", lambda p: nx.read_graphml(p).number_of_nodes() == BUNDLED_ENTITIES),
        ("graph.gexf", lambda p: nx.read_gexf(p).number_of_nodes() == BUNDLED_ENTITIES),
        (
            "graph.nt",
            lambda p: len(list(ox.parse(path=str(p), format=ox.RdfFormat.N_TRIPLES))) == BUNDLED_TRIPLES,
        ),
        (
            "graph.TTL",
            lambda p: len(list(ox.parse(path=str(p), format=ox.RdfFormat.TURTLE))) == BUNDLED_TRIPLES,
        ),
        ("graph.cypher", lambda p: p.read_text(encoding="utf-8").startswith("// graphkit export for Neo4j")),
    ],
)
def test_format_comes_from_the_extension(tmp_path, name, check):
    out = tmp_path / name
    result = run_ok("export", "-o", str(out))
    assert check(out)
    assert f"Wrote {out} (" in result.output


def test_explicit_format_wins_and_stdout_defaults_to_turtle(tmp_path):
    out = tmp_path / "graph.data"
    run_ok("export", "--format", "nt", "-o", str(out))
    assert len(list(ox.parse(path=str(out), format=ox.RdfFormat.N_TRIPLES))) == BUNDLED_TRIPLES
    turtle = run_ok("export").output
    assert "@prefix gk:" in turtle


@pytest.mark.parametrize(
    ("fmt", "name", "named"),
    [
        ("graphml", "z.gexf", "gexf"),
        ("ttl", "graph.rdf", "rdfxml"),
        ("json", "graph.ftm.jsonl", "ftm"),
        ("cypher", "graph.NT", "nt"),
        ("graphml", "graph.owl", "rdfxml"),
    ],
)
def test_a_format_that_the_extension_contradicts_is_refused(tmp_path, monkeypatch, fmt, name, named):
    monkeypatch.chdir(tmp_path)
    result = run("export", "-F", fmt, "-o", name)
    assert result.exit_code == 1, result.output
    assert result.output == (
        f"Error: -o {name} has the extension of the {named} format, but --format says {fmt}: "
        "make them agree (change the extension or --format)\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("fmt", "name", "read"),
    [
        ("nt", "graph.ttl", ox.RdfFormat.TURTLE),  # N-Triples is Turtle too
        ("ttl", "graph.trig", ox.RdfFormat.TRIG),
        ("graphml", "graph.xml", None),  # the generic XML extension
        ("gexf", "graph.xml", None),
    ],
)
def test_a_format_valid_under_the_extension_is_written(tmp_path, fmt, name, read):
    out = tmp_path / name
    run_ok("export", "-F", fmt, "-o", str(out))
    if read is None:
        reader = nx.read_graphml if fmt == "graphml" else nx.read_gexf
        assert reader(out).number_of_nodes() == BUNDLED_ENTITIES
    else:
        assert len(list(ox.parse(path=str(out), format=read))) == BUNDLED_TRIPLES


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["-o", "graph.csv"], "CSV export writes a folder"),
        (["--format", "csv", "-o", "graph.csv"], "-o graph-csv"),
        (["-o", "graph.json"], "--format json (networkx node-link) or --format jsonld"),
        (["-o", "graph"], "cannot tell the format from -o graph"),
    ],
)
def test_unclear_or_wrong_output_names_are_refused(tmp_path, monkeypatch, args, fragment):
    monkeypatch.chdir(tmp_path)
    result = run("export", *args)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and fragment in result.output, result.output
    assert list(tmp_path.iterdir()) == []  # nothing written, no folder named graph.csv


def test_an_existing_folder_gets_the_csv_sheets(tmp_path):
    folder = tmp_path / "sheets"
    folder.mkdir()
    result = run_ok("export", "-o", str(folder))
    assert f"Wrote {folder} (csv, " in result.output
    assert (folder / "entities.csv").is_file() and (folder / "gephi-edges.csv").is_file()

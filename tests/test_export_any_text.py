"""Any text in a label, a description or a source title: every export format reads back.

The strings include every control character (from a hostile Turtle or CSV file),
U+0085, U+2028, U+2029, U+FFFE... RDF formats must give back the same literal
(read by pyoxigraph); GraphML and GEXF must open in networkx, with the
characters XML 1.0 forbids replaced; JSON and CSV must give back the text as it
is; Cypher must keep each statement on one line.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from xml.dom import minidom

import networkx as nx
import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_export import scan_cypher_line

import graphkit
from graphkit.errors import GraphkitError
from graphkit.export.files import atomic_folder
from graphkit.export.network import (
    write_cypher,
    write_gexf,
    write_graphml,
    write_json,
    xml_text,
)
from graphkit.export.rdf import RDF_FORMATS, write_rdf
from graphkit.export.spreadsheet import write_spreadsheets
from graphkit.projection import project
from graphkit.store.formats import format_by_name

GK = "https://w3id.org/graphkit/ontology#"
EX = "https://example.org/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"

# Characters that XML 1.0 cannot hold, even as a character reference.
XML_FORBIDDEN = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"} | {"\ufffe", "\uffff"}

# Any character but lone surrogates (which no UTF-8 file can hold); controls and
# Unicode line separators are favoured, as they are what breaks writers.
hostile = st.sampled_from(["\x00", "\x01", "\x0b", "\x0c", "\x1b", "\x1c", "\x7f", "\x85", "\x9b"])
hostile |= st.sampled_from(["\r", "\r\n", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "\u202e"])
text = st.lists(hostile | st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20).map("".join)


def _store_file(folder: Path, label: str, description: str, title: str) -> Path:
    def iri(name: str) -> ox.NamedNode:
        return ox.NamedNode(name)

    e, m, r, s = iri(EX + "e"), iri(EX + "m"), iri(EX + "rel"), iri(EX + "src")
    triples = [
        ox.Triple(e, iri(RDF + "type"), iri(GK + "Company")),
        ox.Triple(e, iri(RDFS_LABEL), ox.Literal(label)),
        ox.Triple(m, iri(RDF + "type"), iri(GK + "Minister")),
        ox.Triple(m, iri(RDFS_LABEL), ox.Literal("Minister")),
        ox.Triple(e, iri(GK + "metWith"), m),
        ox.Triple(r, iri(RDF + "type"), iri(GK + "Relationship")),
        ox.Triple(r, iri(RDF + "subject"), e),
        ox.Triple(r, iri(RDF + "predicate"), iri(GK + "metWith")),
        ox.Triple(r, iri(RDF + "object"), m),
        ox.Triple(r, iri(DCT + "description"), ox.Literal(description)),
        ox.Triple(r, iri(PROV + "wasDerivedFrom"), s),
        ox.Triple(s, iri(RDF + "type"), iri(GK + "NewsReport")),
        ox.Triple(s, iri(DCT + "title"), ox.Literal(title)),
        ox.Triple(s, iri(DCT + "publisher"), ox.Literal("P")),
    ]
    path = folder / "in.nt"
    path.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    return path


def _check_rdf(kg, fmt: str, strings: set[str]) -> None:
    buffer = io.BytesIO()
    if fmt == "rdfxml" and any(c in XML_FORBIDDEN for value in strings for c in value):
        # XML 1.0 cannot hold the character: a clear error, never a changed literal or invalid XML
        with pytest.raises(GraphkitError, match=r"which XML 1\.0 forbids"):
            write_rdf(kg, buffer, fmt)
        return
    write_rdf(kg, buffer, fmt)
    if fmt == "rdfxml":
        minidom.parseString(buffer.getvalue())  # well-formed XML 1.0
    values = {
        q.object.value
        for q in ox.parse(buffer.getvalue(), format_by_name(fmt))
        if isinstance(q.object, ox.Literal)
    }
    assert strings <= values, fmt


def _check_xml(graph: nx.MultiDiGraph, label: str, description: str) -> None:
    for write, read in ((write_graphml, nx.read_graphml), (write_gexf, nx.read_gexf)):
        buffer = io.BytesIO()
        write(graph, buffer)
        buffer.seek(0)
        back = read(buffer)  # networkx refuses XML that is not well-formed
        assert back.nodes[EX + "e"]["label"] == xml_text(label), write.__name__
        (edge,) = back.edges(data=True)
        assert edge[2]["description"] == xml_text(description), write.__name__


def _check_json(graph: nx.MultiDiGraph, label: str, description: str) -> None:
    buffer = io.StringIO()
    write_json(graph, buffer)
    data = json.loads(buffer.getvalue())
    back = nx.node_link_graph(data, edges="edges")
    assert back.nodes[EX + "e"]["label"] == label
    (edge,) = back.edges(data=True)
    assert edge[2]["description"] == description


def _check_csv(graph: nx.MultiDiGraph, folder: Path, strings: set[str]) -> None:
    with atomic_folder(folder / "csv") as staging:
        write_spreadsheets(graph, staging, {})
    cells: set[str] = set()
    for path in (folder / "csv").glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as fh:
            cells.update(cell for row in csv.reader(fh) for cell in row)
    for value in strings:
        # a cell that a spreadsheet would run as a formula may be quoted with a leading "'"
        assert value in cells or "'" + value in cells, value


def _check_cypher(graph: nx.MultiDiGraph, strings: set[str]) -> None:
    buffer = io.StringIO()
    write_cypher(graph, buffer)
    script = buffer.getvalue()
    assert script.splitlines() == script.split("\n")[:-1]  # no line break but "\n"
    decoded: list[str] = []
    for line in script.splitlines():
        if line.startswith("//"):
            continue
        code, found = scan_cypher_line(line)
        assert code.endswith(";") and code.count(";") == 1
        decoded += found
    for value in strings:
        assert value in decoded or any(value in d for d in decoded), value


@settings(max_examples=30, deadline=None)
@given(label=text, description=text, title=text)
def test_every_export_format_reads_back_any_text(label, description, title):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = _store_file(folder, label, description, title)
        with graphkit.open(source) as kg:
            for fmt in RDF_FORMATS:
                _check_rdf(kg, fmt, {label, description, title})
            graph = project(kg)
        _check_xml(graph, label, description)
        _check_json(graph, label, description)
        _check_csv(graph, folder, {label, description})
        _check_cypher(graph, {label, description})


def test_cypher_never_splits_a_statement_on_a_unicode_line_break():
    graph = nx.MultiDiGraph()
    graph.add_node("x", label="one\x85two\u2028three\u2029four\x0bfive\x1cend", types=["Company"])
    buffer = io.StringIO()
    write_cypher(graph, buffer)
    lines = buffer.getvalue().splitlines()  # splits on every one of those characters
    assert len(lines) == 3 and lines[2].endswith(";")
    assert "\\u0085" in lines[2] and "\\u2028" in lines[2] and "\\u2029" in lines[2]


def test_gephi_files_from_a_hostile_store_open_in_networkx(tmp_path):
    from helpers import run_ok

    source = _store_file(tmp_path, "Acme\x01\x1b[2J", "bell\x07", "T")
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        out = tmp_path / f"out.{fmt}"
        run_ok("export", "-F", fmt, "-o", str(out), "--store", str(source))
        assert read(out).nodes[EX + "e"]["label"] == "Acme\ufffd\ufffd[2J"


def test_rdfxml_refuses_a_literal_that_xml_cannot_hold(tmp_path):
    from helpers import run

    source = _store_file(tmp_path, "Acme\x01Ltd", "met", "T")
    out = tmp_path / "out.rdf"
    out.write_text("before", encoding="utf-8")
    for view in ([], ["--type", "Company"]):
        result = run("export", "-F", "rdfxml", "-o", str(out), "--store", str(source), *view)
        assert result.exit_code == 1, result.output
        assert "Error: RDF/XML cannot hold the value of <https://example.org/id/e>" in result.output
        assert "U+0001 (character 5), which XML 1.0 forbids" in result.output
        assert "Traceback" not in result.output
        assert out.read_text(encoding="utf-8") == "before"  # the file it would have replaced is kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.nt", "out.rdf"]  # no temporary file left


def test_rdfxml_keeps_carriage_returns_for_any_xml_reader(tmp_path):
    source = _store_file(tmp_path, "one\rtwo\r\nthree", "d", "t")
    buffer = io.BytesIO()
    with graphkit.open(source) as kg:
        write_rdf(kg, buffer, "rdfxml")
    labels = minidom.parseString(buffer.getvalue()).getElementsByTagNameNS(RDFS_LABEL[:-5], "label")
    assert "one\rtwo\r\nthree" in {node.firstChild.data for node in labels}

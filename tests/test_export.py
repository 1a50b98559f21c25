"""graphkit export: RDF round trips, Gephi, node-link JSON, CSV, Cypher, and bad input."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from helpers import run, run_ok
from hypothesis import given
from hypothesis import strategies as st
from rdflib.compare import isomorphic

import graphkit
from graphkit.errors import GraphkitError
from graphkit.export.files import atomic_file, atomic_folder
from graphkit.export.network import cypher_string
from graphkit.export.rdf import RDF_FORMATS
from graphkit.projection import project
from graphkit.store.formats import FORMATS

GKD = "https://w3id.org/graphkit/id/"
GK = "https://w3id.org/graphkit/ontology#"
COLLINS = GKD + "judith-collins"
AWS = GKD + "aws"
MET_AWS = GKD + "rel/collins-met-aws"

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")

RDFLIB_FORMATS = {
    "ttl": "turtle",
    "nt": "nt",
    "nq": "nquads",
    "trig": "trig",
    "jsonld": "json-ld",
    "rdfxml": "xml",
}
OX_FORMATS = {name: FORMATS[name] for name in RDF_FORMATS}
HOSTILE = "Evil \"Corp\" 'x' \\ back\nslash '}) DETACH DELETE n //"
HOSTILE_TTL = r"""
@prefix gk: <https://w3id.org/graphkit/ontology#> .
@prefix ex: <https://example.org/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
ex:evil a gk:Company ; rdfs:label "Evil \"Corp\" 'x' \\ back\nslash '}) DETACH DELETE n //" ;
    skos:altLabel "`tick` ` MATCH (n) DELETE n" .
ex:minister a gk:Minister ; rdfs:label "Minister" .
ex:evil gk:metWith ex:minister .
ex:rel a gk:Relationship ; rdf:subject ex:evil ; rdf:predicate gk:metWith ; rdf:object ex:minister ;
    dcterms:description "x\"}) MATCH (m) DETACH DELETE m //\r\n\u2028 tab\t end" ;
    prov:wasDerivedFrom ex:src .
ex:src a gk:NewsReport ; dcterms:title "It's \"quoted\" \\" ; dcterms:publisher "P" .
"""


# -- helpers -------------------------------------------------------------------------


def to_rdflib(data: bytes, fmt: str) -> rdflib.Graph:
    """Parse an export with rdflib; quads are merged into one graph."""
    graph = rdflib.Graph()
    if fmt in ("nq", "trig"):
        dataset = rdflib.Dataset()
        dataset.parse(data=data.decode("utf-8"), format=RDFLIB_FORMATS[fmt])
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
    else:
        graph.parse(data=data.decode("utf-8"), format=RDFLIB_FORMATS[fmt])
    return graph


def store_graph(spec: str | None = None) -> rdflib.Graph:
    with graphkit.open(spec) as kg:
        data = ox.serialize(kg.triples(), format=ox.RdfFormat.N_TRIPLES)
    return to_rdflib(data, "nt")


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def assert_refused(result, folder: Path, before: list[str], code: int | None = None) -> None:
    """A clear error, no traceback, and the folder exactly as it was."""
    assert result.exit_code != 0
    if code is not None:
        assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Error" in result.output
    assert listing(folder) == before


def unescape_cypher(body: str) -> str:
    """Decode the inside of a Cypher string literal."""
    simple = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "\\": "\\", "'": "'", '"': '"'}
    out, i = [], 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
        elif body[i + 1] == "u":
            out.append(chr(int(body[i + 2 : i + 6], 16)))
            i += 6
        else:
            out.append(simple[body[i + 1]])
            i += 2
    return "".join(out)


def scan_cypher_line(line: str) -> tuple[str, list[str]]:
    """Split one statement into its code (outside literals) and its decoded strings.

    Fails if a string or a backtick identifier is left open at the end of the line.
    """
    code, strings, i = [], [], 0
    while i < len(line):
        ch = line[i]
        if ch in "'\"":
            j, body = i + 1, []
            while True:
                assert j < len(line), f"unterminated string in: {line}"
                if line[j] == "\\":
                    body.append(line[j : j + 2])
                    j += 2
                elif line[j] == ch:
                    break
                else:
                    body.append(line[j])
                    j += 1
            strings.append(unescape_cypher("".join(body)))
            code.append("''")
            i = j + 1
        elif ch == "`":
            j = i + 1
            while True:
                assert j < len(line), f"unterminated identifier in: {line}"
                if line[j] == "`" and line[j + 1 : j + 2] == "`":
                    j += 2
                elif line[j] == "`":
                    break
                else:
                    j += 1
            code.append("`id`")
            i = j + 1
        else:
            code.append(ch)
            i += 1
    return "".join(code), strings


# -- fixtures --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference() -> rdflib.Graph:
    return store_graph()


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    with graphkit.open() as kg:
        return project(kg)


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("exports")


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("hostile") / "hostile.ttl"
    path.write_text(HOSTILE_TTL, encoding="utf-8")
    return str(path)


def edge_set(g: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    return set(g.edges(keys=True))


# -- RDF -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(RDFLIB_FORMATS))
def test_rdf_file_round_trip_is_isomorphic(fmt, reference, out_dir):
    path = out_dir / f"graph.{fmt}"
    result = run_ok("export", "--format", fmt, "-o", str(path))
    assert f"Wrote {path}" in result.stderr
    data = path.read_bytes()
    assert isomorphic(to_rdflib(data, fmt), reference)
    assert len(reference) == len({q.triple for q in ox.parse(data, OX_FORMATS[fmt])})
    assert not [p for p in listing(out_dir) if p.endswith(".tmp")]


@pytest.mark.parametrize("fmt", list(RDFLIB_FORMATS))
def test_rdf_to_stdout(fmt, reference):
    result = run_ok("export", "-F", fmt)
    assert isomorphic(to_rdflib(result.stdout_bytes, fmt), reference)
    assert "Wrote" not in result.stdout


@pytest.mark.parametrize("fmt", ["ttl", "nq", "jsonld"])
def test_rdf_round_trip_from_the_remote_store(fmt, reference, remote_store):
    result = run_ok("export", "-F", fmt, "--store", remote_store)
    exported = to_rdflib(result.stdout_bytes, fmt)
    assert isomorphic(exported, store_graph(remote_store))

    # The endpoint holds blank nodes as skolem IRIs; everything else is the bundled data.
    def ground(g: rdflib.Graph) -> set:
        return {t for t in g if not any(isinstance(x, rdflib.BNode) or "/.well-known/genid/" in x for x in t)}

    assert ground(exported) == ground(reference) and len(exported) == len(reference)


def test_rdf_export_of_an_ego_network(graph, reference):
    exported = to_rdflib(run_ok("export", "-F", "ttl", "--focus", "AWS", "--depth", "1").stdout_bytes, "ttl")
    view = {AWS, *graph.to_undirected(as_view=True)[AWS]}
    subjects = {str(s) for s in exported.subjects()}
    assert view <= subjects
    assert GKD + "singapore" not in subjects and GKD + "google" not in subjects
    relations = {rdflib.URIRef(i) for i in graphkit.load_schema().relations}
    for s, p, o in exported:
        if p in relations:
            assert str(s) in view and str(o) in view, (s, p, o)
    assert (rdflib.URIRef(COLLINS), rdflib.URIRef(GK + "metWith"), rdflib.URIRef(AWS)) in exported
    assert rdflib.URIRef(MET_AWS) in set(exported.subjects())
    assert exported.value(rdflib.URIRef(MET_AWS), rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    assert all(triple in reference for triple in exported)  # the store's own statements


def test_rdf_export_as_of_drops_the_statement_and_its_direct_triple(reference):
    exported = to_rdflib(run_ok("export", "-F", "nt", "--as-of", "2025").stdout_bytes, "nt")
    collins, aws = rdflib.URIRef(COLLINS), rdflib.URIRef(AWS)
    assert (collins, rdflib.URIRef(GK + "metWith"), aws) not in exported
    assert rdflib.URIRef(MET_AWS) not in set(exported.subjects())
    assert (aws, rdflib.URIRef(GK + "basedIn"), rdflib.URIRef(GKD + "united-states")) in exported
    assert 0 < len(exported) < len(reference)


# -- Gephi -----------------------------------------------------------------------------


def test_graphml_reads_back_with_types(graph, out_dir):
    path = out_dir / "graph.graphml"
    run_ok("export", "--format", "graphml", "-o", str(path))
    back = nx.read_graphml(path, force_multigraph=True)
    assert set(back.nodes) == set(graph.nodes)
    assert edge_set(back) == edge_set(graph)
    met = back.edges[COLLINS, AWS, MET_AWS]
    assert met["source_count"] == 1 and type(met["source_count"]) is int
    assert met["date_approximate"] is True
    assert met["date"] == "2024-10" and met["relation"] == "met with"
    assert "RNZ (Radio New Zealand)" in met["sources"]
    assert json.loads(met["sources_json"]) == graph.edges[COLLINS, AWS, MET_AWS]["sources"]
    assert back.nodes[AWS]["label"] == "Amazon Web Services" and back.nodes[AWS]["aliases"] == "AWS"
    assert back.nodes[COLLINS]["type"] == "Minister"


def test_gexf_reads_back_with_types(graph, out_dir):
    path = out_dir / "graph.gexf"
    run_ok("export", "--format", "gexf", "-o", str(path))
    back = nx.read_gexf(path)
    assert isinstance(back, nx.MultiDiGraph)
    assert set(back.nodes) == set(graph.nodes)
    assert edge_set(back) == edge_set(graph)
    met = back.edges[COLLINS, AWS, MET_AWS]
    assert met["source_count"] == 1 and type(met["source_count"]) is int
    assert met["date_approximate"] is True
    assert met["label"] == "met with" and met["id"] == MET_AWS
    mou = back.edges[GKD + "google", GKD + "singapore-google-mou", GKD + "rel/google-party-to-singapore-mou"]
    assert mou["start_date"] == "2023" and mou["end_date"] == ""
    assert back.nodes[COLLINS]["label"] == "Judith Collins"
    text = path.read_text(encoding="utf-8")
    assert 'mode="dynamic"' not in text and "timeformat" not in text


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_gephi_formats_to_stdout(fmt, graph):
    data = run_ok("export", "-F", fmt).stdout_bytes
    reader = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    back = reader(io.BytesIO(data))
    assert set(back.nodes) == set(graph.nodes) and back.number_of_edges() == graph.number_of_edges()


# -- JSON, CSV ---------------------------------------------------------------------------


def test_node_link_json_round_trip(graph, out_dir):
    path = out_dir / "graph.json"
    run_ok("export", "--format", "json", "-o", str(path))
    back = nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="edges")
    assert isinstance(back, nx.MultiDiGraph)
    assert dict(back.nodes(data=True)) == dict(graph.nodes(data=True))
    assert {(u, v, k): d for u, v, k, d in back.edges(keys=True, data=True)} == {
        (u, v, k): d for u, v, k, d in graph.edges(keys=True, data=True)
    }
    stdout = run_ok("export", "-F", "json").stdout
    assert json.loads(stdout) == json.loads(path.read_text(encoding="utf-8"))
    assert run_ok("export", "-F", "json", "-o", "-").stdout == stdout


def test_csv_folder(graph, out_dir):
    folder = out_dir / "csv"
    run_ok("export", "--format", "csv", "-o", str(folder))
    assert listing(folder) == [
        "entities.csv",
        "gephi-edges.csv",
        "gephi-nodes.csv",
        "relationships.csv",
        "sources.csv",
    ]
    with (folder / "gephi-nodes.csv").open(encoding="utf-8", newline="") as fh:
        nodes = list(csv.DictReader(fh))
    with (folder / "gephi-edges.csv").open(encoding="utf-8", newline="") as fh:
        edges = list(csv.DictReader(fh))
    assert {n["Id"] for n in nodes} == set(graph.nodes)
    assert {e["Id"] for e in edges} == {k for _, _, k in graph.edges(keys=True)}
    met = next(e for e in edges if e["Id"] == MET_AWS)
    assert met["Source"] == COLLINS and met["Target"] == AWS and met["Label"] == "met with"
    assert met["subject_label"] == "Judith Collins" and met["date"] == "2024-10"
    assert met["citations"].startswith("Spy agency minister") and "<https://rnz.co.nz/" in met["citations"]
    assert met["citation_count"] == "1" and met["Type"] == "Directed"
    assert "source" not in met and "sources" not in met  # no 'source' beside 'sources'
    assert all(e["citations"] for e in edges)
    aws = next(n for n in nodes if n["Id"] == AWS)
    assert aws["aliases"] == "AWS" and aws["type"] == "Company" and aws["Label"] == "Amazon Web Services"


def test_csv_into_an_existing_folder_keeps_other_files(out_dir):
    folder = out_dir / "csv-existing"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    (folder / "entities.csv").write_text("old", encoding="utf-8")
    run_ok("export", "-F", "csv", "-o", str(folder), "--type", "Company")
    assert "notes.txt" in listing(folder) and "gephi-nodes.csv" in listing(folder)
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (folder / "entities.csv").read_text(encoding="utf-8").startswith("id,label")
    assert not [p for p in listing(out_dir) if p.startswith(".")]


def test_files_get_ordinary_permissions(out_dir):
    mask = os.umask(0o022)
    os.umask(mask)
    path = out_dir / "perm.json"
    run_ok("export", "-F", "json", "-o", str(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask
    folder = out_dir / "perm-csv"
    run_ok("export", "-F", "csv", "-o", str(folder))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~mask
    assert stat.S_IMODE((folder / "relationships.csv").stat().st_mode) == 0o666 & ~mask


# -- Cypher ----------------------------------------------------------------------------


def test_cypher_script_has_one_statement_per_line(graph):
    script = run_ok("export", "-F", "cypher").stdout
    lines = script.splitlines()
    statements = [line for line in lines if not line.startswith("//")]
    assert len(statements) == 1 + graph.number_of_nodes() + graph.number_of_edges()
    merges = [s for s in statements if s.startswith("MERGE (n:")]
    assert len(merges) == graph.number_of_nodes()
    for line in statements:
        code, _ = scan_cypher_line(line)
        assert code.endswith(";") and code.count(";") == 1
    assert any("`Minister`" in s and "'Judith Collins'" in s for s in merges)
    assert any(":`metWith` {key: '" + MET_AWS + "'}" in s for s in statements)


def test_cypher_keeps_hostile_text_inside_string_literals(hostile_store, tmp_path):
    path = tmp_path / "hostile.cypher"
    run_ok("export", "-F", "cypher", "-o", str(path), "--store", hostile_store)
    script = path.read_text(encoding="utf-8")
    statements = [line for line in script.split("\n") if line and not line.startswith("//")]
    assert len(statements) == 1 + 2 + 1  # constraint, two nodes, one relationship
    decoded: list[str] = []
    for line in statements:
        code, strings = scan_cypher_line(line)
        decoded += strings
        assert "DELETE" not in code and "MATCH (m)" not in code, code
        assert code.endswith(";") and code.count(";") == 1
    assert HOSTILE in decoded
    assert any(s.startswith('x"}) MATCH (m) DETACH DELETE m //\r\n\u2028') for s in decoded)
    assert any('It\'s "quoted" \\' in s for s in decoded)  # the sources column
    assert "\u2028" not in script and "\r" not in script


@pytest.mark.parametrize(
    "text",
    [HOSTILE, "", "'", "\\", "\\'", "a\nb\r\nc\td", "\x00\x1f\x7f", "é 中文 🙂", "\u2028\u2029", "`x`"],
)
def test_cypher_string_escapes_hostile_input(text):
    literal = cypher_string(text)
    code, strings = scan_cypher_line(literal)
    assert code == "''" and strings == [text]
    assert "\n" not in literal and "\r" not in literal


@given(st.text())
def test_cypher_string_round_trips_any_text(text):
    code, strings = scan_cypher_line(cypher_string(text) + ";")
    assert code == "'';" and strings == [text]


# -- filtered exports ----------------------------------------------------------------------


def test_filtered_network_exports(graph):
    undirected = graph.to_undirected(as_view=True)
    data = run_ok("export", "-F", "graphml", "--focus", "AWS", "--depth", "1").stdout_bytes
    back = nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    assert set(back.nodes) == {AWS, *undirected[AWS]}
    two = json.loads(run_ok("export", "-F", "json", "--focus", "AWS", "--depth", "2").stdout)
    assert {n["id"] for n in two["nodes"]} == set(nx.single_source_shortest_path_length(undirected, AWS, 2))
    companies = json.loads(run_ok("export", "-F", "json", "--type", "Company").stdout)
    assert companies["nodes"] and {n["type"] for n in companies["nodes"]} == {"Company"}
    later = json.loads(run_ok("export", "-F", "json", "--as-of", "2025").stdout)
    assert "metWith" not in {e["relation_name"] for e in later["edges"]}
    assert len(later["edges"]) < graph.number_of_edges()


# -- bad input -------------------------------------------------------------------------------


def test_unknown_format(tmp_path):
    result = run("export", "--format", "xlsx", "-o", str(tmp_path / "x.xlsx"))
    assert_refused(result, tmp_path, [], code=2)
    assert "Invalid value" in result.output


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--focus", "Nobody Atall"], 2, "no entity"),
        (["--focus", "AWS", "--depth", "-1"], 1, "--depth"),
        (["--depth", "-1"], 1, "--depth"),
        (["--as-of", "2024-13"], 1, "2024-13"),
        (["--as-of", "last year"], 1, "malformed date"),
        (["--type", "Compny"], 1, "unknown entity type"),
    ],
)
@pytest.mark.parametrize("fmt", ["ttl", "graphml", "csv"])
def test_bad_options_write_nothing(tmp_path, fmt, args, code, message):
    target = tmp_path / ("out" if fmt == "csv" else f"out.{fmt}")
    result = run("export", "-F", fmt, "-o", str(target), *args)
    assert_refused(result, tmp_path, [], code=code)
    assert message in result.output


@pytest.mark.parametrize("fmt", ["nt", "gexf", "json", "cypher", "csv"])
def test_unwritable_output_paths(tmp_path, fmt):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    existing_dir = tmp_path / "a-folder"
    existing_dir.mkdir()
    before = listing(tmp_path)
    for target, message in [
        (tmp_path / "missing" / "out", "does not exist"),
        (blocker / "out", "is a file, not a folder"),
    ]:
        result = run("export", "-F", fmt, "-o", str(target))
        assert_refused(result, tmp_path, before, code=1)
        assert message in result.output
    if fmt == "csv":
        result = run("export", "-F", fmt, "-o", str(blocker))
        assert "it is a file" in result.output
    else:
        result = run("export", "-F", fmt, "-o", str(existing_dir))
        assert "it is a folder" in result.output
    assert_refused(result, tmp_path, before, code=1)
    assert blocker.read_text(encoding="utf-8") == "x" and listing(existing_dir) == []


def test_csv_needs_a_folder():
    result = run("export", "-F", "csv")
    assert result.exit_code == 1 and "-o FOLDER" in result.output


def test_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_file(target, "w") as fh:
        fh.write("half")
        raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "old"
    assert listing(tmp_path) == ["graph.ttl"]
    folder = tmp_path / "csv"
    with pytest.raises(RuntimeError), atomic_folder(folder) as staging:
        (staging / "nodes.csv").write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")
    assert listing(tmp_path) == ["graph.ttl"]
    with pytest.raises(GraphkitError, match="does not exist"), atomic_file(tmp_path / "no" / "x"):
        pass


def test_failed_export_keeps_the_previous_export(tmp_path):
    target = tmp_path / "graph.json"
    run_ok("export", "-F", "json", "-o", str(target))
    previous = target.read_bytes()
    result = run("export", "-F", "json", "-o", str(target), "--as-of", "2024-02-30")
    assert_refused(result, tmp_path, ["graph.json"], code=1)
    assert target.read_bytes() == previous


def test_export_help_has_an_example():
    out = run_ok("export", "--help").output
    assert "Example" in out and "graphkit export" in out
    assert re.search(r"ttl, nt, nq, trig, jsonld, rdfxml", out)


@pytest.mark.parametrize("fmt", ["json", "graphml", "gexf", "cypher"])
def test_exports_do_not_reveal_the_store_location(fmt, hostile_store):
    output = run_ok("export", "-F", fmt, "--store", hostile_store).stdout
    assert "Minister" in output
    assert hostile_store not in output and Path(hostile_store).parent.name not in output


def test_remote_export_keeps_named_graphs(oxigraph_server, tmp_path):
    oxigraph_server.clear()
    data = tmp_path / "g.trig"
    data.write_text(
        '<http://example.org/g> { <http://example.org/a> <http://example.org/p> "in g" . }\n<http://example.org/b> <http://example.org/p> "default" .\n'
    )
    with graphkit.open(oxigraph_server.url) as kg:
        kg.load([data])
    quads = run_ok("export", "-F", "nq", "--store", oxigraph_server.url).output
    assert '"in g" <http://example.org/g> .' in quads and '"default" .' in quads
    triples = run_ok("export", "-F", "nt", "--store", oxigraph_server.url).output
    assert len(triples.strip().splitlines()) == 2


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "trig", "jsonld", "rdfxml"])
def test_the_bundled_data_exports_the_same_bytes_every_time(fmt):
    """The ontology's lists are blank nodes: they keep the names of their place in the file."""
    from graphkit.export.rdf import write_rdf

    exports = []
    for _ in range(2):  # each open parses the files again
        with graphkit.open() as kg:
            buf = io.BytesIO()
            write_rdf(kg, buf, fmt)
            exports.append(buf.getvalue())
    assert exports[0] == exports[1]
    if fmt == "ttl":
        assert b"_:f0b" in exports[0]  # the ontology's blank nodes, by their place

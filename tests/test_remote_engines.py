"""The README tour against every SPARQL engine the suite can run: the same answers as embedded.

Each engine is a real server on 127.0.0.1 (``oxigraph serve``, Virtuoso 7),
reached through its plain endpoint URL, loaded with the bundled data through
graphkit itself.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers import run, run_ok
from servers import post

import graphkit
from graphkit.vocab import GENID

QUERY = (
    "SELECT ?company ?agreement WHERE { ?c a gk:Company ; gk:partyTo ?a . "
    "?c rdfs:label ?company . ?a rdfs:label ?agreement }"
)
TOUR = {
    "stats": ["stats"],
    "show": ["show", "AWS"],
    "query": ["query", QUERY],
    "query json": ["query", "-F", "json", "SELECT ?d WHERE { ?r gk:dateApproximate ?d } LIMIT 1"],
    "ask": ["query", "ASK { gkd:aws ?p ?o }"],
    "validate": ["validate"],
    "neighbors": ["neighbors", "US National Cyber Director"],
    "path": ["path", "Judith Collins", "Google"],
    "centrality": ["centrality", "--measure", "betweenness", "--top", "5"],
    "communities": ["communities"],
}
FILE_EXPORTS = ["gexf", "graphml", "json", "html"]
# Commands an engine cannot answer (none today): graphkit must then say so in one clean line.
ENGINE_FAILS: dict[str, set[str]] = {}
RDF_EXPORTS = ["ttl", "nt", "nq"]


def _same_output(a: str, b: str, spec_a: str, spec_b: str) -> bool:
    a, b = a.replace(spec_a, "STORE"), b.replace(spec_b, "STORE")
    return a == b or sorted(a.splitlines()) == sorted(b.splitlines())


def _triples(path: Path, fmt: ox.RdfFormat) -> set:
    return {q.triple for q in ox.parse(path=str(path), format=fmt)}


def _same_graph(a: set, b: set) -> bool:
    """Equal up to blank nodes, which a remote load replaces by skolem IRIs."""
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.compare import isomorphic

    def term(t):
        if isinstance(t, ox.BlankNode) or (isinstance(t, ox.NamedNode) and t.value.startswith(GENID)):
            return BNode(t.value.rsplit("/", 1)[-1])
        if isinstance(t, ox.Literal):
            return Literal(
                t.value, lang=t.language, datatype=None if t.language else URIRef(t.datatype.value)
            )
        return URIRef(t.value)

    graphs = []
    for triples in (a, b):
        g = Graph()
        for t in triples:
            g.add((term(t.subject), term(t.predicate), term(t.object)))
        graphs.append(g)
    return len(a) == len(b) and isomorphic(*graphs)


def test_the_tour_gives_the_same_answers_as_the_embedded_store(
    engine_server, engine_store, persistent_store, tmp_path
):
    local = str(persistent_store)
    differs = []
    for name, args in TOUR.items():
        mine, theirs = run(*args, "--store", local), run(*args, "--store", engine_store)
        if name in ENGINE_FAILS.get(engine_server.engine, ()):
            assert theirs.exit_code == 1 and theirs.output.startswith("Error: ")
            assert theirs.output.count("\n") == 1 and "<" not in theirs.output, theirs.output
            continue
        if theirs.exit_code != mine.exit_code or not _same_output(
            mine.output, theirs.output, local, engine_store
        ):
            differs.append(f"{name}:\n{mine.output}\n---\n{theirs.output}")
    for fmt in FILE_EXPORTS:
        outputs = []
        for spec, where in ((local, "local"), (engine_store, "remote")):
            out = tmp_path / f"{where}.{fmt}"
            args = ["export", "-F", fmt, "-o", out, "--focus", "Judith Collins", "--depth", "2"]
            if fmt == "html":
                args = ["render", "-o", out]
            run_ok(*args, "--store", spec)
            outputs.append(out.read_text().replace(spec, "STORE"))
        if fmt == "json":
            outputs = [json.dumps(_sorted_json(json.loads(o)), sort_keys=True) for o in outputs]
        if outputs[0] != outputs[1] and sorted(outputs[0].splitlines()) != sorted(outputs[1].splitlines()):
            differs.append(f"export {fmt}")
    for fmt in RDF_EXPORTS:
        rdf_format = ox.RdfFormat.from_extension(fmt)
        found = []
        for spec, where in ((local, "local"), (engine_store, "remote")):
            out = tmp_path / f"{where}.{fmt}"
            run_ok("export", "-o", out, "--store", spec)
            found.append(_triples(out, rdf_format))
        if not _same_graph(*found):
            differs.append(f"export {fmt}: {len(found[0] ^ found[1])} triples differ")
    assert not differs, "\n\n".join(differs)


def _sorted_json(data):
    if isinstance(data, dict):
        return {k: _sorted_json(v) for k, v in data.items()}
    if isinstance(data, list):
        return sorted((_sorted_json(v) for v in data), key=lambda v: json.dumps(v, sort_keys=True))
    return data


def test_counts_see_only_graphkit_data(engine_server, engine_store, bundled_ttl):
    """No union double counting and no system graphs: stats counts what was loaded."""
    loaded = sum(1 for _ in ox.parse(path=str(bundled_ttl), format=ox.RdfFormat.N_TRIPLES))
    with graphkit.open(engine_store) as kg:
        assert kg.triple_count() == loaded
        assert len(list(kg.triples())) == loaded


def test_update_load_and_merge_on_the_plain_url(engine_server, engine_store, tmp_path):
    run_ok("update", "--store", engine_store, 'INSERT DATA { gkd:acme a gk:Company ; rdfs:label "Acme" }')
    shown = run_ok("show", "Acme", "--store", engine_store)
    assert "Acme  [Company]" in shown.output
    extra = tmp_path / "extra.ttl"
    extra.write_text('@prefix gkd: <https://w3id.org/graphkit/id/> .\ngkd:acme gkd:note "x" .\n')
    assert "Loaded 1 statements" in run_ok("load", extra, "--store", engine_store).output
    merged = run_ok("merge", "Amazon Web Services", "Amazon", "--store", engine_store)
    assert "Amazon" in merged.output
    with graphkit.open(engine_store) as kg:
        assert kg.ask("ASK { gkd:aws owl:sameAs gkd:amazon ; skos:altLabel 'Amazon' }")
        assert not kg.ask("ASK { gkd:amazon ?p ?o }")
    assert not [g for g in engine_server.graphs() if g.startswith("urn:graphkit:staging")]


def test_merge_gives_the_same_graph_as_embedded(engine_store, persistent_store, tmp_path):
    for spec in (str(persistent_store), engine_store):
        run_ok("merge", "Amazon Web Services", "Amazon", "--store", spec)
    found = []
    for spec, where in ((str(persistent_store), "local"), (engine_store, "remote")):
        out = tmp_path / f"{where}.nt"
        run_ok("export", "-o", out, "--store", spec)
        found.append(_triples(out, ox.RdfFormat.N_TRIPLES))
    assert _same_graph(*found)


def test_a_big_load_is_batched_and_halved_when_too_large(engine_server, tmp_path):
    """Virtuoso refuses INSERT DATA of a few thousand triples: the batch is halved and retried."""
    path = tmp_path / "big.nt"
    path.write_text("".join(f'<urn:s{i}> <urn:p> "value {i}" .\n' for i in range(2500)))
    spec = f"sparql:{engine_server.url},batch=2500"
    assert "Loaded 2500 statements" in run_ok("load", path, "--store", spec).output
    with graphkit.open(spec) as kg:
        assert kg.triple_count() == 2500
    assert not [g for g in engine_server.graphs() if g.startswith("urn:graphkit:staging")]


@pytest.mark.parametrize("step", ["fill", "final"])
def test_a_failed_load_leaves_the_store_untouched(engine_server, engine_store, tmp_path, monkeypatch, step):
    """A staged load that fails while filling, or at its last request, removes its staging graph."""
    from graphkit.store import http

    before = run_ok("stats", "--store", engine_store).output
    path = tmp_path / "big.nt"
    path.write_text("".join(f'<urn:s{i}> <urn:p> "value {i}" .\n' for i in range(2500)))
    original = http.Http.post

    def flaky(self, url, body, content_type, **kw):
        fill = b"<urn:p>" in body or b"%3Curn%3Ap%3E" in body
        final = body.startswith(b"update=ADD")
        if (fill and step == "fill") or (final and step == "final"):
            raise graphkit.errors.RemoteError("the connection broke")
        return original(self, url, body, content_type, **kw)

    monkeypatch.setattr(http.Http, "post", flaky)
    # Oxigraph applies one request atomically; as a generic engine it gets a staging graph too.
    spec = f"sparql:{engine_store},engine=generic" if engine_server.engine == "oxigraph" else engine_store
    result = run("load", path, "--store", spec)
    monkeypatch.undo()
    assert result.exit_code == 1 and "connection broke" in result.output
    assert "staging graph was removed" in result.output
    assert run_ok("stats", "--store", engine_store).output == before
    assert not [g for g in engine_server.graphs() if g.startswith("urn:graphkit:staging")]


def test_a_failed_import_changes_nothing(engine_server, engine_store, tmp_path, monkeypatch):
    """An import whose last operation fails leaves no earlier operation applied."""
    from graphkit.importer import apply as apply_module

    folder = tmp_path / "csv"
    shutil.copytree(Path(__file__).resolve().parent.parent / "data" / "templates" / "example", folder)
    run_ok("import", folder, "--store", engine_store)
    before = run_ok("export", "-F", "nt", "--store", engine_store).output
    original = apply_module.delete_operations
    broken = "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?o = ) }"
    monkeypatch.setattr(apply_module, "delete_operations", lambda *a: [*original(*a), broken])
    text = (folder / "sources.csv").read_text()
    (folder / "sources.csv").write_text(text.replace("EXAMPLE", "CHANGED EXAMPLE", 1))
    result = run("import", folder, "--store", engine_store)
    assert result.exit_code == 1
    assert sorted(run_ok("export", "-F", "nt", "--store", engine_store).output.splitlines()) == sorted(
        before.splitlines()
    )
    assert not [g for g in engine_server.graphs() if g.startswith("urn:graphkit:staging")]


def test_a_leftover_staging_graph_is_reported(virtuoso_server, tmp_path):
    virtuoso_server.clear()
    left = "urn:graphkit:staging:20250101T000000Z:deadbeef"
    post(
        virtuoso_server.url,
        {
            "update": f"INSERT DATA {{ GRAPH <{left}> {{ <urn:a> <urn:b> <urn:c> }} }} ; "
            f'INSERT DATA {{ GRAPH <urn:graphkit:staging> {{ <{left}> <urn:graphkit:started> "x" }} }}'
        },
    )
    path = tmp_path / "one.nt"
    path.write_text("<urn:x> <urn:y> <urn:z> .\n")
    result = run("load", path, "--store", virtuoso_server.url)
    assert result.exit_code == 0
    assert f"DROP SILENT GRAPH <{left}>" in result.output  # CliRunner mixes stderr in
    virtuoso_server.clear()


def test_reimport_is_idempotent(engine_store, tmp_path):
    """Virtuoso answers "1" for true: values are compared as values, so nothing changes twice."""
    folder = tmp_path / "csv"
    shutil.copytree(Path(__file__).resolve().parent.parent / "data" / "templates" / "example", folder)
    with (folder / "relationships.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[0]["approximate"] = "true"  # Virtuoso answers "1"^^xsd:boolean
    with (folder / "relationships.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    run_ok("import", folder, "--store", engine_store)
    again = run_ok("import", folder, "--store", engine_store, "--format", "json")
    report = json.loads(again.output)
    assert not any(report["changes"][k]["new"] or report["changes"][k]["updated"] for k in report["changes"])


def test_engine_errors_are_short_and_count_lines_from_the_user_text(engine_store):
    result = run("update", "--store", engine_store, "INSERT DATA { <urn:a> <urn:b> ")
    assert result.exit_code == 1
    assert "line 1" in result.output and "PREFIX" not in result.output
    assert len(result.output) < 1500


def test_a_named_target_graph_scopes_reads_and_writes(oxigraph_server, bundled_ttl):
    """graph=IRI on an engine without a default graph for updates: graphkit's data is that graph."""
    oxigraph_server.clear()
    spec = f"sparql:{oxigraph_server.url},graph=urn:graphkit-test:mine"
    assert "Loaded" in run_ok("load", bundled_ttl, "--store", spec).output
    post(oxigraph_server.url + "/update", {"update": "INSERT DATA { <urn:other> <urn:p> <urn:o> }"})
    with graphkit.open(spec) as kg, graphkit.open(oxigraph_server.url) as everything:
        assert kg.triple_count() == everything.triple_count() - 1
    refused = run("update", "--store", spec, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert refused.exit_code == 1 and "WITH <urn:graphkit-test:mine>" in refused.output
    run_ok(
        "update",
        "--store",
        spec,
        "INSERT DATA { GRAPH <urn:graphkit-test:mine> { <urn:a> <urn:b> <urn:c> } }",
    )
    assert run_ok("query", "--store", spec, "ASK { <urn:a> <urn:b> <urn:c> }").output.split()[-1] == "true"

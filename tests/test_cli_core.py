"""The foundation commands, driven through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from helpers import TTL_PREFIXES

from graphkit.cli import COMMANDS, main

HOSTILE = "Acme \"quoted\" 'single' } ; DROP ALL ; #"

TWINS = (
    TTL_PREFIXES
    + f"""gkd:acme-1 a gk:Company ; rdfs:label "Acme Holdings" ; skos:altLabel "Acme" .
gkd:acme-2 a gk:Company ; rdfs:label "Acme Systems" ; skos:altLabel "Acme" .
gkd:hostile a gk:Company ; rdfs:label {json.dumps(HOSTILE)} .
gkd:other a gk:Company ; rdfs:label "Other Co" .
gkd:src a gk:NewsReport ; dcterms:title "A report" ; dcterms:publisher "A paper" .
gkd:hostile gk:partnerOf gkd:other .
gkd:rel-1 a gk:Relationship ; rdf:subject gkd:hostile ; rdf:predicate gk:partnerOf ; rdf:object gkd:other ;
  prov:wasDerivedFrom gkd:src .
"""
)


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def twins(tmp_path):
    path = tmp_path / "twins.ttl"
    path.write_text(TWINS, encoding="utf-8")
    return str(path)


def run(runner, *args, input=None):
    return runner.invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def assert_clean_error(result, code=1, *fragments):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert "Error:" in result.output
    for fragment in fragments:
        assert fragment in result.output, result.output


def test_version_and_help_with_examples(runner):
    assert run(runner, "--version").output.startswith("graphkit, version ")
    for name in COMMANDS:
        result = run(runner, name, "--help")
        assert result.exit_code == 0, name
        assert "Example:" in result.output, name


def test_query_formats(runner):
    sparql = "SELECT ?who ?l WHERE { ?who gk:metWith ?x . ?x rdfs:label ?l } ORDER BY ?l"
    table = run(runner, "query", sparql)
    assert table.exit_code == 0
    assert "gkd:judith-collins" in table.output and "Amazon Web Services" in table.output
    data = json.loads(run(runner, "query", sparql, "--format", "json").output)
    assert data["head"]["vars"] == ["who", "l"]
    assert data["results"]["bindings"][0]["l"] == {"type": "literal", "value": "Amazon Web Services"}
    rows = list(csv.reader(io.StringIO(run(runner, "query", sparql, "-F", "csv").output)))
    assert rows[0] == ["who", "l"] and rows[1][0] == "https://w3id.org/graphkit/id/judith-collins"
    tsv = run(runner, "query", sparql, "-F", "tsv").output.splitlines()
    assert tsv[0] == "?who\t?l" and tsv[1].startswith("<https://w3id.org/graphkit/id/judith-collins>\t")
    limited = json.loads(run(runner, "query", sparql, "-F", "json", "--limit", "1").output)
    assert len(limited["results"]["bindings"]) == 1


def test_ask_construct_describe(runner):
    assert json.loads(
        run(runner, "query", "ASK { gkd:judith-collins gk:metWith gkd:aws }", "-F", "json").output
    ) == {
        "head": {},
        "boolean": True,
    }
    turtle = run(runner, "query", "CONSTRUCT WHERE { gkd:aws rdfs:label ?l }").output
    triples = list(ox.parse(turtle.encode(), ox.RdfFormat.TURTLE))
    assert [t.object.value for t in triples] == ["Amazon Web Services"]
    described = run(runner, "query", "DESCRIBE gkd:aws").output
    assert "Amazon Web Services" in described


def test_query_from_file_and_syntax_error_position(runner, tmp_path):
    good = tmp_path / "q.rq"
    good.write_text("SELECT ?l WHERE { gkd:nzsis rdfs:label ?l }")
    assert "New Zealand Security Intelligence Service" in run(runner, "query", "-f", good).output
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?x\nWHERE { ?x ?y }")
    assert_clean_error(run(runner, "query", "-f", bad), 1, "bad.rq", "line 2, column 16")
    assert_clean_error(run(runner, "query", "-f", tmp_path / "missing.rq"), 1, "no such file")
    assert_clean_error(run(runner, "query"), 1, "no query given")


def test_update_sent_to_query_is_refused(runner):
    result = run(runner, "query", "PREFIX ex: <http://ex/>\nINSERT DATA { ex:a ex:b ex:c }")
    assert_clean_error(result, 1, "graphkit update")


def test_update_refused_on_read_only_stores(runner, twins):
    for extra in ([], ["--store", twins]):
        result = run(runner, "update", 'INSERT DATA { gkd:x rdfs:label "x" }', *extra)
        assert_clean_error(result, 1, "read-only")


def test_load_update_query_on_persistent_store(runner, tmp_path, bundled_ttl):
    store = tmp_path / "kg"
    loaded = run(runner, "load", bundled_ttl, "--store", store)
    assert loaded.exit_code == 0 and "Loaded" in loaded.output
    assert (
        run(
            runner, "update", "--store", store, 'INSERT DATA { gkd:zz a gk:Company ; rdfs:label "ZZ Corp" }'
        ).exit_code
        == 0
    )
    shown = run(runner, "show", "zz corp", "--store", f"oxigraph:{store}")
    assert shown.exit_code == 0 and "ZZ Corp  [Company]" in shown.output


def test_load_needs_a_store_and_reports_bad_files(runner, tmp_path):
    good = tmp_path / "good.ttl"
    good.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c>\n")
    assert_clean_error(run(runner, "load", good), 1, "--store")
    store = tmp_path / "kg"
    assert_clean_error(run(runner, "load", good, bad, "--store", store), 1, f"{bad}:")
    assert not store.exists()
    assert_clean_error(run(runner, "load", tmp_path / "nope.ttl", "--store", store), 1, "no such file")
    weird = tmp_path / "data.xyz"
    weird.write_text("x")
    assert_clean_error(run(runner, "load", weird, "--store", store), 1, "--format")


def test_stats(runner):
    data = json.loads(run(runner, "stats", "--format", "json").output)
    assert data["entities"] >= 40 and data["relationships"] >= 60 and data["sources"] == 1
    assert data["entities_by_type"]["Company"] >= 4
    assert data["relationships_by_type"]["met with"] == 3
    assert "entity type" in run(runner, "stats").output


def test_validate(runner, twins, tmp_path):
    assert "conforms" in run(runner, "validate").output
    broken = tmp_path / "broken.ttl"
    broken.write_text(TWINS.replace('rdfs:label "Other Co"', "").replace("prov:wasDerivedFrom gkd:src", ""))
    result = run(runner, "validate", "--store", broken)
    assert_clean_error(result, 1, "violation")
    assert "gkd:other" in result.output and "rdfs:label" in result.output
    report = json.loads(run(runner, "validate", "--store", broken, "-F", "json").output.split("Error:")[0])
    assert report["conforms"] is False


def test_show_table_and_json(runner):
    table = run(runner, "show", "judith collins").output
    assert "Judith Collins  [Minister]" in table and "met with" in table and "Sources:" in table
    data = json.loads(run(runner, "show", "AWS", "-F", "json").output)
    assert data["iri"] == "https://w3id.org/graphkit/id/aws" and "AWS" in data["aliases"]
    met = [r for r in data["relationships"] if r["relation"] == "met with"]
    assert met and met[0]["direction"] == "in" and met[0]["entity"] == "Judith Collins"
    assert met[0]["date"] == "2024-10" and met[0]["sources"][0]["publisher"] == "RNZ (Radio New Zealand)"
    by_iri = json.loads(run(runner, "show", "gkd:aws", "-F", "json").output)
    assert by_iri["label"] == "Amazon Web Services"


def test_show_unknown_and_ambiguous(runner, twins):
    assert_clean_error(run(runner, "show", "Amazon Web Servics"), 2, "Amazon Web Services")
    result = run(runner, "show", "acme", "--store", twins)
    assert_clean_error(result, 2, "Acme Holdings", "Acme Systems", "acme-1")


def test_hostile_label_resolves_and_reads_nothing_else(runner, twins):
    result = run(runner, "show", HOSTILE, "--store", twins, "-F", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["label"] == HOSTILE
    assert [r["entity"] for r in data["relationships"]] == ["Other Co"]
    for probe in ('"} ; DROP ALL ; #', "\\u0022", "a\nb", "x' } UNION { ?s ?p ?o } #"):
        assert_clean_error(run(runner, "show", probe, "--store", twins), 2, "no entity")

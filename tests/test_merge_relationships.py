"""After merge, relationships that say the same thing become one row with every source."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from helpers import TTL_PREFIXES, run

import graphkit
from graphkit.vocab import GKD

REL = GKD + "rel/"

DATA = (
    TTL_PREFIXES
    + """@prefix rel: <https://w3id.org/graphkit/id/rel/> .
gkd:land a gk:Country ; rdfs:label "Exampleland" .
gkd:acme a gk:Company ; rdfs:label "Acme Ltd" .
gkd:acme-limited a gk:Company ; rdfs:label "ACME Limited" .
gkd:paper-a a gk:NewsReport ; dcterms:title "Report A" ; dcterms:publisher "Paper A" ;
  schema:url <https://example.org/a> ; dcterms:issued "2024"^^xsd:gYear .
gkd:paper-b a gk:NewsReport ; dcterms:title "Report B" ; dcterms:publisher "Paper B" ;
  schema:url <https://example.org/b> ; dcterms:issued "2024"^^xsd:gYear .
gkd:acme gk:basedIn gkd:land . gkd:acme-limited gk:basedIn gkd:land .
gkd:acme gk:metWith gkd:land . gkd:acme-limited gk:metWith gkd:land .
rel:a-based a gk:Relationship ; rdf:subject gkd:acme ; rdf:predicate gk:basedIn ; rdf:object gkd:land ;
  dcterms:description "Acme is based in Exampleland." ; prov:wasDerivedFrom gkd:paper-a .
rel:l-based a gk:Relationship ; rdf:subject gkd:acme-limited ; rdf:predicate gk:basedIn ; rdf:object gkd:land ;
  dcterms:description "ACME Limited is based in Exampleland." ; gk:quote "based in Exampleland" ;
  prov:wasDerivedFrom gkd:paper-b .
rel:a-met-2023 a gk:Relationship ; rdf:subject gkd:acme ; rdf:predicate gk:metWith ; rdf:object gkd:land ;
  dcterms:date "2023"^^xsd:gYear ; prov:wasDerivedFrom gkd:paper-a .
rel:l-met-2024 a gk:Relationship ; rdf:subject gkd:acme-limited ; rdf:predicate gk:metWith ; rdf:object gkd:land ;
  dcterms:date "2024"^^xsd:gYear ; prov:wasDerivedFrom gkd:paper-b .
"""
)


@pytest.fixture(params=["oxigraph", "remote"])
def store(request, tmp_path):
    """The example in an embedded store, and on a real Oxigraph server."""
    ttl = tmp_path / "acme.ttl"
    ttl.write_text(DATA, encoding="utf-8")
    if request.param == "remote":
        server = request.getfixturevalue("oxigraph_server")
        server.clear()
        path = server.url
    else:
        path = tmp_path / "store"
    assert run("load", str(ttl), "--store", str(path)).exit_code == 0
    return path


def relationships(store) -> dict[str, set[str]]:
    with graphkit.open(store, read_only=True) as kg:
        rows = kg.query(
            "SELECT ?r ?src WHERE { ?r a gk:Relationship ; rdf:subject gkd:acme ; prov:wasDerivedFrom ?src }"
        )
        found: dict[str, set[str]] = {}
        for row in rows:
            found.setdefault(row["r"].value.removeprefix(REL), set()).add(row["src"].value.removeprefix(GKD))
        return found


def test_same_relationship_becomes_one_with_sources_united(store):
    result = run("merge", "Acme Ltd", "ACME Limited", "--store", str(store))
    assert result.exit_code == 0, result.output
    assert "duplicate relationships merged into one: 1" in result.output
    assert "'ACME Limited is based in Exampleland.'" in result.output  # the description not kept is shown
    # one basedIn row, with both sources; meetings on different dates stay apart
    assert relationships(store) == {
        "a-based": {"paper-a", "paper-b"},
        "a-met-2023": {"paper-a"},
        "l-met-2024": {"paper-b"},
    }
    with graphkit.open(store, read_only=True) as kg:
        folded = ox.NamedNode(REL + "l-based")
        assert not kg.ask("ASK { { ?r ?p ?o } UNION { ?s ?p ?r } }", {"r": folded})
        kept = ox.NamedNode(REL + "a-based")
        quotes = [r["q"].value for r in kg.query("SELECT ?q WHERE { ?r gk:quote ?q }", {"r": kept})]
        assert quotes == ["based in Exampleland"]
        descriptions = kg.query("SELECT ?d WHERE { ?r dcterms:description ?d }", {"r": kept})
        assert [r["d"].value for r in descriptions] == ["Acme is based in Exampleland."]
    assert run("validate", "--store", str(store)).exit_code == 0
    shown = run("show", "Acme Ltd", "--store", str(store)).output
    assert shown.count("→ based in") == 1, shown


def test_dry_run_reports_the_fold_and_writes_nothing(store):
    before = relationships(store)
    result = run("merge", "Acme Ltd", "ACME Limited", "--store", str(store), "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["relationships_merged"] == [
        {
            "folded": REL + "l-based",
            "into": REL + "a-based",
            "dropped_description": "ACME Limited is based in Exampleland.",
            "moved_description": None,
        }
    ]
    assert any(
        "merged into rel:a-based" in c or "merged into gkd:rel/a-based" in c for c in report["changes"]
    )
    assert relationships(store) == before


def test_a_missing_description_is_taken_from_the_folded_relationship(tmp_path):
    ttl = tmp_path / "acme.ttl"
    ttl.write_text(
        DATA.replace('dcterms:description "Acme is based in Exampleland." ;', ""), encoding="utf-8"
    )
    path = tmp_path / "store"
    assert run("load", str(ttl), "--store", str(path)).exit_code == 0
    assert run("merge", "Acme Ltd", "ACME Limited", "--store", str(path)).exit_code == 0
    with graphkit.open(path, read_only=True) as kg:
        kept = ox.NamedNode(REL + "a-based")
        rows = kg.query("SELECT ?d WHERE { ?r dcterms:description ?d }", {"r": kept})
        assert [r["d"].value for r in rows] == ["ACME Limited is based in Exampleland."]
        assert len(list(kg.query("SELECT ?s WHERE { ?r prov:wasDerivedFrom ?s }", {"r": kept}))) == 2

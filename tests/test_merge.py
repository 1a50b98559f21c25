"""graphkit merge: relationships and aliases move, owl:sameAs is recorded, atomically."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from csv_helpers import run
from helpers import TTL_PREFIXES

import graphkit
from graphkit.model import merge as merge_module
from graphkit.vocab import GK, GKD, OWL, RDF, SKOS

AWS, AMAZON, NCSC = GKD + "aws", GKD + "amazon", GKD + "ncsc"
SAME_AS = OWL + "sameAs"

TWINS = (
    TTL_PREFIXES
    + """gkd:acme a gk:Company ; rdfs:label "Acme Example" ; skos:altLabel "Acme" .
gkd:acme-2 a gk:Company ; rdfs:label "Acme Example Ltd" ; skos:altLabel "ACME", "AEL" .
gkd:other a gk:Company ; rdfs:label "Other Example" ; skos:altLabel "Acme" .
gkd:src a gk:NewsReport ; dcterms:title "Example report" ; dcterms:publisher "Example paper" ;
  schema:url <https://example.org/r> ; dcterms:issued "2024"^^xsd:gYear .
gkd:acme-2 gk:metWith gkd:acme .
[] a gk:Relationship ; rdf:subject gkd:acme-2 ; rdf:predicate gk:metWith ; rdf:object gkd:acme ;
  prov:wasDerivedFrom gkd:src .
"""
)


def triples(spec) -> set[str]:
    with graphkit.open(spec, read_only=True) as kg:
        return {str(t) for t in kg.triples()}


def about(spec, iri: str) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(predicate, object) pairs with ``iri`` as subject, and (subject, predicate) pairs with it as object."""
    with graphkit.open(spec, read_only=True) as kg:
        node = ox.NamedNode(iri)
        out = {
            (str(r["p"].value), str(r["o"])) for r in kg.query("SELECT ?p ?o WHERE { ?e ?p ?o }", {"e": node})
        }
        into = {(str(r["s"]), r["p"].value) for r in kg.query("SELECT ?s ?p WHERE { ?s ?p ?e }", {"e": node})}
    return out, into


@pytest.fixture
def twins_store(tmp_path, bundled_ttl):
    path = tmp_path / "twins"
    ttl = tmp_path / "twins.ttl"
    ttl.write_text(TWINS, encoding="utf-8")
    with graphkit.open(path, create=True, read_only=False) as kg:
        kg.load([bundled_ttl, ttl])
    return path


def check_amazon_merged(cli, store):
    out, into = about(store, AMAZON)
    assert out == set(), "the duplicate keeps no triples of its own"
    assert into == {(f"<{AWS}>", SAME_AS)}, "only the owl:sameAs record names the duplicate"
    aws_out, aws_in = about(store, AWS)
    assert (GK + "relationshipWith", f"<{NCSC}>") in aws_out
    assert (SKOS + "altLabel", '"Amazon"') in aws_out
    assert (SKOS + "altLabel", '"AWS"') in aws_out
    assert (f"<{GKD}rel/amazon-relationship-with-ncsc>", RDF + "subject") in aws_in
    assert (f"<{GKD}rel/redacted-section-about-amazon>", RDF + "object") in aws_in
    assert (f"<{GKD}redacted-section-amazon-ncsc>", GK + "about") in aws_in
    shown = run(cli, "show", "Amazon", "--store", store)
    assert shown.exit_code == 0 and "Amazon Web Services  [Company]" in shown.output
    validated = run(cli, "validate", "--store", store)
    assert validated.exit_code == 0, validated.output


def test_merge_moves_relationships_and_aliases(cli, persistent_store):
    result = run(cli, "merge", "Amazon Web Services", "Amazon", "--store", persistent_store)
    assert result.exit_code == 0, result.output
    assert "relationships moved:    2" in result.output and "aliases added:          Amazon" in result.output
    assert "removed from the duplicate" in result.output and "rdf:type gk:Company" in result.output
    check_amazon_merged(cli, persistent_store)


def test_merge_on_the_real_remote_store(cli, remote_store):
    result = run(cli, "merge", "gkd:aws", f"<{AMAZON}>", "--store", remote_store, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["relationships_moved"] == 2 and report["aliases_added"] == ["Amazon"]
    check_amazon_merged(cli, remote_store)


def test_dry_run_writes_nothing(cli, persistent_store):
    before = triples(persistent_store)
    result = run(cli, "merge", "AWS", "Amazon", "--store", persistent_store, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Would merge" in result.output and "nothing was written" in result.output
    assert '- gkd:amazon rdfs:label "Amazon"' in result.output
    assert "+ gkd:aws owl:sameAs gkd:amazon" in result.output
    assert "+ gkd:rel/amazon-relationship-with-ncsc rdf:subject gkd:aws" in result.output
    assert triples(persistent_store) == before
    # a preview works on read-only stores too
    assert run(cli, "merge", "AWS", "Amazon", "--dry-run").exit_code == 0


def test_merging_an_entity_with_itself_is_refused(cli, persistent_store):
    before = triples(persistent_store)
    for other in ("AWS", "amazon web services", "gkd:aws"):
        result = run(cli, "merge", "Amazon Web Services", other, "--store", persistent_store)
        assert result.exit_code == 1 and "same entity" in result.output, result.output
    assert triples(persistent_store) == before


def test_unknown_or_ambiguous_names_exit_2(cli, twins_store):
    before = triples(twins_store)
    unknown = run(cli, "merge", "Acme Example", "Nobody Example", "--store", twins_store)
    assert unknown.exit_code == 2 and "no entity is called" in unknown.output
    ambiguous = run(cli, "merge", "Acme", "AEL", "--store", twins_store)
    assert ambiguous.exit_code == 2 and "Candidates" in ambiguous.output
    assert triples(twins_store) == before


def test_read_only_stores_are_refused(cli, bundled_ttl):
    result = run(cli, "merge", "AWS", "Amazon")
    assert result.exit_code == 1 and "writable store" in result.output
    result = run(cli, "merge", "AWS", "Amazon", "--store", bundled_ttl)
    assert result.exit_code == 1 and "read-only" in result.output


@pytest.mark.parametrize("kind", ["oxigraph", "remote"])
def test_merge_is_atomic(cli, request, monkeypatch, kind):
    """One update: when its last operation fails, the moves before it are undone."""
    persistent_store = request.getfixturevalue("persistent_store" if kind == "oxigraph" else "remote_store")
    before = triples(persistent_store)
    original = merge_module.merge_operations
    failing = ["CREATE GRAPH <urn:graphkit-test:g>", "CREATE GRAPH <urn:graphkit-test:g>"]
    monkeypatch.setattr(merge_module, "merge_operations", lambda *a: original(*a) + failing)
    result = run(cli, "merge", "AWS", "Amazon", "--store", persistent_store)
    assert result.exit_code == 1, result.output
    assert ("nothing was changed" if kind == "oxigraph" else "already exists") in result.output
    assert triples(persistent_store) == before


def test_blank_node_relationship_and_link_between_the_two(cli, twins_store):
    """A relationship written as a blank node follows the merge; a link between the two becomes a loop."""
    result = run(cli, "merge", "gkd:acme", "Acme Example Ltd", "--store", twins_store)
    assert result.exit_code == 0, result.output
    assert "links the entity to itself" in result.output
    with graphkit.open(twins_store, read_only=True) as kg:
        rows = kg.select(
            "SELECT ?r ?s ?o WHERE { ?r a gk:Relationship ; rdf:subject ?s ; rdf:object ?o ; "
            "prov:wasDerivedFrom gkd:src }"
        )
        assert [(r["s"], r["o"]) for r in rows] == [(GKD + "acme", GKD + "acme")]
        assert kg.ask("ASK { gkd:acme gk:metWith gkd:acme }")
        aliases = {r["a"] for r in kg.select("SELECT ?a WHERE { gkd:acme skos:altLabel ?a }")}
        assert aliases == {"Acme", "AEL", "Acme Example Ltd"}  # "ACME" is "Acme" already
        assert graphkit.resolve(kg, "AEL").iri == GKD + "acme"


def test_merges_chain(cli, twins_store):
    assert run(cli, "merge", "gkd:acme-2", "Other Example", "--store", twins_store).exit_code == 0
    assert run(cli, "merge", "gkd:acme", "gkd:acme-2", "--store", twins_store).exit_code == 0
    with graphkit.open(twins_store, read_only=True) as kg:
        same = {r["x"] for r in kg.select("SELECT ?x WHERE { gkd:acme owl:sameAs ?x }")}
        assert same == {GKD + "acme-2", GKD + "other"}
        assert not kg.ask("ASK { gkd:acme-2 ?p ?o }") and not kg.ask("ASK { gkd:other ?p ?o }")
        assert graphkit.resolve(kg, "Other Example").iri == GKD + "acme"

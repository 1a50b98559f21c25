"""The bundled dataset: it conforms to the shapes, and it says what the article says."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

import graphkit
from graphkit.store import bundled_files
from graphkit.vocab import GKD

SOURCE_URL = (
    "https://rnz.co.nz/news/political/545922/"
    "spy-agency-minister-judith-collins-refuses-to-release-pacific-cyber-security-documents"
)


def test_bundled_data_conforms_to_shapes(kg):
    report = graphkit.validate(kg)
    assert report.conforms, report.violations[:5]


def test_shapes_catch_a_relationship_without_source_and_an_entity_without_label(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        """@prefix gk: <https://w3id.org/graphkit/ontology#> .
@prefix gkd: <https://w3id.org/graphkit/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
gkd:a a gk:Company ; rdfs:label "A" .
gkd:b a gk:Company .
gkd:a gk:metWith gkd:b .
gkd:rel-ab a gk:Relationship ; rdf:subject gkd:a ; rdf:predicate gk:metWith ; rdf:object gkd:b ;
  dcterms:date "2024-02-30" .
""",
        encoding="utf-8",
    )
    with graphkit.open(broken) as graph:
        report = graphkit.validate(graph)
    assert not report.conforms
    focus = {(v.focus, v.path) for v in report.violations}
    assert (GKD + "b", "rdfs:label") in focus
    assert any(v.focus == GKD + "rel-ab" and v.path == "prov:wasDerivedFrom" for v in report.violations)
    assert any(
        v.focus == GKD + "rel-ab" and v.path == "dcterms:date" and "not a real date" in v.message
        for v in report.violations
    )


def test_ill_typed_date_is_refused_at_load(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        '<http://example.org/r> <http://purl.org/dc/terms/date> "2024-13"^^<http://www.w3.org/2001/XMLSchema#gYearMonth> .\n'
    )
    with pytest.raises(graphkit.ParseError, match=r"bad\.ttl:1: '2024-13' is not a valid xsd:gYearMonth"):
        graphkit.open(bad)


def test_every_relationship_has_a_source_with_full_metadata(kg):
    rows = kg.select(
        """SELECT ?rel ?title ?publisher ?url ?issued WHERE {
             ?rel a gk:Relationship .
             OPTIONAL { ?rel prov:wasDerivedFrom ?src .
                        ?src dcterms:title ?title ; dcterms:publisher ?publisher ;
                             schema:url ?url ; dcterms:issued ?issued } }"""
    )
    assert len(rows) >= 60
    for row in rows:
        assert row["title"] and row["publisher"] and row["issued"] == "2025-03", row
        assert row["url"] == SOURCE_URL


def test_every_direct_relation_has_its_qualified_statement_and_back(kg):
    pairs = kg.select(
        """SELECT ?s ?p ?o WHERE { ?p a gk:RelationType . ?s ?p ?o .
             FILTER NOT EXISTS { ?r rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o } }"""
    )
    assert pairs == []
    orphans = kg.select(
        """SELECT ?r WHERE { ?r a gk:Relationship ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
             FILTER NOT EXISTS { ?s ?p ?o } }"""
    )
    assert orphans == []


def test_key_facts_of_the_article(kg):
    assert kg.ask("ASK { gkd:judith-collins gk:ministerResponsibleFor gkd:nzsis }")
    assert kg.ask(
        "ASK { { gkd:nzsis gk:sisterAgencyOf gkd:gcsb } UNION { gkd:gcsb gk:sisterAgencyOf gkd:nzsis } }"
    )
    for company in ("aws", "microsoft"):
        assert kg.ask(f"ASK {{ gkd:judith-collins gk:metWith gkd:{company} }}")
    withheld = kg.select("SELECT ?d WHERE { gkd:judith-collins gk:withheld ?d }")
    assert len(withheld) == 4
    assert kg.ask("ASK { gkd:singapore gk:endorsed ?b . gkd:new-zealand gk:didNotEndorse ?b }")
    assert kg.ask("ASK { gkd:microsoft gk:partyTo ?m . gkd:google gk:partyTo ?g . FILTER(?m != ?g) }")


def test_vague_facts_stay_vague(kg):
    # The article names a post, not a person, for the US national cyber director.
    director = graphkit.resolve(kg, "US National Cyber Director")
    assert director.type == "Post"
    assert not kg.ask("ASK { ?person gk:holdsPost ?post }", {"post": ox.NamedNode(director.iri)})
    # Dates are never more precise than the article: no full dates at all.
    dates = kg.select(
        "SELECT ?d WHERE { ?r a gk:Relationship ; dcterms:date|schema:startDate|schema:endDate ?d }"
    )
    assert dates and all(len(str(r["d"])) <= 7 for r in dates)


def test_quotes_are_short_and_verbatim(kg):
    # The source text sits in shared/sources beside the checkout (in development and CI).
    article = Path(__file__).resolve().parents[2] / "shared" / "sources"
    quotes = [r["q"] for r in kg.select("SELECT DISTINCT ?q WHERE { ?r gk:quote ?q }")]
    assert quotes and all(len(q.split()) <= 12 for q in quotes)
    text_files = list(article.glob("*.txt")) if article.is_dir() else []
    if text_files:  # the source text sits beside the checkout in development
        text = " ".join(text_files[0].read_text(encoding="utf-8").split())
        missing = [q for q in quotes if " ".join(q.split()) not in text]
        assert missing == []


def test_bundled_files_parse_with_rdflib_too():
    graph = rdflib.Graph()
    for path in bundled_files():
        graph.parse(path, format="turtle")
    assert len(graph) > 1000


# --- Corrections after a line-by-line reading against the article -------------


def test_nzsis_warned_unnamed_pacific_partners_not_the_region(kg):
    assert not kg.ask("ASK { gkd:nzsis gk:warned gkd:pacific-islands }")
    assert kg.ask("ASK { gkd:nzsis gk:warned gkd:pacific-partners }")
    assert kg.ask(
        "ASK { gkd:pacific-partners gk:inRegion gkd:pacific-islands ; a gk:Organisation ; rdfs:label ?l }"
    )
    # Unnamed stays unnamed: no country or government is said to be among them.
    assert kg.select("SELECT ?x WHERE { ?x gk:partOf|gk:hasPart gkd:pacific-partners }") == []


def test_the_pentagon_echo_is_tied_to_one_item_not_all_initiatives(kg):
    assert not kg.ask("ASK { gkd:singapore-military-ai-initiatives gk:echoes ?x }")
    item = "gkd:singapore-commercial-generative-ai-for-commanders"
    assert kg.ask(f"ASK {{ {item} gk:echoes gkd:us-pentagon-military-ai-announcement-2025-03 }}")
    assert kg.ask(f"ASK {{ {item} gk:componentOf gkd:singapore-military-ai-initiatives }}")


def test_reaim_blueprint_is_described_as_the_article_does(kg):
    rows = kg.select(
        "SELECT ?d WHERE { ?r rdf:subject gkd:reaim-blueprint-for-action ; dcterms:description ?d }"
    )
    assert rows
    for row in rows:
        assert "proposed rules" not in row["d"]
    assert any("blueprint for action on rules for military AI" in row["d"] for row in rows)


def test_the_amazon_ncsc_section_is_not_placed_in_a_briefing(kg):
    for entity in ("ncsc", "amazon"):
        (row,) = kg.select(f"SELECT ?d WHERE {{ gkd:{entity} dcterms:description ?d }}")
        assert "briefing" not in row["d"].lower(), entity
    # The article does not say what kind of body the NCSC is: the general class only.
    types = {r["t"] for r in kg.select("SELECT ?t WHERE { gkd:ncsc a ?t }")}
    assert types == {"https://w3id.org/graphkit/ontology#Organisation"}


def test_names_are_only_the_articles(kg):
    names = {
        r["n"]
        for r in kg.select(
            "SELECT ?n WHERE { VALUES ?e { gkd:dpmc gkd:dia } ?e rdfs:label|skos:altLabel ?n }"
        )
    }
    assert names == {"Department of Prime Minister and Cabinet", "Internal Affairs"}
    descriptions = " ".join(r["d"] for r in kg.select("SELECT ?d WHERE { ?x dcterms:description ?d }"))
    assert "DPMC" not in descriptions and "Department of Internal Affairs" not in descriptions


def test_pentagon_date_is_approximate_and_the_oia_request_links_to_the_briefing(kg):
    assert kg.ask(
        """ASK { <https://w3id.org/graphkit/id/rel/us-pentagon-announced-military-ai-announcement>
                   gk:dateApproximate true ; dcterms:date "2025-03"^^xsd:gYearMonth }"""
    )
    rows = kg.select(
        """SELECT ?q WHERE { ?r a gk:Relationship ; rdf:subject gkd:oia-request-pacific-cyber-security ;
             rdf:predicate gk:soughtDocumentsOnSubjectOf ; rdf:object gkd:briefing-us-cyber-director-meeting ;
             gk:quote ?q ; prov:wasDerivedFrom ?s }"""
    )
    assert [r["q"] for r in rows] == ["documents about this"]

"""Edge attributes when a statement or a source gives a field twice: the same answer whatever the order."""

from __future__ import annotations

import random

import pytest

import graphkit
from graphkit.projection import project

EX = "https://example.org/id/"
PREFIXES = """
@prefix gk: <https://w3id.org/graphkit/ontology#> .
@prefix ex: <https://example.org/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
"""
# One statement per line of facts, so the test can shuffle the lines.
FACTS = [
    'ex:a a gk:Company ; rdfs:label "A" .',
    'ex:b a gk:Company ; rdfs:label "B" .',
    "ex:r1 a gk:Relationship ; rdf:subject ex:a ; rdf:predicate gk:partnerOf ; rdf:object ex:b .",
    'ex:r1 dcterms:date "2024-05"^^xsd:gYearMonth, "2023"^^xsd:gYear .',
    'ex:r1 dcterms:description "second text", "first text" .',
    'ex:r1 gk:dateApproximate "true"^^xsd:boolean .',
    "ex:r1 gk:accordingTo ex:briefing .",
    "ex:r1 prov:wasDerivedFrom ex:late, ex:early .",
    "ex:r2 a gk:Relationship ; rdf:subject ex:b ; rdf:predicate gk:metWith ; rdf:object ex:a .",
    'ex:r2 dcterms:description "met once" ; gk:quote "a short quote" .',
    "ex:r2 prov:wasDerivedFrom ex:late .",
    'ex:late a gk:NewsReport ; dcterms:title "Z title", "B title" ; dcterms:issued "2025"^^xsd:gYear .',
    'ex:early a gk:NewsReport ; dcterms:title "Early" ; dcterms:publisher "Paper" ; dcterms:issued "2024"^^xsd:gYear .',
    'ex:briefing a gk:Document ; rdfs:label "Briefing" .',
]


def _edges(tmp_path, order: list[str]) -> dict:
    path = tmp_path / "facts.ttl"
    path.write_text(PREFIXES + "\n".join(order) + "\n", encoding="utf-8")
    with graphkit.open(str(path)) as kg:
        g = project(kg)
    return {k: d for _, _, k, d in g.edges(keys=True, data=True)}


def test_fields_given_twice_keep_the_smallest_or_join_sorted(tmp_path):
    edges = _edges(tmp_path, FACTS)
    r1 = edges[EX + "r1"]
    assert r1["date"] == "2023"  # the earliest of two dates
    assert r1["description"] == "first text; second text"
    assert r1["date_approximate"] is True
    assert r1["according_to"] == [EX + "briefing"]
    # Two sources, by date; a source titled twice keeps the smallest title.
    assert [(s["iri"], s["title"]) for s in r1["sources"]] == [
        (EX + "early", "Early"),
        (EX + "late", "B title"),
    ]
    assert r1["sources"][0]["publisher"] == "Paper"
    r2 = edges[EX + "r2"]
    assert (r2["description"], r2["quote"], r2["date"]) == ("met once", "a short quote", None)
    assert r2["date_approximate"] is False and r2["according_to"] == []
    assert r2["sources"][0] is r1["sources"][1]  # one dict per source, shared by the edges citing it


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_attributes_whatever_the_order_of_the_file(tmp_path, seed):
    shuffled = list(FACTS)
    random.Random(seed).shuffle(shuffled)
    assert _edges(tmp_path, shuffled) == _edges(tmp_path, FACTS)

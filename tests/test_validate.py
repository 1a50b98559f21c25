"""Set-based validation reports exactly what pyshacl (the reference) reports."""

from __future__ import annotations

import io
import json
import random
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from helpers import TTL_PREFIXES

import graphkit
from graphkit.model.graph import KnowledgeGraph
from graphkit.model.shacl_reference import reference_results
from graphkit.model.validate import iter_violations, results
from graphkit.store.local import LocalBackend
from graphkit.vocab import GK, GKD, ONTOLOGY_FILE, XSD, data_dir

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate import generate

HOSTILE = "Acme \"quoted\" 'single' } ; DROP ALL ; #"


def raw_graph(text: str, *, ontology: bool = False) -> KnowledgeGraph:
    """A graph holding ``text`` as it is, ill-typed literals included (as an old store may)."""
    store = ox.Store()
    store.load(text.encode(), format=ox.RdfFormat.TURTLE if "@prefix" in text else ox.RdfFormat.N_TRIPLES)
    if ontology:
        store.load(path=str(data_dir() / ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)
    return KnowledgeGraph(LocalBackend(store, kind="memory", description="test data", read_only=True))


def _term(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return "_:"
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value).n3()
    lang = term.language
    plain = lang or term.datatype.value == XSD + "string"
    datatype = None if plain else rdflib.URIRef(term.datatype.value)
    return rdflib.Literal(term.value, lang=lang, datatype=datatype).n3()


def fast_keys(kg: KnowledgeGraph) -> set[tuple]:
    found = set()
    for c, focus, path, value in results(kg):
        shape = c.shape if c.component == "SPARQLConstraintComponent" else (c.shape, c.path)
        path_iri = path.value if isinstance(path, ox.NamedNode) else c.path
        found.add((_term(focus), path_iri, c.component, shape, _term(value)))
    return found


def reference_keys(kg: KnowledgeGraph) -> set[tuple]:
    return {
        (
            "_:" if focus.startswith("_:") else focus,
            path,
            comp,
            shape,
            "_:" if v and v.startswith("_:") else v,
        )
        for focus, path, comp, shape, v in reference_results(kg)
    }


def assert_same(kg: KnowledgeGraph) -> set[tuple]:
    fast = fast_keys(kg)
    reference = reference_keys(kg)
    assert fast - reference == set(), "reported but not by pyshacl"
    assert reference - fast == set(), "missed"
    return fast


PLANTED = (
    TTL_PREFIXES
    + f"""
gkd:a a gk:Company ; rdfs:label "A" , "A again" ; skos:altLabel "" , "ok"@en .
gkd:b a gk:Company .
gkd:c a gk:Person ; rdfs:label "C"@en ; dcterms:description "one" , "two" ; skos:altLabel gkd:a .
gkd:d a gk:Company ; rdfs:label {rdflib.Literal(HOSTILE).n3()} ; rdf:type "not a class" .
gkd:e a gkd:LocalKind ; rdfs:label "E" .
gkd:LocalKind rdfs:subClassOf gk:Company .
gkd:f a gk:Company ; rdfs:label "" .
_:anon a gk:Company ; rdfs:label "anonymous" .
gkd:a gk:metWith gkd:b .
gkd:a gk:partnerOf gkd:c .
gkd:rel-ab a gk:Relationship ; rdf:subject gkd:a ; rdf:predicate gk:metWith ; rdf:object gkd:b ;
  dcterms:date "2024-02-30"^^xsd:date ; prov:wasDerivedFrom gkd:src ; gk:dateApproximate "yes"^^xsd:boolean .
gkd:rel-bad a gk:Relationship ; rdf:subject "a literal" ; rdf:predicate gk:notARelation ;
  rdf:object gkd:nobody , gkd:b ; prov:wasDerivedFrom gkd:a ; gk:accordingTo gkd:b ;
  dcterms:date "March 2024" , "2024"^^xsd:gYear ; schema:startDate "2024\\n"^^xsd:gYear ;
  schema:endDate "2024-13"^^xsd:gYearMonth ; gk:quote "" , _:q ; gk:grounds 42 .
gkd:rel-nolink a gk:Relationship ; rdf:subject gkd:b ; rdf:predicate gk:metWith ; rdf:object gkd:a ;
  prov:wasDerivedFrom gkd:src ; dcterms:date "2024-01-05"^^xsd:date .
gkd:src a gk:NewsReport ; dcterms:title "T" , "U" ; schema:url "https://not-an-iri.example" ;
  dcterms:issued "2024-02"^^xsd:gYearMonth , "2023"^^xsd:string .
gkd:src2 a gk:Source ; dcterms:publisher "P" ; schema:url <https://example.org/s> ;
  dcterms:issued "2024-01-01"^^xsd:date ; dcterms:title "ok" ; gk:dateApproximate true , false .
gkd:stat a gk:Statistic ; gk:statisticOf gkd:a , gkd:b ; gk:indicator "" ; schema:value "abc"^^xsd:decimal ;
  gk:comparator "more than" , "less than" ; dcterms:temporal "1980s"@en .
gkd:stat2 a gk:Statistic ; gk:statisticOf "x" ; schema:value 3.5 ; prov:wasDerivedFrom gkd:src2 ;
  gk:indicator "people" ; dcterms:date "2024-1-1"^^xsd:date .
"""
)


def test_bundled_data_gives_the_same_empty_result(kg):
    assert assert_same(kg) == set()


@pytest.mark.parametrize("ontology", [False, True], ids=["data-only", "with-ontology"])
def test_planted_violations_match_pyshacl(ontology):
    found = assert_same(raw_graph(PLANTED, ontology=ontology))
    components = {key[2] for key in found}
    # Every kind of constraint in the shapes is exercised by the planted data.
    assert components >= {
        "MinCountConstraintComponent",
        "MaxCountConstraintComponent",
        "DatatypeConstraintComponent",
        "NodeKindConstraintComponent",
        "MinLengthConstraintComponent",
        "PatternConstraintComponent",
        "ClassConstraintComponent",
        "OrConstraintComponent",
        "SPARQLConstraintComponent",
    }
    assert ("<https://w3id.org/graphkit/id/rel-ab>", "http://purl.org/dc/terms/date") in {
        k[:2] for k in found
    }


def test_generated_data_with_random_faults_matches_pyshacl():
    out = io.StringIO()
    generate(out, entities=60, seed=3)
    lines = out.getvalue().splitlines()
    rng = random.Random(7)
    faults = [
        lambda s: s.replace('"', '"', 1) if "label" not in s else "",  # drop a label
        lambda s: s.replace("^^<http://www.w3.org/2001/XMLSchema#gYear>", ""),  # untyped year
        lambda s: s.replace("-0", "-1", 1),  # months 10-19
        lambda s: s.replace("/wasDerivedFrom>", "/wasDerivedFromX>"),  # lose a source
        lambda s: s.replace("#subject>", "#object>"),  # two objects
        lambda s: "",  # drop a triple (direct links, records, types)
    ]
    faulty = [rng.choice(faults)(line) if rng.random() < 0.05 else line for line in lines]
    kg = raw_graph("\n".join(faulty) + "\n")
    found = assert_same(kg)
    assert len(found) > 20


def test_impossible_date_already_in_a_store_is_a_violation_without_traceback(capfd):
    kg = raw_graph(PLANTED)
    violations = list(iter_violations(kg))
    date = [v for v in violations if v.focus == GKD + "rel-ab" and v.path == "dcterms:date"]
    assert date and "2024-02-30 is not a real date" in date[0].message
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out


def test_limit_and_shape_choose_what_is_reported():
    kg = raw_graph(PLANTED)
    assert len(list(iter_violations(kg, limit=3))) == 3
    sources = list(iter_violations(kg, shape="Source"))
    assert sources and {v.shape for v in sources} == {"gk:SourceShape"}
    by_iri = list(iter_violations(kg, shape="gk:SourceShape"))
    assert {(v.focus, v.path, v.value) for v in by_iri} == {(v.focus, v.path, v.value) for v in sources}
    with pytest.raises(graphkit.GraphkitError, match="no shape called 'Nope'; the shapes are: "):
        list(iter_violations(kg, shape="Nope"))


def test_remote_store_is_validated_by_its_own_engine(engine_store):
    with graphkit.open(engine_store) as remote:
        assert list(iter_violations(remote)) == []
        remote.update(
            f"INSERT DATA {{ <{GKD}x> a <{GK}Company> ; <{GK}metWith> <{GKD}aws> ; "
            f'<http://purl.org/dc/terms/description> "one", "two"@en . }}'
        )
        found = {(v.focus, v.path, v.shape, v.component) for v in iter_violations(remote)}
        assert found == {
            (GKD + "x", "rdfs:label", "gk:EntityShape", "sh:MinCountConstraintComponent"),
            (GKD + "x", "dcterms:description", "gk:EntityShape", "sh:MaxCountConstraintComponent"),
            (GKD + "x", "dcterms:description", "gk:EntityShape", "sh:DatatypeConstraintComponent"),
            (GKD + "x", "gk:metWith", "gk:DirectEdgeQualifiedShape", "sh:SPARQLConstraintComponent"),
        }


def _cli(*args):
    from click.testing import CliRunner

    from graphkit.cli import main

    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_cli_streams_violations_with_limit_shape_and_json(tmp_path):
    planted = tmp_path / "planted.ttl"
    # The load checks refuse ill-typed literals, so the file plants only well-typed faults.
    planted.write_text(
        PLANTED.replace("^^xsd:date", "")
        .replace("^^xsd:boolean", "")
        .replace("^^xsd:decimal", "")
        .replace('"2024-13"^^xsd:gYearMonth', '"2024-13"'),
        encoding="utf-8",
    )
    every = _cli("validate", "--store", planted, "-F", "json")
    assert every.exit_code == 1
    report = json.loads(every.output.split("Error:")[0])
    assert report["conforms"] is False and len(report["violations"]) > 30
    assert every.output.rstrip().endswith(
        f"Error: {len(report['violations'])} violation(s) of the graphkit shapes"
    )
    limited = _cli("validate", "--store", planted, "--limit", "3")
    assert (
        limited.exit_code == 1
        and "Error: 3 violation(s) of the graphkit shapes (stopped at --limit)" in limited.output
    )
    assert limited.output.splitlines()[0].split() == ["entity", "property", "problem", "severity"]
    assert len(limited.output.splitlines()) == 2 + 3 + 1
    sources = json.loads(
        _cli("validate", "--store", planted, "--shape", "source", "-F", "json").output.split("Error:")[0]
    )
    assert {v["shape"] for v in sources["violations"]} == {"gk:SourceShape"}
    unknown = _cli("validate", "--store", planted, "--shape", "Nope")
    assert (
        unknown.exit_code == 1
        and "no shape called 'Nope'" in unknown.output
        and "Traceback" not in unknown.output
    )
    assert _cli("validate", "--limit", "0").exit_code == 2
    assert _cli("validate").output == "The graph conforms to the graphkit shapes.\n"


def test_load_validate_refuses_a_write_that_breaks_the_shapes(tmp_path, persistent_store):
    unsourced = tmp_path / "unsourced.ttl"
    unsourced.write_text(
        TTL_PREFIXES + "gkd:newco a gk:Company .\ngkd:newco gk:partnerOf gkd:aws .\n", encoding="utf-8"
    )
    new_store = tmp_path / "new"
    refused = _cli("load", "--validate", unsourced, "--store", new_store)
    assert refused.exit_code == 1 and not new_store.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".new.")] == []  # nor its hidden folder
    assert "nothing was written: the files would add 2 violation(s)" in refused.output
    assert "gkd:newco" in refused.output and "gk:partnerOf" in refused.output
    with graphkit.open(persistent_store) as kg:
        before = kg.triple_count()
    refused = _cli("load", "--validate", unsourced, "--store", persistent_store)
    assert refused.exit_code == 1 and "would add 2 violation(s)" in refused.output
    with graphkit.open(persistent_store) as kg:
        assert kg.triple_count() == before
    assert [p.name for p in persistent_store.parent.iterdir() if "validating" in p.name] == []
    sourced = tmp_path / "sourced.ttl"
    sourced.write_text(TTL_PREFIXES + 'gkd:newco a gk:Company ; rdfs:label "New Co" .\n', encoding="utf-8")
    assert _cli("load", "--validate", sourced, "--store", persistent_store).exit_code == 0
    with graphkit.open(persistent_store) as kg:
        assert kg.triple_count() == before + 2


def test_a_new_store_is_written_once_and_checked_before_it_takes_its_place(tmp_path):
    from graphkit.importer.apply import import_csv
    from graphkit.model.checked_write import validate_before_commit

    example = data_dir() / "templates" / "example"
    checked: list[tuple[list, list[str]]] = []

    def refuse_all(found: list) -> None:
        checked.append((found, sorted(p.name for p in tmp_path.iterdir())))
        raise graphkit.GraphkitError("refused")

    with graphkit.open(tmp_path / "kg", create=True) as kg:
        assert validate_before_commit(kg, refuse_all)
        with pytest.raises(graphkit.GraphkitError, match="refused"):
            import_csv(kg, [example])
    # Checked once, on the written store in its hidden folder; refused, so nothing is left.
    ((found, folders),) = checked
    assert found == [] and len(folders) == 2 and folders[0].startswith(".kg.importing-")
    assert sorted(p.name for p in tmp_path.iterdir()) == []

    accepted: list[list] = []
    with graphkit.open(tmp_path / "kg", create=True) as kg:
        assert validate_before_commit(kg, accepted.append)
        report = import_csv(kg, [example])
        assert report.created_store and accepted == [[]]
        assert not validate_before_commit(kg, accepted.append)  # the store now exists: a copy is tried
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg"]
    made = _cli("import", "--validate", example, "--store", tmp_path / "again")
    assert made.exit_code == 0 and "Imported into" in made.output, made.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again", "kg"]


def test_import_and_merge_validate_then_write(tmp_path, persistent_store):
    example = data_dir() / "templates" / "example"
    imported = _cli("import", "--validate", example, "--store", persistent_store)
    assert imported.exit_code == 0, imported.output
    assert "Imported into" in imported.output
    merged = _cli("merge", "--validate", "Amazon Web Services", "Amazon", "--store", persistent_store)
    assert merged.exit_code == 0, merged.output
    assert "Merged" in merged.output


def test_validate_on_a_remote_write_is_refused_cleanly(tmp_path, remote_store):
    refused = _cli("load", "--validate", data_dir() / ONTOLOGY_FILE, "--store", remote_store)
    assert refused.exit_code == 1 and "--validate works on embedded stores" in refused.output

"""FollowTheMoney import: the example file, every kind of bad input, sources, idempotence."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from csv_helpers import run

import graphkit
from graphkit.importer import ImportProblems
from graphkit.importer.apply import import_ftm
from graphkit.vocab import GK, data_dir

pytest.importorskip("followthemoney")

EXAMPLE = data_dir() / "templates" / "example.ftm.jsonl"
SOURCE = {"sourceUrl": ["https://example.org/fictional/report"], "publisher": ["Example Gazette"]}


def lines(path: Path, *entities: dict) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in entities), encoding="utf-8")
    return path


def entity(id_: str, schema: str, **props) -> dict:
    return {
        "id": id_,
        "schema": schema,
        "properties": {k: v if isinstance(v, list) else [v] for k, v in props.items()},
    }


def counts(kg, query: str) -> dict[str, int]:
    return {r["k"].value.rsplit("#", 1)[-1]: int(r["n"].value) for r in kg.query(query)}


def triples(store: Path) -> set[str]:
    with graphkit.open(store) as kg:
        return {str(t) for t in kg.backend.triples()}


@pytest.fixture
def bundled_store(persistent_store):
    return persistent_store


def test_example_file_counts_path_and_validation(cli, bundled_store):
    result = run(cli, "import", EXAMPLE, "--store", bundled_store)
    assert result.exit_code == 0, result.output
    assert "entities       8    0        0" in result.output  # New Zealand is already in the store
    with graphkit.open(bundled_store) as kg:
        classes = counts(
            kg,
            "SELECT ?k (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?k ; gk:ftmSchema|dcterms:description ?d "
            "FILTER(CONTAINS(STR(?d), 'FICTIONAL') || ?d = 'Airplane') } GROUP BY ?k",
        )
        relations = counts(
            kg,
            "SELECT ?k (COUNT(?r) AS ?n) WHERE { ?r rdf:predicate ?k ; prov:wasDerivedFrom ?s . "
            "?s schema:url ?u FILTER(STRSTARTS(STR(?u), 'https://example.org/fictional/')) } GROUP BY ?k",
        )
        fallback = list(kg.query("SELECT ?s WHERE { gkd:example-aircraft a gk:Entity ; gk:ftmSchema ?s }"))
        payment = list(
            kg.query("SELECT ?a ?c WHERE { ?r rdf:predicate gk:paid ; gk:amount ?a ; gk:currency ?c }")
        )
    assert classes == {
        "GovernmentAgency": 1,
        "Company": 2,
        "Person": 1,
        "Organisation": 1,
        "Agreement": 1,
        "Entity": 1,
    }
    assert relations == {
        "basedIn": 2,
        "memberOf": 1,
        "directorOf": 1,
        "paid": 1,
        "awardedBy": 1,
        "awardedTo": 1,
        "represents": 1,
        "organizedBy": 1,
        "involved": 2,
        "partnerOf": 1,
    }
    assert [r["s"].value for r in fallback] == ["Airplane"]
    assert [(r["a"].value, r["c"].value) for r in payment] == [("250000", "NZD")]
    path = run(cli, "path", "Alex Rivera", "Judith Collins", "--store", bundled_store)
    assert path.exit_code == 0, path.output
    assert "New Zealand" in path.output
    hops = [line for line in path.output.splitlines() if "--[" in line or "<-[" in line]
    assert len(hops) >= 3 and all(re.search(r"\[\d+(, ?\d+)*\]$", hop.strip()) for hop in hops), path.output
    assert "example.org/fictional" in path.output and "rnz.co.nz" in path.output  # both sources cited
    assert run(cli, "validate", "--store", bundled_store).exit_code == 0


def test_reimport_is_idempotent_and_changed_values_replace(tmp_path):
    store = tmp_path / "kg"
    with graphkit.open(store, create=True) as kg:
        first = import_ftm(kg, EXAMPLE)
    before = triples(store)
    with graphkit.open(store, read_only=False) as kg:
        again = import_ftm(kg, EXAMPLE)
    assert first.created_store and not again.written and triples(store) == before
    changed = tmp_path / "changed.ftm.jsonl"
    rows = [json.loads(line) for line in EXAMPLE.read_text().splitlines()]
    for row in rows:
        if row["id"] == "example-cloud-ltd":
            row["properties"]["name"] = ["Example Cloud Limited"]
        if row["id"] == "example-payment-hosting":
            row["properties"]["amount"] = ["260000"]
    lines(changed, *rows)
    with graphkit.open(store, read_only=False) as kg:
        report = import_ftm(kg, changed)
        labels = [r["l"].value for r in kg.query("SELECT ?l WHERE { gkd:example-cloud-ltd rdfs:label ?l }")]
        amounts = [r["a"].value for r in kg.query("SELECT ?a WHERE { ?r gk:amount ?a }")]
    assert report.changes["entities"]["updated"] == ["example-cloud-ltd"]
    assert report.changes["relationships"]["updated"] == ["example-payment-hosting"]
    assert labels == ["Example Cloud Limited"] and amounts == ["260000"]


def test_json_array_and_detection(cli, tmp_path):
    rows = [json.loads(line) for line in EXAMPLE.read_text().splitlines()]
    array = tmp_path / "example.json"
    array.write_text(json.dumps(rows, indent=2))
    result = run(cli, "import", array, "--store", tmp_path / "kg", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output and "would be new" in result.output
    assert not (tmp_path / "kg").exists()


BAD = {
    "unknown schema": (
        entity("x1", "Compnay", name="X"),
        "line 1, entity 'x1', property 'schema', value 'Compnay': unknown FollowTheMoney schema",
    ),
    "property not in schema": (
        entity("x1", "Company", name="X", birthDate="2000"),
        "line 1, entity 'x1', property 'birthDate': the property is not in the schema Company",
    ),
    "bad date": (
        entity("m1", "Membership", member="acme", organization="acme", startDate="2024-02-30", **SOURCE),
        "line 1, entity 'm1', property 'startDate', value '2024-02-30': bad date: impossible date",
    ),
    "missing end": (
        entity("m1", "Membership", member="nobody-here", organization="new-zealand", **SOURCE),
        "line 1, entity 'm1', property 'member', value 'nobody-here': unknown entity id: "
        "it is neither in the file nor in the store",
    ),
    "no source": (
        entity("m1", "Membership", member="new-zealand", organization="new-zealand"),
        "line 1, entity 'm1', property 'sourceUrl': 1 entity has relationships but no sourceUrl",
    ),
    "duplicate id": (
        [entity("x1", "Company", name="X"), entity("x1", "Company", name="Y")],
        "line 2, entity 'x1': the id appears twice (first on line 1)",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_lists_problems_and_writes_nothing(cli, tmp_path, bundled_store, case):
    rows, expected = BAD[case]
    path = lines(tmp_path / "bad.ftm.jsonl", *(rows if isinstance(rows, list) else [rows]))
    before = triples(bundled_store)
    result = run(cli, "import", path, "--store", bundled_store)
    assert result.exit_code == 1
    assert "nothing was imported" in result.output and "Traceback" not in result.output
    assert f"{path}, {expected}" in result.output, result.output
    assert triples(bundled_store) == before


def test_malformed_json_every_line_reported(cli, tmp_path):
    path = tmp_path / "bad.ftm.jsonl"
    good = json.dumps(entity("x1", "Company", name="X"))
    path.write_text(
        f'{good}\n{{"id": "x2", \n\n[1, 2]\n{{"id": "x3", "schema": "Company", "properties": 5}}\n'
    )
    result = run(cli, "import", path, "--store", tmp_path / "kg")
    assert result.exit_code == 1
    assert (
        f"{path}, line 2: malformed JSON: Expecting property name enclosed in double quotes" in result.output
    )
    assert f"{path}, line 4: each entity must be a JSON object" in result.output
    assert (
        f"{path}, line 5, entity 'x3', property 'properties': 'properties' must be a JSON object"
        in result.output
    )
    assert not (tmp_path / "kg").exists()


def test_source_options_give_unsourced_entities_a_source(cli, tmp_path, bundled_store):
    path = lines(
        tmp_path / "x.ftm.jsonl", entity("m1", "Membership", member="new-zealand", organization="new-zealand")
    )
    with_new = run(
        cli,
        "import",
        path,
        "--store",
        bundled_store,
        "--source-title",
        "Register of members",
        "--source-url",
        "https://example.org/register",
        "--source-date",
        "2024",
    )
    assert with_new.exit_code == 0, with_new.output
    with graphkit.open(bundled_store) as kg:
        titles = [
            r["t"].value
            for r in kg.query(
                "SELECT ?t WHERE { <https://w3id.org/graphkit/id/rel/m1> prov:wasDerivedFrom ?s . ?s dcterms:title ?t }"
            )
        ]
    assert titles == ["Register of members"]
    existing = run(
        cli, "import", path, "--store", bundled_store, "--source", "rnz-2025-03-spy-agency-minister"
    )
    assert existing.exit_code == 0, existing.output
    unknown = run(cli, "import", path, "--store", bundled_store, "--source", "no-such-source")
    assert unknown.exit_code == 1 and "--source, value 'no-such-source': unknown source id" in unknown.output


def test_unknown_link_role_and_fallback_schema(tmp_path):
    path = lines(
        tmp_path / "x.ftm.jsonl",
        entity("a", "Company", name="A"),
        entity("b", "Company", name="B"),
        entity("l1", "UnknownLink", subject="a", object="b", role="met with", **SOURCE),
        entity("l2", "UnknownLink", subject="a", object="b", role="sat next to", **SOURCE),
        entity("s1", "Succession", predecessor="a", successor="b", **SOURCE),
    )
    with graphkit.open(tmp_path / "kg", create=True) as kg:
        import_ftm(kg, path)
        rows = {
            r["r"].value.rsplit("/", 1)[-1]: (
                r["p"].value,
                r["d"].value if r["d"] else None,
                r["f"].value if r["f"] else None,
            )
            for r in kg.query(
                "SELECT ?r ?p ?d ?f WHERE { ?r rdf:predicate ?p "
                "OPTIONAL { ?r dcterms:description ?d } OPTIONAL { ?r gk:ftmSchema ?f } }"
            )
        }
    assert rows == {
        "l1": (GK + "metWith", None, None),
        "l2": (GK + "relationshipWith", "sat next to", None),
        "s1": (GK + "relationshipWith", None, "Succession"),
    }


def test_missing_library_says_how_to_install(monkeypatch, tmp_path):
    import builtins

    real_import = builtins.__import__

    def no_ftm(name, *args, **kwargs):
        if name.startswith("followthemoney"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ftm)
    with graphkit.open(tmp_path / "kg", create=True) as kg, pytest.raises(graphkit.GraphkitError) as error:
        import_ftm(kg, EXAMPLE)
    assert "pip install 'graphkit[ftm]'" in str(error.value)


def test_problems_are_one_report(tmp_path):
    path = lines(tmp_path / "x.ftm.jsonl", entity("x1", "Nope"), entity("x2", "Person", name="P", foo="1"))
    with graphkit.open(tmp_path / "kg", create=True) as kg, pytest.raises(ImportProblems) as error:
        import_ftm(kg, path)
    found = [(p.row, p.entity, p.column) for p in error.value.problems]
    assert found == [(1, "x1", "schema"), (2, "x2", "foo")]
    assert error.value.to_dict()["problems"][0]["entity"] == "x1"

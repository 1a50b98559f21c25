"""CSV import: every kind of bad input is reported, and nothing is loaded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from csv_helpers import (
    HEADERS,
    ONTOLOGY,
    SOURCE_ROW,
    good_files,
    ontology_store,
    run,
    triples,
    write,
)

import graphkit
from graphkit.importer import CsvProblems, import_csv
from graphkit.importer import apply as apply_module
from graphkit.importer import bulk as bulk_module

# -- bad input: every problem reported, nothing loaded --------------------------------------

BAD = {
    # name: (file, text, fragments expected in the message)
    "unknown entity id": (
        "relationships",
        HEADERS["relationships"] + "\nexample-ministry,partnerOf,ghost,,,,,d,,gazette,\n",
        ["relationships.csv, row 2, column 'object', value 'ghost'", "unknown entity id"],
    ),
    "unknown source id": (
        "relationships",
        HEADERS["relationships"] + "\nexample-ministry,partnerOf,acme,,,,,d,,gazette;nope,\n",
        ["row 2, column 'source', value 'nope'", "unknown source id"],
    ),
    "unknown type": (
        "entities",
        HEADERS["entities"] + "\nacme,Acme,Compnay,,,,\nexample-ministry,M,GovernmentDepartment,,,,\n",
        [
            "row 2, column 'type', value 'Compnay'",
            "Did you mean Company",
            "Allowed entity types:",
            "GovernmentAgency",
        ],
    ),
    "not an entity type": (
        "entities",
        HEADERS["entities"] + "\nacme,Acme,Relationship,,,,\nexample-ministry,M,GovernmentDepartment,,,,\n",
        ["value 'Relationship'", "not an entity type"],
    ),
    "unknown relation": (
        "relationships",
        HEADERS["relationships"] + "\nexample-ministry,metwithh,acme,,,,,d,,gazette,\n",
        [
            "column 'relation', value 'metwithh'",
            "unknown relation",
            "Allowed relations:",
            "ministerResponsibleFor",
        ],
    ),
    "malformed date": (
        "relationships",
        HEADERS["relationships"] + "\nexample-ministry,partnerOf,acme,15/10/2024,,,,d,,gazette,\n",
        ["column 'date', value '15/10/2024'", "malformed date"],
    ),
    "impossible date": (
        "relationships",
        HEADERS["relationships"] + "\nexample-ministry,partnerOf,acme,2024-02-30,,,,d,,gazette,\n",
        ["column 'date', value '2024-02-30'", "impossible date"],
    ),
    "impossible published date": (
        "sources",
        HEADERS["sources"] + "\n" + SOURCE_ROW.replace("2024-10-15", "2023-02-29") + "\n",
        ["sources.csv, row 2, column 'published', value '2023-02-29'", "impossible date"],
    ),
    "end before start": (
        "relationships",
        HEADERS["relationships"] + "\nexample-ministry,partnerOf,acme,,2024-05,2023,,d,,gazette,\n",
        ["column 'end', value '2023'", "before the start"],
    ),
    "relationship without a source": (
        "relationships",
        HEADERS["relationships"] + "\nexample-ministry,partnerOf,acme,2024,,,,d,,,\n",
        ["row 2, column 'source'", "needs a source"],
    ),
    "duplicate entity id": (
        "entities",
        HEADERS["entities"]
        + "\nacme,Acme,Company,,,,\nexample-ministry,M,GovernmentDepartment,,,,\nacme,A2,Company,,,,\n",
        ["row 4, column 'id', value 'acme'", "duplicate id: row 2"],
    ),
    "duplicate source id": (
        "sources",
        HEADERS["sources"] + "\n" + SOURCE_ROW + "\n" + SOURCE_ROW + "\n",
        ["sources.csv, row 3, column 'id', value 'gazette'", "duplicate id"],
    ),
    "duplicate relationship": (
        "relationships",
        HEADERS["relationships"]
        + "\nexample-ministry,partnerOf,acme,2024,,,,d,,gazette,\nexample-ministry,partnerOf,acme,2024,,,,e,,gazette,\n",
        ["row 3", "duplicate relationship: row 2"],
    ),
    "invalid id": (
        "entities",
        HEADERS["entities"] + "\nAcme Ltd,Acme,Company,,,,\nexample-ministry,M,GovernmentDepartment,,,,\n",
        ["value 'Acme Ltd'", "not a valid id", "'acme-ltd'"],
    ),
    "empty required cell": (
        "entities",
        HEADERS["entities"] + "\nacme,,Company,,,,\nexample-ministry,M,GovernmentDepartment,,,,\n",
        ["row 2, column 'label'", "missing"],
    ),
    "missing required column": (
        "entities",
        "id,label,aliases\nacme,Acme,\n",
        ["entities.csv, row 1", "missing required column type"],
    ),
    "unknown column": (
        "entities",
        HEADERS["entities"] + ",desciption\nacme,Acme,Company,,,,,x\n",
        ["row 1, column 'desciption'", "unknown column"],
    ),
    "semicolon delimiter": (
        "entities",
        HEADERS["entities"].replace(",", ";") + "\nacme;Acme;Company;;;;\n",
        ["entities.csv, row 1", "separated by semicolons"],
    ),
    "tab delimiter": (
        "sources",
        HEADERS["sources"].replace(",", "\t") + "\n" + SOURCE_ROW.replace(",", "\t") + "\n",
        ["sources.csv, row 1", "separated by tabs"],
    ),
    "unquoted comma": (
        "entities",
        HEADERS["entities"] + "\nacme,Acme,Company,,,,a, b\nexample-ministry,M,GovernmentDepartment,,,,\n",
        ["row 2", "must be quoted"],
    ),
    "bad quoting": (
        "entities",
        HEADERS["entities"] + '\nacme,"Acme"x,Company,,,,\n',
        ["entities.csv, row 2", "not valid CSV"],
    ),
    "bad wikidata id": (
        "entities",
        HEADERS["entities"] + "\nacme,Acme,Company,,,42,\nexample-ministry,M,GovernmentDepartment,,,,\n",
        ["column 'wikidata', value '42'", "Wikidata"],
    ),
    "bad url": (
        "sources",
        HEADERS["sources"]
        + "\n"
        + SOURCE_ROW.replace("https://example.org/report", "example.org/a b")
        + "\n",
        ["column 'url', value 'example.org/a b'", "web address"],
    ),
    "country that is not a country": (
        "entities",
        HEADERS["entities"]
        + "\nacme,Acme,Company,,example-ministry,,\nexample-ministry,M,GovernmentDepartment,,,,\n",
        ["column 'country', value 'example-ministry'", "not a Country"],
    ),
    "country without a basedIn relationship": (
        "entities",
        HEADERS["entities"]
        + "\nacme,Acme,Company,,exampleland,,\nexample-ministry,M,GovernmentDepartment,,,,\n"
        + "exampleland,Exampleland,Country,,,,\n",
        ["column 'country', value 'exampleland'", "add the row 'acme,basedIn,exampleland,...,<source id>'"],
    ),
}


@pytest.fixture
def store_with_data(tmp_path):
    store = ontology_store(tmp_path / "kg")
    with graphkit.open(store) as kg:
        import_csv(kg, [good_files(tmp_path / "base")])
    return store


@pytest.fixture(params=["oxigraph", "remote"])
def any_writable_store(request, tmp_path):
    """An embedded store and the real remote one, each with the ontology and a first import."""
    if request.param == "oxigraph":
        return request.getfixturevalue("store_with_data")
    server = request.getfixturevalue("oxigraph_server")
    server.clear()
    with graphkit.open(server.url) as kg:
        kg.load([ONTOLOGY])
        import_csv(kg, [good_files(tmp_path / "base")])
    return server.url


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_loads_nothing(cli, tmp_path, store_with_data, case):
    kind, text, fragments = BAD[case]
    folder = good_files(tmp_path / "csv")
    write(folder, **{kind: text})
    before = triples(store_with_data)
    result = run(cli, "import", folder, "--store", store_with_data)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "nothing was imported" in result.output
    for fragment in fragments:
        assert fragment in result.output, result.output
    assert triples(store_with_data) == before
    new = tmp_path / "never"
    assert run(cli, "import", folder, "--store", new).exit_code == 1
    assert not new.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_wrong_encoding_points_at_the_cell(cli, tmp_path):
    folder = good_files(tmp_path / "csv")
    latin = (
        HEADERS["entities"] + "\nacme,Café Example,Company,,,,\nexample-ministry,M,Government,,,,\n"
    ).encode("latin-1")
    (folder / "entities.csv").write_bytes(latin)
    store = tmp_path / "kg"
    result = run(cli, "import", folder, "--store", store)
    assert result.exit_code == 1
    assert "entities.csv, row 2, column 'label', value 'Caf\\\\xe9 Example'" in result.output
    assert "CSV UTF-8" in result.output and not store.exists()
    (folder / "entities.csv").write_bytes(HEADERS["entities"].encode("utf-16"))
    result = run(cli, "import", folder, "--store", store)
    assert result.exit_code == 1 and "UTF-16" in result.output and not store.exists()


def test_all_problems_are_collected_across_files(tmp_path):
    folder = write(
        tmp_path / "csv",
        entities=HEADERS["entities"] + "\nacme,Acme,Compnay,,,,\nbee,,Company,,,,\n",
        relationships=HEADERS["relationships"] + "\nacme,partnerOf,bee,2024-13,,,,d,,,\n",
        sources=HEADERS["sources"] + "\n" + SOURCE_ROW.replace("2024-10-15", "soon") + "\n",
    )
    with graphkit.open(tmp_path / "kg", create=True) as kg, pytest.raises(CsvProblems) as caught:
        import_csv(kg, [folder])
    found = {(Path(p.file).name, p.row, p.column) for p in caught.value.problems}
    assert found == {
        ("entities.csv", 2, "type"),
        ("entities.csv", 3, "label"),
        ("relationships.csv", 2, "date"),
        ("relationships.csv", 2, "source"),
        ("sources.csv", 2, "published"),
    }
    assert not (tmp_path / "kg").exists()


def test_a_failed_write_changes_nothing(cli, tmp_path, any_writable_store, monkeypatch):
    """The import is one update: if its last operation fails, the earlier deletes are undone."""
    store_with_data = any_writable_store
    before = triples(store_with_data)
    original = apply_module.delete_operations
    failing = ["CREATE GRAPH <urn:graphkit-test:g>", "CREATE GRAPH <urn:graphkit-test:g>"]
    monkeypatch.setattr(apply_module, "delete_operations", lambda *a: original(*a) + failing)
    folder = good_files(tmp_path / "csv")
    (folder / "sources.csv").write_text(
        HEADERS["sources"] + "\n" + SOURCE_ROW.replace("Example report", "New")
    )
    result = run(cli, "import", folder, "--store", store_with_data)
    assert result.exit_code == 1, result.output
    remote = str(store_with_data).startswith("http")
    assert ("already exists" if remote else "nothing was written") in result.output
    assert triples(store_with_data) == before
    new = tmp_path / "never"

    def fail(store, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bulk_module, "load_chunk", fail)
    result = run(cli, "import", folder, "--store", new)
    assert result.exit_code == 1
    assert "the import failed and nothing was written" in result.output
    assert "No space left on device" in result.output and "Traceback" not in result.output
    assert not new.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_problem_in_the_last_row_drops_what_the_loader_had_loaded(cli, tmp_path, monkeypatch):
    """A new store is loaded while the rows are read; a late problem still leaves nothing."""
    monkeypatch.setattr(bulk_module, "CHUNK_TRIPLES", 500)
    loaded: list[int] = []
    original = bulk_module.load_chunk

    def counting(store, data):
        original(store, data)
        loaded.append(len(store))

    monkeypatch.setattr(bulk_module, "load_chunk", counting)
    folder = good_files(tmp_path / "csv")
    entities = (folder / "entities.csv").read_text()
    (folder / "entities.csv").write_text(
        entities + "".join(f"bulk-{i},Entity {i},Company,,,,\n" for i in range(2000))
    )
    relationships = (folder / "relationships.csv").read_text()
    late = "acme,partnerOf,nobody,2024-10,,,,,,gazette,\n"  # row 3: an entity that exists nowhere
    (folder / "relationships.csv").write_text(relationships + late)
    store = tmp_path / "deep" / "kg"
    result = run(cli, "import", folder, "--store", store)
    assert result.exit_code == 1, result.output
    assert "unknown entity id" in result.output and "nobody" in result.output
    assert loaded and loaded[-1] >= 2000  # the engine had loaded most rows before the last was read
    assert not (tmp_path / "deep").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_library_report(tmp_path):
    with graphkit.open(tmp_path / "kg", create=True) as kg:
        report = import_csv(kg, [good_files(tmp_path / "csv")])
        assert report.created_store and report.triples_after == kg.triple_count()
        assert report.changes["relationships"]["new"] == ["example-ministry-partner-of-acme-2024-10"]
        assert json.loads(json.dumps(report.to_dict()))["files"]["sources"].endswith("sources.csv")


def test_json_output_lists_problems(cli, tmp_path):
    folder = write(tmp_path / "csv", entities=HEADERS["entities"] + "\nacme,Acme,Nope,,,,\n")
    result = run(cli, "import", folder, "--store", tmp_path / "kg", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["imported"] is False
    assert data["problems"][0] | {"message": ""} == {
        "file": str(folder / "entities.csv"),
        "row": 2,
        "column": "type",
        "value": "Nope",
        "message": "",
    }


def test_long_texts_go_to_the_loader_in_smaller_chunks(tmp_path, monkeypatch):
    """A chunk for the bulk loader is bounded in characters as well as in triples."""
    monkeypatch.setattr(bulk_module, "CHUNK_CHARS", 200_000)
    sizes: list[int] = []
    original = bulk_module.load_chunk

    def measuring(store, data):
        sizes.append(len(data))
        original(store, data)

    monkeypatch.setattr(bulk_module, "load_chunk", measuring)
    folder = good_files(tmp_path / "csv")
    long_text = "x" * 1000
    with (folder / "entities.csv").open("a") as fh:
        fh.writelines(f"long-{i},Entity {i},Company,,,,{long_text}\n" for i in range(3000))
    with graphkit.open(tmp_path / "kg", create=True) as kg:
        report = import_csv(kg, [folder])
        assert report.count("entities", "new") == 3002
        assert kg.ask("ASK { gkd:long-2999 dcterms:description ?d FILTER(STRLEN(?d) = 1000) }")
    assert len(sizes) >= 3  # about 3 MB of text: several chunks, each about one batch of records
    assert max(sizes) < 1_500_000


def test_stopping_with_a_chunk_waiting_still_ends_the_loader(tmp_path, monkeypatch):
    """After Ctrl-C the loader ends once its chunk is loaded, and the engine lets go of the folder."""
    import time

    import pyoxigraph as ox

    original = bulk_module.load_chunk

    def slow(store, data):
        time.sleep(0.5)
        original(store, data)

    monkeypatch.setattr(bulk_module, "load_chunk", slow)
    folder = tmp_path / "staging"
    load = bulk_module.StreamingLoad(ox.Store(str(folder)), chunk=1)
    load.write("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n", 1)
    load.write("<http://example.org/a> <http://example.org/b> <http://example.org/d> .\n", 1)
    load.stop()  # the second chunk waits in the queue: the end mark has no room
    assert load._done.wait(2)
    assert load.store is None
    assert len(ox.Store(str(folder))) <= 1  # the folder opens again: the engine closed it

"""CSV import: the happy path, every kind of bad row, idempotence, updates, dry runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import graphkit
from graphkit.cli import main
from graphkit.cli.importing import import_
from graphkit.cli.merge import merge
from graphkit.importer import OPTIONAL, REQUIRED, CsvProblems, import_csv
from graphkit.importer import apply as apply_module
from graphkit.vocab import GK, GKD, XSD, data_dir

EXAMPLE = data_dir() / "templates" / "example"
ONTOLOGY = data_dir() / "ontology.ttl"
HEADERS = {
    "entities": "id,label,type,aliases,country,wikidata,description",
    "relationships": "subject,relation,object,date,start,end,approximate,description,quote,source,according_to",
    "sources": "id,title,publisher,url,published,approximate,type,excerpt",
}
SOURCE_ROW = "gazette,Example report (EXAMPLE DATA),Example Gazette,https://example.org/report,2024-10-15,,,"


@pytest.fixture
def cli():
    """The main group plus the commands of this issue (not yet registered in main)."""
    return click.Group("graphkit", commands={**main.commands, "import": import_, "merge": merge})


def run(cli, *args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def write(folder: Path, **files: str) -> Path:
    """Write CSV files (entities=..., relationships=..., sources=...) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for kind, body in files.items():
        (folder / f"{kind}.csv").write_text(body, encoding="utf-8", newline="")
    return folder


def good_files(folder: Path) -> Path:
    return write(
        folder,
        entities=HEADERS["entities"]
        + "\nacme,Acme Example Ltd,Company,Acme;ACME,,Q4115189,EXAMPLE DATA: a company"
        + "\nexample-ministry,Example Ministry,GovernmentDepartment,,,,EXAMPLE DATA\n",
        relationships=HEADERS["relationships"]
        + "\nexample-ministry,partnerOf,acme,2024-10,,,true,EXAMPLE DATA: partners,the partner,gazette,\n",
        sources=HEADERS["sources"] + "\n" + SOURCE_ROW + "\n",
    )


def ontology_store(path: Path) -> Path:
    """A new embedded store holding the ontology, as the bundled dataset does."""
    with graphkit.open(path, create=True, read_only=False) as kg:
        kg.load([ONTOLOGY])
    return path


def count(spec) -> int:
    with graphkit.open(spec, read_only=True) as kg:
        return kg.triple_count()


def triples(spec) -> set[str]:
    with graphkit.open(spec, read_only=True) as kg:
        return {str(t) for t in kg.triples()}


def values(spec, subject: str, predicate: str) -> list:
    with graphkit.open(spec, read_only=True) as kg:
        rows = kg.query(
            "SELECT ?o WHERE { ?s ?p ?o }", {"s": ox.NamedNode(subject), "p": ox.NamedNode(predicate)}
        )
        return sorted((r["o"] for r in rows), key=str)


def assert_validates(cli, store):
    result = run(cli, "validate", "--store", store)
    assert result.exit_code == 0, result.output


# -- the happy path -------------------------------------------------------------------


def test_example_creates_a_store_that_validates(cli, tmp_path):
    store = tmp_path / "kg"
    result = run(cli, "import", EXAMPLE, "--store", store)
    assert result.exit_code == 0, result.output
    assert "new store" in result.output and "Triples: 0 ->" in result.output
    assert (store / "CURRENT").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "staging folder left behind"
    minister = GKD + "example-minister"
    met = GKD + "rel/example-minister-met-with-example-cloud-2024-10"
    assert values(store, minister, GK + "metWith") == [ox.NamedNode(GKD + "example-cloud")]
    assert values(store, met, "http://purl.org/dc/terms/date") == [
        ox.Literal("2024-10", datatype=ox.NamedNode(XSD + "gYearMonth"))
    ]
    assert len(values(store, met, "http://www.w3.org/ns/prov#wasDerivedFrom")) == 2
    assert values(store, met, GK + "accordingTo") == [ox.NamedNode(GKD + "example-briefing")]
    assert values(store, met, GK + "dateApproximate")[0].value == "true"
    source = GKD + "source/example-times-2025-03"
    assert values(store, source, "https://schema.org/url")[0] == ox.NamedNode(
        "https://example.org/times/2025/example-agencies-and-the-cloud"
    )
    aliases = values(store, GKD + "example-cloud", "http://www.w3.org/2004/02/skos/core#altLabel")
    assert {a.value for a in aliases} == {"Example Cloud", "ExCloud"}
    shown = run(cli, "show", "ExCloud", "--store", store)
    assert shown.exit_code == 0 and "Example Cloud Ltd  [Company]" in shown.output
    # graphkit validate needs the ontology in the store (see the report on validate.py)
    assert run(cli, "load", ONTOLOGY, "--store", store).exit_code == 0
    assert_validates(cli, store)


def test_import_refers_to_ids_already_in_the_store(cli, persistent_store, tmp_path):
    files = write(
        tmp_path / "csv",
        entities=HEADERS["entities"] + "\nexample-co,Example Co,Company,,new-zealand,,EXAMPLE DATA\n",
        relationships=HEADERS["relationships"]
        + "\njudith-collins,metWith,example-co,2024,,,,EXAMPLE DATA,,rnz-2025-03-spy-agency-minister,\n"
        + "example-co,basedIn,new-zealand,,,,,EXAMPLE DATA,,rnz-2025-03-spy-agency-minister,\n",
    )
    before = count(persistent_store)
    result = run(cli, "import", files, "--store", persistent_store)
    assert result.exit_code == 0, result.output
    assert count(persistent_store) > before
    assert_validates(cli, persistent_store)


def test_files_named_explicitly_and_recognised_by_name(cli, tmp_path):
    folder = good_files(tmp_path / "csv")
    named = tmp_path / "named"
    named.mkdir()
    for kind in ("entities", "relationships", "sources"):
        shutil.copy(folder / f"{kind}.csv", named / f"acme-{kind}.csv")
    store = ontology_store(tmp_path / "kg")
    result = run(cli, "import", *sorted(named.iterdir()), "--store", store)
    assert result.exit_code == 0, result.output
    assert_validates(cli, store)
    other = tmp_path / "people.csv"
    other.write_text("id\n")
    result = run(cli, "import", other, "--store", store)
    assert result.exit_code == 1 and "cannot tell what this file holds" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run(cli, "import", empty, "--store", store)
    assert result.exit_code == 1 and "no entities.csv" in result.output


def test_templates_match_the_columns_and_import_as_nothing(cli, tmp_path):
    templates = data_dir() / "templates"
    for kind in ("entities", "relationships", "sources"):
        header = (templates / f"{kind}.csv").read_text(encoding="utf-8").strip().split(",")
        assert sorted(header) == sorted(REQUIRED[kind] + OPTIONAL[kind]), kind
        example = (EXAMPLE / f"{kind}.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
        assert example == header, kind
    store = tmp_path / "kg"
    result = run(cli, "import", templates, "--store", store)
    assert result.exit_code == 0 and "no rows" in result.output
    assert not store.exists()


def test_real_remote_store(cli, oxigraph_server, tmp_path):
    oxigraph_server.clear()
    with graphkit.open(oxigraph_server.url) as kg:
        kg.load([ONTOLOGY])
    url = oxigraph_server.url
    result = run(cli, "import", EXAMPLE, "--store", url)
    assert result.exit_code == 0, result.output
    after = count(url)
    assert values(url, GKD + "example-minister", GK + "attended") == [
        ox.NamedNode(GKD + "example-summit-2024")
    ]
    assert_validates(cli, url)
    again = run(cli, "import", EXAMPLE, "--store", url)
    assert again.exit_code == 0 and "Nothing to change" in again.output
    assert count(url) == after
    # an updated row updates, in one request
    folder = tmp_path / "edited"
    shutil.copytree(EXAMPLE, folder)
    entities = folder / "entities.csv"
    entities.write_text(entities.read_text().replace("Example Cyber Agency", "Example Cyber Bureau"))
    assert run(cli, "import", folder, "--store", url).exit_code == 0
    labels = values(url, GKD + "example-agency", "http://www.w3.org/2000/01/rdf-schema#label")
    assert [v.value for v in labels] == ["Example Cyber Bureau"]
    bad = write(tmp_path / "bad", entities=HEADERS["entities"] + "\nx,X,Nonsense,,,,\n")
    assert run(cli, "import", bad, "--store", url).exit_code == 1
    assert count(url) == after


# -- re-import, updates, dry runs -----------------------------------------------------------


def test_reimport_is_idempotent(cli, tmp_path):
    store = tmp_path / "kg"
    assert run(cli, "import", EXAMPLE, "--store", store).exit_code == 0
    first = triples(store)
    again = run(cli, "import", EXAMPLE, "--store", store)
    assert again.exit_code == 0 and "Nothing to change" in again.output
    assert triples(store) == first
    labels = values(store, GKD + "example-cloud", "http://www.w3.org/2000/01/rdf-schema#label")
    assert len(labels) == 1


def test_updated_rows_replace_their_old_values(cli, tmp_path):
    store = ontology_store(tmp_path / "kg")
    folder = good_files(tmp_path / "csv")
    assert run(cli, "import", folder, "--store", store).exit_code == 0
    write(
        folder,
        entities=HEADERS["entities"]
        + "\nacme,Acme Renamed Ltd,GovernmentAgency,Acme,,,EXAMPLE DATA: now an agency"
        + "\nexample-ministry,Example Ministry,GovernmentDepartment,,,,EXAMPLE DATA\n",
        relationships=HEADERS["relationships"]
        + "\nexample-ministry,partnerOf,acme,2024-10,,,,EXAMPLE DATA: edited,,gazette,\n",
        sources=HEADERS["sources"] + "\n" + SOURCE_ROW.replace("Example report", "Edited title") + "\n",
    )
    dry = run(cli, "import", folder, "--store", store, "--dry-run", "--format", "json")
    report = json.loads(dry.output)
    assert report["changes"]["entities"] == {
        "new": [],
        "updated": ["acme"],
        "unchanged": ["example-ministry"],
    }
    result = run(cli, "import", folder, "--store", store)
    assert result.exit_code == 0, result.output
    acme = GKD + "acme"
    rdfs, skos = "http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2004/02/skos/core#"
    assert [v.value for v in values(store, acme, rdfs + "label")] == ["Acme Renamed Ltd"]
    assert [v.value for v in values(store, acme, skos + "altLabel")] == ["Acme"]
    assert values(store, acme, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == [
        ox.NamedNode(GK + "GovernmentAgency")
    ]
    assert values(store, acme, "http://www.w3.org/2002/07/owl#sameAs") == []
    rel = GKD + "rel/example-ministry-partner-of-acme-2024-10"
    assert [v.value for v in values(store, rel, "http://purl.org/dc/terms/description")] == [
        "EXAMPLE DATA: edited"
    ]
    assert values(store, rel, GK + "quote") == [] and values(store, rel, GK + "dateApproximate") == []
    title = values(store, GKD + "source/gazette", "http://purl.org/dc/terms/title")
    assert [v.value for v in title] == ["Edited title (EXAMPLE DATA)"]
    # the entity row did not take its relationships away
    assert values(store, GKD + "example-ministry", GK + "partnerOf") == [ox.NamedNode(acme)]
    assert_validates(cli, store)


def test_relationship_with_its_own_id_moves_its_direct_triple(cli, tmp_path):
    store = ontology_store(tmp_path / "kg")
    folder = good_files(tmp_path / "csv")
    header = HEADERS["relationships"] + ",id"
    row = "example-ministry,{rel},acme,,,,,EXAMPLE DATA,,gazette,,my-link"
    write(folder, relationships=f"{header}\n{row.format(rel='partnerOf')}\n")
    assert run(cli, "import", folder, "--store", store).exit_code == 0
    write(folder, relationships=f"{header}\n{row.format(rel='supports')}\n")
    assert run(cli, "import", folder, "--store", store).exit_code == 0
    ministry = GKD + "example-ministry"
    assert values(store, ministry, GK + "partnerOf") == []
    assert values(store, ministry, GK + "supports") == [ox.NamedNode(GKD + "acme")]
    assert_validates(cli, store)


def test_dry_run_writes_nothing(cli, tmp_path):
    new = tmp_path / "new-store"
    result = run(cli, "import", EXAMPLE, "--store", new, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output and "new entities: exampleland" in result.output
    assert not new.exists()
    assert not list(tmp_path.iterdir())
    store = tmp_path / "kg"
    assert run(cli, "import", EXAMPLE, "--store", store).exit_code == 0
    before = triples(store)
    edited = shutil.copytree(EXAMPLE, tmp_path / "edited")
    (edited / "entities.csv").write_text(
        (edited / "entities.csv").read_text() + "example-new,Example New,Company,,,,EXAMPLE DATA\n"
    )
    dry = run(cli, "import", edited, "--store", store, "--dry-run", "-F", "json")
    assert json.loads(dry.output)["changes"]["entities"]["new"] == ["example-new"]
    assert triples(store) == before
    # no --store: the files are checked against the bundled dataset
    assert run(cli, "import", EXAMPLE, "--dry-run").exit_code == 0


def test_read_only_stores_are_refused(cli, tmp_path, bundled_ttl):
    result = run(cli, "import", EXAMPLE)
    assert result.exit_code == 1 and "writable store" in result.output
    result = run(cli, "import", EXAMPLE, "--store", bundled_ttl)
    assert result.exit_code == 1 and "read-only" in result.output


def test_bom_crlf_quotes_and_hostile_text(cli, tmp_path):
    hostile = 'He said "no" } ; DROP ALL ; \\u0041 \\ end\nsecond line'
    quoted = '"' + hostile.replace('"', '""') + '"'
    entities = (
        HEADERS["entities"]
        + f"\r\nacme,Acme,Company,,,,{quoted}\r\nexample-ministry,Ministry,Government,,,,\r\n"
    )
    folder = write(tmp_path / "csv", relationships="", sources="")
    (folder / "entities.csv").write_bytes(b"\xef\xbb\xbf" + entities.encode("utf-8"))
    (folder / "relationships.csv").write_text(HEADERS["relationships"] + "\r\n")
    (folder / "sources.csv").write_text(HEADERS["sources"] + "\r\n")
    store = tmp_path / "kg"
    result = run(cli, "import", folder, "--store", store)
    assert result.exit_code == 0, result.output
    description = values(store, GKD + "acme", "http://purl.org/dc/terms/description")
    assert [d.value for d in description] == [hostile]


def test_a_huge_cell_is_handled(cli, tmp_path):
    big = "x" * 10_000_000
    folder = good_files(tmp_path / "csv")
    text = (folder / "entities.csv").read_text().replace("EXAMPLE DATA: a company", big)
    (folder / "entities.csv").write_text(text)
    store = tmp_path / "kg"
    result = run(cli, "import", folder, "--store", store)
    assert result.exit_code == 0, result.output
    assert len(values(store, GKD + "acme", "http://purl.org/dc/terms/description")[0].value) == 10_000_000
    (folder / "entities.csv").write_text(text.replace("Company", "Compnay"))
    before = count(store)
    bad = run(cli, "import", folder, "--store", store)
    assert bad.exit_code == 1 and "Compnay" in bad.output and len(bad.output) < 20_000
    (folder / "entities.csv").write_text(text.replace("Q4115189", big))
    bad = run(cli, "import", folder, "--store", store)
    assert bad.exit_code == 1 and "10,000,000 characters" in bad.output and len(bad.output) < 20_000
    assert count(store) == before


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
    original = apply_module.build_update
    failing = " ;\nCREATE GRAPH <urn:graphkit-test:g> ;\nCREATE GRAPH <urn:graphkit-test:g>"
    monkeypatch.setattr(apply_module, "build_update", lambda *a: original(*a) + failing)
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
    assert run(cli, "import", folder, "--store", new).exit_code == 1
    assert not new.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


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

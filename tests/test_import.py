"""CSV import: the happy path, idempotence, updates and dry runs."""

from __future__ import annotations

import json
import shutil

import pyoxigraph as ox
from csv_helpers import (
    EXAMPLE,
    HEADERS,
    ONTOLOGY,
    SOURCE_ROW,
    assert_validates,
    count,
    good_files,
    ontology_store,
    run,
    triples,
    values,
    write,
)

import graphkit
from graphkit.importer import OPTIONAL, REQUIRED
from graphkit.limits import MAX_LITERAL_BYTES
from graphkit.vocab import GK, GKD, XSD, data_dir

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
    big = "x" * MAX_LITERAL_BYTES  # the largest literal accepted
    folder = good_files(tmp_path / "csv")
    text = (folder / "entities.csv").read_text().replace("EXAMPLE DATA: a company", big)
    (folder / "entities.csv").write_text(text)
    store = tmp_path / "kg"
    result = run(cli, "import", folder, "--store", store)
    assert result.exit_code == 0, result.output
    assert (
        len(values(store, GKD + "acme", "http://purl.org/dc/terms/description")[0].value) == MAX_LITERAL_BYTES
    )
    (folder / "entities.csv").write_text(text.replace("Company", "Compnay"))
    before = count(store)
    bad = run(cli, "import", folder, "--store", store)
    assert bad.exit_code == 1 and "Compnay" in bad.output and len(bad.output) < 20_000
    (folder / "entities.csv").write_text(text.replace("Q4115189", big))
    bad = run(cli, "import", folder, "--store", store)
    assert bad.exit_code == 1 and "2,097,152 characters" in bad.output and len(bad.output) < 20_000
    assert count(store) == before

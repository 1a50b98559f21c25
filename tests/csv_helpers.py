"""Shared helpers for the CSV import tests."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner

import graphkit
from graphkit.vocab import data_dir

EXAMPLE = data_dir() / "templates" / "example"
ONTOLOGY = data_dir() / "ontology.ttl"
HEADERS = {
    "entities": "id,label,type,aliases,country,wikidata,description",
    "relationships": "subject,relation,object,date,start,end,approximate,description,quote,source,according_to",
    "sources": "id,title,publisher,url,published,approximate,type,excerpt",
}
SOURCE_ROW = "gazette,Example report (EXAMPLE DATA),Example Gazette,https://example.org/report,2024-10-15,,,"


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

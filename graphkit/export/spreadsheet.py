"""CSV export for spreadsheets: the import layout, plus node and edge tables for Gephi.

``export --format csv -o FOLDER`` writes

- ``entities.csv``, ``relationships.csv`` and ``sources.csv`` with the columns of
  the templates in ``data/templates/``, so that export, edit in a spreadsheet and
  ``graphkit import`` is a round trip;
- ``gephi-nodes.csv`` and ``gephi-edges.csv``, the tables Gephi's spreadsheet
  import reads (``Id``/``Label``; ``Source``/``Target``, Gephi's names for the
  subject and the object; the citations in ``citations``).

Every cell that a spreadsheet would run as a formula (it starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) gets a leading single quote,
OWASP's rule against CSV injection; so does a cell that starts with a single
quote, so that the importer can take exactly one quote off again
(:func:`unguard`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

import networkx as nx

from graphkit.export.flatten import scalar, sources_text
from graphkit.export.formulas import guard
from graphkit.model.graph import KnowledgeGraph
from graphkit.vocab import GKD, data_dir

_WIKIDATA = "http://www.wikidata.org/entity/"
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_SOURCE_PREFIX = GKD + "source/"
_REL_PREFIX = GKD + "rel/"

#: The files :func:`write_spreadsheets` writes (an export into a folder replaces only these).
FILES = ("entities.csv", "relationships.csv", "sources.csv", "gephi-nodes.csv", "gephi-edges.csv")

GEPHI_NODE_COLUMNS = ["Id", "Label", "type", "types", "aliases", "description"]
GEPHI_EDGE_COLUMNS = [
    "Id",
    "Source",
    "Target",
    "Label",
    "Type",
    "relation",
    "relation_iri",
    "subject_label",
    "object_label",
    "date",
    "start",
    "end",
    "date_approximate",
    "description",
    "quote",
    "grounds",
    "citations",
    "citation_count",
]


def template_columns(kind: str) -> list[str]:
    """The columns of ``data/templates/KIND.csv`` (entities, relationships or sources).

    >>> template_columns("sources")[:3]
    ['id', 'title', 'publisher']
    """
    path = data_dir() / "templates" / f"{kind}.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh))


class _Ids:
    """Import ids for IRIs: the IRI's own slug when it has one, else one made from the label."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.given: dict[str, str] = {}
        self.used: set[str] = set()

    def native(self, iri: str) -> str:
        slug = iri[len(self.prefix) :] if iri.startswith(self.prefix) else ""
        return slug if _ID.match(slug) and "/" not in slug else ""

    def reserve(self, iris: Iterable[str]) -> None:
        """Give the IRIs that have a slug of their own their slug first, so no made-up id takes it."""
        for iri in iris:
            slug = self.native(iri)
            if slug:
                self.given[iri] = slug
                self.used.add(slug)

    def __call__(self, iri: str, label: str | None = None) -> str:
        if iri in self.given:
            return self.given[iri]
        slug = self.native(iri)
        if not slug:
            base = re.sub(r"[^a-z0-9._-]+", "-", (label or iri).lower()).strip("-._") or "item"
            slug, n = base, 1
            while slug in self.used:
                n += 1
                slug = f"{base}-{n}"
        self.given[iri] = slug
        self.used.add(slug)
        return slug


def _cell(value: object) -> str:
    if type(value) is str:  # most cells: no conversion to make
        return guard(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return guard(scalar(value))


def _write(path: Path, columns: list[str], rows: Iterable[list]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(cell) for cell in row])


_SOURCES = """
SELECT ?s ?type ?approximate ?excerpt WHERE {
  VALUES ?kind { gk:Source gk:NewsReport }
  ?s a ?kind .
  OPTIONAL { ?s a ?type . FILTER(?type = gk:NewsReport) }
  OPTIONAL { ?s gk:dateApproximate ?approximate }
  OPTIONAL { ?s gk:quote ?excerpt }
}"""
_SAME_AS = f"""
SELECT ?e ?w WHERE {{ ?e owl:sameAs ?w . FILTER(STRSTARTS(STR(?w), "{_WIKIDATA}")) }}"""


def store_details(kg: KnowledgeGraph) -> dict[str, dict]:
    """What the projection leaves out and the import layout has: a source's type,
    approximate flag and excerpt; an entity's Wikidata id. Keyed by IRI.

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     store_details(kg)[GKD + "source/rnz-2025-03-spy-agency-minister"]["type"]
    'NewsReport'
    """
    details: dict[str, dict] = {}
    for row in kg.query(_SOURCES):
        entry = details.setdefault(row["s"].value, {"type": "Source"})
        if row["type"] is not None:
            entry["type"] = "NewsReport"
        if row["approximate"] is not None and row["approximate"].value in ("true", "1"):
            entry["approximate"] = True
        if row["excerpt"] is not None:
            entry["excerpt"] = row["excerpt"].value
    for row in kg.query(_SAME_AS):
        details.setdefault(row["e"].value, {})["wikidata"] = row["w"].value[len(_WIKIDATA) :]
    return details


def _text(value: object) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "true"
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return str(value)


def write_spreadsheets(graph: nx.MultiDiGraph, folder: Path, details: dict[str, dict]) -> None:
    """Write the import layout and the Gephi tables of ``graph`` into ``folder``.

    ``details`` is :func:`store_details`: what the projection does not carry.
    """
    entity_id, source_id = _Ids(GKD), _Ids(_SOURCE_PREFIX)
    entity_id.reserve(graph.nodes)
    source_id.reserve(s.get("iri") or "" for _, _, d in graph.edges(data=True) for s in d.get("sources", []))
    for node, data in sorted(graph.nodes(data=True)):
        entity_id(node, data.get("label"))
    columns = template_columns("entities")
    rows = []
    for node, data in sorted(graph.nodes(data=True)):
        cells = {
            "id": entity_id(node),
            "label": data.get("label"),
            "type": (data.get("type_iri") or "").rsplit("#", 1)[-1] or data.get("type"),
            "aliases": _text(data.get("aliases")),
            "wikidata": details.get(node, {}).get("wikidata"),
            "description": data.get("description"),
        }
        rows.append([cells.get(c) for c in columns])
    _write(folder / "entities.csv", columns, rows)

    sources: dict[str, dict] = {}
    columns = template_columns("relationships")
    rows = []
    for u, v, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[2]):
        cited = []
        for source in data.get("sources", []):
            iri = source.get("iri") or ""
            sources.setdefault(iri, source)
            cited.append(source_id(iri, source.get("title")))
        rel = key[len(_REL_PREFIX) :] if key.startswith(_REL_PREFIX) else ""
        cells = {
            "subject": entity_id(u),
            "relation": data.get("relation_name"),
            "object": entity_id(v),
            "date": data.get("date"),
            "start": data.get("start"),
            "end": data.get("end"),
            "approximate": _text(data.get("date_approximate")),
            "description": data.get("description"),
            "quote": data.get("quote"),
            "source": ";".join(cited),
            "according_to": ";".join(entity_id(a) for a in data.get("according_to") or []),
            "grounds": data.get("grounds"),
            "id": rel if _ID.match(rel) else "",
        }
        rows.append([cells.get(c) for c in columns])
    _write(folder / "relationships.csv", columns, rows)

    columns = template_columns("sources")
    rows = []
    for iri, source in sorted(sources.items(), key=lambda item: source_id(item[0])):
        extra = details.get(iri, {})
        cells = {
            "id": source_id(iri),
            "title": source.get("title"),
            "publisher": source.get("publisher"),
            "url": source.get("url"),
            "published": source.get("date"),
            "approximate": _text(extra.get("approximate")),
            "type": extra.get("type"),
            "excerpt": extra.get("excerpt"),
        }
        rows.append([cells.get(c) for c in columns])
    _write(folder / "sources.csv", columns, rows)
    write_gephi_tables(graph, folder)


def write_gephi_tables(graph: nx.MultiDiGraph, folder: Path) -> None:
    """``gephi-nodes.csv`` and ``gephi-edges.csv``: one row per entity and per relationship."""
    extra = sorted({k for _, data in graph.nodes(data=True) for k in data} - {"label", *GEPHI_NODE_COLUMNS})
    extra = [k for k in extra if k != "type_iri"]
    rows = [
        [node, *(data.get(c) for c in ["label", *GEPHI_NODE_COLUMNS[2:], *extra])]
        for node, data in sorted(graph.nodes(data=True))
    ]
    _write(folder / "gephi-nodes.csv", [*GEPHI_NODE_COLUMNS, *extra], rows)
    rows = []
    for u, v, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[2]):
        sources = data.get("sources", [])
        rows.append(
            [
                key,
                u,
                v,
                data.get("relation"),
                "Directed",
                data.get("relation_name"),
                data.get("relation_iri"),
                graph.nodes[u].get("label"),
                graph.nodes[v].get("label"),
                data.get("date"),
                data.get("start"),
                data.get("end"),
                data.get("date_approximate"),
                data.get("description"),
                data.get("quote"),
                data.get("grounds"),
                sources_text(sources),
                len(sources),
            ]
        )
    _write(folder / "gephi-edges.csv", GEPHI_EDGE_COLUMNS, rows)

"""FollowTheMoney export: entities and relationships as FtM entities, one JSON object a line.

Entities take the FtM schema of their class (``[export]`` in
``data/ftm_mapping.toml``); a class FtM lacks goes into ``keywords`` as
``graphkit:Class`` so that the import gives it back. Relationships whose
relation is the target of an FtM interval schema (``memberOf`` ->
Membership...) use that schema; every other relation becomes an
``UnknownLink`` whose ``role`` is the relation's label. Sources become
FtM Documents (with ``graphkit:Source`` in ``keywords``) that each
relationship names in ``proof``, and also its ``sourceUrl`` and
``publisher`` for readers that look only there. Every value is cleaned by the
``followthemoney`` library, and the same graph always gives the same file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

import networkx as nx

from graphkit.importer.ftm_mapping import CLASS_KEYWORD, ftm_id, load_mapping, require_ftm
from graphkit.importer.to_rdf import FTM_SCHEMA, IDENTIFIER, REL_PREFIX, SAME_AS, SOURCE_PREFIX, WIKIDATA
from graphkit.model.graph import KnowledgeGraph
from graphkit.model.schema import SOURCE, local_name
from graphkit.vocab import GK, GKD, RDFS

_EXTRA = (IDENTIFIER, FTM_SCHEMA, GK + "amount", GK + "currency", SAME_AS)
_QUERY = "SELECT ?x ?p ?o WHERE { VALUES ?p { " + " ".join(f"<{p}>" for p in _EXTRA) + " } ?x ?p ?o }"


def _id(iri: str) -> str:
    """The FtM id of a graphkit IRI.

    >>> _id("https://w3id.org/graphkit/id/aws"), _id("https://w3id.org/graphkit/id/rel/a-b")
    ('aws', 'a-b')
    """
    for prefix in (REL_PREFIX, GKD):
        if iri.startswith(prefix) and "/" not in iri[len(prefix) :]:
            return ftm_id(iri[len(prefix) :])
    return ftm_id(iri)


def source_ftm_id(iri: str) -> str:
    """The FtM id of a source: ``source-`` and its id.

    >>> source_ftm_id("https://w3id.org/graphkit/id/source/rnz-2025")
    'source-rnz-2025'
    """
    if iri.startswith(SOURCE_PREFIX) and "/" not in iri[len(SOURCE_PREFIX) :]:
        return ftm_id("source-" + iri[len(SOURCE_PREFIX) :])
    return ftm_id("source " + iri)


def _extras(kg: KnowledgeGraph) -> dict[str, dict[str, list[str]]]:
    """Identifiers, FtM schemata, amounts, currencies and Wikidata links, by subject IRI."""
    found: dict[str, dict[str, list[str]]] = {}
    for row in kg.query(_QUERY):
        found.setdefault(row["x"].value, {}).setdefault(row["p"].value, []).append(row["o"].value)
    return found


class _Writer:
    def __init__(self, kg: KnowledgeGraph, graph: nx.MultiDiGraph):
        self.model = require_ftm()
        self.mapping = load_mapping()
        self.schema = kg.schema
        self.extras = _extras(kg)
        self.extras_types = {
            row["s"].value: row["t"].value
            for row in kg.query(f"SELECT ?s ?t WHERE {{ ?s a ?t . ?t <{RDFS}subClassOf>* <{SOURCE}> }}")
        }
        self.graph = graph
        self.reverse = {
            rule.relation: name
            for name, rule in sorted(self.mapping.intervals.items())
            if name != "UnknownLink"
        }

    def clean(self, schema: Any, raw: dict[str, Iterable[str | None]]) -> dict[str, list[str]]:
        """Values cleaned by the library; properties the schema lacks are left out."""
        props: dict[str, list[str]] = {}
        for name, values in raw.items():
            prop = schema.get(name)
            if prop is None:
                continue
            cleaned = [prop.type.clean(v) for v in values if v]
            cleaned = [c for c in dict.fromkeys(cleaned) if c]
            if cleaned:
                props[name] = sorted(cleaned) if name != "name" else cleaned
        return props

    def node(self, iri: str, data: dict[str, Any]) -> dict[str, Any]:
        extra = self.extras.get(iri, {})
        schema_name, keep_class = self.mapping.export_schema(self.schema, data.get("type_iri"))
        annotated = extra.get(FTM_SCHEMA, [])
        if annotated and self.model.get(annotated[0]) and self.model.get(annotated[0]).is_a("Thing"):
            schema_name, keep_class = annotated[0], False
        schema = self.model.get(schema_name)
        raw: dict[str, list[str]] = {
            "name": [data.get("label") or _id(iri)],
            "alias": list(data.get("aliases") or []),
            "description": [data.get("description") or ""],
            "wikidataId": [w[len(WIKIDATA) :] for w in extra.get(SAME_AS, []) if w.startswith(WIKIDATA)],
        }
        if keep_class and data.get("type_iri"):
            raw["keywords"] = [CLASS_KEYWORD + local_name(data["type_iri"])]
        for identifier in extra.get(IDENTIFIER, []):
            prop, _, value = identifier.partition(":")
            raw.setdefault(prop, []).append(value)
        return {"id": _id(iri), "schema": schema.name, "properties": self.clean(schema, raw)}

    def edge(self, u: str, v: str, key: str, data: dict[str, Any], taken: set[str]) -> dict[str, Any]:
        relation = data.get("relation_iri", "")
        name = self.reverse.get(relation, "UnknownLink")
        rule = self.mapping.intervals[name]
        schema = self.model.get(name)
        statement = data.get("statement") or ""
        extra = self.extras.get(statement, {})
        sources = data.get("sources") or []
        raw: dict[str, list[str | None]] = {
            rule.subject: [_id(u)],
            rule.object: [_id(v)],
            "date": [data.get("date")],
            "startDate": [data.get("start")],
            "endDate": [data.get("end")],
            "description": [data.get("description")],
            "sourceUrl": [s.get("url") for s in sources],
            "publisher": [s.get("publisher") for s in sources],
            "proof": [source_ftm_id(s["iri"]) for s in sources],
            "amount": list(extra.get(GK + "amount", [])),
            "currency": list(extra.get(GK + "currency", [])),
        }
        if name == "UnknownLink":
            raw["role"] = [data.get("relation") or self.schema.relation_label(relation)]
        id_ = _id(statement) if statement else ftm_id(f"{u} {relation} {v}")  # a digest: stable
        if id_ in taken:
            id_ = ftm_id(f"rel-{id_}")
        return {"id": id_, "schema": schema.name, "properties": self.clean(schema, raw)}

    def sources(self) -> Iterator[dict[str, Any]]:
        """Each source as an FtM Document (title, publication date, address, publisher)."""
        found: dict[str, dict] = {}
        for _, _, data in self.graph.edges(data=True):
            for source in data.get("sources") or []:
                found.setdefault(source["iri"], source)
        types = dict(self.extras_types)
        schema = self.model.get("Document")
        for iri in sorted(found):
            source = found[iri]
            raw = {
                "title": [source.get("title")],
                "name": [source.get("title")],
                "publishedAt": [source.get("date")],
                "sourceUrl": [source.get("url")],
                "publisher": [source.get("publisher")],
                "keywords": [CLASS_KEYWORD + local_name(types.get(iri, SOURCE))],
            }
            yield {"id": source_ftm_id(iri), "schema": "Document", "properties": self.clean(schema, raw)}

    def entities(self) -> Iterator[dict[str, Any]]:
        taken: set[str] = set()
        yield from self.sources()
        for iri in sorted(self.graph.nodes):
            entity = self.node(iri, self.graph.nodes[iri])
            taken.add(entity["id"])
            yield entity
        edges = sorted(self.graph.edges(keys=True, data=True), key=lambda e: (str(e[2]), e[0], e[1]))
        for u, v, key, data in edges:
            yield self.edge(u, v, key, data, taken)


def write_ftm(kg: KnowledgeGraph, graph: nx.MultiDiGraph, out: TextIO) -> int:
    """Write the projected ``graph`` (with details from ``kg``) as FtM JSON lines; the count.

    >>> import graphkit, io
    >>> kg = graphkit.open(); buf = io.StringIO()
    >>> write_ftm(kg, graphkit.project(kg), buf) > 100
    True
    """
    count = 0
    for entity in _Writer(kg, graph).entities():
        out.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count

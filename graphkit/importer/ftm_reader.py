"""The FtM reader: FollowTheMoney entities (JSON lines or a JSON array) as records.

Thing schemata become entities, interval schemata sourced relationships,
``sourceUrl``/``publisher``/``publisherUrl`` sources, country codes ``basedIn``
relationships; ``data/ftm_mapping.toml`` says which class and relation each
schema becomes. The ``followthemoney`` library says which schemata and
properties exist and cleans the values. Every problem names the file, the
line, the entity id and the property.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphkit.errors import GraphkitError
from graphkit.importer.ftm_files import read_entities
from graphkit.importer.ftm_mapping import (
    CLASS_KEYWORD,
    COUNTRY,
    Mapping,
    country_entity_id,
    graphkit_id,
    load_mapping,
    require_ftm,
    source_id,
)
from graphkit.importer.ftm_values import REMEMBERED, PropertyValues
from graphkit.importer.piped import given_name
from graphkit.importer.pipeline import Pipeline
from graphkit.importer.problems import Problem
from graphkit.importer.records import EntityRecord, RelationshipRecord, SourceRecord
from graphkit.importer.to_rdf import FTM_SCHEMA, IDENTIFIER, kebab, nt_literal
from graphkit.importer.values import check_url, check_wikidata
from graphkit.model.schema import SOURCE, Schema
from graphkit.vocab import GK, XSD

_DECIMAL = re.compile(r"^-?\d+(?:\.\d+)?$")


@dataclass
class DefaultSource:
    """The source given on the command line for entities that have none."""

    id: str = ""
    title: str = ""
    url: str = ""
    publisher: str = ""
    date: str = ""

    def __bool__(self) -> bool:
        return bool(self.id or self.url)


# -- one entity -------------------------------------------------------------------


class _Reader:
    def __init__(self, path: Path, schema: Schema, pipeline: Pipeline, default: DefaultSource):
        self.model = require_ftm()
        from followthemoney.types import registry

        self.registry = registry
        self.name = given_name(path)  # a pipe's copy is named as the pipe was
        self.schema = schema
        self.pipeline = pipeline
        self.mapping: Mapping = load_mapping()
        self.default = default
        self.seen: dict[str, int] = {}
        self.values = PropertyValues(self.problem)
        self.good_urls: set[str] = set()
        self.sources: set[str] = set()
        self.unsourced: list[Problem] = []
        self.source_documents: dict[str, str] = {}  # FtM id -> source id

    def problem(self, where: Problem, message: str, prop: str | None = None, value: str | None = None):
        self.pipeline.problem(where.at(message, column=prop, value=value))

    def entity(self, number: int, data: Any) -> None:
        where = Problem(self.name, "", number, unit="line")
        if not isinstance(data, dict):
            return self.problem(where, "each entity must be a JSON object with id, schema and properties")
        ftm = data.get("id")
        if not isinstance(ftm, str) or not ftm.strip():
            return self.problem(where, "the entity has no id", "id")
        where = Problem(self.name, "", number, entity=ftm, unit="line")
        if ftm in self.seen:
            return self.problem(
                where,
                f"the id appears twice (first on line {self.seen[ftm]}); "
                "merge the fragments of an entity first (for example with 'ftm aggregate')",
            )
        self.seen[ftm] = number
        name = data.get("schema")
        schema = self.model.get(name) if isinstance(name, str) else None
        if schema is None:
            return self.problem(where, "unknown FollowTheMoney schema", "schema", str(name))
        props = self.values.properties(where, schema, data.get("properties", {}))
        if props is None:
            return
        if schema.edge:
            self.declare(ftm)
            self.interval(where, ftm, schema, props)
        elif schema.is_a("Document") and self.source_class(props):
            self.source_document(where, ftm, props)
        elif schema.is_a("Thing"):
            self.declare(ftm)
            self.thing(where, ftm, schema, props)
        else:
            self.problem(
                where,
                f"graphkit imports things and relationships; {schema.name} is neither",
                "schema",
                schema.name,
            )

    def declare(self, ftm: str) -> None:
        self.pipeline.declare("entity", graphkit_id(ftm))

    # -- sources ---------------------------------------------------------------

    def keyword_classes(self, props: dict[str, list[str]]) -> Iterator[str]:
        """The graphkit classes named in ``keywords`` (graphkit's own exports carry them)."""
        for keyword in props.get("keywords", []):
            if keyword.startswith(CLASS_KEYWORD):
                try:
                    yield self.schema.find_class(keyword[len(CLASS_KEYWORD) :])
                except GraphkitError:
                    continue

    def source_class(self, props: dict[str, list[str]]) -> str | None:
        """The graphkit source class named in ``keywords`` (graphkit's own exports)."""
        return next((c for c in self.keyword_classes(props) if SOURCE in self.schema.ancestors(c)), None)

    def source_document(self, where: Problem, ftm: str, props: dict[str, list[str]]) -> None:
        """A Document that graphkit exported for one of its sources: a source again."""
        id_ = graphkit_id(ftm[len("source-") :] if ftm.startswith("source-") else ftm)
        title = (props.get("title") or props.get("name") or [""])[0]
        publisher = "; ".join(props.get("publisher", []))
        url = (props.get("sourceUrl") or [""])[0]
        if not (title and publisher):
            return self.problem(where, "a source needs a title and a publisher", "title")
        self.pipeline.declare("source", id_)
        self.source_documents[ftm] = id_
        date = (props.get("publishedAt") or [""])[0]
        type_ = self.source_class(props) or SOURCE
        self.pipeline.source(SourceRecord(where, id_, type_, title, publisher, url, date))

    def entity_sources(self, where: Problem, props: dict[str, list[str]]) -> list[str] | None:
        """The ids of the sources an entity names, else the default; None when it has none."""
        proofs = [self.source_documents[p] for p in props.get("proof", []) if p in self.source_documents]
        if proofs:
            return proofs
        publisher = "; ".join(props.get("publisher", []))
        urls = props.get("sourceUrl", []) or props.get("publisherUrl", [])[:1]
        # FtM gives no publication date: the earliest date the data was seen stands in for it.
        seen = [d for p in ("publishedAt", "retrievedAt", "modifiedAt") for d in props.get(p, [])]
        date = min(seen) if seen else ""
        ids = []
        for url in urls:
            if url not in self.good_urls:
                try:
                    check_url(url)
                except GraphkitError as exc:
                    self.problem(where, str(exc), "sourceUrl", url)
                    continue
                if len(self.good_urls) >= REMEMBERED:
                    self.good_urls.clear()
                self.good_urls.add(url)
            host = "" if publisher else urllib.parse.urlsplit(url).netloc
            ids.append(self.source(url, publisher or host, url, date))
        if publisher and not urls:
            ids.append(self.source("", publisher, publisher, date))
        if ids:
            return ids
        if self.default.id:
            return [self.default.id]
        if self.default.url:
            return [
                self.source(self.default.url, self.default.publisher, self.default.title, self.default.date)
            ]
        return None

    def source(self, url: str, publisher: str, title: str, date: str) -> str:
        id_ = source_id(url, publisher)
        if id_ not in self.sources:
            self.sources.add(id_)
            self.pipeline.declare("source", id_)
            where = Problem(self.name, "", None, unit="line")
            record = SourceRecord(
                where, id_, SOURCE, title, publisher or title, url, date, approximate=bool(date)
            )
            self.pipeline.source(record)
        return id_

    # -- things ----------------------------------------------------------------

    def thing(self, where: Problem, ftm: str, schema: Any, props: dict[str, list[str]]) -> None:
        id_ = graphkit_id(ftm)
        class_iri, fallback = self.mapping.thing_class(schema)
        for named in self.keyword_classes(props):
            if self.schema.is_entity_class(named):
                class_iri, fallback = named, False
        names = [n for p in ["name", *self.mapping.aliases] for n in props.get(p, [])]
        label = (
            names[0]
            if names
            else self.model.get_proxy({"id": ftm, "schema": schema.name, "properties": props}).caption
        )
        if not label or label == schema.label:
            return self.problem(where, "the entity has no name", "name")
        extra = [
            (IDENTIFIER, nt_literal(f"{p}:{v}")) for p in self.mapping.identifiers for v in props.get(p, [])
        ]
        if fallback:
            extra.append((FTM_SCHEMA, nt_literal(schema.name)))
        wikidata = None
        if props.get("wikidataId"):
            try:
                wikidata = check_wikidata(props["wikidataId"][0])
            except GraphkitError as exc:
                self.problem(where, str(exc), "wikidataId", props["wikidataId"][0])
        descriptions = [d for p in self.mapping.descriptions for d in props.get(p, [])]
        self.pipeline.entity(
            EntityRecord(
                where,
                id_,
                class_iri,
                label,
                [n for n in dict.fromkeys(names) if n != label],
                "\n\n".join(dict.fromkeys(descriptions)),
                wikidata,
                extra=extra,
            )
        )
        dates = self.dates(where, props) if schema.is_a("Interval") else {}
        links = [
            (value, relation, prop)
            for prop, relation in self.mapping.links.get(schema.name, [])
            for value in props.get(prop, [])
        ]
        countries = [(c, p) for p in self.mapping.countries for c in props.get(p, [])]
        if not (links or countries):
            return
        sources = self.entity_sources(where, props)
        if sources is None:
            return self.unsourced.append(where)
        for value, relation, prop in dict.fromkeys(links):
            target = graphkit_id(value)
            self.pipeline.reference(where.at("", column=prop, value=value), "entity", target)
            self.relationship(where, id_, relation, target, sources, dates or {})
        for code in dict.fromkeys(c for c, _ in countries):
            country, country_label = country_entity_id(code)
            self.pipeline.soft_entity(EntityRecord(where, country, COUNTRY, country_label))
            rel = self.mapping.country_relation
            self.relationship(where, id_, rel, country, sources, {})

    # -- relationships -----------------------------------------------------------

    def dates(self, where: Problem, props: dict[str, list[str]]) -> dict[str, str] | None:
        starts, ends, dates = props.get("startDate", []), props.get("endDate", []), props.get("date", [])
        if starts or ends:
            found = {"start": min(starts) if starts else "", "end": max(ends) if ends else ""}
            if (
                found["start"]
                and found["end"]
                and found["end"][: len(found["start"])] < found["start"][: len(found["end"])]
            ):
                self.problem(
                    where, f"the end is before the start ({found['start']})", "endDate", found["end"]
                )
                return None
            return found
        return {"date": min(dates)} if dates else {}

    def interval(self, where: Problem, ftm: str, schema: Any, props: dict[str, list[str]]) -> None:
        rule = self.mapping.interval_rule(schema)
        relation, used = rule.relation, set()
        if schema.name == "UnknownLink" and len(props.get("role", [])) == 1:
            try:
                relation = self.schema.find_relation(props["role"][0])
                used.add("role")
            except GraphkitError:
                pass
        ends = {}
        for side in (rule.subject, rule.object):
            if not props.get(side):
                self.problem(where, f"the relationship has no {side}", side)
            ends[side] = [graphkit_id(v) for v in props.get(side, [])]
            for value, target in zip(props.get(side, []), ends[side], strict=True):
                self.pipeline.reference(where.at("", column=side, value=value), "entity", target)
        dates = self.dates(where, props)
        sources = self.entity_sources(where, props)
        if sources is None:
            self.unsourced.append(where)
        if dates is None or sources is None or not all(ends.values()):
            return
        extra = []
        if rule.fallback:
            extra.append((FTM_SCHEMA, nt_literal(schema.name)))
        extra += self.money(where, props)
        descriptions = [d for p in self.mapping.rel_descriptions if p not in used for d in props.get(p, [])]
        pairs = [(s, o) for s in ends[rule.subject] for o in ends[rule.object]]
        for n, (subject, object_) in enumerate(pairs, start=1):
            id_ = graphkit_id(ftm) if len(pairs) == 1 else f"{graphkit_id(ftm)}-{n}"
            self.relationship(
                where, subject, relation, object_, sources, dates, "; ".join(descriptions), extra, id_
            )

    def money(self, where: Problem, props: dict[str, list[str]]) -> list[tuple[str, str]]:
        extra = []
        for amount in props.get("amount", []):
            text = amount.replace(",", "").replace(" ", "")
            if _DECIMAL.match(text):
                extra.append((GK + "amount", nt_literal(text, XSD + "decimal")))
            else:
                self.problem(
                    where, "not an amount: write digits with an optional decimal point", "amount", amount
                )
        extra += [(GK + "currency", nt_literal(c.upper())) for c in props.get("currency", [])]
        return extra

    def relationship(
        self,
        where: Problem,
        subject: str,
        relation: str,
        object_: str,
        sources: list[str],
        dates: dict[str, str],
        description: str = "",
        extra: list | None = None,
        id_: str | None = None,
    ) -> None:
        if id_ is None:
            id_ = f"{subject}-{kebab(self.schema.relations[relation].name)}-{object_}"
        self.pipeline.relationship(
            RelationshipRecord(
                where,
                id_,
                subject,
                relation,
                object_,
                sources,
                dates.get("date", ""),
                dates.get("start", ""),
                dates.get("end", ""),
                description=description,
                extra=extra or [],
            )
        )

    def finish(self) -> None:
        if not self.unsourced:
            return
        first = self.unsourced[0]
        self.pipeline.problem(
            first.at(
                f"{len(self.unsourced)} entit{'y has' if len(self.unsourced) == 1 else 'ies have'} "
                "relationships but no sourceUrl or publisher (this is the first); every relationship "
                "needs a source: give --source-title and --source-url, or --source ID of a source "
                "in the store",
                column="sourceUrl",
            )
        )


def read_ftm(path: Path, schema: Schema, pipeline: Pipeline, default: DefaultSource | None = None) -> None:
    """Read an FtM file into ``pipeline``; problems go to ``pipeline.problems``."""
    reader = _Reader(path, schema, pipeline, default or DefaultSource())
    if default and default.id:
        pipeline.reference(Problem("--source", "", value=default.id), "source", default.id)
    count = 0
    for number, data, error in read_entities(path):
        if error:
            pipeline.problem(Problem(reader.name, error, number, unit="line"))
            continue
        count += 1
        reader.entity(number, data)
    if count == 0 and not pipeline.problems:
        pipeline.problem(Problem(reader.name, "the file holds no FollowTheMoney entities"))
    reader.finish()

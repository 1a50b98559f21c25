"""The CSV reader: every row of entities.csv, sources.csv and relationships.csv
checked cell by cell and handed to the :class:`~graphkit.importer.pipeline.Pipeline`
as a record.

The rows are streamed: entities first, then sources, then relationships, so
that a relationship's references are checked against every id of the files.
"""

from __future__ import annotations

from graphkit.dates import parse_period
from graphkit.errors import GraphkitError
from graphkit.importer.csv_files import Row, Table, split_list
from graphkit.importer.pipeline import Pipeline
from graphkit.importer.problems import Problem
from graphkit.importer.records import EntityRecord, RelationshipRecord, SourceRecord
from graphkit.importer.to_rdf import relationship_id
from graphkit.importer.values import check_bool, check_date, check_id, check_url, check_wikidata
from graphkit.model.schema import SOURCE, Schema
from graphkit.vocab import GK

__all__ = ["read_csv_tables"]

COUNTRY = GK + "Country"
DOCUMENT = GK + "Document"


def _split_allowed(exc: GraphkitError) -> tuple[str, str]:
    """Split a schema error into its short part and its 'Allowed: ...' list."""
    text = str(exc)
    short, sep, allowed = text.partition(" Allowed: ")
    return short, (allowed if sep else "")


# -- the checker -----------------------------------------------------------------


class _Checker:
    def __init__(self, schema: Schema, pipeline: Pipeline):
        self.schema = schema
        self.pipeline = pipeline
        self.notes = pipeline.notes
        self.found: dict[tuple[str, str], str | GraphkitError] = {}

    def problem(self, table: Table, row: Row, column: str | None, message: str, value: str | None = None):
        if value is None and column is not None:
            value = row.get(column)
        self.pipeline.problem(Problem(table.name, message, row.number, column, value))

    def required(self, table: Table, row: Row, column: str, what: str) -> str:
        value = row.get(column)
        if not value:
            self.problem(table, row, column, f"the {what} is missing", value="")
        return value

    def value(self, table: Table, row: Row, column: str, check) -> object | None:
        text = row.get(column)
        if not text:
            return None
        try:
            return check(text)
        except GraphkitError as exc:
            self.problem(table, row, column, str(exc))
            return None

    def id_cell(self, table: Table, row: Row, column: str, what: str) -> str | None:
        text = self.required(table, row, column, what)
        return self.value(table, row, column, check_id) if text else None  # type: ignore[return-value]

    def reference(self, table: Table, row: Row, column: str, kind: str, id_: str, expected=None):
        def where() -> Problem:
            return Problem(table.name, "", row.number, column, id_)

        self.pipeline.reference(where, kind, id_, expected)

    def find(self, table: Table, row: Row, column: str, finder, what: str) -> str | None:
        name = self.required(table, row, column, what)
        if not name:
            return None
        key = (what, name)
        if key not in self.found:  # the same few names on every row: look each up once
            try:
                self.found[key] = finder(name)
            except GraphkitError as exc:
                self.found[key] = exc
        try:
            result = self.found[key]
            if isinstance(result, GraphkitError):
                raise result
            return result
        except GraphkitError as exc:
            short, allowed = _split_allowed(exc)
            self.problem(table, row, column, short)
            if allowed:
                self.notes.append(f"Allowed {what}s: {allowed}")
            return None

    def entity_type(self, name: str) -> str:
        iri = self.schema.find_class(name)
        if not self.schema.is_entity_class(iri):
            raise GraphkitError(
                f"{self.schema.class_label(iri)} is not an entity type. "
                f"Allowed: {', '.join(self.schema.class_label(c) for c in self.schema.entity_classes)}"
            )
        return iri

    def source_type(self, name: str) -> str:
        allowed = sorted(self.schema.subclasses(SOURCE))
        try:
            iri = self.schema.find_class(name)
        except GraphkitError:
            iri = None
        if iri not in allowed:
            names = ", ".join(self.schema.class_label(c) for c in allowed)
            raise GraphkitError(f"unknown source type {name!r}. Allowed: {names}")
        return iri  # type: ignore[return-value]

    # -- files -------------------------------------------------------------

    def claim_id(self, table: Table, row, id_: str | None, seen: dict[str, int], kind: str) -> bool:
        """Declare a row's id to the pipeline; False (and a problem) when an earlier row has it."""
        if id_ and id_ in seen:
            self.problem(table, row, "id", f"duplicate id: row {seen[id_]} has the same id")
            return False
        if id_:
            seen[id_] = row.number
            self.pipeline.declare(kind, id_)
        return True

    def entities(self, table: Table) -> None:
        seen: dict[str, int] = {}
        for row in table.rows:
            id_ = self.id_cell(table, row, "id", "id")
            label = self.required(table, row, "label", "label (name)")
            type_ = self.find(table, row, "type", self.entity_type, "entity type")
            if not self.claim_id(table, row, id_, seen, "entity"):
                continue
            wikidata = self.value(table, row, "wikidata", check_wikidata)
            country = None
            if row.get("country"):
                country = self.value(table, row, "country", check_id)
                if country:
                    self.reference(table, row, "country", "entity", country, COUNTRY)
            if not (id_ and label and type_):
                continue
            aliases = [a for a in split_list(row.get("aliases")) if a != label]
            self.pipeline.entity(
                EntityRecord(
                    Problem(table.name, "", row.number),
                    id_,
                    type_,
                    label,
                    aliases,
                    row.get("description"),
                    wikidata,
                    country,  # type: ignore[arg-type]
                )
            )

    def sources(self, table: Table) -> None:
        seen: dict[str, int] = {}
        for row in table.rows:
            id_ = self.id_cell(table, row, "id", "id")
            title = self.required(table, row, "title", "title")
            publisher = self.required(table, row, "publisher", "publisher")
            url = self.required(table, row, "url", "web address (url)") and self.value(
                table, row, "url", check_url
            )
            published = self.required(table, row, "published", "publication date") and self.value(
                table, row, "published", check_date
            )
            type_ = (
                self.find(table, row, "type", self.source_type, "source type") if row.get("type") else SOURCE
            )
            approximate = self.value(table, row, "approximate", check_bool) or False
            if not self.claim_id(table, row, id_, seen, "source"):
                continue
            if id_ and title and publisher and url and published and type_:
                self.pipeline.source(
                    SourceRecord(
                        Problem(table.name, "", row.number),
                        id_,
                        type_,
                        title,
                        publisher,
                        url,
                        published,
                        approximate,
                        row.get("excerpt"),  # type: ignore[arg-type]
                    )
                )

    def relationships(self, table: Table) -> None:
        seen: dict[str, int] = {}
        for row in table.rows:
            ok = True
            ends: dict[str, str | None] = {}
            for column in ("subject", "object"):
                ends[column] = self.id_cell(table, row, column, f"{column} id")
                if ends[column]:
                    self.reference(table, row, column, "entity", ends[column])
                ok = ok and bool(ends[column])
            predicate = self.find(table, row, "relation", self.schema.find_relation, "relation")
            sources: list[str] = []
            if not row.get("source"):
                self.problem(
                    table,
                    row,
                    "source",
                    "every relationship needs a source: give its id from sources.csv",
                    "",
                )
                ok = False
            for source in split_list(row.get("source")):
                try:
                    sources.append(check_id(source))
                    self.reference(table, row, "source", "source", source)
                except GraphkitError as exc:
                    self.problem(table, row, "source", str(exc), source)
                    ok = False
            dates = {"date": "", "start": "", "end": ""}
            for column in dates:
                if row.get(column):  # a date given must be valid
                    dates[column] = self.value(table, row, column, check_date) or ""
                    ok = ok and bool(dates[column])
            if dates["date"] and (dates["start"] or dates["end"]):
                self.problem(table, row, "date", "give either a date or a start and end, not both")
                ok = False
            if (
                dates["start"]
                and dates["end"]
                and parse_period(dates["start"])[0] > parse_period(dates["end"])[1]
            ):
                self.problem(table, row, "end", f"the end is before the start ({dates['start']})")
                ok = False
            approximate = self.value(table, row, "approximate", check_bool) or False
            if approximate and not any(dates.values()):
                self.problem(table, row, "approximate", "'approximate' needs a date, start or end")
            according_to = row.get("according_to")
            for document in split_list(according_to):  # several ids separated by ';'
                try:
                    check_id(document)
                    self.reference(table, row, "according_to", "entity", document, DOCUMENT)
                except GraphkitError as exc:
                    self.problem(table, row, "according_to", str(exc), document)
                    ok = False
            explicit = row.get("id")
            if explicit and not self.value(table, row, "id", check_id):
                ok = False
            if not (ok and predicate):
                continue
            id_ = explicit or relationship_id(
                ends["subject"],  # type: ignore[arg-type]
                self.schema.relations[predicate].name,
                ends["object"],  # type: ignore[arg-type]
                dates["date"] or None,
                dates["start"] or None,
            )
            if id_ in seen:
                self.problem(
                    table,
                    row,
                    "id" if explicit else None,
                    f"duplicate relationship: row {seen[id_]} has the same "
                    + ("id" if explicit else "subject, relation, object and date")
                    + "; list several sources in one row separated by ';', or give each row an id",
                    explicit or None,
                )
                continue
            seen[id_] = row.number
            self.pipeline.relationship(
                RelationshipRecord(
                    Problem(table.name, "", row.number),
                    id_,
                    ends["subject"],  # type: ignore[arg-type]
                    predicate,
                    ends["object"],  # type: ignore[arg-type]
                    sources,
                    dates["date"],
                    dates["start"],
                    dates["end"],
                    approximate,  # type: ignore[arg-type]
                    row.get("description"),
                    row.get("quote"),
                    row.get("grounds"),
                    according_to,
                )
            )


def read_csv_tables(tables: dict[str, Table], schema: Schema, pipeline: Pipeline) -> None:
    """Check every row of every table, streaming, and hand the records to ``pipeline``.

    Problems of the rows, and of the files found while reading them, go to
    ``pipeline.problems``.
    """
    checker = _Checker(schema, pipeline)
    for kind in ("entities", "sources", "relationships"):
        if kind in tables:
            table = tables[kind]
            getattr(checker, kind)(table)
            for problem in table.problems:
                pipeline.problem(problem)

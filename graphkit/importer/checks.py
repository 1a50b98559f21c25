"""Checking the values of every row and turning them into records.

Nothing here touches the store except through a :class:`Lookup`, which
answers "which of these IRIs already exist, with which types" in a few
batched queries. All problems are collected and returned together.

Decisions, documented for users in README:

* A relationship may refer to entities and sources that are already in the
  store (imported earlier or loaded from Turtle), not only to rows of the
  same import.
* ``country`` on an entity writes nothing by itself: the ontology records a
  country only as the relation ``basedIn``, and every relation needs a source.
  The cell is a cross-check: the same pair must appear as a ``basedIn`` row in
  relationships.csv (or already be in the store).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from graphkit.dates import parse_period
from graphkit.errors import GraphkitError
from graphkit.importer.csv_files import Row, Table, split_list
from graphkit.importer.problems import Problem
from graphkit.importer.records import (
    EmptyStore,
    EntityRecord,
    Lookup,
    Records,
    RelationshipRecord,
    SourceRecord,
)
from graphkit.importer.to_rdf import entity_iri, relationship_id, source_iri
from graphkit.importer.values import check_bool, check_date, check_id, check_url, check_wikidata
from graphkit.model.schema import SOURCE, Schema
from graphkit.vocab import GK

__all__ = ["EmptyStore", "Lookup", "Records", "check_tables"]

COUNTRY = GK + "Country"
DOCUMENT = GK + "Document"
BASED_IN = GK + "basedIn"


def _split_allowed(exc: GraphkitError) -> tuple[str, str]:
    """Split a schema error into its short part and its 'Allowed: ...' list."""
    text = str(exc)
    short, sep, allowed = text.partition(" Allowed: ")
    return short, (allowed if sep else "")


# -- the checker -----------------------------------------------------------------


@dataclass
class _Reference:
    problem: Problem  # where the reference is, with an empty message
    kind: str  # "entity" or "source"
    id: str
    expected: str | None = None  # a class the target must belong to


class _Checker:
    def __init__(self, schema: Schema, defined: dict[str, set[str]]):
        self.schema = schema
        #: every id written in the id column of entities.csv and sources.csv, valid or not
        self.defined = defined
        #: (kind, id) of references already reported as unknown or of the wrong type
        self.bad_references: set[tuple[str, str]] = set()
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.references: list[_Reference] = []
        self.records = Records()

    def problem(self, table: Table, row: Row, column: str | None, message: str, value: str | None = None):
        if value is None and column is not None:
            value = row.get(column)
        self.problems.append(Problem(table.name, message, row.number, column, value))

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
        self.references.append(
            _Reference(Problem(table.name, "", row.number, column, id_), kind, id_, expected)
        )

    def find(self, table: Table, row: Row, column: str, finder, what: str) -> str | None:
        name = self.required(table, row, column, what)
        if not name:
            return None
        try:
            return finder(name)
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

    def entities(self, table: Table) -> None:
        seen: dict[str, int] = {}
        for row in table.rows:
            id_ = self.id_cell(table, row, "id", "id")
            label = self.required(table, row, "label", "label (name)")
            type_ = self.find(table, row, "type", self.entity_type, "entity type")
            if id_ and id_ in seen:
                self.problem(table, row, "id", f"duplicate id: row {seen[id_]} has the same id")
                continue
            if id_:
                seen[id_] = row.number
            wikidata = self.value(table, row, "wikidata", check_wikidata)
            country = None
            if row.get("country"):
                country = self.value(table, row, "country", check_id)
                if country:
                    self.reference(table, row, "country", "entity", country, COUNTRY)
            if not (id_ and label and type_):
                continue
            aliases = [a for a in split_list(row.get("aliases")) if a != label]
            self.records.entities.append(
                EntityRecord(
                    row,
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
            if id_ and id_ in seen:
                self.problem(table, row, "id", f"duplicate id: row {seen[id_]} has the same id")
                continue
            if id_:
                seen[id_] = row.number
            if id_ and title and publisher and url and published and type_:
                self.records.sources.append(
                    SourceRecord(
                        row,
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
            dates = {c: self.value(table, row, c, check_date) or "" for c in ("date", "start", "end")}
            ok = ok and all(bool(dates[c]) == bool(row.get(c)) for c in dates)
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
            if according_to:
                if self.value(table, row, "according_to", check_id):
                    self.reference(table, row, "according_to", "entity", according_to, DOCUMENT)
                else:
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
            self.records.relationships.append(
                RelationshipRecord(
                    row,
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

    # -- references across files and into the store ------------------------

    def resolve_references(self, lookup: Lookup, unreadable: set[str]) -> None:
        """Report references to ids that are neither in the files nor in the store."""
        valid = {
            "entity": {e.id: {e.type} for e in self.records.entities},
            "source": {s.id: {s.type} for s in self.records.sources},
        }
        iri = {"entity": entity_iri, "source": source_iri}
        file = {"entity": "entities", "source": "sources"}

        def skipped(ref: _Reference) -> bool:
            # A row that failed its own checks, or a file that could not be read,
            # has been reported already: do not report every reference to it too.
            return ref.id in self.defined[file[ref.kind]] or file[ref.kind] in unreadable

        pending = [r for r in self.references if r.id not in valid[r.kind] and not skipped(r)]
        in_store = lookup.types_of({iri[r.kind](r.id) for r in pending}) if pending else {}
        for ref in self.references:
            if ref.id in valid[ref.kind]:
                types = valid[ref.kind][ref.id]
            elif skipped(ref):
                continue
            else:
                types = in_store.get(iri[ref.kind](ref.id), set())
            expected = ref.expected or (SOURCE if ref.kind == "source" else None)
            message = self._reference_problem(types, ref.kind, f"{file[ref.kind]}.csv", expected)
            if message:
                p = ref.problem
                self.problems.append(Problem(p.file, message, p.row, p.column, p.value))
                self.bad_references.add((ref.kind, ref.id))

    def _reference_problem(self, types: set[str], what: str, file: str, expected: str | None) -> str:
        if not types:
            return f"unknown {what} id: it is neither in {file} nor in the store"
        if any(self._is_a(t, expected) for t in types):
            return ""
        wanted = self.schema.class_label(expected) if expected else "entity"
        found = ", ".join(sorted(self.schema.class_label(t) for t in types))
        return f"this {what} is a {found}, not a {wanted}"

    def _is_a(self, type_iri: str, expected: str | None) -> bool:
        if expected is None:
            return self.schema.is_entity_class(type_iri)
        return expected in self.schema.ancestors(type_iri)

    def check_countries(self, lookup: Lookup, file: str) -> None:
        """A country cell needs the same pair as a sourced basedIn relationship."""
        pairs = {(r.subject, r.object) for r in self.records.relationships if r.predicate == BASED_IN}
        pending = [
            e
            for e in self.records.entities
            if e.country
            and (e.id, e.country) not in pairs
            and ("entity", e.country) not in self.bad_references
        ]
        edges = {(entity_iri(e.id), BASED_IN, entity_iri(e.country or "")) for e in pending}
        present = lookup.existing_edges(edges) if edges else set()
        for entity in pending:
            if (entity_iri(entity.id), BASED_IN, entity_iri(entity.country or "")) in present:
                continue
            self.problems.append(
                Problem(
                    file,
                    "a country is stored only as a sourced 'basedIn' relationship: add the row "
                    f"'{entity.id},basedIn,{entity.country},...,<source id>' to relationships.csv",
                    entity.row.number,
                    "country",
                    entity.country,
                )
            )


def check_tables(
    tables: dict[str, Table], schema: Schema, lookup: Lookup, unreadable: Collection[str] = ()
) -> tuple[Records, list[Problem], list[str]]:
    """Check every row of every table; return the records, the problems and notes.

    ``unreadable`` names the kinds whose file exists but could not be read:
    references into them are not reported (their own problems already are).
    """
    defined = {
        kind: {row.get("id") for row in tables[kind].rows if row.get("id")} if kind in tables else set()
        for kind in ("entities", "sources")
    }
    checker = _Checker(schema, defined)
    if "entities" in tables:
        checker.entities(tables["entities"])
    if "sources" in tables:
        checker.sources(tables["sources"])
    if "relationships" in tables:
        checker.relationships(tables["relationships"])
    checker.resolve_references(lookup, set(unreadable))
    if "entities" in tables:
        checker.check_countries(lookup, tables["entities"].name)
    return checker.records, checker.problems, checker.notes

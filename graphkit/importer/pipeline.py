"""The checks and the plan that every reader (CSV, FtM) feeds, streaming.

A reader turns its input into records and hands them over one at a time.
The pipeline

* checks references across the input and into the store (an entity, a
  source, a country or a document that a record names must exist, in the
  input or in the store, and be of the right class);
* compares each record with what the store holds (new, updated, unchanged),
  in batches of a thousand, with a few queries per batch;
* writes the triples to insert into a spool file of N-Triples (or hands
  them to a ``sink``: the bulk loader of a store being created), so that
  memory stays bounded whatever the size of the input.

Nothing is written to the store here: :func:`graphkit.importer.apply.write_plan`
does that, once, from the :class:`Plan`. The plan (its spool of triples and
what it deletes) is complete before anything is written, for a caller that
wants to look at it first.

Decisions, documented for users in README:

* A relationship may refer to entities and sources that are already in the
  store (imported earlier or loaded from Turtle), not only to records of the
  same import.
* ``country`` on a CSV entity writes nothing by itself: the ontology records a
  country only as the relation ``basedIn``, and every relation needs a source.
  The cell is a cross-check: the same pair must appear as a ``basedIn``
  relationship in the input (or already be in the store).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from graphkit.importer.problems import Problem
from graphkit.importer.records import EntityRecord, Lookup, RelationshipRecord, SourceRecord
from graphkit.importer.to_rdf import (
    Pairs,
    entity_iri,
    entity_pairs,
    nt_iri,
    owned_by_entity,
    relationship_iri,
    relationship_pairs,
    source_iri,
    source_pairs,
)
from graphkit.model.schema import ENTITY, SOURCE, Schema
from graphkit.store.literals import canonical, canonical_nt
from graphkit.vocab import GK, RDF

#: The kinds of record, in the order they are reported.
KINDS = ("entities", "relationships", "sources")
BATCH = 1000
#: Characters of record values per batch, at most: a batch of long cells (2 MiB each at
#: most) is cut short, so that a batch never holds more than about this much text.
BATCH_CHARS = 16 << 20
COUNTRY = GK + "Country"
BASED_IN = GK + "basedIn"
_SUBJECT, _PREDICATE, _OBJECT = (RDF + n for n in ("subject", "predicate", "object"))
_IRI = {"entity": entity_iri, "source": source_iri}
_KIND = {"entity": "entities", "source": "sources"}


@dataclass
class _Resource:
    kind: str
    id: str
    iri: str
    pairs: Pairs
    edge: tuple[str, str, str] | None = None  # a relationship's direct triple


@dataclass
class Plan:
    """What an import would change, ready to be written in one step.

    ``spool`` holds, as N-Triples, every triple to insert; ``replace`` the
    IRIs of relationships and sources whose triples are replaced, and
    ``replace_entities`` the entities whose own triples (type, names,
    description, identifiers) are replaced; ``stale_edges`` the direct
    triples of relationships whose ends or relation changed.
    """

    spool: Path
    changes: dict[str, dict[str, list[str]]]
    replace: list[str] = field(default_factory=list)
    replace_entities: list[str] = field(default_factory=list)
    stale_edges: list[tuple[str, str, str]] = field(default_factory=list)
    triples: int = 0

    @property
    def written(self) -> bool:
        """Whether anything would change (new or updated records)."""
        return any(self.changes[k][s] for k in KINDS for s in ("new", "updated"))

    def lines(self) -> Iterator[str]:
        """The triples to insert, one N-Triples line each."""
        with self.spool.open(encoding="utf-8") as fh:
            yield from fh

    def discard(self) -> None:
        """Remove the spool file."""
        self.spool.unlink(missing_ok=True)


@dataclass
class _Reference:
    where: Problem
    kind: str  # "entity" or "source"
    id: str
    expected: str | None


def _located(where: Problem | Callable[[], Problem]) -> Problem:
    return where if isinstance(where, Problem) else where()


class Pipeline:
    """Shared checks, comparison with the store and spooling; see the module docstring.

    ``lookup`` is None for a store that does not exist yet (nothing to compare with).
    """

    def __init__(
        self,
        schema: Schema,
        lookup: Lookup | None,
        spool_dir: str | os.PathLike | None = None,
        sink: Callable[[str, int], None] | None = None,
    ):
        self.schema = schema
        #: where the triples to insert go, as (N-Triples text, number of triples): the spool by default
        self.sink = sink
        self.lookup = lookup
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        #: ids named by the input, valid or not (references to a bad record are not reported twice)
        self.defined: dict[str, set[str]] = {"entity": set(), "source": set()}
        #: types of the valid records of the input, by id
        self.valid: dict[str, dict[str, str]] = {"entity": {}, "source": {}}
        self.unreadable: set[str] = set()  # kinds whose input could not be read at all
        self.bad_references: set[tuple[str, str]] = set()
        self._pending: list[_Reference] = []
        self._countries: list[tuple[Problem, str, str]] = []
        self._based_in: set[tuple[str, str]] = set()
        self._soft: dict[str, EntityRecord] = {}
        self._batch: list[_Resource] = []
        self._batch_chars = 0
        self._is_a_cache: dict[tuple[str, str | None], bool] = {}
        fd, name = tempfile.mkstemp(prefix=".graphkit-import-", suffix=".nt", dir=spool_dir)
        self._out = os.fdopen(fd, "w", encoding="utf-8")
        self.plan = Plan(Path(name), {k: {"new": [], "updated": [], "unchanged": []} for k in KINDS})

    # -- what readers call -------------------------------------------------------

    def problem(self, problem: Problem) -> None:
        self.problems.append(problem)

    def declare(self, kind: str, id_: str) -> None:
        """An id the input names for an entity or source, even if its record is bad."""
        self.defined[kind].add(id_)

    def entity(self, record: EntityRecord) -> None:
        self.valid["entity"][record.id] = record.type
        if record.country:
            self._countries.append((record.where, record.id, record.country))
        self._add(_Resource("entities", record.id, entity_iri(record.id), entity_pairs(record)))

    def soft_entity(self, record: EntityRecord) -> None:
        """An entity written only when neither the input nor the store has it (a country)."""
        if record.id not in self._soft:
            self._soft[record.id] = record

    def source(self, record: SourceRecord) -> None:
        self.valid["source"][record.id] = record.type
        self._add(_Resource("sources", record.id, source_iri(record.id), source_pairs(record)))

    def relationship(self, record: RelationshipRecord) -> None:
        edge, pairs = relationship_pairs(record)
        if record.predicate == BASED_IN:
            self._based_in.add((record.subject, record.object))
        self._add(_Resource("relationships", record.id, relationship_iri(record.id), pairs, edge))

    def reference(
        self, where: Problem | Callable[[], Problem], kind: str, id_: str, expected: str | None = None
    ) -> None:
        """``where`` names an entity or source ``id_`` (of class ``expected``, when given).

        ``where`` may be a function that makes the location: it is called
        only when the reference needs to be remembered or reported.
        """
        expected = expected or (SOURCE if kind == "source" else None)
        if id_ in self.valid[kind]:
            found = self.valid[kind][id_]
            if not self._is_a(found, expected):
                self._check_type(_Reference(_located(where), kind, id_, expected), {found})
        elif id_ not in self.defined[kind] and id_ not in self._soft:
            self._pending.append(_Reference(_located(where), kind, id_, expected))

    # -- the end -----------------------------------------------------------------

    def finish(self) -> Plan:
        """Resolve what is pending; the plan (its problems are in ``self.problems``)."""
        self._resolve_references()
        self._check_countries()
        if not self.problems:
            self._add_soft_entities()
            self._flush()
        self._out.close()
        return self.plan

    def close(self) -> None:
        """Remove the spool (call when the plan is written or dropped)."""
        self._out.close()
        self.plan.discard()

    def _resolve_references(self) -> None:
        pending = []
        for ref in self._pending:
            if ref.id in self.valid[ref.kind]:
                self._check_type(ref, {self.valid[ref.kind][ref.id]})
            elif ref.id in self._soft and ref.kind == "entity":
                self._check_type(ref, {self._soft[ref.id].type})
            elif ref.id not in self.defined[ref.kind] and _KIND[ref.kind] not in self.unreadable:
                pending.append(ref)
        self._pending = []
        iris = {_IRI[r.kind](r.id) for r in pending}
        in_store = self.lookup.types_of(iris) if pending and self.lookup else {}
        for ref in pending:
            self._check_type(ref, in_store.get(_IRI[ref.kind](ref.id), set()))

    def _check_type(self, ref: _Reference, types: set[str]) -> None:
        file = f"{_KIND[ref.kind]}.csv" if ref.where.unit == "row" else "the file"
        if not types:
            message = f"unknown {ref.kind} id: it is neither in {file} nor in the store"
        elif any(self._is_a(t, ref.expected) for t in types):
            return
        else:
            wanted = self.schema.class_label(ref.expected) if ref.expected else "entity"
            found = ", ".join(sorted(self.schema.class_label(t) for t in types))
            message = f"this {ref.kind} is a {found}, not a {wanted}"
        self.problems.append(ref.where.at(message))
        self.bad_references.add((ref.kind, ref.id))

    def _is_a(self, type_iri: str, expected: str | None) -> bool:
        key = (type_iri, expected)
        if key not in self._is_a_cache:  # a few classes, asked about on every record
            ancestors = self.schema.ancestors(type_iri)
            self._is_a_cache[key] = (expected or ENTITY) in ancestors
        return self._is_a_cache[key]

    def _check_countries(self) -> None:
        """A CSV country cell needs the same pair as a sourced basedIn relationship."""
        pending = [
            (where, entity, country)
            for where, entity, country in self._countries
            if (entity, country) not in self._based_in and ("entity", country) not in self.bad_references
        ]
        edges = {(entity_iri(e), BASED_IN, entity_iri(c)) for _, e, c in pending}
        present = self.lookup.existing_edges(edges) if edges and self.lookup else set()
        for where, entity, country in pending:
            if (entity_iri(entity), BASED_IN, entity_iri(country)) in present:
                continue
            self.problems.append(
                where.at(
                    "a country is stored only as a sourced 'basedIn' relationship: add the row "
                    f"'{entity},basedIn,{country},...,<source id>' to relationships.csv",
                    column="country",
                    value=country,
                )
            )

    def _add_soft_entities(self) -> None:
        missing = [r for id_, r in self._soft.items() if id_ not in self.valid["entity"]]
        in_store = (
            self.lookup.types_of({entity_iri(r.id) for r in missing}) if missing and self.lookup else {}
        )
        for record in missing:
            if entity_iri(record.id) not in in_store:
                self.entity(record)

    # -- comparing with the store and spooling -----------------------------------

    def _add(self, resource: _Resource) -> None:
        if self.problems:
            return  # nothing will be written: stop spooling, keep checking
        self._batch.append(resource)
        self._batch_chars += sum(len(o) for _, o in resource.pairs)
        if len(self._batch) >= BATCH or self._batch_chars >= BATCH_CHARS:
            self._flush()

    def _flush(self) -> None:
        batch, self._batch, self._batch_chars = self._batch, [], 0
        if not batch:
            return
        existing = self.lookup.triples_of({r.iri for r in batch}) if self.lookup else {}
        changes, plan = self.plan.changes, self.plan
        text: list[str] = []
        count = 0
        for res in batch:
            found = existing.get(res.iri)
            # Values compared as values: an engine may answer "1" for "true"^^xsd:boolean.
            old = {(p.value, str(canonical(o))) for p, o in found} if found else set()
            if old and res.kind == "entities":
                old = {(p, o) for p, o in old if owned_by_entity(p, o)}
            if not old:  # most records of a large import: nothing to compare
                status = "new"
            else:
                new = {(p, canonical_nt(o)) for p, o in res.pairs}
                status = "unchanged" if old == new else "updated"
            changes[res.kind][status].append(res.id)
            if status == "unchanged":
                continue
            if status == "updated":
                (plan.replace_entities if res.kind == "entities" else plan.replace).append(res.iri)
                self._stale_edge(res, dict(old))
            subject = nt_iri(res.iri)
            text += [f"{subject} <{p}> {o} .\n" for p, o in res.pairs]
            if res.edge:
                s, p, o = res.edge
                text.append(f"<{s}> <{p}> <{o}> .\n")
            count += len(res.pairs) + (1 if res.edge else 0)
        plan.triples += count
        if self.sink is not None:
            self.sink("".join(text), count)
        else:
            self._out.write("".join(text))

    def _stale_edge(self, res: _Resource, old: dict[str, str]) -> None:
        """The direct triple of a relationship whose subject, relation or object changed."""
        if res.kind != "relationships":
            return
        parts = [old.get(_SUBJECT), old.get(_PREDICATE), old.get(_OBJECT)]
        if all(p and p.startswith("<") for p in parts):
            triple = tuple(p[1:-1] for p in parts)  # type: ignore[index]
            if triple != res.edge:
                self.plan.stale_edges.append(triple)  # type: ignore[arg-type]

"""Importing checked CSV rows into a store: plan, dry run, one atomic write.

The write is a single SPARQL update request: it deletes what the imported
rows owned before (so that an updated row replaces its old values) and
inserts the new triples. Oxigraph runs one update request in one
transaction, embedded or as a server, so an import is applied completely or
not at all. A store folder that does not exist yet is built beside its final
place and renamed into place only once the write has succeeded.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graphkit.errors import ReadOnlyStoreError, StoreError
from graphkit.importer.checks import EmptyStore, Lookup, Records, check_tables
from graphkit.importer.csv_files import KINDS, Table, find_inputs, read_table
from graphkit.importer.problems import CsvProblems, Problem
from graphkit.importer.to_rdf import (
    ENTITY_PREDICATES,
    WIKIDATA,
    entity_iri,
    entity_quads,
    owned_by_entity,
    relationship_iri,
    relationship_quads,
    source_iri,
    source_quads,
)
from graphkit.model.graph import KnowledgeGraph
from graphkit.store import _NewStore
from graphkit.store.local import LocalBackend, make_staging
from graphkit.vocab import OWL, RDF

_BATCH = 1000
_SUBJECT, _PREDICATE, _OBJECT = (ox.NamedNode(RDF + n) for n in ("subject", "predicate", "object"))


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    store: str
    dry_run: bool
    files: dict[str, str] = field(default_factory=dict)
    #: kind → status ("new", "updated", "unchanged") → ids
    changes: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    triples_before: int | None = None
    triples_after: int | None = None
    created_store: bool = False

    def count(self, kind: str, status: str) -> int:
        return len(self.changes.get(kind, {}).get(status, []))

    @property
    def written(self) -> bool:
        """Whether anything would change (new or updated rows)."""
        return any(self.count(k, s) for k in KINDS for s in ("new", "updated"))

    def to_dict(self) -> dict:
        return self.__dict__.copy()


# -- the store, as the checks and the plan see it ------------------------------


def _values(terms: Iterable[ox.NamedNode]) -> str:
    return " ".join(str(t) for t in terms)


def _batches(items: Sequence, size: int = _BATCH) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class StoreLookup:
    """Answers the importer's questions about a store with a few batched queries.

    The ids are checked slugs turned into IRIs; they are written into VALUES
    blocks as escaped N-Triples terms, never as raw user text.
    """

    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg

    def _rows(self, sparql: str) -> list:
        return list(self.kg.query(sparql))

    def types_of(self, iris: Collection[str]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for batch in _batches(sorted(iris)):
            text = (
                f"SELECT ?x ?t WHERE {{ VALUES ?x {{ {_values(ox.NamedNode(i) for i in batch)} }} ?x a ?t }}"
            )
            for row in self._rows(text):
                if isinstance(row["t"], ox.NamedNode):
                    found.setdefault(row["x"].value, set()).add(row["t"].value)
        return found

    def existing_edges(self, edges: Collection[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        found: set[tuple[str, str, str]] = set()
        for batch in _batches(sorted(edges)):
            rows = " ".join(f"({_values(ox.NamedNode(i) for i in edge)})" for edge in batch)
            text = f"SELECT ?s ?p ?o WHERE {{ VALUES (?s ?p ?o) {{ {rows} }} ?s ?p ?o }}"
            found |= {(r["s"].value, r["p"].value, r["o"].value) for r in self._rows(text)}
        return found

    def triples_of(self, iris: Collection[str]) -> dict[str, set[tuple]]:
        """Every (predicate, object) of each IRI, as pyoxigraph terms."""
        found: dict[str, set[tuple]] = {}
        for batch in _batches(sorted(iris)):
            text = (
                "SELECT ?x ?p ?o WHERE { VALUES ?x { "
                + _values(ox.NamedNode(i) for i in batch)
                + " } ?x ?p ?o }"
            )
            for row in self._rows(text):
                found.setdefault(row["x"].value, set()).add((row["p"], row["o"]))
        return found


def _is_new_store(kg: KnowledgeGraph) -> bool:
    backend = kg.backend
    return isinstance(backend, _NewStore) and backend.created is None


# -- the plan -------------------------------------------------------------------


@dataclass
class _Resource:
    kind: str
    id: str
    quads: list[ox.Quad]  # the triples whose subject is the resource
    edge: ox.Triple | None = None  # a relationship's direct triple


def _resources(records: Records) -> dict[str, _Resource]:
    resources: dict[str, _Resource] = {}
    for e in records.entities:
        resources[entity_iri(e.id)] = _Resource("entities", e.id, entity_quads(e))
    for s in records.sources:
        resources[source_iri(s.id)] = _Resource("sources", s.id, source_quads(s))
    for r in records.relationships:
        direct, *own = relationship_quads(r)
        resources[relationship_iri(r.id)] = _Resource("relationships", r.id, own, direct.triple)
    return resources


def _status(
    resources: dict[str, _Resource], existing: dict[str, set[tuple]]
) -> dict[str, dict[str, list[str]]]:
    changes: dict[str, dict[str, list[str]]] = {k: {"new": [], "updated": [], "unchanged": []} for k in KINDS}
    for iri, res in resources.items():
        old = existing.get(iri, set())
        if res.kind == "entities":
            old = {(p, o) for p, o in old if owned_by_entity(p, o)}
        new = {(q.predicate, q.object) for q in res.quads}
        status = "new" if not old else "unchanged" if old == new else "updated"
        changes[res.kind][status].append(res.id)
    return changes


def _stale_edges(resources: dict[str, _Resource], existing: dict[str, set[tuple]]) -> list[ox.Triple]:
    """Direct triples of relationships whose subject, relation or object changed."""
    stale = []
    for iri, res in resources.items():
        if res.kind != "relationships" or iri not in existing:
            continue
        old = dict(existing[iri])  # at most one subject, predicate, object each
        parts = [old.get(_SUBJECT), old.get(_PREDICATE), old.get(_OBJECT)]
        if all(isinstance(p, ox.NamedNode) for p in parts):
            triple = ox.Triple(*parts)
            if triple != res.edge:
                stale.append(triple)
    return stale


def build_update(resources: dict[str, _Resource], stale_edges: Sequence[ox.Triple] = ()) -> str:
    """The one SPARQL update that replaces the imported resources' triples.

    >>> print(build_update({}))
    <BLANKLINE>
    """
    whole = [ox.NamedNode(i) for i, r in resources.items() if r.kind != "entities"]
    entities = [ox.NamedNode(i) for i, r in resources.items() if r.kind == "entities"]
    ops = []
    if whole:
        ops.append(f"DELETE {{ ?x ?p ?o }} WHERE {{ VALUES ?x {{ {_values(whole)} }} ?x ?p ?o }}")
    if stale_edges:
        rows = " ".join(f"({t.subject} {t.predicate} {t.object})" for t in stale_edges)
        ops.append(
            f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES (?s ?p ?o) {{ {rows} }} ?s ?p ?o "
            f"FILTER NOT EXISTS {{ ?r {_SUBJECT} ?s ; {_PREDICATE} ?p ; {_OBJECT} ?o }} }}"
        )
    if entities:
        owned = ", ".join(str(p) for p in ENTITY_PREDICATES)
        ops.append(
            f"DELETE {{ ?x ?p ?o }} WHERE {{ VALUES ?x {{ {_values(entities)} }} ?x ?p ?o "
            f"FILTER(?p IN ({owned}) || (?p = <{OWL}sameAs> && isIRI(?o) "
            f'&& STRSTARTS(STR(?o), "{WIKIDATA}"))) }}'
        )
    triples = [q for r in resources.values() for q in r.quads]
    triples += [
        ox.Quad(r.edge.subject, r.edge.predicate, r.edge.object) for r in resources.values() if r.edge
    ]
    if triples:
        out = io.StringIO()
        out.write("INSERT DATA {\n")
        for q in triples:
            out.write(f"{q.subject} {q.predicate} {q.object} .\n")
        out.write("}")
        ops.append(out.getvalue())
    return " ;\n".join(ops)


# -- writing --------------------------------------------------------------------


def _run_update(kg: KnowledgeGraph, text: str) -> None:
    try:
        kg.backend.update(text)
    except (RuntimeError, ValueError) as exc:
        raise StoreError(f"the import failed and nothing was written: {exc}") from None


def _create_store(path: Path, text: str) -> LocalBackend:
    """Write into a new store folder, all or nothing: no folder is left on failure."""
    made: list[Path] = []
    parent = path.parent
    while not parent.exists():
        made.append(parent)
        parent = parent.parent
    staging = make_staging(path, "importing")
    try:
        store = ox.Store(str(staging))
        try:
            store.update(text)
        except (RuntimeError, ValueError, SyntaxError) as exc:
            raise StoreError(f"the import failed and nothing was written: {exc}") from None
        store.flush()
        del store
        if path.exists():
            path.rmdir()  # an empty folder given as the store
        staging.rename(path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        for folder in made:
            if folder.exists() and not any(folder.iterdir()):
                folder.rmdir()
        raise
    return LocalBackend.persistent(path, read_only=False)


def require_writable(kg: KnowledgeGraph) -> None:
    """Refuse read-only stores, with the store's own explanation."""
    if kg.read_only:
        check = getattr(kg.backend, "_require_writable", None)
        if check is not None:
            check()
        raise ReadOnlyStoreError(f"{kg.backend.description} is read-only")


def import_csv(
    kg: KnowledgeGraph, inputs: Sequence[str | os.PathLike], *, dry_run: bool = False
) -> ImportReport:
    """Import entities.csv, relationships.csv and sources.csv into ``kg``.

    ``inputs`` is a folder holding the files, or the files themselves
    (recognised by name). Every row is checked first; on any problem
    :class:`~graphkit.importer.csv_files.CsvProblems` is raised listing them
    all, and nothing is written. ``dry_run`` checks and plans without
    writing (it works on read-only stores too, to check files against them).
    """
    if not dry_run:
        require_writable(kg)
    files = find_inputs(inputs)
    tables: dict[str, Table] = {}
    problems: list[Problem] = []
    unreadable = []
    for kind, path in files.items():
        table, found = read_table(kind, path)
        problems += found
        if table is None:
            unreadable.append(kind)
        else:
            tables[kind] = table
    new_store = _is_new_store(kg)
    lookup: Lookup = EmptyStore() if new_store else StoreLookup(kg)
    records, row_problems, notes = check_tables(tables, kg.schema, lookup, unreadable)
    problems += row_problems
    if problems:
        order = {str(path): KINDS.index(kind) for kind, path in files.items()}
        columns = {(t.name, c): i for t in tables.values() for i, c in enumerate(t.columns)}
        problems.sort(key=lambda p: (order.get(p.file, -1), p.row or 0, columns.get((p.file, p.column), 0)))
        raise CsvProblems(problems, notes if row_problems else ())
    resources = _resources(records)
    existing = {} if new_store or not resources else StoreLookup(kg).triples_of(resources)
    report = ImportReport(
        store=kg.backend.description,
        dry_run=dry_run,
        files={kind: str(path) for kind, path in files.items()},
        changes=_status(resources, existing),
    )
    if dry_run or not report.written:
        return report
    text = build_update(resources, _stale_edges(resources, existing))
    if new_store:
        report.triples_before = 0
        created = _create_store(kg.backend.path, text)  # type: ignore[attr-defined]
        kg.backend.created = created  # type: ignore[attr-defined]
        report.created_store = True
    else:
        report.triples_before = kg.triple_count()
        _run_update(kg, text)
    report.triples_after = kg.triple_count()
    return report

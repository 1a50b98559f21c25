"""Importing into a store: the readers, the plan, the dry run and one atomic write.

Every import goes the same way, whatever the reader (CSV, FtM):
reader -> :class:`~graphkit.importer.pipeline.Pipeline` (checks, comparison
with the store, a spool of N-Triples) -> :class:`~graphkit.importer.pipeline.Plan`
-> :func:`write_plan`, the one write.

Into an existing store the write is a single SPARQL update request: it
deletes what the imported records owned before (so that an updated record
replaces its old values) and inserts the new triples. Oxigraph runs one
update request in one transaction, embedded or as a server, so an import is
applied completely or not at all. A store that does not exist yet has
nothing to compare with: the pipeline hands its triples straight to the
bulk loader, which fills a staging folder beside the store's final place
while the input is still being read (:mod:`graphkit.importer.bulk`); the
folder is renamed into place only once every row has passed its checks and
the load has succeeded.
"""

from __future__ import annotations

import itertools
import os
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graphkit.errors import GraphkitError, ReadOnlyStoreError, StoreError
from graphkit.importer.bulk import CHUNK_TRIPLES, StreamingLoad, create_store
from graphkit.importer.csv_files import KINDS as FILE_KINDS
from graphkit.importer.csv_files import Table, read_table
from graphkit.importer.csv_inputs import find_inputs
from graphkit.importer.csv_reader import read_csv_tables
from graphkit.importer.lookup import StoreLookup, batches, iri_values
from graphkit.importer.piped import STDIN, given_name, spooled
from graphkit.importer.pipeline import BATCH, KINDS, Pipeline, Plan
from graphkit.importer.problems import ImportProblems, Problem
from graphkit.importer.to_rdf import ENTITY_PREDICATES, WIKIDATA
from graphkit.model.graph import KnowledgeGraph
from graphkit.store import _NewStore
from graphkit.store.creating import StoreCreatedMeanwhile
from graphkit.store.local import LocalBackend
from graphkit.store.sparql import in_graph, insert_data
from graphkit.vocab import OWL, RDF

_SUBJECT, _PREDICATE, _OBJECT = (f"<{RDF}{n}>" for n in ("subject", "predicate", "object"))


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
        """Whether anything would change (new or updated records)."""
        return any(self.count(k, s) for k in KINDS for s in ("new", "updated"))

    def to_dict(self) -> dict:
        return self.__dict__.copy()


def _is_new_store(kg: KnowledgeGraph) -> bool:
    backend = kg.backend
    return isinstance(backend, _NewStore) and backend.created is None


# -- writing --------------------------------------------------------------------


def delete_operations(plan: Plan, graph: ox.NamedNode | None = None) -> list[str]:
    """The DELETE operations that clear what the imported resources owned (aimed at ``graph``)."""
    ops = []
    if plan.replace:
        for batch in batches(plan.replace, 10 * BATCH):
            values = iri_values(ox.NamedNode(i) for i in batch)
            ops.append(f"DELETE {{ ?x ?p ?o }} WHERE {{ VALUES ?x {{ {values} }} ?x ?p ?o }}")
    if plan.stale_edges:
        rows = " ".join(f"(<{s}> <{p}> <{o}>)" for s, p, o in plan.stale_edges)
        ops.append(
            f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES (?s ?p ?o) {{ {rows} }} ?s ?p ?o "
            f"FILTER NOT EXISTS {{ ?r {_SUBJECT} ?s ; {_PREDICATE} ?p ; {_OBJECT} ?o }} }}"
        )
    if plan.replace_entities:
        owned = ", ".join(f"<{p}>" for p in ENTITY_PREDICATES)
        for batch in batches(plan.replace_entities, 10 * BATCH):
            values = iri_values(map(ox.NamedNode, batch))
            ops.append(
                f"DELETE {{ ?x ?p ?o }} WHERE {{ VALUES ?x {{ {values} }} ?x ?p ?o "
                f"FILTER(?p IN ({owned}) || (?p = <{OWL}sameAs> && isIRI(?o) "
                f'&& STRSTARTS(STR(?o), "{WIKIDATA}"))) }}'
            )
    return [in_graph(op, graph) for op in ops]


def build_update(plan: Plan) -> str:
    """The one SPARQL update that replaces the imported resources' triples."""
    ops = delete_operations(plan)
    if plan.triples:
        ops.append(insert_data(plan.lines()))
    return " ;\n".join(ops)


def write_plan(kg: KnowledgeGraph, plan: Plan) -> bool:
    """Write a plan into ``kg`` in one atomic step; True when a new store was created."""
    if _is_new_store(kg):
        backend = kg.backend

        def fill(load: StreamingLoad) -> bool:
            with plan.spool.open(encoding="utf-8") as fh:
                while lines := list(itertools.islice(fh, CHUNK_TRIPLES)):
                    load.write("".join(lines), len(lines))
            return True

        create_store(backend.path, fill, wait=backend.wait, before_commit=backend.before_commit)  # type: ignore[attr-defined]
        backend.created = LocalBackend.persistent(backend.path, read_only=False, wait=True)  # type: ignore[attr-defined]
        return True
    try:
        # The store's all-or-nothing write: one request, or a staging graph on a remote engine.
        kg.backend.apply_changes(lambda graph: delete_operations(plan, graph), plan.lines())
    except (RuntimeError, ValueError) as exc:
        raise StoreError(f"the import failed and nothing was written: {exc}") from None
    return False


def require_writable(kg: KnowledgeGraph) -> None:
    """Refuse read-only stores, with the store's own explanation."""
    if kg.read_only:
        check = getattr(kg.backend, "_require_writable", None)
        if check is not None:
            check()
        raise ReadOnlyStoreError(f"{kg.backend.description} is read-only")


def run_import(
    kg: KnowledgeGraph,
    read: Callable[[Pipeline], None],
    files: dict[str, str],
    *,
    dry_run: bool = False,
    order: Callable[[Problem], tuple] | None = None,
) -> ImportReport:
    """Run a reader into the pipeline, then report (``dry_run``) or write the plan.

    ``read`` feeds every record of the input to the pipeline it is given.
    On any problem, :class:`~graphkit.importer.problems.ImportProblems` is
    raised listing them all, and nothing is written.
    """
    if not dry_run:
        require_writable(kg)
    new_store = _is_new_store(kg)
    if new_store and not dry_run:
        return _import_into_new_store(kg, read, files, order)
    pipeline = Pipeline(kg.schema, None if new_store else StoreLookup(kg))
    try:
        plan = _plan(pipeline, read, order)
        report = ImportReport(
            store=kg.backend.description, dry_run=dry_run, files=files, changes=plan.changes
        )
        if dry_run or not plan.written:
            return report
        report.triples_before = kg.triple_count()
        write_plan(kg, plan)
        report.triples_after = kg.triple_count()
        return report
    finally:
        pipeline.close()


def _plan(pipeline: Pipeline, read: Callable[[Pipeline], None], order: Callable | None) -> Plan:
    read(pipeline)
    plan = pipeline.finish()
    if pipeline.problems:
        problems = sorted(pipeline.problems, key=order) if order else pipeline.problems
        raise ImportProblems(problems, pipeline.notes)
    return plan


def _import_into_new_store(
    kg: KnowledgeGraph, read: Callable[[Pipeline], None], files: dict[str, str], order: Callable | None
) -> ImportReport:
    """Check the input while the engine loads it into the new store's staging folder (see bulk.py)."""
    backend = kg.backend
    report = ImportReport(store=backend.description, dry_run=False, files=files)

    def fill(load: StreamingLoad) -> bool:
        pipeline = Pipeline(kg.schema, None, sink=load.write)
        try:
            plan = _plan(pipeline, read, order)
        finally:
            pipeline.close()
        report.changes = plan.changes
        return plan.written

    try:
        created = create_store(backend.path, fill, wait=backend.wait, before_commit=backend.before_commit)  # type: ignore[attr-defined]
    except StoreCreatedMeanwhile as exc:
        # Another process made the store while this one waited: open it, so that a
        # second run (the caller's, reading the input again) plans against it.
        backend.created = LocalBackend.persistent(exc.path, read_only=False, wait=True)  # type: ignore[attr-defined]
        raise
    if created:
        backend.created = LocalBackend.persistent(backend.path, read_only=False, wait=True)  # type: ignore[attr-defined]
        report.created_store = True
        report.triples_before = 0
        report.triples_after = kg.triple_count()
    return report


def import_csv(
    kg: KnowledgeGraph, inputs: Sequence[str | os.PathLike], *, dry_run: bool = False
) -> ImportReport:
    """Import entities.csv, relationships.csv and sources.csv into ``kg``.

    ``inputs`` is a folder holding the files, or the files themselves
    (recognised by name; a pipe or ``-``, stdin, by its header, and read
    once: see :func:`~graphkit.importer.piped.spooled`). Every row is checked first; on any problem
    :class:`~graphkit.importer.problems.ImportProblems` is raised listing them
    all, and nothing is written. ``dry_run`` checks and plans without
    writing (it works on read-only stores too, to check files against them).

    >>> import graphkit, tempfile
    >>> from graphkit.vocab import data_dir
    >>> with graphkit.open(tempfile.mkdtemp() + "/kg", create=True) as kg:
    ...     report = import_csv(kg, [data_dir() / "templates" / "example"])
    >>> report.count("relationships", "new") > 0
    True
    """
    with spooled(inputs) as paths:  # the retry reads the input again
        try:
            return _import_csv(kg, paths, dry_run=dry_run)
        except StoreCreatedMeanwhile:
            return _import_csv(kg, paths, dry_run=dry_run)


def _import_csv(kg: KnowledgeGraph, inputs: Sequence[str | os.PathLike], *, dry_run: bool) -> ImportReport:
    if not dry_run:
        require_writable(kg)
    files = find_inputs(inputs)
    tables: dict[str, Table] = {}
    file_problems: list[Problem] = []
    unreadable = set()
    for kind, path in files.items():
        table, found = read_table(kind, path)
        file_problems += found
        if table is None:
            unreadable.add(kind)
        else:
            tables[kind] = table

    def read(pipeline: Pipeline) -> None:
        pipeline.unreadable = unreadable
        for problem in file_problems:
            pipeline.problem(problem)
        read_csv_tables(tables, kg.schema, pipeline)

    file_order = {given_name(path): FILE_KINDS.index(kind) for kind, path in files.items()}
    columns = {(t.name, c): i for t in tables.values() for i, c in enumerate(t.columns)}

    def order(p: Problem) -> tuple:
        return (file_order.get(p.file, -1), p.row or 0, columns.get((p.file, p.column), 0))

    return run_import(
        kg, read, {kind: given_name(path) for kind, path in files.items()}, dry_run=dry_run, order=order
    )


def import_ftm(
    kg: KnowledgeGraph,
    path: str | os.PathLike,
    *,
    dry_run: bool = False,
    source_id: str = "",
    source_title: str = "",
    source_url: str = "",
    source_publisher: str = "",
    source_date: str = "",
) -> ImportReport:
    """Import a FollowTheMoney file (JSON lines or a JSON array) into ``kg``.

    Entities without ``sourceUrl`` or ``publisher`` take the source given by
    ``source_id`` (a source in the store) or ``source_title`` and
    ``source_url`` (with ``source_publisher`` and ``source_date``, its
    publication date, when known). Every entity is checked first; on any problem
    :class:`~graphkit.importer.problems.ImportProblems` lists them all (file,
    line, entity id, property) and nothing is written. Needs the
    ``followthemoney`` package (``pip install 'graphkit[ftm]'``). ``path``
    may be a named pipe or ``-`` (the standard input): it is read once, into
    a temporary file.

    >>> import graphkit, tempfile
    >>> from graphkit.vocab import data_dir
    >>> with graphkit.open(tempfile.mkdtemp() + "/kg", create=True) as kg:
    ...     report = import_ftm(kg, data_dir() / "templates" / "example.ftm.jsonl")
    >>> report.count("relationships", "new") > 0
    True
    """
    from graphkit.importer.ftm_mapping import require_ftm
    from graphkit.importer.ftm_reader import DefaultSource, read_ftm
    from graphkit.importer.values import check_date, check_id, check_url

    require_ftm()
    given = os.fspath(path)
    problems = []
    if given != STDIN and not os.path.exists(given):
        problems.append(Problem(given, "no such file"))
    elif os.path.isdir(given):
        problems.append(Problem(given, "a folder, not a file: give the FtM file itself"))
    if (source_title or source_publisher) and not source_url:
        problems.append(Problem("--source-url", "--source-title needs --source-url (the source's address)"))
    if source_url and source_id:
        problems.append(Problem("--source", "give either --source ID or --source-title and --source-url"))
    for option, value, check in (
        ("--source", source_id, check_id),
        ("--source-url", source_url, check_url),
        ("--source-date", source_date, check_date),
    ):
        if value:
            try:
                check(value)
            except GraphkitError as exc:
                problems.append(Problem(option, str(exc), value=value))
    if problems:
        raise ImportProblems(problems)
    default = DefaultSource(source_id, source_title or source_url, source_url, source_publisher, source_date)
    if source_url and not source_publisher:
        default.publisher = urllib.parse.urlsplit(source_url).netloc

    with spooled([given]) as (copy,):  # a pipe or stdin is read once, into a temporary file
        file = Path(copy)

        def read(pipeline: Pipeline) -> None:
            read_ftm(file, kg.schema, pipeline, default)

        def order(p: Problem) -> tuple:
            return (p.file == given_name(file), p.row or 0)

        try:
            return run_import(kg, read, {"ftm": given_name(file)}, dry_run=dry_run, order=order)
        except StoreCreatedMeanwhile:  # read the file again, against the store another process made
            return run_import(kg, read, {"ftm": given_name(file)}, dry_run=dry_run, order=order)

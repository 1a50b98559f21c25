"""Merging a duplicate entity into the one to keep.

Everything that points at the duplicate is pointed at the kept entity:
qualified relationships (``rdf:subject`` / ``rdf:object``), direct edges in
both directions, and any other reference (``gk:accordingTo``,
``gk:statisticOf``...). The duplicate's relation edges and ``owl:sameAs``
links move too; its label and aliases become aliases of the kept entity;
its other triples (type, description) are removed. ``KEEP owl:sameAs
DUPLICATE`` records the merge, and is the only triple left that names the
duplicate.

The change is one SPARQL update request, so it is applied completely or not
at all. Its patterns match the store's triples directly (no values are
copied through Python), so blank nodes are handled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from graphkit.errors import GraphkitError, ReadOnlyStoreError, StoreError
from graphkit.model.graph import KnowledgeGraph
from graphkit.model.merge_relationships import Fold, duplicate_relationships, fold_update
from graphkit.model.resolve import EntityRef, normalise, resolve
from graphkit.store.sparql import in_graph, insert_data
from graphkit.vocab import OWL, RDF, RDFS, SKOS, shorten

LABEL = RDFS + "label"
ALT_LABEL = SKOS + "altLabel"
SAME_AS = OWL + "sameAs"
QUALIFIER_ENDS = (RDF + "subject", RDF + "object")


@dataclass(frozen=True)
class Change:
    """One triple removed (``-``) or added (``+``), for display."""

    sign: str
    subject: str
    predicate: str
    object: str

    def __str__(self) -> str:
        return f"{self.sign} {self.subject} {self.predicate} {self.object}"


@dataclass
class MergeReport:
    """What a merge changed (or, with ``dry_run``, would change)."""

    keep: EntityRef
    duplicate: EntityRef
    dry_run: bool
    relationships_moved: int = 0  # qualified gk:Relationship resources re-pointed
    edges_moved: int = 0  # direct relation triples, both directions
    references_moved: int = 0  # other triples pointing at the duplicate
    aliases_added: list[str] = field(default_factory=list)
    dropped: list[Change] = field(default_factory=list)  # the duplicate's own triples
    self_loops: list[Change] = field(default_factory=list)  # edges now from KEEP to KEEP
    changes: list[Change] = field(default_factory=list)
    # relationships that said the same thing once merged, folded into one
    relationships_merged: list[Fold] = field(default_factory=list)
    triples_before: int | None = None
    triples_after: int | None = None

    def to_dict(self) -> dict:
        data = self.__dict__.copy()
        data["keep"] = self.keep.__dict__.copy()
        data["duplicate"] = self.duplicate.__dict__.copy()
        for key in ("dropped", "self_loops", "changes"):
            data[key] = [str(c) for c in data[key]]
        data["relationships_merged"] = [fold.__dict__.copy() for fold in self.relationships_merged]
        return data


def _show(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    if isinstance(term, ox.NamedNode):
        short = shorten(term.value)
        return short if short != term.value else str(term)
    return str(term)


def _change(sign: str, s, p, o) -> Change:
    return Change(sign, _show(s), _show(p), _show(o))


def merge_operations(keep: str, duplicate: str, relations: list[str], graph=None) -> list[str]:
    """The update operations that move everything from ``duplicate`` to ``keep`` (in ``graph``).

    ``relations`` are the relation-type IRIs whose edges move. Every term is
    written as an escaped N-Triples term.
    """
    k, d, same = ox.NamedNode(keep), ox.NamedNode(duplicate), ox.NamedNode(SAME_AS)
    moving = " ".join(str(ox.NamedNode(p)) for p in [*relations, SAME_AS])
    operations = [
        # the duplicate's relation edges and sameAs links, to KEEP
        f"DELETE {{ {d} ?p ?o }} INSERT {{ {k} ?p ?o2 }} WHERE {{ VALUES ?p {{ {moving} }} "
        f"{d} ?p ?o . BIND(IF(?o = {d}, {k}, ?o) AS ?o2) FILTER(!(?p = {same} && ?o2 = {k})) }}",
        # every triple pointing at the duplicate (except the record of an earlier merge)
        f"DELETE {{ ?s ?p {d} }} INSERT {{ ?s ?p {k} }} WHERE {{ ?s ?p {d} . "
        f"FILTER(?s != {d} && !(?s = {k} && ?p = {same})) }}",
        # what is left of the duplicate's own triples
        f"DELETE {{ {d} ?p ?o }} WHERE {{ {d} ?p ?o }}",
    ]
    return [in_graph(op, graph) for op in operations]


def merge_inserts(keep: str, duplicate: str, aliases: list[str]) -> list[str]:
    """The record of the merge and the duplicate's names as aliases, as N-Triples lines."""
    k, d = ox.NamedNode(keep), ox.NamedNode(duplicate)
    lines = [f"{k} {ox.NamedNode(SAME_AS)} {d} .\n"]
    return lines + [f"{k} {ox.NamedNode(ALT_LABEL)} {ox.Literal(a)} .\n" for a in aliases]


def merge_update(keep: str, duplicate: str, relations: list[str], aliases: list[str]) -> str:
    """The one SPARQL update that merges ``duplicate`` into ``keep``.

    ``relations`` are the relation-type IRIs whose edges move; ``aliases``
    the names to add to ``keep``. Every term is written as an escaped
    N-Triples term.

    >>> text = merge_update("http://x/k", "http://x/d", [], ['D "quoted" name'])
    >>> text.count(";\\n") + 1, '"D \\\\"quoted\\\\" name"' in text
    (4, True)
    """
    operations = merge_operations(keep, duplicate, relations)
    return " ;\n".join([*operations, insert_data(merge_inserts(keep, duplicate, aliases))])


def _plan(kg: KnowledgeGraph, keep: EntityRef, dup: EntityRef, report: MergeReport) -> list[str]:
    """Fill ``report`` with the changes, read from the store; return the aliases to add."""
    k, d = ox.NamedNode(keep.iri), ox.NamedNode(dup.iri)
    relations = set(kg.schema.relations)
    keep_names = {
        normalise(row["n"].value)
        for row in kg.query("SELECT ?n WHERE { ?e rdfs:label|skos:altLabel ?n }", {"e": k})
    }
    aliases: list[str] = []
    changes = report.changes
    for row in kg.query("SELECT ?p ?o WHERE { ?e ?p ?o }", {"e": d}):
        p, o = row["p"], row["o"]
        changes.append(_change("-", d, p, o))
        if p.value in (LABEL, ALT_LABEL) and isinstance(o, ox.Literal):
            if normalise(o.value) not in keep_names:
                keep_names.add(normalise(o.value))
                aliases.append(o.value)
                report.aliases_added.append(o.value)
        elif p.value in relations or p.value == SAME_AS:
            target = k if o == d else o
            if p.value == SAME_AS and target == k:
                continue
            changes.append(_change("+", k, p, target))
            if p.value in relations:
                report.edges_moved += 1
                if target == k:
                    report.self_loops.append(_change("+", k, p, k))
        else:
            report.dropped.append(_change("-", d, p, o))
    for row in kg.query("SELECT ?s ?p WHERE { ?s ?p ?e }", {"e": d}):
        s, p = row["s"], row["p"]
        if s == d:
            continue  # handled above
        changes.append(_change("-", s, p, d))
        if s == k and p.value == SAME_AS:
            continue  # the record of an earlier merge: it stays
        changes.append(_change("+", s, p, k))
        if p.value in QUALIFIER_ENDS:
            report.relationships_moved += 1
        elif p.value in relations:
            report.edges_moved += 1
            if s == k:
                report.self_loops.append(_change("+", k, p, k))
        else:
            report.references_moved += 1
    changes += [_change("+", k, ox.NamedNode(ALT_LABEL), ox.Literal(a)) for a in aliases]
    changes.append(_change("+", k, ox.NamedNode(SAME_AS), d))
    return aliases


_IN_NAMED_GRAPH = "ASK { { GRAPH ?g { ?e ?p ?o } } UNION { GRAPH ?g { ?s ?p ?e } } }"


def merge(kg: KnowledgeGraph, keep: str, duplicate: str, *, dry_run: bool = False) -> MergeReport:
    """Merge the entity ``duplicate`` into ``keep`` (names, aliases or IRIs).

    Raises :class:`~graphkit.errors.EntityError` when a name is unknown or
    ambiguous, and :class:`~graphkit.errors.GraphkitError` when both name the
    same entity. ``dry_run`` reports the changes and writes nothing (it also
    works on read-only stores, as a preview).

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     r = merge(kg, "Amazon Web Services", "Amazon", dry_run=True)
    >>> r.aliases_added, r.edges_moved, r.relationships_moved
    (['Amazon'], 2, 2)
    """
    if not dry_run and kg.read_only:
        check = getattr(kg.backend, "_require_writable", None)
        if check is not None:
            check()
        raise ReadOnlyStoreError(f"{kg.backend.description} is read-only")
    kept, dup = resolve(kg, keep), resolve(kg, duplicate)
    if kept.iri == dup.iri:
        raise GraphkitError(
            f"{keep!r} and {duplicate!r} are the same entity ({shorten(kept.iri)}); nothing to merge"
        )
    for ref in (kept, dup):
        if kg.ask(_IN_NAMED_GRAPH, {"e": ox.NamedNode(ref.iri)}):
            raise GraphkitError(
                f"{ref.label} has statements in a named graph; merge rewrites the default graph only, "
                "so it would leave them behind. Move the data to the default graph first."
            )
    report = MergeReport(kept, dup, dry_run)
    aliases = _plan(kg, kept, dup, report)
    report.relationships_merged = duplicate_relationships(kg, kept.iri, dup.iri)
    for fold in report.relationships_merged:
        folded, into = ox.NamedNode(fold.folded), ox.NamedNode(fold.into)
        report.changes.append(Change("-", _show(folded), "(the whole relationship) merged into", _show(into)))
    if dry_run:
        return report
    relations = sorted(kg.schema.relations)
    report.triples_before = kg.triple_count()
    try:
        # The store's all-or-nothing write: one request, or a staging graph on a remote engine.
        kg.backend.apply_changes(
            lambda graph: [
                *merge_operations(kept.iri, dup.iri, relations, graph),
                *fold_update(report.relationships_merged, graph),
            ],
            merge_inserts(kept.iri, dup.iri, aliases),
        )
    except (RuntimeError, ValueError) as exc:
        raise StoreError(f"the merge failed and nothing was changed: {exc}") from None
    report.triples_after = kg.triple_count()
    return report

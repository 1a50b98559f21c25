"""The store as an import's checks and plan see it: a few batched queries, never one per row.

The ids asked about are checked slugs turned into IRIs, written into VALUES
blocks as escaped N-Triples terms, never as raw user text.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import pyoxigraph as ox

from graphkit.importer.pipeline import BATCH
from graphkit.model.graph import KnowledgeGraph


def iri_values(terms: Iterable[ox.NamedNode]) -> str:
    """Terms as a VALUES list.

    >>> iri_values([ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/b")])
    '<https://example.org/a> <https://example.org/b>'
    """
    return " ".join(str(t) for t in terms)


def batches(items: Sequence, size: int = BATCH) -> Iterable[Sequence]:
    """``items`` in slices of ``size``.

    >>> [list(b) for b in batches([1, 2, 3], 2)]
    [[1, 2], [3]]
    """
    for start in range(0, len(items), size):
        yield items[start : start + size]


class StoreLookup:
    """Answers the importer's questions about a store with a few batched queries.

    The ids are checked slugs turned into IRIs; they are written into VALUES
    blocks as escaped N-Triples terms, never as raw user text.

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     StoreLookup(kg).types_of(["https://w3id.org/graphkit/id/aws"])
    {'https://w3id.org/graphkit/id/aws': {'https://w3id.org/graphkit/ontology#Company'}}
    """

    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg

    def _rows(self, sparql: str) -> list:
        return list(self.kg.query(sparql))

    def types_of(self, iris: Collection[str]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for batch in batches(sorted(iris)):
            listed = iri_values(ox.NamedNode(i) for i in batch)
            text = f"SELECT ?x ?t WHERE {{ VALUES ?x {{ {listed} }} ?x a ?t }}"
            for row in self._rows(text):
                if isinstance(row["t"], ox.NamedNode):
                    found.setdefault(row["x"].value, set()).add(row["t"].value)
        return found

    def existing_edges(self, edges: Collection[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        found: set[tuple[str, str, str]] = set()
        for batch in batches(sorted(edges)):
            rows = " ".join(f"({iri_values(ox.NamedNode(i) for i in edge)})" for edge in batch)
            text = f"SELECT ?s ?p ?o WHERE {{ VALUES (?s ?p ?o) {{ {rows} }} ?s ?p ?o }}"
            found |= {(r["s"].value, r["p"].value, r["o"].value) for r in self._rows(text)}
        return found

    def triples_of(self, iris: Collection[str]) -> dict[str, set[tuple]]:
        """Every (predicate, object) of each IRI, as pyoxigraph terms."""
        found: dict[str, set[tuple]] = {}
        for batch in batches(sorted(iris)):
            text = (
                "SELECT ?x ?p ?o WHERE { VALUES ?x { "
                + iri_values(ox.NamedNode(i) for i in batch)
                + " } ?x ?p ?o }"
            )
            for row in self._rows(text):
                found.setdefault(row["x"].value, set()).add((row["p"], row["o"]))
        return found

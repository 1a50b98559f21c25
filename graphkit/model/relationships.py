"""Sourced relationships: the qualified statements and the sources behind them.

Relationships are read by :mod:`graphkit.model.columns` (single-pattern
scans for the whole graph, VALUES batches around a set of entities). Both
``graphkit show`` and the networkx projection read them from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graphkit.model.graph import KnowledgeGraph
from graphkit.vocab import GK


@dataclass
class SourceRef:
    """Where a relationship is reported."""

    iri: str
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    date: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The fields, IRI last (as JSON output lists them); written out, as ``asdict`` is slow.

        >>> SourceRef("https://example.org/r", title="T").to_dict()
        {'title': 'T', 'publisher': None, 'url': None, 'date': None, 'iri': 'https://example.org/r'}
        """
        return {
            "title": self.title,
            "publisher": self.publisher,
            "url": self.url,
            "date": self.date,
            "iri": self.iri,
        }


@dataclass
class Relationship:
    """One relationship between two entities, with its dates and sources."""

    iri: str | None  # None for a plain triple with no qualified statement
    subject: str
    predicate: str
    object: str
    date: str | None = None
    start: str | None = None
    end: str | None = None
    approximate: bool = False
    description: str | None = None
    quote: str | None = None
    grounds: str | None = None
    according_to: list[str] = field(default_factory=list)
    sources: list[SourceRef] = field(default_factory=list)

    def qualifiers(self) -> dict[str, Any]:
        """Dates and wording, under the names that edges and tables use.

        >>> Relationship(None, "s", "p", "o", date="2024").qualifiers()["date"]
        '2024'
        """
        return {
            "date": self.date,
            "start": self.start,
            "end": self.end,
            "date_approximate": self.approximate,
            "description": self.description,
            "quote": self.quote,
            "grounds": self.grounds,
        }


_NO_INVERSE = f"<{GK}noInverse>"


def inverses(kg: KnowledgeGraph) -> dict[str, str | None]:
    """Each relation type's inverse from the ontology (itself when symmetric)."""
    return {
        iri: (iri if info.symmetric else info.inverse) for iri, info in sorted(kg.schema.relations.items())
    }


def relation_pairs(kg: KnowledgeGraph) -> str:
    """VALUES rows (relation, inverse) built from the ontology's constant IRIs."""
    return " ".join(f"(<{p}> {f'<{q}>' if q else _NO_INVERSE})" for p, q in inverses(kg).items())


def relationships(kg: KnowledgeGraph, focus: str | Iterable[str] | None = None) -> list[Relationship]:
    """Every relationship, or those touching ``focus`` (an entity IRI or several).

    The result does not depend on the order in
    which the engine returns rows: a text field with several values (a
    statement quoted twice) is sorted and joined with ``"; "``, a date given
    twice keeps the earliest, and sources and cited documents are sorted.
    Plain relation triples with no qualified statement come with
    ``iri=None`` and no sources. Sorted by relation, subject and object.

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     rels = relationships(kg, "https://w3id.org/graphkit/id/aws")
    ...     all(r.sources for r in rels if r.iri), len(rels)
    (True, 5)
    """
    from graphkit.model.column_reads import relationship_rows  # the reader builds on this module

    iris = None if focus is None else ({focus} if isinstance(focus, str) else set(focus))
    if iris is not None and not iris:
        return []
    return relationship_rows(kg, iris)

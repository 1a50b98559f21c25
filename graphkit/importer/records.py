"""What every reader (CSV, FtM) turns its input into, and what the checks may ask the store.

A record carries ``where``: a :class:`~graphkit.importer.problems.Problem`
with an empty message that locates it in its file, so that the shared checks
can report any later problem (an unknown reference) at the right place.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol

from graphkit.importer.problems import Problem


class Lookup(Protocol):
    """What the checks need to know about the store."""

    def types_of(self, iris: Collection[str]) -> dict[str, set[str]]:
        """The rdf:types of those IRIs that exist in the store."""

    def existing_edges(self, edges: Collection[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        """Those (subject, predicate, object) IRI triples that are in the store."""

    def triples_of(self, iris: Collection[str]) -> dict[str, set[tuple]]:
        """Every (predicate, object) of each IRI, as pyoxigraph terms."""


class EmptyStore:
    """A store with nothing in it yet (a new embedded store)."""

    def types_of(self, iris: Collection[str]) -> dict[str, set[str]]:
        return {}

    def existing_edges(self, edges: Collection[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        return set()

    def triples_of(self, iris: Collection[str]) -> dict[str, set[tuple]]:
        return {}


#: Extra (predicate IRI, N-Triples object) pairs a reader adds to a resource.
Extra = list[tuple[str, str]]


@dataclass
class EntityRecord:
    where: Problem
    id: str
    type: str
    label: str
    aliases: list[str] = field(default_factory=list)
    description: str = ""
    wikidata: str | None = None
    country: str | None = None
    extra: Extra = field(default_factory=list)


@dataclass
class SourceRecord:
    where: Problem
    id: str
    type: str
    title: str
    publisher: str
    url: str = ""
    published: str = ""
    approximate: bool = False
    excerpt: str = ""


@dataclass
class RelationshipRecord:
    where: Problem
    id: str
    subject: str
    predicate: str
    object: str
    sources: list[str]
    date: str = ""
    start: str = ""
    end: str = ""
    approximate: bool = False
    description: str = ""
    quote: str = ""
    grounds: str = ""
    according_to: str = ""
    extra: Extra = field(default_factory=list)

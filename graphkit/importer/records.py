"""What the checked rows become, and what the checks may ask the store."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol

from graphkit.importer.csv_files import Row


class Lookup(Protocol):
    """What the checks need to know about the store."""

    def types_of(self, iris: Collection[str]) -> dict[str, set[str]]:
        """The rdf:types of those IRIs that exist in the store."""

    def existing_edges(self, edges: Collection[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        """Those (subject, predicate, object) IRI triples that are in the store."""


class EmptyStore:
    """A store with nothing in it yet (a new embedded store)."""

    def types_of(self, iris: Collection[str]) -> dict[str, set[str]]:
        return {}

    def existing_edges(self, edges: Collection[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        return set()


@dataclass
class EntityRecord:
    row: Row
    id: str
    type: str
    label: str
    aliases: list[str] = field(default_factory=list)
    description: str = ""
    wikidata: str | None = None
    country: str | None = None


@dataclass
class SourceRecord:
    row: Row
    id: str
    type: str
    title: str
    publisher: str
    url: str
    published: str
    approximate: bool = False
    excerpt: str = ""


@dataclass
class RelationshipRecord:
    row: Row
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


@dataclass
class Records:
    entities: list[EntityRecord] = field(default_factory=list)
    relationships: list[RelationshipRecord] = field(default_factory=list)
    sources: list[SourceRecord] = field(default_factory=list)

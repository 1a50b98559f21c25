"""Errors that describe a user's mistake or an environment problem.

Every error here carries a message a journalist can act on. The CLI turns them
into ``click.ClickException`` (no traceback); library users can catch
:class:`GraphkitError`.
"""

from __future__ import annotations


class GraphkitError(Exception):
    """Base class for every error graphkit raises on purpose."""

    exit_code = 1


class StoreError(GraphkitError):
    """The store cannot be opened, read or written."""


class ReadOnlyStoreError(StoreError):
    """A write was sent to a store that only reads (bundled data, RDF files)."""


class StoreInUseError(StoreError):
    """Another process holds the embedded store's lock."""


class RemoteError(StoreError):
    """A SPARQL endpoint is unreachable, slow, or answered with an error."""


class ParseError(GraphkitError):
    """An RDF or CSV file is malformed. ``location`` is ``file:line:column``."""

    def __init__(self, message: str, location: str | None = None):
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


class QueryError(GraphkitError):
    """A SPARQL query or update was refused or is malformed."""


class EntityError(GraphkitError):
    """An entity name did not resolve to exactly one entity."""

    exit_code = 2

    def __init__(self, message: str, candidates: list[tuple[str, str, str]] | None = None):
        #: (label, type, iri) triples, best first
        self.candidates = candidates or []
        super().__init__(message)


class EntityNotFoundError(EntityError):
    """No entity has this label, alias or IRI."""


class AmbiguousEntityError(EntityError):
    """Several entities share this label or alias."""

"""graphkit: a sourced knowledge graph of relationships between governments and tech companies.

>>> import graphkit
>>> with graphkit.open() as kg:
...     graphkit.resolve(kg, "AWS").label
'Amazon Web Services'
"""

from graphkit.__about__ import __version__
from graphkit.errors import (
    AmbiguousEntityError,
    EntityNotFoundError,
    GraphkitError,
    ParseError,
    QueryError,
    StoreError,
)
from graphkit.model.entity import describe
from graphkit.model.graph import KnowledgeGraph, open_graph
from graphkit.model.relationships import Relationship, SourceRef, relationships
from graphkit.model.resolve import EntityRef, resolve
from graphkit.model.schema import load_schema
from graphkit.model.stats import stats
from graphkit.model.validate import validate

open = open_graph

__all__ = [
    "AmbiguousEntityError",
    "EntityNotFoundError",
    "EntityRef",
    "GraphkitError",
    "KnowledgeGraph",
    "ParseError",
    "QueryError",
    "Relationship",
    "SourceRef",
    "StoreError",
    "__version__",
    "describe",
    "load_schema",
    "open",
    "open_graph",
    "relationships",
    "resolve",
    "stats",
    "validate",
]

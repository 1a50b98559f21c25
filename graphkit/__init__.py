"""graphkit: a sourced knowledge graph of relationships between governments and tech companies.

>>> import graphkit
>>> with graphkit.open() as kg:
...     graphkit.resolve(kg, "AWS").label
'Amazon Web Services'
"""

from graphkit import render
from graphkit.__about__ import __version__
from graphkit.analysis import centrality, communities, neighbors, paths
from graphkit.errors import (
    AmbiguousEntityError,
    EntityNotFoundError,
    GraphkitError,
    ParseError,
    QueryError,
    StoreError,
)
from graphkit.importer import CsvProblems, ImportReport, import_csv
from graphkit.model.entity import describe
from graphkit.model.frames import query_df
from graphkit.model.graph import KnowledgeGraph, open_graph
from graphkit.model.merge import MergeReport, merge
from graphkit.model.relationships import Relationship, SourceRef, relationships
from graphkit.model.resolve import EntityRef, resolve
from graphkit.model.schema import load_schema
from graphkit.model.stats import stats
from graphkit.model.validate import validate
from graphkit.projection import project
from graphkit.render import RenderedView

open = open_graph

__all__ = [
    "AmbiguousEntityError",
    "CsvProblems",
    "EntityNotFoundError",
    "EntityRef",
    "GraphkitError",
    "ImportReport",
    "KnowledgeGraph",
    "MergeReport",
    "ParseError",
    "QueryError",
    "Relationship",
    "RenderedView",
    "SourceRef",
    "StoreError",
    "__version__",
    "centrality",
    "communities",
    "describe",
    "import_csv",
    "load_schema",
    "merge",
    "neighbors",
    "open",
    "open_graph",
    "paths",
    "project",
    "query_df",
    "relationships",
    "render",
    "resolve",
    "stats",
    "validate",
]

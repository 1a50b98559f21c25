"""graphkit: a sourced knowledge graph of relationships between governments and tech companies.

>>> import graphkit
>>> with graphkit.open() as kg:
...     graphkit.resolve(kg, "AWS").label
'Amazon Web Services'

The public names are imported on first use, so ``import graphkit`` (and the
command line's start-up) stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from graphkit.__about__ import __version__

if TYPE_CHECKING:
    from graphkit import render
    from graphkit.analysis import centrality, communities, neighbors, paths
    from graphkit.errors import (
        AmbiguousEntityError,
        EntityNotFoundError,
        GraphkitError,
        ParseError,
        QueryError,
        StoreError,
    )
    from graphkit.importer import CsvProblems, ImportProblems, ImportReport, import_csv, import_ftm
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

# public name -> (module, attribute); attribute None means the module itself
_LAZY: dict[str, tuple[str, str | None]] = {
    "AmbiguousEntityError": ("graphkit.errors", "AmbiguousEntityError"),
    "CsvProblems": ("graphkit.importer", "CsvProblems"),
    "ImportProblems": ("graphkit.importer", "ImportProblems"),
    "EntityNotFoundError": ("graphkit.errors", "EntityNotFoundError"),
    "EntityRef": ("graphkit.model.resolve", "EntityRef"),
    "GraphkitError": ("graphkit.errors", "GraphkitError"),
    "ImportReport": ("graphkit.importer", "ImportReport"),
    "KnowledgeGraph": ("graphkit.model.graph", "KnowledgeGraph"),
    "MergeReport": ("graphkit.model.merge", "MergeReport"),
    "ParseError": ("graphkit.errors", "ParseError"),
    "QueryError": ("graphkit.errors", "QueryError"),
    "Relationship": ("graphkit.model.relationships", "Relationship"),
    "RenderedView": ("graphkit.render", "RenderedView"),
    "SourceRef": ("graphkit.model.relationships", "SourceRef"),
    "StoreError": ("graphkit.errors", "StoreError"),
    "centrality": ("graphkit.analysis", "centrality"),
    "communities": ("graphkit.analysis", "communities"),
    "describe": ("graphkit.model.entity", "describe"),
    "import_csv": ("graphkit.importer", "import_csv"),
    "import_ftm": ("graphkit.importer", "import_ftm"),
    "load_schema": ("graphkit.model.schema", "load_schema"),
    "merge": ("graphkit.model.merge", "merge"),
    "neighbors": ("graphkit.analysis", "neighbors"),
    "open": ("graphkit.model.graph", "open_graph"),
    "open_graph": ("graphkit.model.graph", "open_graph"),
    "paths": ("graphkit.analysis", "paths"),
    "project": ("graphkit.projection", "project"),
    "query_df": ("graphkit.model.frames", "query_df"),
    "relationships": ("graphkit.model.relationships", "relationships"),
    "render": ("graphkit.render", None),
    "resolve": ("graphkit.model.resolve", "resolve"),
    "stats": ("graphkit.model.stats", "stats"),
    "validate": ("graphkit.model.validate", "validate"),
}

__all__ = [
    "AmbiguousEntityError",
    "CsvProblems",
    "EntityNotFoundError",
    "EntityRef",
    "GraphkitError",
    "ImportProblems",
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
    "import_ftm",
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


def __getattr__(name: str) -> Any:
    try:
        module_name, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'graphkit' has no attribute {name!r}") from None
    module = importlib.import_module(module_name)
    value = module if attr is None else getattr(module, attr)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

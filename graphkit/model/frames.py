"""SPARQL results as pandas DataFrames, for notebooks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from graphkit.errors import GraphkitError
from graphkit.model.graph import KnowledgeGraph
from graphkit.store.sparql import Term

if TYPE_CHECKING:
    import pandas


def query_df(kg: KnowledgeGraph, sparql: str, bindings: Mapping[str, Term] | None = None) -> pandas.DataFrame:
    """Run a SELECT and return a DataFrame: one column per variable, Python values.

    IRIs and literals become strings, numeric literals numbers, unbound cells None.

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     df = query_df(kg, "SELECT ?who WHERE { ?who gk:metWith gkd:aws }")
    >>> list(df["who"])
    ['https://w3id.org/graphkit/id/judith-collins']
    """
    try:
        import pandas
    except ImportError:
        raise GraphkitError("query_df needs pandas: pip install 'graphkit[notebook]'") from None
    from graphkit.store.base import is_solutions

    result = kg.query(sparql, bindings)
    if not is_solutions(result):
        raise GraphkitError("query_df needs a SELECT query")
    columns = [v.value for v in result.variables]
    from graphkit.model.graph import to_python

    rows = [[to_python(row[c]) for c in columns] for row in result]
    return pandas.DataFrame(rows, columns=columns)

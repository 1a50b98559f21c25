"""The reference SHACL engine: pyshacl over an in-memory copy of the store.

It evaluates every constraint once per focus node, so it is only usable on
small graphs; the tests use it to check the set-based queries of
:mod:`graphkit.model.validate`, which must report exactly the same results.
"""

from __future__ import annotations

import logging
import warnings

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from graphkit.model.graph import KnowledgeGraph
from graphkit.vocab import ONTOLOGY_FILE, SHAPES_FILE, data_dir


def reference_results(kg: KnowledgeGraph) -> set[tuple]:
    """pyshacl's results as ``(focus, path, component, source shape, value)`` tuples.

    The source shape is the node shape's IRI for its own SPARQL constraints,
    else ``(node shape IRI, property path)``; terms are in N-Triples syntax
    (literals as rdflib normalises them).

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     reference_results(kg)
    set()
    """
    import pyshacl

    shapes = rdflib.Graph().parse(data_dir() / SHAPES_FILE, format="turtle")
    data = rdflib.Graph()
    quiet = logging.getLogger("rdflib.term")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # rdflib logs a traceback for each ill-typed literal
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data.parse(data=ox.serialize(kg.triples(), format=ox.RdfFormat.N_TRIPLES), format="nt")
            data.parse(data_dir() / ONTOLOGY_FILE, format="turtle")
            _, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    finally:
        quiet.setLevel(level)
    found = set()
    for result in results.subjects(SH.resultSeverity, None):
        source = results.value(result, SH.sourceShape)
        owner = next(shapes.subjects(SH.property, source), None)
        path = results.value(result, SH.resultPath)
        shape = (str(owner), str(shapes.value(source, SH.path))) if owner is not None else str(source)
        value = results.value(result, SH.value)
        found.add(
            (
                results.value(result, SH.focusNode).n3(),
                None if path is None else str(path),
                str(results.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
                shape,
                None if value is None else value.n3(),
            )
        )
    return found

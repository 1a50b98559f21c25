"""SHACL validation against ``data/shapes.ttl`` with pyshacl."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDFS, SH

from graphkit.dates import is_valid
from graphkit.model.graph import KnowledgeGraph
from graphkit.vocab import ONTOLOGY_FILE, SHAPES_FILE, data_dir, shorten

# rdflib logs a traceback for every literal it cannot convert ("2024-02-30"^^xsd:date);
# validate reports such values itself, as violations.
logging.getLogger("rdflib.term").addFilter(lambda record: "Failed to convert Literal" not in str(record.msg))


@dataclass(frozen=True)
class Violation:
    """One SHACL result, in words a journalist can act on."""

    focus: str
    focus_label: str
    path: str
    message: str
    severity: str
    value: str | None = None

    def to_dict(self) -> dict:
        return self.__dict__.copy()


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"conforms": self.conforms, "violations": [v.to_dict() for v in self.violations]}


def _data_graph(kg: KnowledgeGraph) -> rdflib.Graph:
    # pyshacl walks the graph many times; a plain in-memory copy is much faster
    # than querying through a wrapper, and it leaves the store untouched.
    data = ox.serialize(kg.triples(), format=ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    graph.parse(data=data, format="nt")
    return graph


def validate(kg: KnowledgeGraph) -> ValidationReport:
    """Check the graph against the bundled SHACL shapes.

    The ontology is mixed in so that ``sh:targetClass gk:Entity`` reaches
    every subclass, whether or not the store holds it.

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     validate(kg).conforms
    True
    """
    import pyshacl

    shapes = rdflib.Graph().parse(data_dir() / SHAPES_FILE, format="turtle")
    ontology = rdflib.Graph().parse(data_dir() / ONTOLOGY_FILE, format="turtle")
    data = _data_graph(kg)
    # Merge the ontology in: the shapes need its subclass axioms and its
    # gk:RelationType declarations, which pyshacl's ont_graph would not copy.
    data += ontology
    _, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    violations = []
    for result in results.subjects(SH.resultSeverity, None):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        severity = results.value(result, SH.resultSeverity)
        value = results.value(result, SH.value)
        label = data.value(focus, RDFS.label) if focus is not None else None
        violations.append(
            Violation(
                focus=str(focus),
                focus_label=str(label) if label else shorten(str(focus)),
                path=shorten(str(path)) if path is not None else "",
                message=str(message) if message else "constraint not met",
                severity=str(severity).rsplit("#", 1)[-1],
                value=None if value is None else str(value),
            )
        )
    violations.extend(_impossible_dates(kg, data))
    violations.sort(key=lambda v: (v.focus_label, v.path, v.message))
    return ValidationReport(not violations, violations)


_DATES = """
SELECT ?s ?p ?d WHERE {
  VALUES ?p { dcterms:date schema:startDate schema:endDate dcterms:issued }
  ?s ?p ?d . FILTER(isLiteral(?d))
}"""


def _impossible_dates(kg: KnowledgeGraph, data: rdflib.Graph) -> list[Violation]:
    """Dates that match the pattern but do not exist, such as 2024-02-30 (SHACL cannot tell)."""
    out = []
    for row in kg.select(_DATES):
        text = str(row["d"])
        if re.fullmatch(r"-?\d{4}(-\d{2}(-\d{2})?)?", text) and not is_valid(text):
            label = data.value(rdflib.URIRef(row["s"]), RDFS.label)
            out.append(
                Violation(
                    focus=row["s"],
                    focus_label=str(label) if label else shorten(row["s"]),
                    path=shorten(row["p"]),
                    message=f"{text} is not a real date",
                    severity="Violation",
                    value=text,
                )
            )
    return out

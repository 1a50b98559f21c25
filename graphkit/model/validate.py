"""SHACL validation against ``data/shapes.ttl``, run as set-based queries on the store.

Each constraint of the shapes is one SPARQL query over the whole store (see
:mod:`graphkit.model.shacl_compile`), so validation costs about as much as
reading the data once, on an embedded store as on a remote engine, and
violations come out while the queries run. The data is checked merged with
``data/ontology.ttl`` (its subclasses and relation types), without copying
the store. pyshacl remains the reference (:mod:`graphkit.model.shacl_reference`);
the tests check that both report the same violations.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import pyoxigraph as ox

from graphkit.dates import is_valid
from graphkit.errors import GraphkitError
from graphkit.model.graph import KnowledgeGraph
from graphkit.model.overlay import Overlay
from graphkit.model.shacl_compile import CompiledShapes, Constraint, compile_shapes
from graphkit.model.shacl_queries import QueryContext, plan
from graphkit.store.base import guarded
from graphkit.vocab import ONTOLOGY_FILE, PREFIXES, RDF, RDFS, XSD, data_dir, shorten

#: Focus nodes whose labels are looked up in one query.
_LABEL_BATCH = 500


@dataclass(frozen=True)
class Violation:
    """One SHACL result, in words a journalist can act on."""

    focus: str
    focus_label: str
    path: str
    message: str
    severity: str
    value: str | None = None
    shape: str = ""
    component: str = ""

    def to_dict(self) -> dict:
        return self.__dict__.copy()


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"conforms": self.conforms, "violations": [v.to_dict() for v in self.violations]}


#: Called before each constraint runs: (constraints done, constraints in all, shape name).
Progress = Callable[[int, int, str], None]


def validate(kg: KnowledgeGraph, *, shape: str | None = None, limit: int | None = None) -> ValidationReport:
    """Check the graph against the bundled SHACL shapes.

    The ontology is mixed in so that ``sh:targetClass gk:Entity`` reaches
    every subclass, whether or not the store holds it.

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     validate(kg).conforms
    True
    """
    found = list(iter_violations(kg, shape=shape, limit=limit))
    found.sort(key=lambda v: (v.focus_label, v.path, v.message, v.value or ""))
    return ValidationReport(not found, found)


def iter_violations(
    kg: KnowledgeGraph,
    *,
    shape: str | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
) -> Iterator[Violation]:
    """Yield violations as each constraint's query finds them.

    ``shape`` keeps the constraints of one shape (its ``sh:name`` or IRI,
    such as ``Relationship`` or ``gk:RelationshipShape``); ``limit`` stops
    after that many violations.

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     next(iter_violations(kg, shape="Source"), None) is None
    True
    """
    count = 0
    for constraint, batch, labels in _found(kg, shape, progress):
        for focus, path, value in batch:
            yield _violation(constraint, focus, path, value, labels)
            count += 1
            if limit is not None and count >= limit:
                return


def results(kg: KnowledgeGraph) -> Iterator[tuple[Constraint, ox.Term, ox.Term | None, ox.Term | None]]:
    """Every violation as ``(constraint, focus node, path, value)`` terms, for comparisons.

    >>> import graphkit
    >>> with graphkit.open() as kg:
    ...     list(results(kg))
    []
    """
    for constraint, batch, _ in _found(kg, None, None, labels=False):
        for focus, path, value in batch:
            yield constraint, focus, path, value


def _found(kg: KnowledgeGraph, shape: str | None, progress: Progress | None, *, labels: bool = True):
    shapes = compile_shapes()
    constraints = select_shape(shapes, shape)
    ctx = prepare(kg, shapes)
    seen: set[tuple] = set()
    units = plan(constraints, ctx)
    for number, (group, query) in enumerate(units):
        if progress is not None:
            progress(number, len(units), group[0].shape_name)
        for batch in _batches(_rows(kg, shapes, query), _LABEL_BATCH):
            fresh: list[tuple] = []
            for row in batch:
                focus, path, value = row["this"], _get(row, "path"), _get(row, "value")
                for flag, constraint in enumerate(group):
                    if len(group) > 1 and not _true(_get(row, f"_gk{flag}")):
                        continue
                    if constraint.component == "SPARQLConstraintComponent" and value is None and path is None:
                        value = focus  # pyshacl reports the focus node as the value of a node-level result
                    key = (constraint.source, constraint.component, focus, path, value)
                    if key not in seen:
                        seen.add(key)
                        fresh.append((constraint, focus, path, value))
            found_labels = _labels(kg, ctx.overlay, [f for _, f, _, _ in fresh]) if labels else {}
            for constraint, focus, path, value in fresh:
                yield constraint, [(focus, path, value)], found_labels
    if progress is not None:
        progress(len(units), len(units), "")


def _true(term) -> bool:
    # Virtuoso returns booleans as "1".
    return isinstance(term, ox.Literal) and term.value in ("true", "1")


def select_shape(shapes: CompiledShapes, name: str | None) -> list[Constraint]:
    """The constraints of the shape called ``name`` (all of them when None)."""
    if name is None:
        return shapes.constraints
    wanted = name.casefold()
    chosen = [
        c
        for c in shapes.constraints
        if wanted in (c.shape_name.casefold(), c.shape.casefold(), shorten(c.shape).casefold())
    ]
    if not chosen:
        known = ", ".join(shapes.shape_names())
        raise GraphkitError(f"no shape called {name!r}; the shapes are: {known}")
    return chosen


def prepare(kg: KnowledgeGraph, shapes: CompiledShapes) -> QueryContext:
    """Look up what the queries need: missing ontology triples, subclasses, invalid literals."""
    ontology = list(ox.parse(path=str(data_dir() / ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE))
    overlay = Overlay(_missing(kg, ontology), {**PREFIXES, **shapes.prefixes})
    parents: dict[str, set[str]] = {}
    sub = overlay.pattern("?a", f"<{RDFS}subClassOf>", "?b")
    for row in guarded(kg.query(f"SELECT ?a ?b WHERE {{ {sub} FILTER(isIRI(?a) && isIRI(?b)) }}")):
        parents.setdefault(row["b"].value, set()).add(row["a"].value)
    roots = {t for c in shapes.constraints for t in c.targets} | shapes.classes
    subclasses = {root: sorted(_closure(root, parents)) for root in roots}
    return QueryContext(overlay, subclasses, _bad_literals(kg, shapes, overlay), _typed_extras(kg, overlay))


def _typed_extras(kg: KnowledgeGraph, overlay: Overlay) -> dict[str, set[str]]:
    """The classes of the extra triples' subjects (``<class>`` -> ``<subject>`` texts)."""
    subjects = sorted({str(t.subject) for t in overlay.all})
    found: dict[str, set[str]] = {}
    for t in overlay.by_predicate.get(f"<{RDF}type>", []):
        found.setdefault(str(t.object), set()).add(str(t.subject))
    for start in range(0, len(subjects), 500):
        chunk = " ".join(subjects[start : start + 500])
        query = f"SELECT ?s ?c WHERE {{ VALUES ?s {{ {chunk} }} ?s a ?c }}"
        for row in guarded(kg.query(query)):
            found.setdefault(str(row["c"]), set()).add(str(row["s"]))
    return found


def _missing(kg: KnowledgeGraph, triples: list[ox.Triple]) -> list[ox.Triple]:
    """The triples (of the ontology) that the store does not hold.

    The file's blank nodes (OWL lists) are never in the store under the same
    name, so they are always added, named by IRIs since a query cannot
    mention a blank node.
    """
    triples = [ox.Triple(_named(t.subject), t.predicate, _named(t.object)) for t in triples]
    missing = []
    for start in range(0, len(triples), 200):
        chunk = triples[start : start + 200]
        rows = " ".join(f"({t.subject} {t.predicate} {t.object})" for t in chunk)
        query = f"SELECT ?s ?p ?o WHERE {{ VALUES (?s ?p ?o) {{ {rows} }} FILTER NOT EXISTS {{ ?s ?p ?o }} }}"
        missing.extend(ox.Triple(r["s"], r["p"], r["o"]) for r in guarded(kg.query(query)))
    return missing


def _named(term):
    if isinstance(term, ox.BlankNode):
        return ox.NamedNode(f"urn:graphkit:ontology-node:{term.value}")
    return term


def _closure(root: str, parents: dict[str, set[str]]) -> set[str]:
    found = {root}
    todo = [root]
    while todo:
        for child in parents.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


# What pyshacl accepts as the value of a well-typed literal (rdflib's conversion).
_PYTHON_TYPES = {
    XSD + "integer": int,
    XSD + "float": float,
    XSD + "decimal": Decimal,
    XSD + "boolean": bool,
}


def _bad_literals(
    kg: KnowledgeGraph, shapes: CompiledShapes, overlay: Overlay
) -> dict[str, list[ox.Literal]]:
    """Literals with a constrained datatype whose lexical form is not valid (rdflib's rules)."""
    paths = sorted(
        {c.path for c in shapes.constraints if c.path and "{bad:" in str(c.params.get("test", ""))}
    )
    datatypes = sorted(shapes.checked_datatypes)
    if not paths or not datatypes:
        return {}
    pattern = overlay.pattern("?s", "?p", "?v")
    query = (
        f"SELECT DISTINCT ?v WHERE {{ VALUES ?p {{ {' '.join(f'<{p}>' for p in paths)} }} {pattern} . "
        f"FILTER(isLiteral(?v) && datatype(?v) IN ({', '.join(f'<{d}>' for d in datatypes)})) }}"
    )
    bad: dict[str, list[ox.Literal]] = {}
    for row in guarded(kg.query(query)):
        literal = row["v"]
        if not lexical_ok(literal.value, literal.datatype.value):
            bad.setdefault(literal.datatype.value, []).append(literal)
    return bad


def lexical_ok(text: str, datatype: str) -> bool:
    """True when rdflib (and so pyshacl) reads ``text`` as a valid ``datatype`` value.

    >>> lexical_ok("2024-02-30", "http://www.w3.org/2001/XMLSchema#date")
    False
    """
    import datetime

    import rdflib

    quiet = logging.getLogger("rdflib.term")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # rdflib logs a traceback for each invalid literal
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            literal = rdflib.Literal(text, datatype=rdflib.URIRef(datatype))
    finally:
        quiet.setLevel(level)
    if getattr(literal, "ill_typed", None) is True:
        return False
    if datatype == XSD + "date":
        return isinstance(literal.value, datetime.date)
    if datatype in (XSD + "time", XSD + "dateTime"):
        return isinstance(literal.value, datetime.time if datatype.endswith("time") else datetime.datetime)
    wanted = _PYTHON_TYPES.get(datatype)
    return wanted is None or isinstance(literal.value, wanted)


def _rows(kg: KnowledgeGraph, shapes: CompiledShapes, query: str) -> Iterator[ox.QuerySolution]:
    prologue = "".join(f"PREFIX {p}: <{ns}> " for p, ns in shapes.prefixes.items())
    return guarded(kg.query(prologue + query))


def _get(row: ox.QuerySolution, name: str):
    try:
        return row[name]
    except (KeyError, IndexError):
        return None


def _batches(rows: Iterator, size: int) -> Iterator[list]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _labels(kg: KnowledgeGraph, overlay: Overlay, nodes: list) -> dict:
    named = sorted({str(n) for n in nodes if isinstance(n, ox.NamedNode)})
    if not named:
        return {}
    label = overlay.pattern("?x", f"<{RDFS}label>", "?l")
    query = (
        f"SELECT ?x (MIN(STR(?l)) AS ?label) "
        f"WHERE {{ VALUES ?x {{ {' '.join(named)} }} {label} }} GROUP BY ?x"
    )
    return {row["x"]: row["label"].value for row in guarded(kg.query(query)) if row["label"] is not None}


def _show(term) -> str:
    if isinstance(term, ox.NamedNode):
        return shorten(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


_DATE_LIKE = re.compile(r"-?[0-9]{4}-[0-9]{2}(-[0-9]{2})?")


def _violation(c: Constraint, focus, path, value, labels: dict) -> Violation:
    path_iri = path.value if isinstance(path, ox.NamedNode) else c.path
    message = c.message or f"{c.component.removesuffix('ConstraintComponent')} constraint not met"
    for name, term in (("?path", path), ("?value", value), ("$this", focus), ("?this", focus)):
        if term is not None:
            message = message.replace("{" + name + "}", _show(term))
    if isinstance(value, ox.Literal) and _DATE_LIKE.fullmatch(value.value) and not is_valid(value.value):
        message = f"{value.value} is not a real date. {message}"
    focus_text = focus.value if isinstance(focus, ox.NamedNode) else str(focus)
    return Violation(
        focus=focus_text,
        focus_label=labels.get(focus) or shorten(focus_text),
        path=shorten(path_iri) if path_iri else "",
        message=message,
        severity=c.severity,
        value=None if value is None else (value.value if not isinstance(value, ox.BlankNode) else str(value)),
        shape=shorten(c.shape),
        component="sh:" + c.component,
    )

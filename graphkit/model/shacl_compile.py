"""Compile SHACL shapes into set-based SPARQL: one query per constraint, over the whole store.

A SHACL engine such as pyshacl evaluates every constraint once per focus
node, through Python; on a large store that is far too slow. Here each
constraint of ``data/shapes.ttl`` becomes one SELECT that returns every
violating (focus node, value) pair at once, so the store's engine (embedded
or remote) does the work with its indexes, and the cost grows with the data.

Only what pyshacl would report is reported: the same focus nodes, paths,
constraint components and values. Two parts depend on the data and are
filled in at run time (see :mod:`graphkit.model.validate`): the subclasses of
each target class (``rdfs:subClassOf`` in the store and the ontology), and
the literals that carry the right datatype but an impossible value (checked
in Python with rdflib's own rules, as pyshacl does).

>>> shapes = compile_shapes()
>>> sorted({c.component for c in shapes.constraints})[:3]
['ClassConstraintComponent', 'DatatypeConstraintComponent', 'MaxCountConstraintComponent']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import RDF, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD

from graphkit.errors import GraphkitError
from graphkit.vocab import SHAPES_FILE, data_dir


class ShapeNotCompilable(GraphkitError):
    """A shape uses a SHACL feature that the compiler does not translate."""


# Parameters of the constraint components the compiler translates.
_PROPERTY_KEYS = {
    SH.minCount, SH.maxCount, SH.datatype, SH.nodeKind, SH.minLength, SH.maxLength,
    SH.pattern, SH["class"], SH["or"], SH["in"], SH.hasValue,
}  # fmt: skip
# Words about a shape that constrain nothing.
_NON_VALIDATING = {
    RDF.type, SH.name, SH.message, SH.description, SH.path, SH.property, SH.targetClass,
    SH.severity, SH.order, SH.group, SH.sparql, SH.deactivated, SH.flags,
    URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
    URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
}  # fmt: skip
_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}


@dataclass
class Constraint:
    """One constraint component of one shape, ready to become a query."""

    shape: str  #: the node shape (IRI) the constraint belongs to
    shape_name: str  #: its sh:name, for ``--shape`` and messages
    source: rdflib.term.Node  #: the property shape or SPARQL constraint node
    targets: list[str]  #: sh:targetClass IRIs of the node shape
    component: str  #: e.g. "MinCountConstraintComponent"
    path: str | None  #: the property IRI (None for a node-level SPARQL constraint)
    message: str
    severity: str
    params: dict = field(default_factory=dict)

    @property
    def needs_values(self) -> bool:
        """True when a violation is about one value (sh:value is reported)."""
        return self.component not in ("MinCountConstraintComponent", "MaxCountConstraintComponent")


@dataclass
class CompiledShapes:
    constraints: list[Constraint]
    prefixes: dict[str, str]
    #: Datatypes whose literals need rdflib's lexical check (all but xsd:string).
    checked_datatypes: set[str]
    #: Classes used by sh:class, whose subclasses are looked up at run time.
    classes: set[str]

    def shape_names(self) -> list[str]:
        return sorted({c.shape_name for c in self.constraints})


def _text(graph: rdflib.Graph, node, predicate, default: str = "") -> str:
    value = graph.value(node, predicate)
    return str(value) if value is not None else default


def _severity(graph: rdflib.Graph, node) -> str:
    value = graph.value(node, SH.severity)
    return str(value).rsplit("#", 1)[-1] if value is not None else "Violation"


def compile_shapes(path: Path | None = None) -> CompiledShapes:
    """Read a shapes file (``data/shapes.ttl`` by default) into constraints."""
    graph = rdflib.Graph().parse(path or data_dir() / SHAPES_FILE, format="turtle")
    prefixes: dict[str, str] = {}
    for decl in graph.objects(None, SH.declare):
        prefixes[str(graph.value(decl, SH.prefix))] = str(graph.value(decl, SH.namespace))
    constraints: list[Constraint] = []
    datatypes: set[str] = set()
    classes: set[str] = set()
    for shape in sorted(set(graph.subjects(RDF.type, SH.NodeShape)), key=str):
        if graph.value(shape, SH.deactivated) == Literal(True):
            continue
        for key in set(graph.predicates(shape)) - _NON_VALIDATING:
            raise ShapeNotCompilable(f"{shape}: node-level {key} is not compiled")
        targets = [str(t) for t in graph.objects(shape, SH.targetClass)]
        name = _text(graph, shape, SH.name, str(shape).rsplit("#", 1)[-1])
        base = {"shape": str(shape), "shape_name": name, "targets": targets}
        for prop in graph.objects(shape, SH.property):
            constraints.extend(_property(graph, prop, base, datatypes, classes))
        for sparql in graph.objects(shape, SH.sparql):
            if graph.value(sparql, SH.deactivated) == Literal(True):
                continue
            select = graph.value(sparql, SH.select)
            if select is None:
                raise ShapeNotCompilable(f"{shape}: a SPARQL constraint without sh:select")
            constraints.append(
                Constraint(
                    **base,
                    source=sparql,
                    component="SPARQLConstraintComponent",
                    path=None,
                    message=_text(graph, sparql, SH.message, _text(graph, shape, SH.message)),
                    severity=_severity(graph, shape),
                    params={"select": str(select)},
                )
            )
    return CompiledShapes(constraints, prefixes, datatypes, classes)


def _property(graph, prop, base, datatypes, classes) -> list[Constraint]:
    if graph.value(prop, SH.deactivated) == Literal(True):
        return []
    path = graph.value(prop, SH.path)
    if not isinstance(path, URIRef):
        raise ShapeNotCompilable(f"{base['shape']}: only plain property paths are compiled")
    for key in set(graph.predicates(prop)) - _NON_VALIDATING - _PROPERTY_KEYS:
        raise ShapeNotCompilable(f"{base['shape']} {path}: {key} is not compiled")
    message = _text(graph, prop, SH.message)
    common = {**base, "source": prop, "path": str(path), "message": message,
              "severity": _severity(graph, prop)}  # fmt: skip
    out = []

    def add(component: str, **params) -> None:
        out.append(Constraint(**common, component=component, params=params))

    for key, component in ((SH.minCount, "MinCount"), (SH.maxCount, "MaxCount"),
                           (SH.minLength, "MinLength"), (SH.maxLength, "MaxLength")):  # fmt: skip
        for value in graph.objects(prop, key):
            add(component + "ConstraintComponent", limit=int(value))
    for value in graph.objects(prop, SH.datatype):
        add("DatatypeConstraintComponent", test=_datatype_test(str(value), datatypes))
    for value in graph.objects(prop, SH.nodeKind):
        add("NodeKindConstraintComponent", test=_NODE_KINDS[value])
    for value in graph.objects(prop, SH.pattern):
        flags = _text(graph, prop, SH.flags)
        add("PatternConstraintComponent", pattern=str(value), flags=flags)
    for value in graph.objects(prop, SH["class"]):
        classes.add(str(value))
        add("ClassConstraintComponent", cls=str(value))
    for value in graph.objects(prop, SH["in"]):
        members = list(Collection(graph, value))
        add("InConstraintComponent", members=members)
    for value in graph.objects(prop, SH.hasValue):
        add("HasValueConstraintComponent", value=value)
    for value in graph.objects(prop, SH["or"]):
        tests = [_member_test(graph, member, datatypes) for member in Collection(graph, value)]
        add("OrConstraintComponent", test="(" + " || ".join(tests) + ")")
    return out


def _datatype_test(datatype: str, datatypes: set[str]) -> str:
    """A SPARQL test, on ``{v}``, that a value conforms to ``sh:datatype``.

    ``{bad}`` is replaced at run time by the test for literals whose lexical
    form rdflib rejects (see :func:`graphkit.model.validate`).
    """
    if datatype != str(XSD.string):
        datatypes.add(datatype)
    if datatype == str(RDF.langString):
        return '(isLiteral({v}) && lang({v}) != "")'
    # lang() first: some engines (Virtuoso) give a language-tagged literal the datatype xsd:string.
    typed = f'(isLiteral({{v}}) && lang({{v}}) = "" && datatype({{v}}) = <{datatype}>'
    return typed + (f" && !({{bad:{datatype}}}))" if datatype != str(XSD.string) else ")")


def _member_test(graph, member, datatypes) -> str:
    keys = set(graph.predicates(member)) - {RDF.type}
    if keys == {SH.datatype}:
        return _datatype_test(str(graph.value(member, SH.datatype)), datatypes)
    if keys == {SH.nodeKind}:
        return _NODE_KINDS[graph.value(member, SH.nodeKind)]
    raise ShapeNotCompilable(f"sh:or member with {sorted(map(str, keys))} is not compiled")

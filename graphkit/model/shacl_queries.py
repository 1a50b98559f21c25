"""The SPARQL text of each compiled constraint (see :mod:`graphkit.model.shacl_compile`).

Every query selects ``?this`` (the focus node) and, for constraints about a
value, ``?value``; a SPARQL constraint may also select ``?path``. The
queries are written for the whole store at once: the focus nodes are the
instances of the target classes and of their subclasses, given as a
``VALUES`` table, so no property path has to walk the class hierarchy.

>>> from graphkit.model.overlay import Overlay
>>> ctx = QueryContext(Overlay([]), {"http://e/C": ["http://e/C"]}, {})
>>> c = Constraint("s", "S", None, ["http://e/C"], "MinCountConstraintComponent",
...                "http://e/p", "", "Violation", {"limit": 1})
>>> print(query_for(c, ctx).replace(RDF, "rdf:"))  # doctest: +NORMALIZE_WHITESPACE
SELECT DISTINCT ?this WHERE { VALUES ?_gkClass { <http://e/C> } ?this <rdf:type> ?_gkClass .
FILTER NOT EXISTS { ?this <http://e/p> ?value } }
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from graphkit.model.overlay import Overlay
from graphkit.model.shacl_compile import Constraint, ShapeNotCompilable
from graphkit.vocab import RDF

_TYPE = f"<{RDF}type>"


@dataclass
class QueryContext:
    """What the queries need to know about the data before they run."""

    overlay: Overlay
    #: class IRI -> the class and all its subclasses (store and ontology).
    subclasses: dict[str, list[str]]
    #: datatype IRI -> literals of that datatype whose lexical form is invalid.
    bad_literals: dict[str, list[ox.Literal]]

    def classes(self, roots: list[str]) -> str:
        members = sorted({c for root in roots for c in self.subclasses.get(root, [root])})
        return " ".join(f"<{c}>" for c in members)


def _focus(c: Constraint, ctx: QueryContext) -> str:
    return (
        f"VALUES ?_gkClass {{ {ctx.classes(c.targets)} }} "
        f"{ctx.overlay.pattern('?this', _TYPE, '?_gkClass')} ."
    )


def _bad(test: str, ctx: QueryContext) -> str:
    """Fill ``{bad:DATATYPE}`` in a datatype test with the invalid literals found."""

    def fill(match: re.Match) -> str:
        bad = ctx.bad_literals.get(match.group(1), [])
        if not bad:
            return "false"
        return "(" + " || ".join(f"sameTerm(?value, {lit})" for lit in bad) + ")"

    return re.sub(r"\{bad:([^}]*)\}", fill, test).replace("{v}", "?value")


def _values_query(c: Constraint, ctx: QueryContext, violation: str) -> str:
    values = ctx.overlay.pattern("?this", f"<{c.path}>", "?value")
    return f"SELECT DISTINCT ?this ?value WHERE {{ {_focus(c, ctx)} {values} . FILTER({violation}) }}"


def _regex(pattern: str, flags: str) -> str:
    """pyshacl matches with Python's ``re``, whose ``$`` also matches before a final newline."""
    pat = str(ox.Literal(pattern))
    flag = str(ox.Literal(flags))
    whole = f"REGEX(STR(?value), {pat}, {flag})"
    chopped = f"REGEX(SUBSTR(STR(?value), 1, STRLEN(STR(?value)) - 1), {pat}, {flag})"
    if "$" not in pattern or "m" in flags:
        return whole
    return f'({whole} || (STRENDS(STR(?value), "\\n") && {chopped}))'


def query_for(c: Constraint, ctx: QueryContext) -> str | None:
    """The SELECT returning every violation of ``c``, or None when it cannot be violated."""
    kind = c.component
    limit = c.params.get("limit")
    if kind == "SPARQLConstraintComponent":
        return _sparql_constraint(c, ctx)
    path = f"<{c.path}>"
    values = ctx.overlay.pattern("?this", path, "?value")
    if kind == "MinCountConstraintComponent":
        if limit <= 0:
            return None
        if limit == 1:
            return f"SELECT DISTINCT ?this WHERE {{ {_focus(c, ctx)} FILTER NOT EXISTS {{ {values} }} }}"
        return (
            f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE {{ "
            f"{_focus(c, ctx)} OPTIONAL {{ {values} }} }} GROUP BY ?this }} FILTER(?n < {limit}) }}"
        )
    if kind == "MaxCountConstraintComponent":
        return (
            f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE {{ "
            f"{_focus(c, ctx)} {values} }} GROUP BY ?this }} FILTER(?n > {limit}) }}"
        )
    if kind in ("DatatypeConstraintComponent", "NodeKindConstraintComponent", "OrConstraintComponent"):
        return _values_query(c, ctx, f"!{_bad(c.params['test'], ctx)}")
    if kind == "MinLengthConstraintComponent":
        if limit <= 0:
            return None
        return _values_query(c, ctx, f"isBlank(?value) || STRLEN(STR(?value)) < {limit}")
    if kind == "MaxLengthConstraintComponent":
        return _values_query(c, ctx, f"isBlank(?value) || STRLEN(STR(?value)) > {limit}")
    if kind == "PatternConstraintComponent":
        match = _regex(c.params["pattern"], c.params["flags"])
        return _values_query(c, ctx, f"isBlank(?value) || !{match}")
    if kind == "ClassConstraintComponent":
        types = ctx.overlay.pattern("?value", _TYPE, "?_gkValueClass")
        return _values_query(
            c,
            ctx,
            f"NOT EXISTS {{ VALUES ?_gkValueClass {{ {ctx.classes([c.params['cls']])} }} {types} }}",
        )
    if kind == "InConstraintComponent":
        members = [ox_term(m) for m in c.params["members"]]
        allowed = " || ".join(f"sameTerm(?value, {m})" for m in members) or "false"
        return _values_query(c, ctx, f"!({allowed})")
    if kind == "HasValueConstraintComponent":
        wanted = ctx.overlay.pattern("?this", path, ox_term(c.params["value"]))
        return f"SELECT DISTINCT ?this WHERE {{ {_focus(c, ctx)} FILTER NOT EXISTS {{ {wanted} }} }}"
    raise ShapeNotCompilable(f"{kind} is not compiled")


def ox_term(node) -> str:
    """An rdflib IRI or literal in N-Triples syntax (escaped by Oxigraph)."""
    import rdflib

    if isinstance(node, rdflib.URIRef):
        return str(ox.NamedNode(str(node)))
    if isinstance(node, rdflib.Literal):
        if node.language:
            return str(ox.Literal(str(node), language=node.language))
        datatype = ox.NamedNode(str(node.datatype)) if node.datatype else None
        return str(ox.Literal(str(node), datatype=datatype))
    raise ShapeNotCompilable(f"{node!r} cannot be written into a query")


def _sparql_constraint(c: Constraint, ctx: QueryContext) -> str:
    """The shape's own SELECT, with ``$this`` bound to every focus node at once."""
    text = re.sub(r"\$this\b", "?this", c.params["select"])
    if re.search(r"\$(?!this\b)\w+", text):
        raise ShapeNotCompilable(f"{c.shape}: pre-bound variables other than $this are not compiled")
    text = ctx.overlay.rewrite(text)
    match = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
    if match is None:
        raise ShapeNotCompilable(f"{c.shape}: the SPARQL constraint has no WHERE group")
    return text[: match.end()] + " " + _focus(c, ctx) + " " + text[match.end() :]

"""The SPARQL text of each compiled constraint (see :mod:`graphkit.model.shacl_compile`).

Every query selects ``?this`` (the focus node) and, for constraints about a
value, ``?value``; a SPARQL constraint may also select ``?path``. The
queries are written for the whole store at once: the focus nodes are the
instances of the target classes and of their subclasses, given as a
``VALUES`` table, so no property path has to walk the class hierarchy.

>>> from graphkit.model.overlay import Overlay, OverlayError
>>> ctx = QueryContext(Overlay([]), {"http://e/C": ["http://e/C"]}, {})
>>> c = Constraint("s", "S", None, ["http://e/C"], "MinCountConstraintComponent",
...                "http://e/p", "", "Violation", {"limit": 1})
>>> print(query_for(c, ctx).replace(RDF, "rdf:"))  # doctest: +NORMALIZE_WHITESPACE
SELECT DISTINCT ?this WHERE { VALUES ?_gkClass { <http://e/C> } ?this <rdf:type> ?_gkClass .
MINUS { ?this <http://e/p> ?value } }
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from graphkit.model.overlay import Overlay, OverlayError
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
    #: extra (ontology) subjects that are instances of some class, by class.
    typed_extras: dict[str, set[str]] = field(default_factory=dict)

    def focus_limit(self, roots: list[str]) -> dict[str, set[str]]:
        """``?this`` can only be an extra subject that is an instance of a target."""
        return {"?this": {s for c in self.class_set(roots) for s in self.typed_extras.get(c, ())}}

    def class_set(self, roots: list[str]) -> set[str]:
        """The roots and their subclasses, as ``<IRI>`` texts."""
        return {f"<{c}>" for root in roots for c in self.subclasses.get(root, [root])}

    def classes(self, roots: list[str]) -> str:
        return " ".join(sorted(self.class_set(roots)))


def _focus(c: Constraint, ctx: QueryContext) -> str:
    classes = {"?_gkClass": ctx.class_set(c.targets)}
    return (
        f"VALUES ?_gkClass {{ {ctx.classes(c.targets)} }} "
        f"{ctx.overlay.pattern('?this', _TYPE, '?_gkClass', classes)} ."
    )


def _values(c: Constraint, ctx: QueryContext) -> str:
    return ctx.overlay.pattern("?this", f"<{c.path}>", "?value", ctx.focus_limit(c.targets))


def _bad(test: str, ctx: QueryContext) -> str:
    """Fill ``{bad:DATATYPE}`` in a datatype test with the invalid literals found."""

    def fill(match: re.Match) -> str:
        bad = ctx.bad_literals.get(match.group(1), [])
        if not bad:
            return "false"
        return "(" + " || ".join(f"sameTerm(?value, {lit})" for lit in bad) + ")"

    return re.sub(r"\{bad:([^}]*)\}", fill, test).replace("{v}", "?value")


def _then_focus(c: Constraint, ctx: QueryContext, select: str, inner: str) -> str:
    """``inner`` run over the whole property first, then kept for focus nodes only.

    Violations are rare: finding them among all the values of one property
    and then checking the type of the few found is much cheaper than
    visiting every focus node.
    """
    return f"SELECT DISTINCT {select} WHERE {{ {{ SELECT {select} WHERE {{ {inner} }} }} {_focus(c, ctx)} }}"


def _values_query(c: Constraint, ctx: QueryContext, violation: str) -> str:
    return _then_focus(c, ctx, "?this ?value", f"{_values(c, ctx)} . FILTER({violation})")


def _regex(pattern: str, flags: str) -> str:
    """pyshacl matches with Python's ``re``, whose ``$`` also matches before a final newline."""
    pat = str(ox.Literal(pattern))
    flag = str(ox.Literal(flags))
    whole = f"REGEX(STR(?value), {pat}, {flag})"
    chopped = f"REGEX(SUBSTR(STR(?value), 1, STRLEN(STR(?value)) - 1), {pat}, {flag})"
    if "$" not in pattern or "m" in flags:
        return whole
    return f'({whole} || (STRENDS(STR(?value), "\\n") && {chopped}))'


VALUE_TESTS = {
    "DatatypeConstraintComponent",
    "NodeKindConstraintComponent",
    "OrConstraintComponent",
    "MinLengthConstraintComponent",
    "MaxLengthConstraintComponent",
    "PatternConstraintComponent",
    "InConstraintComponent",
}


def value_test(c: Constraint, ctx: QueryContext) -> str | None:
    """A SPARQL expression, true when ``?value`` violates ``c`` (None: never violated)."""
    kind = c.component
    limit = c.params.get("limit")
    if kind in ("DatatypeConstraintComponent", "NodeKindConstraintComponent", "OrConstraintComponent"):
        return f"!{_bad(c.params['test'], ctx)}"
    if kind == "MinLengthConstraintComponent":
        return None if limit <= 0 else f"isBlank(?value) || STRLEN(STR(?value)) < {limit}"
    if kind == "MaxLengthConstraintComponent":
        return f"isBlank(?value) || STRLEN(STR(?value)) > {limit}"
    if kind == "PatternConstraintComponent":
        return f"isBlank(?value) || !{_regex(c.params['pattern'], c.params['flags'])}"
    if kind == "InConstraintComponent":
        members = [ox_term(m) for m in c.params["members"]]
        return "!(" + (" || ".join(f"sameTerm(?value, {m})" for m in members) or "false") + ")"
    raise ShapeNotCompilable(f"{kind} is not a test on values")


def plan(constraints: list[Constraint], ctx: QueryContext) -> list[tuple[list[Constraint], str]]:
    """The queries to run: ``(constraints, SELECT)`` pairs.

    Tests on the values of one path of one shape share a query, which reads
    the values once and flags each test in ``?_gk0``, ``?_gk1``...; a query
    for a single constraint has no flags.
    """
    units: list[tuple[list[Constraint], str | None]] = []
    shared: dict[tuple, int] = {}
    for c in constraints:
        if c.component in VALUE_TESTS:
            if value_test(c, ctx) is None:
                continue
            key = (c.shape, c.path)
            if key not in shared:
                shared[key] = len(units)
                units.append(([], None))
            units[shared[key]][0].append(c)
        else:
            query = query_for(c, ctx)
            if query is not None:
                units.append(([c], query))
    out = []
    for group, query in units:
        if query is None and len(group) == 1:
            query = query_for(group[0], ctx)
        elif query is None:
            tests = [value_test(c, ctx) for c in group]
            binds = " ".join(f"BIND(({t}) AS ?_gk{i})" for i, t in enumerate(tests))
            flags = " ".join(f"?_gk{i}" for i in range(len(group)))
            either = " || ".join(f"?_gk{i}" for i in range(len(group)))
            inner = f"{_values(group[0], ctx)} . {binds} FILTER({either})"
            query = _then_focus(group[0], ctx, f"?this ?value {flags}", inner)
        out.append((group, query))
    return out


def query_for(c: Constraint, ctx: QueryContext) -> str | None:
    """The SELECT returning every violation of ``c``, or None when it cannot be violated."""
    kind = c.component
    limit = c.params.get("limit")
    if kind == "SPARQLConstraintComponent":
        return _sparql_constraint(c, ctx)
    path = f"<{c.path}>"
    values = _values(c, ctx)
    if kind == "MinCountConstraintComponent":
        if limit <= 0:
            return None
        if limit == 1:
            return f"SELECT DISTINCT ?this WHERE {{ {_focus(c, ctx)} MINUS {{ {values} }} }}"
        return (
            f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE {{ "
            f"{_focus(c, ctx)} OPTIONAL {{ {values} }} }} GROUP BY ?this }} FILTER(?n < {limit}) }}"
        )
    if kind == "MaxCountConstraintComponent":
        # Counted over the whole property first, as in _then_focus.
        return (
            f"SELECT DISTINCT ?this WHERE {{ {{ SELECT ?this WHERE {{ {values} }} GROUP BY ?this "
            f"HAVING (COUNT(DISTINCT ?value) > {limit}) }} {_focus(c, ctx)} }}"
        )
    if kind in VALUE_TESTS:
        test = value_test(c, ctx)
        return None if test is None else _values_query(c, ctx, test)
    if kind == "ClassConstraintComponent":
        # MINUS, not FILTER NOT EXISTS: one hash join instead of a lookup per value.
        members = ctx.classes([c.params["cls"]])
        limit = {"?_gkValueClass": ctx.class_set([c.params["cls"]])}
        types = ctx.overlay.pattern("?value", _TYPE, "?_gkValueClass", limit)
        allowed = f"VALUES ?_gkValueClass {{ {members} }}"
        return _then_focus(c, ctx, "?this ?value", f"{_values(c, ctx)} . MINUS {{ {allowed} {types} }}")
    if kind == "HasValueConstraintComponent":
        wanted = ctx.overlay.pattern("?this", path, ox_term(c.params["value"]), ctx.focus_limit(c.targets))
        return f"SELECT DISTINCT ?this WHERE {{ {_focus(c, ctx)} MINUS {{ {wanted} }} }}"
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
    try:
        ctx.overlay.restrict = ctx.focus_limit(c.targets)
        # The focus nodes last: the engine then starts from the query's own patterns.
        return ctx.overlay.rewrite(text, append=_focus(c, ctx))
    except OverlayError as exc:
        if ctx.overlay:
            raise ShapeNotCompilable(f"{c.shape}: {exc}") from None
    finally:
        ctx.overlay.restrict = {}
    match = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
    if match is None:
        raise ShapeNotCompilable(f"{c.shape}: the SPARQL constraint has no WHERE group")
    return text[: match.end()] + " " + _focus(c, ctx) + " " + text[match.end() :]

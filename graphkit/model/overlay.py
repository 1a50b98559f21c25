"""Query a store as if a few extra triples were in it (the ontology, for validation).

SHACL validates the data merged with ``data/ontology.ttl``. Copying a large
store to merge it would cost as much as loading it again, and a remote store
cannot be written to at all, so instead every triple pattern of a query that
could match one of the extra triples becomes a union of the pattern and a
``VALUES`` table of the matching extra triples. When the store already holds
the ontology there are no extra triples and the query is left unchanged.

>>> import pyoxigraph as ox
>>> extra = Overlay([ox.Triple(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x"))])
>>> extra.pattern("?s", "<http://e/p>", "?o")
'{ ?s <http://e/p> ?o } UNION { VALUES (?s ?o) { (<http://e/a> "x") } }'
>>> extra.pattern("?s", "<http://e/q>", "?o")
'?s <http://e/q> ?o'
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

_TOKEN = re.compile(
    r"""
    (?P<space>\s+|\#[^\n]*)
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<var>[?$][A-Za-z0-9_]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-.]*?:[A-Za-z0-9_\-.]*[A-Za-z0-9_\-]
           |[A-Za-z_][A-Za-z0-9_\-]*:|[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>[+-]?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}().;,\[\]!=<>*+/|^@-])
    """,
    re.VERBOSE,
)

# Words that start something other than a triple inside a group.
_CLAUSES = {"FILTER", "BIND", "VALUES", "OPTIONAL", "MINUS", "UNION", "GRAPH", "SERVICE", "SELECT"}


class OverlayError(ValueError):
    """A SPARQL text the overlay cannot rewrite (it is then run by the reference engine)."""


class Overlay:
    """Extra triples, indexed by predicate, that queries should see."""

    def __init__(self, triples: Iterable[ox.Triple], prefixes: Mapping[str, str] | None = None):
        #: variable -> the only values it can take (rows giving it another value are left out)
        self.restrict: dict[str, set[str]] = {}
        self.by_predicate: dict[str, list[ox.Triple]] = defaultdict(list)
        self.all: list[ox.Triple] = []
        for t in triples:
            self.by_predicate[str(t.predicate)].append(t)
            self.all.append(t)
        self.prefixes = dict(prefixes or {})

    def __bool__(self) -> bool:
        return bool(self.all)

    # -- single patterns ----------------------------------------------------

    def pattern(self, s: str, p: str, o: str, restrict: Mapping[str, set[str]] | None = None) -> str:
        """``s p o`` as SPARQL, joined with the extra triples it matches.

        Each of ``s``, ``p``, ``o`` is a variable (``?x``) or a term in
        N-Triples syntax. ``restrict`` (and :attr:`restrict`) maps variables
        to the values they may take in the query: extra rows that give them
        another value could never join, and are left out.
        """
        limits = {**self.restrict, **(restrict or {})}
        rows = self.all if p.startswith(("?", "$")) else self.by_predicate.get(p, [])
        plain = f"{s} {p} {o}"
        if not rows:
            return plain
        names: list[str] = []
        positions: list[int] = []
        for i, term in enumerate((s, p, o)):
            if term.startswith(("?", "$")) and term not in names:
                names.append(term)
                positions.append(i)
        table = []
        for t in rows:
            parts = (str(t.subject), str(t.predicate), str(t.object))
            binding: dict[str, str] = {}
            ok = True
            for term, value in zip((s, p, o), parts, strict=True):
                if term.startswith(("?", "$")):
                    ok = binding.setdefault(term, value) == value
                    ok = ok and (term not in limits or value in limits[term])
                else:
                    ok = term == value
                if not ok:
                    break
            if ok:
                table.append("(" + " ".join(binding[n] for n in names) + ")")
        if not table:
            return plain
        if not names:
            return f"{{ {plain} }} UNION {{ }}"
        head = " ".join("?" + n[1:] for n in names)
        return f"{{ {plain} }} UNION {{ VALUES ({head}) {{ {' '.join(sorted(set(table)))} }} }}"

    # -- whole query texts -------------------------------------------------

    def rewrite(self, sparql: str, append: str = "") -> str:
        """Every basic triple pattern of ``sparql`` joined with the extra triples.

        Handles groups, FILTER (NOT) EXISTS, OPTIONAL, MINUS, UNION, BIND and
        VALUES; property paths, blank-node brackets and sub-queries raise
        :class:`OverlayError`. A ``FILTER NOT EXISTS`` over plain triples that
        share a variable with the triples around it becomes the equivalent
        ``MINUS``: engines answer MINUS with one hash join, but may evaluate
        NOT EXISTS once per solution, which grows with the square of the data.
        ``append`` is added at the end of the WHERE group.
        """
        tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(sparql)]
        if sum(len(t) for _, t in tokens) != len(sparql):
            raise OverlayError("unrecognised characters in the query")
        tokens = [t for t in tokens if t[0] != "space"]
        where = next((i for i, (kind, text) in enumerate(tokens) if kind == "punct" and text == "{"), None)
        if where is None:
            raise OverlayError("the query has no WHERE group")
        out, end, _ = self._group(tokens, where)
        out = out[:-1] + append + " }"
        rest = " ".join(text for _, text in tokens[end:])
        return " ".join(text for _, text in tokens[:where]) + " " + out + " " + rest

    def _term(self, text: str, kind: str) -> str:
        if kind == "iri" or kind == "var":
            return text
        if kind == "word" and text == "a":
            return "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
        if kind == "word" and ":" in text:
            prefix, _, local = text.partition(":")
            if prefix in self.prefixes:
                return f"<{self.prefixes[prefix]}{local}>"
        raise OverlayError(f"cannot rewrite the term {text!r}")

    def _group(self, tokens: list[tuple[str, str]], start: int) -> tuple[str, int, set[str] | None]:
        """Rewrite the group opening at ``tokens[start]``.

        Returns the text, the index after the group, and the variables of the
        group when it holds triples only (else None).
        """
        out = ["{"]
        bound: set[str] = set()
        plain = True
        absent: list[tuple[str, set[str]]] = []  # NOT EXISTS groups of plain triples
        i = start + 1
        while True:
            if i >= len(tokens):
                raise OverlayError("unbalanced braces")
            kind, text = tokens[i]
            upper = text.upper()
            if text == "}":
                minus = plain and all(inner & bound for _, inner in absent)
                for group, _ in absent:
                    out.append(("MINUS " if minus else "FILTER NOT EXISTS ") + group)
                out.append("}")
                return " ".join(out), i + 1, (bound if plain and not absent else None)
            if text == "{":
                part, i, _ = self._group(tokens, i)
                out.append(part)
                plain = False
            elif text == ".":
                out.append(".")
                i += 1
            elif kind == "word" and upper in ("OPTIONAL", "MINUS", "UNION"):
                out.append(upper)
                plain = False
                i += 1
            elif kind == "word" and upper == "FILTER":
                nxt = tokens[i + 1][1].upper()
                if nxt == "NOT" and tokens[i + 2][1].upper() == "EXISTS":
                    group, i, inner = self._group(tokens, i + 3)
                    if inner is not None:
                        absent.append((group, inner))
                    else:
                        out.append("FILTER NOT EXISTS " + group)
                        plain = False
                else:
                    part, i = self._filter(tokens, i + 1)
                    out.append("FILTER " + part)
                    plain = plain and nxt != "EXISTS"
            elif kind == "word" and upper in ("BIND", "VALUES"):
                part, i = self._copy_balanced(tokens, i + 1, upper == "VALUES")
                out.append(upper + " " + part)
                plain = False
            elif kind == "word" and upper in _CLAUSES:
                raise OverlayError(f"{upper} inside a SPARQL constraint is not rewritten")
            else:
                first = i
                part, i = self._triples(tokens, i)
                bound |= {t for k, t in tokens[first:i] if k == "var"}
                out.append(part)

    def _filter(self, tokens, i):
        kind, text = tokens[i]
        if kind == "word" and text.upper() == "EXISTS":
            group, end, _ = self._group(tokens, i + 1)
            return "EXISTS " + group, end
        part, end = self._copy_balanced(tokens, i, False)
        if re.search(r"\bEXISTS\b", part, re.IGNORECASE):
            raise OverlayError("EXISTS inside an expression is not rewritten")
        return part, end

    @staticmethod
    def _copy_balanced(tokens, i, braces):
        opener, closer = ("{", "}") if braces else ("(", ")")
        if braces and tokens[i][1] != "{":
            # VALUES ?x { ... } or VALUES (?x ?y) { ... }
            j = i
            while tokens[j][1] != "{":
                j += 1
            head = " ".join(t for _, t in tokens[i:j])
            body, end = Overlay._copy_balanced(tokens, j, True)
            return head + " " + body, end
        if tokens[i][1] != opener:
            raise OverlayError(f"expected {opener!r}")
        depth = 0
        j = i
        while j < len(tokens):
            depth += tokens[j][1] == opener
            depth -= tokens[j][1] == closer
            j += 1
            if depth == 0:
                return " ".join(t for _, t in tokens[i:j]), j
        raise OverlayError("unbalanced brackets")

    def _triples(self, tokens, i):
        """A triples block ``s p o ; p o , o .`` up to the end of the block."""
        parts = []
        while True:
            kind, text = tokens[i]
            subject = self._term(text, kind)
            i += 1
            while True:
                kind, text = tokens[i]
                verb = self._term(text, kind)
                i += 1
                while True:
                    kind, text = tokens[i]
                    obj, i = self._object(tokens, i)
                    parts.append(self.pattern(subject, verb, obj))
                    if tokens[i][1] != ",":
                        break
                    i += 1
                if tokens[i][1] != ";":
                    break
                i += 1
                if tokens[i][1] in (".", "}"):
                    break
            if tokens[i][1] == ".":
                i += 1
            kind, text = tokens[i]
            if text == "}" or text == "{" or (kind == "word" and text.upper() in _CLAUSES | {"FILTER"}):
                return " . ".join(parts) + " .", i

    def _object(self, tokens, i):
        kind, text = tokens[i]
        if kind == "string":
            # "lexical"@lang or "lexical"^^<datatype>: keep the text as written.
            end = i + 1
            if tokens[end][1] in ("^^", "@"):
                end += 2
            literal = " ".join(t for _, t in tokens[i:end]).replace(" ^^ ", "^^").replace(" @ ", "@")
            if end - i == 3 and tokens[i + 1][1] == "^^":
                literal = tokens[i][1] + "^^" + self._term(tokens[i + 2][1], tokens[i + 2][0])
            return literal, end
        if kind == "number":
            raise OverlayError("numeric objects are not rewritten")
        return self._term(text, kind), i + 1

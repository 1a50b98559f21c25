"""Small, engine-independent helpers for SPARQL text.

We never build SPARQL from user text: values travel as bindings. These helpers
only *inspect* a user's query (its form, whether it calls SERVICE) and render
our own bindings as escaped N-Triples terms for endpoints that lack
substitution support.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from graphkit.vocab import PREFIXES

Term = ox.NamedNode | ox.BlankNode | ox.Literal

QUERY_FORMS = ("select", "ask", "construct", "describe")
UPDATE_FORMS = (
    "insert",
    "delete",
    "load",
    "clear",
    "drop",
    "create",
    "add",
    "move",
    "copy",
    "with",
)

# Strings, IRIs and comments, so that keywords inside them are not seen.
_OPAQUE = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*"
)
_PROLOGUE = re.compile(r"^\s*(?:(?:BASE\s+\S+|PREFIX\s+[^\s:]*:\s*\S+)\s*)*", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]+")


def _blank_opaque(text: str) -> str:
    """Replace strings, IRIs and comments by spaces, keeping positions."""
    return _OPAQUE.sub(lambda m: "<>" if m.group(0).startswith("<") else " " * len(m.group(0)), text)


def classify(text: str) -> str:
    """The form of a SPARQL request: select, ask, construct, describe, update or unknown.

    >>> classify("PREFIX ex: <http://x/> SELECT * WHERE { ?s ?p ?o }")
    'select'
    >>> classify("# note\\nINSERT DATA { <a:b> <a:c> <a:d> }")
    'update'
    """
    scanned = _blank_opaque(text)
    body = scanned[_PROLOGUE.match(scanned).end() :]
    word = _WORD.search(body)
    if not word:
        return "unknown"
    keyword = word.group(0).lower()
    if keyword in QUERY_FORMS:
        return keyword
    if keyword in UPDATE_FORMS:
        return "update"
    return "unknown"


_KEYWORD_TOKEN = re.compile(r"[\w:.\-?$]+")


def _has_keyword(text: str, keyword: str) -> bool:
    """True when ``keyword`` appears as a keyword, even glued to a word before it.

    Oxigraph reads ``trueSERVICE <...>`` as ``true SERVICE <...>``, so a word
    boundary is not enough. A token that is a variable (``?service``) or a
    prefixed name (``ex:service``) does not count.
    """
    scanned = _blank_opaque(text)
    for token in _KEYWORD_TOKEN.finditer(scanned):
        word = token.group(0)
        if word.startswith(("?", "$")) or ":" in word:
            continue
        if keyword in word.upper():
            return True
    return False


def has_keyword(text: str, keyword: str) -> bool:
    """True when ``keyword`` (upper case) is used as a keyword in ``text``.

    >>> has_keyword("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH")
    True
    """
    return _has_keyword(text, keyword)


def uses_service(text: str) -> bool:
    """True when the query contains a SERVICE clause (federated query).

    >>> uses_service('SELECT * WHERE { SERVICE <http://x/sparql> { ?s ?p ?o } }')
    True
    >>> uses_service('SELECT * WHERE { ?s ?p trueSERVICE <http://x/sparql> { ?a ?b ?c } }')
    True
    >>> uses_service('SELECT ?service WHERE { ?s ex:service "SERVICE" }')
    False
    """
    return _has_keyword(text, "SERVICE")


def uses_load(text: str) -> bool:
    """True when an update contains LOAD, which fetches a document from a URL.

    >>> uses_load("LOAD <http://example.org/data.ttl>")
    True
    """
    return _has_keyword(text, "LOAD")


def operation_count(text: str) -> int:
    """How many operations an update holds: the ``;`` outside groups, strings and IRIs separate them.

    >>> operation_count('INSERT DATA { <a:b> <a:c> "x ; y" } ; DELETE WHERE { ?s <a:c> ?o ; <a:d> ?z } ;')
    2
    >>> operation_count("PREFIX ex: <http://x/> CLEAR GRAPH ex:g")
    1
    """
    scanned = _blank_opaque(text)
    parts, depth, start = [], 0, 0
    for at, char in enumerate(scanned):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == ";" and depth <= 0:
            parts.append(scanned[start:at])
            start = at + 1
    parts.append(scanned[start:])
    return sum(1 for part in parts if _WORD.search(part[_PROLOGUE.match(part).end() :]))


#: Update keywords that name graphs, or act on whole graphs: such an update cannot be aimed at a copy.
GRAPH_KEYWORDS = ("GRAPH", "WITH", "USING", "CREATE", "DROP", "CLEAR", "ADD", "MOVE", "COPY", "LOAD")


def names_graphs(text: str) -> bool:
    """True when an update names a graph or acts on whole graphs (see :data:`GRAPH_KEYWORDS`).

    >>> names_graphs("DELETE WHERE { ?s <a:p> ?o } ; INSERT DATA { <a:s> <a:p> 1 }")
    False
    >>> names_graphs("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }")
    True
    """
    return any(_has_keyword(text, keyword) for keyword in GRAPH_KEYWORDS)


def declared_prefixes(text: str) -> set[str]:
    """Prefixes that the query declares itself."""
    scanned = _OPAQUE.sub(lambda m: m.group(0) if m.group(0).startswith("<") else " ", text)
    return {m.group(1) for m in re.finditer(r"PREFIX\s+([^\s:]*):", scanned, re.IGNORECASE)}


def prologue_for(text: str) -> str:
    """PREFIX lines for the project prefixes that ``text`` does not declare."""
    own = declared_prefixes(text)
    return "".join(f"PREFIX {p}: <{ns}> " for p, ns in PREFIXES.items() if p not in own)


def inline_bindings(query: str, bindings: Mapping[str, Term]) -> str:
    """Render our own bindings as a VALUES block at the start of the first WHERE group.

    Terms are written with Oxigraph's N-Triples serialisation, which escapes
    quotes, backslashes and newlines, so a value can never end the literal.
    Only used for queries graphkit writes itself (``WHERE {`` or ``ASK {``).

    >>> inline_bindings("SELECT ?x WHERE { ?x ?p ?o }", {"o": ox.Literal('a"} ;')})
    'SELECT ?x WHERE { VALUES (?o) { ("a\\\\"} ;") } ?x ?p ?o }'
    """
    if not bindings:
        return query
    match = re.search(r"\bWHERE\s*\{", query, re.IGNORECASE) or re.search(r"\bASK\s*\{", query, re.IGNORECASE)
    if match is None:
        raise ValueError("internal query has no WHERE group to bind into")
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(str(term) for term in bindings.values())
    block = f" VALUES ({names}) {{ ({values}) }}"
    return query[: match.end()] + block + query[match.end() :]


def syntax_message(exc: BaseException) -> str:
    """An Oxigraph SPARQL syntax error, with its position spelled out.

    >>> syntax_message(SyntaxError("error at 1:26: expected one of LATERAL, SERVICE"))
    'SPARQL syntax error at line 1, column 26: expected one of LATERAL, SERVICE'
    """
    text = str(exc)
    match = re.match(r"error at (\d+):(\d+): (.*)", text, re.DOTALL)
    if match:
        return f"SPARQL syntax error at line {match.group(1)}, column {match.group(2)}: {match.group(3)}"
    return f"SPARQL syntax error: {text}"


def nt_line(triple: ox.Triple | ox.Quad) -> str:
    r"""One triple as an N-Triples line (terms escaped by Oxigraph).

    >>> nt_line(ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal('x"'))).strip()
    '<urn:a> <urn:b> "x\\"" .'
    """
    return f"{triple.subject} {triple.predicate} {triple.object} .\n"


def insert_data(lines: Iterable[str], graph: ox.NamedNode | None = None) -> str:
    """One INSERT DATA of N-Triples ``lines``, into ``graph`` when given.

    >>> print(insert_data(['<urn:a> <urn:b> "x" .\\n'], ox.NamedNode("urn:g")))
    INSERT DATA { GRAPH <urn:g> {
    <urn:a> <urn:b> "x" .
    } }
    """
    head, tail = ("INSERT DATA { GRAPH " + str(graph) + " {\n", "} }") if graph else ("INSERT DATA {\n", "}")
    return head + "".join(lines) + tail


def in_graph(operation: str, graph: ox.NamedNode | None) -> str:
    """A ``DELETE/INSERT ... WHERE`` operation aimed at ``graph`` (None: unchanged).

    >>> in_graph("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ox.NamedNode("urn:g"))
    'WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }'
    """
    return operation if graph is None else f"WITH {graph} {operation}"

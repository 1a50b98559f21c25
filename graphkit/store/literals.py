"""Ill-typed literals: ``"abc"^^xsd:integer`` parses as RDF but is not a number.

The lexical rules live in one table, used both by the SPARQL check that runs
inside the engine after a bulk load and by the Python check on streamed quads.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from graphkit.errors import ParseError
from graphkit.vocab import XSD

_YEAR = r"-?[0-9]{4,}"
_MONTH = r"(0[1-9]|1[0-2])"
_DAY = r"(0[1-9]|[12][0-9]|3[01])"
_ZONE = r"(Z|[+-][0-9]{2}:[0-9]{2})?"
_NUMBER = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"

#: XSD datatype local name → regular expression for its lexical space.
LEXICAL: dict[str, str] = {
    "integer": r"^[+-]?[0-9]+$",
    "int": r"^[+-]?[0-9]+$",
    "long": r"^[+-]?[0-9]+$",
    "nonNegativeInteger": r"^\+?[0-9]+$",
    "decimal": rf"^{_NUMBER}$",
    "double": rf"^({_NUMBER}([eE][+-]?[0-9]+)?|[+-]?INF|NaN)$",
    "float": rf"^({_NUMBER}([eE][+-]?[0-9]+)?|[+-]?INF|NaN)$",
    "boolean": r"^(true|false|1|0)$",
    "date": rf"^{_YEAR}-{_MONTH}-{_DAY}{_ZONE}$",
    "gYearMonth": rf"^{_YEAR}-{_MONTH}{_ZONE}$",
    "gYear": rf"^{_YEAR}{_ZONE}$",
    "dateTime": rf"^{_YEAR}-{_MONTH}-{_DAY}T[0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}(\.[0-9]+)?{_ZONE}$",
}
_COMPILED = {XSD + name: re.compile(pattern) for name, pattern in LEXICAL.items()}


def ill_typed(literal: ox.Literal) -> bool:
    """True when a literal's text is not valid for its XSD datatype.

    >>> ill_typed(ox.Literal("abc", datatype=ox.NamedNode(XSD + "integer")))
    True
    >>> ill_typed(ox.Literal("2024-10", datatype=ox.NamedNode(XSD + "gYearMonth")))
    False
    """
    pattern = _COMPILED.get(literal.datatype.value)
    return pattern is not None and pattern.match(literal.value) is None


def ill_typed_query(limit: int = 5) -> str:
    """A SELECT that finds ill-typed literals, run by the engine itself."""
    branches = " || ".join(
        f'(?dt = <{XSD}{name}> && !REGEX(STR(?o), "{pattern.replace(chr(92), chr(92) * 2)}"))'
        for name, pattern in LEXICAL.items()
    )
    return (
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o . FILTER(isLiteral(?o)) "
        f"BIND(DATATYPE(?o) AS ?dt) FILTER({branches}) }} LIMIT {limit}"
    )


def find_line(path: Path, value: str) -> int | None:
    """The first line of ``path`` where ``value`` appears as a literal (quoted, or as XML text)."""
    forms = (f'"{value}"', f"'{value}'", f">{value}<")
    try:
        with path.open("r", encoding="utf-8", errors="replace") as fh:
            for number, line in enumerate(fh, 1):
                if any(form in line for form in forms):
                    return number
    except OSError:
        return None
    return None


def ill_typed_error(literal: ox.Literal, path: Path) -> ParseError:
    """A ParseError that names the value, its datatype and, when found, its line."""
    datatype = literal.datatype.value.rsplit("#", 1)[-1]
    line = find_line(path, literal.value)
    location = f"{path}:{line}" if line is not None else str(path)
    return ParseError(f"{literal.value!r} is not a valid xsd:{datatype}", location)


def check_store(store: ox.Store, files: list[tuple[Path, ox.RdfFormat]]) -> None:
    """Raise ParseError if the store holds an ill-typed literal, naming the file it came from.

    The engine finds it in one scan; only then are the files re-read, one by
    one, to say which of them holds it.
    """
    from graphkit.store.formats import check_file

    for row in store.query(ill_typed_query(1), use_default_graph_as_union=True):
        for path, fmt in files:
            check_file(path, fmt)
        raise ParseError(f"{row['o'].value!r} is not valid for its datatype {row['o'].datatype.value}")

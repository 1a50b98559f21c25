"""Ill-typed literals: ``"abc"^^xsd:integer`` parses as RDF but is not a number.

The lexical rules live in one table; the check runs on the streamed quads of
every file loaded, alongside the engine's own loader.
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

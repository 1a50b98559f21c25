"""Ill-typed literals: ``"abc"^^xsd:integer`` parses as RDF but is not a number.

The lexical rules live in one table; the check runs on the streamed quads of
every file loaded, alongside the engine's own loader.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from graphkit.dates import is_real_day
from graphkit.errors import ParseError
from graphkit.vocab import XSD

_YEAR = r"-?[0-9]{4,}"
_MONTH = r"(0[1-9]|1[0-2])"
_DAY = r"(0[1-9]|[12][0-9]|3[01])"
_ZONE = r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_TIME = r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
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
    "dateTime": rf"^{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_ZONE}$",
}
_COMPILED = {XSD + name: re.compile(pattern) for name, pattern in LEXICAL.items()}
#: The datatype IRIs that have a lexical rule: a literal of any other datatype is never ill-typed.
TYPED = frozenset(_COMPILED)
# Datatypes whose value must also be a day that exists (no 30 February).
_CALENDAR = {XSD + "date", XSD + "dateTime"}


def ill_typed(literal: ox.Literal) -> bool:
    """True when a literal's text is not valid for its XSD datatype.

    >>> ill_typed(ox.Literal("abc", datatype=ox.NamedNode(XSD + "integer")))
    True
    >>> ill_typed(ox.Literal("2024-10", datatype=ox.NamedNode(XSD + "gYearMonth")))
    False
    >>> ill_typed(ox.Literal("2024-02-30", datatype=ox.NamedNode(XSD + "date")))
    True
    """
    datatype = literal.datatype.value
    pattern = _COMPILED.get(datatype)
    if pattern is None:
        return False
    if pattern.match(literal.value) is None:
        return True
    return datatype in _CALENDAR and not is_real_day(literal.value)


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


# -- literals written in SPARQL update text --------------------------------------

_TOKENS = re.compile(
    r"""(?P<comment>\#[^\n]*)
    |(?P<iri><[^<>"{}|^`\\\s]*>)
    |(?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
        |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')""",
    re.VERBOSE | re.DOTALL,
)
_DATATYPE = re.compile(r"\s*\^\^\s*(?:<([^<>\s]*)>|([A-Za-z][\w.-]*)?:([\w.-]*))")
_PREFIX = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>", re.IGNORECASE)
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f"}


def _unescape(body: str) -> str:
    def replace(match: re.Match) -> str:
        code = match.group(1)
        if len(code) > 1:
            return chr(min(int(code[1:], 16), 0x10FFFF))
        return _SIMPLE_ESCAPES.get(code, code)

    return _ESCAPE.sub(replace, body) if "\\" in body else body


def _position(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def check_update_literals(sparql: str, prefixes: dict[str, str] | None = None) -> None:
    """Refuse an update whose text writes an ill-typed or over-long literal.

    Raises :class:`~graphkit.errors.QueryError` with the line and column of
    the literal in the update text. Literals that the update computes (BIND,
    CONCAT) are not seen here.

    >>> check_update_literals('INSERT DATA { <x:a> <x:p> "2024-02-30"^^xsd:date }')
    Traceback (most recent call last):
    ...
    graphkit.errors.QueryError: line 1, column 27: '2024-02-30' is not a valid xsd:date
    """
    from graphkit.errors import QueryError
    from graphkit.limits import literal_too_long, too_long_message
    from graphkit.vocab import PREFIXES

    known = {**PREFIXES, **(prefixes or {})}
    known.update({name or "": iri for name, iri in _PREFIX.findall(sparql)})
    for token in _TOKENS.finditer(sparql):
        raw = token.group("string")
        if raw is None:
            continue
        quote = 3 if raw[:3] in ('"""', "'''") else 1
        value = _unescape(raw[quote:-quote])
        if literal_too_long(value):
            size = len(value.encode("utf-8", "surrogatepass"))
            raise QueryError(f"{_position(sparql, token.start())}: {too_long_message(size)}")
        typed = _DATATYPE.match(sparql, token.end())
        if typed is None:
            continue
        iri, prefix, local = typed.groups()
        if iri is None:
            base = known.get(prefix or "")
            if base is None:
                continue  # an undeclared prefix: the engine reports it
            iri = base + local
        literal = ox.Literal(value, datatype=ox.NamedNode(iri)) if _is_iri(iri) else None
        if literal is not None and ill_typed(literal):
            name = iri.rsplit("#", 1)[-1]
            raise QueryError(f"{_position(sparql, token.start())}: {value!r} is not a valid xsd:{name}")


def _is_iri(text: str) -> bool:
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


# -- values compared as values ---------------------------------------------------------

_INTEGER_TYPES = {
    XSD + n
    for n in [
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
}
_TYPED_NT = re.compile(r'^"([^"\\]*)"\^\^<([^<>]*)>$')


def canonical_value(value: str, datatype: str) -> str:
    """The canonical text of a value, so that equal values compare equal.

    Some engines store values, not text: Virtuoso answers ``"1"`` for
    ``"true"^^xsd:boolean`` and ``"1"`` for ``"01"^^xsd:integer``.

    >>> canonical_value("1", XSD + "boolean"), canonical_value("01", XSD + "integer")
    ('true', '1')
    >>> canonical_value("2.50", XSD + "decimal"), canonical_value("abc", XSD + "integer")
    ('2.5', 'abc')
    """
    text = value.strip()
    try:
        if datatype == XSD + "boolean":
            return {"1": "true", "0": "false"}.get(text, text)
        if datatype in _INTEGER_TYPES:
            return str(int(text))
        if datatype == XSD + "decimal":
            number = Decimal(text)
            if not number.is_finite():
                return value
            plain = format(number.normalize(), "f")
            return "0" if plain in ("-0", "0") else plain
        if datatype in (XSD + "double", XSD + "float"):
            return repr(float(text))
    except (ValueError, ArithmeticError):
        return value
    return value


def canonical(term):
    """``term`` with a typed literal's text made canonical (other terms unchanged).

    >>> canonical(ox.Literal("1", datatype=ox.NamedNode(XSD + "boolean"))).value
    'true'
    """
    if not isinstance(term, ox.Literal) or term.language:
        return term
    text = canonical_value(term.value, term.datatype.value)
    return term if text == term.value else ox.Literal(text, datatype=term.datatype)


def canonical_nt(text: str) -> str:
    """The same for a term written in N-Triples.

    >>> canonical_nt('"01"^^<http://www.w3.org/2001/XMLSchema#integer>')
    '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    match = _TYPED_NT.match(text)
    if match is None:
        return text
    value, datatype = match.groups()
    return f'"{canonical_value(value, datatype)}"^^<{datatype}>'

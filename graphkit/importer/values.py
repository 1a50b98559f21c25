"""Checks of single cells: ids, dates, yes/no, Wikidata ids, web addresses.

Each returns the clean value or raises :class:`~graphkit.errors.GraphkitError`
with a message that says how to write the value.
"""

from __future__ import annotations

import functools
import re
import urllib.parse

import pyoxigraph as ox

from graphkit.dates import parse_period
from graphkit.errors import GraphkitError
from graphkit.importer.to_rdf import ID_PATTERN, WIKIDATA, suggest_id

_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_WIKIDATA = re.compile(r"^(?:https?://(?:www\.)?wikidata\.org/(?:wiki|entity)/|wd:)?([Qq][1-9][0-9]*)$")
_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0", ""}


def check_date(text: str) -> str:
    """A fuzzy date (YYYY, YYYY-MM, YYYY-MM-DD), checked to be possible.

    >>> check_date("2024-10")
    '2024-10'
    >>> check_date("2024-02-30")
    Traceback (most recent call last):
    ...
    graphkit.errors.GraphkitError: impossible date: day is out of range for month
    """
    return _checked_date(text)


@functools.lru_cache(maxsize=65_536)  # a large file repeats its dates; errors are not cached
def _checked_date(text: str) -> str:
    if not _DATE.match(text):
        raise GraphkitError("malformed date: write YYYY, YYYY-MM or YYYY-MM-DD (for example 2024-10-15)")
    try:
        parse_period(text)
    except GraphkitError as exc:
        reason = str(exc).rsplit(": ", 1)[-1]
        raise GraphkitError(f"impossible date: {reason}") from None
    return text


def check_bool(text: str) -> bool:
    """A yes/no cell: true/false, yes/no, 1/0 or empty (false).

    >>> check_bool("Yes"), check_bool("")
    (True, False)
    """
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise GraphkitError("write true or false (or leave it empty)")


def check_wikidata(text: str) -> str:
    """A Wikidata item id (``Q42``, or its URL) as the entity IRI.

    >>> check_wikidata("https://www.wikidata.org/wiki/Q42")
    'http://www.wikidata.org/entity/Q42'
    """
    match = _WIKIDATA.match(text)
    if not match:
        raise GraphkitError("not a Wikidata item id: write Q followed by digits, such as Q42")
    return WIKIDATA + match.group(1).upper()


def check_url(text: str) -> str:
    """An absolute http(s) web address that is a valid IRI.

    >>> check_url("https://example.org/a?b=1")
    'https://example.org/a?b=1'
    """
    parts = urllib.parse.urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise GraphkitError("not a web address: it must start with http:// or https://")
    try:
        ox.NamedNode(text)
    except ValueError as exc:
        raise GraphkitError(f"not a valid web address ({exc}); spaces must be written %20") from None
    return text


def check_id(text: str) -> str:
    """An id usable in an IRI: lower-case letters, digits, ``-``, ``_`` and ``.``.

    >>> check_id("Ministry of Examples")
    Traceback (most recent call last):
    ...
    graphkit.errors.GraphkitError: not a valid id: ... (such as 'ministry-of-examples')
    """
    if not ID_PATTERN.match(text):
        hint = suggest_id(text)
        example = f" (such as {hint!r})" if hint else ""
        raise GraphkitError(f"not a valid id: use lower-case letters, digits, - _ and .{example}")
    return text

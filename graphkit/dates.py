"""Fuzzy dates: a year, a year-month or a full date, each covering a period."""

from __future__ import annotations

import calendar
import re
from datetime import date

from graphkit.errors import GraphkitError

_PATTERN = re.compile(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:Z|[+-]\d{2}:\d{2})?$")


def parse_period(text: str) -> tuple[date, date]:
    """The first and last day that a fuzzy date covers.

    >>> parse_period("2024-10")
    (datetime.date(2024, 10, 1), datetime.date(2024, 10, 31))
    >>> parse_period("2023")
    (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
    """
    match = _PATTERN.match(text.strip())
    if not match:
        raise GraphkitError(f"malformed date {text!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        exact = date(year, month, day)
    except ValueError as exc:
        raise GraphkitError(f"impossible date {text!r}: {exc}") from None
    return exact, exact


def is_valid(text: str) -> bool:
    """True for a well-formed, possible fuzzy date."""
    try:
        parse_period(text)
    except GraphkitError:
        return False
    return True


def covers(as_of: str, *, date_: str | None = None, start: str | None = None, end: str | None = None) -> bool:
    """Whether a relationship dated (``date_`` or ``start``–``end``) holds at ``as_of``.

    Undated relationships are kept; a fuzzy date covers its whole month or
    year; an open-ended range runs on indefinitely.

    >>> covers("2024-10-15", date_="2024-10")
    True
    >>> covers("2025", start="2023")
    True
    >>> covers("2022", start="2023")
    False
    """
    lo, hi = parse_period(as_of)
    if date_:
        first, last = parse_period(date_)
        return first <= hi and lo <= last
    if not start and not end:
        return True
    first = parse_period(start)[0] if start else date.min
    last = parse_period(end)[1] if end else date.max
    return first <= hi and lo <= last

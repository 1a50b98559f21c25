"""Fuzzy dates: a year, a year-month or a full date, each covering a period.

A source often dates an event only to the month ("October 2024") or the year
("in 2023"). Such a date stands for every day of its month or year, and the
as-of filter treats it that way.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from graphkit.errors import GraphkitError

_PATTERN = re.compile(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:Z|[+-]\d{2}:\d{2})?$")
_DAY_PREFIX = re.compile(r"^(-?\d{4,})-(\d{2})-(\d{2})")
# The time part of an xsd:dateTime, dropped when reading dates from the data.
_TIME = re.compile(r"T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?$")


def parse_period(text: str) -> tuple[date, date]:
    """The first and last day that a fuzzy date covers.

    Raises :class:`GraphkitError` for a malformed or impossible date.

    >>> parse_period("2024-10")
    (datetime.date(2024, 10, 1), datetime.date(2024, 10, 31))
    >>> parse_period("2023")
    (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
    >>> parse_period("2024-02-30")
    Traceback (most recent call last):
    ...
    graphkit.errors.GraphkitError: impossible date '2024-02-30': day is out of range for month
    """
    match = _PATTERN.match(str(text).strip())
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


def days_in_month(year: int, month: int) -> int:
    """Days in a month of the proleptic Gregorian calendar, for any year (XSD allows them all).

    >>> days_in_month(2024, 2), days_in_month(1900, 2), days_in_month(12024, 4)
    (29, 28, 30)
    """
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def is_real_day(text: str) -> bool:
    """True when the ``YYYY-MM-DD`` that starts an xsd:date or xsd:dateTime exists.

    Only the day of the month is checked; the caller checks the lexical form.

    >>> is_real_day("2024-02-29"), is_real_day("2023-02-29T10:00:00Z"), is_real_day("-0044-03-15")
    (True, False, True)
    """
    match = _DAY_PREFIX.match(text)
    if not match:
        return False
    year, month, day = (int(g) for g in match.groups())
    return 1 <= month <= 12 and 1 <= day <= days_in_month(year, month)


def is_valid(text: str) -> bool:
    """True for a well-formed, possible fuzzy date.

    >>> is_valid("2024-10"), is_valid("2024-13"), is_valid("October")
    (True, False, False)
    """
    try:
        parse_period(text)
    except GraphkitError:
        return False
    return True


def data_period(text: object) -> tuple[date, date] | None:
    """The period a date *from the data* covers, or None when it cannot be read.

    Unlike :func:`parse_period` this never raises: an ``xsd:dateTime`` loses
    its time of day, and an unreadable value counts as no date at all, so one
    odd literal in a store cannot break every as-of view.

    >>> data_period("2024-10-05T09:30:00Z")
    (datetime.date(2024, 10, 5), datetime.date(2024, 10, 5))
    >>> data_period("sometime") is None
    True
    """
    if text is None:
        return None
    value = _TIME.sub("", str(text).strip())
    try:
        return parse_period(value)
    except GraphkitError:
        return None


def covers(as_of: str, *, date_: str | None = None, start: str | None = None, end: str | None = None) -> bool:
    """Whether a relationship dated (``date_`` or ``start``–``end``) holds at ``as_of``.

    ``as_of`` is itself fuzzy: ``2024`` asks about any day of 2024. A
    relationship is kept when its period overlaps that of ``as_of``.
    Undated relationships are kept; a fuzzy date covers its whole month or
    year; a range open at one end runs on indefinitely that way. Raises
    :class:`GraphkitError` when ``as_of`` is malformed.

    >>> covers("2024-10-15", date_="2024-10")
    True
    >>> covers("2025", date_="2024-10")
    False
    >>> covers("2025", start="2023")
    True
    >>> covers("2022", start="2023")
    False
    >>> covers("1999")
    True
    """
    lo, hi = parse_period(as_of)
    point = data_period(date_)
    if point is not None:
        first, last = point
        return first <= hi and lo <= last
    begin, finish = data_period(start), data_period(end)
    if begin is None and finish is None:
        return True
    first = begin[0] if begin else date.min
    last = finish[1] if finish else date.max
    return first <= hi and lo <= last


def format_date(
    value: str | None = None,
    *,
    start: str | None = None,
    end: str | None = None,
    approximate: bool = False,
) -> str:
    """The one notation for dates shown to people, in every command.

    A date as the source gives it (``2024``, ``2024-10``, ``2024-10-15``); a
    range with an en dash, open at either end (``2023–``, ``–2024``,
    ``2023–2024``); ``~`` in front when the source is vague. ``value`` may
    also be an ISO 8601 interval as in JSON output (``2023/..``). No date
    gives "".

    >>> format_date("2024-10", approximate=True), format_date(start="2023"), format_date("2023/2024")
    ('~2024-10', '2023–', '2023–2024')
    >>> format_date("../2024"), format_date()
    ('–2024', '')
    """
    if value and "/" in value:
        start, _, end = value.partition("/")
        value = None
    start = None if start in (None, "", "..") else start
    end = None if end in (None, "", "..") else end
    if value:
        text = value
    elif start or end:
        text = f"{start or ''}–{end or ''}"
    else:
        return ""
    return f"~{text}" if approximate else text

"""Fuzzy dates: parsing, and whether a dated relationship holds at a given date."""

from __future__ import annotations

from datetime import date

import pytest

from graphkit.dates import covers, data_period, is_valid, parse_period
from graphkit.errors import GraphkitError


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2023", date(2023, 1, 1), date(2023, 12, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023-02", date(2023, 2, 1), date(2023, 2, 28)),
        ("2024-10-15", date(2024, 10, 15), date(2024, 10, 15)),
        (" 2024-10 ", date(2024, 10, 1), date(2024, 10, 31)),
        ("2024-10Z", date(2024, 10, 1), date(2024, 10, 31)),
        ("2024+12:00", date(2024, 1, 1), date(2024, 12, 31)),
    ],
)
def test_parse_period(text, first, last):
    assert parse_period(text) == (first, last)
    assert is_valid(text)


@pytest.mark.parametrize(
    "text", ["", "24", "2024-1", "2024-13", "2023-02-29", "2024-00", "10/2024", "2024-10-15T10:00", "soon"]
)
def test_malformed_or_impossible_dates_are_refused(text):
    with pytest.raises(GraphkitError, match="date"):
        parse_period(text)
    assert not is_valid(text)


def test_data_dates_are_read_leniently():
    assert data_period("2024-10-05T09:30:00Z") == (date(2024, 10, 5), date(2024, 10, 5))
    assert data_period("2024-10-05T09:30:00.5+02:00") == (date(2024, 10, 5), date(2024, 10, 5))
    assert data_period("2023") == (date(2023, 1, 1), date(2023, 12, 31))
    assert data_period("autumn") is None
    assert data_period(None) is None


@pytest.mark.parametrize(
    ("as_of", "kwargs", "expected"),
    [
        # A meeting in October 2024 (a year-month covers the whole month).
        ("2024-10-15", {"date_": "2024-10"}, True),
        ("2024-10-01", {"date_": "2024-10"}, True),
        ("2024-10-31", {"date_": "2024-10"}, True),
        ("2024-11-01", {"date_": "2024-10"}, False),
        ("2024", {"date_": "2024-10"}, True),
        ("2025", {"date_": "2024-10"}, False),
        # An MOU in force from 2023, with no end.
        ("2025", {"start": "2023"}, True),
        ("2023-01-01", {"start": "2023"}, True),
        ("2022", {"start": "2023"}, False),
        ("2022-12-31", {"start": "2023"}, False),
        # A closed range, and one open at the start.
        ("2021-06", {"start": "2020", "end": "2021-05"}, False),
        ("2021-05-31", {"start": "2020", "end": "2021-05"}, True),
        ("1900", {"end": "2021"}, True),
        ("2022", {"end": "2021"}, False),
        # Undated, or dated with something unreadable: kept.
        ("2024-10-15", {}, True),
        ("1066", {"date_": "sometime"}, True),
    ],
)
def test_covers(as_of, kwargs, expected):
    assert covers(as_of, **kwargs) is expected


def test_covers_rejects_a_malformed_as_of():
    with pytest.raises(GraphkitError, match="malformed date"):
        covers("next week", date_="2024-10")

"""Suggestions for an unknown name: initials, word prefixes, then spelling, ranked sensibly."""

from __future__ import annotations

import pytest

from graphkit.model.resolve import _match_rank, suggest
from tests.helpers import run


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("NZ", "New Zealand"),
        ("n.z.", "New Zealand"),
        ("am web", "Amazon Web Services"),
        ("US cyber", "US National Cyber Director"),
        ("gcs", "Government Communications Security Bureau"),
        ("microsft", "Microsoft"),
    ],
)
def test_best_suggestion_first(kg, typed, first):
    assert suggest(kg, typed)[0].label == first


def test_nz_suggests_the_country_before_agencies_named_after_it(kg):
    labels = [ref.label for ref in suggest(kg, "NZ")]
    assert labels[:3] == ["New Zealand", "New Zealand Security Intelligence Service", "NZSIS Minister"]
    assert "New Zealand Government" in labels


def test_rank_order_of_match_kinds():
    assert _match_rank("nz", "new zealand") == 0  # initials
    assert _match_rank("nzs", "nzsis minister") == 1  # starts the name
    assert _match_rank("am web", "amazon web services") == 2  # word prefixes in order
    assert _match_rank("web am", "amazon web services") is None
    assert _match_rank("nz", "new zealand government") == 3  # initials start with it
    assert _match_rank("zealand", "new zealand") == 2
    assert _match_rank("ealand", "new zealand") == 4  # inside
    assert _match_rank("x", "new zealand") is None


def test_show_lists_the_suggestions():
    result = run("show", "NZ")
    assert result.exit_code == 2
    assert result.output.startswith("Error: no entity is called 'NZ'; closest: 'New Zealand', ")

"""unify_types gives each attribute one type, exactly as the rule says, on any mix of values."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from graphkit.export.flatten import unify_types


def _reference(rows: list[dict]) -> None:
    """The rule, value by value: the slow way, kept here to pin the fast one."""

    def kind(value):
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, int):
            return "int"
        if isinstance(value, float):
            return "float" if math.isfinite(value) else "str"
        return "str"

    kinds: dict[str, set[str]] = {}
    for row in rows:
        for key, value in row.items():
            kinds.setdefault(key, set()).add(kind(value))
    for row in rows:
        for key, value in row.items():
            found = kinds[key]
            if found == {"int", "float"}:
                row[key] = float(value)
            elif len(found) > 1 or (found == {"str"} and not isinstance(value, str)):
                row[key] = str(value).lower() if isinstance(value, bool) else str(value)


VALUES = [0, 1, -7, 2.5, float("nan"), float("inf"), True, False, "", "x", "1", np.float64(1.5), None]


def _same(value, other) -> bool:
    return type(value) is type(other) and (value == other or (value != value and other != other))


@pytest.mark.parametrize("seed", range(200))
def test_fast_rule_equals_the_value_by_value_rule(seed):
    rnd = random.Random(seed)
    keys = ["a", "b", "c"]
    rows = [
        {k: rnd.choice(VALUES) for k in rnd.sample(keys, rnd.randint(0, 3))} for _ in range(rnd.randint(0, 6))
    ]
    expected = [dict(r) for r in rows]
    _reference(expected)
    unify_types(rows)
    assert all(
        row.keys() == want.keys() and all(_same(row[k], want[k]) for k in row)
        for row, want in zip(rows, expected, strict=True)
    ), (rows, expected)


def test_one_type_already_changes_nothing():
    rows = [{"n": 1, "s": "a", "f": 0.5, "b": True}, {"n": 2, "s": "b", "f": 1.5, "b": False}]
    unify_types(rows)
    assert rows == [{"n": 1, "s": "a", "f": 0.5, "b": True}, {"n": 2, "s": "b", "f": 1.5, "b": False}]

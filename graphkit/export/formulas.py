"""Spreadsheet cells that never run as formulas (CSV injection).

A spreadsheet evaluates a cell that starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return: ``=HYPERLINK(...)`` in a label becomes a link that
can leak data, ``=cmd|...`` may run a program. OWASP's rule is to start such a
cell with a single quote, which makes it text. graphkit also quotes a cell
that already starts with a quote, so that :func:`unguard` can take exactly one
quote off and give back the original text.
"""

from __future__ import annotations

#: First characters that make a spreadsheet evaluate a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_STARTS = (*FORMULA_STARTS, "'")
_GUARDED = tuple("'" + start for start in _STARTS)


def guard(value: object) -> str:
    """A cell that a spreadsheet shows as text, never runs as a formula.

    >>> print(guard('=HYPERLINK("http://x")'))
    '=HYPERLINK("http://x")
    >>> guard("-5"), guard("'quoted"), guard("plain"), guard(None)
    ("'-5", "''quoted", 'plain', '')
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_STARTS) else text


def unguard(cell: str) -> str:
    """Undo :func:`guard`: one leading quote before a formula start or a quote goes.

    >>> unguard("'=1+1"), unguard("''quoted"), unguard("'plain"), unguard("=1+1")
    ('=1+1', "'quoted", "'plain", '=1+1')
    """
    return cell[1:] if cell.startswith(_GUARDED) else cell

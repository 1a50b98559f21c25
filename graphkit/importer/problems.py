"""Problems found in the input, and the error that lists them all.

One report for every reader: a CSV problem names its file, row (as a
spreadsheet shows it) and column; an FtM problem names its file, line,
entity id and property.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from graphkit.errors import GraphkitError, ParseError

_SHOWN_VALUE = 60
_MAX_SHOWN_PROBLEMS = 200


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as possible.

    >>> print(Problem("entities.csv", "unknown entity type", row=4, column="type", value="Compnay"))
    entities.csv, row 4, column 'type', value 'Compnay': unknown entity type
    >>> print(Problem("x.ftm.json", "unknown schema", row=2, column="schema", entity="e1", unit="line"))
    x.ftm.json, line 2, entity 'e1', property 'schema': unknown schema
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    entity: str | None = None
    #: "row" for spreadsheets (row and column), "line" for JSON lines (line and property)
    unit: str = "row"

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"{self.unit} {self.row}")
        if self.entity is not None:
            where.append(f"entity {shown(self.entity)}")
        if self.column is not None:
            where.append(f"{'property' if self.unit == 'line' else 'column'} {self.column!r}")
        if self.value is not None:
            where.append(f"value {shown(self.value)}")
        return f"{', '.join(where)}: {self.message}"

    def at(self, message: str, **changes) -> Problem:
        """The same place with a message (and other fields) filled in.

        >>> print(Problem("a.csv", "", row=3).at("bad", column="id"))
        a.csv, row 3, column 'id': bad
        """
        return replace(self, message=message, **changes)

    def to_dict(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k != "unit"}
        if data["entity"] is None:
            del data["entity"]
        return data


def shown(value: str) -> str:
    """A cell value for a message: quoted, and cut short when long.

    >>> shown("x" * 100)[:10], len(shown("x" * 100)) < 100
    ("'xxxxxxxxx", True)
    """
    if len(value) > _SHOWN_VALUE:
        return repr(value[: _SHOWN_VALUE - 1] + "…") + f" ({len(value):,} characters)"
    return repr(value)


class ImportProblems(ParseError):
    """The input cannot be imported; ``problems`` says where and why.

    ``notes`` are printed once after the list (for example the allowed
    entity types), so that a hundred bad rows do not repeat them.
    """

    def __init__(self, problems: Sequence[Problem], notes: Sequence[str] = ()):
        self.problems = list(problems)
        self.notes = list(dict.fromkeys(notes))
        self.location = None
        lines = [str(p) for p in self.problems[:_MAX_SHOWN_PROBLEMS]]
        if len(self.problems) > _MAX_SHOWN_PROBLEMS:
            lines.append(f"... and {len(self.problems) - _MAX_SHOWN_PROBLEMS} more problems")
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} found; nothing was imported:"
        GraphkitError.__init__(self, "\n".join([head, *lines, *self.notes]))

    def to_dict(self) -> dict:
        return {"problems": [p.to_dict() for p in self.problems], "notes": self.notes}


#: The name the CSV importer has always raised.
CsvProblems = ImportProblems

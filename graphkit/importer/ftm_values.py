"""FtM property values: checked against the entity's schema and cleaned by the ``followthemoney`` library.

Every bad value is reported (file, line, entity, property, value) and the
entity is then left out; the cleaning of a value is remembered, since the
same dates, addresses and publishers come back on many entities.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from graphkit.errors import GraphkitError
from graphkit.importer.problems import Problem
from graphkit.importer.values import check_date
from graphkit.limits import literal_too_long, too_long_message

_TIME = re.compile(r"T.*$")
#: Values whose cleaning is remembered (memory stays bounded on any input).
REMEMBERED = 100_000


class Report(Protocol):
    """How a problem is reported: where, what, and which property and value if any."""

    def __call__(
        self, where: Problem, message: str, prop: str | None = None, value: str | None = None
    ) -> None: ...


class PropertyValues:
    """Checks and cleans the ``properties`` of FtM entities, reporting each bad value.

    >>> from followthemoney import model
    >>> found = []
    >>> values = PropertyValues(lambda where, message, prop=None, value=None: found.append((prop, message)))
    >>> where, person = Problem("people.ftm.jsonl", "", 1), model.get("Person")
    >>> values.properties(where, person, {"name": ["  Ann ", "Ann"], "birthDate": "1970-12-01T10:00"})
    {'name': ['Ann'], 'birthDate': ['1970-12-01']}
    >>> values.properties(where, person, {"birthDate": "1970-13-01"}) is None, found
    (True, [('birthDate', 'bad date: impossible date: month must be in 1..12')])
    """

    def __init__(self, report: Report):
        self.report = report
        self.cleaned: dict[tuple[str, str], str | GraphkitError] = {}

    def properties(self, where: Problem, schema: Any, raw: Any) -> dict[str, list[str]] | None:
        """The properties as lists of cleaned strings; every bad one reported."""
        if not isinstance(raw, dict):
            self.report(where, "'properties' must be a JSON object", "properties")
            return None
        props: dict[str, list[str]] = {}
        ok = True
        for prop_name, values in raw.items():
            prop = schema.get(prop_name)
            if prop is None:
                self.report(where, f"the property is not in the schema {schema.name}", prop_name)
                ok = False
                continue
            if isinstance(values, str):
                values = [values]
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                self.report(where, "values must be a list of strings", prop_name)
                ok = False
                continue
            cleaned = []
            for value in values:
                value = value.strip()
                if not value:
                    continue
                if literal_too_long(value):
                    self.report(where, too_long_message(len(value.encode("utf-8", "replace"))), prop_name)
                    ok = False
                    continue
                clean = self.clean(prop.type, value)
                if isinstance(clean, GraphkitError):
                    self.report(where, str(clean), prop_name, value)
                    ok = False
                    continue
                if any("\ud800" <= ch <= "\udfff" for ch in clean):
                    self.report(where, "the text holds a broken character (a lone surrogate)", prop_name)
                    ok = False
                    continue
                cleaned.append(clean)
            if cleaned:
                props[prop_name] = list(dict.fromkeys(cleaned))
        return props if ok else None

    def clean(self, type_: Any, value: str) -> str | GraphkitError:
        """A value cleaned by the library's property type (or why not), remembered:
        the same dates, addresses and publishers come back on many entities."""
        key = (type_.name, value)
        found = self.cleaned.get(key)
        if found is None:
            found = self._clean(type_, value)
            if len(self.cleaned) >= REMEMBERED:
                self.cleaned.clear()  # bounded memory
            self.cleaned[key] = found
        return found

    def _clean(self, type_: Any, value: str) -> str | GraphkitError:
        if type_.name == "date":
            try:
                date = check_date(_TIME.sub("", value))
            except GraphkitError as exc:
                return GraphkitError(f"bad date: {exc}")
            if type_.clean(date) is None:
                return GraphkitError("bad date: outside the years FollowTheMoney accepts")
            return date
        clean = type_.clean(value, proxy=None) if type_.name != "string" else value
        if clean is None:
            return GraphkitError(f"not a valid {type_.name} value")
        return clean

"""Finding the CSV files to import: a folder holding them, or the files named one by one."""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path

from graphkit.file_kinds import kind_of_mode
from graphkit.importer.csv_files import KINDS, REQUIRED, normalise_column
from graphkit.importer.csv_text import open_text, records
from graphkit.importer.piped import given_name
from graphkit.importer.problems import CsvProblems, Problem

#: Longest header line read to tell an input's kind (a real header is far shorter).
_HEADER_LINE = 1 << 20


def kind_of(path: Path) -> str | None:
    """Which file this is, from its name: ``entities.csv``, ``my-sources.csv``...

    >>> kind_of(Path("data/Entities.csv")), kind_of(Path("x/acme_sources.csv")), kind_of(Path("a.csv"))
    ('entities', 'sources', None)
    """
    if path.suffix.lower() != ".csv":
        return None
    stem = path.stem.lower()
    for kind in KINDS:
        if stem == kind or stem.endswith((f"-{kind}", f"_{kind}", f".{kind}")):
            return kind
    return None


def kind_by_header(path: Path) -> str | None:
    """Which file ``path`` is, from the columns of its header: for an input whose name says nothing.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "63"
    >>> _ = path.write_text("ID,Label,Type,aliases\\n", encoding="utf-8")
    >>> kind_by_header(path)
    'entities'
    """
    try:
        with open_text(path) as text:
            header = next(records([text.readline(_HEADER_LINE)]), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return None  # read_table reports it, if the file is read at all
    columns = {normalise_column(c) for c in header}
    kinds = [kind for kind in KINDS if set(REQUIRED[kind]) <= columns]
    return kinds[0] if len(kinds) == 1 else None


def _not_a_file(path: Path) -> Problem:
    try:
        what = kind_of_mode(path.lstat().st_mode)
    except OSError:
        what = "unreadable"
    if what == "a symbolic link":
        what = "a link to nothing" if not path.exists() else "a link to something other than a file"
    elif what == "a named pipe":
        what += " (give it on its own, not inside a folder)"
    return Problem(given_name(path), f"{what}, not a CSV file")


def find_inputs(paths: Sequence[str | os.PathLike]) -> dict[str, Path]:
    """The CSV file of each kind, from a folder or from files named explicitly.

    A folder is searched (not recursively) for entities.csv,
    relationships.csv and sources.csv; any of them may be missing, but not
    all. Explicit files are recognised by their names; a pipe or stdin
    (copied by :func:`~graphkit.importer.piped.spooled`) by its header.
    Problems name the inputs as given (:func:`~graphkit.importer.piped.given_name`).

    >>> from graphkit.vocab import data_dir
    >>> sorted(find_inputs([data_dir() / "templates" / "example"]))
    ['entities', 'relationships', 'sources']
    """
    problems: list[Problem] = []
    found: dict[str, Path] = {}
    if not paths:
        raise CsvProblems([Problem("(no input)", "give a folder or the CSV files to import")])
    for given in paths:
        path = Path(given)
        name = given_name(path)
        candidates: list[tuple[str, Path]] = []
        if path.is_dir():
            named = sorted((kind, p) for p in path.iterdir() if (kind := kind_of(p)))
            candidates = [(kind, p) for kind, p in named if p.is_file()]
            # A pipe, device or dangling link under a file's name is not skipped silently.
            problems += [_not_a_file(p) for _, p in named if not p.is_file()]
            if not named:
                others = sorted(p.name for p in path.iterdir() if p.suffix.lower() == ".csv")
                hint = f" (it has {', '.join(others)})" if others else ""
                problems.append(
                    Problem(name, "no entities.csv, relationships.csv or sources.csv in this folder" + hint)
                )
        elif path.is_file():
            piped = name != str(path)  # a copy of a pipe or stdin (named 63...): told by its header
            kind = kind_of(path) or (kind_by_header(path) if piped else None)
            if kind is None:
                reason = (
                    "cannot tell what this input holds: its first row is not the header of "
                    "entities.csv, relationships.csv or sources.csv"
                    if piped
                    else "cannot tell what this file holds: name it entities.csv, "
                    "relationships.csv or sources.csv (a prefix such as acme-entities.csv is fine)"
                )
                problems.append(Problem(name, reason))
                continue
            candidates = [(kind, path)]
        else:
            problems.append(Problem(name, "no such file or folder"))
            continue
        for kind, candidate in candidates:
            if kind in found and found[kind].resolve() != candidate.resolve():
                first = given_name(found[kind])
                problems.append(
                    Problem(given_name(candidate), f"a second {kind} file (the first is {first}); give one")
                )
            else:
                found[kind] = candidate
    if problems:
        raise CsvProblems(problems)
    return {kind: found[kind] for kind in KINDS if kind in found}

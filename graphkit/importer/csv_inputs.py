"""Finding the CSV files to import: a folder holding them, or the files named one by one."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from graphkit.importer.csv_files import KINDS
from graphkit.importer.problems import CsvProblems, Problem


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


def find_inputs(paths: Sequence[str | os.PathLike]) -> dict[str, Path]:
    """The CSV file of each kind, from a folder or from files named explicitly.

    A folder is searched (not recursively) for entities.csv,
    relationships.csv and sources.csv; any of them may be missing, but not
    all. Explicit files are recognised by their names.
    """
    problems: list[Problem] = []
    found: dict[str, Path] = {}
    if not paths:
        raise CsvProblems([Problem("(no input)", "give a folder or the CSV files to import")])
    for given in paths:
        path = Path(given)
        if path.is_dir():
            in_folder = sorted(p for p in path.iterdir() if p.is_file() and kind_of(p))
            if not in_folder:
                others = sorted(p.name for p in path.iterdir() if p.suffix.lower() == ".csv")
                hint = f" (it has {', '.join(others)})" if others else ""
                problems.append(
                    Problem(
                        str(path),
                        "no entities.csv, relationships.csv or sources.csv in this folder" + hint,
                    )
                )
            candidates = in_folder
        elif path.is_file():
            if kind_of(path) is None:
                problems.append(
                    Problem(
                        str(path),
                        "cannot tell what this file holds: name it entities.csv, "
                        "relationships.csv or sources.csv (a prefix such as acme-entities.csv is fine)",
                    )
                )
                continue
            candidates = [path]
        else:
            problems.append(Problem(str(path), "no such file or folder"))
            continue
        for candidate in candidates:
            kind = kind_of(candidate)
            assert kind is not None
            if kind in found and found[kind].resolve() != candidate.resolve():
                problems.append(
                    Problem(str(candidate), f"a second {kind} file (the first is {found[kind]}); give one")
                )
            else:
                found[kind] = candidate
    if problems:
        raise CsvProblems(problems)
    return {kind: found[kind] for kind in KINDS if kind in found}

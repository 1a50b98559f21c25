"""Verify an embedded store: every index readable, every index the same size.

The engine keeps each statement in several indexes (by subject, by
predicate, by object, by graph). A damaged data file shows up as a
checksum error when the damaged block is read, or as indexes that no
longer agree. The scan reads every index once, in a child process whose
memory is capped: a damaged file can make the engine allocate without
bound, and the cap turns that into an answer instead of an exhausted
machine.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

#: Address space the scanning process may use (bytes).
MEMORY_LIMIT = 2 << 30


@dataclass
class CheckReport:
    """What :func:`check_store` found. ``ok`` is True when nothing is wrong."""

    store: str
    ok: bool
    triples: int | None = None
    indexes: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def advice(self) -> str:
        """What to do next, in a sentence."""
        if self.ok:
            return "Nothing to do."
        return (
            "Rebuild the store from your source files (graphkit load FILES --store NEW_DIR), "
            "or restore a backup. 'graphkit export --store' may still save what can be read; "
            "keep the damaged folder until the new store is checked."
        )

    def to_dict(self) -> dict:
        return {**self.__dict__, "advice": self.advice}


def check_store(path: str | Path, *, memory_limit: int = MEMORY_LIMIT) -> CheckReport:
    """Verify the embedded store at ``path`` in a child process with capped memory.

    >>> import tempfile, pyoxigraph as ox
    >>> folder = tempfile.mkdtemp() + "/kg"
    >>> ox.Store(folder).add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x")))
    >>> report = check_store(folder)
    >>> report.ok, report.triples
    (True, 1)
    """
    path = Path(path)

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    try:
        child = subprocess.run(
            [sys.executable, "-c", "from graphkit.store.check import _scan_main; _scan_main()", str(path)],
            capture_output=True,
            text=True,
            preexec_fn=cap,
        )
    except KeyboardInterrupt:
        raise
    except OSError as exc:
        return CheckReport(str(path), False, problems=[f"cannot start the check: {exc}"])
    lines = child.stdout.strip().splitlines()
    if child.returncode == 0 and lines:
        data = json.loads(lines[-1])
        return CheckReport(
            str(path), not data["problems"], data["triples"], data["indexes"], data["problems"]
        )
    if child.returncode < 0 or "memory allocation" in child.stderr:
        reason = (
            f"reading it made the engine ask for more than {memory_limit >> 20} MB "
            "(a damaged data file announces impossible sizes)"
        )
    else:
        reason = (child.stderr.strip().splitlines() or ["the check stopped unexpectedly"])[-1]
    return CheckReport(str(path), False, problems=[reason])


def _count(quads) -> int:
    total = 0
    for _ in quads:
        total += 1
    return total


def _scan(path: str) -> dict:
    import pyoxigraph as ox

    result: dict = {"triples": None, "indexes": {}, "problems": []}
    try:
        store = ox.Store.read_only(path)
    except (OSError, RuntimeError) as exc:
        result["problems"].append(f"it cannot be opened: {' '.join(str(exc).split())}")
        return result
    indexes = result["indexes"]
    try:
        result["triples"] = len(store)
        predicates, objects = set(), set()
        total = 0
        for quad in store.quads_for_pattern(None, None, None, None):
            total += 1
            predicates.add(quad.predicate)
            objects.add(quad.object)
        indexes["by subject"] = total
        indexes["by predicate"] = sum(
            _count(store.quads_for_pattern(None, p, None, None)) for p in predicates
        )
        indexes["by object"] = sum(_count(store.quads_for_pattern(None, None, o, None)) for o in objects)
        graphs = [ox.DefaultGraph(), *store.named_graphs()]
        indexes["by graph"] = sum(_count(store.quads_for_pattern(None, None, None, g)) for g in graphs)
    except (OSError, RuntimeError, ValueError) as exc:
        result["problems"].append(f"a data file is damaged: {' '.join(str(exc).split())}")
        return result
    sizes = set(indexes.values()) | {result["triples"]}
    if len(sizes) > 1:
        listed = ", ".join(f"{name} {size}" for name, size in indexes.items())
        result["problems"].append(f"its indexes disagree ({listed}; count {result['triples']})")
    return result


def _scan_main() -> None:
    print(json.dumps(_scan(sys.argv[1])))

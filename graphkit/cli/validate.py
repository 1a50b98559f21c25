"""The validate command, and the report of violations shared with ``--validate`` on writes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

import click

from graphkit.cli.options import UserError, output_option, user_errors, with_store
from graphkit.cli.output import echo_table, visible
from graphkit.model.graph import KnowledgeGraph

if TYPE_CHECKING:
    from graphkit.model.validate import Violation

HEADERS = ["entity", "property", "problem", "severity"]
#: Violations printed as one table block: the first appear before all are found.
_BLOCK = 200


@click.command()
@click.option("--shape", metavar="NAME", help="Check only this shape (its name or IRI, e.g. Relationship).")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="Stop after N violations.")
@output_option("table", "json")
@with_store()
def validate(kg: KnowledgeGraph, shape: str | None, limit: int | None, output_format: str) -> None:
    """Check the graph against graphkit's SHACL shapes.

    Exits with status 1 when the graph does not conform. The shapes are
    installed with graphkit: 'graphkit shapes' prints them and 'graphkit
    shapes --path' says where the file is. Violations are printed as they
    are found; on a terminal a progress line shows which shape is checked.

    Example:

        graphkit validate --store my-research.ttl --shape Relationship --limit 20
    """
    from graphkit.model.validate import iter_violations

    progress = _progress()
    with user_errors():
        found = iter_violations(kg, shape=shape, limit=limit, progress=progress)
        count = report(found, output_format, before_output=progress and (lambda: progress(1, 1, "")))
    if count:
        more = " (stopped at --limit)" if limit is not None and count >= limit else ""
        raise UserError(f"{count} violation(s) of the graphkit shapes{more}")


def report(
    violations: Iterable[Violation],
    output_format: str,
    *,
    conforms_text: bool = True,
    before_output: Callable[[], None] | None = None,
) -> int:
    """Print violations as they come, as a table or as JSON; return how many there were.

    ``before_output`` runs before each block is printed (to clear a progress line).
    """
    if output_format == "json":
        return _json(violations)
    count = 0
    for block in _blocks(violations):
        if before_output is not None:
            before_output()
        echo_table(
            HEADERS if count == 0 else [""] * len(HEADERS),
            [[v.focus_label, v.path, v.message, v.severity] for v in block],
            header=count == 0,
        )
        count += len(block)
    if count == 0 and conforms_text:
        click.echo("The graph conforms to the graphkit shapes.")
    return count


def _json(violations: Iterable[Violation]) -> int:
    # {"violations": [...], "conforms": ...}, written one violation at a time.
    count = 0
    click.echo('{\n  "violations": [', nl=False)
    for v in violations:
        text = json.dumps(v.to_dict(), ensure_ascii=False)
        click.echo(("," if count else "") + "\n    " + text, nl=False)
        count += 1
    click.echo(("\n  " if count else "") + f'],\n  "conforms": {json.dumps(count == 0)}\n}}')
    return count


def _blocks(violations: Iterable[Violation]) -> Iterator[list[Violation]]:
    block: list[Violation] = []
    for v in violations:
        block.append(v)
        if len(block) >= _BLOCK:
            yield block
            block = []
    if block:
        yield block


def _progress():
    """A progress line on the terminal's standard error, or None when it is not a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int, shape: str) -> None:
        line = f"checking {visible(shape)} ({done}/{total})" if done < total else ""
        click.echo("\r\x1b[K" + line, nl=False, err=True)

    return show


def validate_option(func: Callable) -> Callable:
    """``--validate`` on commands that write."""
    return click.option(
        "--validate",
        "check",
        is_flag=True,
        help="Try the write on a copy of the store first; write nothing if it breaks the SHACL shapes.",
    )(func)


def refuse_invalid_write(kg: KnowledgeGraph, write: Callable[[KnowledgeGraph], object], what: str) -> None:
    """List the violations ``write`` would add and stop with an error, or return when there are none.

    A store that the write creates is not written twice: the write itself
    is checked before the new store takes its place, and refused there.
    """
    from graphkit.model.checked_write import validate_before_commit, violations_added

    def refuse(added: list) -> None:
        if added:
            report(added, "table", conforms_text=False)
            raise UserError(
                f"nothing was written: {what} would add {len(added)} violation(s) of the graphkit shapes"
            )

    if validate_before_commit(kg, refuse):
        return
    with user_errors():
        added = violations_added(kg, write)
    refuse(added)

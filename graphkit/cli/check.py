"""The check command: verify an embedded store and say what to do."""

from __future__ import annotations

from pathlib import Path

import click

from graphkit.cli.options import UserError, echo_json, output_option, store_option, user_errors
from graphkit.store import resolve_spec


@click.command()
@output_option("table", "json")
@store_option
def check(output_format: str, store: str | None) -> None:
    """Verify that an embedded store is readable and consistent.

    Reads every index of the store once, read-only (another process may be
    writing it), in a helper process with capped memory, and says what to
    do when something is wrong. Exits 1 when the store is damaged.

    Example:

        graphkit check --store ./mygraph
    """
    from graphkit.store.check import check_store
    from graphkit.store.local import is_oxigraph_dir

    spec = resolve_spec(store)
    if spec is None or spec.startswith(("http://", "https://", "sparql:")) or spec == "bundled":
        raise UserError("check verifies an embedded store folder: add --store DIR")
    path = Path(spec.removeprefix("oxigraph:")).expanduser()
    with user_errors():
        if not is_oxigraph_dir(path):
            raise UserError(f"{path} is not a graphkit store folder (no CURRENT and IDENTITY files in it)")
        report = check_store(path)
    if output_format == "json":
        echo_json(report.to_dict())
    elif report.ok:
        click.echo(f"{path}: OK. {report.triples} triples; every index reads and agrees.")
    if not report.ok:
        problems = "; ".join(problem.rstrip(".") for problem in report.problems)
        message = f"the store {path} is damaged: {problems}.\n{report.advice}"
        if output_format == "json":
            raise SystemExit(1)
        raise UserError(message)

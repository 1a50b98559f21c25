"""The import command: spreadsheets (CSV) into a store."""

from __future__ import annotations

import click

from graphkit.cli.options import (
    UserError,
    echo_json,
    echo_table,
    open_store,
    output_option,
    store_option,
    user_errors,
    wait_option,
)
from graphkit.cli.output import visible
from graphkit.importer import CsvProblems, ImportReport, import_csv
from graphkit.importer.csv_files import KINDS
from graphkit.store import resolve_spec

_SHOWN_IDS = 50


def _ids(ids: list[str]) -> str:
    shown = ", ".join(ids[:_SHOWN_IDS])
    return shown + (f", ... ({len(ids) - _SHOWN_IDS} more)" if len(ids) > _SHOWN_IDS else "")


def _echo_report(report: ImportReport) -> None:
    rows = sum(len(ids) for kind in report.changes.values() for ids in kind.values())
    if rows == 0:
        click.echo("The files hold no rows (only headers): nothing to import.")
        return
    if report.dry_run:
        click.echo(f"Dry run: nothing was written to {visible(report.store)}.")
    elif not report.written:
        click.echo(f"Nothing to change in {visible(report.store)}: every row is already there.")
    else:
        made = " (new store)" if report.created_store else ""
        click.echo(f"Imported into {visible(report.store)}{made}.")
    click.echo()
    rows = [
        [kind, report.count(kind, "new"), report.count(kind, "updated"), report.count(kind, "unchanged")]
        for kind in KINDS
        if kind in report.files
    ]
    verb = "would be " if report.dry_run else ""
    echo_table(["file", f"{verb}new", f"{verb}updated", "unchanged"], rows)
    for kind in KINDS:
        for status in ("new", "updated"):
            ids = report.changes.get(kind, {}).get(status, [])
            if ids:
                click.echo(f"{status} {kind}: {visible(_ids(ids))}")
    if report.triples_after is not None:
        before, after = report.triples_before or 0, report.triples_after
        click.echo(f"Triples: {before} -> {after} ({after - before:+d})")


@click.command("import")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--dry-run", is_flag=True, help="Check the files and show what would change; write nothing.")
@output_option("table", "json")
@wait_option
@store_option
def import_(
    inputs: tuple[str, ...], dry_run: bool, output_format: str, wait: bool, store: str | None
) -> None:
    """Import CSV sheets: entities, relationships, sources.

    INPUTS is a folder holding entities.csv, relationships.csv and
    sources.csv (any of them may be missing), or the files themselves. Every
    row is checked first: on any problem, each one is listed with its file,
    row, column and value, and nothing is imported. Importing the same files
    again changes nothing; an edited row replaces what it wrote before.

    The store must be writable: an embedded store folder (created when new)
    or a SPARQL endpoint. With --dry-run and no --store, the files are
    checked against the bundled dataset. 'graphkit templates FOLDER' writes
    empty sheets (--example: a filled, fictional one); 'graphkit export
    --format csv -o FOLDER' writes a graph in the same layout.

    Example:

        graphkit import my-research --store ./mygraph --dry-run
    """
    if resolve_spec(store) is None and not dry_run:
        raise UserError(
            "import needs a writable store: add --store DIR (a new folder is created) "
            "or --store URL of a SPARQL endpoint"
        )
    with (
        open_store(store, read_only=True if dry_run else None, create=True, wait=wait) as kg,
        user_errors(),
    ):
        try:
            report = import_csv(kg, list(inputs), dry_run=dry_run)
        except CsvProblems as exc:
            if output_format == "json":
                echo_json({"imported": False, **exc.to_dict()})
                raise SystemExit(1) from None
            raise UserError(str(exc)) from None
        if output_format == "json":
            echo_json(report.to_dict())
        else:
            _echo_report(report)

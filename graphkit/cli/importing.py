"""The import command: spreadsheets (CSV) and FollowTheMoney entity streams into a store."""

from __future__ import annotations

import click

from graphkit.cli.options import (
    UserError,
    echo_json,
    echo_table,
    open_store,
    store_option,
    user_errors,
    wait_option,
)
from graphkit.cli.output import visible
from graphkit.cli.validate import refuse_invalid_write, validate_option
from graphkit.importer import ImportProblems, ImportReport, import_csv
from graphkit.importer.piped import spooled
from graphkit.importer.pipeline import KINDS
from graphkit.store import resolve_spec

INPUT_FORMATS = ("csv", "ftm")
_JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")


def detect_format(inputs: tuple[str, ...], given: str | None) -> str:
    """``csv`` or ``ftm``: as given, else from the names (``.ftm.json``, ``.jsonl``...).

    >>> detect_format(("aleph.ftm.jsonl",), None), detect_format(("my-research",), None)
    ('ftm', 'csv')
    """
    if given:
        return given
    from graphkit.importer.ftm_files import is_ftm_file

    if any(is_ftm_file(i) or i.lower().endswith(_JSON_SUFFIXES) for i in inputs):
        return "ftm"
    return "csv"


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
        if kind in report.files or "ftm" in report.files
    ]
    verb = "would be " if report.dry_run else ""
    first = "records" if "ftm" in report.files else "file"
    echo_table([first, f"{verb}new", f"{verb}updated", "unchanged"], rows)
    for kind in KINDS:
        for status in ("new", "updated"):
            ids = report.changes.get(kind, {}).get(status, [])
            if ids:
                click.echo(f"{status} {kind}: {visible(_ids(ids))}")
    if report.triples_after is not None:
        before, after = report.triples_before or 0, report.triples_after
        click.echo(f"Triples: {before} -> {after} ({after - before:+d})")


def _run(kg, fmt: str, inputs: tuple[str, ...], dry_run: bool, source: dict) -> ImportReport:
    if fmt == "ftm":
        from graphkit.importer.apply import import_ftm

        return import_ftm(kg, inputs[0], dry_run=dry_run, **source)
    return import_csv(kg, list(inputs), dry_run=dry_run)


@click.command("import")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@click.option("--dry-run", is_flag=True, help="Check the input and show what would change; write nothing.")
@click.option(
    "--format",
    "-F",
    "output_format",
    type=click.Choice(["table", "json", *INPUT_FORMATS], case_sensitive=False),
    default="table",
    show_default=True,
    help="table or json: the report. csv or ftm: what INPUTS hold (as --input-format).",
)
@click.option(
    "--input-format",
    type=click.Choice(INPUT_FORMATS, case_sensitive=False),
    help="csv (sheets) or ftm (FollowTheMoney JSON). Default: from the file names.",
)
@click.option(
    "--source", "source_id", metavar="ID", help="FtM: source (in the store) for entities with none."
)
@click.option("--source-title", metavar="TEXT", help="FtM: title of a new source for entities with none.")
@click.option("--source-url", metavar="URL", help="FtM: web address of that source.")
@click.option("--source-publisher", metavar="TEXT", help="FtM: publisher of that source.")
@click.option("--source-date", metavar="DATE", help="FtM: publication date of that source (YYYY[-MM[-DD]]).")
@validate_option
@wait_option
@store_option
def import_(
    inputs: tuple[str, ...],
    dry_run: bool,
    output_format: str,
    input_format: str | None,
    source_id: str | None,
    source_title: str | None,
    source_url: str | None,
    source_publisher: str | None,
    source_date: str | None,
    check: bool,
    wait: bool,
    store: str | None,
) -> None:
    """Import CSV sheets or FollowTheMoney (FtM) entities.

    CSV: INPUTS is a folder holding entities.csv, relationships.csv and
    sources.csv (any of them may be missing), or the files themselves; a
    pipe (<(...)) or - (stdin) is read once, and told by its header.
    FtM: INPUTS is one file of FtM entities, one JSON object a line (as
    Aleph and the ftm tool export) or a JSON array; *.ftm.json, *.ftm.jsonl,
    *.json and *.jsonl are read as FtM, or say --format ftm. Entities with
    no sourceUrl or publisher need --source-title and --source-url (or
    --source ID), since every relationship needs a source.

    Everything is checked first: on any problem, each one is listed with
    where it is (file, row and column; or line, entity id and property), and
    nothing is imported. Importing the same input again changes nothing; an
    edited record replaces what it wrote before. With --validate, the import
    is tried on a copy of the store first and nothing is written if it would
    add violations of the SHACL shapes.

    The store must be writable: an embedded store folder (created when new)
    or a SPARQL endpoint. With --dry-run and no --store, the input is
    checked against the bundled dataset. 'graphkit templates FOLDER' writes
    empty sheets (--example: a filled, fictional one); 'graphkit export
    --format csv -o FOLDER' writes a graph in the same layout (-F ftm: FtM).

    Example:

    \b
        graphkit import my-research --store ./mygraph --dry-run
        graphkit import aleph.ftm.jsonl --store ./mygraph
    """
    fmt = input_format or (output_format if output_format in INPUT_FORMATS else None)
    fmt = detect_format(inputs, fmt)
    if output_format in INPUT_FORMATS:
        output_format = "table"
    if resolve_spec(store) is None and not dry_run:
        raise UserError(
            "import needs a writable store: add --store DIR (a new folder is created) "
            "or --store URL of a SPARQL endpoint"
        )
    if fmt == "ftm" and len(inputs) != 1:
        raise UserError("give one FtM file at a time")
    if fmt == "csv" and (source_id or source_title or source_url or source_publisher or source_date):
        raise UserError(
            "--source, --source-title and --source-url are for FtM input; CSV names sources in sources.csv"
        )
    source = {
        "source_id": source_id or "",
        "source_title": source_title or "",
        "source_url": source_url or "",
        "source_publisher": source_publisher or "",
        "source_date": source_date or "",
    }
    with (
        open_store(store, read_only=True if dry_run else None, create=True, wait=wait) as kg,
        user_errors(),
    ):
        try:
            # A pipe or stdin is copied once: --validate and the import each read the input.
            with spooled(inputs) as paths:
                given = tuple(paths)
                if check and not dry_run:
                    refuse_invalid_write(kg, lambda copy: _run(copy, fmt, given, False, source), "the import")
                report = _run(kg, fmt, given, dry_run, source)
        except ImportProblems as exc:
            if output_format == "json":
                echo_json({"imported": False, **exc.to_dict()})
                raise SystemExit(1) from None
            raise UserError(str(exc)) from None
        if output_format == "json":
            echo_json(report.to_dict())
        else:
            _echo_report(report)

"""The merge command: fold a duplicate entity into the one to keep."""

from __future__ import annotations

import click

from graphkit.cli.options import UserError, echo_json, open_store, output_option, store_option, user_errors
from graphkit.cli.output import visible
from graphkit.cli.validate import refuse_invalid_write, validate_option
from graphkit.model.merge import MergeReport
from graphkit.model.merge import merge as merge_entities
from graphkit.store import resolve_spec
from graphkit.vocab import shorten


def _echo_report(report: MergeReport) -> None:
    keep, dup = report.keep, report.duplicate
    verb = "Would merge" if report.dry_run else "Merged"
    click.echo(f"{verb} {visible(repr(dup.label))} [{visible(dup.type)}] <{visible(dup.iri)}>")
    click.echo(f"   into {visible(repr(keep.label))} [{visible(keep.type)}] <{visible(keep.iri)}>")
    click.echo(f"  relationships moved:    {report.relationships_moved}")
    click.echo(f"  direct links moved:     {report.edges_moved}")
    click.echo(f"  other references moved: {report.references_moved}")
    click.echo(f"  aliases added:          {visible(', '.join(report.aliases_added)) or '-'}")
    click.echo(f"  recorded:               {visible(keep.iri)} owl:sameAs {visible(dup.iri)}")
    if report.relationships_merged:
        click.echo(f"  duplicate relationships merged into one: {len(report.relationships_merged)}")
        for fold in report.relationships_merged:
            folded, into = visible(shorten(fold.folded)), visible(shorten(fold.into))
            click.echo(f"    {folded} -> {into} (sources united)")
            if fold.dropped_description:
                click.echo(f"      its description, not kept: {visible(repr(fold.dropped_description))}")
    if report.dropped:
        click.echo("  removed from the duplicate:")
        for change in report.dropped:
            click.echo(f"    {visible(change.predicate)} {visible(change.object)}")
    for loop in report.self_loops:
        predicate = visible(loop.predicate)
        click.echo(f"  Warning: now links the entity to itself: {predicate} (check this relationship)")
    if report.dry_run:
        click.echo("\nChanges (nothing was written):")
        for change in report.changes:
            click.echo(f"  {visible(change)}")
    elif report.triples_after is not None:
        before, after = report.triples_before or 0, report.triples_after
        click.echo(f"Triples: {before} -> {after} ({after - before:+d})")


@click.command()
@click.argument("keep")
@click.argument("duplicate")
@click.option("--dry-run", is_flag=True, help="Show the changes; write nothing.")
@output_option("table", "json")
@validate_option
@store_option
def merge(
    keep: str, duplicate: str, dry_run: bool, output_format: str, check: bool, store: str | None
) -> None:
    """Merge the entity DUPLICATE into KEEP.

    Every relationship of the duplicate (in both directions) and every
    other link to it moves to KEEP; its name and aliases become aliases of
    KEEP; the rest of its triples are removed, and 'KEEP owl:sameAs
    DUPLICATE' records the merge. All of it is one atomic update. KEEP and
    DUPLICATE are labels, aliases or IRIs. The store must be writable (use
    --dry-run to preview on any store). With --validate, the merge is tried
    on a copy of the store first and nothing is written if it would add
    violations of the SHACL shapes.

    Example:

        graphkit merge gkd:acme "Acme Ltd" --store ./mygraph --dry-run
    """
    if resolve_spec(store) is None and not dry_run:
        raise UserError(
            "merge needs a writable store: add --store DIR or --store URL (the bundled dataset is read-only)"
        )
    with open_store(store, read_only=True if dry_run else None) as kg, user_errors():
        if check and not dry_run:
            refuse_invalid_write(kg, lambda copy: merge_entities(copy, keep, duplicate), "the merge")
        report = merge_entities(kg, keep, duplicate, dry_run=dry_run)
        if output_format == "json":
            echo_json(report.to_dict())
        else:
            _echo_report(report)

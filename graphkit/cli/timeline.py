"""The timeline command: dated relationships in order, with their sources."""

from __future__ import annotations

import click

from graphkit.cli.options import output_option, projection_kwargs, projection_options, with_store


@click.command()
@click.argument("entity", required=False)
@projection_options(focus=False)
@output_option("table", "json", "html")
@with_store()
def timeline(kg, entity: str | None, output_format: str, **options) -> None:
    """List dated relationships in time order, with sources.

    With ENTITY, only the relationships that touch it. A date such as
    2024-10 covers the whole month and sorts by its first day; ~ marks a date
    the source gives only approximately. Undated relationships are left out
    and counted at the end. --format html writes a self-contained page.

    Example:

        graphkit timeline "Judith Collins"
    """
    from graphkit.analysis.timeline import timeline as dated
    from graphkit.analysis.timeline import undated_count
    from graphkit.cli.options import echo_json
    from graphkit.cli.output import Citations, echo_table, visible
    from graphkit.model.resolve import resolve
    from graphkit.projection import project

    ref = resolve(kg, entity) if entity else None
    graph = project(kg, **projection_kwargs(options))
    iri = ref.iri if ref else None
    if iri is not None and iri not in graph:
        rows, undated = [], 0
    else:
        rows, undated = dated(graph, iri), undated_count(graph, iri)
    if output_format == "json":
        echo_json(rows)
        return
    about = f" involving {ref.label}" if ref else ""
    note = f"{len(rows)} dated relationship(s){about}; {undated} undated not listed."
    if output_format == "html":
        from graphkit.render.timeline import timeline_page

        click.echo(timeline_page(rows, title=f"graphkit timeline{about}", note=note), nl=False)
        return
    if not rows:
        click.echo(visible(f"No dated relationships{about}."))
        return
    notes = Citations()
    echo_table(
        ["date", "from", "relation", "to", "sources"],
        [[r["when"], r["from"], r["relation"], r["to"], notes.refs(r["sources"])] for r in rows],
        flexible=["from", "to"],
    )
    click.echo("\n" + visible(note))
    notes.echo()

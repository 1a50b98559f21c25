"""Commands that describe the graph: stats and show."""

from __future__ import annotations

import click

from graphkit.cli.options import echo_json, output_option, with_store
from graphkit.cli.output import Citations, echo_field, echo_table, visible
from graphkit.dates import format_date
from graphkit.model.entity import describe
from graphkit.model.graph import KnowledgeGraph
from graphkit.model.stats import stats as compute_stats


@click.command()
@output_option("table", "json")
@with_store()
def stats(kg: KnowledgeGraph, output_format: str) -> None:
    """Count triples, entities, relationships and sources.

    Example:

        graphkit stats --format json
    """
    result = compute_stats(kg)
    if output_format == "json":
        echo_json(result.to_dict())
        return
    echo_table(
        ["what", "count"],
        [
            ["triples", result.triples],
            ["entities", result.entities],
            ["relationships (sourced statements)", result.relationships],
            ["direct relation triples", result.direct_relations],
            ["sources", result.sources],
        ],
    )
    click.echo()
    echo_table(["entity type", "count"], list(result.entities_by_type.items()))
    click.echo()
    echo_table(["relation", "count"], list(result.relationships_by_type.items()))


@click.command()
@click.argument("entity")
@output_option("table", "json")
@with_store()
def show(kg: KnowledgeGraph, entity: str, output_format: str) -> None:
    """Show all that is known about an entity, with sources.

    ENTITY is a label, an alias or an IRI (gkd:nzsis works), matched without
    regard to case.

    Example:

        graphkit show "Judith Collins"
    """
    details = describe(kg, entity)
    if output_format == "json":
        echo_json(details.to_dict(kg))
        return
    data = details.to_dict(kg)
    click.echo(f"{visible(data['label'])}  [{visible(data['type'])}]")
    echo_field("IRI:", data["iri"])
    if data["aliases"]:
        echo_field("Aliases:", ", ".join(data["aliases"]))
    if data["description"]:
        echo_field("About:", data["description"])
    for key, values in data["properties"].items():
        echo_field(f"{key}:", "; ".join(values))
    for stat in data["statistics"]:
        value = f"{stat.get('comparator') or ''} {stat.get('value')}".strip()
        when = stat.get("date") or stat.get("temporal") or ""
        echo_field("Figure:", f"{stat.get('indicator')}: {value} {when}".rstrip())
    click.echo()
    if not data["relationships"]:
        click.echo("No relationships.")
        return
    notes = Citations()
    rows = [
        [
            f"{'→' if rel['direction'] == 'out' else '←'} {rel['relation']}",
            rel["entity"],
            format_date(rel["date"], start=rel["start"], end=rel["end"], approximate=rel["date_approximate"]),
            rel["description"] or "",
            notes.refs(rel["sources"]),
        ]
        for rel in data["relationships"]
    ]
    echo_table(
        ["relation", "entity", "date", "description", "sources"],
        rows,
        flexible=["entity", "description"],
        clip=["description"],
    )
    notes.echo()

"""Commands that describe the graph: stats, show, validate."""

from __future__ import annotations

import click

from graphkit.cli.options import UserError, echo_json, echo_table, output_option, with_store
from graphkit.model.entity import describe
from graphkit.model.graph import KnowledgeGraph
from graphkit.model.stats import stats as compute_stats
from graphkit.model.validate import validate as run_validation
from graphkit.vocab import shorten


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
    click.echo(f"{data['label']}  [{data['type']}]")
    click.echo(f"  IRI:     {data['iri']}")
    if data["aliases"]:
        click.echo(f"  Aliases: {', '.join(data['aliases'])}")
    if data["description"]:
        click.echo(f"  About:   {data['description']}")
    for key, values in data["properties"].items():
        click.echo(f"  {key}: {'; '.join(values)}")
    for stat in data["statistics"]:
        value = f"{stat.get('comparator') or ''} {stat.get('value')}".strip()
        when = stat.get("date") or stat.get("temporal") or ""
        click.echo(f"  Figure:  {stat.get('indicator')}: {value} {when}".rstrip())
    click.echo()
    if not data["relationships"]:
        click.echo("No relationships.")
        return
    rows = []
    sources: dict[str, int] = {}
    for rel in data["relationships"]:
        marks = []
        for src in rel["sources"]:
            key = src["iri"]
            sources.setdefault(key, len(sources) + 1)
            marks.append(f"[{sources[key]}]")
        when = rel["date"] or (
            f"{rel['start'] or ''}–{rel['end'] or ''}" if rel["start"] or rel["end"] else ""
        )
        if when and rel["date_approximate"]:
            when = "~" + when
        arrow = "→" if rel["direction"] == "out" else "←"
        rows.append(
            [
                f"{arrow} {rel['relation']}",
                rel["entity"],
                when,
                rel["description"] or "",
                " ".join(marks) or "(none)",
            ]
        )
    echo_table(["relation", "entity", "date", "description", "sources"], rows, max_width=70)
    if sources:
        click.echo("\nSources:")
        by_iri = {s["iri"]: s for r in data["relationships"] for s in r["sources"]}
        for iri, n in sources.items():
            s = by_iri[iri]
            parts = [s.get("title") or shorten(iri), s.get("publisher"), s.get("date"), s.get("url")]
            click.echo(f"  [{n}] " + ". ".join(p for p in parts if p))


@click.command()
@output_option("table", "json")
@with_store()
def validate(kg: KnowledgeGraph, output_format: str) -> None:
    """Check the graph against graphkit's SHACL shapes.

    Exits with status 1 when the graph does not conform. The shapes are
    installed with graphkit: 'graphkit shapes' prints them and 'graphkit
    shapes --path' says where the file is.

    Example:

        graphkit validate --store my-research.ttl
    """
    report = run_validation(kg)
    if output_format == "json":
        echo_json(report.to_dict())
    elif report.conforms:
        click.echo("The graph conforms to the graphkit shapes.")
    else:
        echo_table(
            ["entity", "property", "problem", "severity"],
            [[v.focus_label, v.path, v.message, v.severity] for v in report.violations],
            max_width=80,
        )
    if not report.conforms:
        raise UserError(f"{len(report.violations)} violation(s) of the graphkit shapes")

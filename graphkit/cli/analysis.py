"""Commands that answer network questions: neighbors, path, centrality, communities."""

from __future__ import annotations

import click

from graphkit.analysis import MEASURES, NoPathError
from graphkit.analysis import centrality as rank
from graphkit.analysis import communities as cluster
from graphkit.analysis import neighbors as near
from graphkit.analysis import paths as find_paths
from graphkit.analysis.hops import shown_date
from graphkit.cli.options import (
    UserError,
    echo_json,
    echo_table,
    output_option,
    projection_kwargs,
    projection_options,
    with_store,
)
from graphkit.cli.output import Citations, echo_wrapped, visible
from graphkit.model.graph import KnowledgeGraph
from graphkit.model.resolve import resolve
from graphkit.projection import project, type_names


@click.command()
@click.argument("entity")
@click.option("--depth", type=int, default=1, show_default=True, help="How many hops out.")
@projection_options(focus=False)
@output_option("table", "json")
@with_store()
def neighbors(kg: KnowledgeGraph, entity: str, depth: int, output_format: str, **options) -> None:
    """List the entities around ENTITY, with dates and sources.

    Example:

        graphkit neighbors AWS --depth 2
    """
    if depth < 1:
        raise UserError(f"--depth must be 1 or more, not {depth}")
    ref = resolve(kg, entity)
    graph = project(kg, focus=ref.iri, depth=depth, **projection_kwargs(options))
    rows = near(graph, ref.iri, depth=depth)
    if output_format == "json":
        echo_json(rows)
        return
    if not rows:
        click.echo(f"{visible(ref.label)} has no relationships in this view.")
        return
    notes = Citations()
    echo_table(
        ["hops", "via", "relation", "dir", "entity", "date", "sources"],
        [
            [
                r["distance"],
                r["via"],
                r["relation"],
                r["direction"],
                r["entity"],
                shown_date(r),
                notes.refs(r["sources"]),
            ]
            for r in rows
        ],
        flexible=["via", "entity"],
    )
    notes.echo()


@click.command()
@click.argument("source")
@click.argument("target")
@click.option("--max-length", type=int, help="Give up beyond this many hops.")
@click.option("--all", "all_paths", is_flag=True, help="Every shortest path, not just one.")
@projection_options(focus=False)
@output_option("table", "json")
@with_store()
def path(
    kg: KnowledgeGraph,
    source: str,
    target: str,
    max_length: int | None,
    all_paths: bool,
    output_format: str,
    **options,
) -> None:
    """Show how two entities are connected, hop by hop.

    Edge direction is ignored when searching; each hop says which way the
    relation points and who reports it. Exits with status 1 when there is no
    connection.

    Example:

        graphkit path "Judith Collins" Google --all
    """
    a, b = resolve(kg, source), resolve(kg, target)
    graph = project(kg, **projection_kwargs(options))
    try:
        found = find_paths(graph, a.iri, b.iri, max_length=max_length, all_paths=all_paths)
    except NoPathError as exc:
        raise UserError(str(exc), 1) from None
    if output_format == "json":
        echo_json(found)
        return
    notes = Citations()
    for number, hops in enumerate(found, 1):
        if number > 1:
            click.echo()
        click.echo(f"Path {number} ({len(hops)} hop{'s' if len(hops) != 1 else ''}):")
        for h in hops:
            relation = visible(h["relation"])
            arrow = f"--[{relation}]->" if h["direction"] == "out" else f"<-[{relation}]--"
            when = f"  ({shown_date(h)})" if h["date"] else ""
            refs = notes.refs(h["sources"])
            echo_wrapped("  ", f"{visible(h['from'])} {arrow} {visible(h['to'])}{when}  {refs}", indent=6)
    notes.echo()


@click.command()
@click.option("--measure", type=click.Choice(sorted(MEASURES)), default="degree", show_default=True)
@click.option("--top", type=int, default=10, show_default=True, help="How many to list.")
@click.option(
    "--backend",
    type=click.Choice(["auto", "networkx", "igraph", "parallel"]),
    default="auto",
    show_default=True,
    help="auto: networkx, or igraph above 5,000 entities; parallel needs nx-parallel.",
)
@projection_options(focus=True)
@output_option("table", "json")
@with_store()
def centrality(
    kg: KnowledgeGraph, measure: str, top: int, backend: str, output_format: str, **options
) -> None:
    """Rank entities by centrality: who is connected, who brokers.

    --type limits the ranking (scores are computed on the whole view).

    Example:

        graphkit centrality --measure betweenness --top 5
    """
    kwargs = projection_kwargs(options)
    rank_types = kwargs.pop("types", ())
    graph = project(kg, **kwargs)
    wanted = type_names(kg, rank_types)
    info: dict = {}
    rows = rank(graph, measure, top=top, types=wanted, backend=backend, info=info)
    if output_format == "json":
        echo_json(rows)
        return
    echo_table(
        ["rank", "entity", "type", measure],
        [[i, r["entity"], r["type"], f"{r['score']:.4f}"] for i, r in enumerate(rows, 1)],
    )
    if info.get("sampled_sources"):
        click.echo(
            f"\nBetweenness estimated from {info['sampled_sources']:,} sampled source entities, "
            f"of the {info['sources_of']:,} an exact result searches from ({info['backend']})."
        )


@click.command()
@click.option(
    "--seed", type=int, default=42, show_default=True, help="Random seed (same seed, same communities)."
)
@click.option(
    "--resolution", type=float, default=1.0, show_default=True, help="Above 1: more, smaller communities."
)
@click.option(
    "--backend",
    type=click.Choice(["auto", "networkx", "igraph"]),
    default="auto",
    show_default=True,
    help="auto: networkx, or igraph above 5,000 entities (its own Louvain: a partition as good, "
    "not the same one).",
)
@projection_options(focus=True)
@output_option("table", "json")
@with_store()
def communities(
    kg: KnowledgeGraph, seed: int, resolution: float, backend: str, output_format: str, **options
) -> None:
    """Group entities into communities (seeded Louvain).

    Example:

        graphkit communities --format json
    """
    graph = project(kg, **projection_kwargs(options))
    groups = cluster(graph, seed=seed, resolution=resolution, backend=backend)
    if output_format == "json":
        echo_json(groups)
        return
    for group in groups:
        click.echo(f"Community {group['community']} ({group['size']} members):")
        for m in group["members"]:
            echo_wrapped("  ", f"{visible(m['entity'])}  [{visible(m['type'])}]", indent=6)
        click.echo()


_Notes = Citations  # the former name, for code written against it

"""The render command: the interactive HTML view of the graph."""

from __future__ import annotations

import click

from graphkit.cli.options import projection_kwargs, projection_options, with_store
from graphkit.cli.output import visible
from graphkit.model.graph import KnowledgeGraph
from graphkit.render import LAYOUTS, SIZE_MEASURES
from graphkit.render import render as render_view


@click.command()
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False),
    default="graph.html",
    show_default=True,
    help="HTML file to write.",
)
@click.option(
    "--title", metavar="TEXT", help="Page title and heading. Default: graphkit (and the --focus entity)."
)
@click.option(
    "--layout",
    type=click.Choice(LAYOUTS),
    default="auto",
    show_default=True,
    help="static (and auto): positions computed here, packed so that labels never overlap; "
    "physics: vis-network's physics settles the graph in the browser.",
)
@click.option(
    "--size-by",
    "size_by",
    type=click.Choice(SIZE_MEASURES),
    default="degree",
    show_default=True,
    help="Node size by this centrality (betweenness is slow on thousands of nodes).",
)
@click.option("--seed", type=int, default=42, show_default=True, help="Layout seed (same seed, same page).")
@projection_options(focus=True)
@with_store()
def render(
    kg: KnowledgeGraph, output: str, title: str | None, layout: str, size_by: str, seed: int, **options
) -> None:
    """Draw the graph as an interactive HTML page.

    The page is one self-contained file: it opens from disk with the network
    off and makes no request. Colour shows the family of an entity, shape its
    class; click an entity or a relationship for its details and every source;
    search by name or alias; filter by type and relation; move the timeline to
    see the graph as of a month. The file is written to a temporary name and
    renamed, and the same data and options give the same file.

    Example:

        graphkit render -o collins.html --focus "Judith Collins" --depth 2
    """
    view = render_view(
        kg, output, title=title, layout=layout, size_by=size_by, seed=seed, **projection_kwargs(options)
    )
    click.echo(f"Wrote {visible(view.path)}")
    click.echo(visible(f"{view.summary} ({view.layout} layout)"))

"""The export command: RDF formats, Gephi, JSON, CSV and Neo4j Cypher."""

from __future__ import annotations

import io

import click

from graphkit.cli.options import UserError, binary_stdout, projection_kwargs, projection_options, with_store
from graphkit.export.files import atomic_file, atomic_folder, check_target
from graphkit.export.network import (
    write_csv_folder,
    write_cypher,
    write_gexf,
    write_graphml,
    write_json,
)
from graphkit.export.rdf import RDF_FORMATS, write_rdf
from graphkit.model.graph import KnowledgeGraph
from graphkit.projection import project

NETWORK_FORMATS = ("graphml", "gexf", "json", "csv", "cypher")
TEXT_FORMATS = {"json": write_json, "cypher": write_cypher}
BINARY_FORMATS = {"graphml": write_graphml, "gexf": write_gexf}


@click.command()
@click.option(
    "--format",
    "-F",
    "fmt",
    required=True,
    type=click.Choice([*RDF_FORMATS, *NETWORK_FORMATS], case_sensitive=False),
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(),
    help="File to write (a folder for csv). Default, or '-': stdout.",
)
@projection_options(focus=True)
@with_store()
def export(kg: KnowledgeGraph, fmt: str, output: str | None, **options) -> None:
    """Export the graph for other tools.

    RDF: ttl, nt, nq, trig, jsonld, rdfxml. Gephi: graphml, gexf. Also json
    (networkx node-link), csv (a folder with nodes.csv and edges.csv) and
    cypher (a Neo4j script). Files are written to a temporary name and
    renamed, so a failed export never leaves a half-written file.

    Example:

        graphkit export --format gexf -o graph.gexf --focus "Judith Collins" --depth 2
    """
    kwargs = projection_kwargs(options)
    if kwargs.get("depth", 1) < 0:
        raise UserError(f"--depth must be 0 or more, not {kwargs['depth']}")
    if output == "-":
        output = None
    if fmt == "csv" and not output:
        raise UserError("csv writes a folder: give it with -o FOLDER")
    if output is not None:
        check_target(output, folder=fmt == "csv")  # before any work
    filtered = any(v for k, v in kwargs.items() if k != "depth")
    graph = project(kg, **kwargs) if (fmt not in RDF_FORMATS or filtered) else None
    if output is None:
        stdout = binary_stdout()
        if fmt in RDF_FORMATS:
            write_rdf(kg, stdout, fmt, graph)
        elif fmt in BINARY_FORMATS:
            BINARY_FORMATS[fmt](graph, stdout)
        else:
            text = io.StringIO()
            TEXT_FORMATS[fmt](graph, text)
            stdout.write(text.getvalue().encode("utf-8"))
        return
    if fmt == "csv":
        with atomic_folder(output) as folder:
            write_csv_folder(graph, folder)
    elif fmt in RDF_FORMATS:
        with atomic_file(output, "wb") as fh:
            write_rdf(kg, fh, fmt, graph)
    elif fmt in BINARY_FORMATS:
        with atomic_file(output, "wb") as fh:
            BINARY_FORMATS[fmt](graph, fh)
    else:
        with atomic_file(output, "w") as fh:
            TEXT_FORMATS[fmt](graph, fh)
    summary = (
        f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges"
        if graph is not None
        else f"{kg.triple_count()} triples"
    )
    click.echo(f"Wrote {output} ({fmt}, {summary})", err=True)

"""The export command: RDF formats, Gephi, JSON, CSV and Neo4j Cypher."""

from __future__ import annotations

import io
from pathlib import Path

import click

from graphkit.cli.options import UserError, binary_stdout, projection_kwargs, projection_options, with_store
from graphkit.cli.output import visible
from graphkit.export.files import atomic_file, atomic_folder, check_target
from graphkit.export.network import (
    write_cypher,
    write_gexf,
    write_graphml,
    write_json,
)
from graphkit.export.rdf import RDF_FORMATS, write_rdf
from graphkit.model.graph import KnowledgeGraph
from graphkit.projection import project
from graphkit.store.formats import EXTENSIONS as RDF_EXTENSIONS

NETWORK_FORMATS = ("graphml", "gexf", "json", "csv", "cypher", "ftm")
TEXT_FORMATS = {"json": write_json, "cypher": write_cypher}
BINARY_FORMATS = {"graphml": write_graphml, "gexf": write_gexf}

# The format that -o's extension names: the loader's RDF extensions, less ".json" (it
# could be JSON-LD or networkx node-link JSON, so the user says which) and ".n3"
# (not written), plus the network formats.
EXTENSIONS = {
    **{ext: name for ext, name in RDF_EXTENSIONS.items() if ext not in (".json", ".n3")},
    ".graphml": "graphml",
    ".gexf": "gexf",
    ".cypher": "cypher",
    ".cql": "cypher",
    ".ftm": "ftm",  # name.ftm.json or name.ftm.jsonl: FollowTheMoney entities
}

# --format with an -o extension that names another format is a mistake, unless the
# file is valid in both (N-Triples is also Turtle, N-Quads and TriG; Turtle is TriG)
# or the extension is the generic .xml and the format an XML one.
ALSO_VALID_AS = {"nt": {"ttl", "nq", "trig"}, "ttl": {"trig"}}
XML_FORMATS = {"rdfxml", "graphml", "gexf"}


def view_summary(graph) -> str:
    """What an RDF export of a view holds, in the words 'graphkit stats' counts it.

    The documents that the view's relationships cite (gk:accordingTo) come with
    it, so stats on the file counts them as entities too.
    """
    cited = {doc for _, _, data in graph.edges(data=True) for doc in data.get("according_to") or []}
    extra = len(cited - set(graph.nodes))
    text = f"{graph.number_of_nodes()} entities, {graph.number_of_edges()} relationships"
    return text + (f", and {extra} cited document(s) with their labels" if extra else "")


def output_format(fmt: str | None, output: str | None) -> str:
    """The export format: --format if given, else from -o's extension, else Turtle.

    A known extension that names another format than --format is refused.

    >>> output_format("graphml", "graph.gexf")
    Traceback (most recent call last):
    ...
    graphkit.cli.options.UserError: -o graph.gexf has the extension of the gexf format, but --format ...
    """
    suffix = Path(output).suffix.lower() if output else ""
    if output and output.lower().endswith((".ftm.json", ".ftm.jsonl")):
        suffix = ".ftm"
    if fmt:
        fmt = fmt.lower()
        if fmt == "csv" and suffix:
            raise UserError(
                f"--format csv writes a folder (entities.csv, relationships.csv, sources.csv and "
                f"the Gephi tables), not one file: give -o a folder name without an extension, "
                f"e.g. -o {Path(output).stem or 'graph'}-csv"  # type: ignore[arg-type]
            )
        named = EXTENSIONS.get(suffix)
        agree = (
            named in (None, fmt)
            or named in ALSO_VALID_AS.get(fmt, ())
            or (suffix == ".xml" and fmt in XML_FORMATS)
        )
        if not agree:
            raise UserError(
                f"-o {output} has the extension of the {named} format, but --format says {fmt}: "
                "make them agree (change the extension or --format)"
            )
        return fmt
    if not output:
        return "ttl"
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    if suffix == ".json":
        raise UserError("-o ends in .json: say --format json (networkx node-link) or --format jsonld (RDF)")
    if suffix == ".csv":
        raise UserError(
            "CSV export writes a folder, not one file: use --format csv -o FOLDER "
            f"(e.g. -o {Path(output).stem}-csv)"
        )
    if Path(output).is_dir():
        return "csv"
    known = ", ".join(sorted(EXTENSIONS))
    raise UserError(
        f"cannot tell the format from -o {output}: use one of the extensions {known}, or give --format (-F)"
    )


@click.command()
@click.option(
    "--format",
    "-F",
    "fmt",
    type=click.Choice([*RDF_FORMATS, *NETWORK_FORMATS], case_sensitive=False),
    help="Output format. Default: from -o's extension (.ttl, .graphml, .gexf, ...), or ttl.",
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
def export(kg: KnowledgeGraph, fmt: str | None, output: str | None, **options) -> None:
    """Export to RDF, Gephi, Neo4j, JSON or CSV files.

    RDF: ttl, nt, nq, trig, jsonld, rdfxml. Gephi: graphml, gexf. FtM:
    ftm (FollowTheMoney entities, one a line, for Aleph). Also json
    (networkx node-link), cypher (a Neo4j script) and csv: a folder with
    entities.csv, relationships.csv and sources.csv (the sheets that
    'graphkit import' reads) and gephi-nodes.csv and gephi-edges.csv (for
    Gephi's spreadsheet import). The format comes from -o's extension
    unless --format says it (an extension of another format is refused);
    without either, Turtle. Files are written to a temporary name and
    renamed, so a failed export never leaves a half-written file. In an
    existing folder, csv replaces those five files (all or none) and no
    other; a link, pipe or device of one of those names is refused.

    Example:

    \b
        graphkit export -o collins.gexf --focus "Judith Collins" --depth 2
    """
    kwargs = projection_kwargs(options)
    if kwargs.get("depth", 1) < 0:
        raise UserError(f"--depth must be 0 or more, not {kwargs['depth']}")
    if output == "-":
        output = None
    fmt = output_format(fmt, output)
    if fmt == "csv" and not output:
        raise UserError("csv writes a folder: give it with -o FOLDER")
    if output is not None:
        if fmt == "csv":
            from graphkit.export.spreadsheet import FILES

            check_target(output, folder=True, files=FILES)  # before any work
        else:
            check_target(output)
    filtered = any(v for k, v in kwargs.items() if k != "depth")
    graph = project(kg, **kwargs) if (fmt not in RDF_FORMATS or filtered) else None
    written: int | None = None
    text_formats = dict(TEXT_FORMATS)
    if fmt == "ftm":
        from graphkit.export.ftm import write_ftm

        text_formats["ftm"] = lambda g, out: write_ftm(kg, g, out)
    if output is None:
        stdout = binary_stdout()
        if fmt in RDF_FORMATS:
            write_rdf(kg, stdout, fmt, graph)
        elif fmt in BINARY_FORMATS:
            BINARY_FORMATS[fmt](graph, stdout)
        else:
            text = io.StringIO()
            text_formats[fmt](graph, text)
            stdout.write(text.getvalue().encode("utf-8"))
        return
    if fmt == "csv":
        from graphkit.export.spreadsheet import store_details, write_spreadsheets

        with atomic_folder(output) as folder:
            write_spreadsheets(graph, folder, store_details(kg))
    elif fmt in RDF_FORMATS:
        with atomic_file(output, "wb") as fh:
            written = write_rdf(kg, fh, fmt, graph)
    elif fmt in BINARY_FORMATS:
        with atomic_file(output, "wb") as fh:
            BINARY_FORMATS[fmt](graph, fh)
    else:
        with atomic_file(output, "w") as fh:
            text_formats[fmt](graph, fh)
    if graph is None:
        summary = f"{kg.triple_count()} triples"
    elif fmt in RDF_FORMATS:
        summary = f"{written} triples: {view_summary(graph)}"
    else:
        summary = f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges"
    click.echo(f"Wrote {visible(output)} ({fmt}, {summary})", err=True)

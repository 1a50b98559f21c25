"""The graphkit command line: a thin layer over the library.

Each command opens the store, calls one library function and formats the
result. Commands live in small modules by topic.
"""

from __future__ import annotations

import click

from graphkit.__about__ import __version__
from graphkit.cli import analysis, data, export, importing, inspect, merge, render


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="graphkit")
def main() -> None:
    """graphkit: a sourced knowledge graph of governments and technology companies.

    Every relationship carries its dates and the sources that report it.
    Without --store, commands use the bundled dataset.

    Example:

        graphkit show "Judith Collins"
    """


for command in (
    data.load,
    data.query,
    data.update,
    inspect.stats,
    inspect.show,
    inspect.validate,
    analysis.neighbors,
    analysis.path,
    analysis.centrality,
    analysis.communities,
    export.export,
    importing.import_,
    merge.merge,
    render.render,
):
    main.add_command(command)

"""The graphkit command line: a thin layer over the library.

Each command opens the store, calls one library function and formats the
result. Commands live in small modules by topic and are imported only when
they run, so ``graphkit --version`` and ``graphkit --help`` never load
rdflib, networkx or the renderer.

To add a command, write it in a module under ``graphkit/cli/`` and add one
row to :data:`COMMANDS`: its name, ``"module:function"`` and the first line
of its docstring (a test checks that the two agree).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from typing import Any

import click

from graphkit.__about__ import __version__
from graphkit.cli.output import OutputGroup

#: Exit status after Ctrl-C, as shells report a process ended by SIGINT.
INTERRUPTED = 130

#: name -> ("graphkit.cli.module:function", short help shown by ``graphkit --help``)
COMMANDS: dict[str, tuple[str, str]] = {
    "centrality": (
        "graphkit.cli.analysis:centrality",
        "Rank entities by centrality: who is connected, who brokers.",
    ),
    "check": (
        "graphkit.cli.check:check",
        "Verify that an embedded store is readable and consistent.",
    ),
    "communities": (
        "graphkit.cli.analysis:communities",
        "Group entities into communities (seeded Louvain).",
    ),
    "export": ("graphkit.cli.export:export", "Export to RDF, Gephi, Neo4j, JSON or CSV files."),
    "import": (
        "graphkit.cli.importing:import_",
        "Import CSV sheets or FollowTheMoney (FtM) entities.",
    ),
    "load": ("graphkit.cli.data:load", "Load RDF files into a store, all or nothing."),
    "merge": ("graphkit.cli.merge:merge", "Merge the entity DUPLICATE into KEEP."),
    "neighbors": (
        "graphkit.cli.analysis:neighbors",
        "List the entities around ENTITY, with dates and sources.",
    ),
    "path": (
        "graphkit.cli.analysis:path",
        "Show how two entities are connected, hop by hop.",
    ),
    "query": ("graphkit.cli.data:query", "Run a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE)."),
    "render": ("graphkit.cli.render:render", "Draw the graph as an interactive HTML page."),
    "shapes": ("graphkit.cli.schema:shapes", "Print the SHACL shapes that 'graphkit validate' checks."),
    "show": (
        "graphkit.cli.inspect:show",
        "Show all that is known about an entity, with sources.",
    ),
    "stats": (
        "graphkit.cli.inspect:stats",
        "Count triples, entities, relationships and sources.",
    ),
    "story": (
        "graphkit.cli.story:story",
        "Build a step-by-step story page from a YAML story file.",
    ),
    "templates": (
        "graphkit.cli.schema:templates",
        "Write the empty CSV sheets that 'graphkit import' reads.",
    ),
    "timeline": (
        "graphkit.cli.timeline:timeline",
        "List dated relationships in time order, with sources.",
    ),
    "update": (
        "graphkit.cli.data:update",
        "Run a SPARQL update (INSERT, DELETE...) on a store.",
    ),
    "validate": (
        "graphkit.cli.validate:validate",
        "Check the graph against graphkit's SHACL shapes.",
    ),
}


def load_command(name: str) -> click.Command:
    """Import the module of command NAME and return its click command.

    >>> load_command("stats").name
    'stats'
    """
    module_name, _, attr = COMMANDS[name][0].partition(":")
    return getattr(importlib.import_module(module_name), attr)


class LazyGroup(OutputGroup):
    """A click group that imports a command's module only when it runs.

    Ctrl-C ends any command with one line and exit status 130 (128 + SIGINT),
    never a traceback; engine work runs where it can be abandoned
    (:mod:`graphkit.store.worker`), so this happens within a fraction of a second.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            with contextlib.suppress(Exception):
                click.echo("\nInterrupted.", err=True)
            if "graphkit.store.worker" in sys.modules and sys.modules["graphkit.store.worker"].busy():
                # An abandoned engine call is still running in native code: shutting the
                # interpreter down under it can abort the process, so leave at once.
                with contextlib.suppress(Exception):
                    sys.stdout.flush()
                    sys.stderr.flush()
                os._exit(INTERRUPTED)
            sys.exit(INTERRUPTED)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name in COMMANDS:
            return load_command(cmd_name)
        return None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The short help comes from the table, so listing commands imports nothing.
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in COMMANDS:
                text = click.utils.make_default_short_help(COMMANDS[name][1], limit)
            else:
                text = self.commands[name].get_short_help_str(limit)
            rows.append((name, text))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="graphkit")
def main() -> None:
    """graphkit: a sourced knowledge graph of governments and technology companies.

    Every relationship carries its dates and the sources that report it.
    Without --store, commands use the bundled dataset.

    Example:

        graphkit show "Judith Collins"
    """

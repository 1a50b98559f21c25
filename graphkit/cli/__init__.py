"""The graphkit command line: a thin layer over the library.

Each command opens the store, calls one library function and formats the
result. Commands live in small modules by topic and are imported only when
they run, so ``graphkit --version`` and ``graphkit --help`` never load
rdflib, networkx or the renderer; ``graphkit --version`` does not even load
click. The click group itself is in :mod:`graphkit.cli.app`.

To add a command, write it in a module under ``graphkit/cli/`` and add one
row to :data:`COMMANDS`: its name, ``"module:function"`` and the first line
of its docstring (a test checks that the two agree).
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

from graphkit.__about__ import __version__

if TYPE_CHECKING:
    import click

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


class _Main:
    """The ``graphkit`` command: the click group of :mod:`graphkit.cli.app`, loaded on first use.

    Called with no arguments, as the installed ``graphkit`` program calls it,
    it answers ``--version`` without importing click, and it owns the
    process: engine work then runs on the main thread, where a guard thread
    may end the process on Ctrl-C (:mod:`graphkit.store.guard`). Called with
    arguments, or through click's ``CliRunner`` (which calls ``main.main``),
    it runs the group in this process and never ends it.

    >>> main.name
    'main'
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        as_program = not args and not kwargs
        if as_program and sys.argv[1:] == ["--version"]:
            try:
                sys.stdout.write(f"graphkit, version {__version__}\n")
                sys.stdout.flush()
                return 0
            except OSError:
                pass  # a full disk or a closed pipe: the click group reports it cleanly
        from graphkit.cli.app import main as group

        group.owns_process = group.owns_process or as_program
        return group(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        from graphkit.cli.app import main as group

        return getattr(group, name)


#: The ``graphkit`` command line (a click group).
main = _Main()

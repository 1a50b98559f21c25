"""The click group behind ``graphkit``: commands loaded on demand, Ctrl-C and output failures made clean."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

import click

from graphkit.__about__ import __version__
from graphkit.cli import COMMANDS, INTERRUPTED, load_command
from graphkit.cli.output import OutputGroup


class LazyGroup(OutputGroup):
    """A click group that imports a command's module only when it runs.

    Ctrl-C ends any command with one line and exit status 130 (128 + SIGINT),
    never a traceback; engine work runs where it can be abandoned
    (:mod:`graphkit.store.worker`), so this happens within a fraction of a second.
    When the group runs as the program (``owns_process``), engine work runs on
    the main thread instead, watched by a guard that may end the process
    (:mod:`graphkit.store.guard`).
    """

    #: Set when graphkit runs as a program: the process may be ended by the guard.
    owns_process = False

    def invoke(self, ctx: click.Context) -> Any:
        if self.owns_process:
            from graphkit.store import worker

            worker.own_process()
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

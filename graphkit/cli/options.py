"""Options and output helpers shared by every command."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from graphkit.cli.output import echo_table as echo_table  # re-exported for commands
from graphkit.cli.output import visible
from graphkit.errors import EntityError, GraphkitError
from graphkit.model.graph import KnowledgeGraph, open_graph


class UserError(click.ClickException):
    """A user mistake: printed as 'Error: ...' with no traceback."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code

    def format_message(self) -> str:
        # Messages echo names and values from the data or the command line.
        return visible(self.message, multiline=True)


def as_user_error(exc: GraphkitError) -> UserError:
    """Translate a library error into a CLI error, listing entity candidates."""
    message = str(exc)
    if isinstance(exc, EntityError) and exc.candidates:
        lines = [
            f"  {visible(label)}  [{visible(kind)}]  {visible(iri)}" for label, kind, iri in exc.candidates
        ]
        message += "\nCandidates:\n" + "\n".join(lines)
    return UserError(message, exc.exit_code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn GraphkitError into clean CLI errors (a closed pipe is the group's business)."""
    try:
        yield
    except GraphkitError as exc:
        raise as_user_error(exc) from None


def store_option(func: Callable) -> Callable:
    """``--store SPEC``, also read from ``$GRAPHKIT_STORE``."""
    return click.option(
        "--store",
        "-s",
        "store",
        metavar="SPEC",
        envvar="GRAPHKIT_STORE",
        help="RDF file or folder, embedded store folder (oxigraph:DIR) or SPARQL "
        "endpoint URL. Default: the bundled dataset. Env: GRAPHKIT_STORE.",
    )(func)


def wait_option(func: Callable) -> Callable:
    """``--wait``: wait for another process that writes the store instead of failing."""
    return click.option(
        "--wait",
        is_flag=True,
        help="If another graphkit process is writing the store, wait for it instead of failing.",
    )(func)


def output_option(*formats: str, default: str = "table") -> Callable:
    """``--format`` with the given choices; the one decorator for output options."""

    def decorate(func: Callable) -> Callable:
        return click.option(
            "--format",
            "-F",
            "output_format",
            type=click.Choice(formats, case_sensitive=False),
            default=default,
            show_default=True,
            help="Output format.",
        )(func)

    return decorate


@contextmanager
def open_store(
    spec: str | None,
    *,
    read_only: bool | None = True,
    create: bool = False,
    wait: bool = False,
    timeout: float | None = None,
) -> Iterator[KnowledgeGraph]:
    """Open the store for one command, with user errors turned into clean messages."""
    with user_errors():
        kg = open_graph(spec, read_only=read_only, create=create, wait=wait, timeout=timeout)
        try:
            yield kg
        finally:
            kg.close()


def with_store(read_only: bool = True) -> Callable:
    """Decorator: add ``--store`` and pass an open ``kg`` instead of the spec."""

    def decorate(func: Callable) -> Callable:
        @store_option
        @functools.wraps(func)
        def wrapper(store: str | None, **kwargs: Any) -> Any:
            with open_store(store, read_only=read_only) as kg, user_errors():
                return func(kg, **kwargs)

        return wrapper

    return decorate


def binary_stdout():
    """Standard output as bytes (RDF and result writers stream bytes)."""
    sys.stdout.flush()
    return sys.stdout.buffer


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def projection_options(focus: bool = True) -> Callable:
    """``--type``, ``--relation``, ``--as-of`` (and ``--focus``/``--depth``) for projections."""

    def decorate(func: Callable) -> Callable:
        options = [
            click.option(
                "--type",
                "-t",
                "types",
                multiple=True,
                metavar="TYPE",
                help="Keep only entities of this type (repeatable; subtypes included).",
            ),
            click.option(
                "--exclude-type",
                "exclude_types",
                multiple=True,
                metavar="TYPE",
                help="Drop entities of this type (repeatable).",
            ),
            click.option(
                "--relation",
                "-r",
                "relations",
                multiple=True,
                metavar="REL",
                help="Keep only this relation type, e.g. metWith (repeatable).",
            ),
            click.option(
                "--exclude-relation",
                "exclude_relations",
                multiple=True,
                metavar="REL",
                help="Drop this relation type (repeatable).",
            ),
            click.option(
                "--as-of",
                "as_of",
                metavar="DATE",
                help="Keep relationships whose dates include DATE (YYYY, YYYY-MM or YYYY-MM-DD); "
                "undated ones stay.",
            ),
        ]
        if focus:
            options += [
                click.option("--focus", metavar="ENTITY", help="Keep only the network around this entity."),
                click.option("--depth", type=int, default=1, show_default=True, help="Hops around --focus."),
            ]
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def projection_kwargs(kwargs: dict) -> dict:
    """Pop the projection options from a command's kwargs, for :func:`graphkit.project`."""
    keys = ("types", "exclude_types", "relations", "exclude_relations", "as_of", "focus", "depth")
    return {k: kwargs.pop(k) for k in keys if k in kwargs}

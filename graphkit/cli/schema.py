"""The shapes command: show the SHACL shapes that ``validate`` checks."""

from __future__ import annotations

import click

from graphkit.vocab import SHAPES_FILE, data_dir


@click.command()
@click.option("--path", "show_path", is_flag=True, help="Print where the shapes file is installed.")
def shapes(show_path: bool) -> None:
    """Print the SHACL shapes that 'graphkit validate' checks.

    The shapes are a Turtle file installed with graphkit; --path prints its
    location, to read or to copy and adapt.

    Example:

        graphkit shapes | grep -A8 'gk:RelationshipShape'
    """
    path = data_dir() / SHAPES_FILE
    if show_path:
        click.echo(str(path))
    else:
        click.echo(path.read_text(encoding="utf-8"), nl=False)

"""Commands that hand out graphkit's own data files: the SHACL shapes and the CSV templates."""

from __future__ import annotations

from pathlib import Path

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


@click.command()
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--example", is_flag=True, help="Write the filled, fictional example instead of empty sheets.")
def templates(folder: str, example: bool) -> None:
    """Write the empty CSV sheets that 'graphkit import' reads.

    Writes entities.csv, relationships.csv and sources.csv into FOLDER,
    with their headers (with --example, filled with fictional example rows),
    to fill in a spreadsheet. Existing files are never overwritten.

    Example:

        graphkit templates my-research
    """
    from graphkit.cli.options import UserError

    source = data_dir() / "templates" / ("example" if example else "")
    names = ["entities.csv", "relationships.csv", "sources.csv"]
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise UserError(f"{folder} is a file, not a folder")
    taken = [name for name in names if (target / name).exists()]
    if taken:
        raise UserError(f"{folder} already has {', '.join(taken)}; nothing was written")
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name in names:
            with (target / name).open("x", encoding="utf-8", newline="") as fh:
                fh.write((source / name).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"cannot write {folder}: {exc.strerror or exc}") from None
    click.echo("Wrote " + ", ".join(str(target / name) for name in names))

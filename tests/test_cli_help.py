"""Help texts fit an 80-column terminal and point at things a user has (shapes, templates)."""

from __future__ import annotations

import inspect
import re

import pytest
import rdflib
from click.testing import CliRunner

from graphkit.cli import COMMANDS, load_command, main
from graphkit.vocab import SH, data_dir


def help_text(*args: str, width: int = 80) -> str:
    result = CliRunner().invoke(main, [*args, "--help"], terminal_width=width)
    assert result.exit_code == 0, result.output
    return result.output


def test_command_summaries_fit_without_ellipsis():
    listing = help_text().split("Commands:\n", 1)[1]
    lines = [line for line in listing.splitlines() if line.strip()]
    assert len(lines) == len(COMMANDS)
    for line in lines:
        assert len(line) <= 80, line
        assert not line.rstrip().endswith("..."), f"summary cut: {line!r}"
    for name, (_, summary) in COMMANDS.items():
        assert f"  {name}" in listing and summary in listing, name


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_examples_are_not_wrapped(name):
    """Every example command in a docstring appears on one line of --help, at 80 columns."""
    text = help_text(name)
    assert all(len(line) <= 80 for line in text.splitlines()), text
    doc = inspect.getdoc(load_command(name).callback) or ""
    examples = [line.strip() for line in doc.split("Example:", 1)[1].splitlines() if line.strip()]
    examples = [line for line in examples if line.startswith("graphkit ")]
    assert examples, f"{name} --help has no example"
    shown = [line.strip() for line in text.splitlines()]
    for example in examples:
        assert example in shown, f"{name}: example wrapped or missing: {example}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_never_names_a_path_that_only_a_checkout_has(name):
    """An installed graphkit has no data/ folder beside the user: help names what they have."""
    assert not re.search(r"(?<![\w/])data/", help_text(name)), name


def test_validate_help_points_at_an_installed_command_not_a_repository_path():
    text = help_text("validate")
    assert "data/shapes.ttl" not in text
    assert "graphkit shapes" in text


def test_shapes_prints_the_shapes_that_validate_uses():
    runner = CliRunner()
    path = runner.invoke(main, ["shapes", "--path"]).output.strip()
    assert re.search(r"shapes\.ttl$", path)
    printed = runner.invoke(main, ["shapes"])
    assert printed.exit_code == 0
    with open(path, encoding="utf-8") as fh:
        assert printed.output == fh.read()
    shapes = rdflib.Graph().parse(data=printed.output, format="turtle")
    assert len(set(shapes.subjects(rdflib.RDF.type, rdflib.URIRef(SH + "NodeShape")))) >= 4


def test_templates_writes_the_sheets_and_never_overwrites(tmp_path):
    runner = CliRunner()
    folder = tmp_path / "mine"
    result = runner.invoke(main, ["templates", str(folder)])
    assert result.exit_code == 0, result.output
    for kind in ("entities", "relationships", "sources"):
        packaged = data_dir() / "templates" / f"{kind}.csv"
        assert (folder / f"{kind}.csv").read_text(encoding="utf-8") == packaged.read_text(encoding="utf-8")
    (folder / "sources.csv").write_text("mine", encoding="utf-8")
    again = runner.invoke(main, ["templates", str(folder)])
    assert again.exit_code == 1 and "already has entities.csv, relationships.csv, sources.csv" in again.output
    assert (folder / "sources.csv").read_text(encoding="utf-8") == "mine"


def test_templates_example_imports_cleanly(tmp_path):
    runner = CliRunner()
    folder = tmp_path / "example"
    assert runner.invoke(main, ["templates", str(folder), "--example"]).exit_code == 0
    result = runner.invoke(main, ["import", str(folder), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output and "new entities: exampleland" in result.output

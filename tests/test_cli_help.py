"""Help texts fit an 80-column terminal and point at things a user has."""

from __future__ import annotations

import inspect
import re

import pytest
import rdflib
from click.testing import CliRunner

from graphkit.cli import COMMANDS, load_command, main
from graphkit.vocab import SH


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
